"""Issue 28, the planner's path in real Chromium: corridor comparison with a drawn line, and the year comparison."""

from __future__ import annotations

import pytest

from tests.conftest import wait_js

pytestmark = pytest.mark.browser
COMPARE = "/corridors/compare?ids=yugui-railway,chuanqian-railway&base=none"
# a line a planner draws by hand across the district's centre (lon, lat)
DRAWN = [[106.60, 28.90], [106.70, 28.95], [106.80, 28.99]]
POSSIBLE_WORDS = {"zh": "只知所在街道/镇", "en": "only the subdistrict/town is known"}


def renders(page) -> int:
    return int(page.evaluate("+document.documentElement.getAttribute('data-corridors-renders') || 0"))


def wait_for_render(page, after: int) -> None:
    wait_js(page, f"(+document.documentElement.getAttribute('data-corridors-renders') || 0) > {after}")


def draw(page, line) -> None:
    done = renders(page)
    page.evaluate(
        """line => QJCorridors.proposalPanel.map.fire('draw:created', {layerType: 'polyline',
        layer: L.polyline(line.map(p => [p[1], p[0]]))})""",
        line,
    )
    wait_for_render(page, done)


# ---------------------------------------------------------------- 7: area-only sites are only possibly served
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_area_only_communities_are_possibly_served_not_served_by_all(page, live_server, lang):
    page.goto(f"{live_server.url}{COMPARE}&lang={lang}")
    wait_for_render(page, 0)
    draw(page, DRAWN)
    result = page.evaluate("QJCorridors.result")
    ids = [c["id"] for c in result["corridors"]]
    assert ids[-1] == "proposed"
    possible = result["corridors"][-1]["possibly"]["communities"]
    assert possible, "the drawn line reaches no area-only community: the test line must be changed"
    for cid in ids:
        assert not set(possible) & set(result["only_in"][cid]["communities"])
    assert not set(possible) & set(result["shared"]["communities"])  # never "served by all"
    cell = page.locator('tr[data-metric="communities"] td[data-corridor="proposed"]')
    items = cell.locator(".qj-item.qj-possible")
    assert items.count() == len(possible)
    note = items.first.inner_text()
    assert POSSIBLE_WORDS[lang] in note and ("km" if lang == "en" else "公里") in note
    assert "–" in note  # the interval nearest–farthest
    # the count says what is served for certain, the possibly served are counted apart
    served = result["corridors"][-1]["served"]["communities"]
    assert int(cell.locator(".qj-count").inner_text()) == len(served) - len(possible)
    assert cell.locator(".qj-possible-count").get_attribute("data-possible") == str(len(possible))
    # "served by all" lists none of them; a section per corridor names them with the interval
    shared = page.locator('[data-difference="shared"]').inner_text()
    names = [page.evaluate("([r, id]) => QJCorridors.servedNames(r)[id]", [result, fid]) for fid in possible]
    assert all(name not in shared for name in names), shared
    section = page.locator('[data-difference="possibly-proposed"]')
    assert all(name in section.inner_text() for name in names) and POSSIBLE_WORDS[lang] in section.inner_text()
    chart = page.evaluate("QJCorridors.chart.data.datasets[2].data[2]")  # proposed line, communities
    assert chart == len(served) - len(possible)
    assert page.locator(".qj-proposal-map path.qj-served-possibly").count() >= 1  # drawn dashed, apart
    key = page.locator(".qj-key .qj-possible").inner_text()
    assert POSSIBLE_WORDS[lang] in key
