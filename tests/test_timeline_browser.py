"""The network through time and the loose ends of issue 16 in headless Chromium: the year slider on the main
map, before / after on the compare page, a shared link with a proposed line, attribution, toolbar language."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import pytest

from atlas.timeline import year_of
from tests.conftest import GEODATA, _open_page, save_screenshot, wait_for_atlas, wait_js
from tests.test_corridors_browser import open_compare, renders, wait_for_render

pytestmark = pytest.mark.browser
LEAFLET_PREFIX = '<a href="https://leafletjs.com">Leaflet</a>'


def placed_railways() -> list[dict]:
    fc = json.loads((GEODATA / "railways.geojson").read_text(encoding="utf-8"))
    return [f["properties"] for f in fc["features"] if f["geometry"] is not None]


def drawn_ids(page, layer_id: str) -> set[str]:
    return set(
        page.evaluate(f"""Array.from(document.querySelectorAll('svg .qj-layer-{layer_id}'))
                                  .map(e => e.getAttribute('data-feature-id'))""")
    )


def expected_drawn(year: int) -> set[str]:
    """Placed railways opened in or before ``year`` (plans are hidden before the present), from the data."""
    return {
        p["id"]
        for p in placed_railways()
        if p["status"] not in ("planned", "under_construction")
        and year_of(p.get("opened")) is not None
        and year_of(p["opened"]) <= year
    }


def test_map_at_2015_draws_only_railways_opened_by_then_and_lists_unknown_years(page, live_server):
    page.goto(f"{live_server.url}/?year=2015&base=none&layers=railways,stations")
    wait_for_atlas(page)
    drawn = drawn_ids(page, "railways")
    assert drawn == expected_drawn(2015) and drawn, drawn
    assert "yugui-railway" not in drawn  # 渝贵铁路 opened 2018-01-25
    assert "chuanqian-railway" in drawn  # 川黔铁路 opened 1965
    names = {p["id"]: p["name_zh"] for p in placed_railways()}
    assert names["yugui-railway"] == "渝贵铁路"
    # stations without a sourced opening year are listed in the legend, not drawn
    stations = json.loads((GEODATA / "stations.geojson").read_text(encoding="utf-8"))["features"]
    undated = [
        f["properties"]
        for f in stations
        if f["geometry"]
        and f["properties"]["status"] not in ("planned",)
        and year_of(f["properties"].get("opened")) is None
    ]
    page.locator('.qj-year-unknown[data-layer="stations"] summary').click()  # the list opens on click
    listed = page.locator('.qj-year-unknown[data-layer="stations"] li').all_inner_texts()
    assert sorted(listed) == sorted(p["name_zh"] for p in undated) and listed
    assert not drawn_ids(page, "stations") & {p["id"] for p in undated}
    assert page.locator(".qj-legend-year").inner_text() == "2015 年的网络"
    assert page.probe.page_errors == [] and page.probe.console_errors == []
    save_screenshot(page, "map-year-2015")


def test_moving_the_slider_updates_map_legend_and_url(page, live_server):
    page.goto(f"{live_server.url}/?year=2015&base=none")
    wait_for_atlas(page)
    assert "yugui-railway" not in drawn_ids(page, "railways")
    page.locator(".qj-year-range").fill("2018")
    wait_js(page, "new URLSearchParams(location.search).get('year') === '2018'")
    assert drawn_ids(page, "railways") == expected_drawn(2018) and "yugui-railway" in drawn_ids(page, "railways")
    assert page.locator(".qj-legend-year").inner_text() == "2018 年的网络"
    assert page.locator(".qj-year-out").inner_text() == "2018"
    page.locator(".qj-year-toggle").uncheck()  # back to today's map: every placed railway, plans dashed
    wait_js(page, "!new URLSearchParams(location.search).has('year')")
    assert drawn_ids(page, "railways") == {p["id"] for p in placed_railways()}
    assert page.locator(".qj-legend-year").inner_text() == "全部年份（现状与规划）"
    params = parse_qs(urlparse(page.url).query)
    assert "layers" in params and "lat" in params  # the rest of the view state stays in the URL


def test_english_legend_headings_toolbar_and_icons(browser, live_server):
    context, page = _open_page(browser, {"width": 1280, "height": 800})
    try:
        page.goto(f"{live_server.url}/?lang=en&base=none&year=2015")
        wait_for_atlas(page)
        families = page.locator(".qj-legend-family").all_inner_texts()
        assert "Transport corridors" in families and "Industrial parks" in families
        assert not any(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in families), families
        assert page.locator(".qj-legend-year").inner_text() == "The network in 2015"
        page.click(".qj-measure-line")  # leaflet-draw loads on first use (issue 15)
        page.locator(".leaflet-draw-tooltip").first.wait_for()
        assert page.evaluate("L.drawLocal.draw.handlers.polyline.tooltip.start") == "Click to start drawing line."
    finally:
        context.close()


def test_main_map_toolbar_speaks_chinese_and_uses_svg_icons(page, live_server):
    page.goto(f"{live_server.url}/?base=none")
    wait_for_atlas(page)
    button = page.locator(".qj-measure-line")
    assert button.locator("svg path").count() >= 1 and button.inner_text().strip() == ""
    assert "📏" not in page.locator(".qj-measure").inner_text()
    button.click()  # leaflet-draw loads on first use (issue 15), already in the page language
    assert "单击开始画线" in page.locator(".leaflet-draw-tooltip").first.inner_text()
    assert page.evaluate("L.drawLocal.draw.handlers.polyline.tooltip.start") == "单击开始画线。"
    assert page.evaluate("document.querySelector('.leaflet-control-attribution').innerHTML").startswith(LEAFLET_PREFIX)


def test_compare_maps_share_the_prefix_and_a_chinese_draw_toolbar(page, live_server):
    open_compare(page, live_server)
    prefixes = page.evaluate("""Array.from(document.querySelectorAll('.leaflet-control-attribution'))
                                  .map(e => e.innerHTML)""")
    assert len(prefixes) == 3 and all(p.startswith(LEAFLET_PREFIX) for p in prefixes), prefixes
    assert page.locator(".leaflet-control-attribution svg").count() == 0  # no flag icon
    title = page.locator(".qj-proposal-map .leaflet-draw-draw-polyline").get_attribute("title")
    assert title in ("画线", "绘制拟建线路")  # leaflet-draw's own title, or the accessible name the page gives it
    rows = page.locator('tr[data-metric="district_share"] td').all_inner_texts()
    assert len(rows) == 2 and all(r.endswith("%") for r in rows)
    assert page.locator('tr[data-metric="town_shares"] td[data-corridor="yugui-railway"] li').count() > 0


def test_before_after_lists_what_2018_added(page, live_server):
    page.goto(f"{live_server.url}/corridors/compare?before=2017&after=2018&base=none")
    added = page.locator('tr[data-metric="corridors"] td[data-network="added"]')
    assert "渝贵铁路" in added.inner_text()
    assert "渝贵铁路" not in page.locator('tr[data-metric="corridors"] td').first.inner_text()
    assert page.locator("path.qj-years-after").count() == 1 and page.locator("path.qj-years-before").count() == 1
    share = page.locator('tr[data-metric="district_share"] td[data-network="added"]').inner_text()
    assert share.endswith("%") and float(share.rstrip(" %")) > 0
    assert page.evaluate("document.querySelector('.leaflet-control-attribution').innerHTML").startswith(LEAFLET_PREFIX)
    assert page.probe.page_errors == [] and page.probe.console_errors == []
    save_screenshot(page, "corridors-before-after")


def test_corridor_list_as_of_a_year_hides_later_lines_and_shows_district_shares(page, live_server):
    page.goto(f"{live_server.url}/corridors?year=2015")
    rows = page.locator("#qj-corridor-list tbody tr").evaluate_all("rows => rows.map(r => r.dataset.corridor)")
    assert "yugui-railway" not in rows and "chuanqian-railway" in rows
    assert page.locator('#qj-year-unknown li[data-corridor="g75-lanhai"]').count() == 1
    share = page.locator('tr[data-corridor="chuanqian-railway"] .qj-district-share').inner_text()
    assert share.endswith("%")
    with page.expect_navigation():
        page.locator("#qj-list-year").fill("2018")  # the form is submitted when the slider is let go
    assert "year=2018" in page.url
    rows = page.locator("#qj-corridor-list tbody tr").evaluate_all("rows => rows.map(r => r.dataset.corridor)")
    assert "yugui-railway" in rows


def test_a_shared_link_with_a_proposed_line_reproduces_the_comparison(page, browser, live_server):
    open_compare(page, live_server)
    done = renders(page)
    page.evaluate("""QJCorridors.proposalPanel.map.fire('draw:created', {layerType: 'polyline',
        layer: L.polyline([[28.90, 106.60], [28.95, 106.70], [28.99, 106.80]])})""")
    wait_for_render(page, done)
    wait_js(page, "new URLSearchParams(location.search).has('proposed')")
    shared = page.url
    table = page.locator("#qj-compare-table").inner_text()
    assert "拟建线路" in table
    context, fresh = _open_page(browser, {"width": 1280, "height": 800})  # a fresh browser: no state, no cookies
    try:
        fresh.goto(shared)
        wait_for_render(fresh, 0)
        assert fresh.locator("#qj-compare-table").inner_text() == table
        assert fresh.locator(".qj-proposal-map path.qj-cor-proposed").count() == 1
        assert "proposed=" in fresh.locator("#qj-export-pdf").get_attribute("href")
    finally:
        context.close()
