"""Issue 12: the area accuracy class on the map (hatched, never a point) and the /data coverage view."""

from __future__ import annotations

import json

import pytest

from atlas.catalog import load_catalog
from atlas.data_coverage import CLASSES, format_table
from tests.conftest import GEODATA, ROOT, save_screenshot, wait_for_atlas

CATALOG = load_catalog(ROOT / "layers")


def counts_from_files() -> dict[str, dict[str, int]]:
    out = {}
    for spec in CATALOG:
        fc = json.loads((GEODATA / spec.source_file).read_text(encoding="utf-8"))
        counts = dict.fromkeys(CLASSES, 0)
        for f in fc["features"]:
            counts[f["properties"]["accuracy"]] += 1
        out[spec.id] = counts
    return out


def test_check_data_prints_the_coverage_table(app):
    result = app.test_cli_runner().invoke(args=["check-data"])
    assert result.exit_code == 0, result.output
    expected = counts_from_files()
    lines = {
        line.split()[0]: line.split()[1:]
        for line in result.output.splitlines()
        if line.split() and line.split()[0] in expected
    }
    for layer_id, counts in expected.items():
        assert [int(v) for v in lines[layer_id][: len(CLASSES)]] == [counts[c] for c in CLASSES], layer_id
    assert "unplaced expressways/g75-lanhai" in result.output


def test_format_table_totals_add_up(app):
    from atlas.data_coverage import coverage

    with app.app_context():
        from atlas.web.extension import get_store

        rows = coverage(get_store())
    last = format_table(rows).splitlines()[-1].split()
    assert last[0] == "all" and int(last[-1]) == sum(sum(c.values()) for c in counts_from_files().values())


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_data_page_shows_counts_reasons_and_sources(page, live_server, lang):
    page.goto(f"{live_server.url}/data?lang={lang}")
    table = page.locator("#qj-coverage")
    for layer_id, counts in counts_from_files().items():
        row = table.locator(f"tbody tr[data-layer='{layer_id}']")
        for c in CLASSES:
            assert row.locator(f"td[data-class='{c}']").inner_text() == str(counts[c]), (layer_id, c)
    reason = page.locator(".qj-unplaced-list[data-layer='expressways'] li[data-feature='g75-lanhai'] .qj-reason")
    assert "OSM motorway extract" in reason.inner_text()
    assert page.locator("#qj-sources tr[data-source='appchart'] .qj-licence").inner_text().startswith("no licence")
    assert page.locator("h1").inner_text() == ("Data coverage and sources" if lang == "en" else "数据覆盖与来源")
    assert page.probe.console_errors == [] and page.probe.blocked == []
    save_screenshot(page, f"data-{lang}")


@pytest.mark.browser
def test_area_sites_are_drawn_hatched_and_the_popup_quotes_the_source(page, live_server):
    page.goto(f"{live_server.url}/?base=none&layers=communities,towns")
    wait_for_atlas(page)
    paths = page.locator("svg path.qj-layer-communities.qj-acc-area")
    assert paths.count() == 2  # 双龙社区 and 水井沟片区: polygons, not markers
    assert page.locator(".qj-layer-communities").count() == 2  # nothing else: no marker, no circle
    fill = paths.first.get_attribute("fill")
    assert fill.startswith("url(#qj-hatch-")
    assert page.locator(f"pattern#{fill[5:-1]}").count() == 1
    assert paths.first.get_attribute("stroke-dasharray") == "6 4"
    page.evaluate(
        "id => QJAtlas.features[id].leaflet.fire('click', {latlng: QJAtlas.features[id].leaflet.getCenter()})",
        "shuanglong-community",
    )
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "仅知所在区域" in text and "文龙街道双龙社区" in text and "来源所述位置" in text
    legend = page.locator(".qj-legend")
    assert legend.locator(".qj-legend-key-area").inner_text() == "仅知所在区域（斜线）"
    link = legend.locator("a.qj-legend-data-link")
    assert link.get_attribute("href").startswith("/data")
    link.click()
    page.wait_for_url("**/data**")
    assert page.locator("#qj-coverage").count() == 1
