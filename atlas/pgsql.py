"""The SQL of the PostGIS store: schema (versioned in the database), reads, writes, OGC items and tiles."""

from __future__ import annotations

import math

import psycopg

from atlas.errors import AtlasError
from atlas.tiles import (
    BUFFER_PX,
    CELL_PX,
    CLUSTER_BELOW_ZOOM,
    EXTENT,
    SMALL_PX,
    TILE_FIELDS,
    TILE_PX,
    WORLD_HALF_M,
)

SCHEMA_VERSION = 2  # 2: the search names column and its bigram index (SEARCH_SCHEMA)

SCHEMA = """
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE TABLE IF NOT EXISTS atlas_meta (key text PRIMARY KEY, value text NOT NULL);
CREATE SEQUENCE IF NOT EXISTS atlas_version_seq;
CREATE TABLE IF NOT EXISTS atlas_layers (
    layer text PRIMARY KEY,
    version bigint NOT NULL DEFAULT nextval('atlas_version_seq'),
    head text NOT NULL DEFAULT '{"type":"FeatureCollection","features":[]}',
    updated timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS atlas_features (
    layer text NOT NULL REFERENCES atlas_layers ON DELETE CASCADE,
    pos integer NOT NULL,
    doc json NOT NULL,
    fid text GENERATED ALWAYS AS (doc -> 'properties' ->> 'id') STORED,
    props jsonb GENERATED ALWAYS AS ((doc -> 'properties')::jsonb) STORED,
    geom geometry(Geometry, 4326) GENERATED ALWAYS AS (
        CASE WHEN json_typeof(doc -> 'geometry') = 'object'
        THEN ST_SetSRID(ST_GeomFromGeoJSON(doc -> 'geometry'), 4326) END
    ) STORED,
    PRIMARY KEY (layer, pos)
);
CREATE INDEX IF NOT EXISTS atlas_features_geom ON atlas_features USING gist (geom);
CREATE INDEX IF NOT EXISTS atlas_features_fid ON atlas_features (fid);
"""

VERSIONS = "SELECT layer, version FROM atlas_layers WHERE layer = ANY(%s)"
READ_LAYER = """
SELECT l.head, (SELECT coalesce(json_agg(f.doc ORDER BY f.pos), '[]')::text
                FROM atlas_features f WHERE f.layer = l.layer)
FROM atlas_layers l WHERE l.layer = %s
"""
OTHER_IDS = "SELECT fid, layer FROM atlas_features WHERE layer <> %s AND fid IS NOT NULL ORDER BY layer, pos"
ITEM = "SELECT doc::text FROM atlas_features WHERE layer = %s AND fid = %s ORDER BY pos LIMIT 1"
# the features matching a bbox (and filters) once, then the page in layer order with the total count
ITEMS_IN_BBOX = """
WITH hits AS MATERIALIZED (SELECT pos, doc FROM atlas_features WHERE {where})
SELECT doc::text, count(*) OVER () FROM hits ORDER BY pos LIMIT %(limit)s OFFSET %(offset)s
"""
# a writer's lock on one layer until its transaction ends (also for a layer that has no row yet)
LOCK_LAYER = "SELECT pg_advisory_xact_lock(hashtext('qijiang-atlas-layer:' || %s))"
BUMP_LAYER = """
INSERT INTO atlas_layers (layer, head) VALUES (%(layer)s, %(head)s)
ON CONFLICT (layer) DO UPDATE SET head = excluded.head, version = nextval('atlas_version_seq'), updated = now()
"""

# one property filter: the value (or any item of a list) equals the wanted text, boolean or number
_FILTER = """
EXISTS (SELECT 1 FROM jsonb_array_elements(
            CASE WHEN jsonb_typeof(props -> %({n})s) = 'array' THEN props -> %({n})s
                 ELSE jsonb_build_array(props -> %({n})s) END) AS e(v)
        WHERE (jsonb_typeof(v) = 'string' AND v #>> '{{}}' = %({t})s)
           OR (jsonb_typeof(v) = 'boolean' AND v = %({b})s::jsonb)
           OR (jsonb_typeof(v) = 'number' AND (v #>> '{{}}')::float8 = %({f})s::float8))
"""

_TILE_PROPS = ", ".join(f"'{k}', f.props -> '{k}'" for k in TILE_FIELDS)
_TILE_HITS = f"""
WITH bounds AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS tile_m,
           ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326) AS pad_deg
), hits AS (
    SELECT f.pos, ST_Transform(f.geom, 3857) AS g, jsonb_strip_nulls(jsonb_build_object({_TILE_PROPS})) AS props
    FROM atlas_features f, bounds b
    WHERE f.layer = %(layer)s AND f.geom && b.pad_deg AND ST_Intersects(f.geom, b.pad_deg)
)"""
_TILE_ENCODE = f"""
SELECT ST_AsMVT(t.*, %(layer)s, {EXTENT}, 'geom') FROM (
    SELECT ST_AsMVTGeom(u.g, b.tile_m::box2d, {EXTENT}, {BUFFER_PX}, true) AS geom, u.props
    FROM ({{rows}}) u, bounds b ORDER BY u.pos
) t WHERE t.geom IS NOT NULL
"""
# every feature meeting the tile (from CLUSTER_BELOW_ZOOM on)
TILE = _TILE_HITS + _TILE_ENCODE.format(rows="SELECT pos, g, props FROM hits")
# below CLUSTER_BELOW_ZOOM, as atlas.tiles.tile_bytes: features under SMALL_PX count in the one tile holding their
# anchor (ST_PointOnSurface) and gather per CELL_PX cell: alone as themselves, several as one cluster point
TILE_CLUSTERED = (
    _TILE_HITS
    + """, sized AS (
    SELECT h.*, ST_PointOnSurface(h.g) AS anchor,
           greatest(ST_XMax(h.g) - ST_XMin(h.g), ST_YMax(h.g) - ST_YMin(h.g)) < %(small_m)s AS small
    FROM hits h
), cells AS (
    SELECT s.pos, s.g, s.props, ST_X(s.anchor) AS ax, ST_Y(s.anchor) AS ay,
           least(floor((ST_X(s.anchor) - ST_XMin(b.tile_m)) / %(cell_m)s)::int, %(cells)s - 1) AS cx,
           least(floor((ST_Y(s.anchor) - ST_YMin(b.tile_m)) / %(cell_m)s)::int, %(cells)s - 1) AS cy
    FROM sized s, bounds b
    WHERE s.small AND ST_X(s.anchor) >= ST_XMin(b.tile_m) AND ST_X(s.anchor) < ST_XMax(b.tile_m)
      AND ST_Y(s.anchor) >= ST_YMin(b.tile_m) AND ST_Y(s.anchor) < ST_YMax(b.tile_m)
), counted AS (
    SELECT c.*, count(*) OVER (PARTITION BY c.cx, c.cy) AS n FROM cells c
)"""
    + _TILE_ENCODE.format(
        rows="""SELECT pos, g, props FROM sized WHERE NOT small
        UNION ALL SELECT pos, g, props FROM counted WHERE n = 1
        UNION ALL SELECT min(pos), ST_SetSRID(ST_MakePoint(avg(ax), avg(ay)), 3857),
                         jsonb_build_object('cluster', 1, 'point_count', count(*))
                  FROM counted WHERE n > 1 GROUP BY cx, cy"""
    )
)


def tile_sql(z: int) -> str:
    """The tile query for zoom ``z``: clustered below CLUSTER_BELOW_ZOOM, as the file store's tiles."""
    return TILE_CLUSTERED if z < CLUSTER_BELOW_ZOOM else TILE


def tile_params(layer_id: str, z: int, x: int, y: int) -> dict:
    """Query parameters of TILE: the address, and the tile plus its buffer in degrees, clamped to the world."""
    n = 2**z
    pad = BUFFER_PX / EXTENT
    west, east = max(-180.0, (x - pad) / n * 360 - 180), min(180.0, (x + 1 + pad) / n * 360 - 180)

    def lat(row: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * min(max(row, 0.0), n) / n))))

    tile_m = 2 * WORLD_HALF_M / n
    return {
        "small_m": SMALL_PX * tile_m / TILE_PX,
        "cell_m": CELL_PX * tile_m / TILE_PX,
        "cells": TILE_PX // CELL_PX,
        "layer": layer_id,
        "z": z,
        "x": x,
        "y": y,
        "west": west,
        "east": east,
        "south": lat(y + 1 + pad),
        "north": lat(y - pad),
    }


def items_where(layer_id: str, query) -> tuple[str, dict]:
    """The WHERE clause and parameters of an OGC items query (atlas.ogc.params.ItemsQuery) on one layer."""
    clauses = ["layer = %(layer)s"]
    params: dict = {"layer": layer_id}
    if query.bbox is not None:
        clauses.append(
            "geom && ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 4326) "
            "AND ST_Intersects(geom, ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 4326))"
        )
        params.update(zip(("x0", "y0", "x1", "y1"), query.bbox))
    for i, (name, wanted) in enumerate(query.filters):
        keys = {"n": f"n{i}", "t": f"t{i}", "b": f"b{i}", "f": f"f{i}"}
        clauses.append(_FILTER.format(**keys))
        params[keys["n"]] = name
        params[keys["t"]] = wanted
        params[keys["b"]] = wanted.lower() if wanted.lower() in ("true", "false") else None
        params[keys["f"]] = _as_float(wanted)
    return " AND ".join(clauses), params


def _as_float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def check_schema(conn: psycopg.Connection) -> str:
    """The schema version in the database; raise if there is none or it is newer than this code knows."""
    from atlas.pgstore import SchemaMismatch

    if conn.execute("SELECT to_regclass('atlas_meta')").fetchone()[0] is None:
        raise SchemaMismatch("the database has no atlas schema; run `flask --app server db-init`")
    row = conn.execute("SELECT value FROM atlas_meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        raise SchemaMismatch("the database has no atlas schema version; run `flask --app server db-init`")
    if int(row[0]) > SCHEMA_VERSION:
        raise SchemaMismatch(
            f"the database schema is version {row[0]}, newer than this atlas knows ({SCHEMA_VERSION}); upgrade the atlas"
        )
    if int(row[0]) < SCHEMA_VERSION:
        raise SchemaMismatch(
            f"the database schema is version {row[0]}, older than this atlas needs ({SCHEMA_VERSION}); "
            "run `flask --app server db-init` to upgrade it"
        )
    return row[0]


def init_schema(conn: psycopg.Connection) -> str:
    """Create the tables (idempotent) and record the schema version; refuse a newer schema."""
    with conn.transaction():
        try:
            found = check_schema(conn)
        except AtlasError as exc:
            if "newer" in exc.message:
                raise
            found = None
        conn.execute(SCHEMA)
        conn.execute(SEARCH_SCHEMA)
        conn.execute(
            "INSERT INTO atlas_meta (key, value) VALUES ('schema_version', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(SCHEMA_VERSION),),
        )
    return f"schema version {SCHEMA_VERSION}" + (" (was already there)" if found else " created")


# ---------------------------------------------------------------------- reads that need no whole layer (issue 15)

# the names search looks in, lower-cased, one a line, and an index of their character pairs: a name holding the
# query holds every pair of it, so the index finds the candidates of any query of two characters or more, Chinese
# ones too (pg_trgm's trigrams ignore Chinese characters in a database whose ctype is C, and a two-character query
# has no trigram in any database; measured in bench/RESULTS.md)
SEARCH_SCHEMA = """
CREATE OR REPLACE FUNCTION atlas_search_names(props json) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT lower(concat_ws(E'\\n', props ->> 'name_zh', props ->> 'name_en', props ->> 'id',
        (SELECT string_agg(a #>> '{}', E'\\n') FROM json_array_elements(
            CASE WHEN json_typeof(props -> 'aliases') = 'array' THEN props -> 'aliases' ELSE '[]' END) AS a)))
$$;
ALTER TABLE atlas_features ADD COLUMN IF NOT EXISTS names text
    GENERATED ALWAYS AS (atlas_search_names(doc -> 'properties')) STORED;
CREATE OR REPLACE FUNCTION atlas_search_pairs(names text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array(SELECT substr(names, i, 2) FROM generate_series(1, length(names) - 1) AS i)
$$;
CREATE INDEX IF NOT EXISTS atlas_features_pairs ON atlas_features USING gin (atlas_search_pairs(names));
"""

# a layer's summary (atlas.store.LayerSummary) in one pass: counts, newest as-of (code-point order, as max() in
# Python) and the exact bounds of what is placed (box3d is computed from the coordinates)
SUMMARY = """
SELECT count(*) FILTER (WHERE geom IS NOT NULL), count(*) FILTER (WHERE geom IS NULL),
       max((props ->> 'as_of') COLLATE "C") FILTER (WHERE props ->> 'as_of' <> ''),
       min(ST_XMin(geom::box3d)), min(ST_YMin(geom::box3d)), max(ST_XMax(geom::box3d)), max(ST_YMax(geom::box3d))
FROM atlas_features WHERE layer = %s
"""

# a feature by id through the fid index: the first layer in catalog order that has it, its first such feature
FEATURE_BY_ID = """
SELECT layer, doc::text FROM atlas_features WHERE fid = %(fid)s AND layer = ANY(%(layers)s)
ORDER BY array_position(%(layers)s, layer), pos LIMIT 1
"""

# atlas.search's ranking in SQL: per name (zh 3, en 2, id and aliases 1) exact 300, prefix 200, substring 100,
# plus the name's weight, the best name counts; ties by catalog order, then feature order. {candidates}: the
# pair index for a query of two characters or more held by few names, else a scan of the names column.
SEARCH = """
SELECT f.layer, f.doc::text
FROM atlas_features f
CROSS JOIN LATERAL (
    SELECT max(CASE WHEN n.t = %(q)s THEN 300 WHEN starts_with(n.t, %(q)s) THEN 200 ELSE 100 END + n.w) AS score
    FROM (
        SELECT lower(v #>> '{{}}') AS t, w FROM (
            SELECT f.props -> 'name_zh', 3 UNION ALL SELECT f.props -> 'name_en', 2 UNION ALL SELECT f.props -> 'id', 1
            UNION ALL SELECT a, 1 FROM jsonb_array_elements(
                CASE WHEN jsonb_typeof(f.props -> 'aliases') = 'array' THEN f.props -> 'aliases' ELSE '[]' END) AS a
        ) AS named (v, w) WHERE jsonb_typeof(v) = 'string'
    ) AS n
    WHERE strpos(n.t, %(q)s) > 0
) AS s
WHERE f.layer = ANY(%(layers)s) AND {candidates} AND s.score IS NOT NULL
ORDER BY s.score DESC, array_position(%(layers)s, f.layer), f.pos
LIMIT %(limit)s
"""


# true when at least %(cap)s names hold every character pair of the query: then ranking them all costs more than
# the index saves, and scanning the names column is the quicker way (measured: 3x at 1,000,000 matches)
COMMON_PAIRS = """
SELECT count(*) = %(cap)s FROM (
    SELECT 1 FROM atlas_features
    WHERE layer = ANY(%(layers)s) AND atlas_search_pairs(names) @> atlas_search_pairs(%(q)s) LIMIT %(cap)s
) AS c
"""
COMMON_PAIRS_CAP = 20000


def search_sql(query: str, layer_ids: list[str], limit: int, by_pairs: bool) -> tuple[str, dict]:
    """SEARCH for a casefolded query and its parameters: the query, as a LIKE pattern, the layers in catalog order.

    ``by_pairs``: find the candidates through the pair index (the query has two characters or more).
    """
    candidates = "f.names LIKE %(pattern)s"
    if by_pairs:
        candidates = f"atlas_search_pairs(f.names) @> atlas_search_pairs(%(q)s) AND {candidates}"
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    params = {"q": query, "pattern": f"%{escaped}%", "layers": layer_ids, "limit": limit}
    return SEARCH.format(candidates=candidates), params
