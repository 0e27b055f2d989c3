"""The investor (parks) and planner (corridors) pages in one language at a time: Chinese by default, ?lang=en."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest

from tests.conftest import GEODATA, wait_js

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")
SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
PARK = "qijiang-food-park"
PARKS = "qijiang-industrial-park,qijiang-food-park,beidu-aluminium-park"
PAIR = "yugui-railway,chuanqian-railway"


class _Texts(HTMLParser):
    """Visible text nodes and shown attributes of a page, outside <script> and <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.texts.extend(v for k, v in attrs if k in SHOWN_ATTRIBUTES and v)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(data.strip())


def _strings(value):
    if isinstance(value, str):
        yield value.strip()
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.fixture(scope="module")
def data_values() -> set[str]:
    """Every text value in the shipped data: these may stay Chinese on an English page."""
    values = {"中文"}  # the language switch names Chinese in Chinese on purpose
    for path in GEODATA.glob("*.geojson"):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            for value in feature["properties"].values():
                values.update(_strings(value))
    return values


def chinese_ui_text(html: str, data_values: set[str]) -> list[str]:
    """Chinese text left on the page once every data value is taken out of it."""
    parser = _Texts()
    parser.feed(html)
    values = sorted((v for v in data_values if CJK.search(v)), key=len, reverse=True)
    left = []
    for text in parser.texts:
        if not CJK.search(text):
            continue
        for value in values:
            if value in text:
                text = text.replace(value, "")
        if CJK.search(text):
            left.append(text)
    return left


def get_html(client, url: str) -> str:
    resp = client.get(url)
    assert resp.status_code == 200, url
    return resp.get_data(as_text=True)


ENGLISH_PAGES = [
    (
        "/parks?base=none&lang=en",
        [
            "Weights",
            "Filters",
            "Rank",
            "Score",
            "Distance to expressway interchange",
            "Export CSV",
            "Compare selected (2–4)",
        ],
    ),
    (
        f"/parks/{PARK}?base=none&lang=en",
        [
            "Score (default weights)",
            "Criterion",
            "Normalised",
            "Surroundings",
            "Attributes",
            "Back to all parks",
            "Qijiang Food Industrial Park",
        ],
    ),
    (
        f"/parks/compare?ids={PARKS}&base=none&lang=en",
        ["Compare parks", "Item", "Planned area", "Positional accuracy", "park(s) unplaced and not on the map"],
    ),
    (
        "/corridors?lang=en",
        [
            "Transport corridors",
            "In district (km)",
            "Positional accuracy",
            "not comparable",
            "Compare selected (2 or more)",
            "Chongqing–Guiyang Railway",
        ],
    ),
    (
        f"/corridors/compare?ids={PAIR}&base=none&lang=en",
        [
            "Corridor comparison",
            "Catchment buffer",
            "Comparison",
            "only this corridor",
            "How this is computed",
            "Export CSV",
        ],
    ),
]

CHINESE_PAGES = [
    ("/parks?base=none", ["权重", "筛选", "名次", "评分", "距高速互通", "导出 CSV"], ["Weights", "Filters"]),
    (
        f"/parks/{PARK}?base=none",
        ["评分（默认权重）", "指标", "周边", "属性", "返回列表"],
        [">Surroundings<", ">Attributes<"],
    ),
    (
        f"/parks/compare?ids={PARKS}&base=none",
        ["园区对比", "项目", "规划面积", "位置精度"],
        ["Compare parks", "Planned area"],
    ),
    (
        "/corridors",
        ["交通走廊", "区内长度（公里）", "不可比较", "比较所选走廊（至少 2 条）"],
        ["Transport corridors", "not comparable"],
    ),
    (
        f"/corridors/compare?ids={PAIR}&base=none",
        ["走廊比较", "服务半径", "仅此线路", "方法说明"],
        ["Catchment buffer", "How this is computed"],
    ),
]


@pytest.mark.parametrize("url, headings", ENGLISH_PAGES, ids=[u for u, _h in ENGLISH_PAGES])
def test_english_pages_have_english_headings_and_no_chinese_ui_text(client, data_values, url, headings):
    html = get_html(client, url)
    assert '<html lang="en">' in html
    for heading in headings:
        assert heading in html, heading
    assert chinese_ui_text(html, data_values) == []


@pytest.mark.parametrize("url, headings, english", CHINESE_PAGES, ids=[u for u, _h, _e in CHINESE_PAGES])
def test_chinese_is_the_default(client, url, headings, english):
    html = get_html(client, url)
    assert '<html lang="zh-CN">' in html
    for heading in headings:
        assert heading in html, heading
    for text in english:
        assert text not in html, text


def test_english_profile_uses_english_units_and_numbers(client):
    zh = get_html(client, f"/parks/{PARK}?base=none")
    en = get_html(client, f"/parks/{PARK}?base=none&lang=en")
    assert re.search(r"\d\.\d\d 公里", zh) and not re.search(r"\d\.\d\d km<", zh)
    assert re.search(r"\d\.\d\d km", en) and "公里" not in en.split("<script", 1)[0]
    assert "Distance to rail station or freight yard" in en


def test_page_config_carries_translated_strings(client):
    en = get_html(client, "/parks?base=none&lang=en")
    assert '"lang": "en"' in en and '"all_zero": "All weights are zero' in en
    zh = get_html(client, f"/corridors/compare?ids={PAIR}&base=none&lang=zh")  # the client keeps the cookie
    assert '"lang": "zh"' in zh and "\\u670d\\u52a1\\u534a\\u5f84" in zh  # 服务半径, JSON-escaped


def test_csv_headers_follow_the_language(client):
    zh = client.get("/parks/export.csv?lang=zh").data.decode("utf-8-sig").splitlines()[0]
    en = client.get("/parks/export.csv?lang=en").data.decode("utf-8-sig").splitlines()[0]
    assert zh.startswith("名次,编号,名称") and en.startswith("Rank,ID,Name (Chinese)")
    assert "Distance to expressway interchange: value (m)" in en and not CJK.search(en)
    rows = list(
        csv.reader(io.StringIO(client.get(f"/api/corridors/compare.csv?ids={PAIR}&lang=en").data.decode("utf-8-sig")))
    )
    assert rows[0][:3] == ["ID", "Name", "Status"] and not CJK.search(",".join(rows[0]))
    assert rows[1][1] == "Chongqing–Guiyang Railway"
    zh_rows = list(
        csv.reader(io.StringIO(client.get(f"/api/corridors/compare.csv?ids={PAIR}&lang=zh").data.decode("utf-8-sig")))
    )
    assert zh_rows[0][:3] == ["编号", "名称", "状态"] and zh_rows[1][1] == "渝贵铁路"


def test_geojson_export_keeps_field_names(client):
    fc = json.loads(client.get("/parks/export.geojson?lang=en").data)
    props = fc["features"][0]["properties"]
    assert {"rank", "score", "name_zh", "name_en", "interchange_value_m"} <= set(props)


@pytest.mark.browser
def test_english_pages_in_the_browser(page, live_server):
    page.goto(f"{live_server.url}/parks?base=none&lang=en")
    wait_js(page, "document.documentElement.getAttribute('data-parks-loaded') === 'true'")
    sliders = page.locator(".qj-weight label").all_inner_texts()
    assert any("Distance to expressway interchange" in s for s in sliders)
    assert any("Industry match" in s for s in sliders)
    heads = [h.strip() for h in page.locator("#qj-parks-table thead th").all_inner_texts()]
    assert heads[:4] == ["Select", "Rank", "Park", "Score"]
    assert "shown" in page.locator("#qj-parks-summary").inner_text()
    body = page.locator("#qj-parks-table tbody").inner_text()
    assert "km" in body and "公里" not in body
    assert page.probe.page_errors == [] and page.probe.console_errors == []

    comparable = [c for c in page.request.get(f"{live_server.url}/api/corridors").json() if c["comparable"]]
    assert len(comparable) >= 2
    first, second = comparable[:2]
    page.goto(f"{live_server.url}/corridors/compare?ids={first['id']},{second['id']}&base=none&lang=en")
    wait_js(page, "document.documentElement.getAttribute('data-corridors-state') === 'ready'")
    heads = page.locator("#qj-compare-table thead th").all_inner_texts()
    assert heads == ["Measure", first["name_en"] or first["name_zh"], second["name_en"] or second["name_zh"]]
    rows = page.locator("#qj-compare-table tbody th").all_inner_texts()
    assert rows[:3] == ["Status / opened", "Positional accuracy", "In district (km)"]
    assert "Industrial parks" in rows and "Subdistricts and towns" in rows  # the declared titles
    assert "Catchment buffer" in page.locator("#qj-buffer-caption").inner_text()
    assert not re.search(r"[\u4e00-\u9fff]", " ".join(rows))
    assert page.probe.page_errors == [] and page.probe.console_errors == []
