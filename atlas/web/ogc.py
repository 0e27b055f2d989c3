"""OGC API – Features Part 1 under /ogc: landing page, conformance, OpenAPI, collections, items, single items.

Every resource answers JSON (GeoJSON for features) and HTML; ``?f=json|html`` wins over the Accept header.
Errors raised here answer in the OGC exception style ``{"code": ..., "description": ...}``.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, NotFound

from atlas.errors import AtlasError
from atlas.ogc import documents
from atlas.ogc.documents import MIME_GEOJSON, MIME_HTML, MIME_JSON, MIME_OPENAPI
from atlas.ogc.openapi import openapi_document
from atlas.ogc.params import CRS84, check_plain_parameters, parse_format, parse_items_query
from atlas.web.extension import get_store
from atlas.web.i18n import pick

bp = Blueprint("ogc", __name__, url_prefix="/ogc")

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
    fmt = parse_format(_args())
    if fmt:
        return fmt
    best = request.accept_mimetypes.best_match([MIME_JSON, json_type, MIME_GEOJSON, MIME_HTML], default=MIME_JSON)
    return "html" if best == MIME_HTML else "json"


def _url(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


def _plain(json_type: str = MIME_JSON) -> str:
    """The format of a resource that takes no query parameters but f (others are a 400)."""
    check_plain_parameters(_args())
    return negotiate(json_type)


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
    fmt = _plain()
    return _respond(documents.landing_page(_url, fmt), fmt, "ogc/landing.html")


@bp.get("/conformance")
def conformance():
    fmt = _plain()
    return _respond(documents.conformance_page(_url, fmt), fmt, "ogc/conformance.html")


@bp.get("/api")
def openapi():
    fmt = _plain(MIME_OPENAPI)
    doc = openapi_document(get_store().catalog, _url("ogc.landing").rstrip("/"), documents.TITLE, documents.DESCRIPTION)
    return _respond(doc, fmt, "ogc/api.html", MIME_OPENAPI if fmt == "json" else MIME_JSON)


@bp.get("/collections")
def collections():
    fmt = _plain()
    return _respond(documents.collections_document(_url, get_store().summaries(), fmt), fmt, "ogc/collections.html")


@bp.get("/collections/<collection_id>")
def collection(collection_id: str):
    data = get_store().summary(collection_id)
    fmt = _plain()
    body = documents.collection_document(_url, data, fmt, "ogc.collection")
    return _respond(body, fmt, "ogc/collection.html", spec=data.spec, data=data)


@bp.get("/collections/<collection_id>/items")
def items(collection_id: str):
    store = get_store()
    spec = store.catalog.get(collection_id)
    query = parse_items_query(_args(), spec)
    fmt = negotiate(MIME_GEOJSON)
    features, matched = store.items(collection_id, query)
    _add_item_links(collection_id, features)
    body = documents.items_document(_url, spec, query, features, matched, fmt)
    # the HTML table rows only for HTML: building them (labels in the request's language) is most of a JSON request
    rows = [_rows(spec, f) for f in features] if fmt == "html" else []
    resp = _respond(body, fmt, "ogc/items.html", MIME_GEOJSON, spec=spec, query=query, rows=rows)
    resp.headers["Content-Crs"] = f"<{CRS84}>"
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
    fmt = _plain(MIME_GEOJSON)
    feat = documents.item_document(_url, spec, store.item(collection_id, feature_id), fmt)
    rows = _rows(spec, feat) if fmt == "html" else []
    resp = _respond(feat, fmt, "ogc/item.html", MIME_GEOJSON, spec=spec, rows=rows)
    resp.headers["Content-Crs"] = f"<{CRS84}>"
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
