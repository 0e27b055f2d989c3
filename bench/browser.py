"""Headless Chromium (Debian's /usr/bin/chromium via Playwright) measurements: time to map, memory, transfer.

Every request not addressed to 127.0.0.1 is aborted (and counted). Each sample opens a fresh browser
context, so the HTTP cache is cold, as on a first visit.
"""

from __future__ import annotations

import gzip
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}

# time from navigation start (performance.timeOrigin) to the condition; null until it holds
# (documentElement can still be null right after the navigation commits)
OURS_DONE = (
    "() => !!document.documentElement && "
    "document.documentElement.getAttribute('data-atlas-loaded') === 'true' && performance.now()"
)
EXPLORE_DONE = (
    "(expected) => document.readyState === 'complete' && "
    "document.querySelectorAll('.leaflet-map-pane svg path').length >= expected && performance.now()"
)
PAGE_FACTS = """() => {
  const nav = performance.getEntriesByType('navigation')[0] || {};
  return {paths: document.querySelectorAll('.leaflet-map-pane svg path').length,
          dom_content_loaded_ms: nav.domContentLoadedEventEnd || null, load_event_ms: nav.loadEventEnd || null,
          response_end_ms: nav.responseEnd || null};
}"""


def launch(pw):
    return pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)


def _open(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    blocked: list[str] = []
    errors: list[str] = []

    def route(r):
        url = r.request.url
        if urlsplit(url).hostname in ("127.0.0.1", "localhost") or url.startswith(("data:", "blob:")):
            return r.continue_()
        blocked.append(url)
        return r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)[:200]))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text[:200]))
    return context, page, blocked, errors


def _heap(context, page) -> dict:
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    before = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    cdp.send("HeapProfiler.collectGarbage")
    after = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    cdp.detach()
    return {
        "js_heap_used_mib": before.get("JSHeapUsedSize", 0) / 2**20,
        "js_heap_used_after_gc_mib": after.get("JSHeapUsedSize", 0) / 2**20,
        "js_heap_total_mib": after.get("JSHeapTotalSize", 0) / 2**20,
        "dom_nodes": after.get("Nodes"),
    }


def time_to_map(browser, url: str, kind: str, expected_paths: int = 0, timeout_s: float = 60.0) -> dict:
    """One cold visit: ms from navigation start until every default layer is drawn, plus page facts and heap."""
    context, page, blocked, errors = _open(browser)
    try:
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        try:
            if kind == "ours":
                handle = page.wait_for_function(OURS_DONE, polling="raf", timeout=timeout_s * 1000)
            else:
                handle = page.wait_for_function(
                    EXPLORE_DONE, arg=expected_paths, polling="raf", timeout=timeout_s * 1000
                )
            ms = float(handle.json_value())
        except Exception as exc:  # Playwright TimeoutError
            kind_of = "not drawn within" if "Timeout" in type(exc).__name__ else "failed while waiting up to"
            return {
                "ok": False,
                "error": f"{kind_of} {timeout_s:.0f} s ({type(exc).__name__}: {str(exc)[:160]})",
                "blocked": len(blocked),
                "errors": errors[:5],
            }
        facts = page.evaluate(PAGE_FACTS)
        return {"ok": True, "ms": ms, **facts, **_heap(context, page), "blocked": len(blocked), "errors": errors[:5]}
    finally:
        context.close()


def transfer(browser, url: str, kind: str, expected_paths: int = 0, timeout_s: float = 60.0) -> dict:
    """Every response of a cold first view: decoded bytes, bytes on the wire, and bytes if all were gzipped."""
    context, page, blocked, errors = _open(browser)
    responses = []
    page.on("response", lambda r: responses.append(r))
    try:
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        if kind == "ours":
            page.wait_for_function(OURS_DONE, polling="raf", timeout=timeout_s * 1000)
        else:
            page.wait_for_function(EXPLORE_DONE, arg=expected_paths, polling="raf", timeout=timeout_s * 1000)
        page.wait_for_load_state("load", timeout=timeout_s * 1000)
        rows = []
        for r in responses:
            try:
                body = r.body()
            except Exception:
                body = b""
            sizes = r.request.sizes()
            path = urlsplit(r.url).path
            rows.append(
                {
                    "path": path,
                    "status": r.status,
                    "type": r.request.resource_type,
                    "encoding": r.headers.get("content-encoding", ""),
                    "decoded": len(body),
                    "wire_body": sizes.get("responseBodySize", 0),
                    "wire_headers": sizes.get("responseHeadersSize", 0),
                    "gzip_all": len(gzip.compress(body, 6)) if body else 0,
                }
            )
        total = {k: sum(row[k] for row in rows) for k in ("decoded", "wire_body", "wire_headers", "gzip_all")}
        by_type: dict[str, dict] = {}
        for row in rows:
            t = by_type.setdefault(row["type"], {"count": 0, "decoded": 0, "wire_body": 0})
            t["count"] += 1
            t["decoded"] += row["decoded"]
            t["wire_body"] += row["wire_body"]
        return {
            "ok": True,
            "requests": len(rows),
            "total": total,
            "by_type": by_type,
            "responses": rows,
            "blocked": blocked,
            "errors": errors[:5],
        }
    finally:
        context.close()
