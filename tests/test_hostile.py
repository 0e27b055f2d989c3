"""Hostile strings in every property of an imported layer and of an uploaded proposed line are shown as
literal text on every page that shows data; nothing from data ever runs (real browser, CSP on)."""

from __future__ import annotations

import csv
import io
import json

import pyogrio
import pytest

from tests.conftest import copy_geodata, serving, wait_for_atlas, wait_js
from tests.hostile import HOSTILE, probe_text

N = len(HOSTILE)
PWNED_JS = "!!window.__pwned || !!document.querySelector('#pwned, .pwned')"


def hostile_feature(i: int) -> dict:
    h = lambda k: HOSTILE[(i + k) % N]  # noqa: E731 - a short picker reads better here
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [106.55 + (i % 8) * 0.05, 28.70 + (i // 8) * 0.05]},
        "properties": {
            "id": f"hostile-{i}",
            "name_zh": h(0),
            "name_en": h(1),
            "family": "park",
            "kind": "industrial_park",
            "status": "existing",
            "accuracy": "schematic",
            "source": h(2),
            "as_of": "2024",
            "description_zh": h(3),
            "description_en": h(4),
            "aliases": [h(5)],
            "location_method": h(6),
            "industries": [h(7), "食品"],
            "industries_en": [h(8)],
            "planned_area_km2": 1.0 + i,
            "area_note": h(9),
            "designations": [h(10)],
            "enterprises": [h(11), h(12)],
            "enterprise_note": h(13),
        },
    }


@pytest.fixture(scope="module")
def hostile_geodata(tmp_path_factory):
    """A geodata copy whose parks layer was replaced through the import tool with hostile properties."""
    from server import create_app

    root = tmp_path_factory.mktemp("hostile")
    data_dir = copy_geodata(root / "geodata")
    source = root / "hostile_parks.geojson"
    source.write_text(
        json.dumps(
            {"type": "FeatureCollection", "features": [hostile_feature(i) for i in range(N)]}, ensure_ascii=False
        ),
        encoding="utf-8",
    )
    app = create_app({"TESTING": True, "GEODATA_DIR": str(data_dir)})
    result = app.test_cli_runner().invoke(args=["import-layer", str(source), "--layer", "parks"])
    assert result.exit_code == 0, result.output
    stored = json.loads((data_dir / "parks.geojson").read_text(encoding="utf-8"))
    assert [f["properties"]["name_zh"] for f in stored["features"]] == HOSTILE  # imported byte for byte
    return data_dir


@pytest.fixture(scope="module")
def hostile_server(hostile_geodata):
    from server import create_app

    with serving(create_app({"TESTING": True, "GEODATA_DIR": str(hostile_geodata)})) as server:
        yield server


def assert_clean(page) -> None:
    probe = page.probe
    assert probe.dialogs == [], probe.dialogs
    assert page.evaluate(PWNED_JS) is False, "a payload ran or injected an element"
    assert probe.page_errors == [], probe.page_errors
    assert probe.console_errors == [], probe.console_errors  # a blocked injected script would log a CSP error
    assert probe.blocked == [], probe.blocked  # an injected <img src=//evil> would try to leave


def test_import_keeps_hostile_text_and_check_data_passes(hostile_geodata):
    from server import create_app

    app = create_app({"TESTING": True, "GEODATA_DIR": str(hostile_geodata)})
    result = app.test_cli_runner().invoke(args=["check-data"])
    assert result.exit_code == 0, result.output


@pytest.mark.browser
def test_map_popups_tooltips_search_and_legend_show_literal_text(page, hostile_server):
    page.goto(f"{hostile_server.url}/?base=none&layers=parks")
    wait_for_atlas(page)
    for i in range(N):
        fid = f"hostile-{i}"
        page.evaluate("id => { const l = QJAtlas.features[id].leaflet; l.openTooltip(); l.openPopup(); }", fid)
        popup = page.locator(".leaflet-popup-content").last.inner_text()
        assert probe_text(HOSTILE[i]).strip()[:8] in popup, (i, popup[:200])
        tooltip = page.locator(".leaflet-tooltip").last.inner_text()
        assert probe_text(HOSTILE[i]).strip()[:8] in tooltip
    page.fill(".qj-search-input", "<img src=x onerror")
    page.locator(".qj-search-hit").first.wait_for()
    assert "<img src=x onerror" in page.locator(".qj-search-results").inner_text()
    page.press(".qj-search-input", "Enter")
    page.wait_for_timeout(300)
    assert_clean(page)


@pytest.mark.browser
def test_park_pages_show_literal_text(page, hostile_server):
    page.goto(f"{hostile_server.url}/parks?base=none")
    wait_js(page, "document.documentElement.getAttribute('data-parks-loaded') === 'true'")
    table = page.locator("#qj-parks-table").inner_text()
    for value in HOSTILE[:20]:
        assert probe_text(value).strip()[:8] in table
    assert_clean(page)
    for path in [
        "/parks/hostile-5?base=none",
        "/parks/hostile-6/print?base=none",
        "/parks/compare?ids=hostile-1,hostile-2,hostile-3&base=none",
    ]:
        page.goto(hostile_server.url + path)
        page.wait_for_timeout(600)
        text = page.locator("body").inner_text()
        assert (
            "00<script>" in text
            or "01<img" in text
            or "02<img" in text
            or "03<svg" in text
            or any(probe_text(v)[:8] in text for v in HOSTILE[:16])
        ), path
        assert_clean(page)


@pytest.mark.browser
def test_ogc_html_pages_show_literal_text(page, hostile_server):
    page.goto(f"{hostile_server.url}/ogc/collections/parks/items?f=html&limit={N}")
    text = page.locator("body").inner_text()
    assert "00<script>window.__pwned=1</script>" in text
    page.goto(f"{hostile_server.url}/ogc/collections/parks/items/hostile-2?f=html")
    assert "02<img src=x onerror=window.__pwned=1 id=pwned>" in page.locator("body").inner_text()
    assert_clean(page)


@pytest.mark.browser
def test_proposed_line_with_hostile_name_is_literal(page, hostile_server, tmp_path):
    ids = [
        c["id"]
        for c in json.loads(page.request.get(f"{hostile_server.url}/api/corridors").text())
        if c.get("comparable")
    ][:2]
    page.goto(f"{hostile_server.url}/corridors/compare?ids={','.join(ids)}&buffer_m=5000&base=none")
    wait_js(page, "(+document.documentElement.getAttribute('data-corridors-renders') || 0) > 0")
    upload = tmp_path / "proposed.geojson"
    upload.write_text(
        json.dumps(
            {
                "type": "Feature",
                "properties": {"name": HOSTILE[0][:50]},
                "geometry": {"type": "LineString", "coordinates": [[106.6, 28.9], [106.7, 29.0]]},
            }
        )
    )
    renders = page.evaluate("+document.documentElement.getAttribute('data-corridors-renders')")
    page.set_input_files("#qj-upload", str(upload))
    wait_js(page, f"+document.documentElement.getAttribute('data-corridors-renders') > {renders}")
    assert HOSTILE[0][:40] in page.locator("#qj-compare-table").inner_text()
    assert_clean(page)


def test_exports_keep_text_literal_and_neutralise_formulas(hostile_geodata):
    from server import create_app

    client = create_app({"TESTING": True, "GEODATA_DIR": str(hostile_geodata)}).test_client()
    rows = list(csv.DictReader(io.StringIO(client.get("/api/layers/parks.csv").data.decode("utf-8-sig"))))
    by_id = {r["id"]: r for r in rows}
    for i, value in enumerate(HOSTILE):
        cell = by_id[f"hostile-{i}"]["name_zh"]
        assert cell in (value, "'" + value)  # the text itself is kept (formulas get a ' prefix)
    formula = next(r for r in rows if "=cmd" in r["name_zh"])
    assert not formula["name_zh"].startswith(("=", "+", "-", "@"))
    ranked = client.get("/parks/export.csv").data.decode("utf-8-sig")
    assert all(not line.startswith(("=", "+", "@")) for line in ranked.splitlines())
    resp = client.get("/api/layers/parks.kml")
    kml_path = hostile_geodata.parent / "parks.kml"
    kml_path.write_bytes(resp.data)
    frame = pyogrio.read_dataframe(kml_path)
    assert len(frame) == N
    assert any("<script>window.__pwned=1</script>" in str(v) for v in frame["Name"])
    assert any("\ufffdbell" in str(v) for v in frame["Name"])  # XML-forbidden control characters replaced
