"""Real-browser tests of the main map in Debian's headless Chromium (network beyond 127.0.0.1 blocked)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import pytest

from atlas.catalog import load_catalog
from tests.conftest import GEODATA, ROOT, save_screenshot, wait_for_atlas, wait_js

pytestmark = pytest.mark.browser
CATALOG = load_catalog(ROOT / "layers")
ALL_LAYERS = ",".join(CATALOG.ids())


def placed_features(layer_id: str) -> list[dict]:
    fc = json.loads((GEODATA / f"{layer_id}.geojson").read_text(encoding="utf-8"))
    return [f for f in fc["features"] if f["geometry"] is not None]


def drawn(page, layer_id: str) -> int:
    """Number of SVG shapes Leaflet drew for a layer (paths and circle markers)."""
    return page.locator(f"svg .qj-layer-{layer_id}").count()


def open_map(page, live_server, query: str = "base=none") -> None:
    page.goto(f"{live_server.url}/?{query}")
    wait_for_atlas(page)


def test_page_loads_offline_without_errors_and_draws_every_layer(page, live_server):
    open_map(page, live_server, f"base=none&layers={ALL_LAYERS}")
    probe = page.probe
    assert probe.console_errors == [] and probe.page_errors == []
    assert probe.blocked == [], "requests tried to leave the machine"
    counts = {}
    for spec in CATALOG:
        expected = len(placed_features(spec.id))
        counts[spec.id] = drawn(page, spec.id)
        assert counts[spec.id] == expected, (spec.id, counts[spec.id], expected)
    assert sum(counts.values()) > 50
    save_screenshot(page, "map-desktop")


def test_layer_control_switches_a_layer_off_and_on(page, live_server):
    open_map(page, live_server)
    before = drawn(page, "railways")
    assert before == len(placed_features("railways")) > 0
    box = page.locator(".leaflet-control-layers label", has_text="铁路").locator("input")
    page.locator(".leaflet-control-layers").hover()
    box.click()
    assert drawn(page, "railways") == 0
    wait_js(page, "!new URLSearchParams(location.search).get('layers').split(',').includes('railways')")
    box.click()
    assert drawn(page, "railways") == before


def test_clicking_a_feature_opens_popup_with_name_and_accuracy(page, live_server):
    open_map(page, live_server)
    feature = placed_features("parks")[0] if placed_features("parks") else None
    assert feature is not None, "no placed industrial park to click"
    props = feature["properties"]
    page.evaluate(
        "id => QJAtlas.features[id].leaflet.fire('click', {latlng: QJAtlas.features[id].leaflet.getCenter ? QJAtlas.features[id].leaflet.getCenter() : QJAtlas.features[id].leaflet.getLatLng()})",
        props["id"],
    )
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert props["name_zh"] in text
    assert {"surveyed": "实测", "approximate": "近似", "schematic": "示意"}[props["accuracy"]] in text
    assert "来源" in text and "数据截至" in text


def test_real_mouse_click_on_drawn_station_opens_its_popup(page, live_server):
    open_map(page, live_server)
    station = placed_features("stations")[0]["properties"]
    page.evaluate("id => QJAtlas.map.setView(QJAtlas.features[id].leaflet.getLatLng(), 14)", station["id"])
    page.wait_for_timeout(400)
    box = page.evaluate(
        """id => { const r = QJAtlas.features[id].leaflet.getElement().getBoundingClientRect();
                                  return {x: r.x + r.width / 2, y: r.y + r.height / 2}; }""",
        station["id"],
    )
    page.mouse.click(box["x"], box["y"])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert station["name_zh"] in popup.inner_text()


def test_search_by_chinese_name_zooms_and_opens_popup(page, live_server):
    open_map(page, live_server)
    target = placed_features("stations")[0]["properties"]
    zoom_before = page.evaluate("QJAtlas.map.getZoom()")
    page.fill(".qj-search-input", target["name_zh"])
    page.locator(".qj-search-hit").first.wait_for()
    assert target["name_zh"] in page.locator(".qj-search-hit").first.inner_text()
    page.press(".qj-search-input", "Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert target["name_zh"] in popup.inner_text()
    assert page.evaluate("QJAtlas.map.getZoom()") > zoom_before
    lon, lat = placed_features("stations")[0]["geometry"]["coordinates"]
    assert page.evaluate(f"QJAtlas.map.getBounds().contains([{lat}, {lon}])")


def test_search_by_english_name(page, live_server):
    open_map(page, live_server)
    page.fill(".qj-search-input", "Qijiang")
    page.locator(".qj-search-hit").first.wait_for()
    assert page.locator(".qj-search-hit").count() >= 1


def test_view_is_kept_in_url_and_restored(page, live_server, browser):
    open_map(page, live_server, "base=none&lat=28.95&lon=106.70&z=12&layers=railways,stations")
    assert page.evaluate("QJAtlas.map.getZoom()") == 12
    assert drawn(page, "railways") > 0 and drawn(page, "towns") == 0
    page.evaluate("QJAtlas.map.setView([29.0, 106.65], 11)")
    wait_js(page, "new URLSearchParams(location.search).get('z') === '11'")
    query = parse_qs(urlparse(page.url).query)
    assert query["z"] == ["11"] and query["base"] == ["none"]
    assert set(query["layers"][0].split(",")) == {"railways", "stations"}
    shared = page.url
    other = browser.new_context().new_page()
    other.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
    other.goto(shared)
    wait_for_atlas(other)
    assert other.evaluate("QJAtlas.map.getZoom()") == 11
    centre = other.evaluate("[QJAtlas.map.getCenter().lat, QJAtlas.map.getCenter().lng]")
    assert centre == pytest.approx([29.0, 106.65], abs=1e-3)
    assert other.locator("svg .qj-layer-towns").count() == 0
    other.context.close()


def test_legend_matches_layers_and_shows_dates(page, live_server):
    open_map(page, live_server)
    rows = page.locator(".qj-legend-row[data-layer]")
    assert rows.count() == len(CATALOG)
    for spec in CATALOG:
        row = page.locator(f".qj-legend-row[data-layer='{spec.id}']")
        assert spec.title_zh in row.inner_text()
        assert "截至" in row.inner_text()
        colour = row.locator("svg *").first.get_attribute("stroke")
        assert colour == spec.style.color
    assert page.locator(".qj-legend-key-planned svg line").get_attribute("stroke-dasharray")


def test_zoom_to_district_button(page, live_server):
    open_map(page, live_server, "base=none&lat=28.6&lon=106.5&z=15")
    page.click(".qj-home a")
    page.wait_for_timeout(500)
    assert page.evaluate("QJAtlas.map.getZoom()") < 12


def test_basemap_choice_in_url_and_control(page, live_server):
    open_map(page, live_server, "base=none")
    labels = page.locator(".leaflet-control-layers-base label").all_inner_texts()
    assert any("OpenStreetMap" in t for t in labels) and any("无底图" in t for t in labels)
    assert page.locator(".leaflet-tile").count() == 0


def test_phone_layout(phone_page, live_server):
    open_map(phone_page, live_server)
    size = phone_page.evaluate(
        "[document.querySelector('.folium-map').clientWidth, document.querySelector('.folium-map').clientHeight,"
        " document.querySelector('.qj-map-header').offsetHeight]"
    )
    header_px = size[2]
    assert 0 < header_px <= 60  # the site's navigation bar stays above the map (issue 28)
    assert size[:2] == [390, 844 - header_px]  # the map fills the rest of the screen
    assert phone_page.locator(".leaflet-control-layers-expanded").count() == 0  # collapsed on a phone
    assert phone_page.locator(".qj-legend-body").is_hidden()
    assert phone_page.locator(".qj-search-input").is_visible()
    box = phone_page.locator(".qj-search").bounding_box()
    assert box["x"] + box["width"] <= 390
    save_screenshot(phone_page, "map-phone")


def _click_at(page, lat, lon):
    point = page.evaluate(
        f"(() => {{ const p = QJAtlas.map.latLngToContainerPoint([{lat}, {lon}]); return [p.x, p.y]; }})()"
    )
    box = page.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    page.wait_for_timeout(300)  # leaflet-draw reads quick successive clicks as a double-click


def test_measure_tool_measures_a_distance(page, live_server):
    open_map(page, live_server, "base=none&lat=29.0&lon=106.65&z=12")
    page.click(".qj-measure-line")
    page.locator(".leaflet-draw-tooltip").first.wait_for()  # leaflet-draw loads on first use (issue 15)
    _click_at(page, 29.0, 106.60)
    _click_at(page, 29.0, 106.70)
    _click_at(page, 29.0, 106.70)  # clicking the last point again finishes the line
    text = page.locator(".qj-measure-result").inner_text()
    km = float(text.split(":")[1].split("公里")[0].replace(",", ""))
    assert km == pytest.approx(9.74, abs=0.05)  # 0.1 degree of longitude at 29 N
    assert page.probe.page_errors == [] and page.probe.console_errors == []


def test_measure_tool_measures_an_area(page, live_server):
    open_map(page, live_server, "base=none&lat=29.0&lon=106.65&z=12")
    page.click(".qj-measure-area")
    page.locator(".leaflet-draw-tooltip").first.wait_for()  # leaflet-draw loads on first use (issue 15)
    for lat, lon in [(29.0, 106.60), (29.0, 106.65), (29.05, 106.65)]:
        _click_at(page, lat, lon)
    _click_at(page, 29.0, 106.60)  # closing the ring finishes the polygon
    text = page.locator(".qj-measure-result").inner_text()
    ha = float(text.split(":")[1].split("公顷")[0].replace(",", ""))
    # right triangle 0.05 deg x 0.05 deg at 29 N: 4.87 km x 5.55 km / 2 = about 1,350 ha
    assert ha == pytest.approx(1350, rel=0.03)
    assert page.probe.page_errors == []


def test_fullscreen_and_scale_controls_present(page, live_server):
    open_map(page, live_server)
    assert page.locator(".leaflet-control-zoom-fullscreen, .leaflet-control-fullscreen-button").count() == 1
    assert page.locator(".leaflet-control-scale-line").count() >= 1
    groups = page.locator(".leaflet-control-layers-group-name").all_inner_texts()
    assert groups == ["交通走廊", "产业园区", "物流枢纽", "更新社区", "底图与参考"]
