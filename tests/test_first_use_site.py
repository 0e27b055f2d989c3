"""Issue 28, the site as a first-time visitor meets it in real Chromium (desktop 1280 px and phone 390 px)."""

from __future__ import annotations

import pytest

from tests.conftest import wait_for_atlas

pytestmark = pytest.mark.browser
SIZES = ["page", "phone_page"]
SITE_LINKS = {"/parks": "产业园区", "/corridors": "交通走廊", "/data": "数据覆盖与来源"}


def link_is_on_top(page, href: str) -> bool:
    """Is the nav link to ``href`` the element a click at its own centre reaches (not covered by the map)?"""
    return page.evaluate(
        """href => {
          const a = [...document.querySelectorAll('nav a')].find(x => x.getAttribute('href') === href);
          if (!a) return false;
          const r = a.getBoundingClientRect();
          if (r.width === 0 || r.height === 0) return false;
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return hit === a || a.contains(hit);
        }""",
        href,
    )


# ---------------------------------------------------------------- 2: the navigation is reachable by clicking
@pytest.mark.parametrize("size", SIZES)
def test_home_map_shows_the_site_navigation_above_the_map(request, size, live_server):
    page = request.getfixturevalue(size)
    page.goto(f"{live_server.url}/?base=none")
    wait_for_atlas(page)
    for href in SITE_LINKS:
        assert link_is_on_top(page, href), f"{href} is hidden or covered on / ({size})"
    map_top = page.evaluate("document.querySelector('.folium-map').getBoundingClientRect().top")
    nav_bottom = page.evaluate("document.querySelector('.qj-map-header').getBoundingClientRect().bottom")
    assert map_top >= nav_bottom - 1  # the map starts below the bar, its controls are not under it
    page.get_by_role("link", name="产业园区", exact=True).click()
    page.wait_for_url("**/parks")


@pytest.mark.parametrize("path", ["/parks", "/corridors", "/data"])
def test_every_site_page_links_to_the_others(page, live_server, path):
    page.goto(f"{live_server.url}{path}")
    for href in ("/", *SITE_LINKS):
        assert link_is_on_top(page, href), f"no clickable link to {href} on {path}"
    assert page.locator("nav a[aria-current=page]").get_attribute("href") == path
