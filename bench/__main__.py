"""Issue 9: the atlas against its peers, side by side on one machine, loopback only.

    python -m bench            # the reference run (bench/run.sh sets up what is missing, then runs this)
    python -m bench --quick    # a few seconds per section and 10k synthetic features: to validate the harness

Sections (each failure is recorded, the others still run; every loop is bounded in count and time):
  1 map page throughput/latency: our / vs a per-request GeoDataFrame.explore() page vs the same bytes as a file
  2 first-view transfer in Chromium: ours vs the explore() page
  3 time to map in headless Chromium (no basemap): ours vs explore()
  4 OGC API Features items (bbox, property filters): ours vs pygeoapi on copies of the same data
  5 scale: a synthetic layer (100k features) in the browser; park ranking and corridor comparison on 100k parks
Writes bench/RESULTS.md and bench/results.json. Every server is ours, on 127.0.0.1, and is stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench import browser as br
from bench.common import ROOT, decoded, gunicorn_server, http_get, loadavg, machine_info, summary, timed_get, write_json
from bench.loadgen import BROWSER_HEADERS, have_wrk, load
from bench.profiling import profile_request

OUT_DIR = Path(__file__).resolve().parent
OGC_HEADERS = {"Accept": "application/geo+json", "Accept-Encoding": "gzip, deflate"}

QUICK = dict(
    load_s=2,
    rounds=1,
    warm_s=1,
    conns=8,
    browser_samples=3,
    ogc_s=2,
    ogc_rounds=1,
    n_synthetic=10_000,
    scale_samples=1,
    scale_explore_samples=1,
    api_samples=5,
    browser_timeout=60,
    scale_timeout=120,
    budget_min=15,
)
FULL = dict(
    load_s=10,
    rounds=3,
    warm_s=3,
    conns=8,
    browser_samples=15,
    ogc_s=8,
    ogc_rounds=3,
    n_synthetic=100_000,
    scale_samples=3,
    scale_explore_samples=1,
    api_samples=20,
    browser_timeout=60,
    scale_timeout=300,
    budget_min=75,
)

# bbox of ~1 % of the district box, used on the synthetic layer
SMALL_BBOX = "106.70,28.80,106.77,28.87"


def placed_shown_count(layers_dir: Path, geodata_dir: Path) -> int:
    """Features with geometry in layers shown by default: what the default view draws."""
    from atlas.catalog import load_catalog

    total = 0
    for spec in load_catalog(layers_dir):
        if not spec.show:
            continue
        fc = json.loads((geodata_dir / spec.source_file).read_text(encoding="utf-8"))
        total += sum(1 for f in fc["features"] if f.get("geometry"))
    return total


class Bench:
    def __init__(self, cfg: dict, quick: bool, sections: set[int], keep_tmp: bool) -> None:
        self.cfg = cfg
        self.quick = quick
        self.sections = sections
        self.keep_tmp = keep_tmp
        self.tmp = Path(tempfile.mkdtemp(prefix="qj-bench-"))
        self.logdir = self.tmp / "logs"
        self.logdir.mkdir()
        self.servers: dict = {}
        self.deadline = time.monotonic() + cfg["budget_min"] * 60
        self.results: dict = {
            "mode": "quick" if quick else "full",
            "settings": dict(cfg),
            "errors": [],
            "load_tool": "wrk" if have_wrk() else "python threads + http.client",
        }

    # ------------------------------------------------------------ plumbing
    def log(self, msg: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)

    def time_left(self) -> float:
        return self.deadline - time.monotonic()

    def server(self, key: str, app: str, env: dict, ready: str, extra=None, timeout: float = 180):
        if key not in self.servers:
            self.log(f"starting {key}")
            self.servers[key] = gunicorn_server(
                key, app, env, self.logdir, extra=extra, ready_path=ready, timeout=timeout
            )
            self.log(f"{key} on {self.servers[key].url}")
        return self.servers[key]

    def stop(self, key: str) -> None:
        srv = self.servers.pop(key, None)
        if srv is not None:
            srv.stop()

    def ours(self):
        return self.server("ours", "server:create_app()", {"QIJIANG_DEFAULT_BASEMAP": "none"}, "/api/layers")

    def naive(self):
        static = self.tmp / "static"
        static.mkdir(exist_ok=True)
        return self.server("naive", "bench.naive_app:create_app()", {"BENCH_STATIC_DIR": str(static)}, "/healthz")

    def run_section(self, number: int, name: str, fn) -> None:
        if number not in self.sections:
            return
        if self.time_left() <= 0:
            self.results[name] = {"skipped": "time budget of the run used up"}
            return
        self.log(f"section {number}: {name}")
        t0 = time.monotonic()
        load0 = loadavg()
        try:
            self.results[name] = fn()
        except Exception as exc:  # record and go on with the other sections
            self.log(f"section {number} failed: {exc!r}")
            self.results[name] = {"error": f"{type(exc).__name__}: {exc}"}
            self.results["errors"].append({"section": number, "trace": traceback.format_exc()[-3000:]})
        self.results[name]["_seconds"] = round(time.monotonic() - t0, 1)
        self.results[name]["_loadavg_before_after"] = [load0, loadavg()]

    def rounds(self, targets: dict[str, str], duration: float, rounds: int, headers: dict, timeout_s=60.0) -> dict:
        """Warm each target, then ``rounds`` interleaved load rounds; per target: rounds + medians/spreads."""
        out = {name: {"url_path": url.split("/", 3)[-1], "rounds": []} for name, url in targets.items()}
        for url in targets.values():
            load(url, self.cfg["warm_s"], self.cfg["conns"], headers, timeout_s=timeout_s)
        for r in range(rounds):
            for name, url in targets.items():
                res = load(url, duration, self.cfg["conns"], headers, timeout_s=timeout_s)
                out[name]["rounds"].append(res)
                self.log(
                    f"  {name} round {r + 1}: {res['rps']:.1f} req/s p50 {res['p50_ms']:.1f} ms "
                    f"({res['requests']} req, {res['errors']} err, {res['non2xx']} non-2xx)"
                )
        for name in out:
            rs = out[name]["rounds"]
            out[name]["rps"] = summary([x["rps"] for x in rs])
            for p in ("p50_ms", "p90_ms", "p99_ms"):
                out[name][p] = summary([x[p] for x in rs])["p50"]
            out[name]["requests"] = sum(x["requests"] for x in rs)
            out[name]["errors"] = sum(x["errors"] + x["non2xx"] for x in rs)
        return out

    # ------------------------------------------------------------ section 1
    def s1_throughput(self) -> dict:
        ours, naive = self.ours(), self.naive()
        # one rendered explore() page, saved: the same bytes served as a static file
        st, _, body = http_get(naive.url + "/", timeout=300)
        assert st == 200, f"explore page answered {st}"
        (self.tmp / "static" / "explore.html").write_bytes(body)
        sizes = {"ours": len(http_get(ours.url + "/")[2]), "explore": len(body), "static": len(body)}
        targets = {
            "ours": ours.url + "/",
            "explore": naive.url + "/",
            "static": naive.url + "/static-copy/explore.html",
        }
        res = self.rounds(targets, self.cfg["load_s"], self.cfg["rounds"], BROWSER_HEADERS, timeout_s=120)
        for name in res:
            res[name]["body_bytes"] = sizes[name]
        o, e, s = (res[k]["rps"]["p50"] for k in ("ours", "explore", "static"))
        prof = profile_request({"DEFAULT_BASEMAP": "none"}, "/", n=20, max_seconds=30)
        return {
            "targets": res,
            "ours_vs_explore": o / e if e else None,
            "ours_vs_static": o / s if s else None,
            "profile_ours": prof,
            "memory_after": {"ours": ours.rss(), "naive": naive.rss()},
            "gunicorn": "--workers 2 --threads 4 (gthread), same for all three",
        }

    # ------------------------------------------------------------ sections 2 + 3
    def _expected_real(self) -> int:
        return placed_shown_count(ROOT / "layers", ROOT / "geodata")

    def s2_transfer(self) -> dict:
        from playwright.sync_api import sync_playwright

        ours, naive = self.ours(), self.naive()
        expected = self._expected_real()
        out = {"expected_paths_explore": expected}
        with sync_playwright() as pw:
            b = br.launch(pw)
            try:
                for kind, url in (("ours", ours.url + "/"), ("explore", naive.url + "/")):
                    out[kind] = br.transfer(b, url, kind, expected, self.cfg["browser_timeout"])
            finally:
                b.close()
        return out

    def s3_time_to_map(self) -> dict:
        from playwright.sync_api import sync_playwright

        ours, naive = self.ours(), self.naive()
        expected = self._expected_real()
        samples = {"ours": [], "explore": []}
        with sync_playwright() as pw:
            b = br.launch(pw)
            try:
                for kind, url in (("ours", ours.url + "/"), ("explore", naive.url + "/")):  # warm-up visit
                    br.time_to_map(b, url, kind, expected, self.cfg["browser_timeout"])
                for _i in range(self.cfg["browser_samples"]):
                    for kind, url in (("ours", ours.url + "/"), ("explore", naive.url + "/")):
                        samples[kind].append(br.time_to_map(b, url, kind, expected, self.cfg["browser_timeout"]))
                    if self.time_left() <= 0:
                        break
            finally:
                b.close()
        out = {"expected_paths_explore": expected}
        for kind, rows in samples.items():
            good = [r for r in rows if r.get("ok")]
            out[kind] = {
                "samples": rows,
                "ms": summary([r["ms"] for r in good]),
                "load_event_ms": summary([r["load_event_ms"] for r in good]),
                "heap_after_gc_mib": summary([r["js_heap_used_after_gc_mib"] for r in good]),
                "paths": good[0]["paths"] if good else None,
                "failed": len(rows) - len(good),
            }
            self.log(f"  {kind}: time to map p50 {out[kind]['ms']['p50'] or 0:.0f} ms over {len(good)} samples")
        return out

    # ------------------------------------------------------------ scale data (sections 4, 5)
    def scale_dirs(self) -> dict:
        if "scale" not in self.__dict__:
            from bench.synthetic import make_scale_dirs

            t0 = time.monotonic()
            self.scale = make_scale_dirs(self.tmp / "scale", self.cfg["n_synthetic"])
            self.log(f"synthetic data ({self.cfg['n_synthetic']} features) in {time.monotonic() - t0:.1f} s")
        return self.scale

    def scale_config(self) -> dict:
        d = self.scale_dirs()
        return {"DEFAULT_BASEMAP": "none", "GEODATA_DIR": str(d["geodata_a"]), "LAYERS_DIR": str(d["layers_a"])}

    def ours_a(self):
        d = self.scale_dirs()
        env = {
            "QIJIANG_DEFAULT_BASEMAP": "none",
            "QIJIANG_GEODATA_DIR": str(d["geodata_a"]),
            "QIJIANG_LAYERS_DIR": str(d["layers_a"]),
        }
        return self.server("ours_scale", "server:create_app()", env, "/api/layers", timeout=300)

    # ------------------------------------------------------------ section 4
    def s4_ogc(self) -> dict:
        from bench.peers import start_pygeoapi

        d = self.scale_dirs()
        ours = self.ours_a()
        if "pygeoapi" not in self.servers:
            self.log("starting pygeoapi")
            cols = {c: d["geodata_a"] / f"{c}.geojson" for c in ("towns", "stations", "synthetic")}
            self.servers["pygeoapi"] = start_pygeoapi(self.tmp / "pygeoapi", cols, self.logdir)
        pg = self.servers["pygeoapi"]
        queries = [
            ("towns: bbox (shipped data, 30 polygons)", "towns", "bbox=106.6,28.8,106.8,29.0&limit=100"),
            ("stations: kind=station (shipped data)", "stations", "kind=station&limit=100"),
            (
                f"synthetic: small bbox (~1 % of district, {d['n']} features)",
                "synthetic",
                f"bbox={SMALL_BBOX}&limit=100",
            ),
            (f"synthetic: category=charlie ({d['n']} features)", "synthetic", "category=charlie&limit=100"),
            (
                f"synthetic: bbox + category ({d['n']} features)",
                "synthetic",
                f"bbox={SMALL_BBOX}&category=charlie&limit=100",
            ),
        ]
        out = []
        for title, cid, qs in queries:
            if self.time_left() <= 0:
                out.append({"query": title, "skipped": "time budget used up"})
                continue
            ours_url = f"{ours.url}/ogc/collections/{cid}/items?{qs}&f=json"
            pg_url = f"{pg.url}/collections/{cid}/items?{qs}&f=json"
            matched = {}
            for name, url in (("ours", ours_url), ("pygeoapi", pg_url)):
                st, resp_headers, body = http_get(url, OGC_HEADERS, timeout=300)
                doc = json.loads(decoded(resp_headers, body)) if st == 200 else {}
                matched[name] = {
                    "status": st,
                    "numberMatched": doc.get("numberMatched"),
                    "numberReturned": doc.get("numberReturned"),
                    "bytes": len(body),
                }
            self.log(
                f"  {title}: matched ours {matched['ours']['numberMatched']} / pygeoapi "
                f"{matched['pygeoapi']['numberMatched']}"
            )
            res = self.rounds(
                {"ours": ours_url, "pygeoapi": pg_url},
                self.cfg["ogc_s"],
                self.cfg["ogc_rounds"],
                OGC_HEADERS,
                timeout_s=120,
            )
            o, p = res["ours"]["rps"]["p50"], res["pygeoapi"]["rps"]["p50"]
            prof = profile_request(
                self.scale_config(), f"/ogc/collections/{cid}/items?{qs}&f=json", n=20, max_seconds=20
            )
            out.append(
                {
                    "query": title,
                    "collection": cid,
                    "params": qs,
                    "check": matched,
                    "ours": res["ours"],
                    "pygeoapi": res["pygeoapi"],
                    "ratio": o / p if p else None,
                    "profile_ours": prof,
                }
            )
        return {
            "queries": out,
            "memory_after": {"ours": ours.rss(), "pygeoapi": pg.rss()},
            "pygeoapi_provider": "GeoJSON (stock provider, file copies)",
        }

    # ------------------------------------------------------------ section 5
    def s5_scale(self) -> dict:
        from playwright.sync_api import sync_playwright

        d = self.scale_dirs()
        out: dict = {
            "n": d["n"],
            "synthetic_geojson_bytes": d["synthetic_bytes"],
            "parks_geojson_bytes": d["parks_bytes"],
        }
        ours = self.ours_a()
        # server side of the map page and of the layer at scale (server already warm: median of 5)
        page_s, layer_s = [], []
        for _ in range(5):
            page_s.append(timed_get(ours.url + "/", BROWSER_HEADERS, timeout=300)[0])
            t, st, body = timed_get(ours.url + "/api/layers/synthetic.geojson", BROWSER_HEADERS, timeout=300)
            layer_s.append(t)
        out["ours_page_warm_ms"] = summary([v * 1000 for v in page_s])
        out["ours_layer_warm_ms"] = summary([v * 1000 for v in layer_s])
        out["ours_layer_gzip_bytes"] = len(body)
        expected = placed_shown_count(d["layers_a"], d["geodata_a"])
        out["expected_paths"] = expected
        naive_env = {"BENCH_GEODATA_DIR": str(d["geodata_a"]), "BENCH_LAYERS_DIR": str(d["layers_a"])}
        naive = self.server("naive_scale", "bench.naive_app:create_app()", naive_env, "/healthz")
        browser_rows = {"ours": [], "explore": []}
        with sync_playwright() as pw:
            b = br.launch(pw)
            try:
                br.time_to_map(b, ours.url + "/", "ours", expected, self.cfg["scale_timeout"])  # warm the workers
                for _i in range(self.cfg["scale_samples"]):
                    if self.time_left() <= 0:
                        break
                    row = br.time_to_map(b, ours.url + "/", "ours", expected, self.cfg["scale_timeout"])
                    browser_rows["ours"].append(row)
                    self.log(
                        f"  ours at scale: {row.get('ms') or 0:.0f} ms, heap {row.get('js_heap_used_after_gc_mib') or 0:.1f} MiB "
                        f"{row.get('error', '')}"
                    )
                for _i in range(self.cfg["scale_explore_samples"]):
                    if self.time_left() <= 0:
                        break
                    try:
                        t, st, body = timed_get(naive.url + "/", timeout=self.cfg["scale_timeout"] + 60)
                        out.setdefault("explore_page_server_s", []).append(t)
                        out["explore_page_bytes"] = len(body)
                        row = br.time_to_map(b, naive.url + "/", "explore", expected, self.cfg["scale_timeout"])
                    except Exception as exc:  # e.g. the page took longer than the socket timeout to build
                        row = {"ok": False, "error": f"{type(exc).__name__}: {str(exc)[:200]}"}
                    browser_rows["explore"].append(row)
                    self.log(
                        f"  explore at scale: {row.get('ms') or 0:.0f} ms, heap {row.get('js_heap_used_after_gc_mib') or 0:.1f} "
                        f"MiB {row.get('error', '')}"
                    )
            finally:
                b.close()
        self.stop("naive_scale")
        out["browser"] = {}
        for kind, rows in browser_rows.items():
            good = [r for r in rows if r.get("ok")]
            out["browser"][kind] = {
                "samples": rows,
                "ms": summary([r["ms"] for r in good]),
                "heap_after_gc_mib": summary([r["js_heap_used_after_gc_mib"] for r in good]),
                "heap_before_gc_mib": summary([r["js_heap_used_mib"] for r in good]),
                "load_event_ms": summary([r["load_event_ms"] for r in good]),
                "dom_nodes": good[0]["dom_nodes"] if good else None,
                "failed": len(rows) - len(good),
            }
        out["ours_server_memory"] = ours.rss()
        self.stop("ours_scale")
        return out

    def _api_series(self, url: str, n: int, timeout: float, max_seconds: float = 60.0) -> dict:
        """Up to n sequential requests, stopping early after max_seconds (at least 3 when time allows)."""
        times, sizes, statuses = [], [], []
        t_end = time.monotonic() + max_seconds
        for i in range(n):
            if self.time_left() <= 0 or (i >= 3 and time.monotonic() > t_end):
                break
            t, st, body = timed_get(url, {"Accept-Encoding": "gzip, deflate"}, timeout=timeout)
            times.append(t * 1000)
            sizes.append(len(body))
            statuses.append(st)
        return {"ms": summary(times), "bytes": sizes[0] if sizes else None, "statuses": sorted(set(statuses))}

    def s5_analysis(self) -> dict:
        """Park ranking and corridor comparison: shipped data (warm) vs 100k synthetic parks (1 worker)."""
        d = self.scale_dirs()
        n = self.cfg["api_samples"]
        # a page of the ranking (top 100 of all parks ranked), as a table view asks for; the full list of
        # 100,000 entries is ~94 MB of JSON and is measured separately below
        rank_q = "/api/parks/rank?w_interchange=3&w_rail=2&w_hub=2&w_centre=1&w_area=1&limit=100"
        out: dict = {}
        ours = self.ours()
        st, _, _ = http_get(ours.url + rank_q)
        out["rank_available"] = st != 404
        st_c, _, body = http_get(ours.url + "/api/corridors")
        out["corridors_available"] = st_c != 404
        ids = []
        if st_c == 200:
            ids = [c["id"] for c in json.loads(body) if c.get("comparable") and c.get("length_in_district_km")][:2]
        corr_q = f"/api/corridors/compare?ids={','.join(ids)}&buffer_m=5000"
        out["corridor_ids"] = ids
        if not out["rank_available"] and not out["corridors_available"]:
            return {**out, "note": "not available: both endpoints answer 404"}
        targets = []
        if out["rank_available"]:
            targets.append(("rank", rank_q))
        if out["corridors_available"] and len(ids) == 2:
            targets.append(("corridors", corr_q))
        # shipped data, the 2-worker server of section 1 (warm)
        for key, q in targets:
            http_get(ours.url + q)
            out[f"{key}_shipped"] = self._api_series(ours.url + q, n, 120)
        # 100k synthetic parks: one worker (4 threads) so that cold/warm and RSS belong to one process
        env = {"QIJIANG_DEFAULT_BASEMAP": "none", "QIJIANG_GEODATA_DIR": str(d["geodata_b"])}
        srv = self.server(
            "ours_parks_scale",
            "server:create_app()",
            env,
            "/api/layers",
            extra=["--workers", "1", "--threads", "4", "--timeout", "600"],
            timeout=300,
        )
        try:
            out["scale_rss_idle"] = srv.rss()
            for key, q in targets:
                t, st, body = timed_get(srv.url + q, {"Accept-Encoding": "gzip, deflate"}, timeout=600)
                out[f"{key}_scale_cold"] = {"ms": t * 1000, "status": st, "bytes": len(body)}
                out[f"{key}_scale"] = self._api_series(srv.url + q, n, 600)
                out[f"{key}_scale_rss"] = srv.rss()
                if self.time_left() > 120:
                    out[f"{key}_scale_profile"] = profile_request(
                        {"DEFAULT_BASEMAP": "none", "GEODATA_DIR": str(d["geodata_b"])},
                        q,
                        n=1 if d["n"] > 20_000 else 2,
                        max_seconds=60,
                    )
                if key == "rank":  # one timed request for the whole list, for the record
                    full = rank_q.replace("&limit=100", "")
                    t_full, st_full, body_full = timed_get(
                        srv.url + full, {"Accept-Encoding": "gzip, deflate"}, timeout=600
                    )
                    out["rank_full_scale"] = {"ms": t_full * 1000, "status": st_full, "bytes": len(body_full)}
                self.log(
                    f"  {key} at {d['n']} parks: cold {t * 1000:.0f} ms, warm p50 "
                    f"{out[f'{key}_scale']['ms']['p50'] or 0:.0f} ms, RSS {out[f'{key}_scale_rss'].get('total_mib', 0):.0f} MiB"
                )
        finally:
            self.stop("ours_parks_scale")
        return out

    # ------------------------------------------------------------ run
    def run(self) -> dict:
        self.results["machine"] = machine_info()
        try:
            self.run_section(1, "s1_throughput", self.s1_throughput)
            self.run_section(2, "s2_transfer", self.s2_transfer)
            self.run_section(3, "s3_time_to_map", self.s3_time_to_map)
            self.run_section(4, "s4_ogc", self.s4_ogc)
            self.run_section(5, "s5_scale", self.s5_scale)
            self.run_section(5, "s5_analysis", self.s5_analysis)
        finally:
            for key in list(self.servers):
                self.stop(key)
            self.results["machine"]["loadavg_end"] = loadavg()
            if self.keep_tmp:
                self.log(f"temp dir kept: {self.tmp}")
            else:
                shutil.rmtree(self.tmp, ignore_errors=True)
        return self.results


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="short development run (not the reference figures)")
    ap.add_argument("--sections", default="1,2,3,4,5", help="comma-separated section numbers (default all)")
    ap.add_argument("--synthetic", type=int, help="number of synthetic features (default 100000, quick 10000)")
    ap.add_argument("--out", default=str(OUT_DIR), help="directory for RESULTS.md and results.json")
    ap.add_argument("--keep-tmp", action="store_true", help="keep the temp dir (server logs, configs, data)")
    args = ap.parse_args(argv)
    cfg = dict(QUICK if args.quick else FULL)
    if args.synthetic:
        cfg["n_synthetic"] = args.synthetic
    sections = {int(s) for s in args.sections.split(",") if s.strip()}
    bench = Bench(cfg, args.quick, sections, args.keep_tmp)
    results = bench.run()
    from bench.report import evaluate_targets, render

    results["targets"] = evaluate_targets(results)
    out = Path(args.out)
    write_json(out / "results.json", results)
    (out / "RESULTS.md").write_text(render(results), encoding="utf-8")
    bench.log(f"wrote {out / 'RESULTS.md'} and {out / 'results.json'}")
    for t in results["targets"]:
        bench.log(f"target {t['name']}: {t['verdict']} ({t['measured']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
