"""Issue 25: scenarios evaluated against the park ranking, on the synthetic world of tests/test_parks_api.py."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.test_parks_api import E0, HOSTILE, N0, feature, lonlat, park, point, square, write, write_synthetic

pytestmark = pytest.mark.both_stores  # every app test runs on the file store and on PostGIS

URL = "/api/scenarios/evaluate"
ALL_DISTANCE = "w_interchange=3&w_rail=2&w_hub=2&w_centre=1&w_area=1"


@pytest.fixture
def synth(make_app, geodata_copy):
    return make_app(GEODATA_DIR=str(write_synthetic(geodata_copy))).test_client()


def scenario(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def proposed(kind: str, geometry: dict, **props) -> dict:
    return {"type": "Feature", "properties": {"kind": kind, **props}, "geometry": geometry}


def line(*points_m) -> dict:
    return {"type": "LineString", "coordinates": [lonlat(e, n) for e, n in points_m]}


def evaluated(client, body, query: str = ALL_DISTANCE) -> dict:
    resp = client.post(f"{URL}?{query}", json=body)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def by_id(body: dict) -> dict:
    return {p["id"]: p for p in body["parks"]}


def test_interchange_300_m_from_a_park_serves_it_at_300_m_and_never_lowers_its_rank(synth):
    # alpha is a 1 km square centred on (E0, N0): its east edge is at E0 + 500
    body = evaluated(synth, scenario(proposed("interchange", point(E0 + 800, N0), id="g75-new", name_zh=HOSTILE)))
    alpha = by_id(body)["alpha"]
    after = alpha["metrics_after"]["interchange"]
    assert after["value"] == pytest.approx(300, abs=1)
    assert after["target_id"] == "proposed:g75-new"
    assert alpha["metrics_before"]["interchange"]["value"] == pytest.approx(3000, abs=1)
    assert alpha["rank_after"] <= alpha["rank_before"]
    assert alpha["score_after"] > alpha["score_before"]
    assert alpha["changes"][0]["criterion"] == "interchange" and alpha["changes"][0]["target_to"] == "proposed:g75-new"
    assert body["proposed"][0]["name_zh"] == HOSTILE  # a hostile name stays text
    for entry in body["parks"]:
        if entry["rank_before"] and entry["rank_after"] and entry["score_after"] is not None:
            assert entry["score_after"] >= entry["score_before"]  # a scenario only adds targets


def test_an_interchange_outside_the_district_moves_no_rank(synth):
    body = evaluated(synth, scenario(proposed("interchange", {"type": "Point", "coordinates": [105.9, 29.7]})))
    assert body["proposed"][0]["ignored"] == "outside_district"
    assert body["changed_count"] == 0 and body["changed_criteria"] == []
    for entry in body["parks"]:
        assert entry["rank_after"] == entry["rank_before"]
        assert entry["metrics_after"] == entry["metrics_before"]


def test_a_line_without_access_points_changes_no_distance_but_counts_for_catchments(synth):
    body = evaluated(synth, scenario(proposed("expressway", line((E0 - 2000, N0 + 9000), (E0 + 2000, N0 + 11000)))))
    assert body["changed_criteria"] == [] and body["changed_count"] == 0
    for entry in body["parks"]:
        assert entry["metrics_after"] == entry["metrics_before"]
    cat = body["catchments"]
    assert cat["zone"]["type"] in ("Polygon", "MultiPolygon")
    assert cat["district_after"]["covered_km2"] >= cat["district_before"]["covered_km2"]
    assert cat["district_after"]["covered_km2"] > cat["district_before"]["covered_km2"]


def test_rank_before_equals_the_park_ranking_under_the_same_weights(synth):
    query = "w_interchange=1&w_rail=4&w_hub=0.5&w_centre=2&w_area=1"
    rank = synth.get(f"/api/parks/rank?{query}").get_json()
    body = evaluated(synth, scenario(proposed("station", point(E0 + 10_000, N0 + 10_000))), query)
    got = by_id(body)
    for entry in rank["parks"]:
        assert got[entry["id"]]["rank_before"] == entry["rank"]
        assert got[entry["id"]]["score_before"] == entry["score"]
        assert got[entry["id"]]["metrics_before"] == entry["metrics"]


def test_a_shared_link_reproduces_the_same_table(synth):
    body = evaluated(synth, scenario(proposed("freight_yard", point(E0, N0 + 10_300), name_zh="新货场")))
    link = body["link"]["s"]
    assert link and len(link) <= body["link"]["max_chars"]
    again = synth.get(f"{URL}?{ALL_DISTANCE}&s={link}").get_json()
    assert again["parks"] == body["parks"]
    assert again["scenario"]["features"][0]["properties"]["name_zh"] == "新货场"


def _area_world(geodata):
    """One area site (1 km square at E0, N0) and one surveyed park; a surveyed interchange 3 km east of the square."""
    write(
        geodata,
        "parks",
        [
            park("area-site", square(E0, N0), [], 4.0, accuracy="area", location_text="位于某镇"),
            park("far-park", point(E0 - 30_000, N0), [], 4.0, accuracy="surveyed"),
        ],
    )
    write(geodata, "stations", [feature("ic", "corridor", "interchange", point(E0 + 3500, N0), accuracy="surveyed")])
    write(geodata, "hubs", [])
    return geodata


@pytest.mark.parametrize(
    ("east_m", "certain"),
    [(0, True), (3000, False)],  # inside the square: far end 707 m < near end 3000 m; 2.5 km east: 3535 > 3000
)
def test_certain_follows_the_interval_rule_for_an_area_park(make_app, geodata_copy, east_m, certain):
    client = make_app(GEODATA_DIR=str(_area_world(geodata_copy))).test_client()
    body = evaluated(client, scenario(proposed("interchange", point(E0 + east_m, N0))), "w_interchange=1&w_area=0")
    site = by_id(body)["area-site"]
    near_b, far_b = site["metrics_before"]["interchange"]["interval"]
    near_a, far_a = site["metrics_after"]["interchange"]["interval"]
    assert near_b == pytest.approx(3000, abs=1) and far_a < far_b
    assert site["certain"] is certain
    assert (far_a <= near_b) is certain
    assert by_id(body)["far-park"]["certain"] is True  # nothing crossed it


def test_paging_and_changed_only(synth):
    body = evaluated(synth, scenario(proposed("interchange", point(E0 + 800, N0))), ALL_DISTANCE + "&changed=1&limit=1")
    assert body["listed_count"] == body["changed_count"] >= 1 and len(body["parks"]) == 1


BAD_BODIES = {
    "not json": (b"{not json", "body"),
    "nan": (
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"kind": "station"},'
        b' "geometry": {"type": "Point", "coordinates": [NaN, 29.0]}}]}',
        "body",
    ),
    "not a collection": (json.dumps({"type": "Feature"}).encode(), "body"),
    "a list": (b"[1, 2]", "body"),
    "empty": (json.dumps(scenario()).encode(), "features"),
    "out of range": (
        json.dumps(scenario(proposed("station", {"type": "Point", "coordinates": [116.4, 39.9]}))).encode(),
        "features[0].geometry",
    ),
    "huge number": (
        json.dumps(scenario(proposed("station", {"type": "Point", "coordinates": [1e308, 29.0]}))).encode(),
        "features[0].geometry",
    ),
    "unknown kind": (
        json.dumps(scenario(proposed("airport", {"type": "Point", "coordinates": [106.65, 29.0]}))).encode(),
        "features[0].kind",
    ),
    "line as station": (
        json.dumps(scenario(proposed("station", line((E0, N0), (E0 + 10, N0))))).encode(),
        "features[0].geometry",
    ),
    "too many features": (
        json.dumps(scenario(*[proposed("station", point(E0 + i, N0)) for i in range(51)])).encode(),
        "features",
    ),
    "too many vertices": (
        json.dumps(
            scenario(
                proposed(
                    "railway", {"type": "LineString", "coordinates": [[106.6 + i * 1e-6, 29.0] for i in range(20_001)]}
                )
            )
        ).encode(),
        "features",
    ),
    "not proposed": (
        json.dumps(scenario(proposed("station", point(E0, N0), status="existing"))).encode(),
        "features[0].status",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_scenarios_are_400_naming_the_problem_in_the_requests_language(synth, case, lang):
    data, parameter = BAD_BODIES[case]
    resp = synth.post(f"{URL}?lang={lang}", data=data, content_type="application/json")
    assert resp.status_code == 400
    err = resp.get_json()
    assert err["parameter"] == parameter
    if lang == "en":
        assert err["summary"].startswith("Bad parameter") or "parameter" in err["summary"].lower()
        assert err["message"].isascii() or HOSTILE in err["message"]
    else:
        assert "参数" in err["summary"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in err["message"]), err["message"]


def test_bad_link_and_buffer_are_400(synth):
    assert synth.get(f"{URL}?s=s1.garbage").get_json()["parameter"] == "s"
    assert synth.get(f"{URL}?s={'x' * 5000}").get_json()["parameter"] == "s"
    body = scenario(proposed("station", point(E0, N0)))
    assert synth.post(f"{URL}?buffer_m=-1", json=body).get_json()["parameter"] == "buffer_m"
    assert synth.post(f"{URL}?w_rail=-1", json=body).get_json()["parameter"] == "w_rail"


def test_csv_lists_every_park_before_and_after_with_hostile_names_as_text(synth):
    body = scenario(proposed("interchange", point(E0 + 800, N0), id="ic-new", name_zh="=HYPERLINK(1)" + HOSTILE))
    resp = synth.post(f"{URL.replace('evaluate', 'evaluate.csv')}?{ALL_DISTANCE}&lang=en", json=body)
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    text = resp.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    header, lines = rows[0], rows[1:]
    assert header[:2] == ["ID", "Name (Chinese)"] and "Rank after" in header
    before = synth.post(f"{URL}?{ALL_DISTANCE}", json=body).get_json()["parks"]
    assert [r[0] for r in lines] == [p["id"] for p in sorted(before, key=lambda p: p["rank_after"])]
    assert sorted(r[0] for r in lines) == ["alpha", "beta", "delta", "gamma"]
    alpha = dict(zip(header, next(line for line in lines if line[0] == "alpha")))
    assert float(alpha["Distance to expressway interchange (after)"]) == pytest.approx(300, abs=1)
    assert float(alpha["Distance to expressway interchange (before)"]) == pytest.approx(3000, abs=1)
    assert HOSTILE in alpha["Reason"] and alpha["Reason"].startswith("interchange")  # text, not a formula


def test_a_line_newly_serves_the_park_it_passes_and_raises_the_covered_share(synth):
    through_gamma = proposed("railway", line((E0 - 1000, N0 + 10_000), (E0 + 1000, N0 + 10_000)))
    body = evaluated(synth, scenario(through_gamma), ALL_DISTANCE + "&buffer_m=500")
    cat = body["catchments"]
    assert cat["buffer_m"] == 500
    assert "gamma" in cat["newly_served"]["parks"] and "beta" not in cat["newly_served"]["parks"]
    assert cat["counts"]["parks"] == len(cat["newly_served"]["parks"])
    gained = [t for t in cat["towns"] if t["share_after"] > t["share_before"]]
    assert gained and all(0 <= t["share_before"] < t["share_after"] <= 1 for t in gained)
    assert cat["district_after"]["district_share"] > cat["district_before"]["district_share"]
