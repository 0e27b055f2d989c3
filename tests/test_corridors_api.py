"""Routes of the corridor comparison: API validation, GET/POST agreement, proposed lines, exports, pages."""

from __future__ import annotations

import csv
import io
import json

import pytest

from atlas.corridors.export import csv_header

pytestmark = pytest.mark.both_stores  # every app test runs on the file store and on PostGIS

PAIR = "yugui-railway,chuanqian-railway"
PAIR_IDS = ["yugui-railway", "chuanqian-railway"]
LINE = {"type": "LineString", "coordinates": [[106.60, 28.90], [106.70, 28.95], [106.80, 28.99]]}
PROPOSED = {"type": "Feature", "properties": {"name": "东线方案"}, "geometry": LINE}
TITLES = {"parks": "产业园区", "hubs": "物流枢纽", "communities": "更新社区", "towns": "街道与镇"}


def error_of(resp, status: int = 400) -> dict:
    """The error body, with ``message`` the English detail (a Chinese request gets it in ``message_en``)."""
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    if "message_en" in body:
        assert body["message"] != body["message_en"]  # the detail was translated for this Chinese request
        body["message"] = body["message_en"]
    return body


@pytest.mark.parametrize(
    "query, parameter, message",
    [
        ("ids=yugui-railway", "ids", "2 to 6"),
        ("ids=", "ids", "got 0"),
        ("ids=yugui-railway,no-such-line", "ids", "no-such-line"),
        ("ids=yugui-railway,g75-lanhai", "ids", "g75-lanhai has no sourced geometry"),
        ("ids=yugui-railway,yugui-railway", "ids", "more than once"),
        (f"ids={PAIR}&buffer_m=499", "buffer_m", "between 500 and 20000"),
        (f"ids={PAIR}&buffer_m=20001", "buffer_m", "between 500 and 20000"),
        (f"ids={PAIR}&buffer_m=5km", "buffer_m", "number of metres"),
        (f"ids={PAIR}&buffer_m=nan", "buffer_m", "between"),
    ],
)
def test_get_rejects_bad_query_naming_the_parameter(client, query, parameter, message):
    body = error_of(client.get(f"/api/corridors/compare?{query}"))
    assert body["parameter"] == parameter and message in body["message"]


@pytest.mark.parametrize(
    "payload, parameter, message",
    [
        ({"ids": PAIR_IDS, "buffer_m": "x"}, "buffer_m", "number of metres"),
        ({"ids": PAIR_IDS, "buffer_m": True}, "buffer_m", "number of metres"),
        ({"ids": PAIR_IDS, "buffer_m": 100000}, "buffer_m", "between"),
        ({"ids": "yugui-railway,nope"}, "ids", "nope"),
        ({"ids": [1, 2]}, "ids", "list of corridor ids"),
        ({"ids": ["yugui-railway"]}, "ids", "2 to 6"),
        ({"ids": PAIR_IDS, "proposed": "LINESTRING(1 2, 3 4)"}, "proposed", "GeoJSON"),
        (
            {
                "ids": PAIR_IDS,
                "proposed": {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [[[106.6, 28.9], [106.7, 28.9], [106.7, 29.0], [106.6, 28.9]]],
                    },
                },
            },
            "proposed",
            "got Polygon",
        ),
        (
            {"ids": PAIR_IDS, "proposed": {"type": "LineString", "coordinates": [[106.6, 28.9, 5], [106.7, 28.9, 5]]}},
            "proposed",
            "3-D",
        ),
        (
            {"ids": PAIR_IDS, "proposed": {"type": "LineString", "coordinates": [[116.4, 39.9], [116.5, 39.9]]}},
            "proposed",
            "outside the Qijiang region",
        ),
        ({"ids": PAIR_IDS, "proposed": {"type": "LineString", "coordinates": [[106.6]]}}, "proposed", "bad position"),
        ({"ids": PAIR_IDS, "proposed": {"type": "LineString"}}, "proposed", "position"),
    ],
)
def test_post_rejects_bad_body_naming_the_parameter(client, payload, parameter, message):
    body = error_of(client.post("/api/corridors/compare", json=payload))
    assert body["parameter"] == parameter and message in body["message"]


def test_post_rejects_nan_coordinates(client):
    raw = '{"ids": ["yugui-railway"], "proposed": {"type": "LineString", "coordinates": [[106.6, NaN], [106.7, 28.9]]}}'
    body = error_of(client.post("/api/corridors/compare", data=raw, content_type="application/json"))
    assert body["parameter"] == "body" and "NaN is not valid JSON" in body["message"]


def test_post_rejects_deeply_nested_json_without_crashing(client):
    raw = '{"ids": ' + "[" * 5000 + "]" * 5000 + "}"
    body = error_of(client.post("/api/corridors/compare", data=raw, content_type="application/json"))
    assert body["parameter"] == "body" and "nested too deeply" in body["message"]


def test_post_rejects_non_utf8_body(client):
    body = error_of(client.post("/api/corridors/compare", data=b'\xff\xfe{"ids": 1}', content_type="application/json"))
    assert body["parameter"] == "body" and "UTF-8" in body["message"]


@pytest.mark.parametrize(
    "data, content_type",
    [
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b"ids=a,b", "application/x-www-form-urlencoded"),
    ],
)
def test_post_rejects_a_body_that_is_not_a_json_object(client, data, content_type):
    body = error_of(client.post("/api/corridors/compare", data=data, content_type=content_type))
    assert body["parameter"] == "body"


def test_oversized_body_is_413_json(client):
    big = json.dumps({"ids": PAIR_IDS, "pad": "x" * (1024 * 1024)})
    body = error_of(client.post("/api/corridors/compare", data=big, content_type="application/json"), 413)
    assert "1048576" in body["message"]


def test_get_and_post_agree(client):
    got = client.get(f"/api/corridors/compare?ids={PAIR}&buffer_m=3000")
    posted = client.post("/api/corridors/compare", json={"ids": PAIR_IDS, "buffer_m": 3000})
    assert got.status_code == posted.status_code == 200
    assert got.get_json() == posted.get_json()
    result = got.get_json()
    assert result["buffer_m"] == 3000
    assert [c["id"] for c in result["corridors"]] == PAIR_IDS
    yugui = result["corridors"][0]
    assert yugui["length_in_district_km"] == pytest.approx(66.7, rel=0.05)
    assert set(yugui["served"]) == {"parks", "hubs", "communities", "towns"}
    assert set(result["only_in"]) == set(PAIR_IDS) and set(result["shared"]) == set(yugui["served"])


def test_a_larger_buffer_serves_at_least_as_much(client):
    small = client.get(f"/api/corridors/compare?ids={PAIR}&buffer_m=500").get_json()
    large = client.get(f"/api/corridors/compare?ids={PAIR}&buffer_m=20000").get_json()
    for s, lg in zip(small["corridors"], large["corridors"]):
        assert set(s["served"]["towns"]) <= set(lg["served"]["towns"])
    assert len(large["corridors"][0]["served"]["towns"]) > len(small["corridors"][0]["served"]["towns"])


def test_proposed_line_is_one_more_corridor_and_is_not_stored(client):
    result = client.post(
        "/api/corridors/compare", json={"ids": PAIR_IDS, "buffer_m": 5000, "proposed": PROPOSED}
    ).get_json()
    assert [c["id"] for c in result["corridors"]] == [*PAIR_IDS, "proposed"]
    proposed = result["corridors"][2]
    assert proposed["name_zh"] == "东线方案" and proposed["status"] == "proposed"
    assert proposed["length_in_district_km"] > 20 and "proposed" in result["only_in"]
    one_plus_proposed = client.post("/api/corridors/compare", json={"ids": ["yugui-railway"], "proposed": LINE})
    assert one_plus_proposed.status_code == 200
    layers = client.get("/api/corridors").get_json()
    assert "proposed" not in {c["id"] for c in layers}


def test_csv_export_has_bom_chinese_and_one_row_per_corridor(client):
    for resp in (
        client.get(f"/api/corridors/compare.csv?ids={PAIR}&buffer_m=5000"),
        client.post("/api/corridors/compare.csv", json={"ids": PAIR_IDS, "proposed": PROPOSED}),
    ):
        assert resp.status_code == 200 and resp.mimetype == "text/csv"
        assert "attachment" in resp.headers["Content-Disposition"]
        raw = resp.get_data()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        served = ("parks", "hubs", "communities", "towns")  # the layers declaring the role "served", in order
        assert tuple(rows[0]) == csv_header({lid: (TITLES[lid], "") for lid in served})
        assert rows[0][9:11] == ["产业园区数", "产业园区"]  # titled as the layer is declared
        assert rows[1][1] == "渝贵铁路" and "綦江东站" in rows[1][8]
    assert [r[0] for r in rows[1:]] == [*PAIR_IDS, "proposed"]
    assert rows[3][1] == "东线方案"


def test_csv_cells_that_look_like_formulas_stay_text(client):
    evil = {**PROPOSED, "properties": {"name": '=HYPERLINK("http://x")'}}
    resp = client.post("/api/corridors/compare.csv", json={"ids": ["yugui-railway"], "proposed": evil})
    rows = list(csv.reader(io.StringIO(resp.get_data().decode("utf-8-sig"))))
    assert rows[2][1].startswith("'=")


def test_geojson_export_holds_the_catchments(client):
    resp = client.get(f"/api/corridors/catchments.geojson?ids={PAIR}&buffer_m=2000")
    assert resp.status_code == 200 and resp.mimetype == "application/geo+json"
    fc = json.loads(resp.get_data())
    assert fc["type"] == "FeatureCollection"
    assert [f["properties"]["corridor"] for f in fc["features"]] == PAIR_IDS
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in fc["features"])
    assert fc["features"][0]["properties"]["buffer_m"] == 2000
    error_of(client.get("/api/corridors/catchments.geojson?ids=yugui-railway&buffer_m=2000"))


def upload(client, data: bytes, name: str):
    return client.post(
        "/api/corridors/proposed", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def test_upload_reads_geojson_and_kml_lines(client):
    resp = upload(client, json.dumps(PROPOSED).encode(), "line.geojson")
    assert resp.status_code == 200 and resp.get_json()["geometry"]["type"] == "LineString"
    kml = (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>'
        "<name>南线</name><LineString><coordinates>106.6,28.9,0 106.7,28.95,0</coordinates></LineString>"
        "</Placemark></Document></kml>"
    ).encode()
    feature = upload(client, kml, "line.kml").get_json()
    assert feature["properties"]["name_zh"] == "南线" and len(feature["geometry"]["coordinates"][0]) == 2


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"{broken", "x.geojson", "neither GeoJSON nor KML"),
        (json.dumps({"type": "Point", "coordinates": [106.6, 28.9]}).encode(), "x.geojson", "got Point"),
        (b"<kml><Document>", "x.kml", "KML file cannot be read"),
        (b"", "x.geojson", "empty"),
    ],
)
def test_upload_rejects_bad_files_naming_file(client, data, name, message):
    body = error_of(upload(client, data, name))
    assert body["parameter"] == "file" and message in body["message"]


def test_upload_without_file_and_oversized_upload(client):
    assert error_of(client.post("/api/corridors/proposed", data={}))["parameter"] == "file"
    # a hand-built multipart body: the test client would spool a large form to a temp file it never closes on 413
    boundary = "qjboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.geojson"\r\n'
            f"Content-Type: application/geo+json\r\n\r\n"
        ).encode()
        + b" " * (1024 * 1024)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    resp = client.post("/api/corridors/proposed", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert "1048576" in error_of(resp, 413)["message"]


def test_list_api_and_page_show_every_corridor(client):
    listing = client.get("/api/corridors").get_json()
    ids = {c["id"] for c in listing}
    assert {"yugui-railway", "chuanqian-railway", "anxi-expressway", "qijiang-river", "sannan-railway"} <= ids
    comparable = {c["id"] for c in listing if c["comparable"]}
    drawn = {
        f["properties"]["id"]
        for layer in ("railways", "expressways", "river")
        for f in client.get(f"/api/layers/{layer}.geojson").get_json()["features"]
        if f["geometry"]
    }
    assert comparable == drawn and {"yugui-railway", "chuanqian-railway", "sannan-railway"} <= comparable
    html = client.get("/corridors").get_data(as_text=True)
    assert 'value="yugui-railway"' in html and 'value="g75-lanhai"' not in html
    assert html.count("qj-not-comparable-badge") == len(ids) - len(comparable) and "不可比较" in html
    assert "66.7" in html and "67.0" in html


def test_compare_page_embeds_local_assets_and_one_map_per_corridor_plus_proposal(client):
    resp = client.get(f"/corridors/compare?ids={PAIR}&buffer_m=4000&base=none")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert html.count('class="folium-map"') == 3
    for asset in (
        "/vendor/leaflet.sync/L.Map.Sync.js",
        "/vendor/leaflet-draw/leaflet.draw.js",
        "/vendor/chart.js/chart.umd.js",
    ):
        assert asset in html
    assert "cdn" not in html.lower() and "https://" not in html.split("<body")[0]
    assert 'value="4000"' in html


def test_compare_page_with_bad_parameters_is_a_400_page(client):
    resp = client.get("/corridors/compare?ids=yugui-railway,nope", headers={"Accept": "text/html"})
    assert resp.status_code == 400 and resp.mimetype == "text/html"
    assert "nope" in resp.get_data(as_text=True)
