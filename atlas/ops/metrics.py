"""Prometheus metrics of the atlas: the counters other features increment, and the layer gauges read at scrape time.

Flask-free. The metric objects are process-global (as prometheus_client expects). With several
gunicorn workers, set ``PROMETHEUS_MULTIPROC_DIR`` before the process starts: prometheus_client then
keeps each worker's values in that directory and ``render`` adds them up (see docs/operations.md).

Counters for features to increment (names as exposed):

- ``qijiang_http_requests_total{endpoint,method,status}`` and
  ``qijiang_http_request_duration_seconds{endpoint}``: every request (atlas/web/metrics.py).
- ``qijiang_imports_total{layer,outcome}``: every import-layer / admin import; outcome is one of
  ``atlas.importer.IMPORT_OUTCOMES`` (fed by the importer's listener hook).
- ``qijiang_edits_total{layer,outcome}``: browser edits; call ``record_edit(layer, outcome)`` with
  outcome ``saved``, ``refused`` (validation), ``conflict`` (stale version) or ``failed``.
- ``qijiang_tile_cache_hits_total{layer}`` / ``qijiang_tile_cache_misses_total{layer}``: call
  ``record_tile_cache(layer, hit)`` from the vector-tile cache.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client import REGISTRY as PROCESS_REGISTRY
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily

from atlas import importer

EDIT_OUTCOMES = ("saved", "refused", "conflict", "failed")
CONTENT_TYPE = CONTENT_TYPE_LATEST

HTTP_REQUESTS = Counter(
    "qijiang_http_requests", "HTTP requests by route, method and status.", ["endpoint", "method", "status"]
)
HTTP_LATENCY = Histogram(
    "qijiang_http_request_duration_seconds",
    "Time to build a response, by route.",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
IMPORTS = Counter(
    "qijiang_imports", "Layer imports (CLI import-layer and admin upload) by outcome.", ["layer", "outcome"]
)
EDITS = Counter(
    "qijiang_edits", "Browser edits of features by outcome (saved, refused, conflict, failed).", ["layer", "outcome"]
)
TILE_CACHE_HITS = Counter("qijiang_tile_cache_hits", "Vector tiles served from the cache.", ["layer"])
TILE_CACHE_MISSES = Counter("qijiang_tile_cache_misses", "Vector tiles that had to be built.", ["layer"])


def record_request(endpoint: str, method: str, status: int, duration_s: float) -> None:
    """Count one HTTP request and observe its duration in seconds."""
    HTTP_REQUESTS.labels(endpoint, method, str(status)).inc()
    HTTP_LATENCY.labels(endpoint).observe(duration_s)


def record_import(layer_id: str, outcome: str) -> None:
    """Count one import of ``layer_id`` (the importer's listener)."""
    IMPORTS.labels(layer_id, outcome).inc()


def record_edit(layer_id: str, outcome: str) -> None:
    """Count one browser edit of ``layer_id``; ``outcome`` is one of EDIT_OUTCOMES."""
    if outcome not in EDIT_OUTCOMES:
        raise ValueError(f"edit outcome must be one of {', '.join(EDIT_OUTCOMES)}, got {outcome!r}")
    EDITS.labels(layer_id, outcome).inc()


def record_tile_cache(layer_id: str, hit: bool) -> None:
    """Count one vector-tile cache lookup of ``layer_id`` as a hit or a miss."""
    (TILE_CACHE_HITS if hit else TILE_CACHE_MISSES).labels(layer_id).inc()


def install() -> None:
    """Feed import outcomes into ``qijiang_imports_total`` and drop the ``*_created`` series (idempotent)."""
    disable_created_metrics()
    importer.add_import_listener(record_import)


class LayerCollector:
    """Scrape-time gauges from a Store: features per layer, availability and the data versions."""

    def __init__(self, store) -> None:
        self.store = store

    def collect(self):
        features = GaugeMetricFamily("qijiang_layer_features", "Features with a position, per layer.", labels=["layer"])
        unplaced = GaugeMetricFamily(
            "qijiang_layer_unplaced_features", "Features without a position, per layer.", labels=["layer"]
        )
        available = GaugeMetricFamily(
            "qijiang_layer_available", "1 if the layer file loads and validates.", labels=["layer"]
        )
        layer_info = InfoMetricFamily("qijiang_layer", "The ETag (data version) of each layer.", labels=["layer"])
        for summary in self.store.summaries():
            layer = summary.spec.id
            features.add_metric([layer], summary.feature_count)
            unplaced.add_metric([layer], summary.unplaced_count)
            available.add_metric([layer], 1 if summary.ok else 0)
            layer_info.add_metric([layer], {"etag": summary.token or "unavailable"})
        version = InfoMetricFamily("qijiang_data", "The data version of all layers (as in the map page's cache key).")
        version.add_metric([], {"version": self.store.version()})
        yield from (features, unplaced, available, layer_info, version)


class _ProcessMetrics:
    """This process's own metrics (single-process mode)."""

    def collect(self):
        yield from PROCESS_REGISTRY.collect()


def render(store) -> bytes:
    """The Prometheus text exposition of every metric: all workers' when PROMETHEUS_MULTIPROC_DIR is set."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ProcessMetrics())
    registry.register(LayerCollector(store))
    return generate_latest(registry)
