"""Request ids and one access-log line per request: JSON by default, plain text with QIJIANG_LOG_FORMAT=text.

What is logged: request id, method, route (the URL rule, e.g. ``/api/layers/<layer_id>.geojson``), path
without the query string, status, duration and the editor's user name (``g.user_name``). Never headers,
cookies or query strings, so tokens and passwords cannot reach the log.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import Flask, g, got_request_exception, has_request_context, request
from flask.logging import default_handler
from pythonjsonlogger.json import JsonFormatter

ACCESS_LOGGER = "qijiang.access"
REQUEST_ID_HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}$")
QUIET_PATHS = ("/healthz", "/readyz", "/metrics")  # called every few seconds by load balancers / Prometheus
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "{levelname}{name}{message}"


def request_id() -> str:
    """This request's id: a sane incoming X-Request-ID is reused, anything else is replaced by a new one."""
    if "request_id" not in g:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if SANE_REQUEST_ID.match(given) else uuid.uuid4().hex
    return g.request_id


class RequestIdFilter(logging.Filter):
    """Give every record a ``request_id`` attribute (the current request's, or "-")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id() if has_request_context() else "-"
        return True


class StderrHandler(logging.StreamHandler):
    """A stream handler that always writes to the current sys.stderr (gunicorn and pytest swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def make_formatter(log_format: str) -> logging.Formatter:
    """The formatter for LOG_FORMAT: ``json`` (one object per line) or ``text``."""
    if log_format == "text":
        return logging.Formatter(TEXT_FORMAT)
    if log_format != "json":
        raise ValueError(f"QIJIANG_LOG_FORMAT must be 'json' or 'text', got {log_format!r}")
    return JsonFormatter(
        JSON_FIELDS,
        style="{",
        json_ensure_ascii=False,
        timestamp="time",  # ISO 8601, UTC
        rename_fields={"levelname": "level", "name": "logger"},
    )


def configure(app: Flask) -> logging.Logger:
    """Point the access logger, the app's logger and the atlas.* loggers at one stderr handler in LOG_FORMAT."""
    formatter = make_formatter(app.config.get("LOG_FORMAT", "json"))
    logger = logging.getLogger(ACCESS_LOGGER)
    handler = next((h for h in logger.handlers if isinstance(h, StderrHandler)), None)
    if handler is None:
        handler = StderrHandler()
        handler.addFilter(RequestIdFilter())
        logger.addHandler(handler)
    handler.setFormatter(formatter)  # one process serves one app; the last configured format wins
    logger.setLevel(logging.INFO)
    logger.propagate = False
    app.logger.removeHandler(default_handler)
    for other in (app.logger, logging.getLogger("atlas")):  # tracebacks and domain warnings, same format and id
        if handler not in other.handlers:
            other.addHandler(handler)
    return logger


def start_request() -> None:
    g.request_started = time.perf_counter()
    request_id()


def note_exception(sender, exception, **extra) -> None:
    """Remember an unhandled exception's type for the access line (its traceback goes to the app logger)."""
    if has_request_context():
        g.request_error = type(exception).__name__


def finish_request(response):
    """Echo the request id and write the access line (health and metrics calls are not logged)."""
    rid = request_id()
    response.headers[REQUEST_ID_HEADER] = rid
    if request.path in QUIET_PATHS:
        return response
    started = g.get("request_started")
    fields = {
        "request_id": rid,
        "method": request.method,
        "route": request.url_rule.rule if request.url_rule is not None else None,
        "path": request.path,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started is not None else None,
        "user": g.get("user_name"),
    }
    if g.get("request_error"):
        fields["error"] = g.request_error
    logger = logging.getLogger(ACCESS_LOGGER)
    if logger.isEnabledFor(logging.INFO):
        logger.info(
            "%s %s %s %s ms user=%s",
            fields["method"],
            fields["path"],
            fields["status"],
            fields["duration_ms"],
            fields["user"] or "-",
            extra=fields,
        )
    return response


def init_app(app: Flask) -> None:
    """Assign request ids, echo them, and log one line per request."""
    configure(app)
    app.before_request(start_request)
    app.after_request(finish_request)
    got_request_exception.connect(note_exception, app, weak=False)
