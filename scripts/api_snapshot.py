"""Hash a fixed list of API answers on the shipped data: run before and after a refactor, compare the lines.

    .venv/bin/python scripts/api_snapshot.py > before.txt   # ... refactor ...
    .venv/bin/python scripts/api_snapshot.py | diff before.txt -

Only machine-readable answers are listed (JSON, GeoJSON, CSV, MVT, KML/GPKG excluded: GPKG embeds a
timestamp); HTML pages carry a per-response CSP nonce and CSRF token, so they are not byte-stable.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server import create_app  # noqa: E402

STAMP = re.compile(rb'"timeStamp":"[^"]*"')


def _urls(client) -> list[str]:
    layers = [lay["id"] for lay in client.get("/api/layers").get_json()]
    urls = ["/api/layers", "/api/search?q=綦江", "/api/search?q=park", "/api/search?q=东"]
    for lid in layers:
        urls += [
            f"/api/layers/{lid}.geojson",
            f"/api/layers/{lid}.csv",
            f"/api/layers/{lid}.kml",
            f"/ogc/collections/{lid}",
            f"/ogc/collections/{lid}/items?limit=5",
            f"/ogc/collections/{lid}/items?bbox=106.5,28.8,106.8,29.1",
            f"/tiles/{lid}.json",
            f"/tiles/{lid}/10/815/425.mvt",
            f"/tiles/{lid}/8/203/106.mvt",
        ]
    parks = client.get("/api/layers/parks.geojson").get_json()["features"]
    for feat in parks:
        pid = feat["properties"]["id"]
        urls += [f"/api/features/{pid}", f"/api/features/{pid}/history-summary"]
    corridors = client.get("/api/corridors").get_json()
    ids = [c["id"] for c in corridors if c.get("comparable")][:4]
    joined = ",".join(ids)
    urls += [
        "/api/corridors",
        "/api/corridors/years?before=2015&after=2020",
        f"/api/corridors/compare?ids={joined}",
        f"/api/corridors/compare?ids={joined}&buffer_m=5000",
        f"/api/corridors/compare.csv?ids={joined}",
        f"/api/corridors/catchments.geojson?ids={joined}",
        f"/api/corridors/compare?ids={joined}&year=2015",
        "/api/parks/rank",
        "/api/parks/rank?max_rail_m=10000",
        "/api/parks/rank?industry=休闲食品&sort=rail",
        "/api/parks/rank?lang=en",
        "/parks/export.csv",
        "/parks/export.geojson",
        "/parks/export.csv?lang=en",
        "/ogc",
        "/ogc/conformance",
        "/ogc/collections",
        "/ogc/api",
        "/ogc/collections/parks/items?f=json&limit=2&offset=1",
        "/api/features/no-such-id",
        "/api/layers/nope.geojson",
        "/tiles/parks/99/0/0.mvt",
        "/api/corridors/compare?ids=nope",
    ]
    return urls


def main() -> None:
    logging.disable(logging.INFO)  # the access log goes to stderr; only the hashes go to stdout
    app = create_app({"TESTING": True})
    client = app.test_client()
    for url in _urls(client):
        resp = client.get(url, headers={"Accept-Encoding": "identity", "X-Request-ID": "snapshot"})
        body = STAMP.sub(b'"timeStamp":"-"', resp.get_data())  # OGC documents carry the time of the request
        digest = hashlib.sha256(body).hexdigest()[:16]
        print(f"{resp.status_code} {digest} {len(resp.get_data()):>8} {url}")


if __name__ == "__main__":
    main()
