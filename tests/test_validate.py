"""check-data and the validation functions on tiny good and broken fixtures."""

from __future__ import annotations

import json
import shutil

import pytest

from atlas.catalog import load_catalog
from atlas.validate import check_collection, check_geometry, duplicate_id_problems, feature_ids, ids_in_other_layers
from tests.conftest import ROOT, TEST_DATA

CATALOG = load_catalog(ROOT / "layers")
PARKS = CATALOG.get("parks")


def load(name):
    return json.loads((TEST_DATA / name).read_text(encoding="utf-8"))


def test_good_fixture_has_no_problems():
    assert check_collection(load("parks_good.geojson"), PARKS) == []


def test_broken_fixture_reports_each_problem_with_feature_id():
    problems = [str(p) for p in check_collection(load("parks_broken.geojson"), PARKS)]
    text = "\n".join(problems)
    expected = {
        None: "'crs' member",
        "bowtie": "invalid",
        "wrong-type": "LineString is not allowed",
        "swapped": "outside the Qijiang region",
        "no-source": "'source' is missing",
        "bad-vocab": "status 'almost-done'",
    }
    for fid, fragment in expected.items():
        assert any(fragment in p and (fid is None or f"[{fid}]" in p) for p in problems), (fid, fragment, text)
    assert "duplicate feature id" in text
    assert "should be number" in text  # planned_area_km2 given as a string
    assert "accuracy 'great'" in text
    assert "family is 'hub'" in text
    assert "should be date" in text  # as_of "last year"
    assert "[null-but-placed]: geometry is null but accuracy is not 'unplaced'" in text


@pytest.mark.parametrize(
    "geom, fragment",
    [
        ({"type": "Point", "coordinates": []}, "no coordinates"),
        ({"type": "Point", "coordinates": [float("nan"), 29.0]}, "finite"),
        ({"type": "Point", "coordinates": ["106.6", 29.0]}, "finite"),
        ({"type": "Polygon", "coordinates": [[[106.6, 29.0], [106.7, 29.0]]]}, "cannot be built"),
        ({"coordinates": [106.6, 29.0]}, "not a GeoJSON geometry"),
    ],
)
def test_check_geometry_names_the_problem(geom, fragment):
    messages = check_geometry(geom, PARKS)
    assert messages and fragment in messages[0]


def test_top_level_must_be_feature_collection():
    problems = check_collection({"type": "Feature"}, PARKS)
    assert len(problems) == 1 and "FeatureCollection" in problems[0].message


def test_check_data_cli_passes_on_shipped_data(app):
    result = app.test_cli_runner().invoke(args=["check-data"])
    assert result.exit_code == 0, result.output
    assert f"{len(CATALOG)} layers OK" in result.output


def test_check_data_cli_fails_and_lists_problems(make_app, geodata_copy):
    shutil.copy(TEST_DATA / "parks_broken.geojson", geodata_copy / "parks.geojson")
    (geodata_copy / "hubs.geojson").unlink()
    (geodata_copy / "river.geojson").write_text("{not json", encoding="utf-8")
    app = make_app(GEODATA_DIR=str(geodata_copy))
    result = app.test_cli_runner().invoke(args=["check-data"])
    assert result.exit_code != 0
    out = result.output
    assert "parks.geojson [bowtie]" in out
    assert "hubs.geojson: file is missing" in out
    assert "river.geojson: not valid UTF-8 JSON" in out


def test_check_data_flags_ids_shared_between_layers(make_app, geodata_copy):
    parks = load("parks_good.geojson")
    communities = json.loads((geodata_copy / "communities.geojson").read_text(encoding="utf-8"))
    parks["features"][0]["properties"]["id"] = communities["features"][0]["properties"]["id"]
    (geodata_copy / "parks.geojson").write_text(json.dumps(parks, ensure_ascii=False), encoding="utf-8")
    app = make_app(GEODATA_DIR=str(geodata_copy))
    result = app.test_cli_runner().invoke(args=["check-data"])
    assert result.exit_code != 0
    assert "unique across the atlas" in result.output


def test_one_id_scan_serves_check_data_the_build_and_imports(tmp_path):
    """feature_ids skips malformed items; a repeat inside one file is check_collection's, not a cross-layer clash."""
    ok = {"type": "Feature", "properties": {"id": "a"}, "geometry": None}
    messy = {"features": [ok, "junk", {"properties": None}, {"properties": {"id": 7}}, ok]}
    assert feature_ids(messy) == ["a", "a"]
    assert feature_ids([]) == [] and feature_ids({"features": "x"}) == []
    problems = duplicate_id_problems({"parks.geojson": messy, "hubs.geojson": {"features": [ok]}})
    assert [str(p) for p in problems] == [
        "hubs.geojson [a]: id is also used in parks.geojson; ids must be unique across the atlas"
    ]
    shutil.copy(ROOT / "geodata" / "stations.geojson", tmp_path / "stations.geojson")
    (tmp_path / "hubs.geojson").write_text("{not json", encoding="utf-8")
    owners = ids_in_other_layers(CATALOG, tmp_path, "parks")
    assert owners["sanjiang-station"] == "stations.geojson"
    assert set(owners.values()) == {"stations.geojson"}
    assert ids_in_other_layers(CATALOG, tmp_path, "stations") == {}
