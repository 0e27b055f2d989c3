"""The network through time (atlas/timeline.py, before / after), coverage shares, and a proposed line in a link."""

from __future__ import annotations

import json
import math
import shutil

import geopandas as gpd
import pytest
from shapely.geometry import LineString, box

from atlas.analysis import METRIC_CRS
from atlas.corridors.coverage import coverage
from atlas.corridors.proposed import URL_MAX_CHARS, decode_proposed, encode_proposed, parse_proposed
from atlas.errors import BadParameter
from atlas.timeline import (
    HIDDEN,
    PLANNED,
    SHOWN,
    UNKNOWN,
    browser_config,
    corridors_as_of,
    feature_year,
    parse_year,
    state_at,
    year_of,
)
from tests.conftest import GEODATA, TEST_DATA

PRESENT = 2026


def railways() -> list[dict]:
    return [f["properties"] for f in json.loads((GEODATA / "railways.geojson").read_text(encoding="utf-8"))["features"]]


@pytest.mark.parametrize(
    "value, year",
    [
        ("2018-01-25", 2018),
        ("1965", 1965),
        ("2016-12", 2016),
        (2004, 2004),
        (None, None),
        ("", None),
        ("unknown", None),
        ("18-01-2018", None),
        (True, None),
        (float("nan"), None),
        (3000, None),
        ("2018年", 2018),
    ],
)
def test_year_of_reads_only_a_sourced_leading_year(value, year):
    assert year_of(value) == year


@pytest.mark.parametrize(
    "props, year, state",
    [
        ({"status": "operating", "opened": "2018-01-25"}, 2015, HIDDEN),
        ({"status": "operating", "opened": "2018-01-25"}, 2018, SHOWN),
        ({"status": "operating", "opened": "1965"}, 2015, SHOWN),
        ({"status": "operating", "opened": None}, 2015, UNKNOWN),
        ({"status": "planned", "opened": None}, 2015, HIDDEN),
        ({"status": "planned", "opened": None}, PRESENT, HIDDEN),
        ({"status": "planned", "opened": None}, PRESENT + 1, PLANNED),
        ({"status": "under_construction", "opened": "2030"}, 2035, PLANNED),
        ({"status": "operating", "opened": None}, None, SHOWN),
        ({"status": "planned", "opened": None}, None, PLANNED),
    ],
)
def test_state_of_a_railway_as_of_a_year(props, year, state):
    assert state_at("railways", props, year, PRESENT) == state


def test_undated_layers_are_always_shown_and_parks_use_their_establishment():
    assert state_at("river", {"status": "existing"}, 1900, PRESENT) == SHOWN
    assert state_at("towns", {}, 1950, PRESENT) == SHOWN
    assert feature_year("parks", {"established": "2007-09", "opened": "1990"}) == 2007
    assert state_at("parks", {"status": "existing", "established": "2007-09"}, 2006, PRESENT) == HIDDEN
    assert state_at("parks", {"status": "designated", "established": None}, 2020, PRESENT) == UNKNOWN


def test_real_railways_as_of_2015_follow_their_sourced_dates():
    states = {p["id"]: state_at("railways", p, 2015, PRESENT) for p in railways()}
    for props in railways():
        year = year_of(props.get("opened"))
        if props["status"] in ("planned", "under_construction"):
            assert states[props["id"]] == HIDDEN
        elif year is None:
            assert states[props["id"]] == UNKNOWN
        else:
            assert states[props["id"]] == (SHOWN if year <= 2015 else HIDDEN)
    assert states["yugui-railway"] == HIDDEN  # 渝贵铁路 opened 2018-01-25


@pytest.mark.parametrize("raw", ["abc", "20155", "1800", "2101", "-5", "2015.5"])
def test_parse_year_rejects_what_is_not_a_year(raw):
    with pytest.raises(BadParameter) as err:
        parse_year(raw, "before")
    assert err.value.parameter == "before" and "year between" in err.value.message


def test_parse_year_and_slider_range():
    assert parse_year(None) is None and parse_year("") is None and parse_year(" 2015 ") == 2015
    config = browser_config(PRESENT, [1965, None, 2018])
    assert (config["min"], config["present"]) == (1965, PRESENT) and config["max"] > PRESENT
    assert config["fields"]["railways"] == "opened" and "planned" in config["planned_statuses"]


def test_corridors_as_of_copies_rows_with_their_state():
    rows = [
        {"id": "a", "layer": "railways", "status": "operating", "opened": "2018"},
        {"id": "b", "layer": "river", "status": "existing", "opened": None},
    ]
    out = corridors_as_of(rows, 2015, PRESENT)
    assert [r["year_state"] for r in out] == [HIDDEN, SHOWN] and "year_state" not in rows[0]


# ---- coverage -------------------------------------------------------------------------------------------


def test_coverage_of_inline_squares_by_hand():
    """District 20 x 10 km of two 10 x 10 km towns; a line along x = 5 km buffered 2 km covers a 4 km strip."""
    towns = gpd.GeoDataFrame(
        {"id": ["w", "e"], "name_zh": ["西", "东"], "name_en": ["W", "E"]},
        geometry=[box(0, 0, 10_000, 10_000), box(10_000, 0, 20_000, 10_000)],
        crs=METRIC_CRS,
    )
    zone = LineString([(5_000, -5_000), (5_000, 15_000)]).buffer(2_000)
    result = coverage(zone, box(0, 0, 20_000, 10_000), towns)
    assert result["district_share"] == pytest.approx(0.2, rel=1e-6)
    assert result["covered_km2"] == pytest.approx(40.0, rel=1e-6)
    assert [(t["id"], t["share"]) for t in result["towns"]] == [("w", pytest.approx(0.4, rel=1e-6))]


def test_coverage_rejects_a_geographic_frame():
    towns = gpd.GeoDataFrame(
        {"id": ["w"], "name_zh": ["西"], "name_en": [None]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326"
    )
    with pytest.raises(ValueError, match="EPSG:32648"):
        coverage(box(0, 0, 1, 1), box(0, 0, 1, 1), towns)


@pytest.fixture
def two_town_client(geodata_copy, make_app):
    """The shipped data with district, towns and railways replaced by the two-town fixture (tests/data/coverage)."""
    target = geodata_copy
    for name in ("district", "towns", "railways"):
        shutil.copy(TEST_DATA / "coverage" / f"{name}.geojson", target / f"{name}.geojson")
    return make_app(GEODATA_DIR=str(target)).test_client()


def test_two_town_fixture_coverage_matches_the_hand_computation_within_0_1_percent(two_town_client):
    """Fixture (UTM 48N, metres, origin 700000/3200000): district 20 x 10 km = 200 km², west town x 0-10 km,
    east town x 10-20 km (100 km² each). Buffer 2 km.
    - rail-north-south along x = 5 km, beyond both edges: a 4 x 10 km strip in the west town = 40 km²;
      west 40 %, east 0 %, district 20 %.
    - rail-east-west along y = 5 km from x = 8 km to beyond the east edge: strip x 8-20 km = 48 km² plus the
      half-disc cap at x = 8 km, pi * 2² / 2 = 6.2832 km² (all in the west town): west (8 + 6.2832) / 100 =
      14.2832 %, east 40 %, district 54.2832 / 200 = 27.1416 %.
    """
    resp = two_town_client.get("/api/corridors/compare?ids=rail-north-south,rail-east-west&buffer_m=2000")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    cover = {c["id"]: c["coverage"] for c in resp.get_json()["corridors"]}
    half_disc = math.pi * 2.0**2 / 2
    expected = {
        "rail-north-south": (0.20, {"town-west": 0.40}),
        "rail-east-west": ((48 + half_disc) / 200, {"town-east": 0.40, "town-west": (8 + half_disc) / 100}),
    }
    for cid, (district, towns) in expected.items():
        assert cover[cid]["district_share"] == pytest.approx(district, rel=1e-3)
        assert cover[cid]["district_km2"] == pytest.approx(200.0, rel=1e-3)
        assert {t["id"]: t["share"] for t in cover[cid]["towns"]} == pytest.approx(towns, rel=1e-3)
        shares = [t["share"] for t in cover[cid]["towns"]]
        assert shares == sorted(shares, reverse=True)  # ranked by covered share
    listed = {c["id"]: c["district_share"] for c in two_town_client.get("/api/corridors").get_json()}
    assert listed["rail-north-south"] == pytest.approx(0.5, rel=1e-3)  # default 5 km buffer: x 0-10 km = 100 km²


def test_before_after_on_the_fixture_adds_the_2018_line_and_its_area(two_town_client):
    body = two_town_client.get("/api/corridors/years?before=2015&after=2018&buffer_m=2000").get_json()
    assert body["before"]["corridors"]["placed"] == ["rail-north-south"]
    # the shipped expressways stay in the data (unplaced ones are listed, not measured)
    assert [c for c in body["added"]["corridors"] if c.startswith("rail-")] == ["rail-east-west"]
    # newly covered = area(union of both catchments in the district) - the 40 km² the 2015 network covered
    union = (
        LineString([(5_000, -5_000), (5_000, 15_000)])
        .buffer(2_000, quad_segs=16)
        .union(LineString([(8_000, 5_000), (30_000, 5_000)]).buffer(2_000, quad_segs=16))
    )
    gained_km2 = (union.intersection(box(0, 0, 20_000, 10_000)).area / 1e6) - 40.0
    assert body["added"]["covered_km2"] == pytest.approx(gained_km2, rel=1e-3)
    assert [t["id"] for t in body["added"]["towns"]][:1] == ["town-east"]


def test_before_after_on_real_data_lists_what_2018_added(client):
    body = client.get("/api/corridors/years?before=2017&after=2018").get_json()
    assert "yugui-railway" in body["added"]["corridors"]
    assert "yugui-railway" not in body["before"]["corridors"]["placed"]
    assert body["added"]["covered_km2"] > 0 and body["names"]["yugui-railway"] == "渝贵铁路"
    for lid in ("parks", "hubs", "communities", "towns"):
        assert set(body["added"]["served"][lid]) == set(body["after"]["served"][lid]) - set(
            body["before"]["served"][lid]
        )


@pytest.mark.parametrize(
    "query, parameter",
    [("before=2018&after=2015", "after"), ("before=abc&after=2015", "before"), ("after=2015", "before")],
)
def test_before_after_rejects_bad_years(client, query, parameter):
    body = client.get(f"/api/corridors/years?{query}").get_json()
    assert body["error"] == "BadParameter" and body["parameter"] == parameter


# ---- a proposed line in the link -----------------------------------------------------------------------


def test_proposed_line_round_trips_through_the_link_text():
    line = parse_proposed({"type": "LineString", "coordinates": [[106.6, 29.0], [106.7, 28.9], [106.75, 28.85]]})
    text = encode_proposed(line)
    back = decode_proposed(text, "西线")
    assert back.name_zh == "西线" and back.geometry.equals_exact(line.geometry, 1e-5)
    multi = parse_proposed(
        {"type": "MultiLineString", "coordinates": [[[106.6, 29.0], [106.7, 28.9]], [[106.5, 28.8], [106.55, 28.75]]]}
    )
    assert decode_proposed(encode_proposed(multi)).geometry.geom_type == "MultiLineString"


def test_an_over_long_line_gets_no_link_and_an_over_long_link_a_clear_error():
    coords = [[106.4 + i * 0.00013, 28.6 + (i % 2) * 0.004] for i in range(3000)]
    assert encode_proposed(parse_proposed({"type": "LineString", "coordinates": coords})) is None
    with pytest.raises(BadParameter, match=f"at most {URL_MAX_CHARS}"):
        decode_proposed("?" * (URL_MAX_CHARS + 1))
    with pytest.raises(BadParameter, match="encoded polyline"):
        decode_proposed("<script>")


def test_compare_api_takes_the_line_from_the_link_and_returns_its_link_text(client):
    line = parse_proposed({"type": "LineString", "coordinates": [[106.6, 29.0], [106.7, 28.9]]})
    text = encode_proposed(line)
    body = client.get(f"/api/corridors/compare?ids=yugui-railway&proposed={text}&proposed_name=x").get_json()
    assert [c["id"] for c in body["corridors"]] == ["yugui-railway", "proposed"]
    assert body["proposed_url"]["proposed"] == text and body["proposed_url"]["proposed_name"] == "x"


# ---- error details in the request's language -------------------------------------------------------------


def test_error_details_are_translated_like_their_summaries(client):
    zh = client.get("/api/corridors/compare?ids=yugui-railway,chuanqian-railway&buffer_m=5").get_json()
    assert (
        zh["message"] == "服务半径 buffer_m 须在 500 至 20000 米之间，收到 5" and zh["summary"] == "参数 buffer_m 有误"
    )
    assert zh["message_en"].startswith("buffer_m must be between")
    en = client.get("/api/corridors/compare?ids=yugui-railway,chuanqian-railway&buffer_m=5&lang=en").get_json()
    assert en["message"].startswith("buffer_m must be between") and "message_en" not in en
    assert en["summary"] == "Invalid parameter buffer_m"
    assert client.get("/api/nope?lang=zh").get_json()["message"].endswith("API 从 /api/layers 开始")
