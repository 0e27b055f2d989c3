"""Content checks for geodata/*.geojson (the Qijiang dataset). Plain json/shapely/geopandas; no app imports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pyproj
import pytest
from shapely.geometry import Point, shape

GEODATA = Path(__file__).resolve().parent.parent / "geodata"
FILES = [
    "district",
    "neighbours",
    "towns",
    "places",
    "railways",
    "expressways",
    "river",
    "stations",
    "parks",
    "hubs",
    "communities",
]
MAIN_BBOX = (106.2, 28.3, 107.3, 29.4)
NEIGHBOUR_BBOX = (105.8, 28.0, 107.8, 29.8)
ACCURACY = {"surveyed", "approximate", "area", "schematic", "unplaced"}
FAMILIES = {"corridor", "park", "hub", "community", "context"}
STATUSES = {"operating", "under_construction", "planned", "designated", "existing", "unknown"}
GEOM_TYPES = {
    "district": {"Polygon", "MultiPolygon"},
    "neighbours": {"Polygon", "MultiPolygon"},
    "towns": {"Polygon", "MultiPolygon"},
    "places": {"Point", "Polygon", "MultiPolygon"},
    "railways": {"LineString", "MultiLineString"},
    "expressways": {"LineString", "MultiLineString"},
    "river": {"LineString", "MultiLineString"},
    "stations": {"Point"},
    "parks": {"Polygon", "MultiPolygon", "Point"},
    "hubs": {"Polygon", "MultiPolygon", "Point"},
    "communities": {"Point", "Polygon", "MultiPolygon"},
}
FAMILY_OF = {
    "district": "context",
    "neighbours": "context",
    "towns": "context",
    "places": "context",
    "railways": "corridor",
    "expressways": "corridor",
    "river": "corridor",
    "stations": "corridor",
    "parks": "park",
    "hubs": "hub",
    "communities": "community",
}

# Names the source article (source_article_zh.txt) gives for corridors, parks, hubs, communities and places,
# collected by hand. Each must be a name_zh or an alias of some feature.
ARTICLE_NAMES = [
    # places / context
    "綦江区",
    "东部新城",
    "綦江河",
    "古剑山",
    "老瀛山",
    "中坝村",
    "大坪村",
    "永桐新城",
    "文龙街道",
    "渡渡水库",
    # corridors
    "渝贵铁路",
    "豹子岩特大桥",
    "兰海高速",
    "渝筑高速",
    "渝贵铁路",
    "川黔铁路",
    "渝贵高铁",
    "安习高速",
    # parks
    "北渡园区",
    "重庆唯一专业食品工业园",
    "国家网络安全产业园区",
    "自贡—綦江成渝地区双城经济圈产业合作示范园区",
    "北渡片区",
    # hubs
    "重庆南部综合物流园",
    "西部陆海新通道渝黔综合服务区",
    "重庆南部大宗散货集散分拨基地",
    "转关口岸",
    # community
    "双龙社区",
]
# Enterprises the article names: must appear in some park's `enterprises` list.
ARTICLE_FIRMS = [
    "重庆两江汽车半轴股份有限公司",
    "多元科技",
    "荆江半轴",
    "文正玻璃",
    "泰山石膏",
    "重庆新视通智能科技有限公司",
]
# Designations the article names for 北渡园区 (brief wording: 集群).
ARTICLE_DESIGNATIONS = [
    "市级中小企业特色产业集群（铝基轻量化材料集群）",
    "市级承接产业转移示范区（智能网联新能源汽车轻量化材料）",
]


def load(name):
    return json.loads((GEODATA / f"{name}.geojson").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def collections():
    return {n: load(n) for n in FILES}


def all_features(collections):
    for n, fc in collections.items():
        for f in fc["features"]:
            yield n, f


def test_feature_collections_are_rfc7946(collections):
    for n, fc in collections.items():
        assert fc["type"] == "FeatureCollection"
        assert "crs" not in fc, n
        assert fc["features"], n


def test_article_names_present(collections):
    names = set()
    for _n, f in all_features(collections):
        names.add(f["properties"]["name_zh"])
        names.update(f["properties"]["aliases"])
    missing = [n for n in ARTICLE_NAMES if n not in names]
    assert not missing, missing


def test_article_firms_and_designations_listed(collections):
    ents, des = set(), set()
    for f in collections["parks"]["features"]:
        ents.update(f["properties"]["enterprises"])
        des.update(f["properties"]["designations"])
    assert not [e for e in ARTICLE_FIRMS if e not in ents]
    assert not [d for d in ARTICLE_DESIGNATIONS if d not in des]


def test_ids_unique_across_files(collections):
    ids = [f["properties"]["id"] for _n, f in all_features(collections)]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    for i in ids:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i), i


def test_common_properties(collections):
    date_re = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
    for n, f in all_features(collections):
        p = f["properties"]
        fid = p.get("id")
        for k in (
            "id",
            "name_zh",
            "name_en",
            "family",
            "kind",
            "status",
            "source",
            "as_of",
            "accuracy",
            "description_zh",
            "description_en",
        ):
            assert isinstance(p.get(k), str) and p[k].strip(), (n, fid, k)
        assert isinstance(p.get("aliases"), list) and all(isinstance(a, str) for a in p["aliases"]), (n, fid)
        assert "location_method" in p and (p["location_method"] is None or isinstance(p["location_method"], str))
        assert p["family"] in FAMILIES and p["family"] == FAMILY_OF[n], (n, fid)
        assert p["status"] in STATUSES, (n, fid, p["status"])
        assert p["accuracy"] in ACCURACY, (n, fid)
        assert date_re.fullmatch(p["as_of"]), (n, fid, p["as_of"])
        assert (f["geometry"] is None) == (p["accuracy"] == "unplaced"), (n, fid)
        if p["accuracy"] in ("schematic",) or f["geometry"] is not None and p["accuracy"] != "surveyed":
            assert p["location_method"], (n, fid, "a placed non-surveyed feature must say how it was placed")


def test_geometries_valid_typed_and_in_bbox(collections):
    for n, f in all_features(collections):
        if f["geometry"] is None:
            continue
        g = shape(f["geometry"])
        assert f["geometry"]["type"] in GEOM_TYPES[n], (n, f["properties"]["id"], f["geometry"]["type"])
        assert g.is_valid and not g.is_empty, (n, f["properties"]["id"])
        bb = NEIGHBOUR_BBOX if n == "neighbours" else MAIN_BBOX
        x0, y0, x1, y1 = g.bounds
        assert bb[0] <= x0 and x1 <= bb[2] and bb[1] <= y0 and y1 <= bb[3], (n, f["properties"]["id"], g.bounds)


def test_file_specific_schema(collections):
    d = collections["district"]["features"]
    assert len(d) == 1 and d[0]["properties"]["area_official_km2"] == 2747
    assert d[0]["properties"]["established"] == "2011-10-22"
    assert len(collections["towns"]["features"]) == 30
    for f in collections["towns"]["features"]:
        assert f["properties"]["kind"] in ("subdistrict", "town")
    yg = [f for f in collections["railways"]["features"] if f["properties"]["id"] == "yugui-railway"][0]
    assert yg["properties"]["length_in_district_km_sourced"] == 66.7
    for f in collections["railways"]["features"]:
        assert f["properties"]["lanes"] is None
    for f in collections["stations"]["features"]:
        assert isinstance(f["properties"]["line_ids"], list)
    corridor_ids = {f["properties"]["id"] for n in ("railways", "expressways") for f in collections[n]["features"]}
    for f in collections["stations"]["features"]:
        assert set(f["properties"]["line_ids"]) <= corridor_ids, f["properties"]["id"]
    park_ids = {f["properties"]["id"] for f in collections["parks"]["features"]}
    for f in collections["parks"]["features"]:
        assert f["properties"]["parent_id"] in park_ids | {None}


def test_town_labels_inside_district_and_own_polygon(collections):
    district = shape(collections["district"]["features"][0]["geometry"])
    for f in collections["towns"]["features"]:
        p = f["properties"]
        pt = Point(p["label_lon"], p["label_lat"])
        assert district.contains(pt), p["name_zh"]
        assert shape(f["geometry"]).contains(pt), p["name_zh"]


def test_yugui_length_in_district(collections):
    district = shape(collections["district"]["features"][0]["geometry"])
    yg = [f for f in collections["railways"]["features"] if f["properties"]["id"] == "yugui-railway"][0]
    inside = shape(yg["geometry"]).intersection(district)
    projected_km = gpd.GeoSeries([inside], crs=4326).to_crs(32648).length.iloc[0] / 1000
    print(f"渝贵铁路 inside district: {projected_km:.2f} km (EPSG:32648), sourced 66.7 km")
    assert abs(projected_km - 66.7) / 66.7 < 0.05
    geod = pyproj.Geod(ellps="WGS84")
    geod_km = geod.geometry_length(inside) / 1000
    print(f"渝贵铁路 inside district: {geod_km:.2f} km (geodesic)")
    assert abs(geod_km - projected_km) / projected_km < 0.005


def test_township_total_area(collections):
    gs = gpd.GeoSeries([shape(f["geometry"]) for f in collections["towns"]["features"]], crs=4326).to_crs(32648)
    total = gs.area.sum() / 1e6
    print(f"township total area: {total:.1f} km² (official 2,747)")
    assert abs(total - 2749) < 10  # issue 12: the real polygons sum to 2,749 ± 10 km² (official figure 2,747)


def test_neighbours_do_not_overlap_district(collections):
    district = gpd.GeoSeries([shape(collections["district"]["features"][0]["geometry"])], crs=4326).to_crs(32648)
    d = district.iloc[0]
    worst = 0.0
    for f in collections["neighbours"]["features"]:
        n = gpd.GeoSeries([shape(f["geometry"])], crs=4326).to_crs(32648).iloc[0]
        assert n.distance(d) < 500, f["properties"]["name_zh"]  # they do touch
        share = n.intersection(d).area / d.area
        worst = max(worst, share)
        assert share < 0.01, (f["properties"]["name_zh"], share)
    print(f"largest neighbour/district overlap: {worst * 100:.3f} % of district area")


def test_datum_of_district_matches_wgs84_reference(collections):
    """District centroid vs the fact sheet's WGS-84 township-union centroid (DataV GCJ centroid + (-0.0038, +0.0033)).
    An unconverted GCJ-02 outline would be ~0.0038° east and ~0.0035° south (~500 m)."""
    d = shape(collections["district"]["features"][0]["geometry"])
    ref = (106.722706 - 0.0038, 28.87864 + 0.0033)
    c = d.centroid
    assert abs(c.x - ref[0]) < 0.0012 and abs(c.y - ref[1]) < 0.0012, (c.x, c.y)


def _coords(obj):
    if isinstance(obj, list) and obj and isinstance(obj[0], (int, float)):
        yield obj
    elif isinstance(obj, list):
        for o in obj:
            yield from _coords(o)


def test_coordinate_precision(collections):
    for n in FILES:
        text = (GEODATA / f"{n}.geojson").read_text(encoding="utf-8")
        fc = json.loads(text)
        for f in fc["features"]:
            if f["geometry"] is None:
                continue
            for c in _coords(f["geometry"]["coordinates"]):
                for v in c:
                    assert round(v, 6) == v, (n, f["properties"]["id"], v)
        # and in the raw text: no number with more than 6 decimals inside "coordinates"
        for m in re.finditer(r'"coordinates":\s*(\[[^a-z"]*\])', text):
            assert not re.search(r"\d+\.\d{7,}", m.group(1)), n
