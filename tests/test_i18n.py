"""Bilingual interface: every template/Python UI string has an English translation; ?lang= and the cookie."""

from __future__ import annotations

import io
import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.conftest import ROOT, wait_for_atlas

PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")
ALLOWED_LITERALS = {"中文"}  # a language's own name is shown untranslated on purpose
METHODS = [("atlas/**.py", "python"), ("server.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}


def catalog():
    with PO.open("rb") as fh:
        return read_po(fh, locale="en")


def extracted_ids() -> set[str]:
    ids = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def test_every_extracted_string_has_an_english_translation():
    translated = {m.id: m.string for m in catalog() if m.id}
    ids = extracted_ids()
    assert len(ids) > 20
    missing = sorted(i for i in ids if not translated.get(i))
    assert missing == [], (
        f"write their English msgstr in translations/en/LC_MESSAGES/messages.po, then run scripts/i18n.sh: {missing}"
    )


def test_compiled_catalog_is_up_to_date():
    buf = io.BytesIO()
    write_mo(buf, catalog())
    assert PO.with_suffix(".mo").read_bytes() == buf.getvalue(), (
        "run scripts/i18n.sh (pybabel compile) to compile the .po"
    )


@pytest.mark.parametrize("template", sorted((ROOT / "templates").rglob("*.html")), ids=lambda p: p.name)
def test_templates_have_no_untranslated_chinese(template):
    text = template.read_text(encoding="utf-8")
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    text = re.sub(r"""_\(\s*(['"]).*?\1""", "_(", text, flags=re.S)  # strings inside _("...")
    for literal in ALLOWED_LITERALS:
        text = text.replace(literal, "")
    found = CJK.findall(text)
    assert not found, f"{template.name}: Chinese text outside _(): {''.join(found)[:40]}"


def test_lang_parameter_sets_cookie_and_cookie_is_remembered(client):
    resp = client.get("/?base=none&lang=en")
    assert "lang=en" in resp.headers["Set-Cookie"]
    assert '<html lang="en">' in resp.data.decode()
    again = client.get("/?base=none")  # the test client keeps the cookie
    assert '<html lang="en">' in again.data.decode()
    back = client.get("/?base=none&lang=zh")
    assert '<html lang="zh-CN">' in back.data.decode()


def test_unknown_language_falls_back_to_chinese(client):
    resp = client.get("/?base=none&lang=xx")
    assert '<html lang="zh-CN">' in resp.data.decode()
    assert "Set-Cookie" not in resp.headers


def test_error_page_in_english(client):
    body = client.get("/no/such/page?lang=en").data.decode()
    assert "Back to the map" in body and "返回地图" not in body


@pytest.mark.browser
def test_switching_language_in_the_browser(page, live_server):
    page.goto(f"{live_server.url}/?base=none")
    wait_for_atlas(page)
    assert "交通走廊" in page.locator(".leaflet-control-layers").inner_text()
    page.click(".qj-lang-link")
    wait_for_atlas(page)
    assert "lang=en" in page.url
    control = page.locator(".leaflet-control-layers").inner_text()
    assert "Transport corridors" in control and "Railways" in control and "交通走廊" not in control
    legend = page.locator(".qj-legend").inner_text()
    assert "Legend" in legend and "as of" in legend
    fid = page.evaluate("Object.keys(QJAtlas.features).find(k => QJAtlas.features[k].layer === 'stations')")
    page.evaluate("id => QJAtlas.features[id].leaflet.openPopup()", fid)
    popup = page.locator(".leaflet-popup-content").inner_text()
    assert "Source" in popup and "As of" in popup and "Positional accuracy" in popup
    assert "来源" not in popup
    # the choice is remembered: a plain reload stays English
    page.goto(f"{live_server.url}/?base=none")
    wait_for_atlas(page)
    assert "Transport corridors" in page.locator(".leaflet-control-layers").inner_text()


@pytest.mark.parametrize("lang, summary", [("zh", "参数 q 有误"), ("en", "Invalid parameter q")])
def test_api_errors_carry_a_summary_in_the_request_language(client, lang, summary):
    body = client.get("/api/search", query_string={"q": "", "lang": lang}).get_json()
    assert body["summary"] == summary and body["parameter"] == "q" and body["message"]


def test_404_summary_in_both_languages(client):
    assert client.get("/api/layers/nope.geojson").get_json()["summary"] == "没有这个图层"
    assert client.get("/api/layers/nope.geojson?lang=en").get_json()["summary"] == "No such layer"
