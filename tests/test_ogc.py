"""OGC API – Features Part 1 under /ogc: every path, every error, paging, bbox, filters, HTML, real clients."""

from __future__ import annotations

import json
import subprocess
import sys
from urllib.parse import parse_qs, urlparse

import pytest
import shapely
from shapely.geometry import shape

from atlas.errors import BadParameter
from atlas.ogc.params import CRS84, ItemsQuery, parse_items_query
from atlas.stores.memory import LayerIndex, find_item, run_query
from server import ROOT, create_app
from tests.conftest import load_database, serving
from tests.synthetic import HOSTILE, grid_parks, grid_parks_geodata, write_collection

pytestmark = pytest.mark.both_stores  # every app test runs on the file store and on PostGIS

CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
GEOJSON = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
HTML = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html"
OAS30 = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory):
    return grid_parks_geodata(tmp_path_factory.mktemp("synth") / "geodata")


@pytest.fixture(scope="module", params=["file", "postgis"])
def synth_app(request, synth_dir):
    """The synthetic layers served from files, and (second run of each test) from PostGIS."""
    config = {"TESTING": True, "GEODATA_DIR": str(synth_dir)}
    if request.param == "postgis":
        cluster = request.getfixturevalue("pg_cluster")
        config["DATABASE_URL"] = cluster.create_database("ogc_synth")
        load_database(config["DATABASE_URL"], synth_dir)
    app = create_app(config)
    yield app
    app.extensions["atlas_store"].close()
    if request.param == "postgis":
        cluster.drop_database("ogc_synth")


@pytest.fixture
def synth(synth_app):
    return synth_app.test_client()


@pytest.fixture(scope="module")
def synth_server(synth_app):
    with serving(synth_app, quiet=True) as server:
        yield server


def _ids(features) -> list[str]:
    return [f["properties"]["id"] for f in features]


def _links(doc, rel):
    return [link for link in doc["links"] if link["rel"] == rel]


def _path(href: str) -> str:
    parsed = urlparse(href)
    return parsed.path + ("?" + parsed.query if parsed.query else "")


def _error(resp, status: int, mention: str | None = None) -> dict:
    assert resp.status_code == status, resp.get_data(as_text=True)
    body = resp.get_json()
    assert set(body) >= {"code", "description"}, body
    assert body["code"] and body["description"]
    if mention:
        assert mention in body["description"], body
    return body


def _all_items(client, collection_id, limit=10_000):
    resp = client.get(f"/ogc/collections/{collection_id}/items?limit={limit}")
    assert resp.status_code == 200
    return resp.get_json()["features"]


def _populated_layers(app) -> list[str]:
    from atlas.web.extension import get_store

    with app.app_context():
        return [d.spec.id for d in get_store().all() if d.ok and d.features]


# --- landing page, conformance, API ----------------------------------------------------------------------------


def test_landing_page_links_and_every_link_answers(client):
    resp = client.get("/ogc")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    doc = resp.get_json()
    assert doc["title"] and doc["description"]
    for rel in ("self", "alternate", "service-desc", "service-doc", "conformance", "data"):
        assert _links(doc, rel), rel
    assert _links(doc, "service-desc")[0]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    for link in doc["links"]:
        assert link["href"].startswith("http://localhost/")
        answer = client.get(_path(link["href"]))
        assert answer.status_code == 200, link
    assert client.get("/ogc/").status_code == 200


def test_conformance_declares_core_geojson_html_oas30(client):
    doc = client.get("/ogc/conformance").get_json()
    assert set(doc["conformsTo"]) >= {CORE, GEOJSON, HTML, OAS30}
    assert _links(doc, "self")
    html = client.get("/ogc/conformance?f=html")
    assert html.mimetype == "text/html" and CORE in html.get_data(as_text=True)


def test_openapi_document_is_valid_and_every_path_is_served(synth, synth_app):
    from openapi_spec_validator import validate

    resp = synth.get("/ogc/api")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    doc = resp.get_json()
    validate(doc)
    from atlas.web.extension import get_store

    with synth_app.app_context():
        store = get_store()
        catalog_ids = store.catalog.ids()
        first_ids = {d.spec.id: d.features[0]["properties"]["id"] for d in store.all() if d.features}
        unavailable = {d.spec.id for d in store.all() if not d.ok}
    for cid in catalog_ids:
        assert f"/collections/{cid}/items" in doc["paths"]
        names = {p.get("name") for p in doc["paths"][f"/collections/{cid}/items"]["get"]["parameters"]}
        assert {"id", "name_zh", "status"} <= names
    assert {"/", "/conformance", "/api", "/collections"} <= set(doc["paths"])
    base = urlparse(doc["servers"][0]["url"]).path
    assert base == "/ogc"
    checked = 0
    for path in doc["paths"]:
        if "{featureId}" in path:
            cid = path.split("/")[2]
            if cid not in first_ids:
                continue
            path = path.replace("{featureId}", first_ids[cid])
        for fmt in ("json", "html"):
            answer = synth.get(f"{base}{path}?f={fmt}")
            assert answer.status_code not in (404, 500), (path, answer.status_code)
            if answer.status_code == 503:  # a layer whose file is missing or broken right now
                assert path.split("/")[2] in unavailable, path
                continue
            assert answer.status_code == 200, (path, answer.get_data(as_text=True)[:300])
            checked += 1
    assert checked >= 2 * (4 + 3)  # at least the capabilities and the whole synthetic parks path set
    # the parks items path documents the parks properties
    parks = {p.get("name") for p in doc["paths"]["/collections/parks/items"]["get"]["parameters"]}
    assert {"industries", "planned_area_km2"} <= parks
    html = synth.get("/ogc/api?f=html").get_data(as_text=True)
    assert "/collections/parks/items" in html


# --- collections ------------------------------------------------------------------------------------------------


def test_collections_one_per_declared_layer(synth, synth_app):
    doc = synth.get("/ogc/collections").get_json()
    from atlas.web.extension import get_store

    with synth_app.app_context():
        store = get_store()
        assert [c["id"] for c in doc["collections"]] == store.catalog.ids()
        specs = {s.id: s for s in store.catalog}
    assert _links(doc, "self") and _links(doc, "alternate") and doc["timeStamp"].endswith("Z")
    for coll in doc["collections"]:
        spec = specs[coll["id"]]
        assert spec.title_en in coll["title"] and spec.title_zh in coll["title"]
        assert coll["itemType"] == "feature"
        assert CRS84 in coll["crs"]
        assert any(link["rel"] == "items" and link["type"] == "application/geo+json" for link in coll["links"])
    parks = next(c for c in doc["collections"] if c["id"] == "parks")
    placed = [shape(f["geometry"]) for f in grid_parks()["features"] if f["geometry"]]
    expected = shapely.GeometryCollection(placed).bounds
    assert parks["extent"]["spatial"]["bbox"][0] == pytest.approx(list(expected), abs=1e-6)
    assert parks["extent"]["spatial"]["crs"] == CRS84


def test_single_collection_json_and_html(synth):
    doc = synth.get("/ogc/collections/parks").get_json()
    assert doc["id"] == "parks"
    assert _links(doc, "self")[0]["href"].endswith("/ogc/collections/parks?f=json")
    assert _links(doc, "alternate")[0]["type"] == "text/html"
    items = _links(doc, "items")
    assert {link["type"] for link in items} == {"application/geo+json", "text/html"}
    enclosures = {urlparse(link["href"]).path for link in _links(doc, "enclosure")}
    assert enclosures == {f"/api/layers/parks.{ext}" for ext in ("geojson", "csv", "gpkg", "kml")}
    html = synth.get("/ogc/collections/parks?f=html")
    assert html.mimetype == "text/html"
    assert "产业园区" in html.get_data(as_text=True)


def test_unknown_collection_is_404_everywhere(client):
    for url in (
        "/ogc/collections/nope",
        "/ogc/collections/nope/items",
        "/ogc/collections/nope/items/x",
        "/ogc/collections/nope?f=html",
    ):
        resp = client.get(url)
        assert resp.status_code == 404, url
        if "f=html" in url:
            assert resp.mimetype == "text/html"
        else:
            _error(resp, 404, "nope")


def test_unknown_path_under_ogc_is_ogc_404(client):
    body = _error(client.get("/ogc/whatever/else"), 404)
    assert body["code"] == "NotFound"


def test_plain_resources_reject_unknown_parameters(client):
    for url in (
        "/ogc?foo=1",
        "/ogc/conformance?x=1",
        "/ogc/api?limit=3",
        "/ogc/collections?bbox=1,2,3,4",
        "/ogc/collections/parks?limit=1",
    ):
        body = _error(client.get(url), 400)
        assert body["code"] == "InvalidParameterValue"
        assert body["parameter"] in url


# --- content negotiation --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/ogc",
        "/ogc/conformance",
        "/ogc/collections",
        "/ogc/collections/parks",
        "/ogc/collections/parks/items",
        "/ogc/api",
    ],
)
def test_content_negotiation_accept_and_f(synth, url):
    sep = "&" if "?" in url else "?"
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert synth.get(url, headers={"Accept": browser}).mimetype == "text/html"
    assert synth.get(url, headers={"Accept": "application/json"}).mimetype != "text/html"
    assert synth.get(url, headers={"Accept": "*/*"}).mimetype != "text/html"
    assert synth.get(url).mimetype != "text/html"
    # f= wins over Accept
    assert synth.get(f"{url}{sep}f=json", headers={"Accept": "text/html"}).mimetype != "text/html"
    assert synth.get(f"{url}{sep}f=html", headers={"Accept": "application/json"}).mimetype == "text/html"
    assert "Accept" in synth.get(url).headers["Vary"]
    _error(synth.get(f"{url}{sep}f=xml"), 400, "'f'")


def test_items_media_type_is_geojson(synth):
    resp = synth.get("/ogc/collections/parks/items")
    assert resp.mimetype == "application/geo+json"
    assert resp.headers["Content-Crs"] == f"<{CRS84}>"
    resp = synth.get("/ogc/collections/parks/items/synthetic-park-01")
    assert resp.mimetype == "application/geo+json"


# --- items: counts, limits, errors ----------------------------------------------------------------------------


def test_items_default_page_counts_and_links(synth):
    doc = synth.get("/ogc/collections/parks/items").get_json()
    assert doc["type"] == "FeatureCollection"
    assert doc["numberMatched"] == 23 and doc["numberReturned"] == 10 == len(doc["features"])
    assert doc["timeStamp"].endswith("Z")
    assert _ids(doc["features"]) == [f"synthetic-park-{i:02d}" for i in range(10)]
    assert all(f["id"] == f["properties"]["id"] for f in doc["features"])
    assert _links(doc, "self") and _links(doc, "alternate") and _links(doc, "next") and _links(doc, "collection")
    assert not _links(doc, "prev")
    # unplaced features are items too, with null geometry
    assert doc["features"][4]["geometry"] is None


def test_items_limit_bounds(synth):
    assert synth.get("/ogc/collections/parks/items?limit=10000").get_json()["numberReturned"] == 23
    assert synth.get("/ogc/collections/parks/items?limit=1").get_json()["numberReturned"] == 1
    for bad in ("0", "-1", "10001", "abc", "1.5", ""):
        body = _error(synth.get(f"/ogc/collections/parks/items?limit={bad}"), 400, "limit")
        assert body["parameter"] == "limit"
    for bad in ("-1", "x"):
        _error(synth.get(f"/ogc/collections/parks/items?offset={bad}"), 400, "offset")
    _error(synth.get("/ogc/collections/parks/items?limit=2&limit=3"), 400, "limit")
    past = synth.get("/ogc/collections/parks/items?offset=500").get_json()
    assert past["numberReturned"] == 0 and past["numberMatched"] == 23 and not _links(past, "next")


def test_items_unknown_parameter_is_named(synth):
    body = _error(synth.get("/ogc/collections/parks/items?colour=red"), 400, "'colour'")
    assert body["parameter"] == "colour"
    # a property of another layer is unknown here
    _error(synth.get("/ogc/collections/parks/items?electrified=true"), 400, "'electrified'")


@pytest.mark.parametrize(
    "bbox",
    [
        "1,2,3",
        "1,2,3,4,5",
        "a,b,c,d",
        "106,29,107",
        "200,0,201,1",
        "0,-91,1,0",
        "107,28,106,29",
        "106,29,107,28",
        "nan,1,2,3",
        "",
        "1,,2,3",
    ],
)
def test_malformed_bbox_is_400(synth, bbox):
    body = _error(synth.get(f"/ogc/collections/parks/items?bbox={bbox}"), 400, "bbox")
    assert body["parameter"] == "bbox"


def test_bbox_crs_and_crs_only_crs84(synth):
    ok = synth.get(f"/ogc/collections/parks/items?bbox=106,28,107,29&bbox-crs={CRS84}")
    assert ok.status_code == 200
    _error(synth.get("/ogc/collections/parks/items?bbox=106,28,107,29&bbox-crs=EPSG:4326"), 400, "bbox-crs")
    # bbox-crs without bbox describes nothing and is accepted (it is schema-valid in the OpenAPI document)
    assert synth.get(f"/ogc/collections/parks/items?bbox-crs={CRS84}").status_code == 200
    assert synth.get(f"/ogc/collections/parks/items?crs={CRS84}").status_code == 200
    _error(synth.get("/ogc/collections/parks/items?crs=http://www.opengis.net/def/crs/EPSG/0/3857"), 400, "crs")


def test_datetime_is_validated_but_does_not_filter(synth):
    full = synth.get("/ogc/collections/parks/items?limit=100").get_json()
    for value in ("2024-01-01", "2024-01-01T00:00:00Z", "2020-01-01/..", "../2024-12-31T10:00:00+08:00"):
        doc = synth.get("/ogc/collections/parks/items", query_string={"limit": 100, "datetime": value}).get_json()
        assert doc["numberMatched"] == full["numberMatched"], value
        assert any("datetime=" in link["href"] for link in doc["links"] if link["rel"] == "self")
    for bad in ("yesterday", "2024-13", "../..", "2024-01-01/2024-02-01/2024-03-01"):
        _error(synth.get("/ogc/collections/parks/items", query_string={"datetime": bad}), 400, "datetime")


# --- paging ---------------------------------------------------------------------------------------------------


def _page_through(client, url):
    seen, pages = [], 0
    while url:
        doc = client.get(url).get_json()
        assert doc["numberReturned"] == len(doc["features"])
        seen += _ids(doc["features"])
        nxt = _links(doc, "next")
        url = _path(nxt[0]["href"]) if nxt else None
        pages += 1
        assert pages < 1000
    return seen, pages, doc


def test_paging_with_next_links_returns_every_feature_once(synth):
    seen, pages, last = _page_through(synth, "/ogc/collections/parks/items?limit=4")
    assert seen == [f"synthetic-park-{i:02d}" for i in range(23)]
    assert pages == 6
    # prev from the last page walks back to the start
    back, url = [], _path(_links(last, "prev")[0]["href"])
    while url:
        doc = synth.get(url).get_json()
        back = _ids(doc["features"]) + back
        prev = _links(doc, "prev")
        url = _path(prev[0]["href"]) if prev else None
    assert back == seen[:20]


def test_paging_real_layers(client, app):
    for cid in _populated_layers(app):
        expected = _ids(json.loads(client.get(f"/api/layers/{cid}.geojson").get_data())["features"])
        seen, _, _ = _page_through(client, f"/ogc/collections/{cid}/items?limit=3")
        assert seen == expected, cid


def test_paging_keeps_filters_in_links(synth):
    doc = synth.get("/ogc/collections/parks/items?limit=2&bbox=106.3,28.4,107,29&industries=铝").get_json()
    href = _links(doc, "next")[0]["href"]
    query = parse_qs(urlparse(href).query)
    assert query["bbox"] == ["106.3,28.4,107,29"] and query["industries"] == ["铝"] and query["offset"] == ["2"]
    seen, _, _ = _page_through(synth, _path(href))
    assert len(seen) + 2 == doc["numberMatched"]


# --- bbox and property filters ----------------------------------------------------------------------------------

BOXES = [
    (106.45, 28.55, 106.75, 28.85),
    (106.0, 28.0, 107.5, 29.5),
    (106.40, 28.50, 106.40, 28.50),
    (106.429, 28.60, 106.431, 28.62),
    (100.0, 20.0, 101.0, 21.0),
    (106.6, 28.7, 106.92, 29.2),
]


def _expected_in_box(features, box):
    b = shapely.box(*box)
    return [f["properties"]["id"] for f in features if f["geometry"] and shape(f["geometry"]).intersects(b)]


@pytest.mark.parametrize("box", BOXES)
def test_bbox_returns_exactly_the_intersecting_features(synth, box):
    features = grid_parks()["features"]
    expected = _expected_in_box(features, box)
    assert len(_all_items(synth, "parks")) == 23
    doc = synth.get("/ogc/collections/parks/items?limit=10000&bbox=" + ",".join(map(str, box))).get_json()
    assert _ids(doc["features"]) == expected
    assert doc["numberMatched"] == len(expected)
    assert all(f["geometry"] is not None for f in doc["features"])


def test_bbox_exact_on_real_layers(client, app):
    boxes = [(106.5, 28.8, 106.8, 29.1), (106.6, 28.9, 106.7, 29.0), (106.2, 28.3, 107.2, 29.3)]
    for cid in _populated_layers(app):
        features = json.loads(client.get(f"/api/layers/{cid}.geojson").get_data())["features"]
        for box in boxes:
            doc = client.get(f"/ogc/collections/{cid}/items?limit=10000&bbox=" + ",".join(map(str, box))).get_json()
            assert _ids(doc["features"]) == _expected_in_box(features, box), (cid, box)


def test_bbox_uses_the_stores_spatial_index_rebuilt_when_the_file_changes(tmp_path):
    from atlas.catalog import load_catalog
    from atlas.stores.files import FileStore

    data_dir = tmp_path / "geodata"
    data_dir.mkdir()
    write_collection(data_dir / "parks.geojson", grid_parks(12))
    store = FileStore(load_catalog(ROOT / "layers"), data_dir)
    query = ItemsQuery(limit=100, bbox=(106.0, 28.0, 107.0, 29.0))
    first = store.items("parks", query)
    index = store.index("parks")
    assert store.items("parks", query) == first
    assert store.index("parks") is index and index.built == ("spatial",)  # built once, then reused
    write_collection(data_dir / "parks.geojson", grid_parks(7))
    second = store.items("parks", query)
    assert store.index("parks") is not index  # the edit to the file rebuilt it
    assert first[1] > second[1] > 0
    # another store (another app) on the same files answers the same from an index of its own
    other = FileStore(load_catalog(ROOT / "layers"), data_dir)
    assert other.items("parks", query) == second
    assert other.index("parks") is not store.index("parks")


def test_property_filters(synth):
    features = grid_parks()["features"]

    def expect(pred):
        return [f["properties"]["id"] for f in features if pred(f["properties"])]

    def got(query):
        return _ids(synth.get(f"/ogc/collections/parks/items?limit=10000&{query}").get_json()["features"])

    assert got("status=planned") == expect(lambda p: p["status"] == "planned")
    assert got("status=planned&accuracy=unplaced") == expect(
        lambda p: p["status"] == "planned" and p["accuracy"] == "unplaced"
    )
    assert got("industries=齿轮") == expect(lambda p: "齿轮" in p["industries"])  # list contains
    assert got("aliases=园区8") == ["synthetic-park-08"]
    assert got("planned_area_km2=3.5") == ["synthetic-park-03"]
    assert got("id=synthetic-park-07") == ["synthetic-park-07"]
    assert got("status=nothing-like-this") == []
    assert got("status=planned&bbox=106.3,28.4,106.75,28.75") == [
        i
        for i in expect(lambda p: p["status"] == "planned")
        if i in _expected_in_box(features, (106.3, 28.4, 106.75, 28.75))
    ]
    _error(synth.get("/ogc/collections/parks/items?planned_area_km2=big"), 400, "planned_area_km2")
    _error(synth.get("/ogc/collections/parks/items?status=a&status=b"), 400, "status")


def test_bool_filter_on_railways(client, app):
    if "railways" not in _populated_layers(app):
        pytest.skip("railways has no data yet")
    features = json.loads(client.get("/api/layers/railways.geojson").get_data())["features"]
    got = _ids(client.get("/ogc/collections/railways/items?electrified=true&limit=100").get_json()["features"])
    assert got == [f["properties"]["id"] for f in features if f["properties"].get("electrified") is True]
    _error(client.get("/ogc/collections/railways/items?electrified=maybe"), 400, "electrified")


# --- single items -----------------------------------------------------------------------------------------------


def test_single_item(synth):
    resp = synth.get("/ogc/collections/parks/items/synthetic-park-03")
    feat = resp.get_json()
    assert feat["type"] == "Feature" and feat["id"] == "synthetic-park-03"
    assert feat["geometry"]["type"] == "Polygon"
    assert feat["properties"]["industries"] == ["铝"]
    for rel in ("self", "alternate", "collection"):
        assert _links(feat, rel), rel
    assert _links(feat, "self")[0]["href"].endswith("/ogc/collections/parks/items/synthetic-park-03?f=json")
    unplaced = synth.get("/ogc/collections/parks/items/synthetic-park-04").get_json()
    assert unplaced["geometry"] is None
    _error(synth.get("/ogc/collections/parks/items/no-such-park"), 404, "no-such-park")
    # a feature of another layer is not in this collection
    other = synth.get("/ogc/collections/railways/items/synthetic-park-03")
    assert other.status_code in (404, 503)
    _error(synth.get("/ogc/collections/parks/items/synthetic-park-03?limit=1"), 400, "limit")


def test_feature_and_layer_download_links_resolve(synth):
    feature = synth.get("/ogc/collections/parks/items/synthetic-park-01?f=json").get_json()
    collection = synth.get("/ogc/collections/parks").get_json()
    feature_geojson = _links(feature, "self")[0]["href"]
    assert urlparse(feature_geojson).path == "/ogc/collections/parks/items/synthetic-park-01"
    assert urlparse(feature_geojson).query == "f=json"
    links = feature["links"] + _links(collection, "enclosure")
    assert len(links) == 8  # feature as JSON and HTML, its collection twice, the layer in four formats
    for link in links:
        resp = synth.get(link["href"])
        assert resp.status_code == 200, link
        resp.close()
    assert synth.get(feature_geojson).get_json()["id"] == "synthetic-park-01"


def test_unavailable_layer(geodata_copy, make_app):
    (geodata_copy / "parks.geojson").unlink(missing_ok=True)
    client = make_app(GEODATA_DIR=str(geodata_copy)).test_client()
    colls = client.get("/ogc/collections").get_json()["collections"]
    parks = next(c for c in colls if c["id"] == "parks")
    assert parks["x-atlas"]["available"] is False and "extent" not in parks
    assert client.get("/ogc/collections/parks").status_code == 200
    body = _error(client.get("/ogc/collections/parks/items"), 503, "parks")
    assert body["code"] == "ServiceUnavailable"
    _error(client.get("/ogc/collections/parks/items?limit=0"), 400, "limit")


# --- HTML ------------------------------------------------------------------------------------------------------


def _assert_escaped(client, url):
    resp = client.get(url)
    assert resp.status_code == 200 and resp.mimetype == "text/html", url
    html = resp.get_data(as_text=True)
    assert "<script>" not in html and "<img" not in html and "<b>bold" not in html, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
    assert 'href="/"' in html  # back to the map
    return html


def test_html_pages_escape_hostile_strings(geodata_copy, make_app):
    coll = grid_parks(3)
    props = coll["features"][0]["properties"]
    props["name_zh"] = HOSTILE
    props["name_en"] = '"><img src=x onerror=alert(2)>'
    props["industries"] = [HOSTILE, "食品"]
    props["description_en"] = "{{ 7*7 }} & <b>bold</b>"
    write_collection(geodata_copy / "parks.geojson", coll)
    # and in a real layer, when it has data
    real = None
    store = create_app({"TESTING": True, "GEODATA_DIR": str(geodata_copy)}).extensions["atlas_store"]
    for spec in store.catalog:
        if spec.id == "parks" or not store.layer(spec.id).features:
            continue
        path = geodata_copy / spec.source_file
        obj = json.loads(path.read_text(encoding="utf-8"))
        if obj.get("features"):
            obj["features"][0]["properties"]["name_zh"] = HOSTILE
            path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
            real = (spec.id, obj["features"][0]["properties"]["id"])
            break
    client = make_app(GEODATA_DIR=str(geodata_copy)).test_client()
    fid = props["id"]
    html = _assert_escaped(client, "/ogc/collections/parks/items?f=html")
    assert "{{ 7*7 }} &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    _assert_escaped(client, f"/ogc/collections/parks/items/{fid}?f=html")
    _assert_escaped(client, "/ogc/collections/parks/items?f=html&industries=%3Cscript%3Ealert(1)%3C/script%3E")
    if real:
        collection_id, real_id = real
        assert client.get(f"/ogc/collections/{collection_id}/items?f=json").status_code == 200
        _assert_escaped(client, f"/ogc/collections/{collection_id}/items/{real_id}?f=html")
    # JSON keeps the original text
    assert client.get(f"/ogc/collections/parks/items/{fid}").get_json()["properties"]["name_zh"] == HOSTILE


def test_html_items_page_has_property_tables_and_paging(synth):
    html = synth.get("/ogc/collections/parks/items?f=html&limit=4&offset=4").get_data(as_text=True)
    assert html.count('class="qj-props"') == 4
    assert "测试园区05号" in html and "主导产业" in html and "测试园区03号" not in html
    assert 'rel="next"' in html and 'rel="prev"' in html
    assert "f=html" in html.split('rel="next" href="')[1].split('"')[0]
    item = synth.get("/ogc/collections/parks/items/synthetic-park-02?f=html").get_data(as_text=True)
    assert "食品; 齿轮" in item and "规划面积" in item and 'href="/"' in item


def test_html_error_page_for_browsers(client):
    resp = client.get("/ogc/collections/nope", headers={"Accept": "text/html"})
    assert resp.status_code == 404 and resp.mimetype == "text/html"
    assert "nope" in resp.get_data(as_text=True)


# --- pure functions --------------------------------------------------------------------------------------------


def test_parse_items_query_pure(app):
    from atlas.web.extension import get_store

    with app.app_context():
        spec = get_store().catalog.get("parks")
    q = parse_items_query({"limit": ["5"], "offset": ["10"], "bbox": ["106,28,107,29"], "status": ["planned"]}, spec)
    assert (q.limit, q.offset, q.bbox, q.filters) == (5, 10, (106.0, 28.0, 107.0, 29.0), (("status", "planned"),))
    assert parse_items_query({}, spec) == ItemsQuery()
    with pytest.raises(BadParameter) as info:
        parse_items_query({"nope": "1"}, spec)
    assert info.value.parameter == "nope" and info.value.status == 400


# --- real clients ---------------------------------------------------------------------------------------------


def test_owslib_reads_every_collection_like_the_geojson(live_server):
    import requests
    from owslib.ogcapi.features import Features

    api = Features(live_server.url + "/ogc")
    collections = api.feature_collections()
    layers = requests.get(live_server.url + "/api/layers", timeout=10).json()
    assert collections == [layer["id"] for layer in layers]
    assert OAS30 in api.conformance()["conformsTo"]
    assert "/collections" in api.api()["paths"]
    checked = 0
    for layer in layers:
        if not layer["available"]:
            continue
        expected = _ids(requests.get(live_server.url + layer["url"], timeout=10).json()["features"])
        meta = api.collection(layer["id"])
        assert meta["id"] == layer["id"]
        page = api.collection_items(layer["id"], limit=10_000)
        assert _ids(page["features"]) == expected
        assert page["numberMatched"] == len(expected)
        # and page by page through OWSLib as well
        seen, offset = [], 0
        while True:
            page = api.collection_items(layer["id"], limit=4, offset=offset)
            seen += _ids(page["features"])
            if not any(link["rel"] == "next" for link in page["links"]):
                break
            offset += 4
        assert seen == expected
        if expected:
            one = api.collection_item(layer["id"], expected[0])
            assert one["id"] == expected[0]
            checked += 1
    assert checked == sum(
        1 for layer in layers if layer["available"] and layer["feature_count"] + layer["unplaced_count"]
    )


def test_owslib_reads_the_synthetic_collection(synth_server):
    from owslib.ogcapi.features import Features

    api = Features(synth_server.url + "/ogc")
    assert "parks" in api.feature_collections()
    expected = _ids(grid_parks()["features"])
    assert _ids(api.collection_items("parks", limit=10_000)["features"]) == expected
    seen, offset = [], 0
    while True:
        page = api.collection_items("parks", limit=5, offset=offset)
        seen += _ids(page["features"])
        if not any(link["rel"] == "next" for link in page["links"]):
            break
        offset += 5
    assert seen == expected


def test_owslib_bbox_on_synthetic_data(synth_server):
    from owslib.ogcapi.features import Features

    api = Features(synth_server.url + "/ogc")
    box = (106.45, 28.55, 106.75, 28.85)
    page = api.collection_items("parks", bbox=list(box), limit=100)
    assert _ids(page["features"]) == _expected_in_box(grid_parks()["features"], box)


GDAL_READ = (
    "import json, sys, pyogrio\n"
    "df = pyogrio.read_dataframe(sys.argv[1])\n"
    "print(json.dumps({'ids': [str(v) for v in df['id']], 'null': int(df.geometry.isna().sum())}))\n"
)


def test_gdal_oapif_driver_reads_the_collections(synth_server):
    """GDAL's OAPIF client in a child process (in-process it would hold the GIL the live server needs)."""
    expected = grid_parks()["features"]
    for cid in ("parks",):
        out = subprocess.run(
            [sys.executable, "-c", GDAL_READ, f"OAPIF:{synth_server.url}/ogc/collections/{cid}"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr[-2000:]
        got = json.loads(out.stdout.strip().splitlines()[-1])
        assert got["ids"] == _ids(expected)
        assert got["null"] == sum(1 for f in expected if f["geometry"] is None)


def test_typed_property_filters_reject_values_of_the_wrong_type(synth):
    _error(synth.get("/ogc/collections/parks/items?planned_area_km2=abc"), 400, "planned_area_km2")
    _error(synth.get("/ogc/collections/parks/items?established=last%20year"), 400, "established")
    _error(synth.get("/ogc/collections/parks/items?established="), 400, "established")


def test_method_not_allowed_lists_allowed_methods(client):
    resp = client.post("/ogc/collections")
    assert resp.status_code == 405 and "GET" in resp.headers["Allow"]


def test_property_filters_use_a_cached_index_with_the_documented_equality_rules():
    from atlas.catalog import load_catalog
    from atlas.stores.layerdata import LayerData

    spec = load_catalog(ROOT / "layers").get("parks")
    values = [["齿轮", "食品"], True, 12, "12", None, ["食品", "食品"], 12.5, False]
    features = [
        {"type": "Feature", "geometry": None, "properties": {"id": f"f{i}", "x": v}} for i, v in enumerate(values)
    ]
    data = LayerData(spec, True, collection={"type": "FeatureCollection", "features": features}, etag="test-etag-1")
    index = LayerIndex(data)

    def ids(*filters, offset=0, limit=100):
        page, matched = run_query(index, ItemsQuery(limit=limit, offset=offset, filters=filters))
        return [f["id"] for f in page], matched

    assert ids(("x", "食品")) == (["f0", "f5"], 2)  # any item of a list, a repeated item once
    assert ids(("x", "TRUE")) == (["f1"], 1)  # booleans: true/false in any case
    assert ids(("x", "12.0")) == (["f2"], 1)  # numbers: the same float; text "12" is not 12.0
    assert ids(("x", "12")) == (["f2", "f3"], 2)  # 12 (number) and "12" (text)
    assert ids(("x", "12"), ("id", "f3")) == (["f3"], 1)  # filters combine with AND
    assert ids(("x", "nan")) == ([], 0) and ids(("x", "None")) == ([], 0)
    assert ids(("x", "12"), offset=1, limit=1) == (["f3"], 2)
    assert index.built == ("field:x", "field:id")  # one index per property, reused
    assert find_item(index, "f6")["properties"]["x"] == 12.5
