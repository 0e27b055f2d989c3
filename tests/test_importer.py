"""flask import-layer: every input format, datum conversion, validation and rejection reports,
atomic replacement, locking and unwritable directories. Inputs are made in tmp_path per test."""

from __future__ import annotations

import errno
import json
import math
import os
import threading
import time
import zipfile

import coordTransform
import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon

from atlas import importer, layerfile
from atlas.catalog import load_catalog
from atlas.datum import gcj02_to_wgs84_xy
from atlas.errors import BadParameter
from atlas.importer import fields, reading
from atlas.stores.files import FileStore
from atlas.validate import check_collection
from tests.conftest import ROOT, stored_layer_bytes

pytestmark = pytest.mark.both_stores  # every app test runs on the file store and on PostGIS

CATALOG = load_catalog(ROOT / "layers")
STATIONS = CATALOG.get("stations")
RAILWAYS = CATALOG.get("railways")
PARKS = CATALOG.get("parks")

# 綦江站: published GCJ-02 position and its WGS-84 equivalent.
QIJIANG_GCJ = (106.66385, 29.017517)
QIJIANG_WGS = (106.660068, 29.020682)

COMMON = {
    "family": "corridor",
    "kind": "station",
    "status": "operating",
    "accuracy": "approximate",
    "source": "import test",
    "as_of": "2024",
}


def station_props(i: int, **extra) -> dict:
    return {"id": f"imp-station-{i}", "name_zh": f"测试站{i}", "name_en": f"Test station {i}", **COMMON, **extra}


def railway_props(i: int, **extra) -> dict:
    return {
        "id": f"imp-railway-{i}",
        "name_zh": f"测试铁路{i}",
        "name_en": f"Test railway {i}",
        **COMMON,
        "kind": "railway",
        **extra,
    }


def park_props(i: int, **extra) -> dict:
    return {
        "id": f"imp-park-{i}",
        "name_zh": f"测试园区{i}",
        "name_en": f"Test park {i}",
        **COMMON,
        "family": "park",
        "kind": "industrial_park",
        "status": "designated",
        **extra,
    }


def pt(i: int) -> Point:
    return Point(106.60 + 0.01 * i, 29.00 + 0.01 * i)


def line(i: int) -> LineString:
    return LineString([(106.60 + 0.01 * i, 28.90), (106.62 + 0.01 * i, 28.95), (106.65 + 0.01 * i, 29.00)])


def square(i: int) -> Polygon:
    x, y = 106.60 + 0.02 * i, 28.90
    return Polygon([(x, y), (x + 0.01, y), (x + 0.01, y + 0.01), (x, y + 0.01)])


def feature(geom, props) -> dict:
    return {
        "type": "Feature",
        "geometry": shapely.geometry.mapping(geom) if geom is not None else None,
        "properties": props,
    }


def write_geojson(path, features, **extra):
    path.write_text(
        json.dumps({"type": "FeatureCollection", **extra, "features": features}, ensure_ascii=False), encoding="utf-8"
    )
    return path


SEED = {
    "stations": lambda: feature(pt(0), station_props(0, id="seed-station")),
    "railways": lambda: feature(line(0), railway_props(0, id="seed-railway")),
    "parks": lambda: feature(square(0), park_props(0, id="seed-park")),
}


@pytest.fixture
def geodata(geodata_copy):
    """The copied geodata/ with a valid file for each layer the tests replace (made if missing)."""
    for layer_id, make in SEED.items():
        path = geodata_copy / CATALOG.get(layer_id).source_file
        if not path.exists():
            write_geojson(path, [make()])
    return geodata_copy


@pytest.fixture
def cli(make_app, geodata):
    app = make_app(GEODATA_DIR=str(geodata))
    runner = app.test_cli_runner()

    def invoke(*args):
        return runner.invoke(args=["import-layer", *map(str, args)])

    invoke.app = app
    return invoke


def load_layer(cli, spec) -> dict:
    """Read the written layer from the app's store and assert it is a valid RFC 7946 collection for the layer."""
    return check_written(stored_layer_bytes(cli.app, spec.id), spec)


def load_file(geodata, spec) -> dict:
    """Read the written layer file (imports called without an app) and check it as load_layer does."""
    return check_written((geodata / spec.source_file).read_bytes(), spec)


def check_written(raw: bytes, spec) -> dict:
    obj = json.loads(raw.decode("utf-8"))
    assert check_collection(obj, spec) == []
    assert "crs" not in obj
    return obj


def positions(obj):
    for f in obj["features"]:
        geom = f["geometry"]
        if geom:
            yield from np.asarray(shapely.get_coordinates(shapely.geometry.shape(geom)))


def metres(a, b) -> float:
    """Great-circle distance in metres between two lon/lat pairs."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


def no_temp_files(directory) -> bool:
    return not [p.name for p in directory.iterdir() if p.name.endswith(".tmp")]


# --------------------------------------------------------------------------- formats


def test_geojson_import_writes_valid_rounded_utf8_collection(cli, geodata, tmp_path):
    src = write_geojson(
        tmp_path / "in.geojson",
        [
            feature(Point(106.6612345678, 29.0212345678), station_props(1)),
            feature(pt(2), station_props(2, freight=True, aliases=["别名"])),
            feature(pt(3), station_props(3)),
        ],
        crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
    )
    result = cli(src, "--layer", "stations")
    assert result.exit_code == 0, result.output
    assert "wrote 3" in result.output
    raw = stored_layer_bytes(cli.app, "stations")
    assert "测试站1".encode() in raw  # UTF-8, not \\u escapes
    obj = load_layer(cli, STATIONS)
    assert [f["properties"]["id"] for f in obj["features"]] == ["imp-station-1", "imp-station-2", "imp-station-3"]
    assert obj["features"][0]["geometry"]["coordinates"] == [106.661235, 29.021235]
    assert obj["features"][1]["properties"]["freight"] is True
    assert obj["features"][1]["properties"]["aliases"] == ["别名"]
    assert all(round(v, 6) == v for xy in positions(obj) for v in xy)


def test_where_filter_and_dry_run(cli, geodata, tmp_path):
    feats = [feature(pt(i), station_props(i, kind="station" if i % 2 else "bridge")) for i in range(1, 7)]
    src = write_geojson(tmp_path / "in.geojson", feats)
    before = stored_layer_bytes(cli.app, "stations")
    dry = cli(src, "--layer", "stations", "--where", "kind = 'station'", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would write 3" in dry.output
    assert stored_layer_bytes(cli.app, "stations") == before
    result = cli(src, "--layer", "stations", "--where", "kind = 'station'")
    assert result.exit_code == 0, result.output
    obj = load_layer(cli, STATIONS)
    assert sorted(f["properties"]["id"] for f in obj["features"]) == ["imp-station-1", "imp-station-3", "imp-station-5"]


def test_geopackage_in_utm_is_reprojected(cli, geodata, tmp_path):
    squares = [square(i) for i in range(1, 4)]
    frame = gpd.GeoDataFrame(
        [park_props(i, industries=json.dumps(["机械", "物流"]), planned_area_km2="1.5") for i in range(1, 4)],
        geometry=squares,
        crs="EPSG:4326",
    ).to_crs("EPSG:32648")
    src = tmp_path / "parks.gpkg"
    frame.to_file(src, driver="GPKG")
    result = cli(src, "--layer", "parks")
    assert result.exit_code == 0, result.output
    obj = load_layer(cli, PARKS)
    assert len(obj["features"]) == 3
    first = obj["features"][0]
    assert first["properties"]["industries"] == ["机械", "物流"]  # JSON list text -> list
    assert first["properties"]["planned_area_km2"] == 1.5  # numeric text -> number
    got = np.array(first["geometry"]["coordinates"][0])
    assert np.allclose(got, np.asarray(squares[0].exterior.coords), atol=2e-6)


def _station_frame(n):
    rows = []
    for i in range(1, n + 1):
        p = station_props(i)
        rows.append({"id": p["id"], "name_zh": p["name_zh"], "name_en": p["name_en"], **COMMON, "st_class": "三等站"})
    return gpd.GeoDataFrame(rows, geometry=[pt(i) for i in range(1, n + 1)], crs="EPSG:4326")


def test_shapefile_with_field_mapping(cli, geodata, tmp_path):
    src = tmp_path / "stations.shp"
    _station_frame(4).to_file(src, driver="ESRI Shapefile", encoding="UTF-8")
    result = cli(src, "--layer", "stations", "--map-fields", "st_class:station_class")
    assert result.exit_code == 0, result.output
    obj = load_layer(cli, STATIONS)
    assert len(obj["features"]) == 4
    assert {f["properties"]["station_class"] for f in obj["features"]} == {"三等站"}


def test_zipped_shapefile_through_vsizip(cli, geodata, tmp_path):
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    _station_frame(5).to_file(shp_dir / "stations.shp", driver="ESRI Shapefile", encoding="UTF-8")
    archive = tmp_path / "stations.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in shp_dir.iterdir():
            zf.write(part, part.name)
    result = cli(f"/vsizip/{archive}/stations.shp", "--layer", "stations")
    assert result.exit_code == 0, result.output
    assert len(load_layer(cli, STATIONS)["features"]) == 5


KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>stations</name>
{placemarks}
</Document></kml>"""
PLACEMARK = """<Placemark id="pm{i}"><name>测试站{i}</name><ExtendedData>
{data}</ExtendedData><Point><coordinates>{lon},{lat},120</coordinates></Point></Placemark>"""


def test_kml_with_extended_data_and_altitude(cli, geodata, tmp_path):
    marks = []
    for i in range(1, 3):
        props = {k: v for k, v in station_props(i, freight="true").items() if k != "name_zh"}
        data = "".join(f'<Data name="{k}"><value>{v}</value></Data>' for k, v in props.items())
        marks.append(PLACEMARK.format(i=i, data=data, lon=pt(i).x, lat=pt(i).y))
    src = tmp_path / "stations.kml"
    src.write_text(KML.format(placemarks="\n".join(marks)), encoding="utf-8")
    result = cli(src, "--layer", "stations", "--map-fields", "Name:name_zh")
    assert result.exit_code == 0, result.output
    obj = load_layer(cli, STATIONS)
    assert [f["properties"]["id"] for f in obj["features"]] == ["imp-station-1", "imp-station-2"]
    assert obj["features"][0]["properties"]["name_zh"] == "测试站1"
    assert obj["features"][0]["properties"]["freight"] is True
    assert obj["features"][0]["geometry"]["coordinates"] == [pt(1).x, pt(1).y]  # altitude dropped


def test_flatgeobuf_lines_keep_types(cli, geodata, tmp_path):
    frame = gpd.GeoDataFrame(
        [railway_props(i, tracks=2, electrified=True, length_km=12.5) for i in range(1, 4)],
        geometry=[line(i) for i in range(1, 4)],
        crs="EPSG:4326",
    )
    src = tmp_path / "railways.fgb"
    frame.to_file(src, driver="FlatGeobuf")
    result = cli(src, "--layer", "railways")
    assert result.exit_code == 0, result.output
    obj = load_layer(cli, RAILWAYS)
    assert len(obj["features"]) == 3
    props = obj["features"][0]["properties"]
    assert (props["tracks"], props["electrified"], props["length_km"]) == (2, True, 12.5)
    assert obj["features"][0]["geometry"]["type"] == "LineString"


def test_csv_with_lon_lat_columns(cli, geodata, tmp_path):
    header = "id,name_zh,name_en,family,kind,status,accuracy,source,as_of,freight,Longitude,LAT"
    rows = [header]
    for i in range(1, 4):
        p = station_props(i)
        rows.append(
            ",".join(
                [
                    p["id"],
                    p["name_zh"],
                    p["name_en"],
                    *COMMON.values(),
                    "yes" if i == 1 else "",
                    str(pt(i).x),
                    str(pt(i).y),
                ]
            )
        )
    src = tmp_path / "stations.csv"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = cli(src, "--layer", "stations")
    assert result.exit_code == 0, result.output
    obj = load_layer(cli, STATIONS)
    assert len(obj["features"]) == 3
    assert obj["features"][0]["properties"]["freight"] is True
    assert obj["features"][1]["properties"].get("freight") is None  # empty cell stays "no value"
    assert obj["features"][2]["geometry"]["coordinates"] == [pt(3).x, pt(3).y]


def test_csv_with_wkt_column(cli, geodata, tmp_path):
    rows = ["id,name_zh,name_en,family,kind,status,accuracy,source,as_of,tracks,WKT"]
    for i in range(1, 3):
        p = railway_props(i)
        rows.append(",".join([p["id"], p["name_zh"], p["name_en"], *[p[k] for k in COMMON], "2", f'"{line(i).wkt}"']))
    src = tmp_path / "railways.csv"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = cli(src, "--layer", "railways")
    assert result.exit_code == 0, result.output
    obj = load_layer(cli, RAILWAYS)
    assert len(obj["features"]) == 2
    assert obj["features"][0]["properties"]["tracks"] == 2
    assert len(obj["features"][1]["geometry"]["coordinates"]) == 3


OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand">
 <node id="1" lat="29.02" lon="106.66" version="1"><tag k="railway" v="station"/><tag k="name" v="綦江站"/>
  <tag k="name:en" v="Qijiang"/><tag k="ref" v="osm-qijiang"/></node>
 <node id="2" lat="29.03" lon="106.67" version="1"><tag k="railway" v="station"/><tag k="name" v="綦江东站"/>
  <tag k="name:en" v="Qijiang East"/><tag k="ref" v="osm-qijiang-east"/></node>
 <node id="3" lat="28.95" lon="106.64" version="1"/>
 <node id="4" lat="28.90" lon="106.62" version="1"/>
 <way id="10" version="1"><nd ref="4"/><nd ref="3"/><nd ref="1"/><nd ref="2"/>
  <tag k="railway" v="rail"/><tag k="name" v="川黔铁路"/><tag k="name:en" v="Sichuan-Guizhou Railway"/>
  <tag k="gauge" v="1435"/></way>
</osm>
"""
OSM_DEFAULTS = [
    "--default",
    "family=corridor",
    "--default",
    "status=operating",
    "--default",
    "accuracy=approximate",
    "--default",
    "source=OpenStreetMap contributors (ODbL)",
    "--default",
    "as_of=2024",
]


def test_osm_points_layer_for_stations(cli, geodata, tmp_path):
    src = tmp_path / "tiny.osm"
    src.write_text(OSM, encoding="utf-8")
    result = cli(
        src, "--layer", "stations", "--map-fields", "ref:id,name:name_zh,name:en:name_en,railway:kind", *OSM_DEFAULTS
    )
    assert result.exit_code == 0, result.output
    assert "(layer points)" in result.output
    obj = load_layer(cli, STATIONS)
    assert [f["properties"]["name_en"] for f in obj["features"]] == [
        "Qijiang",
        "Qijiang East",
    ]  # untagged nodes skipped
    assert obj["features"][0]["properties"]["kind"] == "station"


def test_osm_lines_layer_for_railways(cli, geodata, tmp_path):
    src = tmp_path / "tiny.osm"
    src.write_text(OSM, encoding="utf-8")
    result = cli(
        src, "--layer", "railways", "--map-fields", "osm_id:id,name:name_zh,name:en:name_en,railway:kind", *OSM_DEFAULTS
    )
    assert result.exit_code == 0, result.output
    obj = load_layer(cli, RAILWAYS)
    assert len(obj["features"]) == 1
    assert obj["features"][0]["properties"]["id"] == "10"
    assert "ignored source columns" in result.output and "gauge" in result.output  # said, not silently dropped
    assert len(obj["features"][0]["geometry"]["coordinates"]) == 4


# --------------------------------------------------------------------------- datums


def test_chosen_library_matches_published_qijiang_station_point():
    xy = reading.convert_datum(np.array([Point(QIJIANG_GCJ)], dtype=object), "gcj02")[0]
    assert metres((xy.x, xy.y), QIJIANG_WGS) < 2.0
    # the inverse is refined to the forward transform: converting back lands on the input
    back = coordTransform.wgs84_to_gcj02(xy.x, xy.y)
    assert metres(back, QIJIANG_GCJ) < 0.01


def test_gcj02_import_moves_every_vertex_by_the_offset(cli, geodata, tmp_path):
    gcj_line = LineString([QIJIANG_GCJ, (106.70, 29.05), (106.75, 29.10)])
    src = write_geojson(tmp_path / "gcj.geojson", [feature(Point(QIJIANG_GCJ), station_props(1))])
    result = cli(src, "--layer", "stations", "--datum", "gcj02")
    assert result.exit_code == 0, result.output
    got = load_layer(cli, STATIONS)["features"][0]["geometry"]["coordinates"]
    assert metres(got, QIJIANG_WGS) < 2.0
    assert 300 < metres(got, QIJIANG_GCJ) < 700  # GCJ-02 offset in Qijiang is ~500 m

    src = write_geojson(tmp_path / "gcj-line.geojson", [feature(gcj_line, railway_props(1))])
    result = cli(src, "--layer", "railways", "--datum", "gcj02")
    assert result.exit_code == 0, result.output
    coords = load_layer(cli, RAILWAYS)["features"][0]["geometry"]["coordinates"]
    assert len(coords) == 3
    for gcj, wgs in zip(gcj_line.coords, coords):
        expected = reading.convert_datum(np.array([Point(gcj)], dtype=object), "gcj02")[0]
        assert metres(wgs, (expected.x, expected.y)) < 0.2
        assert 300 < metres(wgs, gcj) < 700


def test_bd09_import_round_trips(cli, geodata, tmp_path):
    bd = coordTransform.wgs84_to_bd09(*QIJIANG_WGS)
    src = write_geojson(tmp_path / "bd.geojson", [feature(Point(bd), station_props(1))])
    result = cli(src, "--layer", "stations", "--datum", "bd09")
    assert result.exit_code == 0, result.output
    got = load_layer(cli, STATIONS)["features"][0]["geometry"]["coordinates"]
    assert metres(got, QIJIANG_WGS) < 1.0
    assert metres(bd, QIJIANG_WGS) > 800  # BD-09 is ~1 km off: the conversion did something


# --------------------------------------------------------------------------- broken input


@pytest.mark.parametrize(
    "name, content, fragment",
    [
        ("broken.geojson", b'{"type": "FeatureCollection", "features": [{"type": "Feature"', "cannot"),
        ("garbage.gpkg", b"\x00\x01not a geopackage\xff" * 50, "not recognized"),
        ("header-only.fgb", b"fgb\x03fgb\x00\x10\x00", "cannot"),
    ],
)
def test_unreadable_file_fails_cleanly_and_leaves_old_file(cli, geodata, tmp_path, name, content, fragment):
    before = stored_layer_bytes(cli.app, "stations")
    src = tmp_path / name
    src.write_bytes(content)
    result = cli(src, "--layer", "stations")
    assert result.exit_code == 1
    assert fragment in result.output
    assert "Traceback" not in result.output
    assert stored_layer_bytes(cli.app, "stations") == before


@pytest.mark.parametrize("driver, suffix", [("FlatGeobuf", ".fgb"), ("GPKG", ".gpkg")])
def test_truncated_file_fails_cleanly_and_leaves_old_file(cli, geodata, tmp_path, driver, suffix):
    before = stored_layer_bytes(cli.app, "stations")
    full = tmp_path / f"full{suffix}"
    _station_frame(400).to_file(full, driver=driver)
    data = full.read_bytes()
    src = tmp_path / f"truncated{suffix}"
    src.write_bytes(data[: len(data) // 2])
    result = cli(src, "--layer", "stations")
    assert result.exit_code == 1
    assert "cannot read" in result.output and "Traceback" not in result.output
    assert stored_layer_bytes(cli.app, "stations") == before


def test_missing_file_and_unknown_layer_and_bad_mapping(cli, geodata, tmp_path):
    result = cli(tmp_path / "nope.geojson", "--layer", "stations")
    assert result.exit_code == 1 and "no such file" in result.output
    src = write_geojson(tmp_path / "in.geojson", [feature(pt(1), station_props(1))])
    result = cli(src, "--layer", "no-such-layer")
    assert result.exit_code == 1 and "no layer with id 'no-such-layer'" in result.output
    result = cli(src, "--layer", "stations", "--map-fields", "nope:name_zh")
    assert result.exit_code == 1 and "no column 'nope'" in result.output
    result = cli(src, "--layer", "stations", "--map-fields", "name_en:colour")
    assert result.exit_code == 1 and "declares no property 'colour'" in result.output
    result = cli(src, "--layer", "stations", "--where", "kind ==== 1")
    assert result.exit_code == 1 and "--where" in result.output


def broken_features():
    bowtie = Polygon([(106.60, 28.90), (106.62, 28.92), (106.62, 28.90), (106.60, 28.92)])
    no_names = {k: v for k, v in park_props(5).items() if k not in ("name_en", "as_of")}
    return [
        feature(square(1), park_props(1)),
        feature(bowtie, park_props(2)),
        feature(LineString([(106.6, 28.9), (106.7, 29.0)]), park_props(3)),
        feature(Point(116.40, 39.90), park_props(4)),
        feature(square(5), no_names),
        feature(square(6), park_props(1)),  # duplicate id
        feature(square(7), park_props(7)),
    ]


def test_every_rejected_feature_is_reported_and_nothing_written(cli, geodata, tmp_path):
    before = stored_layer_bytes(cli.app, "parks")
    src = write_geojson(tmp_path / "parks.geojson", broken_features())
    result = cli(src, "--layer", "parks")
    assert result.exit_code == 1
    out = result.output
    assert "5 of 7 feature(s) rejected" in out and "nothing was written" in out
    expected = {
        "#1 [imp-park-2]": "geometry is invalid: Self-intersection",
        "#2 [imp-park-3]": "geometry type LineString is not allowed",
        "#3 [imp-park-4]": "outside the Qijiang region",
        "#4 [imp-park-5]": "required property 'name_en' is missing",
        "#5 [imp-park-1]": "duplicate feature id",
    }
    for label, reason in expected.items():
        line_ = next((ln for ln in out.splitlines() if f"feature {label}:" in ln), "")
        assert reason in line_, (label, out)
    assert "required property 'as_of' is missing" in out
    assert "[imp-park-7]" not in out and "#0 " not in out
    assert stored_layer_bytes(cli.app, "parks") == before


def test_skip_invalid_writes_only_the_valid_ones(cli, geodata, tmp_path):
    src = write_geojson(tmp_path / "parks.geojson", broken_features())
    result = cli(src, "--layer", "parks", "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "skipped 5 invalid feature(s)" in result.output
    obj = load_layer(cli, PARKS)
    assert [f["properties"]["id"] for f in obj["features"]] == ["imp-park-1", "imp-park-7"]


def test_all_invalid_with_skip_invalid_refuses_empty_layer(cli, geodata, tmp_path):
    before = stored_layer_bytes(cli.app, "parks")
    src = write_geojson(tmp_path / "parks.geojson", broken_features()[1:5])
    result = cli(src, "--layer", "parks", "--skip-invalid")
    assert result.exit_code == 1 and "empty layer" in result.output
    assert stored_layer_bytes(cli.app, "parks") == before


def test_id_used_by_another_layer_is_rejected(cli, geodata, tmp_path):
    src = write_geojson(tmp_path / "st.geojson", [feature(pt(1), station_props(1, id="shared-id"))])
    assert cli(src, "--layer", "stations").exit_code == 0
    src = write_geojson(tmp_path / "rw.geojson", [feature(line(1), railway_props(1, id="shared-id"))])
    result = cli(src, "--layer", "railways")
    assert result.exit_code == 1
    assert "already used in stations.geojson" in result.output


# --------------------------------------------------------------------------- progress


def test_progress_bar_only_for_large_inputs(cli, geodata, tmp_path):
    many = [feature(Point(106.5 + (i % 40) * 0.01, 28.8 + (i // 40) * 0.01), station_props(i)) for i in range(1200)]
    result = cli(write_geojson(tmp_path / "many.geojson", many), "--layer", "stations")
    assert result.exit_code == 0, result.output
    assert "/1200" in result.stderr
    assert len(load_layer(cli, STATIONS)["features"]) == 1200
    small = cli(write_geojson(tmp_path / "few.geojson", many[:3]), "--layer", "stations")
    assert small.exit_code == 0
    assert "/3" not in small.stderr


# --------------------------------------------------------------------------- atomic replacement


def _good_source(tmp_path, n=3):
    return write_geojson(tmp_path / "good.geojson", [feature(pt(i), station_props(i)) for i in range(1, n + 1)])


@pytest.mark.file_store_only  # temp files, file modes and flocks of the file store
@pytest.mark.parametrize("exc", [OSError(errno.EIO, "I/O error"), KeyboardInterrupt()])
def test_crash_at_replace_leaves_old_file_and_no_temp(cli, geodata, tmp_path, monkeypatch, exc):
    before = (geodata / "stations.geojson").read_bytes()
    real_replace = os.replace

    def crash(src, dst, *args, **kwargs):
        if str(dst).endswith("stations.geojson"):
            raise exc
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(layerfile.os, "replace", crash)
    result = cli(_good_source(tmp_path), "--layer", "stations")
    assert result.exit_code != 0
    if isinstance(exc, OSError):
        assert "left unchanged" in result.output
    assert (geodata / "stations.geojson").read_bytes() == before
    assert no_temp_files(geodata)


def test_crash_mid_write_leaves_old_file_and_no_temp(geodata, tmp_path, monkeypatch):
    before = (geodata / "stations.geojson").read_bytes()
    written = []
    real_fsync = os.fsync

    def die(fd):
        written.extend(p.name for p in geodata.iterdir() if p.name.endswith(".tmp"))
        raise KeyboardInterrupt

    monkeypatch.setattr(layerfile.os, "fsync", die)
    with pytest.raises(KeyboardInterrupt):
        importer.import_layer(_good_source(tmp_path), STATIONS, FileStore(CATALOG, geodata))
    monkeypatch.setattr(layerfile.os, "fsync", real_fsync)
    assert written, "the temp file should have existed in the target directory during the write"
    assert (geodata / "stations.geojson").read_bytes() == before
    assert no_temp_files(geodata)


@pytest.mark.file_store_only  # temp files, file modes and flocks of the file store
def test_stale_temp_from_killed_import_is_cleaned(cli, geodata, tmp_path):
    stale = geodata / ".stations.geojson.deadbeef.tmp"
    stale.write_text('{"type": "Feat', encoding="utf-8")
    assert cli(_good_source(tmp_path), "--layer", "stations").exit_code == 0
    assert not stale.exists()
    assert len(load_layer(cli, STATIONS)["features"]) == 3


@pytest.mark.file_store_only  # temp files, file modes and flocks of the file store
def test_new_file_keeps_old_file_mode(cli, geodata, tmp_path):
    os.chmod(geodata / "stations.geojson", 0o640)
    assert cli(_good_source(tmp_path), "--layer", "stations").exit_code == 0
    assert (geodata / "stations.geojson").stat().st_mode & 0o777 == 0o640


@pytest.mark.file_store_only  # temp files, file modes and flocks of the file store
def test_read_only_geodata_gives_clear_error(cli, geodata, tmp_path, monkeypatch):
    before = (geodata / "stations.geojson").read_bytes()
    src = _good_source(tmp_path)
    os.chmod(geodata, 0o555)
    try:
        if os.geteuid() == 0:
            # root ignores the mode bits: refuse creating or writing files in the directory, as the kernel would
            real_open = os.open

            def read_only_open(path, flags, *args, **kwargs):
                writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
                if writing and os.path.dirname(os.path.abspath(path)) == str(geodata):
                    raise PermissionError(errno.EACCES, "Permission denied", str(path))
                return real_open(path, flags, *args, **kwargs)

            monkeypatch.setattr(os, "open", read_only_open)
        result = cli(src, "--layer", "stations")
    finally:
        monkeypatch.undo()
        os.chmod(geodata, 0o755)
    assert result.exit_code == 1
    assert "Permission denied" in result.output and "read-only" in result.output
    assert "Traceback" not in result.output
    assert (geodata / "stations.geojson").read_bytes() == before
    assert no_temp_files(geodata)


# --------------------------------------------------------------------------- locking


@pytest.mark.file_store_only  # temp files, file modes and flocks of the file store
def test_held_lock_refuses_after_timeout(cli, geodata, tmp_path):
    before = (geodata / "stations.geojson").read_bytes()
    with layerfile.layer_lock(geodata, "stations"):
        started = time.monotonic()
        result = cli(_good_source(tmp_path), "--layer", "stations", "--lock-timeout", "0.3")
        waited = time.monotonic() - started
    assert result.exit_code == 1
    assert "locked by another writer" in result.output
    assert waited >= 0.3
    assert (geodata / "stations.geojson").read_bytes() == before


def test_second_import_waits_for_the_lock(geodata, tmp_path):
    outcome = {}

    def run():
        try:
            outcome["report"] = importer.import_layer(
                _good_source(tmp_path, 4), STATIONS, FileStore(CATALOG, geodata), lock_timeout=20
            )
        except Exception as exc:  # reported through the assertion below
            outcome["error"] = exc

    before = (geodata / "stations.geojson").read_bytes()
    with layerfile.layer_lock(geodata, "stations"):
        worker = threading.Thread(target=run)
        worker.start()
        time.sleep(0.5)
        assert worker.is_alive(), outcome  # waiting for us
        assert (geodata / "stations.geojson").read_bytes() == before
    worker.join(timeout=20)
    assert not worker.is_alive()
    assert "error" not in outcome, outcome
    assert outcome["report"].written
    assert len(load_file(geodata, STATIONS)["features"]) == 4


def test_concurrent_imports_are_serialised(geodata, tmp_path, monkeypatch):
    sources = []
    for n in (3, 5):
        d = tmp_path / f"src{n}"
        d.mkdir()
        sources.append(_good_source(d, n))
    active, peak, lock = [0], [0], threading.Lock()
    real_mkstemp, real_replace, real_fsync = layerfile.tempfile.mkstemp, os.replace, os.fsync

    def mkstemp(*args, **kwargs):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        return real_mkstemp(*args, **kwargs)

    def slow_fsync(fd):
        time.sleep(0.2)
        return real_fsync(fd)

    def replace(src, dst, *args, **kwargs):
        try:
            return real_replace(src, dst, *args, **kwargs)
        finally:
            with lock:
                active[0] -= 1

    monkeypatch.setattr(layerfile.tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(layerfile.os, "fsync", slow_fsync)
    monkeypatch.setattr(layerfile.os, "replace", replace)
    reports, errors = [], []

    def run(src):
        try:
            reports.append(importer.import_layer(src, STATIONS, FileStore(CATALOG, geodata), lock_timeout=20))
        except Exception as exc:  # reported through the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(s,)) for s in sources]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    monkeypatch.undo()
    assert errors == []
    assert len(reports) == 2 and all(r.written for r in reports)
    assert peak[0] == 1  # never two writers at once
    assert len(load_file(geodata, STATIONS)["features"]) in (3, 5)
    assert no_temp_files(geodata)


# --------------------------------------------------------------------------- small functions


def test_parse_field_map_and_coercion():
    assert importer.parse_field_map("a:b, name:zh:name_zh") == {"a": "b", "name:zh": "name_zh"}
    with pytest.raises(BadParameter):
        importer.parse_field_map("a:x,b:x")
    with pytest.raises(BadParameter):
        importer.parse_field_map("nocolon")
    fld = {f.name: f for f in RAILWAYS.all_fields}
    assert fields.coerce_value("2", fld["tracks"]) == 2
    assert fields.coerce_value(2.0, fld["tracks"]) == 2
    assert fields.coerce_value("2.5", fld["tracks"]) == 2.5  # left for validation to reject
    assert fields.coerce_value("12.5", fld["length_km"]) == 12.5
    assert fields.coerce_value("nan", fld["length_km"]) == "nan"
    assert fields.coerce_value("否", fld["electrified"]) is False
    assert fields.coerce_value(2024, fld["as_of"]) == "2024"
    assert fields.coerce_value("maybe", fld["electrified"]) == "maybe"


def test_conversion_agrees_with_an_independent_implementation():
    """Cross-check coordTransform (+ refinement) against prcoords' iterative inverse over the district."""
    import prcoords  # independent reference implementation (requirements-dev.txt)

    lons, lats = np.meshgrid(np.linspace(106.38, 107.05, 7), np.linspace(28.45, 29.19, 7))
    xy = np.column_stack([lons.ravel(), lats.ravel()])
    ours = gcj02_to_wgs84_xy(xy)
    for (lon, lat), (wlon, wlat) in zip(xy, ours):
        ref = prcoords.gcj_wgs_bored(prcoords.Coords(lat, lon))
        assert metres((wlon, wlat), (ref.lon, ref.lat)) < 0.05
