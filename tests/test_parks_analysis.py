"""Park metrics, normalisation and ranking on tiny synthetic frames with known answers."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import Point, box

from atlas.analysis import METRIC_CRS, WGS84
from atlas.analysis.nearest import k_nearest_m, nearest_distance_m
from atlas.errors import BadParameter
from atlas.parks.query import ParkFilter, hidden_mask, hide_reasons, park_vocabulary, parse_query
from atlas.parks.score import ParkScores, metric_records, normalise, park_base, rank_positions, score_base
from atlas.parks.targets import ParkTargets

E0, N0 = 660_000.0, 3_190_000.0  # UTM 48N, inside Qijiang


def metric_frame(rows: list[dict]) -> gpd.GeoDataFrame:
    """Rows with shapely geometries in METRIC_CRS (None = unplaced) -> WGS-84 frame like the store's."""
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=METRIC_CRS)
    return frame.to_crs(WGS84)


def square(cx: float, cy: float, side_m: float = 1000.0):
    return box(cx - side_m / 2, cy - side_m / 2, cx + side_m / 2, cy + side_m / 2)


def park(pid, geometry, industries=(), planned=None, built=None, status="existing", designations=()):
    return {
        "id": pid,
        "name_zh": pid,
        "name_en": pid,
        "geometry": geometry,
        "industries": list(industries),
        "industries_en": [],
        "planned_area_km2": planned,
        "built_area_km2": built,
        "status": status,
        "designations": list(designations),
    }


def targets(interchange=(), rail=(), hub=(), centre=()) -> ParkTargets:
    def frame(points):
        return (
            metric_frame([{"id": pid, "geometry": geom} for pid, geom in points])
            if points
            else gpd.GeoDataFrame({"id": []}, geometry=gpd.GeoSeries([], crs=WGS84))
        )

    return ParkTargets(interchange=frame(interchange), rail=frame(rail), hub=frame(hub), centre=frame(centre))


def scored(parks, tg, weights, industries=()) -> ParkScores:
    """What production runs for a ranking: the weight-independent base, then the scores for these weights."""
    return score_base(park_base(parks, tg), weights, industries)


def ranked_ids(scores: ParkScores) -> list[str]:
    return scores.score.index[rank_positions(scores)].tolist()


def metric_row(scores: ParkScores, park_id: str) -> dict[str, dict]:
    return metric_records(scores, np.array([scores.values.index.get_loc(park_id)]))[0]


@pytest.fixture
def world():
    parks = metric_frame(
        [
            park("alpha", square(E0, N0), ["齿轮"], planned=10.0),
            park("beta", square(E0 + 10_000, N0), ["食品加工"], planned=5.0, status="planned"),
            park("gamma", Point(E0, N0 + 10_000)),
            park("delta", None, ["齿轮"], planned=None, built=20.0),
        ]
    )
    tg = targets(
        interchange=[("ic-a", Point(E0 + 500 + 3000, N0))],
        rail=[("st-b", Point(E0 + 10_000, N0 - 500 - 1000))],
        hub=[("hub-c", Point(E0 - 500 - 8000, N0))],
        centre=[("seat", Point(E0 + 5000, N0 + 5000))],
    )
    return parks, tg


def test_park_3_km_from_interchange_scores_as_documented(world):
    parks, tg = world
    scores = scored(parks, tg, {"interchange": 1, "rail": 0, "hub": 0, "centre": 0, "area": 0})
    assert scores.values.at["alpha", "interchange"] == pytest.approx(3000.0, abs=0.5)
    assert scores.normalised.at["alpha", "interchange"] == pytest.approx(1 - 3000 / 20_000, abs=1e-4)
    assert scores.score["alpha"] == pytest.approx(85.0, abs=0.01)
    assert scores.values.at["beta", "interchange"] == pytest.approx(6000.0, abs=0.5)
    assert scores.score["beta"] == pytest.approx(70.0, abs=0.01)


def test_distance_is_measured_from_the_polygon_edge_not_the_centroid():
    parks = metric_frame([park("wide", square(E0, N0, side_m=2000.0))])
    tg = targets(interchange=[("ic", Point(E0 + 2000, N0))])
    values = park_base(parks, tg).values
    assert values.at["wide", "interchange"] == pytest.approx(1000.0, abs=0.5)  # centroid would give 2000


def test_nearest_picks_the_closest_target_and_names_it():
    sources = gpd.GeoDataFrame({"id": ["p"]}, geometry=[Point(E0, N0)], crs=METRIC_CRS)
    tg = gpd.GeoDataFrame(
        {"id": ["far", "near"]}, geometry=[Point(E0 + 5000, N0), Point(E0, N0 + 1200)], crs=METRIC_CRS
    )
    found = nearest_distance_m(sources, tg)
    assert found.loc[0, "target_id"] == "near"
    assert found.loc[0, "distance_m"] == pytest.approx(1200.0)


def test_equidistant_targets_tie_break_by_id():
    sources = gpd.GeoDataFrame({"id": ["p"]}, geometry=[Point(E0, N0)], crs=METRIC_CRS)
    tg = gpd.GeoDataFrame({"id": ["zz", "aa"]}, geometry=[Point(E0 + 100, N0), Point(E0 - 100, N0)], crs=METRIC_CRS)
    assert nearest_distance_m(sources, tg).loc[0, "target_id"] == "aa"
    assert list(k_nearest_m(Point(E0, N0), tg, 2)["id"]) == ["aa", "zz"]


def test_nearest_rejects_geographic_crs():
    sources = gpd.GeoDataFrame({"id": ["p"]}, geometry=[Point(106.7, 28.8)], crs=WGS84)
    with pytest.raises(ValueError, match="EPSG:32648"):
        nearest_distance_m(sources, sources)


def test_unknown_metrics_stay_unknown_and_contribute_nothing(world):
    parks, tg = world
    scores = scored(parks, tg, {}, industries=["齿轮"])
    assert math.isnan(scores.values.at["delta", "interchange"])  # unplaced: no distance invented
    assert math.isnan(scores.normalised.at["gamma", "area"])  # no area given
    assert math.isnan(scores.values.at["gamma", "industry"])  # lists no industry
    rows = metric_row(scores, "delta")
    assert rows["interchange"] == {
        "value": None,
        "unit": "m",
        "normalised": None,
        "weight": 3.0,
        "contribution": 0.0,
        "target_id": None,
        "interval": None,
    }
    assert rows["area"]["value"] == 20.0 and rows["area"]["normalised"] == 1.0  # built area fallback, largest
    assert scores.known_count["delta"] == 2  # area and industry only
    # the score is the weighted mean of what is known (area weight 1, industry weight 2, both 1.0), and how much
    # of the weight that is says the known share: 3 of 11 (interchange 3, rail 2, hub 2, centre 1 unknown)
    assert scores.score["delta"] == pytest.approx(100 * (1 * 1.0 + 2 * 1.0) / 3)
    assert scores.known_share["delta"] == pytest.approx(3 / 11)


def test_score_is_null_when_nothing_weighted_is_known(world):
    parks, tg = world
    scores = scored(parks, tg, {"interchange": 1, "rail": 0, "hub": 0, "centre": 0, "area": 0})
    assert math.isnan(scores.score["delta"])
    assert ranked_ids(scores)[-1] == "delta"


def test_area_and_industry_normalisation():
    values = pd.DataFrame(
        {
            "interchange": [0.0, 25_000.0],
            "rail": [10_000.0, math.nan],
            "hub": [1.0, 2.0],
            "centre": [0.0, 0.0],
            "area": [2.0, 8.0],
            "industry": [1.0, 0.0],
        },
        index=["a", "b"],
    )
    norm = normalise(values)
    assert list(norm["interchange"]) == [1.0, 0.0]  # clipped at d_max
    assert norm.at["a", "rail"] == pytest.approx(0.5) and math.isnan(norm.at["b", "rail"])
    assert list(norm["area"]) == [0.25, 1.0]
    assert list(norm["industry"]) == [1.0, 0.0]


def test_equal_scores_are_ranked_by_id():
    # mirror images about the interchange: equal distances up to reprojection noise (< 1e-6 points)
    parks = metric_frame(
        [
            park("b-park", square(E0, N0 - 5000)),
            park("a-park", square(E0, N0 + 5000)),
            park("c-park", square(E0, N0 + 9000)),
        ]
    )
    tg = targets(interchange=[("ic", Point(E0, N0))])
    scores = scored(parks, tg, {"interchange": 1, "rail": 0, "hub": 0, "centre": 0, "area": 0})
    assert scores.score["a-park"] == pytest.approx(scores.score["b-park"]) == pytest.approx(100 * (1 - 4500 / 20_000))
    assert ranked_ids(scores) == ["a-park", "b-park", "c-park"]
    no_rail = scored(parks, tg, {"interchange": 0, "rail": 1, "hub": 0, "centre": 0, "area": 0})
    assert ranked_ids(no_rail) == ["a-park", "b-park", "c-park"]  # nothing known: by id


def test_known_count_breaks_equal_scores():
    parks = metric_frame([park("a-park", None), park("z-park", None, planned=0.0)])
    tg = targets()
    scores = scored(parks, tg, {"interchange": 0, "rail": 0, "hub": 0, "centre": 0, "area": 1})
    assert math.isnan(scores.score["z-park"])  # area 0 of max 0: cannot normalise -> unknown
    parks2 = metric_frame(
        [
            park("a-park", None, planned=0.0),
            park("z-park", None, planned=0.0, industries=["x"]),
            park("m-park", None, planned=4.0),
        ]
    )
    s2 = scored(parks2, tg, {"interchange": 0, "rail": 0, "hub": 0, "centre": 0, "area": 1, "industry": 1}, ["y"])
    assert s2.score["a-park"] == s2.score["z-park"] == 0.0
    # with an industry chosen, parks whose industries are unknown (m, a) come before z, known not to match it
    assert ranked_ids(s2) == ["m-park", "a-park", "z-park"]
    assert s2.known_count["z-park"] == 2 and s2.known_count["a-park"] == 1


def test_inputs_are_not_mutated(world):
    parks, tg = world
    before = parks.copy()
    before_ic = tg["interchange"].copy()
    scored(parks, tg, {}, industries=["齿轮"])
    assert_geodataframe_equal(parks, before)
    assert_geodataframe_equal(tg["interchange"], before_ic)


@pytest.mark.parametrize(
    "weights, parameter",
    [
        ({"foo": 1}, "w_foo"),
        ({"interchange": 0, "rail": 0, "hub": 0, "centre": 0, "area": 0}, "weights"),
        (
            {"interchange": 0, "rail": 0, "hub": 0, "centre": 0, "area": 0, "industry": 5},
            "weights",
        ),  # no industry chosen
    ],
)
def test_bad_weights_raise_bad_parameter(world, weights, parameter):
    parks, tg = world
    with pytest.raises(BadParameter) as info:
        scored(parks, tg, weights)
    assert info.value.parameter == parameter


@pytest.mark.parametrize(
    "args, parameter",
    [
        ({"w_rail": ["-1"]}, "w_rail"),
        ({"w_rail": ["abc"]}, "w_rail"),
        ({"w_rail": ["nan"]}, "w_rail"),
        ({"w_rail": ["inf"]}, "w_rail"),
        ({"w_rail": [""]}, "w_rail"),
        ({"w_foo": ["1"]}, "w_foo"),
        ({"industry": ["钢琴"]}, "industry"),
        ({"f_industry": ["钢琴"]}, "f_industry"),
        ({"status": ["closed"]}, "status"),
        ({"min_area_km2": ["-2"]}, "min_area_km2"),
        ({"max_hub_km": ["x"]}, "max_hub_km"),
        ({"sel": ["nobody"]}, "sel"),
        ({"sort": ["colour"]}, "sort"),
    ],
)
def test_query_parsing_names_the_bad_parameter(world, args, parameter):
    vocab = park_vocabulary(world[0])
    with pytest.raises(BadParameter) as info:
        parse_query(args, vocab)
    assert info.value.parameter == parameter


def test_query_parsing_accepts_a_full_query(world):
    vocab = park_vocabulary(world[0])
    query = parse_query(
        {
            "w_rail": ["2.5"],
            "industry": ["齿轮,食品加工"],
            "max_interchange_km": ["4"],
            "sel": ["alpha,beta"],
            "dir": ["desc"],
        },
        vocab,
    )
    assert query.weights == {"rail": 2.5}
    assert query.industries == ("齿轮", "食品加工")
    assert query.filters.max_distance_km == {"interchange": 4.0}
    assert query.selected == ("alpha", "beta") and query.descending


def test_filters_hide_unknown_values_and_say_why():
    filt = ParkFilter(industries=("齿轮",), min_area_km2=6.0, max_distance_km={"interchange": 4.0})
    props = {"industries": ["齿轮"], "status": "existing", "designations": []}
    parks = pd.DataFrame([props, props, {"industries": []}])
    values = pd.DataFrame({"area": [10.0, math.nan, 10.0], "interchange": [3000.0, 5000.0, 0.0]})
    mask = hidden_mask(parks, values, filt)
    reasons = [[r for r, hidden in zip(hide_reasons(), row) if hidden] for row in mask.tolist()]
    assert reasons[0] == []
    assert reasons[1] == ["min_area_km2", "max_interchange_km"]
    assert reasons[2] == ["f_industry"]
