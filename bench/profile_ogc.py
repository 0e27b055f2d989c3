"""Time the benchmark's OGC items queries in-process (Flask test client, warm), JSON and HTML.

Usage: ``.venv/bin/python -m bench.profile_ogc [N] [--repeat 50]``

Uses the queries of section 4 of ``python -m bench`` on a temp copy of geodata/ + layers/ with the
synthetic layer of N features (``bench.synthetic``); prints p50 ms per request. The real geodata/ is
never written.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.synthetic import make_scale_dirs

SMALL_BBOX = "106.70,28.80,106.77,28.87"
QUERIES = (
    ("towns: bbox", "towns", "bbox=106.6,28.8,106.8,29.0&limit=100"),
    ("stations: kind=station", "stations", "kind=station&limit=100"),
    ("synthetic: small bbox", "synthetic", f"bbox={SMALL_BBOX}&limit=100"),
    ("synthetic: category=charlie", "synthetic", "category=charlie&limit=100"),
    ("synthetic: bbox + category", "synthetic", f"bbox={SMALL_BBOX}&category=charlie&limit=100"),
    ("synthetic: value=… (number)", "synthetic", "value=500.5&limit=100"),
)


def _p50_ms(client, path: str, repeat: int) -> tuple[float, int, int]:
    first = client.get(path)
    if first.status_code != 200:
        raise SystemExit(f"{path} answered {first.status_code}")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - start) * 1000.0)
    matched = first.get_json()["numberMatched"] if path.endswith("f=json") else -1
    return statistics.median(times), len(first.get_data()), matched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    from server import create_app

    with tempfile.TemporaryDirectory(prefix="qj-ogc-") as tmp:
        dirs = make_scale_dirs(Path(tmp), args.n)
        app = create_app(
            {
                "TESTING": True,
                "DEFAULT_BASEMAP": "none",
                "GEODATA_DIR": str(dirs["geodata_a"]),
                "LAYERS_DIR": str(dirs["layers_a"]),
            }
        )
        client = app.test_client()
        for title, cid, qs in QUERIES:
            for fmt in ("json", "html"):
                ms, size, matched = _p50_ms(client, f"/ogc/collections/{cid}/items?{qs}&f={fmt}", args.repeat)
                print(
                    f"{title:<30} {fmt:<4} p50 {ms:7.2f} ms | {size / 1024:7.1f} KiB"
                    + (f" | matched {matched}" if matched >= 0 else ""),
                    flush=True,
                )


if __name__ == "__main__":
    main()
