"""A big imported layer (thousands of features) is drawn on a canvas and stays clickable."""

from __future__ import annotations

import json
import random
import shutil

import pytest

from tests.conftest import GEODATA, ROOT, LiveServer, wait_for_atlas

N = 5000

SYNTHETIC_TOML = """
id = "pois"
title_zh = "兴趣点"
title_en = "Points of interest"
family = "context"
source_file = "pois.geojson"
geometry_types = ["Point"]
order = 990
description_zh = "合成测试图层。"
description_en = "Synthetic test layer."
tile_threshold = 100000     # this test is about a big layer sent whole as GeoJSON
"""


@pytest.fixture(scope="module")
def big_server(tmp_path_factory):
    from server import create_app

    root = tmp_path_factory.mktemp("big")
    shutil.copytree(GEODATA, root / "geodata")
    shutil.copytree(ROOT / "layers", root / "layers")
    (root / "layers" / "pois.toml").write_text(SYNTHETIC_TOML, encoding="utf-8")
    rng = random.Random(7)
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [
        round(rng.uniform(106.4, 107.0), 6), round(rng.uniform(28.5, 29.15), 6)]},
        "properties": {"id": f"poi-{i}", "name_zh": f"兴趣点{i}", "name_en": f"POI {i}", "family": "context",
                       "kind": "village", "status": "existing", "accuracy": "approximate",
                       "source": "synthetic", "as_of": "2026"}} for i in range(N)]
    (root / "geodata" / "pois.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                                                   encoding="utf-8")
    server = LiveServer(create_app({"TESTING": True, "GEODATA_DIR": str(root / "geodata"),
                                    "LAYERS_DIR": str(root / "layers")}))
    yield server
    server.stop()


@pytest.mark.browser
def test_big_layer_uses_canvas_and_stays_clickable(page, big_server):
    page.goto(f"{big_server.url}/?base=none&layers=pois,towns")
    wait_for_atlas(page)
    assert page.evaluate("QJAtlas.layers.pois.renderer") == "canvas"
    assert page.evaluate("QJAtlas.layers.pois.drawn") == N
    assert page.locator("svg .qj-layer-pois").count() == 0           # no SVG node per feature
    assert page.locator("canvas").count() >= 1
    assert page.evaluate("QJAtlas.layers.towns.renderer") == "svg"   # small layers keep SVG
    # click a point on the canvas and get its popup
    page.evaluate("void QJAtlas.map.setView(QJAtlas.features['poi-42'].leaflet.getLatLng(), 16, {animate: false})")
    page.wait_for_timeout(300)
    x, y = page.evaluate("(() => { const p = QJAtlas.map.latLngToContainerPoint("
                         "QJAtlas.features['poi-42'].leaflet.getLatLng()); return [p.x, p.y]; })()")
    box = page.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "兴趣点42" in popup.inner_text()
    assert page.probe.console_errors == [] and page.probe.page_errors == []
