"""The edit history in the embedded database: record, list, look up and diff changes; no Flask here."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from atlas.curation.accounts import utc_now

ACTIONS = ("create", "update", "delete", "revert")
PAGE_SIZE = 200


@dataclass(frozen=True)
class Change:
    """One change of one feature, as recorded (``before``/``after`` None: the feature did not exist)."""

    layer: str
    feature: str
    action: str
    before: dict | None
    after: dict | None
    position: int | None
    source: str | None
    user_id: int | None = None
    user_name: str = ""
    reverts: int | None = None
    id: int | None = None
    at: str = ""

    def to_dict(self) -> dict:
        """A JSON-able record."""
        return {
            "id": self.id,
            "at": self.at,
            "user": self.user_name,
            "layer": self.layer,
            "feature": self.feature,
            "action": self.action,
            "source": self.source,
            "reverts": self.reverts,
            "position": self.position,
            "before": self.before,
            "after": self.after,
        }


def _dump(feature: dict | None) -> str | None:
    return None if feature is None else json.dumps(feature, ensure_ascii=False)


def _change(row: sqlite3.Row) -> Change:
    return Change(
        layer=row["layer"],
        feature=row["feature"],
        action=row["action"],
        before=json.loads(row["before"]) if row["before"] is not None else None,
        after=json.loads(row["after"]) if row["after"] is not None else None,
        position=row["position"],
        source=row["source"],
        user_id=row["user_id"],
        user_name=row["user_name"],
        reverts=row["reverts"],
        id=row["id"],
        at=row["at"],
    )


def record_change(db: sqlite3.Connection, change: Change) -> int:
    """Insert and commit one change row; return its id. Called while the layer lock is held."""
    cur = db.execute(
        "INSERT INTO changes (at, user_id, user_name, layer, feature, action, before, after, position, source, reverts)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            utc_now(),
            change.user_id,
            change.user_name,
            change.layer,
            change.feature,
            change.action,
            _dump(change.before),
            _dump(change.after),
            change.position,
            change.source,
            change.reverts,
        ),
    )
    db.commit()
    return cur.lastrowid


def get_change(db: sqlite3.Connection, change_id: int) -> Change | None:
    """One recorded change, or None."""
    row = db.execute("SELECT * FROM changes WHERE id = ?", (change_id,)).fetchone()
    return _change(row) if row else None


def list_changes(
    db: sqlite3.Connection,
    *,
    layer: str | None = None,
    feature: str | None = None,
    user: str | None = None,
    action: str | None = None,
    limit: int = PAGE_SIZE,
) -> list[Change]:
    """Recorded changes, newest first, filtered by any of layer, feature, user name and action."""
    clauses, params = [], []
    for column, value in (("layer", layer), ("feature", feature), ("user_name", user), ("action", action)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = db.execute(f"SELECT * FROM changes {where} ORDER BY id DESC LIMIT ?", (*params, limit)).fetchall()
    return [_change(row) for row in rows]


def last_change(db: sqlite3.Connection, feature: str) -> Change | None:
    """The newest change of a feature, or None if it was never edited in the browser or by API."""
    row = db.execute("SELECT * FROM changes WHERE feature = ? ORDER BY id DESC LIMIT 1", (feature,)).fetchone()
    return _change(row) if row else None


def attribute_diff(before: dict | None, after: dict | None) -> list[dict]:
    """Every property whose value differs: name, before, after (absent values are None)."""
    old = (before or {}).get("properties") or {}
    new = (after or {}).get("properties") or {}
    names = list(old) + [k for k in new if k not in old]
    return [{"name": k, "before": old.get(k), "after": new.get(k)} for k in names if old.get(k) != new.get(k)]


def geometry_diff(before: dict | None, after: dict | None) -> dict | None:
    """Before and after geometry when they differ (None when the geometry is unchanged)."""
    old = (before or {}).get("geometry")
    new = (after or {}).get("geometry")
    if old == new:
        return None
    return {"before": old, "after": new}
