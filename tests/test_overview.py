"""Issue 15: the lighter overview copy of outlines the map draws at its opening zooms, and the full copy after."""

from __future__ import annotations

import dataclasses
import json

import geopandas as gpd
import pytest
import shapely

from atlas.catalog import load_catalog
from atlas.stores.layerdata import served_layer
from atlas.stores.overview import (
    OVERVIEW_MAX_ZOOM,
    TOLERANCE_PX,
    ground_m_per_px,
    overview_collection,
    overview_decimals,
)
from atlas.stores.precision import rounded_collection
from tests.conftest import GEODATA, ROOT, wait_for_atlas, wait_js

pytestmark = pytest.mark.both_stores  # the route tests run on the file store and on PostGIS


def shipped(layer_id: str) -> dict:
    return json.loads((GEODATA / f"{layer_id}.geojson").read_text(encoding="utf-8"))


def metric(fc: dict) -> gpd.GeoSeries:
    frame = gpd.GeoDataFrame.from_features([f for f in fc["features"] if f["geometry"]], crs="EPSG:4326")
    return frame.geometry.to_crs("EPSG:32648")


def test_ground_resolution_and_decimals():
    assert ground_m_per_px(0, 0) == pytest.approx(156543.03, rel=1e-6)
    assert ground_m_per_px(29.0, 10) == pytest.approx(133.7, abs=0.1)  # Qijiang at the opening zoom
    assert ground_m_per_px(29.0, 11) == pytest.approx(ground_m_per_px(29.0, 10) / 2)
    assert overview_decimals(133.7) == 4  # 11 m steps: a tenth of the tolerance or finer
    assert overview_decimals(20.0) == 5  # 2 m: 1.1 m steps
    assert overview_decimals(10.0) == 6


def test_towns_overview_keeps_every_town_and_moves_no_line_more_than_a_pixel():
    full = rounded_collection(shipped("towns"))
    light = overview_collection(full)
    assert [f["properties"] for f in light["features"]] == [f["properties"] for f in full["features"]]
    before, after = metric(full), metric(light)
    assert len(after) == len(before) == 30
    assert shapely.get_num_coordinates(after.values).sum() < 0.25 * shapely.get_num_coordinates(before.values).sum()
    assert after.is_valid.all() and not after.is_empty.any()
    # Douglas-Peucker: an outline moves by about the tolerance (a pixel at the overview zoom) plus the rounding
    # of the overview's coordinates (4 decimals, < 8 m); keeping a many-part town's parts apart moves a little more
    tolerance_m = TOLERANCE_PX * ground_m_per_px(29.0, OVERVIEW_MAX_ZOOM)
    moved_m = sorted(a.hausdorff_distance(b) for a, b in zip(before.values, after.values))
    assert moved_m[-2] < tolerance_m + 8 and moved_m[-1] < 1.3 * tolerance_m
    assert after.union_all().area == pytest.approx(before.union_all().area, rel=0.01)
    assert full["features"][0]["geometry"] != light["features"][0]["geometry"]


def test_points_and_unplaced_features_are_left_as_they_are():
    fc = rounded_collection(shipped("stations"))
    assert overview_collection(fc) == fc
    hubs = rounded_collection(shipped("hubs"))
    light = overview_collection(hubs)
    for got, orig in zip(light["features"], hubs["features"], strict=True):
        if orig["geometry"] is None or orig["geometry"]["type"] == "Point":
            assert got["geometry"] == orig["geometry"]


def test_a_layer_gains_an_overview_only_when_it_is_much_lighter_and_not_tiled():
    catalog = load_catalog(ROOT / "layers")
    towns = served_layer(catalog.get("towns"), shipped("towns"), ())
    assert towns.overview() is not None
    assert len(towns.overview().body_gzip) < 0.5 * len(towns.body_gzip)
    assert towns.overview() is towns.overview()  # built once per data version
    assert served_layer(catalog.get("stations"), shipped("stations"), ()).overview() is None  # points only
    tiled_spec = dataclasses.replace(catalog.get("towns"), tile_threshold=0)
    assert served_layer(tiled_spec, shipped("towns"), ()).overview() is None  # drawn from vector tiles


def test_overview_route_serves_the_lighter_copy_with_its_own_etag(client):
    full = client.get("/api/layers/towns.geojson", headers={"Accept-Encoding": "gzip"})
    light = client.get("/api/layers/towns.geojson?detail=overview", headers={"Accept-Encoding": "gzip"})
    assert full.status_code == light.status_code == 200
    assert len(light.data) < 0.5 * len(full.data)
    assert light.headers["Content-Encoding"] == "gzip" and light.mimetype == "application/geo+json"
    assert light.headers["ETag"] != full.headers["ETag"]
    again = client.get(
        "/api/layers/towns.geojson?detail=overview",
        headers={"Accept-Encoding": "gzip", "If-None-Match": light.headers["ETag"]},
    )
    assert again.status_code == 304
    ids = [
        f["properties"]["id"] for f in client.get("/api/layers/towns.geojson?detail=overview").get_json()["features"]
    ]
    assert ids == [f["properties"]["id"] for f in shipped("towns")["features"]]


def test_a_layer_without_an_overview_answers_with_its_full_copy(client):
    full = client.get("/api/layers/stations.geojson")
    assert client.get("/api/layers/stations.geojson?detail=overview").data == full.data
    assert client.get("/api/layers/stations.geojson?detail=full").data == full.data


def test_an_unknown_detail_is_a_clear_400(client):
    resp = client.get("/api/layers/towns.geojson?detail=%3Cscript%3E")
    assert resp.status_code == 400
    body = resp.get_json()
    assert "detail must be one of full, overview" in json.dumps(body)
    assert resp.mimetype == "application/json"  # the bad value comes back as JSON text, never as HTML


def town_paths(page) -> dict:
    """Each drawn town's SVG path length (characters of its d attribute), by feature id."""
    return page.evaluate(
        """(() => { const out = {};
            Object.keys(QJAtlas.features).forEach(id => { const it = QJAtlas.features[id];
              if (it.layer === 'towns' && it.leaflet && it.leaflet.getElement())
                out[id] = it.leaflet.getElement().getAttribute('d').length; });
            return out; })()"""
    )


@pytest.mark.browser
def test_map_opens_with_the_overview_and_draws_the_full_outlines_when_zoomed_in(page, live_server):
    requested = []
    page.on("request", lambda r: "/api/layers/" in r.url and requested.append(r.url.split("/api/layers/")[1]))
    page.goto(f"{live_server.url}/?base=none")
    wait_for_atlas(page)
    assert "towns.geojson?detail=overview" in requested and "towns.geojson" not in requested
    assert "district.geojson?detail=overview" in requested
    assert "stations.geojson" in requested  # points only: one copy
    assert not any(r.startswith("neighbours") for r in requested)  # hidden: fetched when first shown
    assert page.evaluate("QJAtlas.layers.towns.detail") == "overview"
    coarse = town_paths(page)
    assert len(coarse) == 30
    # open a town's popup, then zoom in past the overview zooms: the full outlines replace the overview's
    town = next(f for f in shipped("towns")["features"] if f["geometry"])
    fid, lon, lat = town["properties"]["id"], town["properties"]["label_lon"], town["properties"]["label_lat"]
    page.evaluate(f"QJAtlas.features['{fid}'].leaflet.openPopup([{lat}, {lon}])")
    wait_js(page, "!!document.querySelector('.leaflet-popup .qj-popup')")
    page.evaluate(f"QJAtlas.map.setView([{lat}, {lon}], {OVERVIEW_MAX_ZOOM + 2}, {{animate: false}})")
    wait_js(page, "QJAtlas.layers.towns.detail === 'full'")
    assert "towns.geojson" in requested
    fine = town_paths(page)
    assert set(fine) <= set(coarse) and fid in fine
    # the drawn outline is the full one: every vertex of the town's boundary
    points = page.evaluate(f"QJAtlas.features['{fid}'].leaflet.getLatLngs().flat(3).length")
    outline = shapely.geometry.shape(town["geometry"])  # Leaflet drops each ring's closing point
    assert points == shapely.get_num_coordinates(outline) - len(shapely.get_rings(outline))
    popup = page.locator(".leaflet-popup .qj-popup")
    assert popup.get_attribute("data-feature-id") == fid  # the popup is open again on the new drawing
    assert page.locator(".leaflet-popup").count() == 1  # and the old one is gone, not fading out beside it
    assert town["properties"]["name_zh"] in popup.inner_text()
    # a hidden layer first shown while zoomed in is fetched in full only
    page.evaluate("QJAtlas.map.addLayer(QJAtlas.layers.neighbours.group)")
    wait_js(page, "QJAtlas.layers.neighbours.detail === 'full'")
    assert "neighbours.geojson" in requested and "neighbours.geojson?detail=overview" not in requested
    assert not page.probe.page_errors and not page.probe.console_errors
