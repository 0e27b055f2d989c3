"""Issue 15, the browser's first view: what Chromium fetches before and after the user asks for more."""

from __future__ import annotations

import json
import re
from urllib.parse import urlparse

import pytest

from tests.conftest import GEODATA, wait_for_atlas, wait_js

pytestmark = pytest.mark.browser


def record_requests(page) -> list[str]:
    """Every URL path the page requests from now on (Playwright request events)."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(urlparse(request.url).path))
    return seen


def geojson_fetches(paths: list[str]) -> list[str]:
    """The layers whose GeoJSON was requested, once per request."""
    return [m.group(1) for p in paths if (m := re.fullmatch(r"/api/layers/([\w-]+)\.geojson", p))]


def placed(layer_file: str) -> list[dict]:
    fc = json.loads((GEODATA / layer_file).read_text(encoding="utf-8"))
    return [f for f in fc["features"] if f["geometry"] is not None]


def test_a_hidden_layer_is_fetched_when_first_shown_and_only_once(page, live_server):
    seen = record_requests(page)
    page.goto(f"{live_server.url}/?base=none&layers=towns,stations")
    wait_for_atlas(page)
    first = geojson_fetches(seen)
    assert sorted(first) == ["stations", "towns"], first  # railways, roads, parks ... wait until shown
    assert page.evaluate("QJAtlas.layers.railways.loaded") is False
    assert page.locator("svg .qj-layer-railways").count() == 0
    page.get_by_role("checkbox", name="铁路", exact=True).check()  # the layer control, as a user does
    wait_js(page, "QJAtlas.layers.railways.loaded")
    assert geojson_fetches(seen).count("railways") == 1
    ids = {f["properties"]["id"] for f in placed("railways.geojson")}
    drawn = page.eval_on_selector_all(
        "svg .qj-layer-railways", "els => els.map(e => e.getAttribute('data-feature-id'))"
    )
    assert set(drawn) == ids and ids
    wait_js(page, "new URLSearchParams(location.search).get('layers').split(',').includes('railways')")
    page.get_by_role("checkbox", name="铁路", exact=True).uncheck()
    page.get_by_role("checkbox", name="铁路", exact=True).check()
    assert page.locator("svg .qj-layer-railways").count() == len(ids)
    assert geojson_fetches(seen).count("railways") == 1  # shown again: drawn from what was fetched
    assert page.probe.page_errors == []


def test_the_default_view_leaves_hidden_layers_and_a_search_hit_in_one_fetches_it(page, live_server):
    seen = record_requests(page)
    page.goto(f"{live_server.url}/?base=none")
    wait_for_atlas(page)
    assert "neighbours" not in geojson_fetches(seen)  # hidden by its declaration (show = false)
    assert "railways" in geojson_fetches(seen)
    name = placed("neighbours.geojson")[0]["properties"]["name_zh"]
    page.fill("input.qj-search-input", name)
    page.keyboard.press("Enter")
    dialog = page.locator(".leaflet-popup[role=dialog]")
    dialog.wait_for()
    assert dialog.get_attribute("aria-label") == name
    assert geojson_fetches(seen).count("neighbours") == 1
    assert page.evaluate("QJAtlas.map.hasLayer(QJAtlas.layers.neighbours.group)")
    assert page.probe.page_errors == []


DRAW_JS = "/vendor/leaflet-draw/leaflet.draw.js"
GCOORD_JS = "/vendor/gcoord/gcoord.global.prod.js"


def test_measuring_loads_leaflet_draw_on_first_use_only(page, live_server):
    seen = record_requests(page)
    page.goto(f"{live_server.url}/?base=none")
    wait_for_atlas(page)
    assert DRAW_JS not in seen and GCOORD_JS not in seen  # neither plugin is part of the first view
    assert page.evaluate("typeof L.Draw") == "undefined"
    page.click(".qj-measure-line")
    assert "单击开始画线" in page.locator(".leaflet-draw-tooltip").first.inner_text()  # drawing, in Chinese
    page.keyboard.press("Escape")
    page.click(".qj-measure-area")
    page.locator(".leaflet-draw-tooltip").first.wait_for()
    assert seen.count(DRAW_JS) == 1
    assert GCOORD_JS not in seen
    assert page.probe.page_errors == []


def station_position(page, fid: str) -> list[float]:
    return page.evaluate(
        f"(() => {{ const p = QJAtlas.features['{fid}'].leaflet.getLatLng(); return [p.lng, p.lat]; }})()"
    )


def test_a_gcj02_basemap_loads_gcoord_when_first_shown(page, live_server):
    fid = placed("stations.geojson")[0]["properties"]["id"]
    seen = record_requests(page)
    page.goto(f"{live_server.url}/?base=none&layers=stations")
    wait_for_atlas(page)
    assert GCOORD_JS not in seen and page.evaluate("typeof gcoord") == "undefined"
    before = station_position(page, fid)
    page.locator(".leaflet-control-layers").hover()
    page.locator(".leaflet-control-layers-base label", has_text="高德地图").locator("input").check()
    wait_js(page, "document.documentElement.getAttribute('data-datum') === 'gcj02'")
    assert seen.count(GCOORD_JS) == 1
    shifted = station_position(page, fid)
    assert 0.002 < abs(shifted[0] - before[0]) + abs(shifted[1] - before[1]) < 0.02  # a few hundred metres
    page.locator(".leaflet-control-layers-base label", has_text="无底图").locator("input").check()
    wait_js(page, "document.documentElement.getAttribute('data-datum') === 'wgs84'")
    page.locator(".leaflet-control-layers-base label", has_text="高德地图").locator("input").check()
    wait_js(page, "document.documentElement.getAttribute('data-datum') === 'gcj02'")
    assert seen.count(GCOORD_JS) == 1
    page.goto(f"{live_server.url}/?base=gaode&layers=stations")  # a link that opens on Gaode
    wait_js(page, "document.documentElement.getAttribute('data-datum') === 'gcj02'")
    wait_for_atlas(page)
    wait_js(page, f"!!QJAtlas.features['{fid}']")
    assert station_position(page, fid) == pytest.approx(shifted, abs=1e-7)
    assert page.probe.page_errors == []
