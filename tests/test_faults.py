"""Faults: kill -9 of an import in the middle of writing leaves the old layer intact, loadable and served."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT

# Runs the real import in a child process; os.fsync is slowed so the kill lands while the new
# temp file exists but has not replaced the layer yet (the most dangerous moment).
CHILD = r"""
import os, sys, time
real_fsync = os.fsync
def slow_fsync(fd):
    os.write(1, b"WRITING\n")   # fd 1: the CLI runner captures sys.stdout
    time.sleep(30)
    real_fsync(fd)
os.fsync = slow_fsync
sys.path.insert(0, sys.argv[1])
from server import create_app
app = create_app({"GEODATA_DIR": sys.argv[2]})
result = app.test_cli_runner().invoke(args=["import-layer", sys.argv[3], "--layer", "communities"])
print(result.output, flush=True)
"""


def community(i: int) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [106.6 + i * 1e-4, 29.0]},
        "properties": {
            "id": f"killed-{i}",
            "name_zh": f"社区{i}",
            "name_en": f"Community {i}",
            "family": "community",
            "kind": "renovated_community",
            "status": "existing",
            "accuracy": "approximate",
            "source": "fault test",
            "as_of": "2026",
        },
    }


def kill_while_writing(child, directory, temp_pattern: str) -> list:
    """Wait for the child's WRITING line, check its temp file exists, then kill -9 it; return the temp files."""
    try:
        line = child.stdout.readline()
        assert line.strip() == "WRITING", line
        temps = list(directory.glob(temp_pattern))
        assert temps, f"no {temp_pattern} in {directory}"
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL
        return temps
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
        child.stdout.close()


def test_kill_9_during_write_leaves_old_layer_intact(tmp_path, geodata_copy, make_app):
    target = geodata_copy / "communities.geojson"
    before = target.read_bytes()
    source = tmp_path / "new.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [community(i) for i in range(2000)]}))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(ROOT), str(geodata_copy), str(source)], stdout=subprocess.PIPE, text=True
    )
    temps = kill_while_writing(child, geodata_copy, ".communities.geojson.*.tmp")
    assert temps[0].stat().st_size > 0  # the new file was being written
    assert target.read_bytes() == before  # the old layer, byte for byte
    app = make_app(GEODATA_DIR=str(geodata_copy))
    assert app.test_cli_runner().invoke(args=["check-data"]).exit_code == 0
    client = app.test_client()
    layers = {item["id"]: item for item in client.get("/api/layers").get_json()}
    assert layers["communities"]["available"] is True
    assert client.get("/api/layers/communities.geojson").get_json()["features"][0]["properties"]["id"] != "killed-0"
    # the next import cleans the stale temp file and the (released) lock lets it through
    start = time.monotonic()
    result = app.test_cli_runner().invoke(args=["import-layer", str(source), "--layer", "communities"])
    assert result.exit_code == 0, result.output
    assert time.monotonic() - start < 20
    assert not list(geodata_copy.glob(".communities.geojson.*.tmp"))
    assert len(client.get("/api/layers/communities.geojson").get_json()["features"]) == 2000


def test_layer_deleted_while_serving_is_reported_and_others_keep_working(make_app, geodata_copy):
    client = make_app(GEODATA_DIR=str(geodata_copy)).test_client()
    assert client.get("/api/layers/hubs.geojson").status_code == 200
    (geodata_copy / "hubs.geojson").unlink()
    layers = {item["id"]: item for item in client.get("/api/layers").get_json()}
    assert layers["hubs"]["available"] is False and layers["towns"]["available"] is True
    assert client.get("/api/layers/hubs.geojson").status_code == 503
    assert client.get("/api/layers/towns.geojson").status_code == 200
    assert client.get("/ogc/collections/towns/items?limit=1").status_code == 200
    assert client.get("/?base=none").status_code == 200


# A browser/API edit in a child process, killed while the new layer file is being written.
EDIT_CHILD = r"""
import json, os, sys, time
real_fsync = os.fsync
def slow_fsync(fd):
    os.write(1, b"WRITING\n")
    time.sleep(30)
    real_fsync(fd)
sys.path.insert(0, sys.argv[1])
from server import create_app
app = create_app({"GEODATA_DIR": sys.argv[2], "DATABASE": sys.argv[3], "SECRET_KEY": "fault"})
client = app.test_client()
os.fsync = slow_fsync
resp = client.patch("/api/layers/parks/features/" + sys.argv[4], headers={"Authorization": "Token " + sys.argv[5]},
                    json={"geometry": {"type": "Point", "coordinates": [106.66, 28.96]},
                          "properties": {"source": "killed edit", "accuracy": "approximate", "as_of": "2026"}})
print(resp.status_code, flush=True)
"""


def test_kill_9_during_an_edit_leaves_old_layer_intact_and_no_history(tmp_path, curation_app, geodata_copy):
    from atlas.curation import accounts
    from atlas.web.db import connect
    from tests.conftest import first_unplaced

    database = curation_app.config["DATABASE"]
    db = connect(database)
    token = accounts.create_token(db, accounts.authenticate(db, "editor1", "correct-horse-1"), "fault test")
    target = geodata_copy / "parks.geojson"
    before = target.read_bytes()
    fid = first_unplaced(geodata_copy)["id"]
    child = subprocess.Popen(
        [sys.executable, "-c", EDIT_CHILD, str(ROOT), str(geodata_copy), database, fid, token],
        stdout=subprocess.PIPE,
        text=True,
    )
    kill_while_writing(child, geodata_copy, ".parks.geojson.*.tmp")  # the new file was being written
    assert target.read_bytes() == before  # the old layer, byte for byte
    assert db.execute("SELECT COUNT(*) FROM changes").fetchone()[0] == 0  # and no history of a change not made
    assert curation_app.test_cli_runner().invoke(args=["check-data"]).exit_code == 0
    # the lock died with the process: the next edit goes through and cleans the stale temp file
    resp = curation_app.test_client().patch(
        f"/api/layers/parks/features/{fid}",
        headers={"Authorization": f"Token {token}"},
        json={
            "geometry": {"type": "Point", "coordinates": [106.66, 28.96]},
            "properties": {"source": "after the kill", "accuracy": "approximate", "as_of": "2026"},
        },
    )
    assert resp.status_code == 200, resp.get_json()
    assert not list(geodata_copy.glob(".parks.geojson.*.tmp"))
    assert db.execute("SELECT source FROM changes").fetchall()[0][0] == "after the kill"


# The same import against PostGIS, killed after its rows are written but before the transaction commits.
PG_CHILD = r"""
import os, sys, time
sys.path.insert(0, sys.argv[1])
import atlas.stores.postgis.store as pgstore
real_write = pgstore.write_layer
def slow_write(conn, layer_id, collection):
    real_write(conn, layer_id, collection)
    os.write(1, b"WRITING\n")  # fd 1: the CLI runner captures sys.stdout
    time.sleep(30)
pgstore.write_layer = slow_write
from server import create_app
app = create_app({"DATABASE_URL": sys.argv[2]})
result = app.test_cli_runner().invoke(args=["import-layer", sys.argv[3], "--layer", "communities"])
print(result.output, flush=True)
"""


@pytest.mark.parametrize("store_kind", ["postgis"], indirect=True)
def test_kill_9_during_a_database_import_leaves_the_old_layer_and_no_lock(tmp_path, app):
    client = app.test_client()
    before = client.get("/api/layers/communities.geojson")
    source = tmp_path / "new.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [community(i) for i in range(2000)]}))
    child = subprocess.Popen(
        [sys.executable, "-c", PG_CHILD, str(ROOT), app.config["DATABASE_URL"], str(source)],
        stdout=subprocess.PIPE,
        text=True,
    )
    kill_while_writing(child, tmp_path, "new.geojson")  # rows written, transaction open: kill -9 now
    after = client.get("/api/layers/communities.geojson")
    assert after.headers["ETag"] == before.headers["ETag"] and after.data == before.data  # rolled back
    result = app.test_cli_runner().invoke(args=["import-layer", str(source), "--layer", "communities"])
    assert result.exit_code == 0, result.output  # the dead transaction's lock went with its connection
    assert len(client.get("/api/layers/communities.geojson").get_json()["features"]) == 2000
