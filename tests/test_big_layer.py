"""A big imported layer (thousands of features) is drawn on a canvas and stays clickable."""

from __future__ import annotations

import pytest

from tests.conftest import serving, wait_for_atlas
from tests.synthetic import data_with_pois, random_pois

N = 5000


@pytest.fixture(scope="module")
def big_server(tmp_path_factory):
    from server import create_app

    config = data_with_pois(
        tmp_path_factory.mktemp("big"),
        random_pois(N, seed=7),
        "tile_threshold = 100000     # this test is about a big layer sent whole as GeoJSON\n",
    )
    with serving(create_app(config)) as server:
        yield server


@pytest.mark.browser
def test_big_layer_uses_canvas_and_stays_clickable(page, big_server):
    page.goto(f"{big_server.url}/?base=none&layers=pois,towns")
    wait_for_atlas(page)
    assert page.evaluate("QJAtlas.layers.pois.renderer") == "canvas"
    assert page.evaluate("QJAtlas.layers.pois.drawn") == N
    assert page.locator("svg .qj-layer-pois").count() == 0  # no SVG node per feature
    assert page.locator("canvas").count() >= 1
    assert page.evaluate("QJAtlas.layers.towns.renderer") == "svg"  # small layers keep SVG
    # click a point on the canvas and get its popup
    page.evaluate("void QJAtlas.map.setView(QJAtlas.features['poi-42'].leaflet.getLatLng(), 16, {animate: false})")
    page.wait_for_timeout(300)
    x, y = page.evaluate(
        "(() => { const p = QJAtlas.map.latLngToContainerPoint("
        "QJAtlas.features['poi-42'].leaflet.getLatLng()); return [p.x, p.y]; })()"
    )
    box = page.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "兴趣点42" in popup.inner_text()
    assert page.probe.console_errors == [] and page.probe.page_errors == []
