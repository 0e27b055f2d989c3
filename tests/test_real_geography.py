"""Issue 12: the shipped geography is the real one -- township polygons, railway lines, station points, area sites.

Plain json/shapely/geopandas against geodata/ and the committed source copies in scripts/sources/; no app imports.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parent.parent
GEODATA = ROOT / "geodata"
SOURCES = ROOT / "scripts" / "sources"
UTM48 = 32648


def load(name: str) -> dict:
    return json.loads((GEODATA / f"{name}.geojson").read_text(encoding="utf-8"))


def by_id(name: str) -> dict[str, dict]:
    return {f["properties"]["id"]: f for f in load(name)["features"]}


def area_km2(geom) -> float:
    return float(gpd.GeoSeries([geom], crs=4326).to_crs(UTM48).area.iloc[0] / 1e6)


@pytest.fixture(scope="module")
def source_towns() -> dict:
    fc = json.loads((SOURCES / "chongqing_qijiang.json").read_text(encoding="utf-8"))
    return {f["properties"]["name"]: shape(f["geometry"]) for f in fc["features"]}


def test_towns_are_the_30_real_polygons_none_schematic():
    towns = load("towns")["features"]
    assert len(towns) == 30
    assert {f["properties"]["accuracy"] for f in towns} == {"approximate"}
    assert all("appchart" in f["properties"]["source"] for f in towns)
    total = sum(area_km2(shape(f["geometry"])) for f in towns)
    print(f"towns: 30 polygons, {total:.1f} km² in EPSG:32648")
    assert abs(total - 2749) < 10


def test_each_town_keeps_its_source_area_within_one_percent(source_towns):
    worst = 0.0
    for f in load("towns")["features"]:
        names = [f["properties"]["name_zh"], *f["properties"]["aliases"]]
        src_name = next(n for n in names if n in source_towns)
        ours, theirs = area_km2(shape(f["geometry"])), area_km2(source_towns[src_name])
        change = abs(ours - theirs) / theirs
        worst = max(worst, change)
        assert change < 0.01, (src_name, ours, theirs)
    print(f"largest per-town area change from simplification: {worst:.4%}")


def test_renamed_and_missing_townships_are_stated():
    towns = {f["properties"]["name_zh"]: f["properties"] for f in load("towns")["features"]}
    xinsheng = towns["新盛街道"]
    assert "新盛镇" in xinsheng["aliases"] and "新盛镇" in xinsheng["boundary_note"]
    assert all("通惠街道" in p["boundary_note"] for p in towns.values())
    assert all("Tonghui" in p["boundary_note_en"] for p in towns.values())


def test_district_outline_is_the_union_of_the_towns_and_the_choice_is_recorded():
    district = load("district")
    choice = district["metadata"]["outline_choice"]
    assert choice["symmetric_difference_km2"] > 0 and choice["hausdorff_m"] > 0
    towns = gpd.GeoSeries([shape(f["geometry"]) for f in load("towns")["features"]], crs=4326).to_crs(UTM48)
    outline = gpd.GeoSeries([shape(district["features"][0]["geometry"])], crs=4326).to_crs(UTM48).iloc[0]
    union = towns.union_all()
    assert union.symmetric_difference(outline).area / outline.area < 0.001


def test_laoyingshan_sits_at_the_shijiao_yongcheng_sanjiao_tri_junction(source_towns):
    point = shape(by_id("places")["laoyingshan"]["geometry"])
    metric = gpd.GeoSeries([point, *(source_towns[n] for n in ("石角镇", "永城镇", "三角镇"))], crs=4326).to_crs(UTM48)
    distances = [metric.iloc[0].distance(metric.iloc[i]) for i in (1, 2, 3)]
    others = [n for n in source_towns if n not in ("石角镇", "永城镇", "三角镇")]
    far = gpd.GeoSeries([source_towns[n] for n in others], crs=4326).to_crs(UTM48).distance(metric.iloc[0])
    print(f"老瀛山 to the three towns: {[round(d, 2) for d in distances]} m; nearest other town {far.min():.0f} m")
    assert max(distances) < 1.0
    assert far.min() > 100


def test_chuanqian_and_sannan_are_drawn_from_the_round3_lines():
    railways = by_id("railways")
    chuanqian, sannan = railways["chuanqian-railway"], railways["sannan-railway"]
    assert chuanqian["properties"]["accuracy"] == "approximate" and "FID_rail_d" in chuanqian["properties"]["source"]
    assert sannan["properties"]["accuracy"] == "approximate"
    district = shape(load("district")["features"][0]["geometry"])
    inside_km = {
        fid: gpd.GeoSeries([shape(railways[fid]["geometry"]).intersection(district)], crs=4326)
        .to_crs(UTM48)
        .length.iloc[0]
        / 1000
        for fid in ("chuanqian-railway", "sannan-railway")
    }
    print(
        f"inside the district: 川黔 {inside_km['chuanqian-railway']:.1f} km, 三南 {inside_km['sannan-railway']:.1f} km"
    )
    assert abs(inside_km["chuanqian-railway"] - 75.5) < 2  # fact sheet round 3: ~75.5 km
    assert abs(inside_km["sannan-railway"] - 27.8) < 1


def test_railway_lines_pass_their_stations():
    """The DIVA line is WGS-84: it passes the WGS-84 station points within its 1:1M generalisation (not ~500 m off)."""
    line = gpd.GeoSeries([shape(by_id("railways")["chuanqian-railway"]["geometry"])], crs=4326).to_crs(UTM48).iloc[0]
    stations = by_id("stations")
    for fid, limit_m in (("ganshui-station", 100), ("dongshengba-station", 100), ("qijiang-station", 200)):
        pt = gpd.GeoSeries([shape(stations[fid]["geometry"])], crs=4326).to_crs(UTM48).iloc[0]
        assert pt.distance(line) < limit_m, (fid, pt.distance(line))


def test_osm_station_points_agree_with_round2_points_and_are_not_gcj02():
    """Datum check of the OSM source: its 三江 node vs the round-2 WGS-84 三江站 point."""
    points = json.loads((SOURCES / "round3" / "points.geojson").read_text(encoding="utf-8"))["features"]
    osm = [f for f in points if f["properties"]["name_zh"] == "三江站" and "OMap" in f["properties"]["source"]][0]
    round2 = by_id("stations")["sanjiang-station"]
    pair = gpd.GeoSeries([shape(osm["geometry"]), shape(round2["geometry"])], crs=4326).to_crs(UTM48)
    offset_m = pair.iloc[0].distance(pair.iloc[1])
    print(f"OSM 三江 node vs round-2 三江站: {offset_m:.0f} m (GCJ-02 would be ~500 m)")
    assert offset_m < 150


@pytest.mark.parametrize(
    "fid",
    [
        "sanjiang-east-station",
        "wansheng-station",
        "wansheng-east-station",
        "wansheng-south-station",
        "gukouhe-station",
        "yanshitai-station",
        "shimenkan-station",
    ],
)
def test_osm_stations_are_placed_and_surveyed(fid):
    props = by_id("stations")[fid]["properties"]
    assert props["accuracy"] == "surveyed" and "OpenStreetMap" in props["source"]


def test_area_sites_are_their_township_polygon_with_the_sourced_wording():
    towns = by_id("towns")
    sites = [
        f
        for name in ("parks", "hubs", "communities", "places")
        for f in load(name)["features"]
        if f["properties"]["accuracy"] == "area"
    ]
    assert {f["properties"]["id"] for f in sites} >= {"shuanglong-community", "shuijinggou-renovation", "tonghui-xinqu"}
    for f in sites:
        p = f["properties"]
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
        assert p["location_text"] and p["area_ref"] in towns
        assert f["geometry"] == towns[p["area_ref"]]["geometry"], p["id"]


def test_more_of_the_article_named_features_are_drawn_than_before():
    """Round 2 drew 12 of the 44 corridor, park, hub and community features; count what is drawn now."""
    counts = {}
    for name in ("railways", "expressways", "river", "stations", "parks", "hubs", "communities"):
        feats = load(name)["features"]
        counts[name] = (sum(f["geometry"] is not None for f in feats), len(feats))
    drawn, total = sum(d for d, _ in counts.values()), sum(t for _, t in counts.values())
    print(f"drawn: {drawn} of {total} features ({drawn / total:.0%}); per layer {counts}")
    assert drawn >= 25


def test_yugui_stations_are_the_named_osm_points_on_the_yugui_line():
    """綦江东/赶水东 (chinarail, named) coincide with the unnamed OMap-GeoDB nodes and lie on the 渝贵 trace."""
    nodes = json.loads((SOURCES / "round3" / "points.geojson").read_text(encoding="utf-8"))["features"]
    unnamed = gpd.GeoSeries([shape(f["geometry"]) for f in nodes if not f["properties"]["name_zh"]], crs=4326).to_crs(
        UTM48
    )
    stations = by_id("stations")
    line = gpd.GeoSeries([shape(by_id("railways")["yugui-railway"]["geometry"])], crs=4326).to_crs(UTM48).iloc[0]
    for fid in ("qijiang-east-station", "ganshui-east-station"):
        props = stations[fid]["properties"]
        assert props["accuracy"] == "surveyed" and "chinarail" in props["source"]
        pt = gpd.GeoSeries([shape(stations[fid]["geometry"])], crs=4326).to_crs(UTM48).iloc[0]
        node_m, line_m = unnamed.distance(pt).min(), pt.distance(line)
        print(f"{props['name_zh']}: {node_m:.0f} m from an unnamed OSM node, {line_m:.0f} m from the 渝贵 trace")
        assert node_m < 100 and line_m < 200
