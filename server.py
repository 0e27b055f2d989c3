"""Qijiang Atlas: the Flask app factory. Views live in blueprints under atlas/web/."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent


def create_app(test_config: dict | None = None) -> Flask:
    """Create the atlas app: defaults, then instance config.py, then QIJIANG_* env vars, then test_config."""
    app = Flask(__name__, instance_relative_config=True, static_folder="static", template_folder="templates")
    app.config.from_mapping(
        GEODATA_DIR=str(ROOT / "geodata"),
        LAYERS_DIR=str(ROOT / "layers"),
        DEFAULT_BASEMAP="osm",
        CARTO_API_KEY=None,
        TIANDITU_KEY=None,
        GAODE_BASEMAPS=True,
        EXTRA_BASEMAPS=[],
        FRAME_ANCESTORS="'self'",  # CSP frame-ancestors; e.g. "'self' https://www.cqqj.gov.cn" to allow embedding
        BABEL_DEFAULT_LOCALE="zh",
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"),
        MAX_CONTENT_LENGTH=1 * 1024 * 1024,
        ADMIN_TOKEN=None,  # set (env QIJIANG_ADMIN_TOKEN) to enable admin layer uploads
        ADMIN_MAX_UPLOAD_BYTES=50 * 1024 * 1024,
        ADMIN_MAX_UNZIPPED_BYTES=200 * 1024 * 1024,
        ADMIN_MAX_FEATURES=200_000,
        DATABASE=str(Path(app.instance_path) / "atlas.sqlite3"),  # SQLite user/history store, created on first use
        DATABASE_URL=None,  # postgresql://...: layers live in PostGIS (atlas/stores/postgis/store.py), else in GEODATA_DIR files
        DATABASE_POOL_MAX=4,  # connections per worker to DATABASE_URL
        DATABASE_TIMEOUT_S=5,  # wait at most this long for a database connection, then answer 503
        METRICS=False,  # QIJIANG_METRICS=true serves GET /metrics (Prometheus)
        METRICS_ALLOW=None,  # e.g. "127.0.0.1,10.0.0.0/8": who may read /metrics (default: anyone)
        LOG_FORMAT="json",  # one JSON access line per request; "text" for plain lines
        SESSION_SECURE=False,  # QIJIANG_SESSION_SECURE=true behind HTTPS: session cookie only over TLS
        LOGIN_RATE_LIMIT="10 per minute",  # sign-in attempts per client address (Flask-Limiter, in memory)
        LOGIN_ACCOUNT_RATE_LIMIT="10 per minute",  # failed sign-ins per account name, from any address
        RATELIMIT_STORAGE_URI="memory://",  # where the sign-in limits count (memory: per worker process)
        TRUSTED_PROXIES=0,  # proxies in front of the atlas whose X-Forwarded-For/-Proto/-Host are believed
        SESSION_IDLE_S=30 * 60,  # a session unused this long ends
        SESSION_ABSOLUTE_S=12 * 3600,  # a session ends this long after sign-in, used or not
        TILE_CACHE_TILES=4096,  # vector tiles kept in memory per worker (LRU, keyed by data version)
        JSON_SORT_KEYS=False,
        # Flask-Compress: gzip/brotli for pages, scripts, styles and JSON (layer GeoJSON is pre-gzipped itself)
        COMPRESS_MIMETYPES=[
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/geo+json",
            "image/svg+xml",
            "application/vnd.mapbox-vector-tile",
        ],
        COMPRESS_MIN_SIZE=1024,
        COMPRESS_LEVEL=6,
        COMPRESS_BR_LEVEL=4,
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("QIJIANG")
    if test_config:
        app.config.from_mapping(test_config)
    from atlas.web.extension import StrictJSONProvider

    app.json = StrictJSONProvider(app)

    from atlas.web import (
        account,
        admin,
        api,
        auth,
        cli,
        compression,
        corridors,
        db,
        dbcli,
        downloads,
        editing,
        extension,
        health,
        history,
        i18n,
        metrics,
        ogc,
        opscli,
        pages,
        parks,
        reqlog,
        scenarios,
        security,
        tiles,
        vendor,
    )

    reqlog.init_app(app)  # first: every later hook and error handler can use the request id
    extension.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    db.init_app(app)
    auth.init_app(app)
    account.init_app(app)
    vendor.init_app(app)  # stops here, saying what to run, if node_modules is missing
    for module in (api, pages, ogc, downloads, parks, corridors, scenarios, admin, editing, history):
        app.register_blueprint(module.bp)
    tiles.init_app(app)
    auth.csrf.exempt(admin.bp)  # bearer-token uploads: no browser session, no CSRF token
    health.init_app(app)
    metrics.init_app(app)
    cli.init_app(app)
    opscli.init_app(app)
    dbcli.init_app(app)
    compression.init_app(app)
    return app
