"""Measured reasons: profile a few requests of the atlas in-process (Flask test client, cProfile) and name the
project functions where the time goes. Used to explain a missed target with figures, not guesses."""

from __future__ import annotations

import cProfile
import pstats
import time

from bench.common import ROOT

ATLAS = str(ROOT / "atlas")
_APPS: dict = {}


def _app(config: dict):
    """One app per config (loading a 100k-feature layer once, not once per profiled query)."""
    from server import create_app

    key = tuple(sorted(config.items()))
    if key not in _APPS:
        _APPS[key] = create_app({"TESTING": False, **config})
    return _APPS[key]


def _short(filename: str) -> str:
    return (
        filename.replace(str(ROOT) + "/", "")
        if filename.startswith(str(ROOT))
        else filename.split("site-packages/")[-1]
    )


def profile_request(config: dict, path: str, n: int = 20, top: int = 4, max_seconds: float = 60.0) -> dict:
    """Run ``path`` n times (after one warm-up) under cProfile; return per-request ms and the top project
    functions by cumulative time (share of the total) and the top functions anywhere by own time."""
    client = _app(config).test_client()
    t0 = time.perf_counter()
    resp = client.get(path)
    warm_ms = (time.perf_counter() - t0) * 1000
    if resp.status_code >= 400:
        return {"status": resp.status_code}
    # plain timing first (no profiler overhead), bounded in count and time
    times = []
    deadline = time.perf_counter() + max_seconds / 2
    for _ in range(n):
        t0 = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        if time.perf_counter() > deadline:
            break
    prof = cProfile.Profile()
    runs = 0
    deadline = time.perf_counter() + max_seconds / 2
    prof.enable()
    for _ in range(n):
        client.get(path)
        runs += 1
        if time.perf_counter() > deadline:
            break
    prof.disable()
    stats = pstats.Stats(prof)
    total = sum(v[2] for v in stats.stats.values())  # total own time = wall time under the profiler (1 thread)
    entries = []
    for (filename, line, func), (_cc, nc, tt, ct, _callers) in stats.stats.items():
        entries.append((filename, line, func, tt, ct, nc))
    project = [e for e in entries if e[0].startswith(ATLAS) and e[2] not in ("<module>",)]
    project.sort(key=lambda e: -e[4])
    # skip the view itself (≈100 %): keep the functions below it
    cum = [
        {"function": f"{_short(e[0])}:{e[1]} {e[2]}", "share": e[4] / total if total else 0, "calls": e[5] // runs}
        for e in project[1 : top + 1]
    ]
    view = project[0] if project else None
    own = sorted(entries, key=lambda e: -e[3])[:top]
    own = [
        {"function": f"{_short(e[0])}:{e[1]} {e[2]}", "share": e[3] / total if total else 0, "calls": e[5] // runs}
        for e in own
    ]
    times.sort()
    return {
        "status": resp.status_code,
        "first_ms": warm_ms,
        "ms_p50": times[len(times) // 2] if times else None,
        "requests": len(times),
        "view": f"{_short(view[0])}:{view[1]} {view[2]}" if view else None,
        "top_cumulative": cum,
        "top_own": own,
    }


def describe(profile: dict) -> str:
    """One line for RESULTS.md: where a request's time goes."""
    if not profile or "top_cumulative" not in profile:
        return ""
    parts = [f"`{p['function']}` {100 * p['share']:.0f} %" for p in profile["top_cumulative"]]
    own = [f"`{p['function']}` {100 * p['share']:.0f} %" for p in profile["top_own"][:3]]
    return (
        f"in-process profile ({profile['requests']} requests, p50 {profile['ms_p50']:.1f} ms without profiler): "
        f"cumulative {', '.join(parts)}; own time {', '.join(own)}"
    )
