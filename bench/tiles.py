"""Issue 15: vector tiles from the file store at scale (in process, one request at a time).

    python -m bench.tiles [--features 100000] [--per-zoom 60]      # or: make bench-tiles

Writes the synthetic layer of bench/synthetic.py (fixed seed) into temp copies of geodata/ and layers/,
then times GET /tiles/synthetic/z/x/y.mvt through Flask's test client: the first tile (projects the layer
to EPSG:3857 and builds its STRtree), each tile's first request (built: selection, clipping, encoding) and
its second (warm: from the app's tile cache), at zooms 10, 12, 13 and 14 over the district box.
Writes bench/tiles.json and replaces the "Vector tiles" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gzip
import random
import tempfile
import time
from pathlib import Path

from bench.common import run_stamp, summary, write_section
from bench.synthetic import make_scale_dirs
from tests.synthetic import LAT, LON

SECTION = "## Vector tiles (issue 15)"
ZOOMS = (10, 12, 13, 14)


def district_tiles(z: int, per_zoom: int, seed: int = 15) -> list[tuple[int, int, int]]:
    """Up to ``per_zoom`` tiles (fixed seed) of zoom ``z`` that cover the synthetic data's box."""
    import math

    def col(lon: float) -> int:
        return int((lon + 180) / 360 * 2**z)

    def row(lat: float) -> int:
        return int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * 2**z)

    tiles = [(z, x, y) for x in range(col(LON[0]), col(LON[1]) + 1) for y in range(row(LAT[1]), row(LAT[0]) + 1)]
    random.Random(seed).shuffle(tiles)
    return tiles[:per_zoom]


def timed(client, url: str) -> tuple[float, int, bytes]:
    start = time.perf_counter()
    resp = client.get(url)
    return (time.perf_counter() - start) * 1000, resp.status_code, resp.data


def run(n: int, per_zoom: int) -> dict:
    from server import create_app

    with tempfile.TemporaryDirectory(prefix="qj-bench-tiles-") as tmp:
        dirs = make_scale_dirs(Path(tmp), n)
        app = create_app(
            {
                "TESTING": True,
                "GEODATA_DIR": str(dirs["geodata_a"]),
                "LAYERS_DIR": str(dirs["layers_a"]),
                "LOG_FORMAT": "text",
            }
        )
        client = app.test_client()
        t0 = time.perf_counter()
        client.get("/api/layers/synthetic.geojson")  # parse and validate the layer (not a tile cost)
        load_ms = (time.perf_counter() - t0) * 1000
        first_ms, status, _ = timed(client, "/tiles/synthetic/{}/{}/{}.mvt".format(*district_tiles(10, 1)[0]))
        assert status in (200, 204), status
        rows = []
        for z in ZOOMS:
            built, warm, sizes, gzipped, empty = [], [], [], [], 0
            for tile in district_tiles(z, per_zoom):
                url = "/tiles/synthetic/{}/{}/{}.mvt".format(*tile)
                ms, status, body = timed(client, url)
                built.append(ms)
                warm.append(timed(client, url)[0])
                empty += status == 204
                if status == 200:
                    sizes.append(len(body) / 1024)
                    gzipped.append(len(gzip.compress(body, 6)) / 1024)  # as Flask-Compress sends it
            rows.append(
                {
                    "z": z,
                    "tiles": len(built),
                    "empty": empty,
                    "built": summary(built),
                    "warm": summary(warm),
                    "kib": summary(sizes),
                    "gzip_kib": summary(gzipped),
                }
            )
    return run_stamp(n=n, per_zoom=per_zoom, layer_load_ms=load_ms, first_tile_ms=first_ms, rows=rows)


def markdown(result: dict) -> str:
    lines = [
        SECTION,
        "",
        f"`python -m bench.tiles --features {result['n']} --per-zoom {result['per_zoom']}`, {result['date']}, "
        f"in process (Flask test client, one request at a time), {result['n']:,} synthetic features "
        f"(bench/synthetic.py: half points, half small rectangles over the district box), load average "
        f"{result['loadavg']} (the 2 cores are shared with other work).",
        "",
        f"Reading and validating the layer: {result['layer_load_ms']:.0f} ms; the first tile (projects the "
        f"layer to EPSG:3857, builds its STRtree and gathers its cluster points, once per data version): "
        f"{result['first_tile_ms']:.0f} ms.",
        "",
        "| zoom | tiles (empty) | built p50 ms | built p90 ms | warm p50 ms | warm p90 ms | KiB p50 | KiB max | gzip KiB p50 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        b, w, k, g = r["built"], r["warm"], r["kib"], r["gzip_kib"]
        kib = f"{k['p50']:.1f} | {k['max']:.1f} | {g['p50']:.1f}" if k["n"] else "- | - | -"
        lines.append(
            f"| {r['z']} | {r['tiles']} ({r['empty']}) | {b['p50']:.1f} | {b['p90']:.1f} | {w['p50']:.2f} | "
            f"{w['p90']:.2f} | {kib} |"
        )
    lines += [
        "",
        "Warm = the same tile again, answered from the app's tile cache (keyed by data version); built = "
        "selection through the STRtree, clipping, quantising and encoding with mapbox-vector-tile. "
        "Tiles are sent gzipped (Flask-Compress). Below zoom 14 features are gathered per 32 px cell "
        "(atlas/tiles/clusters.py: a cell holding more than 8 features smaller than itself, or 2 or more under 4 px, "
        "sends one cluster point with their count), so a tile holds at most 64 cluster points plus the features "
        "of sparse cells and those bigger than a cell; from zoom 14 every feature is sent. The PostGIS store's "
        "tiles (`ST_AsMVT`, same rule, kept in tables) and its 1,000,000-feature figures are in the PostGIS section.",
        "",
    ]
    return "\n".join(lines)


def write(result: dict) -> None:
    write_section("tiles.json", SECTION, result, markdown(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=100_000, help="synthetic features (default 100000)")
    parser.add_argument("--per-zoom", type=int, default=60, help="tiles timed per zoom (default 60)")
    args = parser.parse_args()
    result = run(max(1, min(args.features, 2_000_000)), max(1, min(args.per_zoom, 1000)))
    write(result)
    print(markdown(result))


if __name__ == "__main__":
    main()
