"""The SQL of the PostGIS store: schema (versioned in the database), reads, writes, OGC items and tiles."""

from __future__ import annotations

import math

from atlas.stores.memory import SEARCH_ALIASES, SEARCH_NAMES, SEARCH_TIERS
from atlas.tiles.clusters import CELLS_PER_TILE, CLUSTER_BELOW_ZOOM, WORLD_HALF_M, cell_m, tile_cells
from atlas.tiles.mvt import BUFFER_PX, EXTENT, LATITUDE_LIMIT, TILE_FIELDS

# 2: the tile cluster tables (atlas_tile_clusters, atlas_tile_shapes), atlas_layers.clustered, and the search
# names column with its character-pair index (SEARCH_SCHEMA)
SCHEMA_VERSION = 2

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
-- below the cluster zoom (atlas.tiles.clusters), rebuilt by every write in its transaction: the layer version they were
-- built for, the cluster points per zoom and cell, and the features sent as themselves at some zoom (EPSG:3857)
ALTER TABLE atlas_layers ADD COLUMN IF NOT EXISTS clustered bigint;
CREATE TABLE IF NOT EXISTS atlas_tile_clusters (
    layer text NOT NULL REFERENCES atlas_layers ON DELETE CASCADE,
    z smallint NOT NULL,
    cell_col integer NOT NULL,
    cell_row integer NOT NULL,
    n integer NOT NULL,
    x float8 NOT NULL,
    y float8 NOT NULL,
    PRIMARY KEY (layer, z, cell_col, cell_row)
);
CREATE TABLE IF NOT EXISTS atlas_tile_shapes (
    layer text NOT NULL REFERENCES atlas_layers ON DELETE CASCADE,
    pos integer NOT NULL,
    gathered_to smallint NOT NULL,
    small_to smallint NOT NULL,
    x float8 NOT NULL,
    y float8 NOT NULL,
    geom geometry(Geometry, 3857) NOT NULL,
    PRIMARY KEY (layer, pos)
);
CREATE INDEX IF NOT EXISTS atlas_tile_shapes_geom ON atlas_tile_shapes USING gist (geom);
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
_TILE_ENCODE = f"""
SELECT ST_AsMVT(t.*, %(layer)s, {EXTENT}, 'geom') FROM (
    SELECT ST_AsMVTGeom(u.g, b.tile_m::box2d, {EXTENT}, {BUFFER_PX}, true) AS geom, u.props
    FROM drawn u, bounds b ORDER BY u.pos NULLS LAST, u.props
) t WHERE t.geom IS NOT NULL
"""
# every feature meeting the tile (from CLUSTER_BELOW_ZOOM on)
TILE = f"""
WITH bounds AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS tile_m,
           ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326) AS pad_deg
), drawn AS (
    SELECT f.pos, ST_Transform(f.geom, 3857) AS g, jsonb_strip_nulls(jsonb_build_object({_TILE_PROPS})) AS props
    FROM atlas_features f, bounds b
    WHERE f.layer = %(layer)s AND f.geom && b.pad_deg AND ST_Intersects(f.geom, b.pad_deg)
)
{_TILE_ENCODE}"""
# the cell of an anchor, as atlas.tiles.clusters.cells_of
_COL = f"least(greatest(floor((s.x + {WORLD_HALF_M!r}::float8) / %(cell_m)s), 0), %(side)s - 1)"
_ROW = f"least(greatest(floor(({WORLD_HALF_M!r}::float8 - s.y) / %(cell_m)s), 0), %(side)s - 1)"
# below CLUSTER_BELOW_ZOOM, as atlas.tiles.mvt.tile_bytes: the stored cluster points of the tile's cells, and the stored
# features not gathered at this zoom that meet it (one under SMALL_PX only in the tile holding its anchor)
TILE_CLUSTERED = f"""
WITH bounds AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS tile_m,
           ST_Expand(ST_TileEnvelope(%(z)s, %(x)s, %(y)s), %(pad_m)s) AS pad_m
), drawn AS (
    SELECT s.pos, s.geom AS g, jsonb_strip_nulls(jsonb_build_object({_TILE_PROPS})) AS props
    FROM atlas_tile_shapes s JOIN atlas_features f ON f.layer = s.layer AND f.pos = s.pos, bounds b
    WHERE s.layer = %(layer)s AND s.gathered_to < %(z)s AND s.geom && b.pad_m AND ST_Intersects(s.geom, b.pad_m)
      AND (s.small_to < %(z)s OR ({_COL} BETWEEN %(col0)s AND %(col1)s AND {_ROW} BETWEEN %(row0)s AND %(row1)s))
    UNION ALL
    SELECT NULL, ST_SetSRID(ST_MakePoint(c.x, c.y), 3857), jsonb_build_object('cluster', 1, 'point_count', c.n)
    FROM atlas_tile_clusters c
    WHERE c.layer = %(layer)s AND c.z = %(z)s AND c.cell_col BETWEEN %(col0)s AND %(col1)s
      AND c.cell_row BETWEEN %(row0)s AND %(row1)s
)
{_TILE_ENCODE}"""


def tile_sql(z: int) -> str:
    """The tile query for zoom ``z``: from the cluster tables below CLUSTER_BELOW_ZOOM, as the file store's tiles."""
    return TILE_CLUSTERED if z < CLUSTER_BELOW_ZOOM else TILE


def tile_params(layer_id: str, z: int, x: int, y: int) -> dict:
    """Query parameters of the tile queries: the address, its cells, the tile plus its buffer in degrees and metres."""
    n = 2**z
    pad = BUFFER_PX / EXTENT
    west, east = max(-180.0, (x - pad) / n * 360 - 180), min(180.0, (x + 1 + pad) / n * 360 - 180)

    def lat(row: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * min(max(row, 0.0), n) / n))))

    col0, col1, row0, row1 = tile_cells(x, y)
    return {
        "pad_m": pad * 2 * WORLD_HALF_M / n,
        "cell_m": cell_m(z),
        "side": CELLS_PER_TILE * n,
        "col0": col0,
        "col1": col1,
        "row0": row0,
        "row1": row1,
        "layer": layer_id,
        "z": z,
        "x": x,
        "y": y,
        "west": west,
        "east": east,
        "south": lat(y + 1 + pad),
        "north": lat(y - pad),
    }


# each placed feature of a layer in EPSG:3857 (clipped to the Web Mercator latitude limit first, as the file store)
_WEB_GEOM = f"""ST_Transform(CASE WHEN ST_YMax(f.geom) > {LATITUDE_LIMIT!r} OR ST_YMin(f.geom) < -{LATITUDE_LIMIT!r}
    THEN ST_ClipByBox2D(f.geom, ST_MakeEnvelope(-180, -{LATITUDE_LIMIT!r}, 180, {LATITUDE_LIMIT!r}, 4326))
    ELSE f.geom END, 3857)"""
# anchor (point on surface) and bounding-box side of each, for atlas.tiles.clusters.gather
ANCHORS = f"""
SELECT w.pos, ST_X(a), ST_Y(a), greatest(ST_XMax(w.g) - ST_XMin(w.g), ST_YMax(w.g) - ST_YMin(w.g))
FROM (SELECT f.pos, {_WEB_GEOM} AS g FROM atlas_features f WHERE f.layer = %s AND f.geom IS NOT NULL) w,
     LATERAL ST_PointOnSurface(w.g) AS a
WHERE NOT ST_IsEmpty(w.g)
"""
CLEAR_CLUSTERS = (
    "DELETE FROM atlas_tile_clusters WHERE layer = %(layer)s",
    "DELETE FROM atlas_tile_shapes WHERE layer = %(layer)s",
)
INSERT_CLUSTERS = """
INSERT INTO atlas_tile_clusters (layer, z, cell_col, cell_row, n, x, y)
SELECT %(layer)s, * FROM unnest(%(z)s::smallint[], %(col)s::int[], %(row)s::int[], %(count)s::int[],
                                %(x)s::float8[], %(y)s::float8[])
"""
INSERT_SHAPES = f"""
INSERT INTO atlas_tile_shapes (layer, pos, gathered_to, small_to, x, y, geom)
SELECT f.layer, s.pos, s.gathered_to, s.small_to, s.x, s.y, {_WEB_GEOM}
FROM unnest(%(pos)s::int[], %(gathered_to)s::smallint[], %(small_to)s::smallint[], %(x)s::float8[], %(y)s::float8[])
     AS s(pos, gathered_to, small_to, x, y)
JOIN atlas_features f ON f.layer = %(layer)s AND f.pos = s.pos
"""
CLUSTERED = "SELECT version, clustered FROM atlas_layers WHERE layer = %s"
MARK_CLUSTERED = "UPDATE atlas_layers SET clustered = version WHERE layer = %s"
STALE_CLUSTERS = "SELECT layer FROM atlas_layers WHERE clustered IS DISTINCT FROM version ORDER BY layer"


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

# a layer's summary (atlas.stores.files.LayerSummary) in one pass: counts, newest as-of (code-point order, as max() in
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

# atlas.stores.memory's ranking in SQL, generated from its SEARCH_NAMES/SEARCH_ALIASES/SEARCH_TIERS (one table for
# both stores): per name its tier plus its weight, the best name counts; ties by catalog order, then feature order. {candidates}: the
# pair index for a query of two characters or more held by few names, else a scan of the names column.
_SEARCH = """
SELECT f.layer, f.doc::text
FROM atlas_features f
CROSS JOIN LATERAL (
    SELECT max(CASE WHEN n.t = %(q)s THEN {exact} WHEN starts_with(n.t, %(q)s) THEN {prefix} ELSE {substring} END
        + n.w) AS score
    FROM (
        SELECT lower(v #>> '{{{{}}}}') AS t, w FROM (
            {names}
            UNION ALL SELECT a, {alias_weight} FROM jsonb_array_elements(
                CASE WHEN jsonb_typeof(f.props -> '{aliases}') = 'array' THEN f.props -> '{aliases}' ELSE '[]' END) AS a
        ) AS named (v, w) WHERE jsonb_typeof(v) = 'string'
    ) AS n
    WHERE strpos(n.t, %(q)s) > 0
) AS s
WHERE f.layer = ANY(%(layers)s) AND {candidates} AND s.score IS NOT NULL
ORDER BY s.score DESC, array_position(%(layers)s, f.layer), f.pos
LIMIT %(limit)s
"""
SEARCH = _SEARCH.format(
    names=" UNION ALL ".join(f"SELECT f.props -> '{key}', {weight}" for key, weight in SEARCH_NAMES),
    aliases=SEARCH_ALIASES[0],
    alias_weight=SEARCH_ALIASES[1],
    candidates="{candidates}",
    **SEARCH_TIERS,
)


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
