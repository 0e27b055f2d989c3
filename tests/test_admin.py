"""Admin writes: token required, uploads validated and limited (size, features, zip bombs), CSRF refused."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from atlas.catalog import load_catalog
from atlas.validate import check_collection
from tests.conftest import ROOT, stored_layer_bytes

pytestmark = pytest.mark.both_stores  # every app test runs on the file store and on PostGIS

TOKEN = "s3cret-admin-token"
PARKS = load_catalog(ROOT / "layers").get("parks")


def park(i: int, lon: float = 106.66, lat: float = 29.03) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon + i * 0.01, lat]},
        "properties": {
            "id": f"admin-park-{i}",
            "name_zh": f"园区{i}",
            "name_en": f"Park {i}",
            "family": "park",
            "kind": "industrial_park",
            "status": "existing",
            "accuracy": "approximate",
            "source": "admin upload test",
            "as_of": "2026-11",
        },
    }


def upload_body(features: list[dict], name: str = "parks.geojson", **form) -> dict:
    data = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()
    return {"file": (io.BytesIO(data), name), **form}


@pytest.fixture
def admin_client(make_app, geodata_copy):
    app = make_app(GEODATA_DIR=str(geodata_copy), ADMIN_TOKEN=TOKEN)
    return app.test_client(), geodata_copy


def post(client, body, token=TOKEN, **headers):
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.post("/api/admin/layers/parks/import", data=body, headers=headers, content_type="multipart/form-data")


def test_admin_writes_are_disabled_without_a_configured_token(client):
    resp = post(client, upload_body([park(1)]))
    assert resp.status_code == 403 and "QIJIANG_ADMIN_TOKEN" in resp.get_json()["message"]


@pytest.mark.parametrize("token", [None, "wrong", TOKEN + "x"])
def test_missing_or_wrong_token_is_refused_and_nothing_changes(admin_client, token):
    client, data_dir = admin_client
    before = stored_layer_bytes(client.application, "parks")
    resp = post(client, upload_body([park(1)]), token=token)
    assert resp.status_code == 401
    assert stored_layer_bytes(client.application, "parks") == before


def test_admin_upload_replaces_the_layer(admin_client):
    client, data_dir = admin_client
    resp = post(client, upload_body([park(1), park(2)]))
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["written"] == 2
    stored = json.loads(stored_layer_bytes(client.application, "parks"))
    assert check_collection(stored, PARKS) == []
    assert [f["properties"]["id"] for f in stored["features"]] == ["admin-park-1", "admin-park-2"]
    served = client.get("/api/layers/parks.geojson").get_json()
    assert len(served["features"]) == 2  # the running server serves the new file


def test_gcj02_upload_is_converted(admin_client):
    client, data_dir = admin_client
    resp = post(client, upload_body([park(0, 106.66385, 29.017517)], datum="gcj02"))
    assert resp.status_code == 200
    lon, lat = json.loads(stored_layer_bytes(client.application, "parks"))["features"][0]["geometry"]["coordinates"]
    assert (lon, lat) == pytest.approx((106.660068, 29.020682), abs=3e-5)


def test_invalid_features_are_listed_and_the_old_file_kept(admin_client):
    client, data_dir = admin_client
    before = stored_layer_bytes(client.application, "parks")
    bad = park(3)
    bad["geometry"]["coordinates"] = [29.0, 106.6]  # swapped axes
    resp = post(client, upload_body([park(1), bad]))
    assert resp.status_code == 422
    body = resp.get_json()
    assert any("admin-park-3" in p and "outside" in p for p in body["problems"])
    assert stored_layer_bytes(client.application, "parks") == before


@pytest.mark.parametrize(
    "config, body_factory, status, fragment",
    [
        ({"ADMIN_MAX_UPLOAD_BYTES": 500}, lambda: upload_body([park(i) for i in range(10)]), 413, "larger than"),
        ({"ADMIN_MAX_FEATURES": 3}, lambda: upload_body([park(i) for i in range(5)]), 422, "at most 3"),
    ],
)
def test_upload_limits(make_app, geodata_copy, config, body_factory, status, fragment):
    client = make_app(GEODATA_DIR=str(geodata_copy), ADMIN_TOKEN=TOKEN, **config).test_client()
    resp = post(client, body_factory())
    assert resp.status_code == status
    body = resp.get_json()
    assert fragment in body.get("message_en", body["message"])  # the English detail (translated for Chinese)


def test_zip_bomb_is_refused_before_reading(make_app, geodata_copy):
    client = make_app(
        GEODATA_DIR=str(geodata_copy), ADMIN_TOKEN=TOKEN, ADMIN_MAX_UNZIPPED_BYTES=1_000_000
    ).test_client()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("parks.geojson", b" " * 5_000_000)  # compresses to a few KB
    assert len(buf.getvalue()) < 50_000
    resp = post(client, {"file": (io.BytesIO(buf.getvalue()), "parks.zip")})
    assert resp.status_code == 422 and "zip bomb" in resp.get_json()["message"]


def test_corrupt_zip_and_bad_file_type(admin_client):
    client, _ = admin_client
    resp = post(client, {"file": (io.BytesIO(b"PK\x03\x04garbage"), "parks.zip")})
    assert resp.status_code == 422 and "corrupt" in resp.get_json()["message"]
    resp = post(client, {"file": (io.BytesIO(b"MZ..."), "parks.exe")})
    assert resp.status_code == 400 and resp.get_json()["parameter"] == "file"


def test_path_tricks_in_the_file_name_stay_in_the_temp_dir(admin_client):
    client, data_dir = admin_client
    resp = post(client, upload_body([park(1)], name="../../../server.geojson"))
    assert resp.status_code == 200
    assert not (ROOT.parent / "server.geojson").exists() and not (data_dir.parent / "server.geojson").exists()


def test_cross_site_post_is_refused(admin_client):
    client, data_dir = admin_client
    before = stored_layer_bytes(client.application, "parks")
    resp = post(client, upload_body([park(1)]), Origin="https://evil.example")
    assert resp.status_code == 403 and "cross-site" in resp.get_json()["message"]
    resp = client.post(
        "/api/corridors/compare",
        json={"ids": ["yugui-railway", "chuanqian-railway"]},
        headers={"Origin": "https://evil.example"},
    )
    assert resp.status_code == 403
    same = client.post(
        "/api/corridors/compare",
        json={"ids": ["yugui-railway", "chuanqian-railway"]},
        headers={"Origin": "http://localhost"},
    )
    assert same.status_code == 200
    assert stored_layer_bytes(client.application, "parks") == before


def test_public_routes_are_read_only(app):
    writable = sorted(
        {rule.rule for rule in app.url_map.iter_rules() if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}}
    )
    # computations that store nothing, the token-protected admin import, and the curation routes of
    # signed-in editors (tests/test_curation_api.py walks them all: 401 without a session or token); the scenario
    # evaluation computes and stores nothing, saving a scenario needs a signed-in user
    curation = ("/login", "/logout", "/account/", "/history/", "/api/layers/", "/api/scenarios")
    assert all(r.startswith(("/api/corridors/", "/api/admin/") + curation) for r in writable), writable
    assert {r for r in writable if r.startswith("/api/layers/")} == {
        "/api/layers/<layer_id>/features",
        "/api/layers/<layer_id>/features/<feature_id>",
    }
