"""Issue 15: the browser's layer GeoJSON carries coordinates no finer than each feature's accuracy class."""

from __future__ import annotations

import json

import pytest

from atlas.stores.precision import DECIMALS_BY_ACCURACY, rounded_collection, rounded_geometry
from tests.conftest import GEODATA


def flat(coords):
    if isinstance(coords, (int, float)):
        yield coords
    else:
        for c in coords:
            yield from flat(c)


def decimals(x: float) -> int:
    text = repr(float(x))
    return 0 if "e" in text or text.endswith(".0") else len(text.split(".")[1])


def test_each_class_is_rounded_to_its_own_decimals():
    fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"accuracy": "surveyed"}, "geometry": {"type": "Point", "coordinates": [106.12345678, 28.98765432]}},
            {"type": "Feature", "properties": {"accuracy": "approximate"}, "geometry": {"type": "LineString", "coordinates": [[106.12345678, 28.98765432], [106.2, 28.9]]}},
            {"type": "Feature", "properties": {"accuracy": "area"}, "geometry": {"type": "Polygon", "coordinates": [[[106.12345678, 28.1], [106.2, 28.98765432], [106.3, 28.2], [106.12345678, 28.1]]]}},
            {"type": "Feature", "properties": {"accuracy": "unplaced"}, "geometry": None},
            {"type": "Feature", "properties": {"accuracy": "new-class"}, "geometry": {"type": "Point", "coordinates": [106.12345678, 28.98765432]}},
        ],
    }  # fmt: skip
    out = rounded_collection(fc)
    coords = [f["geometry"] and f["geometry"]["coordinates"] for f in out["features"]]
    assert coords[0] == [106.123457, 28.987654]
    assert coords[1][0] == [106.12346, 28.98765]
    assert coords[2][0][1] == [106.2, 28.9877] and coords[2][0][0] == [106.1235, 28.1]
    assert coords[3] is None
    assert coords[4] == [106.123457, 28.987654]  # an unknown class keeps the finest precision
    assert fc["features"][0]["geometry"]["coordinates"] == [106.12345678, 28.98765432]  # the input is not changed
    assert out["features"][0]["properties"] is fc["features"][0]["properties"]


def test_geometry_collections_are_rounded_member_by_member():
    geom = {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [1.23456, 2.34567]}]}
    assert rounded_geometry(geom, 2) == {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [1.23, 2.35]}]}  # fmt: skip


@pytest.mark.parametrize("layer_id", ["towns", "stations", "parks", "district", "railways"])
def test_the_layer_geojson_is_rounded_by_class_and_the_feature_api_keeps_every_digit(client, layer_id):
    sent = client.get(f"/api/layers/{layer_id}.geojson").get_json()
    source = json.loads((GEODATA / f"{layer_id}.geojson").read_text(encoding="utf-8"))
    assert len(sent["features"]) == len(source["features"])
    for got, orig in zip(sent["features"], source["features"], strict=True):
        assert got["properties"] == orig["properties"]
        if orig["geometry"] is None:
            assert got["geometry"] is None
            continue
        places = DECIMALS_BY_ACCURACY.get(orig["properties"]["accuracy"], 6)
        pairs = list(zip(flat(got["geometry"]["coordinates"]), flat(orig["geometry"]["coordinates"]), strict=True))
        assert all(decimals(a) <= places and abs(a - b) <= 0.5 * 10**-places + 1e-12 for a, b in pairs)
    placed = next(f for f in source["features"] if f["geometry"] is not None)
    full = client.get(f"/api/features/{placed['properties']['id']}").get_json()["feature"]
    assert full["geometry"] == placed["geometry"]
