"""The user/history part of a backup archive (SQLite); the layers part is each store's ``backup_part()``."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from pathlib import Path

HISTORY_MEMBER = "history/atlas.sqlite3"


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
