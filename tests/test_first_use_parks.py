"""Issue 28, the investor's path in real Chromium: what a first-time investor needs from /parks and a park."""

from __future__ import annotations

from pathlib import Path

import pytest

from server import create_app
from tests.conftest import LiveServer, wait_js
from tests.test_parks_api import write_synthetic

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def synth_server(tmp_path_factory):
    import shutil

    from tests.conftest import GEODATA

    geodata = tmp_path_factory.mktemp("parks") / "geodata"
    shutil.copytree(GEODATA, geodata)
    server = LiveServer(create_app({"TESTING": True, "GEODATA_DIR": str(write_synthetic(geodata))}))
    yield server
    server.stop()


def open_parks(page, server, query: str) -> None:
    page.goto(f"{server.url}/parks?{query}")
    wait_js(page, "document.documentElement.getAttribute('data-parks-loaded') === 'true'")


def table_order(page) -> list[str]:
    return page.eval_on_selector_all(".qj-park-row", "rows => rows.map(r => r.dataset.parkId)")


# ---------------------------------------------------------------- 1: rank on what is known
def test_matching_park_ranks_above_one_that_only_knows_more_distances(page, synth_server):
    # delta lists 齿轮 but is unplaced (only its area is known); beta is placed (its distances are known) but
    # makes food: with 齿轮 chosen, delta must rank above beta (it used to lose on distances it simply lacks)
    open_parks(page, synth_server, "industry=齿轮&base=none")
    order = table_order(page)
    assert order.index("delta") < order.index("beta"), order
    assert set(order[:2]) == {"alpha", "delta"}  # the two matching parks first
    delta = page.locator(".qj-park-row[data-park-id=delta] .qj-known-share").inner_text()
    assert "%" in delta and "已知" in delta  # how much of the weight is known, in words
    assert page.locator(".qj-park-row[data-park-id=delta] .qj-match-badge").inner_text() == "匹配"


def test_real_aluminium_park_first_and_the_page_says_most_distances_are_unknown(page, live_server):
    open_parks(page, live_server, "industry=电解铝&base=none")
    order = table_order(page)
    assert order[0] == "beidu-aluminium-park", order
    assert order.index("beidu-aluminium-park") < order.index("qijiang-food-park")
    note = page.locator("#qj-parks-known")
    assert note.is_visible() and "大部分距离未知" in note.inner_text()
    assert "排在前面" in note.inner_text()


# ---------------------------------------------------------------- 3 and 4: a PDF button; the user's weights carried
WEIGHTS = "w_interchange=0&w_rail=10&w_hub=0&w_centre=0&w_area=0&base=none"


def score_in_table(page, park_id: str) -> str:
    return page.locator(f".qj-park-row[data-park-id={park_id}] .qj-score-value").inner_text()


@pytest.mark.parametrize("size", ["page", "phone_page"])
def test_profile_carries_weights_shows_the_same_score_and_downloads_the_pdf(request, size, synth_server):
    page = request.getfixturevalue(size)
    open_parks(page, synth_server, WEIGHTS)
    ranked_score = score_in_table(page, "beta")
    page.locator(".qj-park-row[data-park-id=beta] th a").first.click()
    page.wait_for_url("**/parks/beta?*")
    assert "w_rail=10" in page.url
    shown = page.locator("article .qj-score-value").first.inner_text()
    assert shown == ranked_score, (ranked_score, shown)  # the profile shows the ranking's score, not the defaults
    for link in ("#qj-park-pdf", "#qj-park-print", "#qj-park-back"):
        assert "w_rail=10" in page.get_attribute(link, "href"), link
    pdf = page.locator("#qj-park-pdf")
    assert pdf.is_visible() and "PDF" in pdf.inner_text()
    with page.expect_download() as info:
        pdf.click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes()[:5] == b"%PDF-"
    page.locator("#qj-park-back").click()
    page.wait_for_url("**/parks?*")
    wait_js(page, "document.documentElement.getAttribute('data-parks-loaded') === 'true'")
    assert page.locator("#w_rail").input_value() == "10" and score_in_table(page, "beta") == ranked_score


def test_compare_links_keep_the_weights(page, synth_server):
    open_parks(page, synth_server, WEIGHTS + "&sel=alpha,beta")
    page.locator("#qj-compare").click()
    page.wait_for_url("**/parks/compare?*")
    assert "w_rail=10" in page.get_attribute("#qj-compare-back", "href")
    hrefs = page.eval_on_selector_all("#qj-compare-table thead a", "as => as.map(a => a.getAttribute('href'))")
    assert hrefs and all("w_rail=10" in h and "ids=" not in h for h in hrefs), hrefs


# ---------------------------------------------------------------- 9: one searchable checklist, no Ctrl-click
@pytest.mark.parametrize("size", ["page", "phone_page"])
def test_industries_are_a_searchable_checklist_with_only_matching(request, size, live_server):
    page = request.getfixturevalue(size)
    open_parks(page, live_server, "base=none")
    assert page.locator("select[multiple]").count() == 0  # no Ctrl-click multi-selects left
    assert "主导产业" in page.locator("#qj-industry-help").inner_text()  # says what 所需产业 is, against 主导产业
    page.locator("#qj-industry-search").fill("铝")
    visible = page.eval_on_selector_all(".qj-industry-option:not([hidden]) label", "ls => ls.map(l => l.textContent)")
    assert visible and all("铝" in text for text in visible), visible
    version = page.get_attribute("html", "data-parks-version")
    page.get_by_label("电解铝", exact=True).click()  # a plain click (or tap): no modifier key
    wait_js(page, f"document.documentElement.getAttribute('data-parks-version') !== '{version}'")
    assert table_order(page)[0] == "beidu-aluminium-park"
    assert "industry=" in page.url
    version = page.get_attribute("html", "data-parks-version")
    page.get_by_label("只显示匹配的园区").check()
    wait_js(page, f"document.documentElement.getAttribute('data-parks-version') !== '{version}'")
    assert "beidu-aluminium-park" in table_order(page) and "qijiang-food-park" not in table_order(page)
