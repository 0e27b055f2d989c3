"""Shared helpers: paths, statistics, the machine description, and servers started (and always stopped) by us."""

from __future__ import annotations

import http.client
import json
import os
import platform
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
GUNICORN = str(VENV_BIN / "gunicorn")
# The production config of the Makefile's serve-prod (2 workers x 4 threads); a long timeout so a slow
# naive page is measured rather than killed.
GUNICORN_ARGS = ["--workers", "2", "--threads", "4", "--timeout", "600", "--graceful-timeout", "5"]


# ---------------------------------------------------------------- statistics


def percentile(values, q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100) of a sequence; None when empty."""
    data = sorted(values)
    if not data:
        return None
    if len(data) == 1:
        return float(data[0])
    pos = (len(data) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(data) - 1)
    return float(data[lo] + (data[hi] - data[lo]) * (pos - lo))


def summary(values) -> dict:
    """n, p50, p90, p99, IQR (p25..p75), min, max of a list of numbers."""
    values = [v for v in values if v is not None]
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p90": percentile(values, 90),
        "p99": percentile(values, 99),
        "p25": percentile(values, 25),
        "p75": percentile(values, 75),
        "min": min(values) if values else None,
        "max": max(values) if values else None,
    }


# ---------------------------------------------------------------- the machine


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cmd_version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        text = (out.stdout or out.stderr).strip().splitlines()
        return text[0] if text else "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "not available"


def loadavg() -> list[float]:
    try:
        return [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def run_stamp(**figures) -> dict:
    """A benchmark result: when it ran, the load average then, and its ``figures``."""
    return {"date": datetime.now(UTC).isoformat(timespec="seconds"), "loadavg": loadavg(), **figures}


def machine_info() -> dict:
    """What the figures were measured on: CPUs, memory, load, versions, date, git revision."""
    try:
        mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    except (OSError, AttributeError):
        mem_kb = 0
    git = _cmd_version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True
    ).stdout.strip()
    packages = [
        "Flask",
        "folium",
        "branca",
        "geopandas",
        "shapely",
        "pyproj",
        "pyogrio",
        "pandas",
        "numpy",
        "gunicorn",
        "Werkzeug",
        "pygeoapi",
        "playwright",
        "matplotlib",
        "mapclassify",
    ]
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": _cpu_model(),
        "mem_total_gib": round(mem_kb / 1024 / 1024, 1),
        "loadavg_start": loadavg(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": {p: _version(p) for p in packages},
        "chromium": _cmd_version(["/usr/bin/chromium", "--version"]),
        "wrk": _cmd_version(["wrk", "--version"]) if _which("wrk") else "not installed",
        "git": git + (" (working tree has uncommitted changes by others)" if dirty else ""),
    }


def _which(name: str) -> str | None:
    for d in os.environ.get("PATH", "").split(os.pathsep):
        p = Path(d) / name
        if p.is_file() and os.access(p, os.X_OK):
            return str(p)
    return None


# ---------------------------------------------------------------- processes


def _children(pid: int) -> list[int]:
    kids = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            kids.extend(int(k) for k in text)
    except OSError:
        pass
    return kids


def rss_bytes(pid: int) -> int:
    try:
        m = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
        return int(m.group(1)) * 1024 if m else 0
    except OSError:
        return 0


@dataclass
class Server:
    """One server process group we started on 127.0.0.1 (gunicorn or other); stop() kills only it."""

    name: str
    cmd: list[str]
    env: dict
    log_path: Path
    cwd: Path = ROOT
    proc: subprocess.Popen | None = None
    port: int | None = None
    url: str = ""
    started_at: float = field(default_factory=time.monotonic)

    def start(self, ready_path: str = "/", timeout: float = 60.0) -> Server:
        self.log = open(self.log_path, "wb")
        env = {**os.environ, **self.env}
        self.proc = subprocess.Popen(
            self.cmd,
            cwd=self.cwd,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.tail()}")
            m = re.search(rb"Listening at: http://127\.0\.0\.1:(\d+)", self.log_path.read_bytes())
            if m:
                self.port = int(m.group(1))
                self.url = f"http://127.0.0.1:{self.port}"
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"{self.name} did not start listening within {timeout:.0f}s:\n{self.tail()}")
        # wait until the workers answer
        while time.monotonic() < deadline:
            try:
                status, _, _ = http_get(self.url + ready_path, timeout=max(1.0, deadline - time.monotonic()))
                if status < 500:
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer {ready_path} within {timeout:.0f}s:\n{self.tail()}")

    def tail(self, n: int = 2000) -> str:
        try:
            return self.log_path.read_bytes()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def worker_pids(self) -> list[int]:
        return _children(self.proc.pid) if self.proc else []

    def rss(self) -> dict:
        """RSS of the master and of each worker, in MiB."""
        if not self.proc:
            return {}
        workers = {pid: rss_bytes(pid) / 2**20 for pid in self.worker_pids()}
        return {
            "master_mib": rss_bytes(self.proc.pid) / 2**20,
            "workers_mib": sorted(workers.values()),
            "total_mib": rss_bytes(self.proc.pid) / 2**20 + sum(workers.values()),
        }

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # the group of the process we started, by its id
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=5)
        self.proc = None
        self.log.close()


def gunicorn_server(
    name: str,
    app: str,
    env: dict,
    logdir: Path,
    extra: list[str] | None = None,
    ready_path: str = "/",
    timeout: float = 90.0,
) -> Server:
    cmd = [GUNICORN, *(extra or GUNICORN_ARGS), "--bind", "127.0.0.1:0", "--log-level", "info", app]
    return Server(name, cmd, env, logdir / f"{name}.log").start(ready_path, timeout)


# ---------------------------------------------------------------- HTTP


def http_get(url: str, headers: dict | None = None, timeout: float = 60.0) -> tuple[int, dict, bytes]:
    """One GET on a fresh connection: (status, headers, body as sent on the wire)."""
    m = re.match(r"http://([^:/]+):(\d+)(/.*)?$", url)
    if not m or m.group(1) not in ("127.0.0.1", "localhost"):
        raise ValueError(f"refusing to fetch anything but loopback: {url}")
    conn = http.client.HTTPConnection(m.group(1), int(m.group(2)), timeout=timeout)
    try:
        conn.request("GET", m.group(3) or "/", headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
    finally:
        conn.close()


def decoded(headers: dict, body: bytes) -> bytes:
    """The body with its Content-Encoding (gzip, br, deflate) undone, for parsing."""
    import gzip
    import zlib

    encoding = (headers.get("content-encoding") or "").lower()
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    return body


def timed_get(url: str, headers: dict | None = None, timeout: float = 120.0) -> tuple[float, int, bytes]:
    """(seconds, status, body) of one GET."""
    t0 = time.perf_counter()
    status, _, body = http_get(url, headers, timeout)
    return time.perf_counter() - t0, status, body


def write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


def write_section(json_name: str, section: str, result: dict, block: str) -> None:
    """Write ``result`` to bench/<json_name> and put ``block`` in bench/RESULTS.md under ``section`` (replacing it)."""
    import json
    import re

    out = ROOT / "bench"
    (out / json_name).write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    path = out / "RESULTS.md"
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(section) + r".*?(?=\n## |\Z)", re.S)
    text = pattern.sub(lambda _m: block.rstrip("\n"), text) if section in text else text.rstrip("\n") + "\n\n" + block
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
