-- The atlas's embedded database (SQLite, app.config["DATABASE"]): accounts, API tokens, edit history.
-- Created on first use; every statement is idempotent.
CREATE TABLE IF NOT EXISTS users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('editor', 'admin')),
    layers        TEXT,                      -- comma-separated layer ids an editor may edit; NULL = all
    active        INTEGER NOT NULL DEFAULT 1,
    session_version INTEGER NOT NULL DEFAULT 0, -- bumped to end every session of the user
    created_at    TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    label      TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,         -- sha256 of the token; the token itself is shown once
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE IF NOT EXISTS changes (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,                -- UTC, ISO 8601
    user_id    INTEGER REFERENCES users (id),
    user_name  TEXT NOT NULL,
    layer      TEXT NOT NULL,
    feature    TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'revert')),
    before     TEXT,                         -- the feature's GeoJSON before (NULL: did not exist)
    after      TEXT,                         -- the feature's GeoJSON after (NULL: deleted)
    position   INTEGER,                      -- index of the feature in the layer file
    source     TEXT,                         -- the source the editor gave for this change
    reverts    INTEGER REFERENCES changes (id)
);
CREATE INDEX IF NOT EXISTS changes_layer ON changes (layer, id);
CREATE INDEX IF NOT EXISTS changes_feature ON changes (feature, id);
