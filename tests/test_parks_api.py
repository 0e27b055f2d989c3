"""Investor-view routes and API: ranking, every bad parameter, filters, exports, profile, compare."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from pyproj import Transformer
from shapely.geometry import shape

from tests.conftest import write_layer

pytestmark = pytest.mark.both_stores  # every app test runs on the file store and on PostGIS

E0, N0 = 660_000.0, 3_190_000.0  # UTM 48N metres, inside Qijiang
TO_LONLAT = Transformer.from_crs("EPSG:32648", "EPSG:4326", always_xy=True)
HOSTILE = '<img src=x onerror="alert(1)">'


def lonlat(e: float, n: float) -> list[float]:
    return list(TO_LONLAT.transform(e, n))


def square(e: float, n: float, side_m: float = 1000.0) -> dict:
    h = side_m / 2
    ring = [
        lonlat(e - h, n - h),
        lonlat(e + h, n - h),
        lonlat(e + h, n + h),
        lonlat(e - h, n + h),
        lonlat(e - h, n - h),
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def point(e: float, n: float) -> dict:
    return {"type": "Point", "coordinates": lonlat(e, n)}


def feature(fid: str, family: str, kind: str, geometry: dict | None, **props) -> dict:
    base = {
        "id": fid,
        "name_zh": f"{fid}中文",
        "name_en": fid,
        "family": family,
        "kind": kind,
        "status": "existing",
        "accuracy": "schematic" if geometry else "unplaced",
        "source": "synthetic test data",
        "as_of": "2025",
    }
    return {"type": "Feature", "id": fid, "geometry": geometry, "properties": {**base, **props}}


def park(fid: str, geometry, industries=(), planned=None, **props) -> dict:
    return feature(
        fid,
        "park",
        "industrial_park",
        geometry,
        industries=list(industries),
        industries_en=[],
        planned_area_km2=planned,
        built_area_km2=None,
        designations=props.pop("designations", []),
        enterprises=[],
        **props,
    )


def write(geodata: Path, name: str, features: list[dict]) -> None:
    (geodata / f"{name}.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), encoding="utf-8"
    )


def write_synthetic(geodata: Path) -> Path:
    """Known world: alpha 3 km / beta 6 km from the interchange; beta 1 km from the station."""
    write(
        geodata,
        "parks",
        [
            park("alpha", square(E0, N0), ["齿轮"], 10.0, designations=["甲级园区"]),
            park("beta", square(E0 + 10_000, N0), ["食品加工"], 5.0, status="planned"),
            park("gamma", point(E0, N0 + 10_000), [], None, name_en=HOSTILE),
            park("delta", None, ["齿轮"], 20.0),
        ],
    )
    write(
        geodata,
        "stations",
        [
            feature("ic-a", "corridor", "interchange", point(E0 + 3500, N0)),
            feature("st-b", "corridor", "station", point(E0 + 10_000, N0 - 1500)),
        ],
    )
    zone = square(E0, N0, side_m=60_000.0)
    write(
        geodata,
        "hubs",
        [
            feature("hub-c", "hub", "logistics_park", point(E0 - 8500, N0)),
            feature("zone", "hub", "logistics_designation", zone, status="designated"),
        ],
    )
    write(geodata, "places", [feature("seat", "context", "government_seat", point(E0 + 5000, N0 + 5000))])
    write(geodata, "communities", [feature("comm", "community", "renovated_community", point(E0 + 500, N0 + 1500))])
    return geodata


@pytest.fixture
def synth(make_app, geodata_copy):
    return make_app(GEODATA_DIR=str(write_synthetic(geodata_copy))).test_client()


def ranked(client, query: str = "") -> dict:
    resp = client.get(f"/api/parks/rank?{query}")
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_rank_on_synthetic_world_matches_hand_computation(synth):
    body = ranked(synth, "w_interchange=1&w_rail=0&w_hub=0&w_centre=0&w_area=0")
    by_id = {p["id"]: p for p in body["parks"]}
    assert [p["id"] for p in body["parks"]] == ["alpha", "beta", "gamma", "delta"]
    assert by_id["alpha"]["score"] == pytest.approx(85.0, abs=0.01)
    assert by_id["alpha"]["metrics"]["interchange"]["value"] == pytest.approx(3000, abs=0.5)
    assert by_id["alpha"]["metrics"]["interchange"]["target_id"] == "ic-a"
    assert by_id["beta"]["score"] == pytest.approx(70.0, abs=0.01)
    assert by_id["delta"]["score"] is None and by_id["delta"]["missing"] == ["interchange"]
    assert [p["rank"] for p in body["parks"]] == [1, 2, 3, 4]
    assert body["weights"]["interchange"] == 1.0 and body["weights"]["industry"] == 0.0


def test_rail_weight_reverses_the_order(synth):
    body = ranked(synth, "w_interchange=0&w_rail=1&w_hub=0&w_centre=0&w_area=0")
    assert [p["id"] for p in body["parks"]][:2] == ["beta", "alpha"]
    assert body["parks"][0]["metrics"]["rail"]["value"] == pytest.approx(1000, abs=0.5)


def test_designation_zone_is_not_a_hub_site(synth):
    body = ranked(synth)
    alpha = next(p for p in body["parks"] if p["id"] == "alpha")
    assert alpha["metrics"]["hub"]["target_id"] == "hub-c"
    assert alpha["metrics"]["hub"]["value"] == pytest.approx(8000, abs=0.5)  # not 0 from the covering zone


def test_industry_selection_scores_the_match(synth):
    body = ranked(synth, "w_interchange=0&w_rail=0&w_hub=0&w_centre=0&w_area=0&w_industry=1&industry=食品加工")
    by_id = {p["id"]: p for p in body["parks"]}
    assert by_id["beta"]["score"] == 100.0 and by_id["alpha"]["score"] == 0.0
    assert by_id["gamma"]["score"] is None  # lists no industry: unknown, not 0
    assert body["parks"][0]["id"] == "beta"


def test_filters_hide_parks_and_unknown_values_do_not_pass(synth):
    body = ranked(synth, "max_interchange_km=4")
    shown = [p["id"] for p in body["parks"] if not p["hidden_by"]]
    assert shown == ["alpha"] and body["shown_count"] == 1
    delta = next(p for p in body["parks"] if p["id"] == "delta")
    assert delta["hidden_by"] == ["max_interchange_km"] and delta["rank"] is None
    area = ranked(synth, "min_area_km2=6&status=existing")
    assert sorted(p["id"] for p in area["parks"] if not p["hidden_by"]) == ["alpha", "delta"]
    ind = ranked(synth, "f_industry=齿轮&designation=甲级园区")
    assert [p["id"] for p in ind["parks"] if not p["hidden_by"]] == ["alpha"]


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("w_rail=-1", "w_rail"),
        ("w_rail=abc", "w_rail"),
        ("w_rail=NaN", "w_rail"),
        ("w_rail=inf", "w_rail"),
        ("w_rail=-inf", "w_rail"),
        ("w_rail=", "w_rail"),
        ("w_foo=1", "w_foo"),
        ("industry=不存在的产业", "industry"),
        ("w_interchange=0&w_rail=0&w_hub=0&w_centre=0&w_area=0&w_industry=0", "weights"),
        ("w_interchange=0&w_rail=0&w_hub=0&w_centre=0&w_area=0", "weights"),
        ("min_area_km2=-1", "min_area_km2"),
        ("max_rail_km=far", "max_rail_km"),
        ("status=closed", "status"),
        ("w_rail=1&w_rail=2", "w_rail"),
    ],
)
def test_bad_parameters_give_400_naming_the_parameter(client, query, parameter):
    resp = client.get(f"/api/parks/rank?{query}")
    assert resp.status_code == 400
    body = resp.get_json()
    assert body["parameter"] == parameter and body["error"] == "BadParameter"


def test_real_data_is_honest_about_unknowns(client):
    body = ranked(client)
    layer = client.get("/api/layers/parks.geojson").get_json()["features"]
    assert len(body["parks"]) == len(layer)
    unplaced = [p for p in body["parks"] if not p["placed"]]
    assert len(unplaced) == sum(f["geometry"] is None for f in layer) >= 1
    for p in unplaced:
        assert all(p["metrics"][k]["value"] is None for k in ("interchange", "rail", "hub", "centre"))
    food = next(p for p in body["parks"] if p["id"] == "qijiang-food-park")
    assert food["metrics"]["interchange"]["value"] is None  # no interchange is placed in the real data
    assert "interchange" in food["missing"]
    # scores are on what is known, and say how much is known: the placed food park knows most of the weight
    assert food["known_share"] == max(p["known_share"] for p in body["parks"]) > 0.5
    assert all(p["known_share"] < food["known_share"] for p in unplaced)
    assert body["known"]["mostly_unknown"] is True
    assert food["metrics"]["rail"]["value"] > 0


def test_csv_export_has_bom_chinese_text_and_only_filtered_rows(client):
    resp = client.get("/parks/export.csv?w_rail=3&f_industry=食品加工")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert [r["名称"] for r in rows] == ["綦江食品工业园"]  # headers in the request's language
    assert "食品加工" in rows[0]["主导产业"] and rows[0]["名次"] == "1"
    assert rows[0]["距高速互通·数值（米）"] == ""  # unknown stays empty, not 0


def test_csv_export_rows_follow_rank(synth):
    rows = list(
        csv.DictReader(
            io.StringIO(
                synth.get("/parks/export.csv?w_interchange=0&w_rail=1&w_hub=0&w_centre=0&w_area=0").data.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert [r["编号"] for r in rows] == ["beta", "alpha", "gamma", "delta"]
    assert float(rows[0]["评分"]) == pytest.approx(95.0, abs=0.01)


def test_geojson_export_is_valid_and_ranked(synth):
    resp = synth.get("/parks/export.geojson?max_rail_km=12")
    assert resp.status_code == 200 and resp.mimetype == "application/geo+json"
    fc = json.loads(resp.data.decode("utf-8"))
    assert fc["type"] == "FeatureCollection"
    assert [f["id"] for f in fc["features"]] == ["alpha", "beta"]
    for f in fc["features"]:
        assert shape(f["geometry"]).is_valid and f["properties"]["rank"] >= 1


def test_parks_page_renders_controls_map_and_local_assets(client):
    resp = client.get("/parks?w_rail=4&industry=食品加工&sel=qijiang-food-park")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'name="w_rail"' in html and 'value="4"' in html
    assert re.search(r'<input[^>]*name="industry"[^>]*value="食品加工" checked>', html)  # the industry checklist
    assert "/static/js/parks/index.js" in html and "/vendor/leaflet/leaflet.js" in html
    assert "cdn" not in html.lower() and "unpkg" not in html


def test_parks_page_rejects_bad_query_with_html_400(client):
    resp = client.get("/parks?w_rail=-3")
    assert resp.status_code == 400 and resp.mimetype == "text/html"
    assert "w_rail" in resp.get_data(as_text=True)


def test_profile_of_placed_park_shows_surroundings_sources_and_escapes(synth):
    html = synth.get("/parks/alpha").get_data(as_text=True)
    assert "alpha中文" in html and "synthetic test data" in html and "甲级园区" in html
    assert "ic-a中文" in html and "3.00 公里" in html  # nearest interchange and its distance (Chinese units)
    assert "hub-c中文" in html and "zone中文" not in html  # designation zone is not a hub site
    assert "comm中文" in html  # nearest renovated community
    gamma = synth.get("/parks/gamma").get_data(as_text=True)
    assert HOSTILE not in gamma and "&lt;img" in gamma


def test_profile_lists_missing_targets_as_unknown(client):
    html = client.get("/parks/qijiang-food-park").get_data(as_text=True)
    assert html.count('class="qj-no-target') == 1  # no interchange is placed (hubs now are: 三江/赶水 freight)
    assert "綦江东站" in html  # the nearest placed station is shown


def test_profile_of_unplaced_park_says_so_without_distances(client):
    resp = client.get("/parks/beidu-aluminium-park")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'id="qj-unplaced"' in html and "未定位" in html
    assert "qj-surroundings" not in html and "folium-map" not in html
    assert "重庆旗能电铝有限公司" in html and "市级循环经济示范园区" in html


def test_print_fact_sheet_and_print_stylesheet(client):
    resp = client.get("/parks/qijiang-food-park/print")
    assert resp.status_code == 200 and "綦江食品工业园" in resp.get_data(as_text=True)
    with client.get("/static/parks.css") as css:
        assert css.status_code == 200 and "@media print" in css.get_data(as_text=True)


def test_unknown_park_gives_html_404_page(client):
    resp = client.get("/parks/no-such-park")
    assert resp.status_code == 404 and resp.mimetype == "text/html"
    assert "no-such-park" in resp.get_data(as_text=True) and "Traceback" not in resp.get_data(as_text=True)


def test_compare_marks_best_values(client):
    resp = client.get("/parks/compare?ids=qijiang-industrial-park,qijiang-food-park,beidu-aluminium-park")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    row = html.split('data-row="planned_area_km2"', 1)[1].split("</tr>", 1)[0]
    cells = row.split("<td")[1:]
    assert len(cells) == 3
    assert 'class="best' in cells[0] and "77.5" in cells[0]  # 77.5 km² beats 10 and 10
    assert "best" not in cells[1] and "best" not in cells[2]
    assert "规划面积" in html and "Planned area" not in html
    built = html.split('data-row="built_area_km2"', 1)[1].split("</tr>", 1)[0]
    assert built.count('class="best') == 1  # only Beidu gives a built area (6 km²)


@pytest.mark.parametrize(
    "ids", ["qijiang-food-park", "", "a,b,c,d,e", "qijiang-food-park,nope", "qijiang-food-park,qijiang-food-park"]
)
def test_compare_rejects_bad_ids_with_400_page(client, ids):
    resp = client.get(f"/parks/compare?ids={ids}")
    assert resp.status_code == 400 and resp.mimetype == "text/html"
    assert "ids" in resp.get_data(as_text=True)


def test_paging_cuts_the_ranked_list_but_counts_and_ranks_cover_every_park(synth):
    full = ranked(synth, "max_interchange_km=4")
    page = ranked(synth, "max_interchange_km=4&limit=2&offset=1")
    assert page["parks"] == full["parks"][1:3]
    assert (page["shown_count"], page["hidden_count"]) == (full["shown_count"], full["hidden_count"])
    assert (page["limit"], page["offset"]) == (2, 1) and "limit" not in full
    assert ranked(synth, "offset=4")["parks"] == []


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("limit=0", "limit"),
        ("limit=-1", "limit"),
        ("limit=x", "limit"),
        ("offset=-3", "offset"),
        ("offset=1.5", "offset"),
    ],
)
def test_bad_paging_gives_400_naming_the_parameter(synth, query, parameter):
    resp = synth.get(f"/api/parks/rank?{query}")
    assert resp.status_code == 400 and resp.get_json()["parameter"] == parameter


def test_cached_metrics_follow_a_data_change(synth, geodata_copy):
    before = {p["id"]: p for p in ranked(synth)["parks"]}
    assert before["alpha"]["metrics"]["interchange"]["value"] == pytest.approx(3000, abs=0.5)
    stations = [
        feature("ic-a", "corridor", "interchange", point(E0 + 1500, N0)),
        feature("st-b", "corridor", "station", point(E0 + 10_000, N0 - 1500)),
    ]
    write_layer(synth.application, "stations", {"type": "FeatureCollection", "features": stations})
    after = {p["id"]: p for p in ranked(synth, "w_rail=5")["parks"]}
    assert after["alpha"]["metrics"]["interchange"]["value"] == pytest.approx(1000, abs=0.5)
    assert after["alpha"]["metrics"]["rail"]["weight"] == 5.0
