"""The parts of a backup archive: the layer files of the file store, and the SQLite user/history store."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import tempfile
from pathlib import Path

from atlas.catalog import Catalog
from atlas.layerfile import replace_file_locked
from atlas.stores.files import DataStore, read_layer

HISTORY_MEMBER = "history/atlas.sqlite3"


class LayerFiles:
    """Every declared layer's GeoJSON file in the file store (``geodata/``), restored by the atomic writer."""

    name = "layers"
    kept_as = "its file"

    def __init__(self, catalog: Catalog, data_dir: str | os.PathLike) -> None:
        self.catalog = catalog
        self.data_dir = Path(data_dir)

    def dump(self, staging: Path) -> dict:
        """Copy every layer as it is now (the caller holds every layer lock); validation comes later."""
        folder = staging / self.name
        folder.mkdir()
        layers = self.read_all()
        entries = []
        for spec in sorted(self.catalog, key=lambda s: s.id):
            data = layers.get(spec.id)
            if data is None:
                entries.append({"id": spec.id, "file": spec.source_file, "missing": True})
                continue
            (folder / spec.source_file).write_bytes(data)
            entries.append(
                {
                    "id": spec.id,
                    "file": spec.source_file,
                    "member": f"{self.name}/{spec.source_file}",
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "bytes": len(data),
                }
            )
        return {"layers": entries}

    def read_all(self) -> dict[str, bytes]:
        """Layer id -> the bytes of its file; a missing file is left out."""
        layers = {}
        for spec in self.catalog:
            with contextlib.suppress(FileNotFoundError):
                layers[spec.id] = (self.data_dir / spec.source_file).read_bytes()
        return layers

    def describe(self, staging: Path, section: dict) -> dict:
        """Add each copy's ETag and validity and the data version (as DataStore.version() gives it)."""
        folder = staging / self.name
        for entry in section["layers"]:
            if not entry.get("missing"):
                data = read_layer(self.catalog.get(entry["id"]), folder)
                entry.update(etag=data.etag or None, valid=data.ok, reason=data.reason or None)
        section["data_version"] = DataStore(self.catalog, folder).version()
        return section

    def verify(self, staging: Path, section: dict) -> list[str]:
        """Every archived layer is declared here under the same file name and validates (unless it was broken when saved)."""
        problems = []
        declared = {spec.id: spec for spec in self.catalog}
        for entry in section.get("layers", []):
            spec = declared.get(entry.get("id"))
            if spec is None:
                problems.append(f"layer {entry.get('id')!r} is not declared in this atlas (layers/*.toml)")
            elif entry.get("file") != spec.source_file:
                problems.append(
                    f"layer {spec.id!r} is {entry.get('file')!r} in the archive but {spec.source_file!r} here"
                )
            elif entry.get("missing"):
                continue
            elif not (staging / self.name / spec.source_file).is_file():
                problems.append(f"layer {spec.id!r}: {self.name}/{spec.source_file} is not in the archive")
            elif entry.get("valid") is not False:
                data = read_layer(spec, staging / self.name)
                if not data.ok:
                    problems.append(f"layer {spec.id!r} does not validate: {data.reason}")
        return problems

    def restore(self, staging: Path, section: dict) -> list[str]:
        """Replace each archived layer file atomically (the caller holds every layer lock)."""
        layers, notes = self.archived(staging, section)
        for layer_id, data in layers.items():
            replace_file_locked(self.data_dir / self.catalog.get(layer_id).source_file, data)
        return notes

    def archived(self, staging: Path, section: dict) -> tuple[dict[str, bytes], list[str]]:
        """Layer id -> archived bytes, and notes on layers the archive lacks or holds invalid (left / kept)."""
        notes, layers = [], {}
        archived = {entry["id"]: entry for entry in section.get("layers", [])}
        for spec in sorted(self.catalog, key=lambda s: s.id):
            entry = archived.get(spec.id)
            if entry is None or entry.get("missing"):
                notes.append(f"layer {spec.id}: not in the archive; left as it is ({self.kept_as})")
                continue
            layers[spec.id] = (staging / self.name / spec.source_file).read_bytes()
            if entry.get("valid") is False:
                notes.append(f"layer {spec.id}: restored as archived, which was already invalid: {entry.get('reason')}")
        return layers, notes


class SqliteStore:
    """The SQLite user/history store: copied with SQLite's online backup API, checked with integrity_check."""

    name = "history"

    def __init__(self, db_path: str | os.PathLike) -> None:
        self.db_path = Path(db_path)

    def dump(self, staging: Path) -> dict:
        """Copy a consistent snapshot of the database (nothing if it does not exist yet; it is not created)."""
        if not self.db_path.exists():
            return {"present": False}
        target = staging / HISTORY_MEMBER
        target.parent.mkdir(parents=True)
        _sqlite_copy(sqlite3.connect(f"{self.db_path.resolve().as_uri()}?mode=ro", uri=True), target)
        with contextlib.closing(sqlite3.connect(target)) as conn:
            user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        return {"present": True, "member": HISTORY_MEMBER, "user_version": user_version}

    def describe(self, staging: Path, section: dict) -> dict:
        return section

    def verify(self, staging: Path, section: dict) -> list[str]:
        """The archived database passes PRAGMA integrity_check."""
        if not section.get("present"):
            return []
        try:
            with contextlib.closing(
                sqlite3.connect(f"{(staging / HISTORY_MEMBER).as_uri()}?mode=ro", uri=True)
            ) as conn:
                result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        except sqlite3.Error as exc:
            return [f"the database cannot be opened: {exc}"]
        return [] if result == ["ok"] else [f"integrity_check failed: {'; '.join(result[:5])}"]

    def restore(self, staging: Path, section: dict) -> list[str]:
        """Put the archived database in place: by atomic rename if there is none, else through the backup API.

        A live database may be in WAL mode with readers attached; renaming a file over it would pair the
        new file with the old ``-wal``. SQLite's backup API replaces its pages in one transaction instead.
        """
        if not section.get("present"):
            if self.db_path.exists():
                return [f"the archive has no user/history store; {self.db_path} left as it is"]
            return []
        source = staging / HISTORY_MEMBER
        if self.db_path.exists():
            _sqlite_copy(sqlite3.connect(source), self.db_path)
            return []
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.db_path.parent, prefix=f".{self.db_path.name}.", suffix=".tmp")
        os.close(fd)
        try:
            _sqlite_copy(sqlite3.connect(source), Path(tmp))
            os.replace(tmp, self.db_path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        return []


def _sqlite_copy(source: sqlite3.Connection, target: Path) -> None:
    """Copy every page of ``source`` into the database at ``target`` in one transaction, then close both."""
    with contextlib.closing(source), contextlib.closing(sqlite3.connect(target, timeout=30)) as dest:
        source.backup(dest)
        dest.commit()
