"""Time park ranking and corridor comparison on N synthetic parks through the Flask test client.

Usage: ``.venv/bin/python -m bench.profile_rank [N ...] [--repeat 7] [--profile rank|corridors|reweight]``

Builds a temp copy of geodata/ with parks.geojson replaced by N synthetic parks (``bench.synthetic``: half
points, half small polygons in lon 106.38–107.05, lat 28.45–29.19, fixed seed), makes a fresh app on it and
times the first (cold) request and then ``--repeat`` warm requests of each kind; prints p50/min/max in ms
and the response size. ``reweight`` asks for different weights each time (the cached metrics are reused,
only the scores change); ``paged`` does the same with ``limit=100``. The real geodata/ is never written.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import tempfile
import time
from pathlib import Path

from tests.synthetic import copy_geodata, synthetic_parks, write_collection

RANK_Q = "/api/parks/rank?w_interchange=3&w_rail=2&w_hub=2&w_centre=1&w_area=1"
PAGE_LIMIT = 100  # the "paged" case: a re-weighted ranking, first 100 parks (counts still cover all)


def _geodata(tmp: Path, n: int) -> Path:
    target = copy_geodata(tmp / f"geodata_{n}")
    write_collection(target / "parks.geojson", synthetic_parks(n), compact=True)
    return target


def _corridor_query(client) -> str:
    listed = client.get("/api/corridors").get_json()
    ids = [c["id"] for c in listed if c.get("comparable") and c.get("length_in_district_km")][:2]
    return f"/api/corridors/compare?ids={','.join(ids)}&buffer_m=5000"


def _time(client, path: str) -> tuple[float, int]:
    start = time.perf_counter()
    resp = client.get(path)
    elapsed_ms = (time.perf_counter() - start) * 1000.0
    if resp.status_code != 200:
        raise SystemExit(f"{path} answered {resp.status_code}: {resp.get_data(as_text=True)[:300]}")
    return elapsed_ms, len(resp.get_data())


def _series(client, paths: list[str]) -> dict:
    runs = [_time(client, p) for p in paths]
    times = [t for t, _ in runs]
    return {"p50_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times), "bytes": runs[-1][1]}


def _report(label: str, n: int, cold_ms: float, warm: dict) -> None:
    print(
        f"N={n:>7,} {label:<10} cold {cold_ms:8.1f} ms | warm p50 {warm['p50_ms']:8.1f} ms "
        f"(min {warm['min_ms']:.1f}, max {warm['max_ms']:.1f}) | {warm['bytes'] / 1024:,.1f} KiB",
        flush=True,
    )


def run(n: int, repeat: int, profile: str | None) -> None:
    from server import create_app

    with tempfile.TemporaryDirectory(prefix="qj-profile-") as tmp:
        app = create_app({"TESTING": True, "GEODATA_DIR": str(_geodata(Path(tmp), n))})
        client = app.test_client()
        client.get("/api/layers")  # load and validate every layer once (not part of either timing)
        corr_q = _corridor_query(client)
        reweighted = [f"/api/parks/rank?w_interchange={1 + i % 4}&w_rail={i % 3}&w_area={1 + i}" for i in range(repeat)]
        paged = [f"{q}&limit={PAGE_LIMIT}" for q in reweighted]
        cases = {"rank": [RANK_Q] * repeat, "reweight": reweighted, "paged": paged, "corridors": [corr_q] * repeat}
        firsts = {"rank": RANK_Q, "reweight": RANK_Q, "paged": paged[0], "corridors": corr_q}
        for label, paths in cases.items():
            cold_ms, _ = _time(client, firsts[label])
            _report(label, n, cold_ms, _series(client, paths))
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            _series(client, cases[profile][:3])
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--profile", choices=("rank", "reweight", "paged", "corridors"))
    args = parser.parse_args()
    for n in args.n:
        run(n, args.repeat, args.profile)


if __name__ == "__main__":
    main()
