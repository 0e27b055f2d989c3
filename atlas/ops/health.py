"""Readiness checks: each returns a Check saying whether one dependency of the atlas can serve. Flask-free."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path

from atlas.errors import AtlasError
from atlas.stores.base import Store

SQLITE_TIMEOUT_S = 1.0


@dataclass(frozen=True)
class Check:
    """The result of one readiness check; ``ok`` is None when the dependency is not configured."""

    ok: bool | None
    detail: str

    def to_dict(self) -> dict:
        return asdict(self)


def check_layers(store: Store) -> Check:
    """Every declared layer's file loads and validates (the store re-reads a file whose stamp changed)."""
    try:
        broken = store.broken_layers()
        version = store.version()
    except AtlasError as exc:  # the database store: unreachable database (the database check names it)
        return Check(False, f"layers cannot be read: {exc.message[:200]}")
    if broken:
        names = ", ".join(lid for lid, _reason in broken)
        return Check(False, f"{len(broken)} layer(s) unavailable: {names}; {broken[0][0]}: {broken[0][1][:200]}")
    return Check(True, f"{len(store.catalog)} layers loaded, data version {version}")


def check_database(store: Store) -> Check:
    """The database store answers and holds a schema this atlas knows (None: layers are served from files)."""
    if store.database is None:
        return Check(None, "not configured (layers are served from files)")
    try:
        answer = store.ping()
    except AtlasError as exc:
        return Check(False, exc.message[:300])
    return Check(True, answer)


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_history_store(db_path: str | os.PathLike) -> Check:
    """The SQLite user/history store can take a write lock (or, before first use, can be created).

    Details name the file, never its directory: /readyz is public.
    """
    path = Path(db_path)
    if not path.exists():
        parent = _nearest_existing(path.parent)
        if parent.is_dir() and os.access(parent, os.W_OK | os.X_OK):
            return Check(True, f"{path.name} not created yet; its directory is writable")
        return Check(False, f"{path.name} does not exist and its directory cannot be created")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return Check(False, f"the directory of {path.name} is not writable (SQLite needs it for its journal)")
    try:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=SQLITE_TIMEOUT_S, isolation_level=None
        )
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return Check(False, f"{path.name} is not writable: {exc}")
    return Check(True, f"{path.name} writable")
