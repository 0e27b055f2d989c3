"""Corridor analysis on tiny synthetic geometries with hand-computed answers, and on the real railways."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import pytest
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import LineString, Point, box, mapping, shape

from atlas.analysis import METRIC_CRS, WGS84, geodesic_length_m, to_metric
from atlas.catalog import load_catalog
from atlas.corridors.catchments import catchments, length_in_district_km, park_area_ha, served_features
from atlas.corridors.compare import compare_corridors, difference_sets, list_corridors
from atlas.corridors.context import build_context, context_layers, corridor_context
from atlas.corridors.export import CSV_BOM, catchments_geojson, comparison_csv
from atlas.corridors.inputs import parse_buffer_m, parse_ids
from atlas.corridors.proposed import ProposedLine, parse_proposed, read_line_upload
from atlas.errors import BadParameter
from server import ROOT
from tests.conftest import GEODATA, rename_feature

CATALOG = load_catalog(ROOT / "layers")

X0, Y0 = 660_000.0, 3_190_000.0  # UTM 48N, inside Qijiang


def metric_frame(rows: list[dict], geoms: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=METRIC_CRS)


def wgs84_frame(rows: list[dict], geoms_m: list) -> gpd.GeoDataFrame:
    return metric_frame(rows, geoms_m).to_crs(WGS84)


def corridor_row(cid: str, **extra) -> dict:
    return {
        "id": cid,
        "name_zh": f"线{cid}",
        "name_en": cid,
        "kind": "railway",
        "status": "operating",
        "accuracy": "approximate",
        "opened": "2000",
        "length_km": None,
        "length_in_district_km_sourced": None,
        **extra,
    }


def synthetic_frames() -> dict[str, gpd.GeoDataFrame]:
    """Line a runs east 10 km from (X0, Y0); line b runs parallel 3 km north; the district is 9 km wide."""
    a = LineString([(X0, Y0), (X0 + 10_000, Y0)])
    b = LineString([(X0, Y0 + 3_000), (X0 + 10_000, Y0 + 3_000)])
    parks = wgs84_frame(
        [
            {"id": "p-a", "name_zh": "甲园", "industries": ["齿轮"], "planned_area_km2": 2.0, "built_area_km2": None},
            {"id": "p-b", "name_zh": "乙园", "industries": ["铝"], "planned_area_km2": None, "built_area_km2": 0.5},
            {
                "id": "p-mid",
                "name_zh": "中园",
                "industries": ["食品"],
                "planned_area_km2": None,
                "built_area_km2": None,
            },
        ],
        [Point(X0 + 5_000, Y0 - 500), Point(X0 + 5_000, Y0 + 3_500), Point(X0 + 5_000, Y0 + 1_500)],
    )
    towns_m = [Point(X0 + 2_000, Y0 + 999), Point(X0 + 2_000, Y0 + 1_001)]
    towns = wgs84_frame(
        [{"id": "t-in", "name_zh": "近镇"}, {"id": "t-out", "name_zh": "远镇"}], [p.buffer(300) for p in towns_m]
    )
    towns["label_lon"] = gpd.GeoSeries(towns_m, crs=METRIC_CRS).to_crs(WGS84).x.to_numpy()
    towns["label_lat"] = gpd.GeoSeries(towns_m, crs=METRIC_CRS).to_crs(WGS84).y.to_numpy()
    return {
        "railways": wgs84_frame([corridor_row("a"), corridor_row("b")], [a, b]),
        "expressways": wgs84_frame([corridor_row("x", accuracy="unplaced")], [None]),
        "river": wgs84_frame([], []).assign(id=[]),
        "district": wgs84_frame([{"id": "d"}], [box(X0 - 1_000, Y0 - 5_000, X0 + 8_000, Y0 + 5_000)]),
        "parks": parks,
        "hubs": wgs84_frame(
            [{"id": "h-all", "name_zh": "全区"}], [box(X0 - 1_000, Y0 - 5_000, X0 + 8_000, Y0 + 5_000)]
        ),
        "communities": wgs84_frame([{"id": "c-a", "name_zh": "社区"}], [Point(X0 + 9_000, Y0 + 200)]),
        "towns": towns,
        "stations": wgs84_frame(
            [
                {"id": "s-a", "name_zh": "甲站", "kind": "station", "line_ids": ["a"]},
                {"id": "s-out", "name_zh": "区外站", "kind": "station", "line_ids": ["a", "b"]},
                {"id": "br", "name_zh": "桥", "kind": "bridge", "line_ids": ["a"]},
            ],
            [Point(X0 + 1_000, Y0), Point(X0 + 9_500, Y0), Point(X0 + 3_000, Y0)],
        ),
    }


def test_catchment_of_a_straight_line_has_the_stadium_area():
    lines = metric_frame([{"id": "a"}], [LineString([(X0, Y0), (X0 + 10_000, Y0)])])
    zone = catchments(lines, 1_000).geometry.iloc[0]
    area_km2 = zone.area / 1e6
    assert area_km2 == pytest.approx(2 * 10 * 1 + math.pi * 1**2, rel=1e-3)
    assert zone.contains(Point(X0 + 5_000, Y0 + 999))
    assert not zone.contains(Point(X0 + 5_000, Y0 + 1_001))


def test_served_features_uses_the_buffer_distance_in_metres_including_the_round_ends():
    lines = metric_frame([{"id": "a"}], [LineString([(X0, Y0), (X0 + 10_000, Y0)])])
    points = metric_frame(
        [{"id": "side-in"}, {"id": "side-out"}, {"id": "end-in"}, {"id": "end-out"}],
        [
            Point(X0 + 5_000, Y0 - 999),
            Point(X0 + 5_000, Y0 - 1_001),
            Point(X0 + 10_999, Y0),
            Point(X0 + 10_000 + 708, Y0 + 708),
        ],
    )
    assert served_features(catchments(lines, 1_000), points) == {"a": ["side-in", "end-in"]}


def test_catchments_refuse_a_geographic_crs():
    lines = wgs84_frame([{"id": "a"}], [LineString([(X0, Y0), (X0 + 1_000, Y0)])])
    with pytest.raises(ValueError, match="EPSG:32648"):
        catchments(lines, 1_000)


def test_length_in_district_counts_only_the_part_inside():
    lines = gpd.GeoSeries(
        [LineString([(X0 - 5_000, Y0), (X0 + 15_000, Y0)]), LineString([(X0, Y0 + 50_000), (X0 + 1, Y0 + 50_000)])],
        crs=METRIC_CRS,
    )
    district = box(X0, Y0 - 1_000, X0 + 10_000, Y0 + 1_000)
    assert length_in_district_km(lines, district).tolist() == pytest.approx([10.0, 0.0])


def test_point_and_polygon_parks_add_their_area_in_hectares():
    zones = catchments(metric_frame([{"id": "a"}], [LineString([(X0, Y0), (X0 + 10_000, Y0)])]), 1_000)
    parks = metric_frame(
        [
            {"id": "poly", "planned_area_km2": None, "built_area_km2": None},
            {"id": "pt", "planned_area_km2": 1.5, "built_area_km2": 0.4},
            {"id": "far", "planned_area_km2": 9.0, "built_area_km2": None},
        ],
        [box(X0 + 1_000, Y0 + 500, X0 + 2_000, Y0 + 1_500), Point(X0 + 3_000, Y0), Point(X0, Y0 + 5_000)],
    )
    # half of the 1 km x 1 km polygon (50 ha) lies inside, plus the point park's planned 1.5 km2 (150 ha)
    assert park_area_ha(zones, parks) == {"a": pytest.approx(200.0, abs=0.1)}


def test_compare_sets_only_in_and_shared_and_follows_the_buffer():
    ctx = build_context(synthetic_frames(), CATALOG)
    near = compare_corridors(ctx, ["a", "b"], 1_000)
    a, b = near["corridors"]
    assert a["served"]["parks"] == ["p-a"] and b["served"]["parks"] == ["p-b"]
    assert near["only_in"] == {
        "a": {"parks": ["p-a"], "hubs": [], "communities": ["c-a"], "towns": ["t-in"]},
        "b": {"parks": ["p-b"], "hubs": [], "communities": [], "towns": []},
    }
    assert near["shared"] == {"parks": [], "hubs": ["h-all"], "communities": [], "towns": []}
    assert a["park_area_ha"] == 200.0 and b["park_area_ha"] == 50.0
    assert a["stations"] == ["s-a"] and b["stations"] == []
    assert a["industries"] == ["齿轮"]
    assert a["length_in_district_km"] == pytest.approx(8.0, abs=0.01) and a["length_km"] == pytest.approx(
        10.0, abs=0.01
    )
    wide = compare_corridors(ctx, ["a", "b"], 2_000)
    assert wide["shared"]["parks"] == ["p-mid"]
    assert wide["corridors"][0]["served"]["towns"] == ["t-in", "t-out"]


def test_difference_sets_with_three_corridors():
    served = {
        c: {"parks": p, "hubs": [], "communities": [], "towns": []}
        for c, p in (("a", ["1", "2", "3"]), ("b", ["2", "3"]), ("c", ["3", "4"]))
    }
    only_in, shared = difference_sets(served)
    assert {c: v["parks"] for c, v in only_in.items()} == {"a": ["1"], "b": [], "c": ["4"]}
    assert shared["parks"] == ["3"]


def test_a_proposed_line_joins_as_one_more_corridor():
    ctx = build_context(synthetic_frames(), CATALOG)
    geom_m = LineString([(X0 + 5_000, Y0 - 3_000), (X0 + 5_000, Y0 + 6_000)])
    geom = gpd.GeoSeries([geom_m], crs=METRIC_CRS).to_crs(WGS84).iloc[0]
    result = compare_corridors(ctx, ["a"], 600, ProposedLine(geom, "新线"))
    proposed = result["corridors"][1]
    assert proposed["id"] == "proposed" and proposed["name_zh"] == "新线"
    assert proposed["served"]["parks"] == ["p-a", "p-b", "p-mid"]  # layer order
    assert result["only_in"]["proposed"]["parks"] == ["p-b", "p-mid"]


def test_inputs_are_not_mutated():
    frames = synthetic_frames()
    copies = {k: v.copy(deep=True) for k, v in frames.items()}
    ctx = build_context(frames, CATALOG)
    corridors_before = ctx.corridors.copy(deep=True)
    compare_corridors(ctx, ["a", "b"], 5_000)
    list_corridors(ctx)
    for key, frame in frames.items():
        assert_geodataframe_equal(frame, copies[key])
    assert_geodataframe_equal(ctx.corridors, corridors_before)


def test_listing_marks_unplaced_corridors_as_not_comparable():
    listing = {c["id"]: c for c in list_corridors(build_context(synthetic_frames(), CATALOG))}
    assert listing["x"]["comparable"] is False and listing["x"]["length_in_district_km"] is None
    assert listing["a"]["comparable"] is True and listing["a"]["length_in_district_km"] == pytest.approx(8.0)


def test_the_stores_context_is_kept_until_a_layer_it_reads_changes(geodata_copy):
    from atlas.catalog import load_catalog
    from atlas.stores.files import FileStore
    from server import ROOT

    store = FileStore(load_catalog(ROOT / "layers"), geodata_copy)
    ctx = corridor_context(store)
    assert corridor_context(store) is ctx
    rename_feature(geodata_copy / "places.geojson", _first_id(geodata_copy / "places.geojson"), "改名地点")
    assert "places" not in context_layers(CATALOG) and corridor_context(store) is ctx  # a layer it does not read
    rename_feature(geodata_copy / "railways.geojson", "yugui-railway", "改名铁路")
    rebuilt = corridor_context(store)
    assert rebuilt is not ctx
    names = {c["id"]: c["name_zh"] for c in list_corridors(rebuilt)}
    assert names["yugui-railway"] == "改名铁路"
    assert {c["id"]: c["name_zh"] for c in list_corridors(ctx)}["yugui-railway"] == "渝贵铁路"


def _first_id(path) -> str:
    return json.loads(path.read_text(encoding="utf-8"))["features"][0]["properties"]["id"]


@pytest.fixture(scope="module")
def real_context():
    frames = {lid: gpd.read_file(GEODATA / f"{lid}.geojson") for lid in context_layers(CATALOG)}
    return build_context(frames, CATALOG)


def test_real_yugui_length_inside_qijiang_matches_the_source_and_the_ellipsoid(real_context):
    yugui = real_context.corridors[real_context.corridors["id"] == "yugui-railway"]
    sourced_km = float(yugui["length_in_district_km_sourced"].iloc[0])
    district_m = to_metric(gpd.GeoDataFrame(geometry=[real_context.district], crs=WGS84)).geometry.iloc[0]
    lines_m = to_metric(yugui)
    projected_km = float(length_in_district_km(lines_m.geometry, district_m).iloc[0])
    assert sourced_km == pytest.approx(66.7)
    assert projected_km == pytest.approx(sourced_km, rel=0.05)
    inside_wgs84 = lines_m.geometry.intersection(district_m).to_crs(WGS84).iloc[0]
    assert projected_km == pytest.approx(geodesic_length_m(inside_wgs84) / 1000.0, rel=0.005)


def test_real_comparison_of_the_two_placed_railways(real_context):
    result = compare_corridors(real_context, ["yugui-railway", "chuanqian-railway"], 5_000)
    yugui, chuanqian = result["corridors"]
    assert yugui["stations"] == ["qijiang-east-station", "ganshui-east-station"]
    assert "qijiang-station" in chuanqian["stations"] and "baoziyan-bridge" not in yugui["stations"]
    assert "township-sanjiang" in result["shared"]["towns"]
    titles = {lid: (CATALOG.get(lid).title_zh, CATALOG.get(lid).title_en) for lid in result["shared"]}
    csv_text = comparison_csv(result, titles)
    assert csv_text.startswith(CSV_BOM) and "渝贵铁路" in csv_text and len(csv_text.strip().splitlines()) == 3
    header = csv_text.splitlines()[0].lstrip(CSV_BOM).split(",")
    assert [header.index(f"{CATALOG.get(lid).title_zh}数") for lid in result["shared"]] == [9, 11, 13, 15]
    fc = catchments_geojson(result)
    assert [f["properties"]["corridor"] for f in fc["features"]] == ["yugui-railway", "chuanqian-railway"]
    assert fc["features"][0]["geometry"]["type"] == "Polygon"


@pytest.mark.parametrize("raw, expected", [(None, 5000.0), ("500", 500.0), (20000, 20000.0), ("1234.5", 1234.5)])
def test_buffer_parsing_accepts_the_range(raw, expected):
    assert parse_buffer_m(raw) == expected


@pytest.mark.parametrize("raw", ["499", 20001, "abc", "nan", "inf", True, [5000]])
def test_buffer_parsing_rejects_everything_else(raw):
    with pytest.raises(BadParameter) as info:
        parse_buffer_m(raw)
    assert info.value.parameter == "buffer_m"


def test_ids_parsing():
    assert parse_ids("a, b,,c") == ("a", "b", "c")
    assert parse_ids(["a", "b"]) == ("a", "b")
    for bad in ("a,a", [1, 2], {"a": 1}):
        with pytest.raises(BadParameter, match="ids"):
            parse_ids(bad)


LINE = {"type": "LineString", "coordinates": [[106.6, 28.9], [106.7, 28.95]]}


@pytest.mark.parametrize(
    "obj, message",
    [
        ({"type": "Polygon", "coordinates": [[[106.6, 28.9], [106.7, 28.9], [106.7, 29.0], [106.6, 28.9]]]}, "Polygon"),
        ({"type": "LineString", "coordinates": [[106.6, 28.9, 300], [106.7, 28.95, 310]]}, "3-D"),
        ({"type": "LineString", "coordinates": [[106.6, float("nan")], [106.7, 28.95]]}, "finite"),
        ({"type": "LineString", "coordinates": [[116.4, 39.9], [116.5, 39.95]]}, "outside"),
        ({"type": "LineString", "coordinates": "oops"}, "position"),
        ({"type": "FeatureCollection", "features": []}, "exactly one"),
        ("LINESTRING (1 2, 3 4)", "GeoJSON"),
    ],
)
def test_parse_proposed_rejects_what_is_not_one_line_in_the_region(obj, message):
    with pytest.raises(BadParameter, match=message) as info:
        parse_proposed(obj)
    assert info.value.parameter == "proposed"


def test_parse_proposed_accepts_a_feature_and_keeps_its_name():
    line = parse_proposed({"type": "Feature", "properties": {"name": "  东线  "}, "geometry": LINE})
    assert line.name_zh == "东线" and line.geometry.geom_type == "LineString"
    assert parse_proposed(LINE).name_zh == "拟建线路"


def test_kml_and_geojson_uploads_are_read(tmp_path):
    kml = (
        b'<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        b"<Placemark><name>\xe4\xb8\x9c\xe7\xba\xbf</name><LineString><coordinates>106.6,28.9,0 106.7,28.95,0"
        b"</coordinates></LineString></Placemark></Document></kml>"
    )
    line = read_line_upload(kml, "east.kml")
    assert line.name_zh == "东线" and not line.geometry.has_z
    assert line.geometry.equals_exact(parse_proposed(LINE).geometry, 1e-9)
    fc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": LINE}]}
    assert read_line_upload(("\ufeff" + json.dumps(fc)).encode("utf-8"), "x.geojson").geometry.length > 0
    for data, name in ((b"<kml><broken", "x.kml"), (b"{not json", "x.geojson"), (b"", "x.json")):
        with pytest.raises(BadParameter) as info:
            read_line_upload(data, name)
        assert info.value.parameter == "file"


def test_catchment_geometry_round_trips_to_wgs84():
    ctx = build_context(synthetic_frames(), CATALOG)
    result = compare_corridors(ctx, ["a", "b"], 1_000)
    zone_wgs84 = shape(result["corridors"][0]["catchment"])
    zone = gpd.GeoSeries([zone_wgs84], crs=WGS84).to_crs(METRIC_CRS).iloc[0]
    assert zone.area / 1e6 == pytest.approx(2 * 10 + math.pi, rel=2e-3)
    assert mapping(zone)["type"] == "Polygon"
