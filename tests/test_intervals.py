"""Issue 12: distances from and to sites known only to lie in an area are intervals, checked by hand.

Metric squares in EPSG:32648 (metres) keep the arithmetic exact; a WGS-84 round trip checks the park ranking.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, box

from atlas.analysis.nearest import SAMPLE_STEP_M, area_samples_xy, distance_interval_m
from atlas.parks.score import metric_records, park_base, score_base
from atlas.parks.targets import ParkTargets

SQUARE = box(0, 0, 1000, 1000)  # a 1 km square area, metres


def test_area_to_one_point_runs_from_the_near_edge_to_the_far_corner():
    near, far = distance_interval_m(SQUARE, True, [(Point(3000, 500), False)])
    assert near == pytest.approx(2000.0)
    assert far == pytest.approx(math.hypot(3000, 500))  # corner (0, 0) or (0, 1000): 3041.38 m


def test_area_between_two_points_is_farthest_on_the_midline_corners():
    near, far = distance_interval_m(SQUARE, True, [(Point(-500, 500), False), (Point(1500, 500), False)])
    assert near == pytest.approx(500.0)
    assert far == pytest.approx(math.hypot(1000, 500))  # (500, 0): 1118.03 m from both points


def test_point_to_area_target_uses_the_targets_farthest_vertex():
    near, far = distance_interval_m(Point(0, 0), False, [(box(1000, 0, 2000, 1000), True)])
    assert (near, far) == (pytest.approx(1000.0), pytest.approx(math.hypot(2000, 1000)))


def test_area_to_area_spans_nearest_edges_to_farthest_corners():
    near, far = distance_interval_m(SQUARE, True, [(box(3000, 0, 4000, 1000), True)])
    assert (near, far) == (pytest.approx(2000.0), pytest.approx(math.hypot(4000, 1000)))


def test_plain_distances_are_not_intervals():
    assert distance_interval_m(Point(0, 0), False, [(Point(300, 400), False)]) == (500.0, 500.0)
    assert all(math.isnan(v) for v in distance_interval_m(SQUARE, True, []))


def test_samples_cover_the_area_at_the_step():
    xy = area_samples_xy(SQUARE)
    assert len(xy) >= (1000 / SAMPLE_STEP_M + 1) ** 2
    assert xy[:, 0].min() == 0 and xy[:, 0].max() == 1000
    with pytest.raises(ValueError, match="step_m"):
        area_samples_xy(SQUARE, 0)


def _wgs84(geoms, **columns) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(columns, geometry=list(geoms), crs=32648)
    return frame.to_crs(4326)


def test_ranking_reports_an_area_parks_interval_and_scores_its_far_end():
    x0, y0 = 650_000, 3_210_000  # near Qijiang in UTM 48N
    parks = _wgs84(
        [box(x0, y0, x0 + 1000, y0 + 1000), Point(x0 + 500, y0 + 500)],
        id=["area-park", "point-park"],
        accuracy=["area", "surveyed"],
        name_zh=["甲", "乙"],
        planned_area_km2=[None, None],
        industries=[[], []],
    )
    station = _wgs84([Point(x0 + 3000, y0 + 500)], id=["s"], accuracy=["surveyed"])
    empty = station.iloc[0:0]
    targets = ParkTargets(interchange=empty, rail=station, hub=empty, centre=empty)
    base = park_base(parks, targets)
    scores = score_base(base, {"interchange": 0, "rail": 1, "hub": 0, "centre": 0, "area": 0})
    area_row, point_row = (row["rail"] for row in metric_records(scores, np.array([0, 1])))  # parks' order
    near, far = area_row["interval"]
    assert near == pytest.approx(2000, abs=1) and far == pytest.approx(math.hypot(3000, 500), abs=1)
    assert area_row["value"] == far  # scored at the far end
    assert area_row["normalised"] == pytest.approx(1 - far / 20_000, abs=1e-4)
    assert point_row["interval"] is None and point_row["value"] == pytest.approx(2500, abs=1)


def test_corridor_comparison_gives_area_communities_an_interval(client):
    """Real data: 双龙社区 is known only to lie in 文龙街道, which 渝贵铁路 crosses."""
    body = client.get("/api/corridors/compare?ids=yugui-railway,chuanqian-railway&buffer_m=5000").get_json()
    yugui = body["corridors"][0]
    assert "shuanglong-community" in yugui["served"]["communities"]
    site = yugui["area_sites"]["shuanglong-community"]
    assert site["nearest_m"] == 0.0 and site["farthest_m"] > 5000 and site["certain"] is False
    assert set(yugui["area_sites"]) <= {
        fid for layer in ("parks", "hubs", "communities") for fid in yugui["served"][layer]
    }


def test_every_park_with_a_placed_or_area_geometry_gets_a_score(client):
    layer = {f["properties"]["id"]: f for f in client.get("/api/layers/parks.geojson").get_json()["features"]}
    ranked = client.get("/api/parks/rank").get_json()["parks"]
    scored = {p["id"] for p in ranked if p["score"] is not None}
    placed = {fid for fid, f in layer.items() if f["geometry"] is not None}
    assert placed and placed <= scored
    for park in ranked:
        area = layer[park["id"]]["properties"]["accuracy"] == "area"
        for key in ("interchange", "rail", "hub", "centre"):
            metric = park["metrics"][key]
            if area and metric["value"] is not None:
                assert metric["interval"][0] <= metric["interval"][1] == metric["value"], (park["id"], key)
