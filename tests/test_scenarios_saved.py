"""Issue 25: saved scenarios keep every version; saving needs a signed-in user (here a personal API token)."""

from __future__ import annotations

import pytest

from atlas.curation import accounts
from atlas.web.db import connect

POINT = {"type": "Point", "coordinates": [106.65, 29.0]}


def body(name: str, kind: str = "interchange", note: str = "") -> dict:
    feature = {"type": "Feature", "properties": {"kind": kind, "name_zh": name}, "geometry": POINT}
    return {"name": name, "note": note, "scenario": {"type": "FeatureCollection", "features": [feature]}}


@pytest.fixture
def saving(make_app, tmp_path):
    app = make_app(DATABASE=str(tmp_path / "atlas.sqlite3"))
    db = connect(app.config["DATABASE"])
    user = accounts.create_user(db, "planner", "long-password-1", "editor")
    token = accounts.create_token(db, user, "scenarios")
    db.close()
    return app.test_client(), {"Authorization": f"Token {token}"}


def test_saving_needs_a_signed_in_user(saving):
    client, _auth = saving
    assert client.post("/api/scenarios", json=body("渝贵高铁方案")).status_code == 401


def test_a_changed_scenario_keeps_its_earlier_versions(saving):
    client, auth = saving
    first = client.post("/api/scenarios", json=body("方案一", note="<script>x</script>"), headers=auth)
    assert first.status_code == 201
    sid = first.get_json()["id"]
    second = client.post(f"/api/scenarios/{sid}/versions", json=body("方案一（修改）", kind="station"), headers=auth)
    assert second.status_code == 201 and second.get_json()["version"] == 2
    latest = client.get(f"/api/scenarios/{sid}").get_json()
    assert latest["version"] == 2 and [v["version"] for v in latest["versions"]] == [1, 2]
    old = client.get(f"/api/scenarios/{sid}?version=1").get_json()
    assert old["name"] == "方案一" and old["note"] == "<script>x</script>"
    assert old["scenario"]["features"][0]["properties"]["kind"] == "interchange"
    assert latest["scenario"]["features"][0]["properties"]["kind"] == "station"
    assert [s["name"] for s in client.get("/api/scenarios").get_json()] == ["方案一（修改）"]


def test_bad_saves_are_refused_and_write_nothing(saving):
    client, auth = saving
    bad = body("x")
    bad["scenario"]["features"] = []
    resp = client.post("/api/scenarios", json=bad, headers=auth)
    assert resp.status_code == 400 and resp.get_json()["parameter"] == "features"
    assert client.post("/api/scenarios", json={**body("x"), "name": ""}, headers=auth).get_json()["parameter"] == "name"
    assert client.get("/api/scenarios").get_json() == []
    assert client.get("/api/scenarios/99").status_code == 404
    assert client.get("/api/scenarios/1?version=x").status_code in (400, 404)
