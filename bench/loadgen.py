"""A bounded closed-loop load generator: wrk when installed (C, light on the shared CPUs), else Python threads.

Every run stops by itself: wrk after ``duration`` seconds (killed after duration + 30 s at the latest), the
Python generator after ``duration`` seconds or ``max_requests`` requests, whichever comes first.
Both return the same dict: requests, seconds, rps, latency percentiles in ms, errors, non-2xx, bytes.
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.common import percentile

# Headers a browser sends for a page or a data request (gzip is accepted, as browsers do).
BROWSER_HEADERS = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8", "Accept-Encoding": "gzip, deflate"}

WRK_SCRIPT = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,' ..
    '"write":%d,"status":%d,"timeout":%d,"p50":%d,"p90":%d,"p99":%d,"mean":%f,"max":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
"""


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def _check_loopback(url: str) -> None:
    host = urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost"):
        raise ValueError(f"load is only ever sent to loopback, not {url}")


def run_wrk(
    url: str,
    duration: float,
    connections: int,
    headers: dict,
    threads: int = 1,
    timeout_s: float = 60.0,
    lua_prefix: str = "",
) -> dict:
    """One wrk round; ``lua_prefix`` may define a ``request`` function (e.g. a mix of paths)."""
    _check_loopback(url)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(lua_prefix + WRK_SCRIPT)
        script = fh.name
    cmd = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{max(1, round(duration))}s",
        "--timeout",
        f"{int(timeout_s)}s",
        "-s",
        script,
    ]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    cmd.append(url)
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30)
    finally:
        Path(script).unlink(missing_ok=True)
    m = re.search(r"WRKJSON (\{.*\})", out.stdout)
    if not m:
        raise RuntimeError(f"wrk gave no summary: {out.stdout[-500:]} {out.stderr[-500:]}")
    raw = json.loads(m.group(1))
    secs = raw["duration_us"] / 1e6
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    ok = raw["requests"] - raw["status"]
    return {
        "tool": "wrk",
        "requests": raw["requests"],
        "seconds": secs,
        "rps": ok / secs if secs else 0.0,
        "p50_ms": raw["p50"] / 1000,
        "p90_ms": raw["p90"] / 1000,
        "p99_ms": raw["p99"] / 1000,
        "mean_ms": raw["mean"] / 1000,
        "max_ms": raw["max"] / 1000,
        "errors": errors,
        "non2xx": raw["status"],
        "bytes": raw["bytes"],
        "connections": connections,
    }


def run_python(
    url: str,
    duration: float,
    connections: int,
    headers: dict,
    max_requests: int = 200_000,
    timeout_s: float = 60.0,
    min_requests: int = 0,
    max_seconds: float | None = None,
) -> dict:
    """Closed loop: ``connections`` threads, each with one keep-alive connection.

    Requests in flight at the deadline are waited for and counted (elapsed time includes them). With
    ``min_requests`` the loop goes on past ``duration`` until that many completed, but never past ``max_seconds``.
    """
    max_seconds = max(duration, max_seconds or duration)
    _check_loopback(url)
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    lock = threading.Lock()
    latencies: list[float] = []
    counters = {"errors": 0, "non2xx": 0, "bytes": 0, "issued": 0}
    t_start = time.perf_counter()
    stop_at = t_start + duration
    hard_stop = t_start + max_seconds

    def more() -> bool:
        now = time.perf_counter()
        if now >= hard_stop:
            return False
        return now < stop_at or counters["issued"] < min_requests

    def worker():
        conn = None
        while more():
            with lock:
                if counters["issued"] >= max_requests or (
                    time.perf_counter() >= stop_at and counters["issued"] >= min_requests
                ):
                    break
                counters["issued"] += 1
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout_s)
                t0 = time.perf_counter()
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                body = resp.read()
                dt = time.perf_counter() - t0
                with lock:
                    latencies.append(dt)
                    counters["bytes"] += len(body)
                    if not 200 <= resp.status < 400:
                        counters["non2xx"] += 1
                if resp.getheader("connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                with lock:
                    counters["errors"] += 1
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max_seconds + timeout_s + 5)
    secs = time.perf_counter() - t_start
    ms = [v * 1000 for v in latencies]
    ok = len(latencies) - counters["non2xx"]
    return {
        "tool": "python",
        "requests": len(latencies),
        "seconds": secs,
        "rps": ok / secs if secs else 0.0,
        "p50_ms": percentile(ms, 50),
        "p90_ms": percentile(ms, 90),
        "p99_ms": percentile(ms, 99),
        "mean_ms": sum(ms) / len(ms) if ms else None,
        "max_ms": max(ms) if ms else None,
        "errors": counters["errors"],
        "non2xx": counters["non2xx"],
        "bytes": counters["bytes"],
        "connections": connections,
    }


MIN_COMPLETED = 10


def load(
    url: str,
    duration: float,
    connections: int = 8,
    headers: dict | None = None,
    tool: str = "auto",
    timeout_s: float = 60.0,
    max_seconds: float | None = None,
) -> dict:
    """Run one bounded load round against ``url`` with the best available generator.

    wrk does not count requests still in flight when its time is up, which starves slow endpoints (a page
    that takes seconds may complete none): a wrk round with fewer than MIN_COMPLETED requests is redone with
    the Python generator, which waits for in-flight requests and goes on until MIN_COMPLETED have completed,
    within ``max_seconds`` (default 4 × duration, at least 30 s). At that speed the client's own cost is noise.
    """
    headers = headers if headers is not None else BROWSER_HEADERS
    cap = max_seconds if max_seconds is not None else max(4 * duration, 30.0)
    if tool == "wrk" or (tool == "auto" and have_wrk()):
        res = run_wrk(url, duration, connections, headers, timeout_s=timeout_s)
        if res["requests"] >= MIN_COMPLETED or tool == "wrk":
            return res
        res = run_python(
            url, duration, connections, headers, timeout_s=timeout_s, min_requests=MIN_COMPLETED, max_seconds=cap
        )
        res["tool"] = "python (slow endpoint: wrk completed too few requests)"
        return res
    return run_python(
        url, duration, connections, headers, timeout_s=timeout_s, min_requests=MIN_COMPLETED, max_seconds=cap
    )
