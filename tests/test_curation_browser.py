"""Curation in a real browser: an editor places an unplaced park, a viewer sees it, /history reverts it."""

from __future__ import annotations

import json

import pytest

from tests.conftest import PASSWORD, LiveServer, _open_page, first_unplaced, save_screenshot, wait_for_atlas, wait_js

pytestmark = pytest.mark.browser
NEW_SOURCE = "綦江区经济信息委 现场核实 2026-11 (browser test)"


@pytest.fixture
def curation_server(curation_app):
    server = LiveServer(curation_app)
    yield server
    server.stop()


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
        browser, curation_server, geodata_copy, page):
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
    assert page.evaluate(f"!!QJAtlas.features[{json.dumps(fid)}]")       # the editor's map redrew it

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
    assert target.read_bytes() == before                                 # byte-identical after the revert
    assert viewer_sees(browser, url, fid)["drawn"] is False
    assert not page.probe.page_errors, page.probe.page_errors
