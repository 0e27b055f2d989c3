"""The PostGIS store's schema in the database: check its version, create or migrate it (``db-init``)."""

from __future__ import annotations

import psycopg

from atlas.errors import AtlasError
from atlas.stores.postgis import sql
from atlas.stores.postgis.clusters import build_clusters
from atlas.stores.postgis.errors import SchemaMismatch


def check_schema(conn: psycopg.Connection) -> str:
    """The schema version in the database; raise if there is none or it is newer than this code knows."""
    if conn.execute("SELECT to_regclass('atlas_meta')").fetchone()[0] is None:
        raise SchemaMismatch("the database has no atlas schema; run `flask --app server db-init`")
    row = conn.execute("SELECT value FROM atlas_meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        raise SchemaMismatch("the database has no atlas schema version; run `flask --app server db-init`")
    if int(row[0]) > sql.SCHEMA_VERSION:
        raise SchemaMismatch(
            f"the database schema is version {row[0]}, newer than this atlas knows ({sql.SCHEMA_VERSION}); upgrade the atlas"
        )
    if int(row[0]) < sql.SCHEMA_VERSION:
        raise SchemaMismatch(
            f"the database schema is version {row[0]}, older than this atlas needs ({sql.SCHEMA_VERSION}); "
            "run `flask --app server db-init` to upgrade it"
        )
    return row[0]


def init_schema(conn: psycopg.Connection) -> str:
    """Create or upgrade the tables (idempotent), build missing tile clusters, record the version; refuse a newer one."""
    with conn.transaction():
        try:
            found = check_schema(conn)
        except AtlasError as exc:
            if "newer" in exc.message:
                raise
            found = "upgraded" if "older" in exc.message else None
        conn.execute(sql.SCHEMA)
        conn.execute(sql.SEARCH_SCHEMA)
        stale = [layer for (layer,) in conn.execute(sql.STALE_CLUSTERS).fetchall()]
        for layer in stale:
            build_clusters(conn, layer)
        conn.execute(
            "INSERT INTO atlas_meta (key, value) VALUES ('schema_version', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(sql.SCHEMA_VERSION),),
        )
    built = f"; tile clusters built for {len(stale)} layer(s)" if stale else ""
    done = {None: " created", "upgraded": " (upgraded from an older version)"}.get(found, " (was already there)")
    return f"schema version {sql.SCHEMA_VERSION}{done}{built}"
