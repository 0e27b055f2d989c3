"""Backup and restore: consistent under concurrent editor saves, byte-identical round trip, bad archives refused."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import tarfile
import threading
import time
from pathlib import Path

import pytest

from atlas.layerfile import dump_collection, layer_lock, replace_file_locked
from atlas.stores.files import FileStore


def wait_for(condition, what: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.01)


def read_archive(path: Path) -> tuple[dict, dict[str, bytes]]:
    with tarfile.open(path, "r:gz") as archive:
        members = {m.name: archive.extractfile(m).read() for m in archive if m.isfile()}
    return json.loads(members["manifest.json"]), members


def write_archive(path: Path, members: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def db_rows(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def snapshot(data_dir: Path, db_path: Path) -> dict:
    files = {p.name: p.read_bytes() for p in sorted(data_dir.glob("*.geojson"))}
    return {"files": files, "db": db_rows(db_path) if db_path.exists() else None}


@pytest.fixture
def ops(make_app, geodata_copy, tmp_path):
    """An app on a private data copy with a small user/history store."""
    db_path = tmp_path / "instance" / "atlas.sqlite3"
    db_path.parent.mkdir()
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE history (id INTEGER PRIMARY KEY, layer TEXT NOT NULL, revision INTEGER NOT NULL)")
        conn.execute("INSERT INTO history (layer, revision) VALUES ('-', 0)")
    conn.close()
    app = make_app(GEODATA_DIR=str(geodata_copy), DATABASE=str(db_path))
    return app, geodata_copy, db_path


def editable_layer(app):
    """The first layer (by id) that has a feature to edit; the shipped data decides which."""
    store = app.extensions["atlas_store"]
    return next(d.spec for d in sorted(store.all(), key=lambda d: d.spec.id) if d.ok and d.features)


def edit_first_feature(data_dir: Path, spec, text: str) -> None:
    collection = json.loads((data_dir / spec.source_file).read_text(encoding="utf-8"))
    collection["features"][0]["properties"]["description_zh"] = text
    with layer_lock(data_dir, spec.id):
        replace_file_locked(data_dir / spec.source_file, dump_collection(collection["features"]))


def editor_saves(data_dir: Path, db_path: Path, spec, stop: threading.Event, saves: list[int]) -> None:
    """Save edits in a loop as the curation feature does: file and history row under the layer's lock."""
    path = data_dir / spec.source_file
    collection = json.loads(path.read_text(encoding="utf-8"))
    conn = sqlite3.connect(db_path, timeout=60)
    try:
        revision = 0
        while not stop.is_set():
            revision += 1
            collection["features"][0]["properties"]["description_zh"] = f"第{revision}次修改"
            with layer_lock(data_dir, spec.id):
                replace_file_locked(path, dump_collection(collection["features"], collection.get("metadata")))
                conn.execute("INSERT INTO history (layer, revision) VALUES (?, ?)", (spec.id, revision))
                conn.commit()
            saves.append(revision)
            # a person saves now and then; without a pause this loop re-takes the lock at once, and flock
            # (not fair) can starve the backup's polling of it for its whole timeout on a loaded machine
            stop.wait(0.02)
    finally:
        conn.close()


def test_backup_during_saves_then_wipe_and_restore_gives_the_backed_up_state(ops, tmp_path):
    app, data_dir, db_path = ops
    runner, spec = app.test_cli_runner(), editable_layer(app)
    archive = tmp_path / "atlas-backup.tar.gz"
    stop, saves = threading.Event(), []
    writer = threading.Thread(target=editor_saves, args=(data_dir, db_path, spec, stop, saves), daemon=True)
    writer.start()
    try:
        wait_for(lambda: len(saves) >= 3, "the editor's first saves")
        result = runner.invoke(args=["backup", str(archive)])
        assert result.exit_code == 0, result.output
        saved_by_then = len(saves)
        wait_for(lambda: len(saves) >= saved_by_then + 3, "saves after the backup")
    finally:
        stop.set()
        writer.join(timeout=60)

    manifest, members = read_archive(archive)
    assert manifest["schema"] == 1 and manifest["parts"]["history"]["present"] is True
    archived = json.loads(members[f"layers/{spec.source_file}"])
    revision = int(archived["features"][0]["properties"]["description_zh"][1:-3])
    archived_db = tmp_path / "archived.sqlite3"
    archived_db.write_bytes(members["history/atlas.sqlite3"])
    with sqlite3.connect(archived_db) as conn:
        last = conn.execute("SELECT max(revision) FROM history WHERE layer = ?", (spec.id,)).fetchone()[0]
    conn.close()
    assert last == revision  # the save in progress is wholly in the archive or not at all
    assert (data_dir / spec.source_file).read_bytes() != members[f"layers/{spec.source_file}"]  # saves went on

    shutil.rmtree(data_dir)  # wipe the data: layer files, lock files and the store's folder
    shutil.rmtree(db_path.parent)
    result = runner.invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    for entry in manifest["parts"]["layers"]["layers"]:
        restored = (data_dir / entry["file"]).read_bytes()
        assert restored == members[entry["member"]] and hashlib.sha256(restored).hexdigest() == entry["sha256"]
    assert db_rows(db_path) == db_rows(archived_db)
    assert FileStore(app.extensions["atlas_store"].catalog, data_dir).version() == manifest["data_version"]


def test_restore_over_live_data_brings_back_the_backup(ops, tmp_path):
    app, data_dir, db_path = ops
    runner, spec = app.test_cli_runner(), editable_layer(app)
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    before = snapshot(data_dir, db_path)
    edit_first_feature(data_dir, spec, "备份之后的修改")
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO history (layer, revision) VALUES ('later', 99)")
    conn.close()
    assert snapshot(data_dir, db_path) != before
    result = runner.invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert snapshot(data_dir, db_path) == before
    check = runner.invoke(args=["restore", "--check", str(archive)])
    assert check.exit_code == 0 and "nothing changed" in check.output


def _truncated(members: dict, raw: bytes) -> bytes:
    return raw[: len(raw) * 2 // 3]


def _tampered_member(members: dict, raw: bytes) -> dict:
    name = next(n for n in members if n.startswith("layers/"))
    return {**members, name: members[name].replace(b'"', b"'", 1)}


def _invalid_layer_with_matching_hash(members: dict, raw: bytes) -> dict:
    manifest = json.loads(members["manifest.json"])
    name = next(n for n in members if n.startswith("layers/"))
    bad = b'{"type": "FeatureCollection", "features": [{"type": "Feature"}]}'
    manifest["members"][name]["sha256"] = hashlib.sha256(bad).hexdigest()
    return {**members, name: bad, "manifest.json": json.dumps(manifest).encode()}


def _newer_schema(members: dict, raw: bytes) -> dict:
    manifest = json.loads(members["manifest.json"])
    manifest["schema"] = 99
    return {**members, "manifest.json": json.dumps(manifest).encode()}


def _damaged_database(members: dict, raw: bytes) -> dict:
    manifest = json.loads(members["manifest.json"])
    db = bytearray(members["history/atlas.sqlite3"])
    db[len(db) // 2 :] = b"\xff" * (len(db) - len(db) // 2)
    manifest["members"]["history/atlas.sqlite3"]["sha256"] = hashlib.sha256(db).hexdigest()
    return {**members, "history/atlas.sqlite3": bytes(db), "manifest.json": json.dumps(manifest).encode()}


def _member_dropped(members: dict, raw: bytes) -> dict:
    name = next(n for n in members if n.startswith("layers/"))
    return {n: data for n, data in members.items() if n != name}


def _path_trick(members: dict, raw: bytes) -> dict:
    return {**members, "../escaped.geojson": b"{}"}


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (_truncated, "truncated or corrupt"),
        (_tampered_member, "sha256"),
        (_invalid_layer_with_matching_hash, "validate"),
        (_newer_schema, "newer Qijiang Atlas"),
        (_damaged_database, "history"),
        (_path_trick, "unexpected member"),
        (_member_dropped, "does not match its manifest"),
    ],
)
def test_a_bad_archive_is_refused_and_nothing_changes(ops, tmp_path, damage, says):
    app, data_dir, db_path = ops
    runner = app.test_cli_runner()
    archive = tmp_path / "good.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    _, members = read_archive(archive)
    edit_first_feature(data_dir, editable_layer(app), "备份之后的修改")  # a restore would change it back
    before = snapshot(data_dir, db_path)
    bad = tmp_path / "bad.tar.gz"
    damaged = damage(members, archive.read_bytes())
    if isinstance(damaged, bytes):
        bad.write_bytes(damaged)
    else:
        write_archive(bad, damaged)
    result = runner.invoke(args=["restore", str(bad)])
    assert result.exit_code != 0 and "restore refused" in result.output and says in result.output, result.output
    assert snapshot(data_dir, db_path) == before
    assert not (tmp_path.parent / "escaped.geojson").exists()


def test_a_layer_broken_at_backup_time_is_archived_and_restored_as_it_was(ops, tmp_path):
    app, data_dir, db_path = ops
    runner = app.test_cli_runner()
    broken = data_dir / "hubs.geojson"
    good = broken.read_bytes()
    broken.write_bytes(b'{"type": "FeatureCollection", "features": [')
    archive = tmp_path / "b.tar.gz"
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0 and "warning: layer hubs is invalid" in result.output
    broken.write_bytes(good)
    result = runner.invoke(args=["restore", str(archive)])
    assert (
        result.exit_code == 0 and "note: layer hubs: restored as archived, which was already invalid" in result.output
    )
    assert broken.read_bytes() == b'{"type": "FeatureCollection", "features": ['
    assert app.test_client().get("/readyz").status_code == 503
