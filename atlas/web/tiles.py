"""Vector tiles: /tiles/<layer>/<z>/<x>/<y>.mvt and a TileJSON document per layer (thin views over atlas.tiles.mvt)."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, jsonify, request, url_for

from atlas.ops import metrics
from atlas.tiles.mvt import TileCache, check_address, tilejson
from atlas.web.extension import get_store

bp = Blueprint("tiles", __name__, url_prefix="/tiles")
MVT_MIMETYPE = "application/vnd.mapbox-vector-tile"
# a tile is revalidated by ETag after five minutes: edits show up without a reload storm
CACHE_CONTROL = "public, max-age=300"


def get_tile_cache() -> TileCache:
    """The tile cache of the current app."""
    return current_app.extensions["atlas_tile_cache"]


@bp.get("/<layer_id>/<int:z>/<int:x>/<int:y>.mvt")
def tile(layer_id: str, z: int, x: int, y: int):
    """Serve one Mapbox Vector Tile of a layer; 204 when no feature meets the tile, 304 on a matching ETag."""
    store = get_store()
    token = store.layer_token(layer_id)
    check_address(z, x, y)
    etag = f"{token}-{z}-{x}-{y}"
    # answered before the tile is even looked up; Flask-Compress sends a compressed tile as "<etag>:gzip"
    if any(tag.split(":")[0] == etag for tag in request.if_none_match.as_set()):
        resp = Response(status=304)
    else:
        body = store.tile(layer_id, z, x, y, get_tile_cache(), on_lookup=metrics.record_tile_cache)
        resp = Response(body, status=200 if body else 204, mimetype=MVT_MIMETYPE if body else None)
    resp.set_etag(etag)
    resp.headers["Cache-Control"] = CACHE_CONTROL
    return resp


@bp.get("/<layer_id>.json")
def layer_tilejson(layer_id: str):
    """Describe a layer's tile set as TileJSON 3.0.0."""
    summary = get_store().usable_summary(layer_id)
    url = url_for("tiles.tile", layer_id=layer_id, z=0, x=0, y=0, _external=True)
    template = url.removesuffix("/0/0/0.mvt") + "/{z}/{x}/{y}.mvt?v=" + summary.token
    resp = jsonify(tilejson(summary, template))
    resp.headers["Cache-Control"] = CACHE_CONTROL
    return resp


def tile_url_template(layer_id: str) -> str:
    """The app-relative tile URL of a layer with {z}/{x}/{y} placeholders (for Leaflet)."""
    return url_for("tiles.tile", layer_id=layer_id, z=0, x=0, y=0).removesuffix("/0/0/0.mvt") + "/{z}/{x}/{y}.mvt"


def init_app(app: Flask) -> None:
    """Register the tile views and give the app its bounded tile cache (QIJIANG_TILE_CACHE_TILES)."""
    app.extensions["atlas_tile_cache"] = TileCache(int(app.config.get("TILE_CACHE_TILES", 4096)))
    app.register_blueprint(bp)
