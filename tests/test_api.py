"""API routes: layer list, layer GeoJSON (gzip, ETag, 304), search, features, 404s and path tricks."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from atlas.catalog import load_catalog
from atlas.stores.precision import rounded_collection
from tests.conftest import GEODATA, ROOT

pytestmark = pytest.mark.both_stores  # every app test runs on the file store and on PostGIS

CATALOG = load_catalog(ROOT / "layers")


def test_layer_list_has_every_declared_layer(client):
    resp = client.get("/api/layers")
    assert resp.status_code == 200
    body = resp.get_json()
    assert [item["id"] for item in body] == CATALOG.ids()
    for item in body:
        assert set(item) >= {"id", "title_zh", "title_en", "family", "geometry_type", "feature_count", "as_of", "url"}
        raw = json.loads((GEODATA / f"{item['id']}.geojson").read_text(encoding="utf-8"))
        placed = sum(1 for f in raw["features"] if f["geometry"] is not None)
        assert item["feature_count"] == placed
        assert item["available"] is True
        assert item["url"] == f"/api/layers/{item['id']}.geojson"


@pytest.mark.parametrize("layer_id", CATALOG.ids())
def test_layer_geojson_is_served_whole(client, layer_id):
    resp = client.get(f"/api/layers/{layer_id}.geojson")
    assert resp.status_code == 200
    assert resp.mimetype == "application/geo+json"
    served = json.loads(resp.data)
    raw = json.loads((GEODATA / f"{layer_id}.geojson").read_text(encoding="utf-8"))
    # every feature whole, coordinates at the precision of its accuracy class (issue 15; see test_precision.py)
    assert served["features"] == rounded_collection(raw)["features"]
    assert "crs" not in served


def test_gzip_etag_and_304(client):
    plain = client.get("/api/layers/towns.geojson")
    zipped = client.get("/api/layers/towns.geojson", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) / 2
    assert "max-age" in plain.headers["Cache-Control"]
    assert "Accept-Encoding" in plain.headers["Vary"]
    etag = plain.headers["ETag"]
    assert etag and etag != zipped.headers["ETag"]
    again = client.get("/api/layers/towns.geojson", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    stale = client.get("/api/layers/towns.geojson", headers={"If-None-Match": '"nope"'})
    assert stale.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/layers/nope.geojson",
        "/api/layers/..%2Fserver.geojson",
        "/api/layers/%2E%2E%2Fgeodata%2Fparks.geojson",
        "/api/layers/../server.py",
        "/api/layers/parks%00.geojson",
        "/api/layers/README.md",
        "/api/layers/parks.json",
        "/vendor/leaflet/../../../../etc/passwd",
        "/vendor/nope/x.js",
        "/vendor/leaflet/..%2F..%2Fserver.py",
    ],
)
def test_unknown_ids_and_path_tricks_give_404_json(client, path):
    resp = client.get(path)
    assert resp.status_code == 404
    assert b"def create_app" not in resp.data and b"root:" not in resp.data
    if path.startswith("/api/"):
        body = resp.get_json()
        assert body["status"] == 404 and body["message"]


@pytest.mark.file_store_only  # a broken layer file; the database store's fault is an outage (test_pg_store.py)
def test_broken_layer_does_not_take_the_site_down(make_app, geodata_copy, caplog):
    (geodata_copy / "parks.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    (geodata_copy / "hubs.geojson").unlink()
    client = make_app(GEODATA_DIR=str(geodata_copy)).test_client()
    layers = {item["id"]: item for item in client.get("/api/layers").get_json()}
    assert layers["parks"]["available"] is False and "not valid UTF-8 JSON" in layers["parks"]["reason"]
    assert layers["hubs"]["available"] is False and "No such file" in layers["hubs"]["reason"]
    assert layers["towns"]["available"] is True
    resp = client.get("/api/layers/parks.geojson")
    body = resp.get_json()
    assert resp.status_code == 503 and "unavailable" in body["message_en"] and "暂不可用" in body["message"]
    assert client.get("/api/layers/towns.geojson").status_code == 200
    page = client.get("/?base=none")
    assert page.status_code == 200
    assert json.dumps("产业园区（不可用）").encode() in page.data  # layer control title, JSON-escaped
    assert any("parks" in rec.getMessage() for rec in caplog.records)


@pytest.mark.file_store_only  # a broken layer file; the database store's fault is an outage (test_pg_store.py)
def test_layer_repaired_while_running_is_served_again(make_app, geodata_copy):
    good = (geodata_copy / "parks.geojson").read_bytes()
    client = make_app(GEODATA_DIR=str(geodata_copy)).test_client()
    assert client.get("/api/layers/parks.geojson").status_code == 200
    (geodata_copy / "parks.geojson").write_text("garbage", encoding="utf-8")
    assert client.get("/api/layers/parks.geojson").status_code == 503
    (geodata_copy / "parks.geojson").write_bytes(good)
    assert client.get("/api/layers/parks.geojson").status_code == 200


def test_search_finds_chinese_english_and_alias(client):
    hits = client.get("/api/search", query_string={"q": "渝贵铁路"}).get_json()["results"]
    assert hits[0]["name_zh"].startswith("渝贵铁路") and hits[0]["layer"] == "railways"
    hits = client.get("/api/search", query_string={"q": "chongqing–guiyang"}).get_json()["results"]
    assert any(h["layer"] == "railways" for h in hits)
    hits = client.get("/api/search", query_string={"q": "渡渡水库"}).get_json()["results"]
    assert hits and "藻渡" in hits[0]["name_zh"]


@pytest.mark.parametrize("q", ["", "   ", "x" * 101])
def test_search_rejects_bad_query(client, q):
    resp = client.get("/api/search", query_string={"q": q})
    assert resp.status_code == 400 and resp.get_json()["parameter"] == "q"


def test_feature_lookup(client):
    layers = client.get("/api/layers").get_json()
    fc = client.get(layers[0]["url"]).get_json()
    fid = fc["features"][0]["properties"]["id"]
    body = client.get(f"/api/features/{fid}").get_json()
    assert body["layer"] == layers[0]["id"] and body["feature"]["properties"]["id"] == fid
    assert client.get("/api/features/no-such-feature").status_code == 404


def test_map_page_uses_no_cdn_and_inlines_no_data(client):
    resp = client.get("/?base=none")
    assert resp.status_code == 200
    html = resp.data.decode()
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert assets, "page loads no assets?"
    assert all(a.startswith("/") for a in assets), [a for a in assets if not a.startswith("/")]
    for asset in set(assets):
        with client.get(asset) as resp:
            assert resp.status_code == 200, asset
    assert "cdn" not in html.lower() and "unpkg" not in html and "githack" not in html
    # data by URL: no feature property lands in the HTML
    assert '"FeatureCollection"' not in html
    for layer in CATALOG.ids():
        assert f"/api/layers/{layer}.geojson" in html


def test_unknown_page_is_html_404(client):
    resp = client.get("/no/such/page")
    assert resp.status_code == 404 and resp.mimetype == "text/html"


@pytest.mark.file_store_only  # a broken layer file; the database store's fault is an outage (test_pg_store.py)
def test_map_page_cache_follows_the_data_version(make_app, geodata_copy):
    client = make_app(GEODATA_DIR=str(geodata_copy)).test_client()
    first = client.get("/?base=none").data.decode()
    assert json.dumps("产业园区（不可用）") not in first
    (geodata_copy / "parks.geojson").write_text("broken", encoding="utf-8")
    second = client.get("/?base=none").data.decode()
    assert json.dumps("产业园区（不可用）") in second  # not served stale from the cache


def test_pages_and_assets_are_compressed_when_accepted(client):
    page = client.get("/?base=none", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip" and len(page.data) < 20_000
    assert gzip.decompress(page.data).startswith(b"<!DOCTYPE html>")
    with client.get("/vendor/leaflet/leaflet.js", headers={"Accept-Encoding": "gzip"}) as asset:
        assert asset.headers["Content-Encoding"] == "gzip"
    plain = client.get("/?base=none")
    assert "Content-Encoding" not in plain.headers
