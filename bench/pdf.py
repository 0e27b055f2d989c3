"""Issue 16: how long the server takes to render a PDF fact sheet (in process, warm, one request at a time).

    python -m bench.pdf [--samples 10]      # or: make bench-pdf

Times /parks/<id>.pdf (a placed park with its static map, an unplaced one), /corridors/compare.pdf and the
before / after sheet, zh and en, through Flask's test client (no network), after one warm-up request each.
Writes bench/pdf.json and replaces the "PDF fact sheets" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import time

from bench.common import ROOT, run_stamp, summary, write_section

SECTION = "## PDF fact sheets (issue 16)"


def targets(app) -> list[tuple[str, str]]:
    """(label, URL) of the sheets to time, from the shipped data."""
    features = json.loads((ROOT / "geodata" / "parks.geojson").read_text(encoding="utf-8"))["features"]
    placed = next((f for f in features if f["geometry"]), features[0])["properties"]["id"]
    unplaced = next((f for f in features if not f["geometry"]), features[0])["properties"]["id"]
    return [
        ("park, placed (map of surroundings), zh", f"/parks/{placed}.pdf?lang=zh"),
        ("park, placed, en", f"/parks/{placed}.pdf?lang=en"),
        ("park, unplaced (district map), zh", f"/parks/{unplaced}.pdf?lang=zh"),
        ("corridor comparison, 2 corridors, zh", "/corridors/compare.pdf?ids=yugui-railway,chuanqian-railway&lang=zh"),
        ("before / after 2015 -> 2020, zh", "/corridors/compare.pdf?before=2015&after=2020&lang=zh"),
    ]


def run(samples: int) -> dict:
    from server import create_app

    app = create_app({"TESTING": True})
    client = app.test_client()
    rows = []
    for label, url in targets(app):
        first = time.perf_counter()
        resp = client.get(url)
        cold_ms = (time.perf_counter() - first) * 1000
        assert resp.status_code == 200 and resp.data.startswith(b"%PDF"), (url, resp.status_code)
        times = []
        for _ in range(samples):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        rows.append({"label": label, "url": url, "bytes": len(resp.data), "first_ms": cold_ms, **summary(times)})
    from atlas.pdfsheet import cjk_font

    return run_stamp(samples=samples, font=cjk_font()[0], rows=rows)


def markdown(result: dict) -> str:
    lines = [
        SECTION,
        "",
        f"`python -m bench.pdf --samples {result['samples']}`, {result['date']}, in process (Flask test client, "
        f"one request at a time, after a first request per sheet), font `{result['font']}`, load average "
        f"{result['loadavg']} (the 2 cores are shared with other work).",
        "",
        "| sheet | KiB | first ms | p50 ms | p90 ms | max ms |",
        "|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['label']} | {r['bytes'] / 1024:.0f} | {r['first_ms']:.0f} | {r['p50']:.0f} | "
            f"{r['p90']:.0f} | {r['max']:.0f} |"
        )
    lines += [
        "",
        "Most of the time is the font subset (fpdf2 reads the CJK font's tables per document) and the "
        "matplotlib map; the first request also imports matplotlib and builds the comparison context.",
        "",
    ]
    return "\n".join(lines)


def write(result: dict) -> None:
    write_section("pdf.json", SECTION, result, markdown(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10, help="timed requests per sheet (default 10)")
    args = parser.parse_args()
    result = run(max(1, min(args.samples, 200)))
    write(result)
    print(markdown(result))


if __name__ == "__main__":
    main()
