"""A layer above its tile_threshold is drawn from vector tiles (Leaflet.VectorGrid) and its features stay clickable."""

from __future__ import annotations

import json

import pytest

from atlas.catalog import DEFAULT_TILE_THRESHOLD
from tests.conftest import serving, wait_for_atlas, wait_js
from tests.hostile import HOSTILE
from tests.synthetic import data_with_pois, poi, random_pois

N = DEFAULT_TILE_THRESHOLD + 500
HOSTILE_NAME = HOSTILE[2]  # <img src=x onerror=... id=pwned>
TARGET = [106.70123, 28.90456]  # where the hostile-named point lies


@pytest.fixture(scope="module")
def tiled_server(tmp_path_factory):
    from server import create_app

    root = tmp_path_factory.mktemp("tiled")
    features = random_pois(N - 1, seed=11) + [poi(N - 1, *TARGET, HOSTILE_NAME)]
    with serving(create_app(data_with_pois(root, features))) as server:
        server.geodata = root / "geodata"
        yield server


@pytest.mark.browser
def test_tiled_layer_draws_from_vector_tiles_and_opens_escaped_popup(page, tiled_server):
    requests = []
    page.on("request", lambda req: requests.append(req.url))
    page.goto(f"{tiled_server.url}/?base=none&layers=pois,towns")
    wait_for_atlas(page)
    assert page.evaluate("QJAtlas.layers.pois.tiled") is True
    # "loaded" waits for the tiles in view: the district view already shows tiled points
    assert page.evaluate("QJAtlas.layers.pois.drawn") > 0
    assert page.locator(".leaflet-tile path.qj-layer-pois").count() > 0
    assert page.evaluate("QJAtlas.layers.towns.renderer") == "svg"  # small layers stay on GeoJSON
    assert not any("/api/layers/pois.geojson" in url for url in requests)  # the big layer is never sent whole
    page.evaluate(f"void QJAtlas.map.setView([{TARGET[1]}, {TARGET[0]}], 16, {{animate: false}})")
    wait_js(page, "document.querySelectorAll('.leaflet-tile path.qj-layer-pois').length > 0")
    assert any("/tiles/pois/16/" in url and ".mvt?v=" in url for url in requests)
    assert page.evaluate("QJAtlas.layers.pois.drawn") >= 1
    popup = click_target(page)
    assert popup.locator(".qj-popup-title").inner_text() == HOSTILE_NAME  # shown literally, not as HTML
    assert popup.get_attribute("data-feature-id") == f"poi-{N - 1}"
    assert "POI" in popup.inner_text() and "synthetic" in popup.inner_text()  # full properties fetched by id
    assert page.evaluate("window.__pwned === undefined && !document.getElementById('pwned')")
    assert page.probe.console_errors == [] and page.probe.page_errors == []


def click_target(page):
    """Click where the hostile-named point is drawn and return the popup that opens."""
    x, y = page.evaluate(
        f"(() => {{ const p = QJAtlas.map.latLngToContainerPoint([{TARGET[1]}, {TARGET[0]}]); return [p.x, p.y]; }})()"
    )
    box = page.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    popup = page.locator(".leaflet-popup-content .qj-popup")
    popup.wait_for()
    return popup


@pytest.mark.browser
def test_search_hit_in_a_tiled_layer_opens_its_popup(page, tiled_server):
    page.goto(f"{tiled_server.url}/?base=none&layers=towns")
    wait_for_atlas(page)
    page.evaluate(
        "void QJAtlas.focusFeature('poi-7', {id: 'poi-7', layer: 'pois', placed: true,"
        " bbox: [106.5, 28.6, 106.5, 28.6], name_zh: '兴趣点7'})"
    )
    popup = page.locator(".leaflet-popup-content .qj-popup")
    popup.wait_for()
    assert popup.locator(".qj-popup-title").inner_text() == "兴趣点7"
    assert page.evaluate("QJAtlas.map.hasLayer(QJAtlas.layers.pois.group)")
    assert page.probe.console_errors == [] and page.probe.page_errors == []


@pytest.mark.browser
def test_reloading_a_tiled_layer_after_a_change_loads_the_new_version(page, tiled_server):
    requests = []
    page.on("request", lambda req: requests.append(req.url))
    page.goto(f"{tiled_server.url}/?base=none&layers=pois&lat={TARGET[1]}&lon={TARGET[0]}&z=16")
    wait_for_atlas(page)
    wait_js(page, "document.querySelectorAll('.leaflet-tile path.qj-layer-pois').length > 0")
    old = page.evaluate("QJAtlas.layers.pois.cfg.tiles")
    path = tiled_server.geodata / "pois.geojson"
    fc = json.loads(path.read_text(encoding="utf-8"))
    fc["features"][-1]["properties"]["name_zh"] = "改过名的兴趣点"
    path.write_text(json.dumps(fc), encoding="utf-8")  # what an edit or import does to the file
    page.evaluate("QJAtlas.reloadLayer('pois')")
    wait_js(page, f"QJAtlas.layers.pois.cfg.tiles !== {json.dumps(old)}")
    wait_js(page, "document.querySelectorAll('.leaflet-tile path.qj-layer-pois').length > 0")
    version = page.evaluate("QJAtlas.layers.pois.cfg.tiles").split("?v=")[1]
    assert any("/tiles/pois/16/" in url and url.endswith(f"?v={version}") for url in requests)
    assert click_target(page).locator(".qj-popup-title").inner_text() == "改过名的兴趣点"
    assert page.probe.console_errors == [] and page.probe.page_errors == []


@pytest.mark.browser
def test_dense_points_draw_as_clusters_that_zoom_in_when_clicked(page, tiled_server):
    page.goto(f"{tiled_server.url}/?base=none&layers=pois")
    wait_for_atlas(page)
    clusters = page.locator(".leaflet-tile path.qj-cluster.qj-layer-pois")
    assert clusters.count() > 0
    # every point in view is drawn, counted through the clusters it is gathered in
    drawn = page.evaluate("QJAtlas.layers.pois.drawn")
    assert drawn > clusters.count()
    zoom = page.evaluate("QJAtlas.map.getZoom()")
    box = clusters.first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_js(page, f"QJAtlas.map.getZoom() === {zoom + 2}")
    assert page.locator(".leaflet-popup").count() == 0  # a cluster opens no popup: it shows what it holds
    assert page.probe.console_errors == [] and page.probe.page_errors == []
