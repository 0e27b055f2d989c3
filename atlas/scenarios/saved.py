"""Saved scenarios with versions, in the atlas's SQLite database (plain functions on a sqlite3 connection).

A scenario is saved by a signed-in user with a name and a note; saving it again (any signed-in editor) adds a
version and keeps every earlier one. What is stored is the validated FeatureCollection (``Scenario.collection``),
never anything in the layers.
"""

from __future__ import annotations

import json
import sqlite3

from atlas.curation.accounts import User, utc_now
from atlas.errors import BadParameter, UnknownFeature
from atlas.scenarios.model import Scenario, parse_scenario

MAX_NAME_CHARS = 80
MAX_NOTE_CHARS = 2000
SCHEMA = """
CREATE TABLE IF NOT EXISTS scenarios (
    id         INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS scenario_versions (
    scenario_id INTEGER NOT NULL REFERENCES scenarios (id),
    version     INTEGER NOT NULL,
    name        TEXT NOT NULL,
    note        TEXT NOT NULL,
    body        TEXT NOT NULL,               -- the scenario's FeatureCollection (GeoJSON)
    saved_at    TEXT NOT NULL,
    saved_by    TEXT NOT NULL,
    PRIMARY KEY (scenario_id, version)
);
"""


def ensure_schema(db: sqlite3.Connection) -> None:
    """Create the scenario tables if they do not exist yet (idempotent)."""
    db.executescript(SCHEMA)


def _text(value, name: str, limit: int, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise BadParameter(f"{name} must be {'non-empty ' if required else ''}text", parameter=name)
    if len(value) > limit:
        raise BadParameter(f"{name} has {len(value)} characters; at most {limit} are accepted", parameter=name)
    return value.strip()


def _add_version(db: sqlite3.Connection, scenario_id: int, version: int, body: dict, user: User) -> dict:
    name = _text(body.get("name"), "name", MAX_NAME_CHARS, required=True)
    note = _text(body.get("note"), "note", MAX_NOTE_CHARS, required=False)
    scenario = parse_scenario(body.get("scenario"))
    db.execute(
        "INSERT INTO scenario_versions VALUES (?, ?, ?, ?, ?, ?, ?)",
        (scenario_id, version, name, note, json.dumps(scenario.collection(), ensure_ascii=False), utc_now(), user.name),
    )
    db.commit()
    return get_version(db, scenario_id, version)


def save_new(db: sqlite3.Connection, body, user: User) -> dict:
    """Save ``{"name", "note", "scenario"}`` as a new scenario (version 1); returns that version."""
    if not isinstance(body, dict):
        raise BadParameter("send a JSON object with name, note and scenario", parameter="body")
    ensure_schema(db)
    _text(body.get("name"), "name", MAX_NAME_CHARS, required=True)  # check everything before anything is written
    _text(body.get("note"), "note", MAX_NOTE_CHARS, required=False)
    parse_scenario(body.get("scenario"))
    cur = db.execute("INSERT INTO scenarios (created_at, created_by) VALUES (?, ?)", (utc_now(), user.name))
    return _add_version(db, cur.lastrowid, 1, body, user)


def save_version(db: sqlite3.Connection, scenario_id: int, body, user: User) -> dict:
    """Add the next version of a saved scenario; earlier versions are kept unchanged."""
    if not isinstance(body, dict):
        raise BadParameter("send a JSON object with name, note and scenario", parameter="body")
    latest = get_version(db, scenario_id)
    return _add_version(db, scenario_id, latest["version"] + 1, body, user)


def _row(row: sqlite3.Row) -> dict:
    return {
        "id": row["scenario_id"],
        "version": row["version"],
        "name": row["name"],
        "note": row["note"],
        "saved_at": row["saved_at"],
        "saved_by": row["saved_by"],
        "scenario": json.loads(row["body"]),
    }


def get_version(db: sqlite3.Connection, scenario_id: int, version: int | None = None) -> dict:
    """One version (the latest when ``version`` is None) or UnknownFeature (404)."""
    ensure_schema(db)
    sql = "SELECT * FROM scenario_versions WHERE scenario_id = ?"
    args: tuple = (scenario_id,)
    if version is None:
        sql += " ORDER BY version DESC LIMIT 1"
    else:
        sql, args = sql + " AND version = ?", (scenario_id, version)
    row = db.execute(sql, args).fetchone()
    if row is None:
        what = f"scenario {scenario_id}" + ("" if version is None else f" version {version}")
        raise UnknownFeature(f"no saved {what}; see /api/scenarios for the list")
    return _row(row)


def versions(db: sqlite3.Connection, scenario_id: int) -> list[dict]:
    """Every version of a saved scenario, oldest first, without the scenario bodies."""
    ensure_schema(db)
    rows = db.execute(
        "SELECT scenario_id, version, name, note, saved_at, saved_by FROM scenario_versions "
        "WHERE scenario_id = ? ORDER BY version",
        (scenario_id,),
    ).fetchall()
    return [dict(row) for row in rows]


def list_saved(db: sqlite3.Connection) -> list[dict]:
    """The latest version of every saved scenario, newest first (bodies left out)."""
    ensure_schema(db)
    rows = db.execute(
        "SELECT v.scenario_id, v.version, v.name, v.note, v.saved_at, v.saved_by FROM scenario_versions v "
        "JOIN (SELECT scenario_id, MAX(version) AS version FROM scenario_versions GROUP BY scenario_id) m "
        "USING (scenario_id, version) ORDER BY v.saved_at DESC, v.scenario_id DESC"
    ).fetchall()
    return [dict(row) for row in rows]


def scenario_of(version: dict) -> Scenario:
    """The Scenario of a stored version."""
    return parse_scenario(version["scenario"])
