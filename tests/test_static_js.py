"""The browser code's layout (issue 13): one shared helper module, page scripts under ~350 lines, listed once."""

from __future__ import annotations

import re

import pytest

from atlas.maps import assets
from tests.conftest import ROOT, wait_for_atlas, wait_js

STATIC = ROOT / "static"
SCRIPTS = sorted(STATIC.rglob("*.js"))
LISTS = [
    assets.COMMON_JS,
    assets.ATLAS_JS,
    assets.TILES_JS,
    assets.MEASURE_JS,
    assets.PARKS_JS,
    assets.CORRIDORS_JS,
    assets.EDIT_JS,
]
SHARED_HELPERS = ("el", "t", "tr", "fmt", "number", "vocabLabel", "formatValue")


def test_every_script_lives_under_static_js_and_stays_short():
    assert SCRIPTS, "no scripts found"
    for path in SCRIPTS:
        assert path.parent.is_relative_to(STATIC / "js"), path
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines <= 350, f"{path.relative_to(ROOT)} has {lines} lines"


@pytest.mark.parametrize("name", SHARED_HELPERS)
def test_the_shared_helpers_are_defined_in_util_js_only(name):
    definers = [
        p.relative_to(STATIC).as_posix()
        for p in SCRIPTS
        if re.search(rf"function {name}\s*\(", p.read_text(encoding="utf-8"))
    ]
    assert definers in ([], ["js/util.js"]), definers


def test_only_the_atlas_scripts_write_into_qjatlas():
    for path in SCRIPTS:
        if path.parent == STATIC / "js" / "atlas":
            continue
        text = path.read_text(encoding="utf-8")
        writes = re.findall(r"QJAtlas\.\w+(?:\.\w+)*\s*=(?!=)", text)
        assert writes == [], f"{path.relative_to(ROOT)} writes {writes}"


def test_every_listed_script_exists_and_every_script_is_listed():
    listed = {url for group in LISTS for _name, url in group if url.startswith("/static/")}
    for url in listed:
        assert (ROOT / url.lstrip("/")).is_file(), url
    templates = " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "templates").rglob("*.html"))
    for path in SCRIPTS:
        url = "/" + path.relative_to(ROOT).as_posix()
        in_template = f"filename='{path.relative_to(STATIC).as_posix()}'" in templates
        assert url in listed or in_template, f"{url} is loaded by no page"
    for group in LISTS:  # the shared helpers load before any of the app's scripts that use them
        ours = [url for _name, url in group if url.startswith("/static/")]
        assert "/static/js/util.js" not in ours or ours[0] == "/static/js/util.js", ours


@pytest.mark.browser
@pytest.mark.parametrize(("lang", "unknown", "number"), [("zh", "未知", "1,234.5"), ("en", "unknown", "1,234.5")])
def test_pages_format_missing_values_as_unknown_in_the_page_language(page, live_server, lang, unknown, number):
    page.goto(f"{live_server.url}/?base=none&lang={lang}")
    wait_for_atlas(page)
    assert page.evaluate("QJAtlas.text.value({name: 'x', type: 'number'}, null)") == unknown
    assert page.evaluate("QJAtlas.text.vocabLabel('status', '')") == unknown
    assert page.evaluate("QJAtlas.text.number(1234.5, 2)") == number
    assert page.evaluate("QJAtlas.text.value({name: 'n', type: 'int', unit_zh: '个', unit_en: 'pcs'}, 3)") == (
        "3 个" if lang == "zh" else "3 pcs"
    )
    page.goto(f"{live_server.url}/corridors/compare?ids=yugui-railway,chuanqian-railway&base=none&lang={lang}")
    wait_js(page, "document.documentElement.getAttribute('data-corridors-state') === 'ready'")
    assert page.evaluate("QJCorridors.num(null, 1)") == unknown
    assert page.evaluate("QJCorridors.num(2.25, 1)") in ("2.3", "2.2")  # one decimal, the locale's rounding


def test_the_plugins_loaded_on_first_use_are_served_by_the_app(client):
    assert set(assets.PLUGIN_JS) == {"draw", "gcoord"}
    for url in assets.PLUGIN_JS.values():
        with client.get(url) as resp:
            assert resp.status_code == 200, url
            assert resp.mimetype in ("text/javascript", "application/javascript"), url
    page = client.get("/?base=none").data.decode()
    assert "leaflet.draw.js" not in page.split("</head>")[0] and "gcoord" not in page.split("</head>")[0]
