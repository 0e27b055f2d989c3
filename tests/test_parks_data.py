"""The parks' derived data lives in each app's store: built once per data version and app, rebuilt on change."""

from __future__ import annotations

import json
import os

import pytest

from tests.conftest import copy_geodata
from tests.test_parks_api import E0, N0, feature, point, write, write_synthetic

RANK = "/api/parks/rank?w_area=2&w_rail=1"
INTERCHANGE_ONLY = "/api/parks/rank?w_interchange=1&w_rail=0&w_hub=0&w_centre=0&w_area=0"


def builds(app) -> int:
    return app.extensions["atlas_store"]._derived.builds


def test_each_app_builds_its_own_park_data_once(make_app):
    one, two = make_app(), make_app()
    first = one.test_client().get(RANK).get_json()
    built = builds(one)
    assert built == 3  # the parks, the targets, the weight-independent metrics
    assert one.test_client().get("/api/parks/rank?w_rail=3").status_code == 200  # re-weighting only
    assert one.test_client().get("/parks/export.csv").status_code == 200
    assert builds(one) == built
    assert builds(two) == 0  # nothing is shared between apps in one process
    assert two.test_client().get(RANK).get_json() == first
    assert builds(two) == built


def _touch(path) -> None:
    os.utime(path, ns=(1, 1))  # a new stamp even within the file system's time resolution


def test_a_changed_layer_rebuilds_what_reads_it_in_that_app_only(make_app, tmp_path):
    dirs = [tmp_path / "a", tmp_path / "b"]
    for target in dirs:
        write_synthetic(copy_geodata(target))
    app, other = (make_app(GEODATA_DIR=str(d)) for d in dirs)
    ids = lambda a: [p["id"] for p in a.test_client().get(INTERCHANGE_ONLY).get_json()["parks"]]  # noqa: E731
    assert ids(app) == ids(other) == ["alpha", "beta", "gamma", "delta"]
    built = builds(app)
    towns = dirs[0] / "towns.geojson"  # a layer the ranking does not read
    body = json.loads(towns.read_text("utf-8"))
    body["features"][0]["properties"]["name_en"] = "Renamed town"
    towns.write_text(json.dumps(body, ensure_ascii=False), "utf-8")
    _touch(towns)
    assert ids(app)[0] == "alpha" and builds(app) == built
    # the interchange moves 3 km east: now 3 km from beta's edge and 6 km from alpha's
    write(dirs[0], "stations", [feature("ic-a", "corridor", "interchange", point(E0 + 6500, N0))])
    _touch(dirs[0] / "stations.geojson")
    body = app.test_client().get(INTERCHANGE_ONLY).get_json()
    by_id = {p["id"]: p["metrics"]["interchange"]["value"] for p in body["parks"]}
    assert by_id["beta"] == pytest.approx(3000.0, abs=0.5) and by_id["alpha"] == pytest.approx(6000.0, abs=0.5)
    assert [p["id"] for p in body["parks"]][:2] == ["beta", "alpha"]
    assert builds(app) == built + 2  # targets and metrics rebuilt; the parks themselves did not change
    assert ids(other)[:2] == ["alpha", "beta"]  # the other app's data and cache are its own
