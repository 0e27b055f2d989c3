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


# ---------------------------------------------------------------- 8: phone layouts
PHONE_PAGES = [
    "/?base=none",
    "/parks?base=none",
    "/parks/qijiang-food-park?base=none",
    "/parks/compare?ids=qijiang-food-park,beidu-aluminium-park&base=none",
    "/corridors",
    "/corridors/compare?ids=yugui-railway,chuanqian-railway&base=none",
    "/corridors/years",
    "/data",
]


@pytest.mark.parametrize("path", PHONE_PAGES)
def test_no_page_is_wider_than_a_390_px_phone(phone_page, live_server, path):
    phone_page.goto(f"{live_server.url}{path}")
    phone_page.wait_for_load_state("networkidle")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{path} is {width} px wide on a 390 px screen"


def test_phone_parks_ranking_comes_before_the_controls(phone_page, live_server):
    phone_page.goto(f"{live_server.url}/parks?base=none")
    phone_page.wait_for_selector(".qj-park-row")
    first_row = phone_page.locator(".qj-park-row").first.bounding_box()
    assert first_row["y"] < 844, "the first ranked park is not on the first screen"
    controls = phone_page.locator("#qj-parks-controls").bounding_box()
    assert first_row["y"] < controls["y"]
    phone_page.get_by_role("link", name="调整权重与筛选").click()
    assert phone_page.locator("#w_rail").is_visible()
