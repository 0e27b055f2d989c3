"""Issue 15: the PostGIS store at 100,000 and 1,000,000 synthetic features (in process, one request at a time).

    python -m bench.pg [--sizes 100000,1000000] [--per-zoom 30] [--queries 40]      # or: make bench-pg

Starts a throwaway PostGIS cluster (tests/pg.py), fills layer ``synthetic`` in SQL (fixed seed: half
points, half small rectangles over the district box, as bench/synthetic.py), and for each size runs a
fresh worker process that times vector tiles (ST_AsMVT), OGC bbox items, and pygeoapi 0.21's own
PostgreSQL provider on the same database (a flat table of the same features with a GiST index, queried
in process through ``PostgreSQLProvider.query``), then the answers that need no whole layer (map page, layer
list, TileJSON, OGC collections, a feature by id, searches: ``READS``, checking the layer is never read), and
reports the worker's RSS after all of them.
Writes bench/pg.json and replaces the "PostGIS store" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, rss_bytes, run_stamp, summary, write_section
from bench.tiles import district_tiles
from tests.synthetic import CATEGORIES, LAT, LON, SYNTHETIC_TOML, copy_layers

SECTION = "## PostGIS store (issue 15)"
ZOOMS = (10, 12, 13, 14)
BBOX_DEG = 0.02  # side of an items query box (about 2 km)

FILL = """
INSERT INTO atlas_features (layer, pos, doc)
SELECT 'synthetic', i, json_build_object(
    'type', 'Feature', 'id', 'syn-' || lpad(i::text, 7, '0'),
    'geometry', CASE WHEN i %% 2 = 0
        THEN json_build_object('type', 'Point', 'coordinates', json_build_array(round(x, 6), round(y, 6)))
        ELSE json_build_object('type', 'Polygon', 'coordinates', json_build_array(json_build_array(
            json_build_array(round(x - w, 6), round(y - h, 6)), json_build_array(round(x + w, 6), round(y - h, 6)),
            json_build_array(round(x + w, 6), round(y + h, 6)), json_build_array(round(x - w, 6), round(y + h, 6)),
            json_build_array(round(x - w, 6), round(y - h, 6))))) END,
    'properties', json_build_object(
        'id', 'syn-' || lpad(i::text, 7, '0'), 'name_zh', '合成要素' || i, 'name_en', 'Synthetic feature ' || i,
        'family', 'context', 'kind', CASE WHEN i %% 2 = 0 THEN 'village' ELSE 'urban_area' END,
        'status', 'existing', 'accuracy', 'approximate', 'source', 'synthetic benchmark data (bench/pg.py)',
        'as_of', '2024', 'category', (%(cats)s::text[])[1 + (i %% 8)], 'value', round((random() * 1000)::numeric, 2)))
FROM (SELECT i, (%(x0)s + random() * %(dx)s)::numeric AS x, (%(y0)s + random() * %(dy)s)::numeric AS y,
             (0.0005 + random() * 0.0018)::numeric AS w, (0.0005 + random() * 0.0015)::numeric AS h
      FROM generate_series(%(start)s, %(stop)s - 1) AS i) AS s
"""
FLAT = """
DROP TABLE IF EXISTS bench_flat;
CREATE TABLE bench_flat AS
SELECT pos AS id, fid, props ->> 'name_zh' AS name_zh, props ->> 'name_en' AS name_en, props ->> 'kind' AS kind,
       props ->> 'status' AS status, props ->> 'accuracy' AS accuracy, props ->> 'source' AS source,
       props ->> 'as_of' AS as_of, props ->> 'category' AS category, (props ->> 'value')::float8 AS value, geom
FROM atlas_features WHERE layer = 'synthetic';
ALTER TABLE bench_flat ADD PRIMARY KEY (id);
CREATE INDEX bench_flat_geom ON bench_flat USING gist (geom);
ANALYZE bench_flat;
"""


def fill(url: str, start: int, stop: int) -> tuple[float, float]:
    """Add features start..stop-1 to layer synthetic (one transaction, version bumped, tile clusters rebuilt).

    Return the seconds of the whole fill and of the cluster build alone.
    """
    import psycopg

    from atlas.stores.postgis.clusters import build_clusters

    t0 = time.perf_counter()
    with psycopg.connect(url) as conn:
        conn.execute("SELECT setseed(%s)", (0.15 + start / 1e8,))
        conn.execute("INSERT INTO atlas_layers (layer) VALUES ('synthetic') ON CONFLICT DO NOTHING")
        params = {"cats": list(CATEGORIES), "start": start, "stop": stop}
        params |= {"x0": LON[0] + 0.01, "dx": LON[1] - LON[0] - 0.02, "y0": LAT[0] + 0.01, "dy": LAT[1] - LAT[0] - 0.02}
        conn.execute(FILL, params)
        conn.execute("UPDATE atlas_layers SET version = nextval('atlas_version_seq') WHERE layer = 'synthetic'")
        t1 = time.perf_counter()
        build_clusters(conn, "synthetic")  # what every write through the store does in its transaction
        clusters_s = time.perf_counter() - t1
        conn.commit()
        conn.autocommit = True
        conn.execute(FLAT)
        # both tables in geometry order (what `db-load --cluster` does): a bbox reads neighbouring pages
        conn.execute("CLUSTER atlas_features USING atlas_features_geom")
        conn.execute("CLUSTER bench_flat USING bench_flat_geom")
        conn.execute("ANALYZE atlas_features")
        conn.execute("ANALYZE bench_flat")
    return time.perf_counter() - t0, clusters_s


def boxes(count: int, seed: int = 15) -> list[tuple[float, float, float, float]]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        x = rng.uniform(LON[0], LON[1] - BBOX_DEG)
        y = rng.uniform(LAT[0], LAT[1] - BBOX_DEG)
        out.append((round(x, 5), round(y, 5), round(x + BBOX_DEG, 5), round(y + BBOX_DEG, 5)))
    return out


def _ms(func) -> tuple[float, object]:
    t0 = time.perf_counter()
    value = func()
    return (time.perf_counter() - t0) * 1000, value


def worker(url: str, layers_dir: str, port: int, per_zoom: int, queries: int) -> dict:
    """Time tiles, OGC items and pygeoapi's provider in this process; return figures and this process's RSS."""
    import os

    from pygeoapi.provider.sql import PostgreSQLProvider

    from server import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": url, "LAYERS_DIR": layers_dir, "LOG_FORMAT": "text"})
    client = app.test_client()
    cache = app.extensions["atlas_tile_cache"]
    tiles = {}
    for z in ZOOMS:
        urls = ["/tiles/synthetic/{}/{}/{}.mvt".format(*t) for t in district_tiles(z, per_zoom)]
        first = [_ms(lambda u=u: client.get(u))[0] for u in urls]  # database pages may still be cold
        cache._tiles.clear()
        warm = []
        sizes = []
        for u in urls:
            ms, resp = _ms(lambda u=u: client.get(u))
            warm.append(ms)
            sizes.append(len(resp.data) / 1024)
        cached = [_ms(lambda u=u: client.get(u))[0] for u in urls]
        tiles[z] = {"first": summary(first), "warm": summary(warm), "cached": summary(cached), "kib": summary(sizes)}
    provider = PostgreSQLProvider(
        {
            "name": "PostgreSQL",
            "type": "feature",
            "data": {"host": "127.0.0.1", "port": port, "dbname": url.rsplit("/", 1)[1], "user": "postgres"},
            "id_field": "id",
            "table": "bench_flat",
            "geom_field": "geom",
        }
    )
    from atlas.ogc.params import ItemsQuery

    store = app.extensions["atlas_store"]
    ours, ours_store, theirs, matched = [], [], [], []
    for i, box in enumerate(boxes(queries + 3)):
        bbox = ",".join(map(str, box))
        ms_ours, resp = _ms(lambda b=bbox: client.get(f"/ogc/collections/synthetic/items?bbox={b}&limit=100&f=json"))
        # provider against provider: our store's items query (what the view calls) against pygeoapi's
        ms_store, (_page, count) = _ms(lambda b=box: store.items("synthetic", ItemsQuery(limit=100, bbox=tuple(b))))
        ms_theirs, found = _ms(lambda b=box: provider.query(bbox=list(b), limit=100, offset=0))
        body = resp.get_json()
        assert resp.status_code == 200 and body["numberMatched"] == found["numberMatched"] == count, (body, found)
        if i >= 3:  # the first three warm both up
            ours.append(ms_ours)
            ours_store.append(ms_store)
            theirs.append(ms_theirs)
            matched.append(body["numberMatched"])
    reads = page_reads(client, app.extensions["atlas_store"], REPEATS)
    app.extensions["atlas_store"].close()
    return {
        "reads": reads,
        "tiles": tiles,
        "items_ms": summary(ours),
        "store_items_ms": summary(ours_store),
        "pygeoapi_ms": summary(theirs),
        "matched": summary(matched),
        "rss_mib": rss_bytes(os.getpid()) / 2**20,
    }


# the answers that need a summary, one feature or a ranked search, not the layer: (label, path)
READS = (
    ("map page `/`", "/"),
    ("`/api/layers`", "/api/layers"),
    ("TileJSON", "/tiles/synthetic.json"),
    ("OGC `/collections`", "/ogc/collections?f=json"),
    ("OGC `/collections/synthetic`", "/ogc/collections/synthetic?f=json"),
    ("feature by id", "/api/features/syn-0054321"),
    ("search `synthetic feature 54321` (en)", "/api/search?q=synthetic%20feature%2054321"),
    ("search `syn-0054321` (id, exact)", "/api/search?q=syn-0054321"),
    ("search `合成要素543` (zh + digits)", "/api/search?q=%E5%90%88%E6%88%90%E8%A6%81%E7%B4%A0543"),
    ("search `綦江` (2 zh characters, 1 match)", "/api/search?q=%E7%B6%A6%E6%B1%9F"),
    ("search `合成` (matches every feature)", "/api/search?q=%E5%90%88%E6%88%90"),
)
REPEATS = 7


def page_reads(client, store, repeats: int) -> dict:
    """Time each of READS (first request, then p50 of ``repeats``); check the big layer was never read."""
    out = {}
    for label, path in READS:
        first, resp = _ms(lambda p=path: client.get(p))
        assert resp.status_code == 200, (path, resp.status_code, resp.data[:300])
        out[label] = {"first_ms": first, **summary([_ms(lambda p=path: client.get(p))[0] for _ in range(repeats)])}
    assert "synthetic" not in store._cache, "a worker read the whole synthetic layer"
    return out


def run(sizes: list[int], per_zoom: int, queries: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from tests.conftest import load_database
    from tests.pg import Cluster

    cluster = Cluster()
    rows = []
    with tempfile.TemporaryDirectory(prefix="qj-bench-pg-") as tmp:
        layers_dir = copy_layers(Path(tmp) / "layers")
        (layers_dir / "synthetic.toml").write_text(SYNTHETIC_TOML, encoding="utf-8")
        try:
            cluster.start()
            url = cluster.create_database("bench")
            load_database(url, ROOT / "geodata")
            done = 0
            for n in sorted(sizes):
                fill_s, clusters_s = fill(url, done, n)
                done = n
                args = [sys.executable, "-m", "bench.pg", "--worker", url, str(layers_dir), str(cluster.port)]
                args += [str(per_zoom), str(queries)]
                out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True).stdout
                rows.append(
                    {"n": n, "fill_s": fill_s, "clusters_s": clusters_s, **json.loads(out.strip().splitlines()[-1])}
                )
        finally:
            cluster.destroy()
    return run_stamp(per_zoom=per_zoom, queries=queries, rows=rows)


def markdown(result: dict) -> str:
    lines = [
        SECTION,
        "",
        f"`python -m bench.pg`, {result['date']}, PostgreSQL 15 + PostGIS 3.3 (Debian) in a throwaway cluster "
        f"on this machine (fsync off), one worker process, Flask test client, one request at a time; "
        f"load average {result['loadavg']} (2 cores shared with other work).",
        "",
        "Vector tiles (`ST_AsMVT`; ms per tile, p50 / p90 over "
        f"{result['per_zoom']} tiles per zoom; warm = database pages cached, app tile cache empty; cached = "
        "from the app's tile cache). From zoom 14 a tile holds every feature meeting it; below, it is built from "
        "the tile cluster tables that every write fills (atlas/stores/postgis/clusters.py: the cluster points of its 64 "
        "cells, and the features not gathered at that zoom), so a dense layer's zoom-10 tile reads a few "
        "dozen rows; 'of which tile clusters s' in the second table is that build for the whole layer:",
        "",
        "| features | zoom | first p50 | warm p50 | warm p90 | cached p50 | KiB p50 | KiB max |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in result["rows"]:
        for z, t in row["tiles"].items():
            lines.append(
                f"| {row['n']:,} | {z} | {t['first']['p50']:.1f} | {t['warm']['p50']:.1f} | {t['warm']['p90']:.1f} | "
                f"{t['cached']['p50']:.2f} | {t['kib']['p50']:.1f} | {t['kib']['max']:.1f} |"
            )
    lines += [
        "",
        f"OGC items with a {BBOX_DEG}° bbox and limit=100 ({result['queries']} boxes, fixed seed), both on the "
        "same database: pygeoapi's `PostgreSQLProvider.query` against our store's items query (provider against "
        "provider: the issue's measure) and against our whole Flask view (HTTP handling, links and JSON encoding "
        "included: favours pygeoapi); worker RSS after all requests:",
        "",
        "| features | matched p50 | ours store p50 ms | ours view p50 ms | ours view p90 ms | pygeoapi p50 ms "
        "| pygeoapi p90 ms | ratio store p50 | ratio view p50 | worker RSS MiB | fill s | of which tile clusters s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in result["rows"]:
        o, p, st = row["items_ms"], row["pygeoapi_ms"], row["store_items_ms"]
        lines.append(
            f"| {row['n']:,} | {row['matched']['p50']:.0f} | {st['p50']:.1f} | {o['p50']:.1f} | {o['p90']:.1f} | "
            f"{p['p50']:.1f} | {p['p90']:.1f} | {p['p50'] / st['p50']:.1f}× | {p['p50'] / o['p50']:.1f}× | "
            f"{row['rss_mib']:.0f} | {row['fill_s']:.0f} | {row['clusters_s']:.1f} |"
        )
    lines.append("")
    return "\n".join(lines + reads_markdown(result))


def reads_markdown(result: dict) -> list[str]:
    """The table of answers given without reading the layer (summaries, one feature, search in SQL)."""
    sizes = [row["n"] for row in result["rows"] if "reads" in row]
    lines = [
        "### Answers without reading the layer",
        "",
        f"The same worker, after the tile and items runs: each answer's first request, then the p50 of {REPEATS} "
        "more (ms). Layer summaries come from one SQL aggregate per layer version, search is ranked in SQL "
        "(a GIN index of the names' character pairs), a feature comes by the id index; the worker checks that the synthetic "
        "layer was never read (`PostgisStore._cache`), and its RSS above is measured after these requests.",
        "",
        "| answer | " + " | ".join(f"{n:,} first | {n:,} p50" for n in sizes) + " |",
        "|---|" + "---|---|" * len(sizes),
    ]
    rows = [row for row in result["rows"] if "reads" in row]
    for label, _path in READS:
        cells = [f"{row['reads'][label]['first_ms']:.0f} | {row['reads'][label]['p50']:.1f}" for row in rows]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines + [""]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        url, layers_dir, port, per_zoom, queries = sys.argv[2:7]
        print(json.dumps(worker(url, layers_dir, int(port), int(per_zoom), int(queries))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--per-zoom", type=int, default=30)
    parser.add_argument("--queries", type=int, default=40)
    args = parser.parse_args()
    result = run([int(s) for s in args.sizes.split(",")], args.per_zoom, args.queries)
    write_section("pg.json", SECTION, result, markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
