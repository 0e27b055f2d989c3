"""PostGIS mode answers what SQL can answer without reading a whole layer, with the file store's answers."""

from __future__ import annotations

import json
import re

import psycopg
import pytest

from atlas.catalog import load_catalog
from atlas.search import search_features
from atlas.stores.postgis import sql as pgsql
from tests.conftest import GEODATA, ROOT, write_layer

POSTGIS = pytest.mark.parametrize("store_kind", ["postgis"], indirect=True)
CATALOG = load_catalog(ROOT / "layers")
TILED = "towns"  # not a timeline layer nor the district: the map page has no other reason to read it
STAMP = re.compile(r'"timeStamp":\s*"[^"]+"')


@pytest.fixture
def tiled_layers(layers_copy):
    """The shipped declarations with TILED drawn from vector tiles (tile_threshold 0), as a big layer is."""
    target = layers_copy
    toml = target / f"{TILED}.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("order =", "tile_threshold = 0\norder =", 1), "utf-8")
    return target


def shipped_features(layer_id: str) -> list[dict]:
    return json.loads((GEODATA / CATALOG.get(layer_id).source_file).read_text(encoding="utf-8"))["features"]


@POSTGIS
def test_page_list_collections_tilejson_search_and_feature_do_not_read_a_tiled_layer(make_app, tiled_layers):
    app = make_app(LAYERS_DIR=str(tiled_layers), METRICS=True)
    store, client = app.extensions["atlas_store"], app.test_client()
    town = shipped_features(TILED)[0]["properties"]
    page = client.get("/").get_data(as_text=True)
    assert f'"tiles": "/tiles/{TILED}/{{z}}/{{x}}/{{y}}.mvt?v=pg' in page
    paths = ["/api/layers", "/ogc/collections?f=json", f"/ogc/collections/{TILED}?f=json", f"/tiles/{TILED}.json"]
    paths += [f"/api/features/{town['id']}", "/metrics", "/readyz"]
    answers = {path: client.get(path) for path in paths}
    assert all(resp.status_code == 200 for resp in answers.values()), {p: r.status_code for p, r in answers.items()}
    hits = client.get("/api/search", query_string={"q": town["name_zh"]}).get_json()["results"]
    assert hits[0]["id"] == town["id"] and hits[0]["layer"] == TILED
    assert answers[f"/api/features/{town['id']}"].get_json()["feature"]["properties"] == town
    listed = {item["id"]: item for item in answers["/api/layers"].get_json()}
    assert listed[TILED]["feature_count"] == len(shipped_features(TILED))
    assert TILED not in store._cache  # the layer itself was never read into this worker
    assert "district" in store._cache  # ...while small layers still are (their GeoJSON and overview copies)


@POSTGIS
def test_summaries_search_and_features_match_the_file_store(app, make_app):
    pg, files = app.extensions["atlas_store"], make_app(DATABASE_URL=None).extensions["atlas_store"]
    assert pg.database == "PostGIS" and files.database is None
    for ours, theirs in zip(pg.summaries(), files.summaries(), strict=True):
        assert re.fullmatch(r"pg\d+", ours.token) and theirs.token == files.layer(theirs.spec.id).etag
        assert vars(ours) | {"token": ""} == vars(theirs) | {"token": ""}, ours.spec.id
    queries = {"%", "_", "\\", "a_b", "綦江", "qijiang", "QIJIANG", "  Ji ", "街道", "station", "-", "（"}
    for spec in CATALOG:
        for feature in shipped_features(spec.id):
            props = feature["properties"]
            for name in [props.get("name_zh"), props.get("name_en"), props.get("id"), *(props.get("aliases") or [])]:
                if isinstance(name, str) and name:
                    queries |= {name, name.upper(), name[:2], name[1:4], name[-3:]}
            assert pg.find_feature(props["id"]) == files.find_feature(props["id"])
    for q in sorted(queries):
        if q.strip():
            assert search_features(pg, q, limit=25) == search_features(files, q, limit=25), q
    assert len(queries) > 300


@POSTGIS
def test_layer_list_collections_and_tilejson_answers_match_the_file_store(client, make_app):
    theirs = make_app(DATABASE_URL=None).test_client()
    paths = ["/api/layers", "/ogc/collections?f=json", "/ogc/collections/river?f=json", "/ogc/collections/towns"]
    paths += ["/api/search?q=%E7%B6%A6%E6%B1%9F", "/api/features/township-wenlong", "/tiles/district.json"]
    for path in paths:
        ours, expected = client.get(path), theirs.get(path)
        assert ours.status_code == expected.status_code == 200, path
        if path.startswith("/tiles/"):  # the same document but for the version, which each store names its way
            a, b = ours.get_json(), expected.get_json()
            assert {**a, "version": "", "tiles": ""} == {**b, "version": "", "tiles": ""}
        else:
            assert STAMP.sub("", ours.get_data(as_text=True)) == STAMP.sub("", expected.get_data(as_text=True)), path


@POSTGIS
def test_an_edit_changes_the_summary_and_the_search(app):
    store, client = app.extensions["atlas_store"], app.test_client()
    before = store.summary("parks")
    collection = json.loads((GEODATA / "parks.geojson").read_text(encoding="utf-8"))
    collection["features"] = collection["features"][:1]
    collection["features"][0]["properties"]["name_en"] = "Zebra 100% Park_"
    write_layer(app, "parks", collection)
    after = store.summary("parks")
    assert after.token != before.token and after.feature_count + after.unplaced_count == 1
    hits = client.get("/api/search", query_string={"q": "100% park_"}).get_json()["results"]
    assert [h["id"] for h in hits] == [collection["features"][0]["properties"]["id"]]
    assert client.get("/api/search", query_string={"q": "100x park"}).get_json()["results"] == []


@POSTGIS
def test_db_init_upgrades_a_schema_1_database_with_the_search_index(app):
    url = app.config["DATABASE_URL"]
    with psycopg.connect(url, autocommit=True) as conn:  # the database as schema version 1 left it
        conn.execute("DROP INDEX atlas_features_pairs")
        conn.execute("ALTER TABLE atlas_features DROP COLUMN names")
        conn.execute("UPDATE atlas_meta SET value = '1' WHERE key = 'schema_version'")
    client = app.test_client()
    stale = client.get("/readyz").get_json()["checks"]["database"]
    assert stale["ok"] is False and "older than this atlas needs" in stale["detail"] and "db-init" in stale["detail"]
    result = app.test_cli_runner().invoke(args=["db-init"])
    assert result.exit_code == 0, result.output
    assert client.get("/readyz").status_code == 200
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT to_regclass('atlas_features_pairs')").fetchone()[0] is not None
        assert conn.execute("SELECT value FROM atlas_meta WHERE key = 'schema_version'").fetchone()[0] == str(
            pgsql.SCHEMA_VERSION
        )
    hits = client.get("/api/search", query_string={"q": "wenlong"}).get_json()["results"]
    assert hits[0]["id"] == "township-wenlong"
