"""Hostile strings through the edit API and the edit form: stored literally, shown literally, nothing runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import _open_page, first_unplaced, serving, signed_in_client, wait_for_atlas, wait_js
from tests.hostile import HOSTILE, probe_text
from tests.test_curation_browser import sign_in
from tests.test_hostile import assert_clean

pytestmark = pytest.mark.browser
N = len(HOSTILE)


def parks_file(app) -> Path:
    return Path(app.config["GEODATA_DIR"]) / "parks.geojson"


def hostile_park(i: int) -> dict:
    h = lambda k: HOSTILE[(i + k) % N]  # noqa: E731 - a short picker reads better here
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [106.55 + (i % 8) * 0.05, 28.70 + (i // 8) * 0.05]},
        "properties": {
            "id": f"hostile-edit-{i}",
            "name_zh": h(0),
            "name_en": h(1),
            "kind": "industrial_park",
            "status": "existing",
            "accuracy": "approximate",
            "source": h(2),
            "as_of": "2026",
            "description_zh": h(3),
            "aliases": [h(4)],
            "area_note": h(5),
            "enterprises": [h(6)],
        },
    }


@pytest.fixture
def hostile_edits(curation_app):
    """Every hostile string pushed through the API: one new park each, and attribute edits of every 8th."""
    client, csrf = signed_in_client(curation_app, "editor1")
    headers = {"X-CSRFToken": csrf}
    for i in range(N):
        resp = client.post("/api/layers/parks/features", json=hostile_park(i), headers=headers)
        assert resp.status_code == 201, resp.get_json()
        if i % 8:
            continue
        edit = {
            "properties": {
                "source": HOSTILE[(i + 2) % N],
                "accuracy": "approximate",
                "as_of": "2026",
                "enterprise_note": HOSTILE[(i + 7) % N],
                "designations": [HOSTILE[(i + 8) % N]],
            }
        }
        assert (
            client.patch(f"/api/layers/parks/features/hostile-edit-{i}", json=edit, headers=headers).status_code == 200
        )
    stored = {f["id"]: f for f in json.loads(parks_file(curation_app).read_text(encoding="utf-8"))["features"]}
    assert [stored[f"hostile-edit-{i}"]["properties"]["name_zh"] for i in range(N)] == HOSTILE  # byte for byte
    with serving(curation_app) as server:
        yield server
    server.stop()


def test_hostile_edits_show_literally_to_viewers_and_editors(browser, hostile_edits, page):
    url = hostile_edits.url
    context, viewer = _open_page(browser, {"width": 1280, "height": 800})
    try:
        viewer.goto(f"{url}/?base=none&layers=parks")
        wait_for_atlas(viewer)
        for i in range(0, N, 8):  # feature i shows strings i .. i+8: every string is seen in some popup
            viewer.evaluate(f"QJAtlas.features['hostile-edit-{i}'].leaflet.openPopup()")
            # this feature's popup, with its change line filled: the previous popup fades out for 200 ms (Leaflet's
            # fade animation) and is still in the page meanwhile, so it is never the one read
            this_popup = f'.leaflet-popup-content .qj-popup[data-feature-id="hostile-edit-{i}"]'
            viewer.wait_for_selector(f"{this_popup} .qj-popup-changed[data-changed]")
            popup = viewer.inner_text(this_popup)
            assert probe_text(HOSTILE[i]).strip()[:8] in popup, (i, popup[:200])
            for k in range(9):
                assert probe_text(HOSTILE[(i + k) % N]).strip()[:8] in popup, (i, k)
        assert_clean(viewer)
    finally:
        context.close()

    sign_in(page, url)
    for i in range(0, N, 7):
        page.evaluate(f"QJEdit.open('parks', 'hostile-edit-{i}')")
        wait_js(
            page,
            f"document.querySelector('#qj-edit-name_zh') && document.querySelector('#qj-edit-name_zh').value === {json.dumps(HOSTILE[i])}",
        )
        assert_clean(page)
    page.goto(f"{url}/history?layer=parks")
    text = page.locator("body").inner_text()
    assert "00<script>window.__pwned=1</script>" in text
    assert_clean(page)
    for change_id in (1, 2, N + 3):  # a create, and an edit
        page.goto(f"{url}/history/{change_id}")
        assert page.locator("#qj-change-source").inner_text().strip()
        assert_clean(page)


def test_hostile_text_typed_into_the_edit_form_is_stored_and_shown_literally(browser, curation_app, page, serve):
    server = serve(curation_app)
    park = first_unplaced(curation_app.config["GEODATA_DIR"])
    sign_in(page, server.url)
    page.evaluate(f"QJEdit.open('parks', {json.dumps(park['id'])})")
    page.wait_for_selector("#qj-edit-name_zh")
    page.fill("#qj-edit-name_zh", HOSTILE[1])
    page.fill("#qj-edit-description_zh", HOSTILE[15])
    page.fill("#qj-edit-source", HOSTILE[5])
    page.select_option("#qj-edit-accuracy", "schematic")
    page.fill("#qj-edit-as_of", "2026")
    page.click(".qj-place-point")
    box = page.locator(".folium-map").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.5)
    wait_js(page, "!!QJEdit.state().geometry")
    page.click(".qj-edit-save")
    wait_js(page, "!!document.documentElement.getAttribute('data-edit-saved')")
    stored = next(
        f for f in json.loads(parks_file(curation_app).read_text(encoding="utf-8"))["features"] if f["id"] == park["id"]
    )
    assert stored["properties"]["name_zh"] == HOSTILE[1] and stored["properties"]["source"] == HOSTILE[5]
    page.evaluate(f"QJAtlas.focusFeature({json.dumps(park['id'])})")
    page.wait_for_selector(".qj-popup-changed[data-changed]")
    assert HOSTILE[5][:20] in page.inner_text(".leaflet-popup-content")
    assert_clean(page)
    page.goto(f"{server.url}/history")
    assert HOSTILE[5] in page.locator("body").inner_text()
    assert_clean(page)
