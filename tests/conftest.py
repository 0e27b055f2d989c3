"""Shared fixtures: fresh apps, a live server on 127.0.0.1, and a real headless Chromium."""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest
from werkzeug.serving import make_server

from server import create_app
from tests.pg import TEMPLATE_DB
from tests.synthetic import GEODATA, ROOT, copy_geodata, copy_layers

TEST_DATA = Path(__file__).resolve().parent / "data"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostGIS cluster for the run, with a template database holding the shipped geodata/."""
    from tests.pg import TEMPLATE_DB, Cluster

    cluster = Cluster()
    try:
        cluster.start()
        url = cluster.create_database(TEMPLATE_DB)
        load_database(url, GEODATA)
        yield cluster
    finally:
        cluster.destroy()


def load_database(url: str, folder: Path) -> None:
    """db-init + db-load ``folder`` into the database at ``url`` (layers that do not validate are left out)."""
    from atlas.catalog import load_catalog
    from atlas.stores.filelayer import read_layer
    from atlas.stores.postgis.schema import init_schema
    from atlas.stores.postgis.store import PostgisStore

    store = PostgisStore(load_catalog(ROOT / "layers"), url, folder)
    try:
        with store.connection() as conn:
            init_schema(conn)
        for spec in store.catalog:
            if read_layer(spec, folder).ok:
                with store.writer(spec.id) as layer:
                    layer.replace((folder / spec.source_file).read_bytes())
    finally:
        store.close()


def pytest_generate_tests(metafunc):
    """Modules marked ``both_stores`` run each test that uses an app once per store: files and PostGIS."""
    if "store_kind" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_stores"):
        if not metafunc.definition.get_closest_marker("file_store_only"):
            metafunc.parametrize("store_kind", ["file", "postgis"], indirect=True)


@pytest.fixture
def store_kind(request) -> str:
    """Which store the test's apps use: "file" unless the module is marked both_stores."""
    return getattr(request, "param", "file")


@pytest.fixture
def make_app(request, store_kind):
    """Factory for apps with extra config, e.g. another GEODATA_DIR.

    With store_kind "postgis" every app of the test shares one fresh database, copied from the session's
    template (or loaded from the given GEODATA_DIR when it is not the shipped one).
    """
    created = []
    database: dict[str, str] = {}

    def factory(**config):
        if store_kind == "postgis" and "DATABASE_URL" not in config:
            if not database:
                cluster = request.getfixturevalue("pg_cluster")
                name = f"t{uuid.uuid4().hex[:12]}"
                folder = Path(config.get("GEODATA_DIR", GEODATA))
                if folder.resolve() == GEODATA.resolve():
                    database["url"] = cluster.create_database(name, TEMPLATE_DB)
                else:
                    database["url"] = cluster.create_database(name)
                    load_database(database["url"], folder)
                database["name"] = name
            config = {"DATABASE_URL": database["url"], "DATABASE_TIMEOUT_S": 2, **config}
        app = create_app({"TESTING": True, **config})
        created.append(app)
        return app

    yield factory
    for app in created:
        app.extensions["atlas_store"].close()
    if database:
        request.getfixturevalue("pg_cluster").drop_database(database["name"])


@pytest.fixture
def app(make_app):
    """A fresh app on the real shipped data (in PostGIS for tests run with store_kind "postgis")."""
    return make_app()


def rename_feature(path, feature_id: str, name_zh: str) -> None:
    """Give the feature ``feature_id`` of the layer file at ``path`` a new Chinese name (written in place)."""
    obj = json.loads(path.read_text(encoding="utf-8"))
    for feat in obj["features"]:
        if feat["properties"]["id"] == feature_id:
            feat["properties"]["name_zh"] = name_zh
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")


def write_layer(app, layer_id: str, collection: dict) -> None:
    """Replace a layer through the app's store: its file atomically, or its rows in one database transaction."""
    with app.extensions["atlas_store"].writer(layer_id) as layer:
        layer.replace(json.dumps(collection, ensure_ascii=False).encode("utf-8"))


def stored_layer_bytes(app, layer_id: str) -> bytes:
    """A layer as its store holds it: the file's bytes, or the database's rows written out as a file would be."""
    with app.extensions["atlas_store"].writer(layer_id) as layer:
        return layer.read()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def geodata_copy(tmp_path) -> Path:
    """A private copy of geodata/ that a test may break."""
    return copy_geodata(tmp_path / "geodata")


@pytest.fixture
def layers_copy(tmp_path) -> Path:
    """A private copy of the layer declarations (layers/*.toml) that a test may change."""
    return copy_layers(tmp_path / "layers")


class LiveServer:
    """A werkzeug server for one app in a background thread on 127.0.0.1."""

    def __init__(self, app) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@contextmanager
def serving(app, quiet: bool = False) -> Iterator[LiveServer]:
    """Serve ``app`` on 127.0.0.1 for the block (``quiet``: no werkzeug line per request); stop it after."""
    logger = logging.getLogger("werkzeug")
    level = logger.level
    if quiet:
        logger.setLevel(logging.WARNING)
    server = LiveServer(app)
    try:
        yield server
    finally:
        server.stop()
        logger.setLevel(level)


@pytest.fixture
def serve():
    """Factory: ``serve(app)`` starts a live server for the test and returns it; every one is stopped after."""
    started: list[LiveServer] = []

    def factory(app) -> LiveServer:
        started.append(LiveServer(app))
        return started[-1]

    yield factory
    for server in started:
        server.stop()


@contextmanager
def gunicorn(env: dict, logdir: Path, *args: str, ready_path: str = "/api/layers"):
    """The production server (deploy/gunicorn.conf.py + ``args``) in its own process group on a free port.

    For what only real worker processes show (several workers, multiprocess metrics); everything else uses
    ``serving``. Started and stopped by bench/common.py's helper, as the benchmarks start theirs.
    """
    from bench.common import gunicorn_server

    server = gunicorn_server(
        "gunicorn", "server:create_app()", env, logdir, ["-c", "deploy/gunicorn.conf.py", *args], ready_path
    )
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def live_server():
    """A live server on the shipped data, shared by the tests of a module."""
    with serving(create_app({"TESTING": True})) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright; a missing browser is a failure, not a skip."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class PageProbe:
    """Records console errors, page errors, dialogs and requests blocked for leaving 127.0.0.1."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.blocked: list[str] = []
        self.dialogs: list[str] = []


def _open_page(browser, viewport, **context_options):
    context = browser.new_context(viewport=viewport, locale="zh-CN", **context_options)
    probe = PageProbe()

    def route(route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:")):
            return route.continue_()
        probe.blocked.append(route.request.url)
        return route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and probe.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: probe.page_errors.append(str(exc)))

    def on_dialog(dialog):
        probe.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.probe = probe
    return context, page


@pytest.fixture
def page(browser):
    context, page = _open_page(browser, {"width": 1280, "height": 800})
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context, page = _open_page(browser, {"width": 390, "height": 844})
    yield page
    context.close()


def wait_js(page, expression: str, timeout: float = 15000) -> None:
    """Poll a JS expression until it is truthy.

    Playwright's own wait_for_function evaluates its predicate with eval() inside the page, which the
    app's Content-Security-Policy (rightly) forbids; page.evaluate goes through the debugger protocol.
    """
    deadline = time.monotonic() + timeout / 1000
    while True:
        if page.evaluate(expression):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} ms waiting for: {expression}")
        page.wait_for_timeout(50)


def wait_for_atlas(page) -> None:
    """Wait until every layer fetch has finished."""
    wait_js(page, "document.documentElement.getAttribute('data-atlas-loaded') === 'true'")


def save_screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


# ---------------------------------------------------------------- curation (issue 14)
PASSWORD = "correct-horse-1"


@pytest.fixture
def curation_app(tmp_path, geodata_copy, make_app):
    """An app on a private geodata copy and a private database, with editors, a limited editor and an admin."""
    from atlas.curation import accounts
    from atlas.web.db import connect

    database = tmp_path / "atlas.sqlite3"
    app = make_app(GEODATA_DIR=str(geodata_copy), DATABASE=str(database), SECRET_KEY="test-secret")
    db = connect(str(database))
    for name, role, layers in (
        ("editor1", "editor", None),
        ("editor2", "editor", None),
        ("hubs-only", "editor", ["hubs"]),
        ("admin1", "admin", None),
    ):
        accounts.create_user(db, name, PASSWORD, role, layers)
    db.close()
    return app


def csrf_from(html: str) -> str:
    """The csrf token of a page (meta tag or hidden input)."""
    import re

    found = (
        re.search(r'name="csrf-token" content="([^"]+)"', html)
        or re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
        or re.search(r'type="hidden" name="csrf_token" value="([^"]+)"', html)
    )
    assert found, "no csrf token in the page"
    return found.group(1)


def signed_in_client(app, name: str):
    """A test client signed in as ``name``; returns (client, csrf token)."""
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    resp = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    return client, csrf_from(client.get("/account").get_data(as_text=True))


def first_unplaced(geodata_dir, layer_file: str = "parks.geojson") -> dict:
    """The first feature of a layer file without a position (derived from the data, not assumed)."""
    import json

    features = json.loads((Path(geodata_dir) / layer_file).read_text(encoding="utf-8"))["features"]
    return next(f for f in features if f["geometry"] is None)
