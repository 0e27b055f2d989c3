"""Time scenario evaluation (issue 25) on N synthetic parks through the Flask test client; target: warm p50 < 1 s.

Usage: ``.venv/bin/python -m bench.scenarios [--parks 100000] [--repeat 7]``

Builds a temp copy of geodata/ with parks.geojson replaced by N synthetic parks (``bench.synthetic``, the same
builder as the ranking bench: half points, half small polygons over the district box, fixed seed), makes a
fresh app on it and POSTs one scenario (a proposed expressway with two interchanges and a station, a hub) to
``/api/scenarios/evaluate``: first the cold request, then ``--repeat`` warm ones with different weights each
time (so the scores are recomputed, the cached park distances reused). The body lists the first 100 parks
(``limit=100``: ranks and counts still cover every park); one request without ``limit`` is timed for the record.
Prints a Markdown block for bench/RESULTS.md. The real geodata/ is never written.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.profile_rank import _geodata

SCENARIO = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"kind": "expressway", "id": "new-expressway", "name_zh": "拟建高速"},
            "geometry": {"type": "LineString", "coordinates": [[106.55, 28.7], [106.7, 28.85], [106.85, 29.0]]},
        },
        {
            "type": "Feature",
            "properties": {"kind": "interchange", "line_id": "new-expressway", "name_zh": "拟建互通一"},
            "geometry": {"type": "Point", "coordinates": [106.7, 28.85]},
        },
        {
            "type": "Feature",
            "properties": {"kind": "interchange", "line_id": "new-expressway", "name_zh": "拟建互通二"},
            "geometry": {"type": "Point", "coordinates": [106.6, 28.75]},
        },
        {
            "type": "Feature",
            "properties": {"kind": "station", "name_zh": "拟建车站"},
            "geometry": {"type": "Point", "coordinates": [106.65, 28.95]},
        },
        {
            "type": "Feature",
            "properties": {"kind": "logistics_park", "name_zh": "拟建物流园"},
            "geometry": {"type": "Point", "coordinates": [106.75, 28.9]},
        },
    ],
}


def _post(client, query: str) -> tuple[float, int]:
    start = time.perf_counter()
    resp = client.post(f"/api/scenarios/evaluate?{query}", json=SCENARIO)
    elapsed_ms = (time.perf_counter() - start) * 1000.0
    if resp.status_code != 200:
        raise SystemExit(f"evaluate answered {resp.status_code}: {resp.get_data(as_text=True)[:300]}")
    return elapsed_ms, len(resp.get_data())


def run(n: int, repeat: int) -> str:
    from server import create_app

    with tempfile.TemporaryDirectory(prefix="qj-bench-scen-") as tmp:
        app = create_app({"TESTING": True, "GEODATA_DIR": str(_geodata(Path(tmp), n))})
        client = app.test_client()
        cold_ms, _size = _post(client, "limit=100")
        warm = [_post(client, f"limit=100&w_interchange={3 + i}&w_rail=2&w_hub=2") for i in range(repeat)]
        full_ms, full_bytes = _post(client, "w_interchange=4")
    times = sorted(t for t, _ in warm)
    p50 = statistics.median(times)
    verdict = "**met**" if p50 < 1000 else "**NOT met**"
    return (
        f"| scenario evaluation, {n:,} parks, `limit=100` | warm p50 < 1 s | warm p50 {p50:,.0f} ms "
        f"(min {times[0]:,.0f}, max {times[-1]:,.0f}, {repeat} runs); cold {cold_ms:,.0f} ms; "
        f"response {warm[0][1] / 1024:,.1f} KiB; whole body without limit {full_ms:,.0f} ms, "
        f"{full_bytes / 1024:,.0f} KiB | {verdict} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(run(args.parks, args.repeat))


if __name__ == "__main__":
    main()
