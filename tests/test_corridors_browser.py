"""The corridor comparison page in headless Chromium: synced maps, buffer, drawn and uploaded lines, errors."""

from __future__ import annotations

import json

import pytest

from tests.conftest import save_screenshot, wait_js

pytestmark = pytest.mark.browser
PAGE = "/corridors/compare?ids=yugui-railway,chuanqian-railway&buffer_m=5000&base=none"
LINE = {
    "type": "Feature",
    "properties": {"name": "上传线"},
    "geometry": {"type": "LineString", "coordinates": [[106.60, 28.90], [106.70, 28.95], [106.80, 28.99]]},
}


def renders(page) -> int:
    return int(page.evaluate("+document.documentElement.getAttribute('data-corridors-renders') || 0"))


def wait_for_render(page, after: int) -> None:
    wait_js(page, f"(+document.documentElement.getAttribute('data-corridors-renders') || 0) > {after}", timeout=15000)


def open_compare(page, live_server) -> None:
    page.goto(live_server.url + PAGE)
    wait_for_render(page, 0)


def count(page, metric: str, corridor: str) -> int:
    return int(page.locator(f'tr[data-metric="{metric}"] td[data-corridor="{corridor}"] .qj-count').first.inner_text())


def table_html(page) -> str:
    return page.locator("#qj-compare-table").inner_html()


def assert_clean(page, expected_400s: int = 0) -> None:
    """No console or page errors except the given number of 400 answers the test provoked on purpose."""
    rejected = [e for e in page.probe.console_errors if "status of 400" in e]
    assert len(rejected) == expected_400s
    assert [e for e in page.probe.console_errors if e not in rejected] == [] and page.probe.page_errors == []
    assert page.probe.blocked == [], "requests tried to leave 127.0.0.1"


def test_page_draws_each_corridor_its_catchment_and_the_table(page, live_server):
    open_compare(page, live_server)
    for corridor in ("yugui-railway", "chuanqian-railway"):
        container = page.locator(f'.qj-corridor-map[data-corridor="{corridor}"]')
        assert container.locator(f"path.qj-cor-{corridor}").count() == 1
        assert container.locator(f"path.qj-catchment-{corridor}").count() == 1
        assert container.locator("path.qj-served-towns").count() == count(page, "towns", corridor) > 0
    assert page.locator(".qj-proposal-map path.qj-ref-line").count() == 2
    assert page.locator("#qj-compare-table thead th").all_inner_texts()[1:] == ["渝贵铁路", "川黔铁路"]
    assert page.locator('tr[data-metric="towns"] .qj-only').count() > 0
    shared_hubs = page.evaluate("QJCorridors.result.shared.hubs.length")  # what the API says both serve
    assert shared_hubs >= 1
    assert page.locator('tr[data-metric="hubs"] .qj-shared').count() == 2 * shared_hubs
    assert page.evaluate("QJCorridors.chart.data.datasets.map(d => d.label)") == ["渝贵铁路", "川黔铁路"]
    save_screenshot(page, "corridors-compare")
    assert_clean(page)


def test_maps_stay_in_sync_when_one_is_moved(page, live_server):
    open_compare(page, live_server)
    page.evaluate("QJCorridors.panels[0].map.setView([28.70, 106.80], 11, {animate: false})")
    wait_js(page, "QJCorridors.panels[1].map.getZoom() === 11")
    for index in (1, 2):
        centre = page.evaluate(
            f"(() => {{ const c = QJCorridors.panels[{index}].map.getCenter(); return [c.lat, c.lng]; }})()"
        )
        assert centre == pytest.approx([28.70, 106.80], abs=1e-4)
    before = page.evaluate("QJCorridors.panels[0].map.getCenter().lng")
    box = page.locator(".qj-corridor-map").nth(1).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 120, y, steps=8)
    page.mouse.up()
    wait_js(page, f"Math.abs(QJCorridors.panels[0].map.getCenter().lng - {before}) > 0.01")
    page.wait_for_timeout(600)  # let the drag's inertia finish
    lngs = page.evaluate("QJCorridors.panels.map(p => p.map.getCenter().lng)")
    # dragged map B eastwards: every map moved the same way, equal within a pixel (~0.0005 deg at zoom 11)
    assert lngs[0] > before + 0.05 and lngs == pytest.approx([lngs[1]] * 3, abs=5e-4)
    assert_clean(page)


def test_changing_the_buffer_changes_the_counts_and_the_url(page, live_server):
    open_compare(page, live_server)
    towns_before = count(page, "towns", "yugui-railway")
    done = renders(page)
    page.fill("#qj-buffer-m", "20000")
    page.dispatch_event("#qj-buffer-m", "change")
    wait_for_render(page, done)
    assert count(page, "towns", "yugui-railway") > towns_before
    assert "buffer_m=20000" in page.url
    done = renders(page)
    page.fill("#qj-buffer-m", "300")
    page.dispatch_event("#qj-buffer-m", "change")
    wait_js(page, "document.documentElement.getAttribute('data-corridors-state') === 'error'")
    assert "500 至 20000" in page.locator("#qj-message").inner_text()
    assert renders(page) == done and page.input_value("#qj-buffer-m") == "20000"
    assert_clean(page)


def test_a_drawn_line_joins_the_table(page, live_server):
    open_compare(page, live_server)
    done = renders(page)
    page.evaluate("""QJCorridors.proposalPanel.map.fire('draw:created', {layerType: 'polyline',
        layer: L.polyline([[28.90, 106.60], [28.95, 106.70], [28.99, 106.80]])})""")
    wait_for_render(page, done)
    assert page.locator('#qj-compare-table thead th[data-corridor="proposed"]').inner_text() == "拟建线路"
    length = page.locator('tr[data-metric="length_in_district_km"] td[data-corridor="proposed"] .qj-count').inner_text()
    assert float(length) == pytest.approx(21.9, abs=0.1)  # same line as the API test: 21.92 km in UTM 48N
    assert page.locator(".qj-proposal-map path.qj-cor-proposed").count() == 1
    assert page.evaluate("QJCorridors.chart.data.datasets.length") == 3
    page.click("#qj-clear-proposed")
    wait_for_render(page, done + 1)
    assert page.locator('#qj-compare-table th[data-corridor="proposed"]').count() == 0
    assert_clean(page)


def test_drawing_with_the_mouse_through_leaflet_draw(page, live_server):
    open_compare(page, live_server)
    done = renders(page)
    page.locator(".qj-proposal-map .leaflet-draw-draw-polyline").click()
    box = page.locator(".qj-proposal-map").bounding_box()
    points = [
        (box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
        for fx, fy in ((0.4, 0.4), (0.55, 0.5), (0.6, 0.65))
    ]
    for x, y in points:
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.up()
        page.wait_for_timeout(150)  # separate clicks, not a double-click
    assert page.locator(".qj-proposal-map .leaflet-marker-icon.leaflet-div-icon").count() == 3
    page.locator(".qj-proposal-map .leaflet-draw-actions a", has_text="完成").click()  # the toolbar speaks Chinese
    wait_for_render(page, done)
    assert page.locator('#qj-compare-table thead th[data-corridor="proposed"]').count() == 1
    assert_clean(page)


def test_uploads_valid_and_invalid(page, live_server, tmp_path):
    open_compare(page, live_server)
    before = table_html(page)
    polygon = tmp_path / "area.geojson"
    polygon.write_text(
        json.dumps({"type": "Polygon", "coordinates": [[[106.6, 28.9], [106.7, 28.9], [106.7, 29.0], [106.6, 28.9]]]})
    )
    page.set_input_files("#qj-upload", str(polygon))
    wait_js(page, "!document.getElementById('qj-message').hidden")
    assert "LineString" in page.locator("#qj-message").inner_text()
    assert table_html(page) == before
    big = tmp_path / "big.geojson"
    big.write_bytes(b" " * (1024 * 1024 + 10))
    page.evaluate("document.getElementById('qj-message').hidden = true")
    page.set_input_files("#qj-upload", str(big))
    wait_js(page, "!document.getElementById('qj-message').hidden")
    assert "1 MB" in page.locator("#qj-message").inner_text()
    assert table_html(page) == before
    good = tmp_path / "line.geojson"
    good.write_text(json.dumps(LINE), encoding="utf-8")
    done = renders(page)
    page.set_input_files("#qj-upload", str(good))
    wait_for_render(page, done)
    assert page.locator('#qj-compare-table thead th[data-corridor="proposed"]').inner_text() == "上传线"
    assert page.locator("#qj-message").is_hidden()
    assert_clean(page, expected_400s=1)  # the polygon upload
