"""Curation in a real browser: an editor places an unplaced park, a viewer sees it, /history reverts it."""

from __future__ import annotations

import json

import pytest

from tests.conftest import (
    PASSWORD,
    _open_page,
    first_unplaced,
    save_screenshot,
    serving,
    signed_in_client,
    wait_for_atlas,
    wait_js,
)

pytestmark = pytest.mark.browser
NEW_SOURCE = "綦江区经济信息委 现场核实 2026-11 (browser test)"


@pytest.fixture
def curation_server(curation_app):
    with serving(curation_app) as server:
        yield server


def sign_in(page, url: str, name: str = "editor1") -> None:
    page.goto(f"{url}/login?next=/%3Fbase%3Dnone")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("#qj-login-form button[type=submit]")
    page.wait_for_url(lambda u: u.startswith(f"{url}/?"))
    wait_for_atlas(page)
    wait_js(page, "document.documentElement.getAttribute('data-edit-ready') === 'true'")


def viewer_sees(browser, url: str, fid: str) -> dict:
    """What a fresh anonymous browser shows for a feature: drawn or not, and its popup text."""
    context, page = _open_page(browser, {"width": 1280, "height": 800})
    try:
        page.goto(f"{url}/?base=none")
        wait_for_atlas(page)
        drawn = page.evaluate(f"!!QJAtlas.features[{json.dumps(fid)}]")
        popup = ""
        if drawn:
            page.evaluate(f"QJAtlas.focusFeature({json.dumps(fid)})")
            page.wait_for_selector(".qj-popup-changed[data-changed]")
            popup = page.inner_text(".leaflet-popup-content")
        tools = page.evaluate("!!document.querySelector('.qj-edit-toolbar, meta[name=csrf-token], #qj-edit-config')")
        assert not page.probe.page_errors, page.probe.page_errors
        return {"drawn": drawn, "popup": popup, "tools": tools}
    finally:
        context.close()


def test_editor_places_unplaced_park_viewer_sees_it_and_revert_restores_the_file(
    browser, curation_server, geodata_copy, page
):
    url = curation_server.url
    target = geodata_copy / "parks.geojson"
    before = target.read_bytes()
    park = first_unplaced(geodata_copy)
    fid = park["id"]
    assert viewer_sees(browser, url, fid) == {"drawn": False, "popup": "", "tools": False}

    sign_in(page, url)
    page.focus(".qj-edit-unplaced")
    page.select_option(".qj-edit-unplaced", value=f"parks/{fid}")
    page.wait_for_selector("#qj-edit-panel .qj-edit-form")
    assert page.input_value("#qj-edit-id") == fid
    page.click(".qj-place-point")
    box = page.locator("#map, .folium-map").first.bounding_box()
    x, y = box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.55
    page.mouse.click(x, y)
    wait_js(page, "!!QJEdit.state().geometry")
    # the form refuses a save without source, accuracy and as_of
    page.click(".qj-edit-save")
    assert page.evaluate("document.querySelector('#qj-edit-source').validity.valueMissing")
    assert json.loads(target.read_bytes())["features"] == json.loads(before)["features"]
    page.fill("#qj-edit-source", NEW_SOURCE)
    page.select_option("#qj-edit-accuracy", "approximate")
    page.fill("#qj-edit-as_of", "2026-11")
    page.click(".qj-edit-save")
    wait_js(page, "!!document.documentElement.getAttribute('data-edit-saved')")
    save_screenshot(page, "curation-placed")
    assert page.evaluate(f"!!QJAtlas.features[{json.dumps(fid)}]")  # the editor's map redrew it

    saved = next(f for f in json.loads(target.read_text(encoding="utf-8"))["features"] if f["id"] == fid)
    assert saved["geometry"]["type"] == "Point"
    assert saved["properties"]["source"] == NEW_SOURCE and saved["properties"]["accuracy"] == "approximate"

    seen = viewer_sees(browser, url, fid)
    assert seen["drawn"] and not seen["tools"]
    assert NEW_SOURCE in seen["popup"]

    page.goto(f"{url}/history")
    row = page.locator(f"tr.qj-change[data-feature-id='{fid}']").first
    assert NEW_SOURCE in row.inner_text()
    row.locator(".qj-revert").click()
    page.wait_for_selector("#qj-change-source")
    assert target.read_bytes() == before  # byte-identical after the revert
    assert viewer_sees(browser, url, fid)["drawn"] is False
    assert not page.probe.page_errors, page.probe.page_errors


def test_second_editor_gets_409_with_both_versions_and_keeps_their_input(
    curation_server, curation_app, geodata_copy, page
):
    from atlas.curation import accounts
    from atlas.web.db import connect

    db = connect(curation_app.config["DATABASE"])
    token = accounts.create_token(db, accounts.authenticate(db, "editor2", PASSWORD), "conflict test")
    fid = first_unplaced(geodata_copy)["id"]
    sign_in(page, curation_server.url)
    page.evaluate(f"QJEdit.open('parks', {json.dumps(fid)})")
    page.wait_for_selector("#qj-edit-source")
    # meanwhile editor two saves the same feature through the API
    other = curation_app.test_client().patch(
        f"/api/layers/parks/features/{fid}",
        headers={"Authorization": f"Token {token}"},
        json={"properties": {"source": "editor two was first", "accuracy": "unplaced", "as_of": "2026-10"}},
    )
    assert other.status_code == 200
    after_other = (geodata_copy / "parks.geojson").read_bytes()
    page.fill("#qj-edit-source", "editor one's late survey")
    page.select_option("#qj-edit-accuracy", "unplaced")
    page.fill("#qj-edit-as_of", "2026-11")
    page.click(".qj-edit-save")
    page.wait_for_selector(".qj-edit-conflict pre")
    versions = page.locator(".qj-edit-conflict pre").all_inner_texts()
    assert "editor two was first" in versions[0] and "editor one's late survey" in versions[1]
    assert page.input_value("#qj-edit-source") == "editor one's late survey"  # nothing typed is lost
    assert (geodata_copy / "parks.geojson").read_bytes() == after_other  # nothing overwritten
    assert not page.probe.page_errors


def test_choose_a_township_copies_its_polygon_and_the_ui_speaks_english(curation_server, geodata_copy, page):
    sign_in(page, curation_server.url)
    page.goto(f"{curation_server.url}/?base=none&lang=en")
    wait_for_atlas(page)
    wait_js(page, "document.documentElement.getAttribute('data-edit-ready') === 'true'")
    assert page.inner_text(".qj-edit-new") == "New feature"
    page.select_option(".qj-edit-new-layer", "parks")
    page.click(".qj-edit-new")
    wait_js(page, "document.querySelectorAll('.qj-town-choice option').length > 1")
    assert "Position" in page.inner_text("#qj-edit-panel")
    page.select_option(".qj-town-choice", index=1)
    wait_js(page, "!!QJEdit.state().geometry")  # the town's own outline is fetched in full (issue 15)
    towns = [
        f for f in json.loads((geodata_copy / "towns.geojson").read_text(encoding="utf-8"))["features"] if f["geometry"]
    ]
    assert page.evaluate("QJEdit.state().geometry") == towns[0]["geometry"]
    area = page.evaluate("QJEdit.config.area_class")
    assert page.input_value("#qj-edit-accuracy") == (area or "")
    assert page.locator(".qj-edit-panel path.leaflet-interactive, .leaflet-pane path[stroke='#c51b8a']").count() >= 1
    assert not page.probe.page_errors


def test_delete_asks_again_and_is_recorded(curation_server, curation_app, geodata_copy, page):
    target = geodata_copy / "parks.geojson"
    before = target.read_bytes()
    placed = next(f for f in json.loads(before)["features"] if f["geometry"])
    sign_in(page, curation_server.url)
    page.evaluate(f"QJAtlas.features[{json.dumps(placed['id'])}].leaflet.openPopup()")
    page.click(".qj-popup-edit")  # the popup's edit button opens the form
    page.wait_for_selector(".qj-edit-delete")
    page.click(".qj-edit-delete")  # the fixture dismisses the confirmation
    assert len(page.probe.dialogs) == 1 and "删除" in page.probe.dialogs[0]
    assert target.read_bytes() == before
    page.evaluate("window.confirm = function () { return true; }")
    page.click(".qj-edit-delete")
    wait_js(page, "!!document.documentElement.getAttribute('data-edit-saved')")
    assert placed["id"] not in {f["id"] for f in json.loads(target.read_bytes())["features"]}
    assert not page.evaluate(f"!!QJAtlas.features[{json.dumps(placed['id'])}]")
    client = curation_app.test_client()
    editor, _csrf = signed_in_client(curation_app, "editor2")
    changes = editor.get(f"/api/history?feature={placed['id']}").get_json()["changes"]
    assert [c["action"] for c in changes] == ["delete"] and changes[0]["user"] == "editor1"
    assert client.get(f"/api/layers/parks/features/{placed['id']}").status_code == 404


def test_editor_draws_a_polygon_and_creates_a_park_with_the_form(curation_server, geodata_copy, page):
    from tests.test_browser_map import _click_at

    sign_in(page, curation_server.url)
    page.goto(f"{curation_server.url}/?base=none&lat=29.0&lon=106.65&z=12")
    wait_for_atlas(page)
    wait_js(page, "document.documentElement.getAttribute('data-edit-ready') === 'true'")
    page.select_option(".qj-edit-new-layer", "parks")
    page.click(".qj-edit-new")
    page.click(".qj-draw-polygon")
    for lat, lon in [(29.0, 106.60), (29.0, 106.63), (29.03, 106.63)]:
        _click_at(page, lat, lon)
    _click_at(page, 29.0, 106.60)  # closing the ring finishes the polygon
    wait_js(page, "!!QJEdit.state().geometry")
    assert page.locator(".qj-measure-result").count() == 0  # the measuring tool did not take it
    for name, value in (
        ("id", "drawn-test-park"),
        ("name_zh", "测试园区"),
        ("name_en", "Drawn test park"),
        ("source", "browser drawing test"),
        ("as_of", "2026-11"),
    ):
        page.fill(f"#qj-edit-{name}", value)
    for name, value in (("kind", "industrial_park"), ("status", "planned"), ("accuracy", "schematic")):
        page.select_option(f"#qj-edit-{name}", value)
    page.click(".qj-edit-save")
    wait_js(page, "!!document.documentElement.getAttribute('data-edit-saved')")
    saved = next(
        f
        for f in json.loads((geodata_copy / "parks.geojson").read_text(encoding="utf-8"))["features"]
        if f["id"] == "drawn-test-park"
    )
    ring = saved["geometry"]["coordinates"][0]
    assert saved["geometry"]["type"] == "Polygon" and len(ring) == 4 and ring[0] == ring[-1]
    assert [106.6, 29.0] == pytest.approx(ring[0], abs=1e-3)
    assert saved["properties"]["family"] == "park" and saved["properties"]["source"] == "browser drawing test"
    assert page.evaluate("!!QJAtlas.features['drawn-test-park']")
    assert not page.probe.page_errors


def test_editor_moves_a_placed_point_by_dragging_it(curation_server, curation_app, geodata_copy, page):
    found = None
    for path in sorted(geodata_copy.glob("*.geojson")):
        for feat in json.loads(path.read_text(encoding="utf-8"))["features"]:
            if feat["geometry"] and feat["geometry"]["type"] == "Point":
                found = (path, feat)
                break
        if found:
            break
    path, feat = found
    layer = next(s.id for s in curation_app.extensions["atlas_store"].catalog if s.source_file == path.name)
    lon, lat = feat["geometry"]["coordinates"]
    sign_in(page, curation_server.url)
    page.goto(f"{curation_server.url}/?base=none&lat={lat}&lon={lon}&z=13")
    wait_for_atlas(page)
    wait_js(page, "document.documentElement.getAttribute('data-edit-ready') === 'true'")
    page.evaluate(f"QJEdit.open({json.dumps(layer)}, {json.dumps(feat['id'])})")
    page.click(".qj-move")
    box = page.locator(".qj-edit-marker").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 40, y + 30, steps=5)
    page.mouse.move(x - 80, y + 60, steps=5)
    page.mouse.up()
    wait_js(page, f"QJEdit.state().geometry.coordinates[0] < {lon - 1e-4}")
    page.fill("#qj-edit-source", "moved in the browser test")
    page.select_option("#qj-edit-accuracy", "approximate")
    page.fill("#qj-edit-as_of", "2026-11")
    page.click(".qj-edit-save")
    wait_js(page, "!!document.documentElement.getAttribute('data-edit-saved')")
    moved = next(f for f in json.loads(path.read_text(encoding="utf-8"))["features"] if f["id"] == feat["id"])
    assert moved["geometry"]["coordinates"][0] < lon and moved["geometry"]["coordinates"][1] < lat
    assert moved["properties"]["source"] == "moved in the browser test"
    page.goto(f"{curation_server.url}/history/1")
    assert page.locator("#qj-geometry-before").inner_text() != page.locator("#qj-geometry-after").inner_text()
    assert not page.probe.page_errors
