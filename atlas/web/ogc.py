"""OGC API – Features Part 1 under /ogc: landing page, conformance, OpenAPI, collections, items, single items.

Every resource answers JSON (GeoJSON for features) and HTML; ``?f=json|html`` wins over the Accept header.
Errors raised here answer in the OGC exception style ``{"code": ..., "description": ...}``.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, NotFound

from atlas import ogc
from atlas.errors import AtlasError
from atlas.web.extension import get_store
from atlas.web.i18n import pick

bp = Blueprint("ogc", __name__, url_prefix="/ogc")

TITLE = "綦江地图集 Qijiang Atlas — OGC API Features"
DESCRIPTION = (
    "Layers of the Qijiang District atlas (Chongqing) as OGC API – Features collections: "
    "GeoJSON and HTML, paging, bbox and property filters."
)
MIME_JSON = "application/json"
MIME_GEOJSON = "application/geo+json"
MIME_HTML = "text/html"
MIME_OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
OGC_CODES = {
    400: "InvalidParameterValue",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    503: "ServiceUnavailable",
}
CACHE_CONTROL = "public, max-age=60"
ID_PLACEHOLDER = "QJ-FEATURE-ID-PLACEHOLDER"


def _args() -> dict[str, list[str]]:
    return request.args.to_dict(flat=False)


def negotiate(json_type: str = MIME_JSON) -> str:
    """'json' or 'html': the f parameter if given, else the Accept header (JSON when undecided)."""
    fmt = ogc.parse_format(_args())
    if fmt:
        return fmt
    best = request.accept_mimetypes.best_match([MIME_JSON, json_type, MIME_GEOJSON, MIME_HTML], default=MIME_JSON)
    return "html" if best == MIME_HTML else "json"


def _url(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


def _links(endpoint: str, fmt: str, json_type: str = MIME_JSON, title: str = "", **values) -> list[dict]:
    """self + alternate links for a resource available as JSON and HTML."""
    kinds = {"json": (json_type, "this document as JSON"), "html": (MIME_HTML, "this document as HTML")}
    links = []
    for f, (mime, label) in kinds.items():
        links.append(
            {
                "href": _url(endpoint, f=f, **values),
                "rel": "self" if f == fmt else "alternate",
                "type": mime,
                "title": f"{title or label}" if f == fmt else label,
            }
        )
    return links


def _respond(body: dict, fmt: str, template: str, json_type: str = MIME_JSON, **context) -> Response:
    if fmt == "html":
        resp = Response(render_template(template, doc=body, **context), mimetype=MIME_HTML)
    else:
        resp = jsonify(body)
        resp.mimetype = json_type
    resp.headers["Vary"] = "Accept"
    resp.headers["Cache-Control"] = CACHE_CONTROL
    return resp


@bp.errorhandler(AtlasError)
def _atlas_error(exc: AtlasError):
    return _ogc_error(exc.status, exc.message, exc.parameter)


@bp.errorhandler(HTTPException)
@bp.errorhandler(404)
@bp.errorhandler(405)
@bp.errorhandler(413)
def _http_error(exc: HTTPException):
    return _ogc_error(exc.code or 500, exc.description or exc.name)


def _ogc_error(status: int, description: str, parameter: str | None = None):
    body = {"code": OGC_CODES.get(status, "NoApplicableCode"), "description": description, "status": status}
    if parameter:
        body["parameter"] = parameter
    wants_html = request.args.get("f") == "html" or (
        "f" not in request.args
        and request.accept_mimetypes.best_match([MIME_JSON, MIME_HTML], default=MIME_JSON) == MIME_HTML
    )
    if wants_html:
        resp = Response(
            render_template("error.html", status=status, error={"message": description}),
            status=status,
            mimetype=MIME_HTML,
        )
    else:
        resp = jsonify(body)
        resp.status_code = status
    return resp


@bp.get("", strict_slashes=False)
def landing():
    ogc.check_plain_parameters(_args())
    fmt = negotiate()
    links = _links("ogc.landing", fmt, title="landing page")
    links += [
        {
            "href": _url("ogc.openapi", f="json"),
            "rel": "service-desc",
            "type": MIME_OPENAPI,
            "title": "the API definition (OpenAPI 3.0, JSON)",
        },
        {
            "href": _url("ogc.openapi", f="html"),
            "rel": "service-doc",
            "type": MIME_HTML,
            "title": "the API documentation (HTML)",
        },
        {
            "href": _url("ogc.conformance", f="json"),
            "rel": "conformance",
            "type": MIME_JSON,
            "title": "OGC API conformance classes implemented by this server",
        },
        {
            "href": _url("ogc.conformance", f="html"),
            "rel": "conformance",
            "type": MIME_HTML,
            "title": "conformance classes (HTML)",
        },
        {
            "href": _url("ogc.collections", f="json"),
            "rel": "data",
            "type": MIME_JSON,
            "title": "the feature collections",
        },
        {
            "href": _url("ogc.collections", f="html"),
            "rel": "data",
            "type": MIME_HTML,
            "title": "the feature collections (HTML)",
        },
        {"href": url_for("pages.index", _external=True), "rel": "related", "type": MIME_HTML, "title": "the atlas map"},
    ]
    body = {"title": TITLE, "description": DESCRIPTION, "links": links, "timeStamp": ogc.now_stamp()}
    return _respond(body, fmt, "ogc/landing.html")


@bp.get("/conformance")
def conformance():
    ogc.check_plain_parameters(_args())
    fmt = negotiate()
    body = {"conformsTo": list(ogc.CONFORMANCE_CLASSES), "links": _links("ogc.conformance", fmt)}
    return _respond(body, fmt, "ogc/conformance.html")


@bp.get("/api")
def openapi():
    ogc.check_plain_parameters(_args())
    fmt = negotiate(MIME_OPENAPI)
    doc = ogc.openapi_document(get_store().catalog, _url("ogc.landing").rstrip("/"), TITLE, DESCRIPTION)
    return _respond(doc, fmt, "ogc/api.html", MIME_OPENAPI if fmt == "json" else MIME_JSON)


def _collection(data, fmt: str, self_endpoint: str) -> dict:
    meta = ogc.collection_metadata(data)
    cid = meta["id"]
    links = []
    if self_endpoint == "ogc.collection":
        links += _links("ogc.collection", fmt, collection_id=cid)
    else:
        links += [
            {
                "href": _url("ogc.collection", collection_id=cid, f=f),
                "rel": "collection" if f == "json" else "alternate",
                "type": mime,
                "title": f"collection {cid} ({f})",
            }
            for f, mime in (("json", MIME_JSON), ("html", MIME_HTML))
        ]
    links += [
        {
            "href": _url("ogc.items", collection_id=cid, f="json"),
            "rel": "items",
            "type": MIME_GEOJSON,
            "title": f"{data.spec.title_en} as GeoJSON",
        },
        {
            "href": _url("ogc.items", collection_id=cid, f="html"),
            "rel": "items",
            "type": MIME_HTML,
            "title": f"{data.spec.title_en} as HTML",
        },
    ]
    for kind, mime in (
        ("geojson", MIME_GEOJSON),
        ("csv", "text/csv"),
        ("gpkg", "application/geopackage+sqlite3"),
        ("kml", "application/vnd.google-earth.kml+xml"),
    ):
        links.append(
            {
                "href": layer_download_url(cid, kind, external=True),
                "rel": "enclosure",
                "type": mime,
                "title": f"download the whole layer ({kind})",
            }
        )
    meta["links"] = links
    return meta


@bp.get("/collections")
def collections():
    ogc.check_plain_parameters(_args())
    fmt = negotiate()
    items = [_collection(data, fmt, "ogc.collections") for data in get_store().all()]
    body = {"links": _links("ogc.collections", fmt), "collections": items, "timeStamp": ogc.now_stamp()}
    return _respond(body, fmt, "ogc/collections.html")


@bp.get("/collections/<collection_id>")
def collection(collection_id: str):
    data = get_store().layer(collection_id)
    ogc.check_plain_parameters(_args())
    fmt = negotiate()
    body = _collection(data, fmt, "ogc.collection")
    return _respond(body, fmt, "ogc/collection.html", spec=data.spec, data=data)


@bp.get("/collections/<collection_id>/items")
def items(collection_id: str):
    store = get_store()
    spec = store.catalog.get(collection_id)
    query = ogc.parse_items_query(_args(), spec)
    fmt = negotiate(MIME_GEOJSON)
    features, matched = store.items(collection_id, query)
    params = query.as_params()
    links = _links(
        "ogc.items", fmt, MIME_GEOJSON, collection_id=collection_id, limit=query.limit, offset=query.offset, **params
    )
    mime = MIME_GEOJSON if fmt == "json" else MIME_HTML
    if query.offset + query.limit < matched:
        links.append(
            {
                "href": _url(
                    "ogc.items",
                    collection_id=collection_id,
                    f=fmt,
                    limit=query.limit,
                    offset=query.offset + query.limit,
                    **params,
                ),
                "rel": "next",
                "type": mime,
                "title": "next page",
            }
        )
    if query.offset > 0:
        links.append(
            {
                "href": _url(
                    "ogc.items",
                    collection_id=collection_id,
                    f=fmt,
                    limit=query.limit,
                    offset=max(0, query.offset - query.limit),
                    **params,
                ),
                "rel": "prev",
                "type": mime,
                "title": "previous page",
            }
        )
    links += [
        {
            "href": _url("ogc.collection", collection_id=collection_id, f=f),
            "rel": "collection",
            "type": t,
            "title": f"the {spec.title_en} collection",
        }
        for f, t in (("json", MIME_JSON), ("html", MIME_HTML))
    ]
    _add_item_links(collection_id, features)
    body = {
        "type": "FeatureCollection",
        "features": features,
        "links": links,
        "timeStamp": ogc.now_stamp(),
        "numberMatched": matched,
        "numberReturned": len(features),
    }
    # the HTML table rows only for HTML: building them (labels in the request's language) is most of a JSON request
    rows = [_rows(spec, f) for f in features] if fmt == "html" else []
    resp = _respond(body, fmt, "ogc/items.html", MIME_GEOJSON, spec=spec, query=query, rows=rows)
    resp.headers["Content-Crs"] = f"<{ogc.CRS84}>"
    return resp


def _add_item_links(collection_id: str, features: list[dict]) -> None:
    """Give each feature its 'item' link: url_for once, then only the quoted id differs (url_for per feature
    was most of a JSON page); the id is quoted by the route's own converter, as url_for would."""
    template = _url("ogc.item", collection_id=collection_id, feature_id=ID_PLACEHOLDER, f="json")
    to_url = current_app.url_map.converters["default"](current_app.url_map).to_url
    for feat in features:
        href = template.replace(ID_PLACEHOLDER, to_url(feat["id"]), 1)
        feat["links"] = [{"href": href, "rel": "item", "type": MIME_GEOJSON, "title": "this feature as GeoJSON"}]


@bp.get("/collections/<collection_id>/items/<feature_id>")
def item(collection_id: str, feature_id: str):
    store = get_store()
    spec = store.catalog.get(collection_id)
    ogc.check_plain_parameters(_args())
    fmt = negotiate(MIME_GEOJSON)
    feat = store.item(collection_id, feature_id)
    feat["links"] = _links("ogc.item", fmt, MIME_GEOJSON, collection_id=collection_id, feature_id=feature_id)
    feat["links"] += [
        {
            "href": _url("ogc.collection", collection_id=collection_id, f=f),
            "rel": "collection",
            "type": t,
            "title": f"the {spec.title_en} collection",
        }
        for f, t in (("json", MIME_JSON), ("html", MIME_HTML))
    ]
    feat["timeStamp"] = ogc.now_stamp()
    resp = _respond(
        feat, fmt, "ogc/item.html", MIME_GEOJSON, spec=spec, rows=_rows(spec, feat) if fmt == "html" else []
    )
    resp.headers["Content-Crs"] = f"<{ogc.CRS84}>"
    return resp


@bp.route("/<path:anything>")
def not_found(anything: str):
    """Anything else under /ogc: a 404 in the OGC exception style."""
    raise NotFound(f"nothing at {request.path!r}; the OGC API starts at {url_for('ogc.landing')}")


def _rows(spec, feature: dict) -> list[tuple[str, str, str]]:
    """(label, name, value text) for each property of a feature, declared ones first with their labels."""
    props = feature.get("properties") or {}
    rows = []
    seen = set()
    for field in spec.all_fields:
        seen.add(field.name)
        value = props.get(field.name)
        if value is None or value == [] or value == "":
            continue
        unit = pick(field, "unit")
        rows.append((pick(field, "label"), field.name, _text(value) + (f" {unit}" if unit else "")))
    for name, value in props.items():
        if name not in seen and value not in (None, "", []):
            rows.append((name, name, _text(value)))
    return rows


def _text(value) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def layer_download_url(layer_id: str, kind: str, external: bool = False) -> str:
    """URL of a whole-layer download: geojson, csv, gpkg or kml."""
    if kind == "geojson":
        return url_for("api.layer_geojson", layer_id=layer_id, _external=external)
    return url_for("downloads.layer_file", layer_id=layer_id, fmt=kind, _external=external)


def download_links(layer_id: str, feature_id: str) -> dict[str, str]:
    """URLs for 'download this feature' and its layer, e.g. for the map popup (needs a request/app context)."""
    return {
        "feature_geojson": url_for("ogc.item", collection_id=layer_id, feature_id=feature_id, f="json"),
        "feature_html": url_for("ogc.item", collection_id=layer_id, feature_id=feature_id, f="html"),
        **{f"layer_{kind}": layer_download_url(layer_id, kind) for kind in ("geojson", "csv", "gpkg", "kml")},
    }
