"""A park criterion is declared once: registering one more is enough for the score, the query's parameters,
the ranking body, the exports, the profile and the /parks page (form, table, script) to carry it."""

from __future__ import annotations

import csv
import io
import math

import pytest

from atlas.parks import criteria
from atlas.parks.criteria import Criterion, Target
from server import create_app
from tests.conftest import wait_js
from tests.test_parks_api import write_synthetic

# the synthetic world's one renovated community lies 1 km north of alpha's edge (see write_synthetic)
COMMUNITY = Criterion(
    "community",
    "距更新社区",
    "Distance to renovated community",
    "m",
    1.0,
    10_000.0,
    Target("communities", ("renovated_community",)),
    "距更新社区最远（公里）",
    "Max. to renovated community (km)",
)
ONLY_COMMUNITY = "w_interchange=0&w_rail=0&w_hub=0&w_centre=0&w_area=0&w_community=1"


@pytest.fixture
def registered(monkeypatch):
    """The declaration of one extra criterion, and nothing else."""
    monkeypatch.setattr(criteria, "CRITERIA", (*criteria.CRITERIA, COMMUNITY))


@pytest.fixture
def synth_app(geodata_copy):
    return create_app({"TESTING": True, "GEODATA_DIR": str(write_synthetic(geodata_copy))})


def test_an_undeclared_criterion_is_rejected(synth_app):
    resp = synth_app.test_client().get(f"/api/parks/rank?{ONLY_COMMUNITY}")
    assert resp.status_code == 400 and resp.get_json()["parameter"] == "w_community"


def test_a_registered_criterion_is_scored_ranked_and_explained(registered, synth_app):
    body = synth_app.test_client().get(f"/api/parks/rank?{ONLY_COMMUNITY}").get_json()
    assert body["criteria"][-1] == {
        "key": "community",
        "label_zh": "距更新社区",
        "label_en": "Distance to renovated community",
        "unit": "m",
        "max_distance_m": 10_000.0,
    }
    assert body["weights"]["community"] == 1.0
    by_id = {p["id"]: p for p in body["parks"]}
    alpha = by_id["alpha"]["metrics"]["community"]
    assert alpha["value"] == pytest.approx(1000.0, abs=0.5) and alpha["target_id"] == "comm"
    assert alpha["normalised"] == pytest.approx(0.9, abs=1e-4) and by_id["alpha"]["score"] == pytest.approx(
        90, abs=0.01
    )
    beta = by_id["beta"]["metrics"]["community"]["value"]
    assert beta == pytest.approx(math.hypot(9000, 1000), abs=0.5)  # beta's corner to the community
    assert by_id["delta"]["metrics"]["community"]["value"] is None  # unplaced: unknown, never invented
    assert [p["id"] for p in body["parks"]] == ["alpha", "gamma", "beta", "delta"]


def test_a_registered_criterion_brings_its_filter_and_sort_parameters(registered, synth_app):
    client = synth_app.test_client()
    body = client.get(f"/api/parks/rank?{ONLY_COMMUNITY}&max_community_km=5&sort=community").get_json()
    assert [p["id"] for p in body["parks"] if not p["hidden_by"]] == ["alpha"]
    hidden = {p["id"]: p["hidden_by"] for p in body["parks"] if p["hidden_by"]}
    assert hidden == {"gamma": ["max_community_km"], "beta": ["max_community_km"], "delta": ["max_community_km"]}
    for query in ("w_community=-1", "max_community_km=far"):
        resp = client.get(f"/api/parks/rank?{query}")
        assert resp.status_code == 400 and resp.get_json()["parameter"] == query.split("=")[0]


def test_a_registered_criterion_has_export_columns(registered, synth_app):
    client = synth_app.test_client()
    text = client.get(f"/parks/export.csv?{ONLY_COMMUNITY}&lang=en").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, alpha = rows[0], rows[1]
    names = ("value (m)", "nearest possible, area-only sites (m)", "normalised", "points")
    assert header[-4:] == [f"Distance to renovated community: {name}" for name in names]
    assert alpha[1] == "alpha" and float(alpha[-4]) == pytest.approx(1000.0, abs=0.5) and float(alpha[-1]) == 90.0
    geojson = client.get(f"/parks/export.geojson?{ONLY_COMMUNITY}").get_json()
    assert geojson["features"][0]["properties"]["community_points"] == 90.0


def test_a_registered_criterion_is_on_the_pages(registered, synth_app):
    client = synth_app.test_client()
    html = client.get(f"/parks?{ONLY_COMMUNITY}&lang=en").get_data(as_text=True)
    assert 'name="w_community"' in html and 'th scope="col" data-sort="community"' in html
    assert 'name="max_community_km"' in html and "Max. to renovated community (km)" in html
    assert '"key": "community"' in html and '"max_community_km"' in html  # the script's config
    profile = client.get("/parks/alpha").get_data(as_text=True)
    assert 'data-criterion="community"' in profile and "Distance to renovated community" in profile


@pytest.mark.browser
def test_the_page_script_draws_and_filters_a_registered_criterion(registered, synth_app, page, serve):
    server = serve(synth_app)
    page.goto(f"{server.url}/parks?{ONLY_COMMUNITY}&base=none")
    wait_js(page, "document.documentElement.getAttribute('data-parks-loaded') === 'true'")
    cell = page.locator(".qj-park-row[data-park-id=alpha] td[data-criterion=community] .qj-metric-value")
    assert cell.inner_text() == "1.00 公里"
    version = page.get_attribute("html", "data-parks-version")
    page.fill("#max_community_km", "5")  # sent only if the script knows the filter from the server
    wait_js(page, f"document.documentElement.getAttribute('data-parks-version') !== '{version}'")
    rows = page.eval_on_selector_all(".qj-park-row", "rows => rows.map(r => r.dataset.parkId)")
    assert rows == ["alpha"]
    assert "max_community_km=5" in page.url
    assert page.probe.console_errors == [] and page.probe.page_errors == []
