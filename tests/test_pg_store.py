"""The PostGIS store against a real database: shared by instances, outages answered 503, CLI, backup, push-down."""

from __future__ import annotations

import json
import math
import re
import tarfile

import mapbox_vector_tile
import psycopg
import pytest

from atlas.curation import accounts
from atlas.web.db import connect
from tests.conftest import GEODATA, first_unplaced, load_database, write_layer
from tests.pg import TEMPLATE_DB, Cluster

POSTGIS = pytest.mark.parametrize("store_kind", ["postgis"], indirect=True)
MOVED = {"type": "Point", "coordinates": [106.66, 28.96]}


def token_for(app, name: str = "editor1") -> str:
    db = connect(app.config["DATABASE"])
    try:
        return accounts.create_token(db, accounts.authenticate(db, name, "correct-horse-1"), "pg test")
    finally:
        db.close()


@POSTGIS
def test_a_write_through_one_instance_is_served_by_the_other_at_once(curation_app, make_app, geodata_copy):
    other = make_app(GEODATA_DIR=str(geodata_copy), DATABASE=curation_app.config["DATABASE"], SECRET_KEY="x")
    assert other.config["DATABASE_URL"] == curation_app.config["DATABASE_URL"]  # one database, two instances
    reader = other.test_client()
    before = reader.get("/api/layers/parks.geojson")
    fid = first_unplaced(geodata_copy)["id"]
    resp = curation_app.test_client().patch(
        f"/api/layers/parks/features/{fid}",
        headers={"Authorization": f"Token {token_for(curation_app)}"},
        json={
            "geometry": MOVED,
            "properties": {"source": "edited on instance A", "accuracy": "approximate", "as_of": "2026"},
        },
    )
    assert resp.status_code == 200, resp.get_json()
    after = reader.get("/api/layers/parks.geojson")
    assert after.headers["ETag"] != before.headers["ETag"]
    feature = next(f for f in after.get_json()["features"] if f["properties"]["id"] == fid)
    assert feature["geometry"] == MOVED and feature["properties"]["source"] == "edited on instance A"
    item = reader.get(f"/ogc/collections/parks/items/{fid}?f=json").get_json()
    assert item["geometry"] == MOVED
    bbox = reader.get("/ogc/collections/parks/items?bbox=106.659,28.959,106.661,28.961&f=json").get_json()
    assert fid in [f["id"] for f in bbox["features"]]
    assert reader.get(f"/api/features/{fid}").get_json()["feature"]["geometry"] == MOVED


def test_readyz_and_requests_follow_the_database_down_and_back_without_restart(make_app):
    cluster = Cluster()
    try:
        cluster.start()
        url = cluster.create_database("atlas")
        load_database(url, GEODATA)
        app = make_app(DATABASE_URL=url, DATABASE_TIMEOUT_S=1)
        client = app.test_client()
        assert client.get("/readyz").status_code == 200
        assert client.get("/ogc/collections/towns/items?limit=1").status_code == 200
        cluster.stop()
        down = client.get("/readyz")
        body = down.get_json()
        assert down.status_code == 503 and "database" in body["failed"]
        assert "cannot be reached" in body["checks"]["database"]["detail"]
        for path in ("/api/layers/towns.geojson", "/ogc/collections/towns/items?limit=1", "/tiles/towns/5/25/13.mvt"):
            resp = client.get(path)
            assert resp.status_code == 503, path
            assert resp.is_json and "database" in json.dumps(resp.get_json()), path
            assert "Traceback" not in resp.get_data(as_text=True)
        cluster.start()
        up = client.get("/readyz")
        assert up.status_code == 200, up.get_json()
        assert up.get_json()["checks"]["database"]["ok"] is True
        assert client.get("/tiles/towns/5/25/13.mvt").status_code == 200
    finally:
        app.extensions["atlas_store"].close() if "app" in locals() else None
        cluster.destroy()


def test_db_init_and_db_load_fill_an_empty_database_and_refuse_a_broken_file(pg_cluster, make_app, geodata_copy):
    url = pg_cluster.create_database("cli_load")
    try:
        (geodata_copy / "hubs.geojson").write_text('{"type": "FeatureCollection"', encoding="utf-8")
        app = make_app(DATABASE_URL=url, GEODATA_DIR=str(geodata_copy))
        runner = app.test_cli_runner()
        assert app.test_client().get("/readyz").get_json()["checks"]["database"]["detail"].endswith("db-init`")
        first = runner.invoke(args=["db-init"])
        assert first.exit_code == 0 and "created" in first.output, first.output
        again = runner.invoke(args=["db-init"])
        assert again.exit_code == 0 and "already there" in again.output
        load = runner.invoke(args=["db-load"])
        assert load.exit_code == 1 and "hubs refused" in load.output and "1 layer(s) refused: hubs" in load.output
        assert "db-load: towns:" in load.output
        layers = {item["id"]: item for item in app.test_client().get("/api/layers").get_json()}
        assert layers["towns"]["available"] is True
        assert layers["hubs"]["available"] is False and "db-load" in layers["hubs"]["reason"]
        again = runner.invoke(args=["db-load", "--layer", "towns", "--cluster"])
        assert again.exit_code == 0 and "clustered by geometry" in again.output, again.output
        file_app = make_app(DATABASE_URL=None)
        towns = app.test_client().get("/api/layers/towns.geojson")
        assert towns.data == file_app.test_client().get("/api/layers/towns.geojson").data
    finally:
        for created in (locals().get("app"), locals().get("file_app")):
            if created is not None:
                created.extensions["atlas_store"].close()
        pg_cluster.drop_database("cli_load")


def test_db_commands_refuse_without_a_database(make_app):
    result = make_app().test_cli_runner().invoke(args=["db-load"])
    assert result.exit_code == 1 and "QIJIANG_DATABASE_URL is not set" in result.output


@POSTGIS
def test_a_newer_schema_in_the_database_is_refused_clearly(app):
    with psycopg.connect(app.config["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("UPDATE atlas_meta SET value = '99' WHERE key = 'schema_version'")
    resp = app.test_client().get("/readyz")
    assert resp.status_code == 503
    assert "newer than this atlas knows" in resp.get_json()["checks"]["database"]["detail"]


@POSTGIS
def test_ogc_items_and_tiles_are_answered_in_sql_without_loading_the_layer(app):
    store = app.extensions["atlas_store"]
    client = app.test_client()
    page = client.get("/ogc/collections/towns/items?bbox=106.4,28.7,106.9,29.2&limit=2&offset=1&f=json").get_json()
    assert page["numberReturned"] == 2 and page["numberMatched"] > 2
    assert client.get("/tiles/towns/5/25/13.mvt").status_code == 200
    assert "towns" not in store._cache  # the layer itself was never read into this worker
    whole = client.get("/api/layers/towns.geojson").get_json()["features"]
    assert "towns" in store._cache
    ids = [f["properties"]["id"] for f in whole]
    assert [f["id"] for f in page["features"]] == [i for i in ids if i in {f["id"] for f in page["features"]}]


@POSTGIS
def test_backup_and_restore_round_trip_through_the_database(app, tmp_path):
    client = app.test_client()
    runner = app.test_cli_runner()
    archive = tmp_path / "atlas.tar.gz"
    before = {lid: client.get(f"/api/layers/{lid}.geojson").data for lid in ("towns", "parks", "stations")}
    made = runner.invoke(args=["backup", str(archive)])
    assert made.exit_code == 0, made.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "layers/towns.geojson" in names and "manifest.json" in names  # the file store's archive format
    write_layer(app, "towns", {"type": "FeatureCollection", "features": []})
    write_layer(app, "parks", {"type": "FeatureCollection", "features": []})
    assert client.get("/api/layers/towns.geojson").get_json()["features"] == []
    tampered = tmp_path / "tampered.tar.gz"
    tampered.write_bytes(archive.read_bytes()[:-200])
    refused = runner.invoke(args=["restore", str(tampered)])
    assert refused.exit_code == 1 and "restore refused" in refused.output
    assert client.get("/api/layers/towns.geojson").get_json()["features"] == []  # nothing changed
    restored = runner.invoke(args=["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    after = {lid: client.get(f"/api/layers/{lid}.geojson").data for lid in before}
    assert after == before


@POSTGIS
def test_a_file_store_backup_restores_into_the_database(app, make_app, tmp_path):
    archive = tmp_path / "files.tar.gz"
    file_app = make_app(DATABASE_URL=None)
    assert file_app.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0
    write_layer(app, "stations", {"type": "FeatureCollection", "features": []})
    assert app.test_cli_runner().invoke(args=["restore", str(archive)]).exit_code == 0
    strip = re.compile(rb'"timeStamp":\s*"[^"]+"')
    ours, theirs = app.test_client(), file_app.test_client()
    for path in ("/api/layers/stations.geojson", "/ogc/collections/stations/items?limit=3"):
        assert strip.sub(b"", ours.get(path).data) == strip.sub(b"", theirs.get(path).data), path


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def tile_content(client, layer_id: str, z: int, x: int, y: int) -> tuple[list[str], list[int]]:
    """The ids of the features a tile sends as themselves and the counts of its cluster points, sorted."""
    resp = client.get(f"/tiles/{layer_id}/{z}/{x}/{y}.mvt")
    assert resp.status_code in (200, 204), resp.get_data(as_text=True)
    feats = mapbox_vector_tile.decode(resp.data)[layer_id]["features"] if resp.data else []
    ids = sorted(f["properties"]["id"] for f in feats if not f["properties"].get("cluster"))
    return ids, sorted(f["properties"]["point_count"] for f in feats if f["properties"].get("cluster"))


DISTRICT_TILES = [  # every tile over the district at zooms 8 and 10
    (z, x, y)
    for z in (8, 10)
    for x in range(tile_of(106.38, 29.0, z)[0], tile_of(107.05, 29.0, z)[0] + 1)
    for y in range(tile_of(106.7, 29.19, z)[1], tile_of(106.7, 28.45, z)[1] + 1)
]


def test_db_init_upgrades_a_version_1_database_and_builds_its_tile_clusters(pg_cluster, make_app):
    url = pg_cluster.create_database("upgrade_v1", TEMPLATE_DB)
    try:
        with psycopg.connect(url, autocommit=True) as conn:  # the schema as version 1 left it
            conn.execute("DROP TABLE atlas_tile_clusters, atlas_tile_shapes")
            conn.execute("ALTER TABLE atlas_layers DROP COLUMN clustered")
            conn.execute("UPDATE atlas_meta SET value = '1' WHERE key = 'schema_version'")
            loaded = conn.execute("SELECT count(*) FROM atlas_layers").fetchone()[0]
        app = make_app(DATABASE_URL=url)
        client = app.test_client()
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert "older than this atlas needs" in ready.get_json()["checks"]["database"]["detail"]
        result = app.test_cli_runner().invoke(args=["db-init"])
        assert result.exit_code == 0 and "upgraded" in result.output, result.output
        assert f"tile clusters built for {loaded} layer(s)" in result.output
        assert client.get("/readyz").status_code == 200
        files = make_app(DATABASE_URL=None).test_client()
        for layer_id in ("stations", "places", "towns"):
            for z, x, y in DISTRICT_TILES:  # low-zoom tiles follow the file store's rule
                assert tile_content(client, layer_id, z, x, y) == tile_content(files, layer_id, z, x, y), (layer_id, z)
        again = app.test_cli_runner().invoke(args=["db-init"])
        assert "already there" in again.output and "tile clusters built" not in again.output
    finally:
        pg_cluster.drop_database("upgrade_v1")


def _stations(count: int, lon: float = 106.70, lat: float = 28.95) -> dict:
    """``count`` stations ~10 m apart around lon, lat, plus one far from them (the shipped first station's properties)."""
    fc = json.loads((GEODATA / "stations.geojson").read_text(encoding="utf-8"))
    template = next(f for f in fc["features"] if f.get("geometry"))
    spots = [(lon + 0.0001 * (i % 8), lat + 0.0001 * (i // 8)) for i in range(count)] + [(106.45, 28.60)]
    fc["features"] = [
        {
            **template,
            "geometry": {"type": "Point", "coordinates": [x, y]},
            "properties": {**template["properties"], "id": f"s-{i}"},
        }
        for i, (x, y) in enumerate(spots)
    ]
    return fc


def _clustered(app) -> tuple[int, int]:
    with psycopg.connect(app.config["DATABASE_URL"]) as conn:
        return conn.execute("SELECT version, clustered FROM atlas_layers WHERE layer = 'stations'").fetchone()


@POSTGIS
def test_tile_clusters_follow_every_write_and_are_rebuilt_after_a_write_from_outside(app):
    client = app.test_client()
    dense = tile_of(106.70, 28.95, 10)
    write_layer(app, "stations", _stations(40))
    assert tile_content(client, "stations", 10, *dense) == ([], [40])
    version, clustered = _clustered(app)
    assert clustered == version
    write_layer(app, "stations", _stations(25))  # through store.writer(): rows and clusters in one transaction
    assert tile_content(client, "stations", 10, *dense) == ([], [25])
    assert tile_content(client, "stations", 10, *tile_of(106.45, 28.60, 10)) == (["s-25"], [])
    with psycopg.connect(app.config["DATABASE_URL"]) as conn:  # rows changed by hand, version bumped, no rebuild
        conn.execute("DELETE FROM atlas_features WHERE layer = 'stations' AND pos >= 5")
        conn.execute("UPDATE atlas_layers SET version = nextval('atlas_version_seq') WHERE layer = 'stations'")
    assert _clustered(app)[0] != _clustered(app)[1]
    assert tile_content(client, "stations", 10, *dense) == ([], [5])
    version, clustered = _clustered(app)
    assert clustered == version


@POSTGIS
def test_stale_tile_clusters_on_a_read_only_database_answer_503_with_what_to_do(app, make_app):
    url = app.config["DATABASE_URL"]
    with psycopg.connect(url, autocommit=True) as conn:  # a write from outside, then the database turns read-only
        conn.execute("UPDATE atlas_layers SET version = nextval('atlas_version_seq') WHERE layer = 'stations'")
        conn.execute(f"ALTER DATABASE {url.rsplit('/', 1)[1]} SET default_transaction_read_only = on")
    replica = make_app(DATABASE_URL=url).test_client()
    resp = replica.get("/tiles/stations/10/{}/{}.mvt".format(*tile_of(106.70, 28.95, 10)))
    body = resp.get_json()
    assert resp.status_code == 503 and "read-only" in body.get("message_en", body["message"]), body
    assert "Traceback" not in resp.get_data(as_text=True)
    assert replica.get("/tiles/stations/14/{}/{}.mvt".format(*tile_of(106.70, 28.95, 14))).status_code in (200, 204)
