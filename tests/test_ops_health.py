"""Health: /healthz always answers; /readyz names what cannot serve and recovers without a restart."""

from __future__ import annotations

import sqlite3

import pytest


@pytest.fixture
def ops_app(make_app, geodata_copy, tmp_path):
    return make_app(GEODATA_DIR=str(geodata_copy), DATABASE=str(tmp_path / "instance" / "atlas.sqlite3"))


def test_readyz_is_200_with_every_check(ops_app):
    resp = ops_app.test_client().get("/readyz")
    body = resp.get_json()
    assert resp.status_code == 200 and body["status"] == "ok" and body["failed"] == []
    assert set(body["checks"]) == {"layers", "database", "history_store"}
    assert body["checks"]["layers"]["ok"] is True
    assert body["checks"]["database"] == {"ok": None, "detail": "not configured (layers are served from files)"}
    assert resp.headers["Cache-Control"] == "no-store"


def test_readyz_turns_503_on_a_corrupt_layer_and_200_after_repair(ops_app, geodata_copy):
    client = ops_app.test_client()
    target = geodata_copy / "parks.geojson"
    good = target.read_bytes()
    assert client.get("/readyz").status_code == 200
    target.write_bytes(good[: len(good) // 2])  # a half-written file
    resp = client.get("/readyz")
    body = resp.get_json()
    assert resp.status_code == 503 and body["failed"] == ["layers"] and body["status"] == "fail"
    assert "parks" in body["checks"]["layers"]["detail"] and body["checks"]["layers"]["ok"] is False
    assert client.get("/healthz").status_code == 200  # alive, just not ready
    target.write_bytes(good)  # repaired, same process
    assert client.get("/readyz").status_code == 200


def test_readyz_names_a_locked_history_store_until_it_is_released(make_app, geodata_copy, tmp_path):
    db_path = tmp_path / "atlas.sqlite3"
    app = make_app(GEODATA_DIR=str(geodata_copy), DATABASE=str(db_path))
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    client = app.test_client()
    assert client.get("/readyz").status_code == 200
    holder.execute("BEGIN EXCLUSIVE")  # another process stuck in a write
    try:
        resp = client.get("/readyz")
        assert resp.status_code == 503 and resp.get_json()["failed"] == ["history_store"]
        assert "locked" in resp.get_json()["checks"]["history_store"]["detail"]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert client.get("/readyz").status_code == 200


def test_readyz_fails_when_the_history_store_cannot_be_created(make_app, geodata_copy, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the instance folder should be")
    app = make_app(GEODATA_DIR=str(geodata_copy), DATABASE=str(blocker / "atlas.sqlite3"))
    resp = app.test_client().get("/readyz")
    assert resp.status_code == 503 and resp.get_json()["failed"] == ["history_store"]


def test_a_configured_database_url_is_checked_not_ignored(make_app, geodata_copy, tmp_path):
    app = make_app(
        GEODATA_DIR=str(geodata_copy),
        DATABASE=str(tmp_path / "a.sqlite3"),
        DATABASE_URL="postgresql://atlas@db.invalid/atlas",
        DATABASE_TIMEOUT_S=1,
    )
    resp = app.test_client().get("/readyz")
    # an unreachable database: the layers live there, so they cannot be served either
    assert resp.status_code == 503 and resp.get_json()["failed"] == ["layers", "database"]
    assert "cannot be reached" in resp.get_json()["checks"]["database"]["detail"]


def test_healthz_answers_without_touching_the_data(make_app, tmp_path):
    app = make_app(GEODATA_DIR=str(tmp_path / "no-such-dir"), DATABASE=str(tmp_path / "x" / "y.sqlite3"))
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 200 and resp.get_json() == {"status": "ok"}
    assert not (tmp_path / "x").exists()
