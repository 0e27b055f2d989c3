"""Vector tiles from the file store: decoded contents against shapely, empty tiles, errors, ETag and the cache."""

from __future__ import annotations

import json
import math
import re

import mapbox_vector_tile
import pytest
from prometheus_client import REGISTRY
from shapely.geometry import box, shape

from atlas.catalog import load_catalog
from atlas.tiles.clusters import CELL_PX, CELLS_PER_TILE, CLUSTER_BELOW_ZOOM, DENSE_CELL, TILE_PX
from atlas.tiles.mvt import BUFFER_PX, EXTENT, TILE_FIELDS, TileCache, tile_bounds_lonlat
from tests.conftest import GEODATA, ROOT, copy_geodata, write_layer

pytestmark = pytest.mark.both_stores  # every app test runs on the file store and on PostGIS

MVT = "application/vnd.mapbox-vector-tile"


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ column and row holding a WGS-84 point (the slippy-map formula, independent of atlas.tiles.mvt)."""
    n = 2**z
    rad = math.radians(lat)
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(rad)) / math.pi) / 2 * n)


def decode(body: bytes) -> dict:
    return mapbox_vector_tile.decode(body)


CATALOG = load_catalog(ROOT / "layers")


def layer_features(layer_id: str) -> list[dict]:
    fc = json.loads((GEODATA / CATALOG.get(layer_id).source_file).read_text(encoding="utf-8"))
    return [f for f in fc["features"] if f.get("geometry")]


def layer_drawn_as(symbol: str) -> str:
    """The declared layer of this symbol (point, line, polygon) with the most placed features."""
    return max((s.id for s in CATALOG if s.symbol == symbol), key=lambda lid: len(layer_features(lid)))


def ids_meeting(features: list[dict], area) -> set[str]:
    return {f["properties"]["id"] for f in features if shape(f["geometry"]).intersects(area)}


def grown(bounds: tuple[float, float, float, float], fraction: float):
    west, south, east, north = bounds
    dx, dy = (east - west) * fraction, (north - south) * fraction
    return box(west - dx, south - dy, east + dx, north + dy)


@pytest.mark.parametrize(
    ("symbol", "z"),
    [("point", 14), ("point", 16), ("line", 9), ("line", 11), ("line", 13), ("polygon", 9), ("polygon", 13)],
)
def test_tile_holds_the_features_that_meet_it(client, symbol, z):
    """Where nothing is clustered (points from CLUSTER_BELOW_ZOOM on; lines and polygons larger than SMALL_PX)."""
    layer_id = layer_drawn_as(symbol)
    features = layer_features(layer_id)
    centre = shape(features[0]["geometry"]).representative_point()
    x, y = tile_of(centre.x, centre.y, z)
    resp = client.get(f"/tiles/{layer_id}/{z}/{x}/{y}.mvt")
    assert resp.status_code == 200 and resp.mimetype == MVT
    layer = decode(resp.data)[layer_id]
    got = {f["properties"]["id"] for f in layer["features"]}
    bounds = tile_bounds_lonlat(z, x, y)
    # every feature meeting the tile is in it; nothing beyond the small buffer is
    assert ids_meeting(features, box(*bounds)) <= got
    assert got <= ids_meeting(features, grown(bounds, 2 * BUFFER_PX / EXTENT))
    assert features[0]["properties"]["id"] in got
    assert layer["extent"] == EXTENT


def test_tile_features_carry_the_popup_lookup_properties(client):
    features = {f["properties"]["id"]: f["properties"] for f in layer_features("towns")}
    z = 8  # towns are tens of pixels wide here: none is small enough to cluster
    west, south, east, north = (106.3, 28.4, 107.1, 29.25)  # around the district
    (x0, y0), (x1, y1) = tile_of(west, north, z), tile_of(east, south, z)
    decoded = [
        feat
        for x in range(x0, x1 + 1)
        for y in range(y0, y1 + 1)
        for feat in decode(client.get(f"/tiles/towns/{z}/{x}/{y}.mvt").data).get("towns", {}).get("features", [])
    ]
    assert {f["properties"]["id"] for f in decoded} == set(features)
    for feat in decoded:
        props = feat["properties"]
        assert set(props) <= set(TILE_FIELDS) and {"id", "name_zh", "name_en", "accuracy"} <= set(props)
        source = features[props["id"]]
        assert all(props[k] == source[k] for k in props)


def test_tile_geometry_is_clipped_and_quantised(client):
    z = 12
    towns = layer_features("towns")
    centre = shape(towns[0]["geometry"]).representative_point()
    x, y = tile_of(centre.x, centre.y, z)
    layer = decode(client.get(f"/tiles/towns/{z}/{x}/{y}.mvt").data)["towns"]
    coords = []
    for feat in layer["features"]:
        geom = feat["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        coords += [pt for poly in polys for ring in poly for pt in ring]
    assert coords and all(isinstance(v, int) for pt in coords for v in pt)
    assert all(-BUFFER_PX <= v <= EXTENT + BUFFER_PX for pt in coords for v in pt)


def test_tile_over_the_sea_is_empty(client):
    x, y = tile_of(150.0, 20.0, 10)  # the western Pacific
    resp = client.get(f"/tiles/towns/10/{x}/{y}.mvt")
    assert resp.status_code == 204 and resp.data == b""
    assert resp.headers["ETag"] and "max-age" in resp.headers["Cache-Control"]


@pytest.mark.parametrize(
    "path, error",
    [
        ("/tiles/nope/0/0/0.mvt", "UnknownLayer"),
        ("/tiles/towns/19/0/0.mvt", "UnknownTile"),
        ("/tiles/towns/3/8/0.mvt", "UnknownTile"),
        ("/tiles/towns/3/0/8.mvt", "UnknownTile"),
        ("/tiles/towns/3/-1/0.mvt", "NotFound"),
        ("/tiles/towns/a/0/0.mvt", "NotFound"),
        ("/tiles/towns/3/0/0.png", "NotFound"),
        ("/tiles/towns/3/0.mvt", "NotFound"),
        ("/tiles/nope.json", "UnknownLayer"),
    ],
)
def test_bad_tile_addresses_are_json_404s(client, path, error):
    resp = client.get(path)
    assert resp.status_code == 404
    assert resp.is_json and resp.json["error"] == error and resp.json["summary"]


def test_etag_gives_304_and_changes_with_the_data(make_app, geodata_copy):
    app = make_app(GEODATA_DIR=str(geodata_copy))
    client = app.test_client()
    fc = json.loads((geodata_copy / "towns.geojson").read_text(encoding="utf-8"))
    anchor = shape(fc["features"][0]["geometry"]).representative_point()
    url = "/tiles/towns/8/{}/{}.mvt".format(*tile_of(anchor.x, anchor.y, 8))
    first = client.get(url)
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    fc["features"][0]["properties"]["name_en"] = "Renamed"
    write_layer(app, "towns", fc)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    names = {f["properties"]["name_en"] for f in decode(changed.data)["towns"]["features"]}
    assert "Renamed" in names


def test_compressed_tile_revalidates_with_its_etag(client):
    # towns drawn as polygons (at zoom 5 the district's towns are one cluster point: too small to compress)
    url = "/tiles/towns/8/{}/{}.mvt".format(*tile_of(106.7, 28.9, 8))
    resp = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert resp.status_code == 200 and resp.headers["Content-Encoding"] == "gzip"
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304


def test_cache_hits_are_counted(app):
    client = app.test_client()

    def count(kind: str) -> float:
        return REGISTRY.get_sample_value(f"qijiang_tile_cache_{kind}_total", {"layer": "towns"}) or 0.0

    hits, misses = count("hits"), count("misses")
    first = client.get("/tiles/towns/1/1/0.mvt")
    second = client.get("/tiles/towns/1/1/0.mvt")
    assert first.data == second.data and first.status_code == 200
    assert count("misses") == misses + 1 and count("hits") == hits + 1
    assert len(app.extensions["atlas_tile_cache"]) == 1


def test_tile_cache_is_bounded(app):
    cache = TileCache(max_tiles=2)
    store = app.extensions["atlas_store"]
    for x in range(4):
        store.tile("towns", 2, x, 1, cache)
    assert len(cache) == 2
    with pytest.raises(ValueError, match="max_tiles"):
        TileCache(max_tiles=0)


def test_tilejson_describes_the_tile_set(client, store_kind):
    doc = client.get("/tiles/towns.json").json
    assert doc["tilejson"] == "3.0.0"
    # the version in the tile URL is the one the tiles' ETags carry: the GeoJSON's ETag in the file store,
    # the layer's database version in PostGIS (read without reading the layer)
    version = client.get("/tiles/towns/5/25/13.mvt").headers["ETag"].strip('"').removesuffix("-5-25-13")
    if store_kind == "file":
        assert version == client.get("/api/layers/towns.geojson").headers["ETag"].strip('"').removesuffix("-gz")
    else:
        assert re.fullmatch(r"pg\d+", version)
    assert doc["tiles"] == [f"http://localhost/tiles/towns/{{z}}/{{x}}/{{y}}.mvt?v={version}"]
    assert doc["version"] == version
    assert doc["minzoom"] == 0 and doc["maxzoom"] == 18
    west, south, east, north = doc["bounds"]
    for f in layer_features("towns"):
        fw, fs, fe, fn = shape(f["geometry"]).bounds
        assert west <= fw and south <= fs and fe <= east and fn <= north
    (layer,) = doc["vector_layers"]
    assert layer["id"] == "towns" and set(layer["fields"]) == set(TILE_FIELDS)


def test_small_shipped_layers_stay_on_geojson(app):
    """All shipped layers are under their threshold: the page loads no vector-tile code."""
    store = app.extensions["atlas_store"]
    assert all(d.feature_count <= d.spec.tile_threshold for d in store.all())
    html = app.test_client().get("/").get_data(as_text=True)
    assert "VectorGrid" not in html and "loadTiledLayer" not in html


def test_layer_above_its_threshold_is_tiled_on_the_page(layers_copy, make_app):
    toml = layers_copy / "stations.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("order =", "tile_threshold = 0\norder =", 1), encoding="utf-8"
    )
    html = make_app(LAYERS_DIR=str(layers_copy)).test_client().get("/").get_data(as_text=True)
    assert "/vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js" in html
    assert '"tiles": "/tiles/stations/{z}/{x}/{y}.mvt?v=' in html
    assert html.count("QJAtlas.loadTiledLayer(") == 1


def _layer_with(tmp_path, make_app, layer_id: str, geometries: list[dict]):
    """An app whose layer ``layer_id`` holds exactly ``geometries`` (ids p-0, p-1, ...), every other layer as shipped."""
    data_dir = copy_geodata(tmp_path / "geodata")
    path = data_dir / CATALOG.get(layer_id).source_file
    fc = json.loads(path.read_text(encoding="utf-8"))
    template = next(f for f in fc["features"] if f.get("geometry"))
    fc["features"] = [
        {**template, "geometry": geometry, "properties": {**template["properties"], "id": f"p-{i}"}}
        for i, geometry in enumerate(geometries)
    ]
    path.write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    return make_app(GEODATA_DIR=str(data_dir)).test_client()


def _points_layer(tmp_path, make_app, points: list[tuple[float, float]]):
    """An app whose stations layer holds exactly ``points`` (WGS-84), every other layer as shipped."""
    geometries = [{"type": "Point", "coordinates": [lon, lat]} for lon, lat in points]
    return _layer_with(tmp_path, make_app, "stations", geometries)


def _square(lon: float, lat: float, side_deg: float) -> dict:
    west, south = lon - side_deg / 2, lat - side_deg / 2
    ring = [[west, south], [west + side_deg, south], [west + side_deg, south + side_deg], [west, south + side_deg]]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def test_dense_points_cluster_below_the_cluster_zoom_and_every_point_is_counted_once(tmp_path, make_app):
    # 40 points within ~300 m, 3 lone points far apart: at zoom 10 (~150 m a pixel) the 40 share one cell
    dense = [(106.70 + 0.0001 * (i % 8), 28.95 + 0.0001 * (i // 8)) for i in range(40)]
    lone = [(106.45, 28.60), (106.95, 29.10), (106.60, 28.75)]
    client = _points_layer(tmp_path, make_app, dense + lone)
    z = 10
    counted, singles = 0, set()
    tiles = {tile_of(lon, lat, z) for lon, lat in dense + lone}
    for x, y in tiles:
        for feat in decode(client.get(f"/tiles/stations/{z}/{x}/{y}.mvt").data)["stations"]["features"]:
            props = feat["properties"]
            if props.get("cluster"):
                assert "id" not in props and props["point_count"] >= 2
                counted += props["point_count"]
            else:
                singles.add(props["id"])
                counted += 1
    assert counted == len(dense) + len(lone)  # each point in exactly one tile, in one cell
    assert {"p-40", "p-41", "p-42"} <= singles  # lone points keep their id (clickable, popup by id)
    assert not {f"p-{i}" for i in range(40)} & singles


def test_cluster_cells_are_at_most_cell_px_apart_and_none_from_the_cluster_zoom(tmp_path, make_app):
    grid = [(106.60 + 0.01 * i, 28.80 + 0.01 * j) for i in range(20) for j in range(20)]  # 400 points, ~1 km apart
    client = _points_layer(tmp_path, make_app, grid)
    x, y = tile_of(106.70, 28.90, 9)
    feats = decode(client.get(f"/tiles/stations/9/{x}/{y}.mvt").data)["stations"]["features"]
    cells = TILE_PX // CELL_PX
    assert 0 < len(feats) <= cells * cells  # at most one symbol per cell
    x, y = tile_of(106.70, 28.90, CLUSTER_BELOW_ZOOM)
    feats = decode(client.get(f"/tiles/stations/{CLUSTER_BELOW_ZOOM}/{x}/{y}.mvt").data)["stations"]["features"]
    assert feats and all("id" in f["properties"] and "cluster" not in f["properties"] for f in feats)


def test_a_dense_cell_gathers_features_above_small_px_and_a_tile_stays_bounded(tmp_path, make_app):
    """Zoom 12: cells are ~1.2 km, SMALL_PX ~150 m. 900 squares of ~330 m in a 3 km block are each drawn bigger than
    SMALL_PX, yet their cells hold more than DENSE_CELL of them: cluster points only. Three squares far apart stay
    themselves (clickable), and a square of ~2.5 km (bigger than a cell) is never gathered."""
    dense = [_square(106.700 + 0.001 * (i % 30), 28.900 + 0.001 * (i // 30), 0.003) for i in range(900)]
    sparse = [_square(lon, lat, 0.003) for lon, lat in ((106.45, 28.60), (106.95, 29.10), (106.60, 28.75))]
    big = [_square(106.85, 28.95, 0.025)]
    client = _layer_with(tmp_path, make_app, "places", dense + sparse + big)
    z = 12
    counted, singles, symbols = 0, set(), 0
    tiles = {tile_of(*shape(g).centroid.coords[0], z) for g in dense + sparse + big}
    for x, y in tiles:
        feats = decode(client.get(f"/tiles/places/{z}/{x}/{y}.mvt").data)["places"]["features"]
        clusters = [f for f in feats if f["properties"].get("cluster")]
        assert len(clusters) <= CELLS_PER_TILE**2  # at most one cluster point per cell
        assert all(f["properties"]["point_count"] > DENSE_CELL for f in clusters)  # none under SMALL_PX here
        counted += sum(f["properties"]["point_count"] for f in clusters)
        singles |= {f["properties"]["id"] for f in feats if not f["properties"].get("cluster")}
        symbols += len(feats)
    assert counted == len(dense)  # every dense square gathered, each in one cluster point
    assert singles == {"p-900", "p-901", "p-902", "p-903"}
    assert symbols < 40  # 904 features, a handful of symbols
    x, y = tile_of(106.715, 28.915, CLUSTER_BELOW_ZOOM)
    feats = decode(client.get(f"/tiles/places/{CLUSTER_BELOW_ZOOM}/{x}/{y}.mvt").data)["places"]["features"]
    assert len(feats) > 100 and not any(f["properties"].get("cluster") for f in feats)


def test_a_feature_in_a_sparse_cell_is_drawn_in_every_tile_it_meets(tmp_path, make_app):
    """A ~330 m square across a zoom-12 tile edge (above SMALL_PX, alone) is in both tiles, as in high-zoom tiles."""
    z = 12
    west, _south, _east, north = tile_bounds_lonlat(z, *tile_of(106.70, 28.90, z))
    client = _layer_with(tmp_path, make_app, "places", [_square(west, north - 0.01, 0.003)])
    x, y = tile_of(106.70, 28.90, z)
    for col in (x - 1, x):
        feats = decode(client.get(f"/tiles/places/{z}/{col}/{y}.mvt").data)["places"]["features"]
        assert [f["properties"]["id"] for f in feats] == ["p-0"]
