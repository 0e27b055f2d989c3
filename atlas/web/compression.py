"""Response compression (Flask-Compress), with compressed static assets cached in memory.

Static files are read into memory before compression (they are small), so the compressed bytes can
be cached per file and algorithm and the file handle is closed at once. Dynamic responses are
compressed per request and never cached (the map page carries a fresh CSP nonce each time).
"""

from __future__ import annotations

import threading

from flask import Flask, request
from flask_compress import Compress

ASSET_ENDPOINTS = ("static", "vendor.asset")
NO_CACHE = "-"


class AssetCache:
    """A tiny thread-safe dict cache for Flask-Compress that keeps only static-asset entries."""

    def __init__(self, max_entries: int = 256) -> None:
        self._data: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def get(self, key: str):
        return None if key.endswith(";" + NO_CACHE) else self._data.get(key)

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(";" + NO_CACHE):
            return
        with self._lock:
            if len(self._data) >= self.max_entries:
                self._data.pop(next(iter(self._data)))
            self._data[key] = value


def cache_key(req) -> str:
    """Static assets are cached by path (they change only on deploy); everything else is not cached."""
    return f"asset:{req.path}" if req.endpoint in ASSET_ENDPOINTS else NO_CACHE


def buffer_static_files(response):
    """Read a streamed static file into memory (closing it) so it can be compressed once and cached."""
    if request.endpoint in ASSET_ENDPOINTS and response.status_code == 200 and response.is_streamed:
        response.direct_passthrough = False
        response.make_sequence()
    return response


def init_app(app: Flask) -> None:
    """Set up compression; our buffering hook is registered after Compress so that it runs before it."""
    cache = AssetCache()
    app.config.setdefault("COMPRESS_CACHE_BACKEND", lambda: cache)
    app.config.setdefault("COMPRESS_CACHE_KEY", cache_key)
    Compress(app)
    app.after_request(buffer_static_files)
