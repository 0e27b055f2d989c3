"""The embedded SQLite database (accounts, tokens, edit history) at app.config["DATABASE"] (flaskr pattern)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask import Flask, current_app, g

SCHEMA = Path(__file__).resolve().parents[1] / "curation" / "schema.sql"


def connect(path: str) -> sqlite3.Connection:
    """Open (and create on first use) the database at ``path`` with the atlas schema."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 30000")
    db.execute("PRAGMA journal_mode = WAL")  # readers do not wait for the history writer
    db.executescript(SCHEMA.read_text(encoding="utf-8"))
    _migrate(db)
    return db


def _migrate(db: sqlite3.Connection) -> None:
    """Columns added after a database was first made (CREATE TABLE IF NOT EXISTS does not add them)."""
    columns = {row["name"] for row in db.execute("PRAGMA table_info(users)")}
    if "session_version" not in columns:
        db.execute("ALTER TABLE users ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0")
        db.commit()


def get_db() -> sqlite3.Connection:
    """This request's connection to the app's database."""
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"])
    return g.db


def close_db(exc: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


@click.command("init-db")
def init_db_command() -> None:
    """Create the database tables if they do not exist yet (they are also created on first use)."""
    get_db()
    click.echo(f"database ready at {current_app.config['DATABASE']}")


def init_app(app: Flask) -> None:
    """Default DATABASE to instance/atlas.sqlite3, close connections after each request, add init-db."""
    if not app.config.get("DATABASE"):
        app.config["DATABASE"] = str(Path(app.instance_path) / "atlas.sqlite3")
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
