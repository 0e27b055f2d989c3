"""Issue 12, bad input: an `area` site must be a polygon with its sourced wording; `unplaced` has no geometry.

Both rules hold in check-data and in import-layer, and the message names the feature.
"""

from __future__ import annotations

import json

from atlas.catalog import load_catalog
from atlas.validate import check_collection
from tests.conftest import ROOT
from tests.test_importer import cli, feature, geodata, park_props, pt, square, write_geojson  # noqa: F401

PARKS = load_catalog(ROOT / "layers").get("parks")


def collection(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def test_area_point_and_unplaced_geometry_are_rejected_by_name():
    area_point = feature(pt(1), park_props(1, id="area-point", accuracy="area", location_text="在古南街道"))
    unplaced_geom = feature(pt(2), park_props(2, id="unplaced-geom", accuracy="unplaced"))
    area_no_text = feature(square(3), park_props(3, id="area-no-text", accuracy="area"))
    area_ok = feature(square(4), park_props(4, id="area-ok", accuracy="area", location_text="在古南街道"))
    problems = {
        (p.feature, p.message)
        for p in check_collection(collection(area_point, unplaced_geom, area_no_text, area_ok), PARKS)
    }
    messages = {fid: msg for fid, msg in problems}
    assert "Polygon or MultiPolygon" in messages["area-point"] and "got Point" in messages["area-point"]
    assert "accuracy is 'unplaced' but the feature has a geometry" in messages["unplaced-geom"]
    assert "location_text" in messages["area-no-text"]
    assert "area-ok" not in messages


def test_check_data_names_the_bad_area_feature(make_app, geodata):  # noqa: F811
    parks = json.loads((geodata / "parks.geojson").read_text(encoding="utf-8"))
    parks["features"].append(feature(pt(5), park_props(5, id="bad-area-site", accuracy="area", location_text="x")))
    (geodata / "parks.geojson").write_text(json.dumps(parks, ensure_ascii=False), encoding="utf-8")
    result = make_app(GEODATA_DIR=str(geodata)).test_cli_runner().invoke(args=["check-data"])
    assert result.exit_code != 0
    assert "parks.geojson [bad-area-site]" in result.output and "got Point" in result.output


def test_import_layer_rejects_both_and_writes_nothing(cli, geodata, tmp_path):  # noqa: F811
    before = (geodata / "parks.geojson").read_bytes()
    src = write_geojson(
        tmp_path / "parks.geojson",
        [
            feature(pt(1), park_props(1, id="imp-area-point", accuracy="area", location_text="在古南街道")),
            feature(pt(2), park_props(2, id="imp-unplaced-geom", accuracy="unplaced")),
        ],
    )
    result = cli(src, "--layer", "parks")
    assert result.exit_code == 1
    assert "[imp-area-point]" in result.output and "got Point" in result.output
    assert "[imp-unplaced-geom]" in result.output and "'unplaced' but the feature has a geometry" in result.output
    assert (geodata / "parks.geojson").read_bytes() == before
