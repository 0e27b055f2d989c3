"""Editor accounts and personal API tokens in the embedded database; plain functions on a sqlite3 connection."""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from atlas.errors import BadParameter

ROLES = ("editor", "admin")
USER_NAME = re.compile(r"^[\w.@-]{1,64}$")
TOKEN_PREFIX = "qjt_"  # keeps personal tokens distinct from the admin upload token
MIN_PASSWORD_CHARS = 8
PASSWORD_METHOD = "scrypt"
MAX_ID = 2**63 - 1  # SQLite INTEGER and PostgreSQL bigint; a larger id names nothing
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")


def utc_now() -> str:
    """The current UTC time as ISO 8601 with seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class User:
    """A signed-in editor or admin; ``layers`` None means every layer."""

    id: int
    name: str
    role: str
    layers: tuple[str, ...] | None = None
    session_version: int = 0  # bumped by sign-out, password change, deactivation, role change: ends sessions

    def may_edit(self, layer_id: str) -> bool:
        """Admins edit every layer; editors every layer unless limited to a list."""
        return self.role == "admin" or self.layers is None or layer_id in self.layers


def _user(row: sqlite3.Row | None) -> User | None:
    if row is None:
        return None
    layers = tuple(x for x in row["layers"].split(",") if x) if row["layers"] else None
    return User(row["id"], row["name"], row["role"], layers, row["session_version"])


def create_user(db: sqlite3.Connection, name: str, password: str, role: str, layers: list[str] | None = None) -> User:
    """Add an account with a scrypt password hash; raise BadParameter for a bad name, role or password."""
    if not USER_NAME.match(name or ""):
        raise BadParameter("user name must be 1-64 letters, digits, '.', '@', '_' or '-'", parameter="name")
    if role not in ROLES:
        raise BadParameter(f"role must be one of {', '.join(ROLES)}", parameter="role")
    check_password(name, password)
    if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
        raise BadParameter(f"user {name!r} already exists", parameter="name")
    text = ",".join(layers) if layers else None
    cur = db.execute(
        "INSERT INTO users (name, password_hash, role, layers, created_at) VALUES (?, ?, ?, ?, ?)",
        (name, generate_password_hash(password, method=PASSWORD_METHOD), role, text, utc_now()),
    )
    db.commit()
    return User(cur.lastrowid, name, role, tuple(layers) if layers else None)


def get_user(db: sqlite3.Connection, user_id: int) -> User | None:
    """The active user with this id, or None."""
    if not 0 < user_id <= MAX_ID:
        return None
    return _user(db.execute("SELECT * FROM users WHERE id = ? AND active = 1", (user_id,)).fetchone())


def authenticate(db: sqlite3.Connection, name: str, password: str) -> User | None:
    """The user if name and password match an active account, else None."""
    row = db.execute("SELECT * FROM users WHERE name = ? AND active = 1", (name,)).fetchone()
    # an unknown name is checked against a dummy hash: the answer takes as long as for a real account
    stored = row["password_hash"] if row is not None else _dummy_hash()
    if not check_password_hash(stored, password or "") or row is None:
        return None
    return _user(row)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(db: sqlite3.Connection, user: User, label: str) -> str:
    """Create a personal API token for ``user``; return it (only its hash is stored)."""
    label = (label or "").strip()[:80]
    if not label:
        raise BadParameter("give the token a label (what script uses it)", parameter="label")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.execute(
        "INSERT INTO api_tokens (user_id, label, token_hash, created_at) VALUES (?, ?, ?, ?)",
        (user.id, label, _token_hash(token), utc_now()),
    )
    db.commit()
    return token


def user_for_token(db: sqlite3.Connection, token: str) -> User | None:
    """The active user owning an unrevoked token, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = db.execute(
        "SELECT users.* FROM api_tokens JOIN users ON users.id = api_tokens.user_id "
        "WHERE token_hash = ? AND revoked_at IS NULL AND users.active = 1",
        (_token_hash(token),),
    ).fetchone()
    return _user(row)


def list_tokens(db: sqlite3.Connection, user: User) -> list[dict]:
    """The user's tokens (label, dates), newest first; never the token itself."""
    rows = db.execute(
        "SELECT id, label, created_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id DESC", (user.id,)
    ).fetchall()
    return [dict(row) for row in rows]


def revoke_token(db: sqlite3.Connection, user: User, token_id: int) -> bool:
    """Revoke one of the user's tokens; False if it is not theirs or already revoked."""
    if not 0 < token_id <= MAX_ID:
        return False
    cur = db.execute(
        "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
        (utc_now(), token_id, user.id),
    )
    db.commit()
    return cur.rowcount == 1


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=PASSWORD_METHOD)


@cache
def _common_passwords() -> frozenset[str]:
    """zxcvbn's 30,000 most common passwords of public breaches, and the atlas- and Chongqing-specific guesses."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # imported on first use: a large module

    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    local = (line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))
    return frozenset(FREQUENCY_LISTS["passwords"]) | frozenset(local)


def check_password(name: str, password: str) -> None:
    """The password policy: at least MIN_PASSWORD_CHARS, not blank, not the name, not a common password."""
    password = password or ""
    if len(password) < MIN_PASSWORD_CHARS:
        raise BadParameter(f"password must have at least {MIN_PASSWORD_CHARS} characters", parameter="password")
    folded = password.strip().casefold()
    if not folded or len(set(folded)) < 3:
        raise BadParameter("password must not be blank or one or two repeated characters", parameter="password")
    name = (name or "").casefold()
    if name and (folded == name or (len(name) >= 4 and name in folded)):
        raise BadParameter("password must not be or contain the user name", parameter="password")
    if folded in _common_passwords():
        raise BadParameter("password is on the list of common passwords; choose another", parameter="password")


def end_sessions(db: sqlite3.Connection, user_id: int) -> None:
    """End every session of a user (the session version stored in each session no longer matches)."""
    db.execute("UPDATE users SET session_version = session_version + 1 WHERE id = ?", (user_id,))
    db.commit()


def _user_id(db: sqlite3.Connection, name: str) -> int:
    row = db.execute("SELECT id FROM users WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise BadParameter(f"no user {name!r}", parameter="name")
    return row["id"]


def _end_all(db: sqlite3.Connection, user_id: int) -> None:
    """Sessions and tokens of the user stop working (inside the caller's transaction)."""
    db.execute("UPDATE users SET session_version = session_version + 1 WHERE id = ?", (user_id,))
    db.execute("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", (utc_now(), user_id))


def deactivate_user(db: sqlite3.Connection, name: str) -> None:
    """Deactivate an account: its sessions and tokens stop working at once."""
    user_id = _user_id(db, name)
    db.execute("UPDATE users SET active = 0 WHERE id = ?", (user_id,))
    _end_all(db, user_id)
    db.commit()


def set_password(db: sqlite3.Connection, name: str, password: str) -> None:
    """Reset a password (policy checked); the account's sessions and tokens end."""
    user_id = _user_id(db, name)
    check_password(name, password)
    db.execute(
        "UPDATE users SET password_hash = ? WHERE id = ?",
        (generate_password_hash(password, method=PASSWORD_METHOD), user_id),
    )
    _end_all(db, user_id)
    db.commit()


def set_role(db: sqlite3.Connection, name: str, role: str) -> None:
    """Change a role; the account's sessions and tokens end."""
    if role not in ROLES:
        raise BadParameter(f"role must be one of {', '.join(ROLES)}", parameter="role")
    user_id = _user_id(db, name)
    db.execute("UPDATE users SET role = ? WHERE id = ?", (role, user_id))
    _end_all(db, user_id)
    db.commit()
