"""GET /metrics (Prometheus text format) and per-request counting; off unless QIJIANG_METRICS=true."""

from __future__ import annotations

import ipaddress
import time

from flask import Blueprint, Flask, Response, current_app, g, request

from atlas.errors import AtlasError
from atlas.ops import metrics
from atlas.web.extension import get_store

bp = Blueprint("metrics", __name__)


class MetricsForbidden(AtlasError):
    """The client's address is not in METRICS_ALLOW."""

    status = 403


def parse_allow(value) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Networks from METRICS_ALLOW: a list or a comma-separated string of addresses/CIDRs; empty = everyone."""
    items = value if isinstance(value, (list, tuple)) else str(value or "").split(",")
    try:
        return [ipaddress.ip_network(str(item).strip(), strict=False) for item in items if str(item).strip()]
    except ValueError as exc:
        raise ValueError(
            f"QIJIANG_METRICS_ALLOW: {exc}; give addresses or networks like 127.0.0.1,10.0.0.0/8"
        ) from None


def client_allowed(remote_addr: str | None, allowed) -> bool:
    """True when no allow list is set or the client address falls in one of its networks."""
    if not allowed:
        return True
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in allowed)


@bp.get("/metrics")
def scrape():
    """Every metric in the Prometheus text format (all gunicorn workers' in multiprocess mode)."""
    if not client_allowed(request.remote_addr, current_app.extensions["atlas_metrics_allow"]):
        raise MetricsForbidden(f"metrics are not served to {request.remote_addr}; see QIJIANG_METRICS_ALLOW")
    response = Response(metrics.render(get_store()), mimetype=None, content_type=metrics.CONTENT_TYPE)
    response.headers["Cache-Control"] = "no-store"
    return response


def count_request(response):
    """Count the request by route (not raw path: unknown URLs share one label) and status."""
    started = g.get("request_started")
    duration_s = time.perf_counter() - started if started is not None else 0.0
    endpoint = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
    metrics.record_request(endpoint, request.method, response.status_code, duration_s)
    return response


def init_app(app: Flask) -> None:
    """Serve /metrics and count requests when METRICS is on; otherwise do nothing (the URL is a 404)."""
    if not app.config.get("METRICS"):
        return
    app.extensions["atlas_metrics_allow"] = parse_allow(app.config.get("METRICS_ALLOW"))
    metrics.install()
    app.register_blueprint(bp)
    app.after_request(count_request)
