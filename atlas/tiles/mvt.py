"""Mapbox Vector Tiles of a layer, built from its spatial index; a bounded cache keyed by data version.

No Flask here: ``web_layer`` prepares a layer version, ``tile_bytes`` turns it and a tile address into MVT bytes (``b""`` for an
empty tile), ``tilejson`` describes a layer's tile set, ``TileCache`` keeps recent tiles per version.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import mapbox_vector_tile
import numpy as np
import shapely
from shapely.geometry import box

from atlas.errors import UnknownTile
from atlas.stores.layerdata import LayerData, LayerSummary
from atlas.tiles.clusters import CLUSTER_BELOW_ZOOM, WORLD_HALF_M, cells_of, gather, tile_cells

WEB_MERCATOR = "EPSG:3857"
EXTENT = 4096  # MVT coordinates per tile side
BUFFER_PX = 64  # geometry kept outside the tile (in EXTENT units) so strokes join at tile edges
MIN_ZOOM = 0
MAX_ZOOM = 18
# the properties a tiled feature carries: styling needs kind/status/accuracy, the popup looks the rest up by id
TILE_FIELDS = ("id", "name_zh", "name_en", "kind", "status", "accuracy")
LATITUDE_LIMIT = 85.0511287798066
POLYGON_TYPE_IDS = (3, 6)  # shapely.get_type_id of Polygon, MultiPolygon


def check_address(z: int, x: int, y: int, max_zoom: int = MAX_ZOOM) -> None:
    """Raise UnknownTile unless ``z`` is within MIN_ZOOM..max_zoom and x, y within 0..2**z - 1."""
    if not MIN_ZOOM <= z <= max_zoom:
        raise UnknownTile(f"zoom {z} is outside {MIN_ZOOM}..{max_zoom}", parameter="z")
    for name, value in (("x", x), ("y", y)):
        if not 0 <= value < 2**z:
            raise UnknownTile(f"{name}={value} is outside 0..{2**z - 1} at zoom {z}", parameter=name)


def tile_bounds_m(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """Return (minx, miny, maxx, maxy) of an XYZ tile in EPSG:3857 metres (y counted from the north)."""
    size_m = 2 * WORLD_HALF_M / 2**z
    minx = -WORLD_HALF_M + x * size_m
    maxy = WORLD_HALF_M - y * size_m
    return minx, maxy - size_m, minx + size_m, maxy


def tile_bounds_lonlat(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """Return (west, south, east, north) of an XYZ tile in WGS-84 degrees."""
    n = 2**z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


@dataclass(frozen=True)
class WebLayer:
    """What tiles of one layer version are cut from: its placed features in EPSG:3857 with the tile fields and
    their spatial index, and the cluster points below CLUSTER_BELOW_ZOOM (atlas.tiles.clusters)."""

    layer_id: str
    frame: gpd.GeoDataFrame
    cluster_points: dict[str, np.ndarray]


def web_layer(data: LayerData) -> WebLayer:
    """Build a layer version's WebLayer (stores keep it with ``store.derived``, once per version)."""
    frame = data.frame()
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    columns = [c for c in TILE_FIELDS if c in frame.columns]
    # clip to the Web Mercator latitude limit first: the poles project to infinity
    limit = box(-180, -LATITUDE_LIMIT, 180, LATITUDE_LIMIT)
    geoms = frame.geometry.clip_by_rect(*limit.bounds).to_crs(WEB_MERCATOR)
    web = gpd.GeoDataFrame(
        frame[columns].reset_index(drop=True), geometry=geoms.reset_index(drop=True), crs=WEB_MERCATOR
    )
    # where a small feature is counted (one tile only) and how big it is on screen, for clustering
    anchor = shapely.point_on_surface(web.geometry.values)
    bounds = shapely.bounds(web.geometry.values)
    web["_x"], web["_y"] = shapely.get_x(anchor), shapely.get_y(anchor)
    web["_span_m"] = np.maximum(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1])
    # below CLUSTER_BELOW_ZOOM: up to which zoom each feature is gathered (atlas.tiles.clusters), and the cluster points
    gathering = gather(web["_x"].to_numpy(), web["_y"].to_numpy(), web["_span_m"].to_numpy())
    web["_gathered_to"], web["_small_to"] = gathering.gathered_to, gathering.small_to
    _ = web.sindex  # build the STRtree now, under the first request, not lazily on a later one
    return WebLayer(data.spec.id, web, gathering.points)


def _properties(row: dict) -> dict:
    # MVT has no null: an unknown value is left out (the popup fetches the full feature anyway)
    return {k: row[k] for k in TILE_FIELDS if k in row and row[k] is not None and row[k] == row[k]}


def tile_bytes(web: WebLayer, z: int, x: int, y: int) -> bytes:
    """Encode the features of ``web`` that meet tile z/x/y as one MVT layer named after the layer id.

    Geometry is clipped to the tile plus BUFFER_PX and quantised to EXTENT. Below CLUSTER_BELOW_ZOOM, features are
    gathered into cluster points as atlas.tiles.clusters says: a gathered feature is left out, the tile sends the cluster
    points of its cells, and a feature under SMALL_PX is sent only by the tile holding its anchor. An empty tile
    gives b"".
    """
    frame = web.frame
    bounds_m = tile_bounds_m(z, x, y)
    minx, miny, maxx, maxy = bounds_m
    pad_m = (maxx - minx) * BUFFER_PX / EXTENT
    area = box(minx - pad_m, miny - pad_m, maxx + pad_m, maxy + pad_m)
    rows = frame.iloc[np.sort(frame.sindex.query(area, predicate="intersects"))]
    clusters = []
    if z < CLUSTER_BELOW_ZOOM:
        rows = rows[_sent_itself(rows, z, x, y)]
        clusters = _cluster_points(web.cluster_points, z, x, y, bounds_m)
    features = _shapes(rows, area.bounds, bounds_m) + clusters
    if not features:
        return b""
    layer = {"name": web.layer_id, "features": features}
    return mapbox_vector_tile.encode([layer], default_options={"extents": EXTENT})


def _sent_itself(rows: gpd.GeoDataFrame, z: int, x: int, y: int) -> np.ndarray:
    """Which rows tile z/x/y sends as themselves: not gathered at z, and if under SMALL_PX, anchored in the tile."""
    col0, col1, row0, row1 = tile_cells(x, y)
    col, row = cells_of(rows["_x"].to_numpy(), rows["_y"].to_numpy(), z)
    anchored = (col >= col0) & (col <= col1) & (row >= row0) & (row <= row1)
    return (rows["_gathered_to"].to_numpy() < z) & ((rows["_small_to"].to_numpy() < z) | anchored)


def _shapes(rows: gpd.GeoDataFrame, clip: tuple, bounds_m: tuple) -> list[dict]:
    """The rows as MVT features, clipped to ``clip`` and quantised to the tile (collapsed ones left out)."""
    if not len(rows):
        return []
    clipped = quantise(shapely.clip_by_rect(rows.geometry.values, *clip), bounds_m)
    records = rows[[c for c in rows.columns if c in TILE_FIELDS]].to_dict("records")
    return [
        {"geometry": geom, "properties": _properties(props)}
        for geom, props in zip(clipped, records)
        if geom is not None and not geom.is_empty
    ]


def _cluster_points(points: dict[str, np.ndarray], z: int, x: int, y: int, bounds_m: tuple) -> list[dict]:
    """The cluster points of the cells of tile z/x/y, at their mean anchor with ``point_count`` and ``cluster`` = 1."""
    col0, col1, row0, row1 = tile_cells(x, y)
    col, row = points["col"], points["row"]
    mine = np.flatnonzero((points["z"] == z) & (col >= col0) & (col <= col1) & (row >= row0) & (row <= row1))
    minx, miny, maxx, _maxy = bounds_m
    scale = EXTENT / (maxx - minx)
    return [
        {
            "geometry": shapely.Point(round((points["x"][i] - minx) * scale), round((points["y"][i] - miny) * scale)),
            "properties": {"cluster": 1, "point_count": int(points["count"][i])},
        }
        for i in mine
    ]


def quantise(geoms: np.ndarray, bounds_m: tuple[float, float, float, float]) -> np.ndarray:
    """Map EPSG:3857 geometries to whole tile units, 0..EXTENT over ``bounds_m``, y up (the encoder flips it).

    Simplified to half a unit first; polygons that rounding made invalid are rebuilt and those that
    collapsed below one unit dropped (returned empty). Done here, vectorised, rather than by the
    encoder's per-vertex quantize_bounds (slow, and it calls a deprecated shapely function).
    """
    minx, miny, maxx, maxy = bounds_m
    origin = np.array([minx, miny])
    scale = np.array([EXTENT / (maxx - minx), EXTENT / (maxy - miny)])
    simple = shapely.simplify(geoms, 0.5 / scale[0])
    out = shapely.transform(simple, lambda xy: np.round((xy - origin) * scale))
    broken = np.isin(shapely.get_type_id(out), POLYGON_TYPE_IDS) & ~shapely.is_valid(out)
    if broken.any():
        out[broken] = shapely.make_valid(out[broken], method="structure", keep_collapsed=False)
    return out


def tilejson(data: LayerSummary, tiles_url: str, max_zoom: int = MAX_ZOOM) -> dict:
    """A TileJSON 3.0.0 document for the layer; ``tiles_url`` holds {z}/{x}/{y} placeholders."""
    bounds = list(data.bounds) if data.bounds is not None else [-180.0, -85.0511, 180.0, 85.0511]
    spec = data.spec
    fields = {name: (spec.field(name).label_en if spec.field(name) else name) for name in TILE_FIELDS}
    return {
        "tilejson": "3.0.0",
        "name": spec.title_zh,
        "description": spec.title_en,
        "version": data.token,
        "scheme": "xyz",
        "tiles": [tiles_url],
        "minzoom": MIN_ZOOM,
        "maxzoom": max_zoom,
        "bounds": bounds,
        "center": [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, min(10, max_zoom)],
        "vector_layers": [
            {"id": spec.id, "description": spec.title_en, "minzoom": MIN_ZOOM, "maxzoom": max_zoom, "fields": fields}
        ],
    }


class TileCache:
    """A bounded LRU of encoded tiles keyed by (layer id, data version, z, x, y); thread-safe."""

    def __init__(self, max_tiles: int = 4096) -> None:
        if max_tiles < 1:
            raise ValueError(f"max_tiles must be at least 1, got {max_tiles}")
        self.max_tiles = max_tiles
        self._tiles: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._tiles)

    def fetch(
        self, key: tuple, build: Callable[[], bytes], on_lookup: Callable[[str, bool], None] | None = None
    ) -> bytes:
        """Return the tile under ``key`` (layer id, data version, z, x, y) or ``build()`` and keep it."""
        with self._lock:
            body = self._tiles.get(key)
            if body is not None:
                self._tiles.move_to_end(key)
        if on_lookup is not None:
            on_lookup(key[0], body is not None)
        if body is not None:
            return body
        body = build()
        with self._lock:
            self._tiles[key] = body
            while len(self._tiles) > self.max_tiles:
                self._tiles.popitem(last=False)
        return body
