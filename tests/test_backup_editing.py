"""Issue 18 with issue 14: a backup taken while an editor saves through the real editing API is consistent.

The editor PATCHes one placed park in a loop with a personal API token; the backup runs meanwhile. In the
archive, the park's description must be exactly the one recorded by the last history row of that archive:
the save in progress is wholly in it or not at all. A restore after wiping the data gives that state back.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tarfile
import threading
import time

import pytest

from atlas.curation import accounts
from atlas.web.db import connect
from tests.conftest import PASSWORD, stored_layer_bytes, write_layer

pytestmark = pytest.mark.both_stores  # the layers in files, then in PostGIS


def _placed_park(data_dir) -> str:
    parks = json.loads((data_dir / "parks.geojson").read_text(encoding="utf-8"))["features"]
    return next(f["properties"]["id"] for f in parks if f["geometry"])


def _token(database) -> str:
    db = connect(str(database))
    user = accounts.create_user(db, "looping-editor", PASSWORD, "editor", None)
    token = accounts.create_token(db, user, "backup test")
    db.close()
    return token


def _editor(app, token: str, fid: str, stop: threading.Event, saved: list[str], errors: list) -> None:
    client = app.test_client()
    n = 0
    while not stop.is_set():
        n += 1
        text = f"第{n}次编辑"
        body = {
            "properties": {"description_zh": text, "source": f"loop {n}", "accuracy": "schematic", "as_of": "2026-11"}
        }
        resp = client.patch(f"/api/layers/parks/features/{fid}", json=body, headers={"Authorization": f"Token {token}"})
        if resp.status_code != 200:
            errors.append((resp.status_code, resp.get_data(as_text=True)[:200]))
            return
        saved.append(text)


def _wait(predicate, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_backup_during_api_edits_holds_the_file_and_its_history_together(make_app, geodata_copy, tmp_path, store_kind):
    database = tmp_path / "instance" / "atlas.sqlite3"
    database.parent.mkdir()
    app = make_app(GEODATA_DIR=str(geodata_copy), DATABASE=str(database), SECRET_KEY="test-secret")
    token, fid = _token(database), _placed_park(geodata_copy)
    stop, saved, errors = threading.Event(), [], []
    editor = threading.Thread(target=_editor, args=(app, token, fid, stop, saved, errors), daemon=True)
    editor.start()
    archive = tmp_path / "backup.tar.gz"
    try:
        _wait(lambda: len(saved) >= 3 or errors, "the editor's first saves")
        result = app.test_cli_runner().invoke(args=["backup", str(archive)])
        assert result.exit_code == 0, result.output
        count = len(saved)
        _wait(lambda: len(saved) >= count + 2 or errors, "saves after the backup")
    finally:
        stop.set()
        editor.join(timeout=60)
    assert errors == []

    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    parks = json.loads(members["layers/parks.geojson"])
    archived_text = next(f for f in parks["features"] if f["properties"]["id"] == fid)["properties"]["description_zh"]
    archived_db = tmp_path / "archived.sqlite3"
    archived_db.write_bytes(members[next(name for name in members if name.startswith("history/"))])
    with sqlite3.connect(archived_db) as conn:
        last_after = conn.execute(
            "SELECT after FROM changes WHERE layer = 'parks' AND feature = ? ORDER BY id DESC LIMIT 1", (fid,)
        ).fetchone()[0]
    conn.close()
    assert json.loads(last_after)["properties"]["description_zh"] == archived_text
    assert archived_text in saved and archived_text != saved[-1]  # a mid-loop state, and saves went on

    # wipe: the layer (its file, or its rows in PostGIS) and the whole user/history store
    write_layer(app, "parks", {"type": "FeatureCollection", "features": []})
    if store_kind == "file":
        shutil.rmtree(geodata_copy)
    shutil.rmtree(database.parent)
    result = app.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert stored_layer_bytes(app, "parks") == members["layers/parks.geojson"]  # byte for byte
    history = app.test_client().get("/api/history?layer=parks", headers={"Authorization": f"Token {token}"})
    assert history.status_code == 200
    assert (
        json.loads(json.dumps(history.get_json()["changes"][0]["after"]))["properties"]["description_zh"]
        == archived_text
    )


def test_edits_are_counted_in_metrics_and_the_access_log_names_the_editor(make_app, geodata_copy, tmp_path, capsys):
    from tests.test_ops_logs import access_lines
    from tests.test_ops_metrics import samples, value

    database = tmp_path / "atlas.sqlite3"
    app = make_app(GEODATA_DIR=str(geodata_copy), DATABASE=str(database), SECRET_KEY="test-secret", METRICS=True)
    token, fid = _token(database), _placed_park(geodata_copy)
    client = app.test_client()
    before = samples(client.get("/metrics").get_data(as_text=True))
    headers = {"Authorization": f"Token {token}", "X-Request-ID": "edit-under-test"}
    body = {
        "properties": {"description_zh": "计数", "source": "metrics test", "accuracy": "schematic", "as_of": "2026-11"}
    }
    capsys.readouterr()
    assert client.patch(f"/api/layers/parks/features/{fid}", json=body, headers=headers).status_code == 200
    stale = client.patch(f"/api/layers/parks/features/{fid}", json=body, headers={**headers, "If-Match": '"stale"'})
    assert stale.status_code == 409
    [line, _conflict] = [r for r in access_lines(capsys.readouterr().err) if r["request_id"] == "edit-under-test"]
    assert line["user"] == "looping-editor" and line["status"] == 200
    after = samples(client.get("/metrics").get_data(as_text=True))
    for outcome in ("saved", "conflict"):
        assert (
            value(after, "qijiang_edits_total", layer="parks", outcome=outcome)
            - value(before, "qijiang_edits_total", layer="parks", outcome=outcome)
        ) == 1
