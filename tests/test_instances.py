"""Several instances behind a load balancer give identical answers: no per-user state, caches keyed by data."""

from __future__ import annotations

import re

import pytest

from atlas.corridors.context import corridor_context
from server import create_app
from tests.conftest import rename_feature

PATHS = [
    "/api/layers",
    "/api/parks/rank?w_area=2&w_rail=1",
    "/api/corridors/compare?ids=yugui-railway,chuanqian-railway",
    "/ogc/collections/stations/items?limit=5",
    "/api/search?q=綦江",
    "/parks/export.csv",
]


@pytest.fixture
def two_clients():
    return create_app({"TESTING": True}).test_client(), create_app({"TESTING": True}).test_client()


@pytest.mark.parametrize("path", PATHS)
def test_two_instances_answer_identically(two_clients, path):
    a, b = two_clients
    ra, rb = a.get(path), b.get(path)
    assert ra.status_code == rb.status_code == 200
    strip = lambda body: re.sub(rb'"timeStamp":\s*"[^"]+"', b"", body)  # noqa: E731 - OGC timeStamp is the clock
    assert strip(ra.data) == strip(rb.data)


def test_layer_etags_and_map_pages_agree_across_instances(two_clients):
    a, b = two_clients
    assert a.get("/api/layers/towns.geojson").headers["ETag"] == b.get("/api/layers/towns.geojson").headers["ETag"]
    nonce = re.compile(rb'nonce="[^"]+"')
    # warm one instance's page cache first: cached and fresh renders must be the same bytes
    a.get("/?base=none")
    assert nonce.sub(b"", a.get("/?base=none").data) == nonce.sub(b"", b.get("/?base=none").data)


def test_no_session_cookie_is_ever_set(client):
    for path in ["/", "/parks", "/corridors", "/api/layers"]:
        assert "session" not in client.get(path).headers.get("Set-Cookie", "")


def test_instances_on_different_data_answer_from_their_own_data(geodata_copy):
    rename_feature(geodata_copy / "railways.geojson", "yugui-railway", "渝贵铁路（副本）")
    rename_feature(geodata_copy / "stations.geojson", "qijiang-station", "綦江站（副本）")
    shipped = create_app({"TESTING": True}).test_client()
    edited = create_app({"TESTING": True, "GEODATA_DIR": str(geodata_copy)}).test_client()
    paths = (
        "/api/corridors/compare?ids=yugui-railway,chuanqian-railway",
        "/ogc/collections/stations/items?kind=station&limit=100",
        "/ogc/collections/stations/items?bbox=106.5,28.8,106.8,29.1&limit=100",
    )
    for client in (shipped, edited, shipped, edited):  # interleaved: neither may answer from the other's cache
        copy = client is edited
        compared = client.get(paths[0]).get_json()
        assert (compared["names"]["yugui-railway"] == "渝贵铁路（副本）") is copy
        for path in paths[1:]:
            names = [f["properties"]["name_zh"] for f in client.get(path).get_json()["features"]]
            assert ("綦江站（副本）" in names) is copy and ("綦江站" in names) is not copy


def test_each_instance_builds_its_own_derived_data():
    a, b = create_app({"TESTING": True}), create_app({"TESTING": True})
    store_a, store_b = a.extensions["atlas_store"], b.extensions["atlas_store"]
    a.test_client().get("/api/corridors/compare?ids=yugui-railway,chuanqian-railway")
    a.test_client().get("/ogc/collections/stations/items?bbox=106.5,28.8,106.8,29.1")
    built_a = store_a._derived.builds
    assert built_a >= 2 and store_b._derived.builds == 0  # b has built nothing of a's
    b.test_client().get("/api/corridors/compare?ids=yugui-railway,chuanqian-railway")
    b.test_client().get("/ogc/collections/stations/items?bbox=106.5,28.8,106.8,29.1")
    assert store_b._derived.builds == built_a  # the same values, built again for b
    assert corridor_context(store_a) is not corridor_context(store_b)
    assert store_a.index("stations") is not store_b.index("stations")
    assert corridor_context(store_a) is corridor_context(store_a)  # and each keeps its own
