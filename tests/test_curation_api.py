"""Curation over HTTP: auth (401/403, CSRF, tokens, rate limit), edits, versions (409), history and revert."""

from __future__ import annotations

import json
import re

import pytest

from atlas.curation.edits import feature_version
from tests.conftest import PASSWORD, csrf_from, first_unplaced, signed_in_client, stored_layer_bytes

pytestmark = pytest.mark.both_stores  # every app test runs on the file store and on PostGIS

PROVENANCE = {"source": "API test source", "accuracy": "approximate", "as_of": "2026-11"}
POINT = {"type": "Point", "coordinates": [106.66, 28.96]}
# POST routes that change nothing on the server (corridor comparisons of an uploaded line that is never
# saved) or that sign in: they stay public. Every other non-GET route is a write.
PUBLIC_POSTS = {
    "auth.login",
    "corridors.api_compare",
    "corridors.api_compare_csv",
    "corridors.api_catchments",
    "corridors.api_proposed",
    "scenarios.api_evaluate",  # computes, stores nothing
    "scenarios.api_evaluate_csv",
}


def layer_bytes(app, name: str = "parks.geojson") -> bytes:
    return stored_layer_bytes(app, name.removesuffix(".geojson"))


def placed(app, fid: str) -> dict:
    features = json.loads(layer_bytes(app))["features"]
    return next(f for f in features if f["id"] == fid)


def test_every_write_route_without_session_or_token_is_401(curation_app):
    client = curation_app.test_client()
    checked = []
    for rule in curation_app.url_map.iter_rules():
        methods = (rule.methods or set()) - {"GET", "HEAD", "OPTIONS"}
        if not methods or rule.endpoint in PUBLIC_POSTS or rule.endpoint == "static":
            continue
        values = {
            arg: 1 if "int" in type(rule._converters[arg]).__name__.lower() else "parks" for arg in rule.arguments
        }
        url = rule.rule
        for arg, value in values.items():
            url = re.sub(r"<(?:[^:<>]+:)?" + arg + ">", str(value), url)
        for method in sorted(methods):
            resp = client.open(url, method=method, json={}, headers={"Accept": "application/json"})
            if rule.rule.startswith("/api/admin/"):
                assert resp.status_code in (401, 403), (method, url)  # its own bearer-token semantics
            else:
                assert resp.status_code == 401, (method, url, resp.status_code)
                assert resp.get_json()["error"] == "NotSignedIn"
                assert resp.headers["WWW-Authenticate"].startswith("Token ")
            checked.append((method, url))
    assert len(checked) >= 8  # PATCH/POST/DELETE features, revert, tokens, logout...


def test_anonymous_reads_need_no_account_and_see_no_tools(curation_app):
    client = curation_app.test_client()
    page = client.get("/")
    html = page.get_data(as_text=True)
    assert "qj-edit-config" not in html and "csrf-token" not in html and "/static/js/edit/" not in html
    assert "Set-Cookie" not in page.headers
    assert client.get("/api/history").status_code == 401
    assert client.get("/history").status_code == 302  # to the sign-in page
    fid = first_unplaced(curation_app.config["GEODATA_DIR"])["id"]
    assert client.get(f"/api/layers/parks/features/{fid}").headers["ETag"]


def test_login_cookie_flags_wrong_password_and_rate_limit(make_app, tmp_path, geodata_copy):
    from atlas.curation import accounts
    from atlas.web.db import connect

    app = make_app(
        GEODATA_DIR=str(geodata_copy),
        DATABASE=str(tmp_path / "db.sqlite3"),
        SECRET_KEY="k",
        SESSION_SECURE=True,
        LOGIN_RATE_LIMIT="3 per minute",
    )
    accounts.create_user(connect(app.config["DATABASE"]), "ed", PASSWORD, "editor")
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    bad = client.post("/login", data={"name": "ed", "password": "wrong-password", "csrf_token": token})
    assert bad.status_code == 401 and "qj-login-error" in bad.get_data(as_text=True)
    assert client.post("/login", data={"name": "ed", "password": PASSWORD}).status_code == 400  # no CSRF token
    good = client.post("/login", data={"name": "ed", "password": PASSWORD, "csrf_token": token})
    assert good.status_code == 302
    cookie = good.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    limited = client.post("/login", data={"name": "ed", "password": PASSWORD, "csrf_token": token})
    assert limited.status_code == 429


def test_create_user_cli_hashes_the_password(curation_app):
    result = curation_app.test_cli_runner().invoke(
        args=["create-user", "newadmin", "--role", "admin"], input="a-long-password\n"
    )
    assert result.exit_code == 0, result.output
    from atlas.web.db import connect

    row = (
        connect(curation_app.config["DATABASE"])
        .execute("SELECT password_hash, role FROM users WHERE name = 'newadmin'")
        .fetchone()
    )
    assert row["role"] == "admin" and row["password_hash"].startswith("scrypt:")
    assert "a-long-password" not in row["password_hash"]
    again = curation_app.test_cli_runner().invoke(
        args=["create-user", "newadmin", "--role", "admin"], input="another-long-passphrase\n"
    )
    assert again.exit_code != 0 and "already exists" in again.output
    bad = curation_app.test_cli_runner().invoke(
        args=["create-user", "x", "--role", "editor", "--layers", "nope"], input="another-long-passphrase\n"
    )
    assert bad.exit_code != 0 and "nope" in bad.output


def test_patch_needs_csrf_with_a_session_and_checks_layer_rights(curation_app):
    fid = first_unplaced(curation_app.config["GEODATA_DIR"])["id"]
    client, csrf = signed_in_client(curation_app, "editor1")
    body = {"geometry": POINT, "properties": PROVENANCE}
    no_csrf = client.patch(f"/api/layers/parks/features/{fid}", json=body)
    assert no_csrf.status_code == 400 and no_csrf.get_json()["error"] == "CSRFError"
    limited, limited_csrf = signed_in_client(curation_app, "hubs-only")
    denied = limited.patch(f"/api/layers/parks/features/{fid}", json=body, headers={"X-CSRFToken": limited_csrf})
    assert denied.status_code == 403 and denied.get_json()["error"] == "Forbidden"
    assert placed(curation_app, fid)["geometry"] is None
    ok = client.patch(f"/api/layers/parks/features/{fid}", json=body, headers={"X-CSRFToken": csrf})
    assert ok.status_code == 200, ok.get_json()
    assert ok.headers["ETag"].strip('"') == feature_version(placed(curation_app, fid))
    assert placed(curation_app, fid)["geometry"] == POINT


@pytest.mark.parametrize(
    "body, parameter",
    [
        ({"properties": {"accuracy": "approximate", "as_of": "2026"}}, "source"),
        ({"properties": {**PROVENANCE, "as_of": ""}}, "as_of"),
        ({"properties": {**PROVENANCE, "no_such_field": 1}}, "no_such_field"),
        ({"properties": {**PROVENANCE, "planned_area_km2": "big"}}, "planned_area_km2"),
        ({"properties": {**PROVENANCE, "id": "renamed"}}, "id"),
        ({"geometry": {"type": "Point", "coordinates": [0, 0]}, "properties": PROVENANCE}, "geometry"),
        (
            {"geometry": {"type": "LineString", "coordinates": [[106.6, 28.9], [106.7, 29]]}, "properties": PROVENANCE},
            "geometry",
        ),
        ({"geometry": POINT, "properties": {**PROVENANCE, "accuracy": "unplaced"}}, "accuracy"),
        ({"properties": PROVENANCE, "evil": 1}, "evil"),
        ([1, 2], "body"),
    ],
)
def test_bad_bodies_are_400_naming_the_field_and_write_nothing(curation_app, body, parameter):
    fid = first_unplaced(curation_app.config["GEODATA_DIR"])["id"]
    before = layer_bytes(curation_app)
    client, csrf = signed_in_client(curation_app, "editor1")
    resp = client.patch(f"/api/layers/parks/features/{fid}", json=body, headers={"X-CSRFToken": csrf})
    assert resp.status_code == 400, resp.get_json()
    assert resp.get_json()["parameter"] == parameter, resp.get_json()
    assert layer_bytes(curation_app) == before


def test_unknown_layer_or_feature_is_404(curation_app):
    client, csrf = signed_in_client(curation_app, "admin1")
    headers = {"X-CSRFToken": csrf}
    body = {"properties": PROVENANCE}
    assert client.patch("/api/layers/parks/features/no-such-park", json=body, headers=headers).status_code == 404
    assert client.patch("/api/layers/nope/features/x", json=body, headers=headers).status_code == 404
    assert client.delete("/api/layers/parks/features/no-such-park", headers=headers).status_code == 404
    assert client.get("/history/999").status_code == 404


def test_two_editors_second_save_is_409_with_both_versions_and_loses_nothing(curation_app):
    fid = first_unplaced(curation_app.config["GEODATA_DIR"])["id"]
    one, csrf1 = signed_in_client(curation_app, "editor1")
    two, csrf2 = signed_in_client(curation_app, "editor2")
    etag1 = one.get(f"/api/layers/parks/features/{fid}").headers["ETag"]
    etag2 = two.get(f"/api/layers/parks/features/{fid}").headers["ETag"]
    first = {"geometry": POINT, "properties": {**PROVENANCE, "source": "editor one's survey"}}
    second = {
        "geometry": {"type": "Point", "coordinates": [106.7, 28.9]},
        "properties": {**PROVENANCE, "source": "editor two's survey"},
    }
    assert (
        one.patch(
            f"/api/layers/parks/features/{fid}", json=first, headers={"X-CSRFToken": csrf1, "If-Match": etag1}
        ).status_code
        == 200
    )
    after_first = layer_bytes(curation_app)
    stale = two.patch(
        f"/api/layers/parks/features/{fid}", json=second, headers={"X-CSRFToken": csrf2, "If-Match": etag2}
    )
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["error"] == "VersionConflict"
    assert body["current"]["properties"]["source"] == "editor one's survey"  # theirs
    assert body["yours"] == second  # yours, nothing lost
    assert layer_bytes(curation_app) == after_first  # nothing overwritten
    changes = one.get("/api/history?layer=parks").get_json()["changes"]
    assert [c["source"] for c in changes] == ["editor one's survey"]


def test_api_token_create_use_revoke_and_admin_token_stays_distinct(curation_app):
    curation_app.config["ADMIN_TOKEN"] = "admin-secret-token"
    fid = first_unplaced(curation_app.config["GEODATA_DIR"])["id"]
    client, csrf = signed_in_client(curation_app, "editor1")
    page = client.post("/account/tokens", data={"label": "park script", "csrf_token": csrf})
    assert page.status_code == 201
    token = re.search(r'id="qj-new-token">([^<]+)<', page.get_data(as_text=True)).group(1)
    script = curation_app.test_client()
    body = {"geometry": POINT, "properties": PROVENANCE}
    for scheme in ("Token", "Bearer"):
        resp = script.patch(
            f"/api/layers/parks/features/{fid}", json=body, headers={"Authorization": f"{scheme} {token}"}
        )
        assert resp.status_code == 200, resp.get_json()
    assert script.get("/api/history?layer=parks", headers={"Authorization": f"Token {token}"}).status_code == 200
    admin_as_edit = script.patch(
        f"/api/layers/parks/features/{fid}", json=body, headers={"Authorization": "Bearer admin-secret-token"}
    )
    assert admin_as_edit.status_code == 401
    assert (
        script.post("/api/admin/layers/parks/import", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
    from atlas.web.db import connect

    stored = [
        r["token_hash"] for r in connect(curation_app.config["DATABASE"]).execute("SELECT token_hash FROM api_tokens")
    ]
    assert token not in stored and len(stored) == 1
    token_id = connect(curation_app.config["DATABASE"]).execute("SELECT id FROM api_tokens").fetchone()["id"]
    assert client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf}).status_code == 302
    assert (
        script.patch(
            f"/api/layers/parks/features/{fid}", json=body, headers={"Authorization": f"Token {token}"}
        ).status_code
        == 401
    )


def test_create_delete_and_revert_restore_the_file_byte_for_byte(curation_app):
    client, csrf = signed_in_client(curation_app, "admin1")
    headers = {"X-CSRFToken": csrf, "Accept": "application/json"}
    original = layer_bytes(curation_app, "hubs.geojson")
    hubs_before = curation_app.test_client().get("/api/layers/parks.geojson").data
    new = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [106.61, 28.95]},
        "properties": {
            "id": "test-hub-created",
            "name_zh": "测试枢纽",
            "name_en": "Test hub",
            "kind": "logistics_park",
            "status": "planned",
            **PROVENANCE,
        },
    }
    created = client.post("/api/layers/hubs/features", json=new, headers=headers)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["feature"]["properties"]["family"] == "hub"
    assert curation_app.test_client().get("/api/layers/parks.geojson").data == hubs_before  # other layers untouched
    duplicate = client.post("/api/layers/hubs/features", json=new, headers=headers)
    assert duplicate.status_code == 400 and duplicate.get_json()["parameter"] == "id"
    other_layer_id = json.loads(layer_bytes(curation_app))["features"][0]["id"]
    clash = client.post(
        "/api/layers/hubs/features",
        json={**new, "properties": {**new["properties"], "id": other_layer_id}},
        headers=headers,
    )
    assert clash.status_code == 400 and clash.get_json()["parameter"] == "id"
    victim = json.loads(original)["features"][0]["id"]
    assert client.delete(f"/api/layers/hubs/features/{victim}", headers=headers).status_code == 200
    changes = client.get("/api/history?layer=hubs").get_json()["changes"]
    assert [c["action"] for c in changes] == ["delete", "create"]
    for change in changes:  # undo newest first
        assert client.post(f"/history/{change['id']}/revert", headers=headers).status_code == 200
    assert layer_bytes(curation_app, "hubs.geojson") == original
    again = client.post(f"/history/{changes[0]['id']}/revert", headers=headers)
    assert again.status_code == 409  # already reverted: the feature is back


def test_history_filters_diff_page_and_popup_summary(curation_app):
    fid = first_unplaced(curation_app.config["GEODATA_DIR"])["id"]
    client, csrf = signed_in_client(curation_app, "editor1")
    client.patch(
        f"/api/layers/parks/features/{fid}",
        json={"geometry": POINT, "properties": PROVENANCE},
        headers={"X-CSRFToken": csrf},
    )
    records = client.get(f"/api/history?layer=parks&feature={fid}&user=editor1&action=update").get_json()["changes"]
    assert len(records) == 1 and records[0]["before"]["geometry"] is None and records[0]["after"]["geometry"] == POINT
    assert client.get("/api/history?layer=hubs").get_json()["changes"] == []
    assert client.get("/api/history?action=explode").status_code == 400
    page = client.get(f"/history/{records[0]['id']}").get_data(as_text=True)
    assert "API test source" in page and "qj-geometry-after" in page
    listing = client.get("/history?layer=parks").get_data(as_text=True)
    assert f'data-feature-id="{fid}"' in listing
    summary = curation_app.test_client().get(f"/api/features/{fid}/history-summary").get_json()
    assert summary["changed"] and summary["source"] == "API test source" and len(summary["date"]) == 10


def test_editor_map_page_carries_csrf_meta_and_tools(curation_app):
    client, _csrf = signed_in_client(curation_app, "hubs-only")
    html = client.get("/").get_data(as_text=True)
    assert '<meta name="csrf-token"' in html and "/static/js/edit/core.js" in html
    config = json.loads(re.search(r'id="qj-edit-config">(.*?)</script>', html, re.S).group(1))
    assert [layer["id"] for layer in config["layers"]] == ["hubs"]
    fields = {f["name"]: f for f in config["layers"][0]["fields"]}
    assert fields["source"]["required"] and fields["as_of"]["type"] == "date"
