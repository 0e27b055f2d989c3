"""Logs: one JSON line per request with the request id (in and out), route, status and user; no secrets."""

from __future__ import annotations

import json
import re

import pytest
from flask import g


def access_lines(text: str) -> list[dict]:
    lines = []
    for line in text.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("logger") == "qijiang.access":
                lines.append(record)
    return lines


def test_a_request_id_sent_in_comes_back_and_is_logged_without_secrets(app, capsys):
    client = app.test_client()
    capsys.readouterr()
    resp = client.get(
        "/api/search?q=%E7%BB%BC&token=query-secret-1",
        headers={
            "X-Request-ID": "office-report-42",
            "Authorization": "Bearer header-secret-2",
            "Cookie": "session=cookie-secret-3",
        },
    )
    assert resp.status_code == 200 and resp.headers["X-Request-ID"] == "office-report-42"
    err = capsys.readouterr().err
    [line] = [r for r in access_lines(err) if r["request_id"] == "office-report-42"]
    assert line["method"] == "GET" and line["route"] == "/api/search" and line["status"] == 200
    assert line["path"] == "/api/search" and line["user"] is None and line["level"] == "INFO"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    for secret in ("query-secret-1", "header-secret-2", "cookie-secret-3", "Authorization", "Bearer", "token="):
        assert secret not in err


def test_an_insane_request_id_is_replaced_and_errors_carry_the_id(app, capsys):
    client = app.test_client()
    capsys.readouterr()
    resp = client.get("/api/layers/nope.geojson", headers={"X-Request-ID": "bad id\u2028<script>" + "x" * 300})
    rid = resp.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", rid)
    assert resp.status_code == 404 and resp.get_json()["request_id"] == rid
    [line] = [r for r in access_lines(capsys.readouterr().err) if r["request_id"] == rid]
    assert line["status"] == 404 and line["route"] == "/api/layers/<layer_id>.geojson"


def test_an_unexpected_error_gives_a_json_body_with_the_request_id_and_a_logged_line(make_app, capsys):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/api/boom")
    def boom():
        raise RuntimeError("internal detail that stays in the log")

    capsys.readouterr()
    resp = app.test_client().get("/api/boom", headers={"X-Request-ID": "boom-1"})
    body = resp.get_json()
    assert resp.status_code == 500 and body["request_id"] == "boom-1" and body["error"] == "ServerError"
    assert "internal detail" not in resp.get_data(as_text=True)
    err = capsys.readouterr().err
    [line] = [r for r in access_lines(err) if r["request_id"] == "boom-1"]
    assert line["status"] == 500 and line["error"] == "RuntimeError"
    tracebacks = [json.loads(x) for x in err.splitlines() if x.startswith("{") and "exc_info" in x]
    assert tracebacks and tracebacks[0]["request_id"] == "boom-1" and "RuntimeError" in tracebacks[0]["exc_info"]


def test_the_editor_name_is_logged(make_app, capsys):
    app = make_app()

    @app.before_request
    def login():
        g.user_name = "editor-wang"

    capsys.readouterr()
    app.test_client().get("/api/layers", headers={"X-Request-ID": "edit-7"})
    [line] = [r for r in access_lines(capsys.readouterr().err) if r["request_id"] == "edit-7"]
    assert line["user"] == "editor-wang"


def test_health_and_metrics_calls_are_not_logged(make_app, capsys):
    client = make_app(METRICS=True).test_client()
    capsys.readouterr()
    for path in ("/healthz", "/readyz", "/metrics"):
        assert client.get(path, headers={"X-Request-ID": f"quiet{len(path)}"}).headers["X-Request-ID"]
    assert not [r for r in access_lines(capsys.readouterr().err) if r["request_id"].startswith("quiet")]


def test_text_format_keeps_plain_lines(make_app, capsys):
    client = make_app(LOG_FORMAT="text").test_client()
    capsys.readouterr()
    client.get("/api/layers", headers={"X-Request-ID": "plain-1"})
    [line] = [x for x in capsys.readouterr().err.splitlines() if "plain-1" in x]
    assert not line.startswith("{") and "INFO qijiang.access [plain-1] GET /api/layers 200" in line
    make_app()  # later apps in this process log JSON again (the default)


@pytest.mark.browser
def test_the_error_page_shows_the_request_id_in_the_browser(page, live_server):
    resp = page.goto(live_server.url + "/no/such/page")
    assert resp.status == 404
    shown = page.text_content(".qj-request-id")
    assert shown == resp.headers["x-request-id"] and re.fullmatch(r"[0-9a-f]{32}", shown)
    assert "请求编号" in page.text_content(".qj-error")


def test_domain_warnings_share_the_format_and_the_request_id(make_app, geodata_copy, capsys):
    (geodata_copy / "hubs.geojson").write_text("{broken")
    client = make_app(GEODATA_DIR=str(geodata_copy)).test_client()
    capsys.readouterr()
    client.get("/api/layers/hubs.geojson", headers={"X-Request-ID": "broken-hubs"})
    records = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    [warning] = [r for r in records if r["logger"] == "atlas.stores.files"]
    assert warning["level"] == "ERROR" and warning["request_id"] == "broken-hubs" and "hubs" in warning["message"]
