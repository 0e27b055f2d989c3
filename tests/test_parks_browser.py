"""Investor view in real headless Chromium on a synthetic world with known answers (no request leaves 127.0.0.1)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from server import create_app
from tests.conftest import copy_geodata, save_screenshot, serving, wait_js
from tests.test_parks_api import write_synthetic

pytestmark = pytest.mark.browser
INTERCHANGE_ONLY = "w_interchange=10&w_rail=0&w_hub=0&w_centre=0&w_area=0&base=none"
GREEN, LIGHT_GREEN, YELLOW = "#1a9641", "#a6d96a", "#fee08b"


@pytest.fixture(scope="module")
def synth_server(tmp_path_factory):
    geodata = copy_geodata(tmp_path_factory.mktemp("parks") / "geodata")
    with serving(create_app({"TESTING": True, "GEODATA_DIR": str(write_synthetic(geodata))})) as server:
        yield server


def open_parks(page, server, query: str) -> None:
    page.goto(f"{server.url}/parks?{query}")
    wait_js(page, "document.documentElement.getAttribute('data-parks-loaded') === 'true'", timeout=15000)


def table_order(page) -> list[str]:
    return page.eval_on_selector_all(".qj-park-row", "rows => rows.map(r => r.dataset.parkId)")


def fill_of(page, park_id: str) -> str:
    return page.get_attribute(f"path.qj-park-{park_id}", "fill")


def assert_clean(page) -> None:
    assert page.probe.console_errors == [] and page.probe.page_errors == []
    assert page.probe.blocked == [], "requests tried to leave 127.0.0.1"
    assert page.probe.dialogs == [], "data text ran as HTML"


def test_moving_sliders_reranks_and_recolours(page, synth_server):
    open_parks(page, synth_server, INTERCHANGE_ONLY)
    assert table_order(page) == ["alpha", "beta", "gamma", "delta"]
    assert fill_of(page, "alpha") == GREEN and fill_of(page, "beta") == LIGHT_GREEN  # 85 and 70
    assert page.locator(".qj-park-row[data-park-id=delta] .qj-unplaced-badge").inner_text() == "未定位"
    assert page.locator("path.qj-park-delta").count() == 0  # unplaced: no map symbol
    version = page.get_attribute("html", "data-parks-version")
    page.locator("#w_rail").focus()
    page.keyboard.press("End")  # rail weight 10
    page.locator("#w_interchange").focus()
    page.keyboard.press("Home")  # interchange weight 0
    # wait for the render of both changes (after End alone beta may already lead, with other scores)
    wait_js(
        page,
        f"document.documentElement.dataset.parksVersion !== '{version}' && "
        "document.querySelector('.qj-park-row').dataset.parkId === 'beta' && "
        f"document.querySelector('path.qj-park-alpha').getAttribute('fill') === '{YELLOW}'",
    )
    assert table_order(page) == ["beta", "alpha", "gamma", "delta"]
    assert fill_of(page, "beta") == GREEN and fill_of(page, "alpha") == YELLOW  # 95 and 52
    why = page.locator(".qj-park-row[data-park-id=beta] td[data-criterion=rail] .qj-why").inner_text()
    assert why == "0.95 → +95.0"
    params = parse_qs(urlparse(page.url).query)
    assert params["w_rail"] == ["10"] and params["w_interchange"] == ["0"]
    assert page.locator(".qj-score-legend").is_visible()
    save_screenshot(page, "parks-ranked")
    assert_clean(page)


def test_shared_url_reproduces_the_ranking_and_filters(page, synth_server):
    query = "w_interchange=0&w_rail=10&w_hub=0&w_centre=0&w_area=0&max_rail_km=12&sel=alpha,beta&base=none"
    open_parks(page, synth_server, query)
    assert table_order(page) == ["beta", "alpha"]
    assert page.input_value("#w_rail") == "10" and page.input_value("#max_rail_km") == "12"
    assert page.locator("path.qj-park-gamma").count() == 0  # filtered out: hidden on the map too
    assert page.locator(".qj-park-row[data-park-id=alpha] .qj-select").is_checked()
    href = page.get_attribute("#qj-compare", "href")
    assert href.startswith("/parks/compare?ids=alpha%2Cbeta")
    assert page.get_attribute("#qj-export-csv", "href").startswith("/parks/export.csv?")
    assert "max_rail_km=12" in page.get_attribute("#qj-export-csv", "href")
    assert_clean(page)


def test_map_click_highlights_row_and_row_click_flies(page, synth_server):
    open_parks(page, synth_server, INTERCHANGE_ONLY)
    page.locator("path.qj-park-beta").click()
    assert "qj-highlight" in page.get_attribute(".qj-park-row[data-park-id=beta]", "class")
    page.locator(".qj-park-row[data-park-id=alpha] td.qj-rank").click()
    wait_js(page, "document.querySelector('.qj-park-row[data-park-id=alpha]').classList.contains('qj-highlight')")
    page.wait_for_timeout(800)  # fly animation
    zoom = page.evaluate("QJParks.map.getZoom()")
    assert zoom >= 13
    assert_clean(page)


def test_compare_page_marks_best_values_and_draws_parks(page, synth_server):
    page.goto(f"{synth_server.url}/parks/compare?ids=alpha,beta,delta&base=none")
    wait_js(page, "document.documentElement.getAttribute('data-parks-loaded') === 'true'")
    best = page.locator("#qj-compare-table td.best")
    assert best.count() >= 5
    planned = page.locator("#qj-compare-table tr", has_text="规划面积").locator("td")
    assert planned.nth(2).get_attribute("class").startswith("best") and "20" in planned.nth(2).inner_text()
    content = page.evaluate("getComputedStyle(document.querySelector('td.best'), '::before').content")
    assert "★" in content
    assert page.locator("path.qj-park-alpha").count() == 1 and page.locator("path.qj-park-beta").count() == 1
    assert_clean(page)


def test_profile_draws_surroundings_with_lines(page, synth_server):
    page.goto(f"{synth_server.url}/parks/alpha?base=none")
    wait_js(page, "document.documentElement.getAttribute('data-parks-loaded') === 'true'")
    assert page.locator("path.qj-link").count() == 5  # interchange, rail, hub, centre, 1 community
    labels = page.locator(".qj-target-label").all_inner_texts()
    assert any(text.startswith("ic-a中文 · 3.00 公里") for text in labels)
    assert_clean(page)
