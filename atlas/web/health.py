"""GET /healthz (the process answers) and GET /readyz (layers, database and history store can serve)."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify

from atlas.ops import health
from atlas.web.extension import get_store

bp = Blueprint("health", __name__)


def default_checks(app: Flask) -> dict:
    """The readiness checks by name; a feature with its own dependency adds one to app.extensions."""
    return {
        "layers": lambda: health.check_layers(get_store()),
        "database": lambda: health.check_database(get_store()),
        "history_store": lambda: health.check_history_store(current_app.config["DATABASE"]),
    }


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    """200 while the process answers; touches nothing else."""
    return _no_store(jsonify({"status": "ok"}))


@bp.get("/readyz")
def readyz():
    """200 with every check, or 503 naming the checks that failed (not configured counts as passing)."""
    checks = {name: check() for name, check in current_app.extensions["atlas_ready_checks"].items()}
    failed = [name for name, result in checks.items() if result.ok is False]
    body = {
        "status": "fail" if failed else "ok",
        "failed": failed,
        "checks": {name: result.to_dict() for name, result in checks.items()},
    }
    return _no_store(jsonify(body)), 503 if failed else 200


def init_app(app: Flask) -> None:
    """Register the health routes and the default readiness checks."""
    app.extensions["atlas_ready_checks"] = default_checks(app)
    app.register_blueprint(bp)
