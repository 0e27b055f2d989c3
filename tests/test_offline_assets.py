"""Offline-first: every page loads scripts, styles and fonts only from the app itself."""

from __future__ import annotations

import re

import pytest

PAGES = [
    "/?base=none",
    "/?base=none&lang=en",
    "/parks?base=none",
    "/parks/qijiang-food-park?base=none",
    "/parks/qijiang-food-park/print?base=none",
    "/parks/compare?ids=qijiang-food-park,beidu-aluminium-park",
    "/corridors",
    "/corridors/compare?ids=yugui-railway,chuanqian-railway&base=none",
    "/ogc?f=html",
    "/ogc/collections?f=html",
    "/ogc/collections/stations/items?f=html",
    "/ogc/api?f=html",
    "/no/such/page",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_asset_is_served_by_the_app(client, path):
    resp = client.get(path)
    html = resp.data.decode()
    assets = re.findall(r'<(?:script|img|iframe)[^>]+src="([^"]+)"', html)
    for tag in re.findall(r"<link[^>]+>", html):
        if 'rel="alternate"' not in tag:  # alternate links name other formats of this page, not assets
            assets += re.findall(r'href="([^"]+)"', tag)
    external = [a for a in assets if re.match(r"^(https?:)?//", a)]
    assert external == [], external
    for asset in set(assets):
        if asset.startswith("/") and not asset.startswith("//"):
            with client.get(asset) as got:
                assert got.status_code == 200, asset
    css_urls = re.findall(r"url\(\s*['\"]?(https?:)?//", html)
    assert css_urls == []
    assert not re.search(r"@import\s+url\(['\"]?https?:", html)
