"""JSON API: the layer list, each layer's GeoJSON, search and single features."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for

from atlas.errors import BadParameter
from atlas.search import search_features
from atlas.stores.layerdata import LayerSummary
from atlas.web.extension import get_store

bp = Blueprint("api", __name__, url_prefix="/api")
CACHE_CONTROL = "public, max-age=300"
DETAILS = ("full", "overview")


@bp.get("/layers")
def layers():
    """List every declared layer with its count, date and data URL."""
    store = get_store()
    return jsonify([_layer_summary(summary) for summary in store.summaries()])


def _layer_summary(data: LayerSummary) -> dict:
    spec = data.spec
    return {
        "id": spec.id,
        "title_zh": spec.title_zh,
        "title_en": spec.title_en,
        "family": spec.family,
        "geometry_type": list(spec.geometry_types),
        "feature_count": data.feature_count,
        "unplaced_count": data.unplaced_count,
        "as_of": data.as_of,
        "available": data.ok,
        "reason": data.reason or None,
        "url": url_for("api.layer_geojson", layer_id=spec.id),
    }


@bp.get("/layers/<layer_id>.geojson")
def layer_geojson(layer_id: str):
    """Serve a layer's FeatureCollection, gzip-compressed when accepted, with ETag and 304.

    ``?detail=overview`` asks for the lighter copy the map draws at its overview zooms (atlas.stores.overview);
    a layer that has none answers with its full copy.
    """
    detail = request.args.get("detail", "full")
    if detail not in DETAILS:
        raise BadParameter(f"detail must be one of {', '.join(DETAILS)}, got {detail!r}", parameter="detail")
    data = get_store().usable(layer_id)
    copy = (data.overview() if detail == "overview" else None) or data
    gz = "gzip" in request.accept_encodings
    resp = Response(copy.body_gzip if gz else copy.body, mimetype="application/geo+json")
    if gz:
        resp.headers["Content-Encoding"] = "gzip"
    resp.headers["Vary"] = "Accept-Encoding"
    resp.headers["Cache-Control"] = CACHE_CONTROL
    resp.set_etag(copy.etag + ("-gz" if gz else ""))
    return resp.make_conditional(request)


@bp.get("/search")
def search():
    """Find features by name: ?q=綦江 (Chinese, English, alias or id)."""
    return jsonify(
        {"query": request.args.get("q", ""), "results": search_features(get_store(), request.args.get("q", ""))}
    )


@bp.get("/features/<feature_id>")
def feature(feature_id: str):
    """Return one feature with the id of the layer that holds it."""
    spec, feat = get_store().find_feature(feature_id)
    return jsonify({"layer": spec.id, "feature": feat})
