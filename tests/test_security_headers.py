"""Security headers: nonce-based CSP without unsafe-inline scripts, nosniff, referrer policy, framing setting."""

from __future__ import annotations

import re

import pytest

PATHS = [
    "/?base=none",
    "/api/layers",
    "/api/layers/towns.geojson",
    "/static/js/atlas/core.js",
    "/vendor/leaflet/leaflet.js",
    "/no/such/page",
    "/api/nope",
    "/parks",
    "/corridors",
    "/ogc?f=html",
]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_has_the_headers(client, path):
    with client.get(path) as resp:
        csp = resp.headers["Content-Security-Policy"]
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert resp.headers["X-Frame-Options"] == "SAMEORIGIN"
    script_src = re.search(r"script-src ([^;]+)", csp).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert script_src.startswith("'self' 'nonce-")
    assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp


def test_every_inline_script_on_the_map_page_carries_this_responses_nonce(client):
    resp = client.get("/?base=none")
    nonce = re.search(r"'nonce-([^']+)'", resp.headers["Content-Security-Policy"]).group(1)
    html = resp.data.decode()
    tags = re.findall(r"<script[^>]*>", html)
    assert len(tags) > 5
    assert all(f'nonce="{nonce}"' in tag for tag in tags), [t for t in tags if nonce not in t]
    assert re.search(r"\son[a-z]+=", html) is None  # no inline event handlers
    other = client.get("/?base=none").headers["Content-Security-Policy"]
    assert nonce not in other  # a fresh nonce per response


def test_tile_hosts_are_allowed_as_images_only(client):
    csp = client.get("/?base=none").headers["Content-Security-Policy"]
    img = re.search(r"img-src ([^;]+)", csp).group(1)
    assert "https://tile.openstreetmap.org" in img and "autonavi.com" in img
    assert "openstreetmap" not in re.search(r"script-src ([^;]+)", csp).group(1)
    assert "connect-src 'self'" in csp


def test_embedding_is_a_setting(make_app):
    client = make_app(FRAME_ANCESTORS="'self' https://www.cqqj.gov.cn").test_client()
    resp = client.get("/?base=none")
    assert "frame-ancestors 'self' https://www.cqqj.gov.cn" in resp.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in resp.headers
    denied = make_app(FRAME_ANCESTORS="'none'").test_client().get("/api/layers")
    assert denied.headers["X-Frame-Options"] == "DENY"
