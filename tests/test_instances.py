"""Several instances behind a load balancer give identical answers: no per-user state, caches keyed by data."""

from __future__ import annotations

import re

import pytest

from server import create_app

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
