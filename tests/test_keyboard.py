"""Keyboard only, in real Chromium: find a feature and read its popup, re-rank parks with the arrow keys."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode
from urllib.request import urlopen

import pytest

from tests.conftest import wait_for_atlas, wait_js

pytestmark = pytest.mark.browser
MAX_TABS = 60
ACTIVE_IN_POPUP = "!!(document.activeElement && document.activeElement.closest('.leaflet-popup'))"


def get_json(server, path: str):
    with urlopen(server.url + path) as resp:
        return json.load(resp)


def tab_to(page, selector: str) -> int:
    """Press Tab until ``selector`` has the focus; return how many presses it took."""
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} not reached with {MAX_TABS} Tab presses")


def test_tab_to_search_enter_opens_a_named_dialog_and_escape_closes_it(page, live_server):
    query = "綦江站"
    best = get_json(live_server, "/api/search?q=" + quote(query))["results"][0]
    page.goto(live_server.url + "/")
    wait_for_atlas(page)
    page.keyboard.press("Tab")  # the first stop is the skip link, shown when focused
    assert page.evaluate("document.activeElement.className") == "qj-skip"
    assert page.locator(".qj-skip").is_visible()
    tab_to(page, "input.qj-search-input")
    assert page.get_attribute("input.qj-search-input", "role") == "combobox"
    page.keyboard.type(query)
    page.keyboard.press("Enter")
    dialog = page.locator(".leaflet-popup[role=dialog]")
    dialog.wait_for()
    assert dialog.get_attribute("aria-label") == best["name_zh"]
    assert best["name_zh"] in dialog.inner_text()
    wait_js(page, ACTIVE_IN_POPUP)  # focus moved into the popup, so it is read out
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")
    assert page.evaluate("document.activeElement.classList.contains('qj-search-input')"), "focus did not come back"
    assert page.probe.page_errors == []  # (console errors: the default OSM tiles are blocked here)


def test_arrow_keys_choose_a_search_result(page, live_server):
    hits = [h for h in get_json(live_server, "/api/search?q=" + quote("站"))["results"] if h["placed"]]
    assert len(hits) >= 2, "the data must offer two placed stations for this test"
    page.goto(live_server.url + "/?base=none")
    wait_for_atlas(page)
    tab_to(page, "input.qj-search-input")
    page.keyboard.type("站")
    page.locator(".qj-search-hit").nth(1).wait_for()
    results = page.eval_on_selector_all(".qj-search-hit", "els => els.map(e => e.dataset.featureId)")
    second = results[1]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    active = page.get_attribute("input.qj-search-input", "aria-activedescendant")
    assert page.get_attribute(f"#{active}", "data-feature-id") == second
    assert page.get_attribute(f"#{active}", "aria-selected") == "true"
    page.keyboard.press("Enter")
    dialog = page.locator(".leaflet-popup[role=dialog]")
    dialog.wait_for()
    name = get_json(live_server, "/api/features/" + quote(second))["feature"]["properties"]["name_zh"]
    assert dialog.get_attribute("aria-label") == name


def _order(ranking: dict) -> list[str]:
    return [p["id"] for p in sorted(ranking["parks"], key=lambda p: p["rank"]) if not p["hidden_by"]]


def reordering_change(server, weights: dict[str, float]) -> tuple[str, str, int, list[str]]:
    """A weight, arrow key and number of presses that really reorders the shipped parks, starting from the
    page's own slider values (asked of the API, so the test does not depend on today's data)."""
    before = _order(get_json(server, "/api/parks/rank?" + urlencode({f"w_{k}": w for k, w in weights.items()})))
    for key in weights:
        for key_name, step in (("ArrowRight", 0.5), ("ArrowLeft", -0.5)):
            for presses in range(1, 21):
                value = weights[key] + step * presses
                if not 0 <= value <= 10:
                    break
                query = {f"w_{k}": (value if k == key else w) for k, w in weights.items()}
                if sum(query.values()) <= 0:
                    continue
                after = _order(get_json(server, "/api/parks/rank?" + urlencode(query)))
                if after != before:
                    return key, key_name, presses, after
    raise AssertionError("no single weight change reorders the shipped parks")


def test_arrow_keys_on_a_weight_slider_reorder_the_table(page, live_server):
    page.goto(live_server.url + "/parks?base=none")
    wait_js(page, "document.documentElement.getAttribute('data-parks-loaded') === 'true'")
    sliders = page.eval_on_selector_all(
        "input[type=range][data-criterion]", "els => els.map(e => [e.dataset.criterion, +e.value])"
    )
    key, arrow, presses, expected = reordering_change(live_server, dict(sliders))
    before = page.eval_on_selector_all(".qj-park-row", "rows => rows.map(r => r.dataset.parkId)")
    assert before != expected
    tab_to(page, f"#w_{key}")
    for _ in range(presses):
        page.keyboard.press(arrow)
    wait_js(
        page,
        f"JSON.stringify(Array.from(document.querySelectorAll('.qj-park-row'), r => r.dataset.parkId)) === "
        f"{json.dumps(json.dumps(expected, separators=(',', ':')))}",
    )
    assert "顺序已更新" in page.locator("#qj-parks-announce").inner_text()
    assert page.get_attribute("#qj-parks-announce", "aria-live") == "polite"


def test_sort_headers_are_buttons_operated_from_the_keyboard(page, live_server):
    page.goto(live_server.url + "/parks?base=none")
    wait_js(page, "document.documentElement.getAttribute('data-parks-loaded') === 'true'")
    tab_to(page, "th[data-sort=name] button")
    page.keyboard.press("Enter")
    wait_js(page, "document.querySelector('th[data-sort=name]').getAttribute('aria-sort') === 'ascending'")
    page.keyboard.press("Space")
    wait_js(page, "document.querySelector('th[data-sort=name]').getAttribute('aria-sort') === 'descending'")


def _expected_map_names(lang: str) -> dict[str, str]:
    """The map's control names as the server translates them (atlas.web.texts.map_strings)."""
    from atlas.web.texts import map_strings
    from server import create_app

    with create_app({"TESTING": True}).test_request_context(f"/?lang={lang}"):
        return map_strings()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_map_control_has_a_name_in_the_page_language(page, live_server, lang):
    s = _expected_map_names(lang)
    page.goto(live_server.url + f"/?base=none&lang={lang}")
    wait_for_atlas(page)
    for name in (
        s["zoom_in"],
        s["zoom_out"],
        s["fullscreen"],
        s["zoom_to_district"],
        s["measure"]["measure_distance"],
        s["measure"]["measure_area"],
        s["measure"]["measure_clear"],
        s["legend"],
    ):
        assert page.get_by_role("button", name=name, exact=True).count() == 1, name
    assert page.get_by_role("combobox", name=s["search_label"], exact=True).count() == 1
    assert page.get_by_role("main").count() == 1 and page.get_by_role("banner").count() == 1
    assert page.get_by_role("navigation").count() == 1
    assert page.locator("h1").count() == 1
    # the layer control: every base map and overlay is a named radio button or checkbox
    assert page.get_by_role("radio").count() >= 1 and page.get_by_role("checkbox").count() >= 1
    for box in page.locator(".leaflet-control-layers input").all():
        assert box.evaluate("b => b.closest('label').textContent.trim().length > 0")


def test_focus_is_visible(page, live_server):
    page.goto(live_server.url + "/parks?base=none")
    wait_js(page, "document.documentElement.getAttribute('data-parks-loaded') === 'true'")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className").startswith("qj-skip")
    assert page.locator(".qj-skip").is_visible()
    tab_to(page, "th[data-sort=score] button")
    style = page.evaluate(
        "getComputedStyle(document.activeElement).outlineStyle + ' ' + "
        "getComputedStyle(document.activeElement).outlineWidth"
    )
    assert style.split()[0] != "none" and float(style.split()[1].rstrip("px")) >= 2


def test_a_park_is_shown_on_the_map_from_the_keyboard(page, live_server):
    placed = [p for p in get_json(live_server, "/api/parks/rank")["parks"] if p["placed"]]
    page.goto(live_server.url + "/parks?base=none")
    wait_js(page, "document.documentElement.getAttribute('data-parks-loaded') === 'true'")
    button = f".qj-park-row[data-park-id='{placed[0]['id']}'] .qj-show-on-map"
    tab_to(page, button)
    page.keyboard.press("Enter")
    page.locator(f".qj-park-row.qj-highlight[data-park-id='{placed[0]['id']}']").wait_for()
    page.locator(".leaflet-tooltip", has_text=placed[0]["name_zh"]).wait_for()


def test_corridor_maps_are_named_and_the_draw_button_speaks_the_page_language(page, live_server):
    corridors = [c for c in get_json(live_server, "/api/corridors") if c["comparable"]][:2]
    page.goto(live_server.url + "/corridors/compare?base=none&ids=" + ",".join(c["id"] for c in corridors))
    wait_js(page, "(+document.documentElement.getAttribute('data-corridors-renders') || 0) > 0")
    for c in corridors:
        assert c["name_zh"] in page.get_attribute(f".qj-corridor-map[data-corridor='{c['id']}']", "aria-label")
    assert page.get_by_role("button", name="绘制拟建线路", exact=True).count() == 1
    assert page.get_by_role("button", name="放大", exact=True).count() == len(corridors) + 1
    # the chart's numbers are also a table, and the result is announced
    rows = page.locator("#qj-chart-table tbody tr")
    assert rows.count() >= 1 and page.locator("#qj-chart-table caption").count() == 1
    assert page.locator("#qj-compare-table caption").count() == 1
    assert "比较结果已更新" in page.locator("#qj-compare-status").inner_text()
    served = page.evaluate("QJCorridors.chart.data.datasets.map(d => d.data.map(String))")
    table = [[cell for cell in row.locator("td").all_inner_texts()] for row in rows.all()]
    assert [list(col) for col in zip(*table)] == served


NAME_OF_ACTIVE = """(() => {
    const e = document.activeElement;
    const label = e.getAttribute('aria-label') || (e.labels && e.labels.length ? e.labels[0].textContent : '')
        || e.textContent || e.getAttribute('title') || '';
    return [e.tagName + '.' + (e.getAttribute('class') || ''), label.trim()];
})()"""


@pytest.mark.parametrize("path", ["/?base=none", "/parks?base=none"])
def test_every_tab_stop_is_named_and_the_map_features_do_not_flood_the_tab_order(page, live_server, path):
    """Tab through the page (until the focus cycles or 150 presses): every stop has a name; drawn features
    are not tab stops (they are reached through the search / the table instead)."""
    page.goto(live_server.url + path)
    wait_js(
        page,
        "document.documentElement.getAttribute('data-atlas-loaded') === 'true' || "
        "document.documentElement.getAttribute('data-parks-loaded') === 'true'",
    )
    stops = []
    for _ in range(150):
        page.keyboard.press("Tab")
        stop = page.evaluate(NAME_OF_ACTIVE)
        if stops and stop == stops[0]:
            break
        if not stop[0].startswith("BODY."):  # focus left the page for a moment before cycling
            stops.append(stop)
    unnamed = [tag for tag, name in stops if not name]
    assert unnamed == []
    assert not [tag for tag, _ in stops if tag.startswith("path.")], "drawn features are tab stops"
    assert len(stops) < 150


def test_layer_control_groups_are_named_and_survive_a_rebuild(page, live_server):
    layers = get_json(live_server, "/api/layers")
    page.goto(live_server.url + "/?base=none")
    wait_for_atlas(page)
    families = page.locator(".leaflet-control-layers [role=group]")
    assert families.count() == len({layer["family"] for layer in layers})
    assert page.get_by_role("radiogroup", name="底图").count() == 1
    first = layers[0]["title_zh"]
    page.get_by_role("checkbox", name=first).press("Space")  # the plugin rebuilds its lists
    page.get_by_role("checkbox", name=first).press("Space")
    assert page.locator(".leaflet-control-layers [role=group]").count() == families.count()
    group = page.locator(".leaflet-control-layers [role=group]").first
    assert page.locator("#" + group.get_attribute("aria-labelledby")).inner_text().strip()
