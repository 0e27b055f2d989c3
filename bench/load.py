"""Bounded load test of the production server (issue 8): gunicorn on 127.0.0.1, 200 connections for 60 s,
a mix of the map page, layer GeoJSON, OGC items with bbox, park ranking and corridor comparison.

    .venv/bin/python -m bench.load [--connections 200] [--seconds 60]

Loopback only; wrk stops by itself after --seconds; the server is stopped in a finally. Writes
bench/load.json and the "## Load test" section of bench/RESULTS.md (throughput, p50/p99 latency,
errors, server memory before and after).
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench.common import ROOT, gunicorn_server, http_get, loadavg, machine_info
from bench.loadgen import have_wrk, run_wrk

PATHS = [
    "/?base=none",
    "/api/layers/towns.geojson",
    "/api/layers/railways.geojson",
    "/ogc/collections/stations/items?bbox=106.5,28.7,106.9,29.1&limit=50",
    "/ogc/collections/towns/items?bbox=106.6,28.9,106.8,29.1&f=json",
    "/api/parks/rank?w_area=2&w_rail=1&w_centre=1",
    "/api/corridors/compare?ids=yugui-railway,chuanqian-railway&buffer_m=5000",
]

# round-robin over PATHS; wrk counts every status >= 400 in its errors (reported as non2xx)
MIX_LUA = r"""
local paths = {%s}
local i = 0
request = function()
  i = (i %% #paths) + 1
  return wrk.format("GET", paths[i], {["Accept-Encoding"] = "gzip, deflate, br"})
end
"""


def run_mix(url: str, seconds: int, connections: int, threads: int = 2) -> dict:
    """One wrk run of the mixed workload against a loopback URL (bench.loadgen's wrk runner and summary)."""
    if not have_wrk():
        raise SystemExit("wrk is not installed: apt-get install -y wrk (bench/run.sh does this)")
    res = run_wrk(
        url,
        seconds,
        connections,
        {},
        threads=threads,
        timeout_s=30,
        lua_prefix=MIX_LUA % ", ".join(json.dumps(p) for p in PATHS),
    )
    return {
        "requests": res["requests"],
        "seconds": round(res["seconds"], 1),
        "rps": round(res["requests"] / res["seconds"], 1),
        "p50_ms": res["p50_ms"],
        "p90_ms": res["p90_ms"],
        "p99_ms": res["p99_ms"],
        "max_ms": res["max_ms"],
        "socket_errors": res["errors"],
        "http_errors": res["non2xx"],
        "megabytes": round(res["bytes"] / 2**20, 1),
    }


def check_paths(url: str) -> dict:
    """Every path answers 200 before the load starts (a broken endpoint would only add noise)."""
    return {path: http_get(url + path, {"Accept-Encoding": "gzip"})[0] for path in PATHS}


def markdown(result: dict) -> str:
    r = result["load"]
    lines = [
        "## Load test (issue 8)",
        "",
        f"`make loadtest` (`python -m bench.load`), {result['date']}: gunicorn `{' '.join(result['gunicorn'])}` on "
        f"127.0.0.1, wrk with {result['connections']} connections for {result['seconds']} s, 2 threads, round-robin over:",
        "",
        *[f"- `{p}`" for p in PATHS],
        "",
        "| requests | req/s | p50 ms | p90 ms | p99 ms | max ms | socket errors | HTTP errors (≥400) | MiB sent |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| {r['requests']:,} | {r['rps']:,} | {r['p50_ms']:.1f} | {r['p90_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} "
        f"| {r['socket_errors']} | {r['http_errors']} | {r['megabytes']} |",
        "",
        f"Server memory (RSS, master + workers): before {result['rss_before']['total_mib']:.0f} MiB, "
        f"after {result['rss_after']['total_mib']:.0f} MiB (workers {', '.join(f'{w:.0f}' for w in result['rss_after']['workers_mib'])} MiB). "
        f"Load average before / after: {result['loadavg_before']} / {result['loadavg_after']}. "
        f"The load generator shares the {result['machine'].get('nproc', '?')} cores with the server.",
        "",
    ]
    return "\n".join(lines)


def write_results(result: dict) -> None:
    (ROOT / "bench" / "load.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\n"
    text = re.sub(r"\n## Load test \(issue 8\)\n.*?(?=\n## |\Z)", "\n", text, flags=re.S).rstrip() + "\n\n"
    path.write_text(text + markdown(result), encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--connections", type=int, default=200)
    ap.add_argument("--seconds", type=int, default=60)
    args = ap.parse_args(argv)
    args.seconds = max(1, min(args.seconds, 600))  # bounded
    args.connections = max(1, min(args.connections, 1000))
    gunicorn = ["--workers", "2", "--threads", "8", "--worker-class", "gthread", "--timeout", "60"]
    with tempfile.TemporaryDirectory(prefix="qj-load-") as tmp:
        server = gunicorn_server(
            "atlas-load",
            "server:create_app()",
            {"QIJIANG_DEFAULT_BASEMAP": "none"},
            Path(tmp),
            extra=gunicorn,
            ready_path="/api/layers",
        )
        try:
            statuses = check_paths(server.url)
            if any(code != 200 for code in statuses.values()):
                raise SystemExit(f"an endpoint is not answering 200 before the load: {statuses}")
            rss_before, load_before = server.rss(), loadavg()
            result = run_mix(server.url, args.seconds, args.connections)
            rss_after, load_after = server.rss(), loadavg()
        finally:
            server.stop()
    record = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "connections": args.connections,
        "seconds": args.seconds,
        "gunicorn": gunicorn,
        "load": result,
        "rss_before": rss_before,
        "rss_after": rss_after,
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "machine": machine_info(),
    }
    write_results(record)
    print(markdown(record))
    return 0 if result["socket_errors"] == 0 and result["http_errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
