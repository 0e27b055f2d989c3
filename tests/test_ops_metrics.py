"""Metrics: /metrics is off by default, parses as Prometheus text, counts requests, imports and layers."""

from __future__ import annotations

import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from prometheus_client.parser import text_string_to_metric_families

from atlas.ops import metrics
from tests.conftest import gunicorn


def scrape(client, **kwargs) -> dict[tuple, float]:
    """Every sample of a /metrics answer as {(sample name, sorted labels): value}."""
    resp = client.get("/metrics", **kwargs)
    assert resp.status_code == 200, resp.data[:300]
    return samples(resp.get_data(as_text=True))


def samples(text: str) -> dict[tuple, float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(found: dict, name: str, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def metrics_app(make_app, geodata_copy, tmp_path):
    return make_app(GEODATA_DIR=str(geodata_copy), DATABASE=str(tmp_path / "atlas.sqlite3"), METRICS=True)


def test_metrics_are_off_by_default(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_count_a_request_made_by_the_test(metrics_app):
    client = metrics_app.test_client()
    key = {"endpoint": "/api/layers", "method": "GET", "status": "200"}
    before = scrape(client)
    assert client.get("/api/layers").status_code == 200
    assert client.get("/api/layers/nope.geojson").status_code == 404
    after = scrape(client)
    assert value(after, "qijiang_http_requests_total", **key) == value(before, "qijiang_http_requests_total", **key) + 1
    notfound = {"endpoint": "/api/layers/<layer_id>.geojson", "method": "GET", "status": "404"}
    assert value(after, "qijiang_http_requests_total", **notfound) >= 1  # by route, not by raw URL
    count = "qijiang_http_request_duration_seconds_count"
    assert value(after, count, endpoint="/api/layers") == value(before, count, endpoint="/api/layers") + 1


def test_layer_gauges_follow_the_data(metrics_app, geodata_copy):
    client = metrics_app.test_client()
    store = metrics_app.extensions["atlas_store"]
    found = scrape(client)
    for data in store.all():
        assert value(found, "qijiang_layer_features", layer=data.spec.id) == data.feature_count
        assert value(found, "qijiang_layer_unplaced_features", layer=data.spec.id) == data.unplaced_count
        assert value(found, "qijiang_layer_available", layer=data.spec.id) == 1
        assert value(found, "qijiang_layer_info", layer=data.spec.id, etag=data.etag) == 1
    assert value(found, "qijiang_data_info", version=store.version()) == 1
    (geodata_copy / "hubs.geojson").write_text("{broken")
    assert value(scrape(client), "qijiang_layer_available", layer="hubs") == 0


def test_imports_are_counted_by_outcome(metrics_app, geodata_copy, tmp_path):
    client, runner = metrics_app.test_client(), metrics_app.test_cli_runner()
    before = scrape(client)
    source = tmp_path / "communities.geojson"
    source.write_bytes((geodata_copy / "communities.geojson").read_bytes())
    assert runner.invoke(args=["import-layer", str(source), "--layer", "communities"]).exit_code == 0
    bad = json.loads(source.read_text())
    for feature in bad["features"]:
        feature["properties"].pop("source")
    source.write_text(json.dumps(bad))
    assert runner.invoke(args=["import-layer", str(source), "--layer", "communities"]).exit_code != 0
    after = scrape(client)
    for outcome in ("written", "refused"):
        key = {"layer": "communities", "outcome": outcome}
        assert value(after, "qijiang_imports_total", **key) == value(before, "qijiang_imports_total", **key) + 1


def test_edit_and_tile_cache_counters_are_defined_for_other_features(metrics_app):
    client = metrics_app.test_client()
    before = scrape(client)
    metrics.record_edit("parks", "saved")
    metrics.record_tile_cache("parks", hit=True)
    metrics.record_tile_cache("parks", hit=False)
    after = scrape(client)
    for name, labels in (
        ("qijiang_edits_total", {"layer": "parks", "outcome": "saved"}),
        ("qijiang_tile_cache_hits_total", {"layer": "parks"}),
        ("qijiang_tile_cache_misses_total", {"layer": "parks"}),
    ):
        assert value(after, name, **labels) == value(before, name, **labels) + 1
    with pytest.raises(ValueError, match="saved"):
        metrics.record_edit("parks", "maybe")


def test_metrics_can_be_limited_to_given_addresses(make_app, geodata_copy):
    app = make_app(GEODATA_DIR=str(geodata_copy), METRICS=True, METRICS_ALLOW="10.0.0.0/8, 192.168.1.5")
    client = app.test_client()
    refused = client.get("/metrics")  # the test client is 127.0.0.1
    assert refused.status_code == 403 and refused.get_json()["error"] == "MetricsForbidden"
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.20.30.40"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.168.1.5"}).status_code == 200
    with pytest.raises(ValueError, match="QIJIANG_METRICS_ALLOW"):
        make_app(GEODATA_DIR=str(geodata_copy), METRICS=True, METRICS_ALLOW="not-an-address")


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return resp.read()


def test_gunicorn_workers_add_up_in_multiprocess_mode(tmp_path, geodata_copy):
    prom = tmp_path / "prom"
    env = {
        "PROMETHEUS_MULTIPROC_DIR": str(prom),
        "QIJIANG_METRICS": "true",
        "QIJIANG_GEODATA_DIR": str(geodata_copy),
        "QIJIANG_DATABASE": str(tmp_path / "atlas.sqlite3"),
    }
    # the helper's readiness request (GET /api/layers, answered once) is the first one counted below
    with gunicorn(env, tmp_path, "--workers", "2") as server:
        base = server.url
        deadline = time.monotonic() + 90
        sent = 1
        with ThreadPoolExecutor(8) as pool:  # concurrent batches until both workers (booted at their pace) served
            while len(list(prom.glob("counter_*.db"))) < 2:
                assert time.monotonic() < deadline, "the second worker never served a request"
                list(pool.map(_get, [base + "/api/layers"] * 16))
                sent += 16
        found = samples(_get(base + "/metrics").decode())
        key = {"endpoint": "/api/layers", "method": "GET", "status": "200"}
        assert value(found, "qijiang_http_requests_total", **key) == sent  # one scrape adds up every worker
