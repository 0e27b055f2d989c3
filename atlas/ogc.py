"""OGC API – Features Part 1 (Core) logic: query parsing, spatial queries, metadata and the OpenAPI document.

Pure functions on catalog and store objects; the Flask views in ``atlas/web/ogc.py`` only add URLs and render.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import shapely

from atlas.catalog import Catalog, FieldSpec, LayerSpec
from atlas.errors import BadParameter, UnknownFeature
from atlas.store import LayerData

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CRS84_ALIASES = frozenset({CRS84, "https://www.opengis.net/def/crs/OGC/1.3/CRS84", "[OGC:CRS84]", "OGC:CRS84"})
CONFORMANCE_CLASSES = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
)
DEFAULT_LIMIT = 10
MAX_LIMIT = 10_000
FORMATS = ("json", "html")
# accepted spellings of f (exact, as documented in the OpenAPI enum)
FORMAT_ALIASES = {"geojson": "json", "application/json": "json", "application/geo+json": "json", "text/html": "html"}
RESERVED_PARAMETERS = ("f", "limit", "offset", "bbox", "bbox-crs", "crs", "datetime")

# RFC 3339 date-time or date, as the datetime parameter allows; ".." or empty marks an open interval end.
_DT = r"\d{4}-\d{2}-\d{2}([Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))?"
_DATE_TIME = re.compile(f"^{_DT}$")
# the same rule for the OpenAPI document: an instant, or an interval with at least one closed end
DATETIME_PATTERN = rf"^({_DT}|{_DT}/({_DT}|\.\.)?|(\.\.)?/{_DT})$"


@dataclass(frozen=True)
class ItemsQuery:
    """A validated /items request."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0
    bbox: tuple[float, float, float, float] | None = None
    datetime: str | None = None
    filters: tuple[tuple[str, str], ...] = ()

    def as_params(self) -> dict[str, str]:
        """The query parameters that reproduce this query (without f, limit and offset)."""
        params: dict[str, str] = {}
        if self.bbox is not None:
            params["bbox"] = ",".join(_fmt_number(v) for v in self.bbox)
        if self.datetime is not None:
            params["datetime"] = self.datetime
        params.update(self.filters)
        return params


def _fmt_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def now_stamp() -> str:
    """The timeStamp of a response: the current UTC time, RFC 3339, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _single(args: Mapping[str, str | list[str]], name: str) -> str | None:
    value = args.get(name)
    if isinstance(value, (list, tuple)):
        if len(value) > 1:
            raise BadParameter(f"parameter {name!r} is given {len(value)} times; give it once", parameter=name)
        value = value[0] if value else None
    return value


def parse_format(args: Mapping[str, str | list[str]]) -> str | None:
    """The ``f`` parameter: 'json', 'html' or None when absent; anything else is a BadParameter."""
    value = _single(args, "f")
    if value is None:
        return None
    value = FORMAT_ALIASES.get(value, value)
    if value not in FORMATS:
        raise BadParameter(f"parameter 'f' must be one of {', '.join(FORMATS)}, got {value!r}", parameter="f")
    return value


def check_plain_parameters(args: Mapping[str, str | list[str]], allowed: Iterable[str] = ("f",)) -> None:
    """Reject any parameter other than ``allowed`` on resources that take no query (landing page, collections …)."""
    allowed = set(allowed)
    unknown = sorted(k for k in args if k not in allowed)
    if unknown:
        raise BadParameter(
            f"unknown parameter {unknown[0]!r}; this resource accepts only: {', '.join(sorted(allowed))}",
            parameter=unknown[0],
        )
    parse_format(args)


def _parse_int(name: str, raw: str, low: int, high: int | None) -> int:
    try:
        value = int(raw.strip())
    except (ValueError, AttributeError):
        raise BadParameter(f"parameter {name!r} must be an integer, got {raw!r}", parameter=name) from None
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise BadParameter(f"parameter {name!r} must be {bounds}, got {value}", parameter=name)
    return value


def parse_bbox(raw: str) -> tuple[float, float, float, float]:
    """Parse ``minLon,minLat,maxLon,maxLat`` in CRS84, rejecting anything malformed or out of range."""
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) != 4:
        raise BadParameter(
            f"parameter 'bbox' must be 4 comma-separated numbers minLon,minLat,maxLon,maxLat; got {len(parts)} value(s)",
            parameter="bbox",
        )
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise BadParameter(f"parameter 'bbox' must hold numbers only, got {raw!r}", parameter="bbox") from None
    if not all(math.isfinite(v) for v in values):
        raise BadParameter("parameter 'bbox' must hold finite numbers", parameter="bbox")
    minx, miny, maxx, maxy = values
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180):
        raise BadParameter("bbox longitudes must be within -180..180", parameter="bbox")
    if not (-90 <= miny <= 90 and -90 <= maxy <= 90):
        raise BadParameter("bbox latitudes must be within -90..90", parameter="bbox")
    if minx > maxx:
        raise BadParameter(f"bbox minLon {minx} is greater than maxLon {maxx}", parameter="bbox")
    if miny > maxy:
        raise BadParameter(f"bbox minLat {miny} is greater than maxLat {maxy}", parameter="bbox")
    return (minx, miny, maxx, maxy)


def parse_datetime(raw: str) -> str:
    """Check a datetime instant or interval (RFC 3339, '..' for open ends); the value itself filters nothing."""
    value = raw.strip()
    ends = value.split("/")
    if len(ends) > 2 or not value:
        raise BadParameter(
            f"parameter 'datetime' must be an RFC 3339 instant or interval, got {raw!r}", parameter="datetime"
        )
    if len(ends) == 2 and ends[0] in ("", "..") and ends[1] in ("", ".."):
        raise BadParameter("parameter 'datetime' interval must have at least one closed end", parameter="datetime")
    for end in ends:
        if len(ends) == 2 and end in ("", ".."):
            continue
        if not _DATE_TIME.match(end):
            raise BadParameter(
                f"parameter 'datetime' must be an RFC 3339 instant or interval, got {raw!r}", parameter="datetime"
            )
    return value


def _check_filter_value(field: FieldSpec, raw: str) -> str:
    if field.type in ("number", "int"):
        try:
            number = float(raw)
        except ValueError:
            raise BadParameter(f"property {field.name!r} is a number; {raw!r} is not", parameter=field.name) from None
        if not math.isfinite(number):
            raise BadParameter(f"property {field.name!r} needs a finite number", parameter=field.name)
        if field.type == "int" and not re.fullmatch(r"[+-]?\d+", raw.strip()):
            raise BadParameter(f"property {field.name!r} is a whole number; {raw!r} is not", parameter=field.name)
    if field.type == "bool" and raw.lower() not in ("true", "false"):
        raise BadParameter(f"property {field.name!r} is true or false; {raw!r} is neither", parameter=field.name)
    if field.type == "date" and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", raw):
        raise BadParameter(
            f"property {field.name!r} is a date (YYYY, YYYY-MM or YYYY-MM-DD); {raw!r} is not", parameter=field.name
        )
    return raw


def parse_items_query(args: Mapping[str, str | list[str]], spec: LayerSpec) -> ItemsQuery:
    """Validate the query parameters of /collections/{id}/items against the layer declaration.

    ``args`` maps parameter names to a value or a list of values (``request.args.to_dict(flat=False)``).
    Allowed: f, limit, offset, bbox, bbox-crs and crs (CRS84 only), datetime (validated, does not filter: features carry
    no valid time) and one equality filter per declared property.
    """
    declared = {f.name: f for f in spec.all_fields}
    for name in args:
        if name not in RESERVED_PARAMETERS and name not in declared:
            raise BadParameter(
                f"unknown parameter {name!r}; allowed: {', '.join(RESERVED_PARAMETERS)} "
                f"or a property of {spec.id!r}: {', '.join(declared)}",
                parameter=name,
            )
    parse_format(args)
    raw_limit = _single(args, "limit")
    limit = DEFAULT_LIMIT if raw_limit is None else _parse_int("limit", raw_limit, 1, MAX_LIMIT)
    raw_offset = _single(args, "offset")
    offset = 0 if raw_offset is None else _parse_int("offset", raw_offset, 0, None)
    raw_bbox = _single(args, "bbox")
    bbox = parse_bbox(raw_bbox) if raw_bbox is not None else None
    bbox_crs = _single(args, "bbox-crs")
    if bbox_crs is not None:
        if bbox_crs.strip() not in CRS84_ALIASES:
            raise BadParameter(f"parameter 'bbox-crs' supports only {CRS84}, got {bbox_crs!r}", parameter="bbox-crs")
    crs = _single(args, "crs")
    if crs is not None and crs.strip() not in CRS84_ALIASES:
        raise BadParameter(
            f"parameter 'crs' supports only {CRS84} (the collection's only CRS), got {crs!r}", parameter="crs"
        )
    raw_dt = _single(args, "datetime")
    dt = parse_datetime(raw_dt) if raw_dt is not None else None
    filters = []
    for name, field in declared.items():
        value = _single(args, name)
        if value is not None:
            filters.append((name, _check_filter_value(field, value)))
    return ItemsQuery(limit=limit, offset=offset, bbox=bbox, datetime=dt, filters=tuple(filters))


def _value_keys(value) -> list[tuple]:
    """The index keys a stored property value answers to: its items for a list, else one typed key.

    Equality rules of the property filters: booleans match true/false (any case), numbers match any text
    that parses to the same float, other values match their text exactly, null never matches.
    """
    if value is None:
        return []
    if isinstance(value, list):
        return [key for item in value for key in _value_keys(item)]
    if isinstance(value, bool):
        return [("bool", value)]
    if isinstance(value, (int, float)):
        try:
            return [("number", float(value))]
        except OverflowError:
            return []
    return [("text", str(value))]


def _wanted_keys(wanted: str) -> list[tuple]:
    """The index keys a filter value matches (see ``_value_keys``)."""
    keys: list[tuple] = [("text", wanted)]
    if wanted.lower() in ("true", "false"):
        keys.append(("bool", wanted.lower() == "true"))
    try:
        keys.append(("number", float(wanted)))
    except ValueError:
        pass
    return keys


def property_index(features: list[dict], name: str) -> dict[tuple, list[int]]:
    """Key -> ascending positions of the features whose property ``name`` answers to it (built once per version)."""
    index: dict[tuple, list[int]] = {}
    for pos, feat in enumerate(features):
        for key in _value_keys((feat.get("properties") or {}).get(name)):
            hits = index.setdefault(key, [])
            if not hits or hits[-1] != pos:  # a list holding a value twice still counts once
                hits.append(pos)
    return index


class _IndexCache:
    """One spatial index per layer, rebuilt when the layer's ETag changes."""

    def __init__(self) -> None:
        self._by_layer: dict[str, tuple[str, object]] = {}
        self._lock = threading.Lock()
        self.builds = 0

    def get(self, data: LayerData):
        key = data.spec.id
        cached = self._by_layer.get(key)
        if cached is not None and cached[0] == data.etag:
            return cached[1]
        with self._lock:
            cached = self._by_layer.get(key)
            if cached is not None and cached[0] == data.etag:
                return cached[1]
            sindex = data.frame().sindex
            self.builds += 1
            self._by_layer[key] = (data.etag, sindex)
            return sindex


SPATIAL_INDEX = _IndexCache()


class _PropertyIndexCache:
    """Per layer: one ``property_index`` per filtered property and an id -> position map, rebuilt per ETag."""

    def __init__(self) -> None:
        self._by_layer: dict[str, tuple[str, dict]] = {}
        self._lock = threading.Lock()
        self.builds = 0

    def get(self, data: LayerData, name: str, build) -> object:
        with self._lock:
            cached = self._by_layer.get(data.spec.id)
            if cached is None or cached[0] != data.etag:
                cached = (data.etag, {})
                self._by_layer[data.spec.id] = cached
            if name not in cached[1]:
                cached[1][name] = build()
                self.builds += 1
            return cached[1][name]


PROPERTY_INDEX = _PropertyIndexCache()


def bbox_positions(data: LayerData, bbox: tuple[float, float, float, float]) -> list[int]:
    """Positions (into ``data.features``) of the features whose geometry intersects ``bbox``, in order."""
    if not data.features:
        return []
    sindex = SPATIAL_INDEX.get(data)
    hits = sindex.query(shapely.box(*bbox), predicate="intersects")
    return sorted(int(i) for i in hits)


def filter_positions(data: LayerData, name: str, wanted: str) -> np.ndarray:
    """Ascending positions of the features whose property ``name`` equals ``wanted`` (filter rules above)."""
    index = PROPERTY_INDEX.get(data, f"field:{name}", lambda: property_index(data.features, name))
    hits = [np.asarray(index[key], dtype=np.int64) for key in _wanted_keys(wanted) if key in index]
    return np.unique(np.concatenate(hits)) if hits else np.zeros(0, dtype=np.int64)


def ogc_feature(feature: dict) -> dict:
    """A copy of a stored feature with the top-level id OGC clients use (the ``id`` property)."""
    out = {"type": "Feature", "id": feature.get("properties", {}).get("id", feature.get("id"))}
    out["geometry"] = feature.get("geometry")
    out["properties"] = feature.get("properties", {})
    return out


def query_items(data: LayerData, query: ItemsQuery) -> tuple[list[dict], int]:
    """Run a query on a layer: (the page of features, number of features matched before paging)."""
    features = data.features
    positions = np.asarray(bbox_positions(data, query.bbox), dtype=np.int64) if query.bbox is not None else None
    for name, wanted in query.filters:  # each filter is an index look-up, not a pass over the features
        hits = filter_positions(data, name, wanted)
        positions = hits if positions is None else np.intersect1d(positions, hits, assume_unique=True)
    end = query.offset + query.limit
    if positions is None:
        return [ogc_feature(f) for f in features[query.offset : end]], len(features)
    return [ogc_feature(features[i]) for i in positions[query.offset : end].tolist()], len(positions)


def get_item(data: LayerData, feature_id: str) -> dict:
    """One feature of a layer by id, or UnknownFeature."""

    def first_positions() -> dict:
        ids = [(f.get("properties") or {}).get("id") for f in data.features]
        return {fid: pos for pos, fid in reversed(list(enumerate(ids))) if isinstance(fid, str)}

    pos = PROPERTY_INDEX.get(data, "ids", first_positions).get(feature_id)
    if pos is None:
        raise UnknownFeature(f"collection {data.spec.id!r} has no feature with id {feature_id!r}")
    return ogc_feature(data.features[pos])


def layer_bbox(data: LayerData) -> list[float] | None:
    """[minLon, minLat, maxLon, maxLat] of the placed features, or None when nothing is placed."""
    if not data.ok or data.feature_count == 0:
        return None
    frame = data.frame()
    geoms = frame.geometry[frame.geometry.notna() & ~frame.geometry.is_empty]
    if geoms.empty:
        return None
    return [round(float(v), 7) for v in geoms.total_bounds]


def collection_metadata(data: LayerData) -> dict:
    """The collection description of a layer, without links (the web layer adds those)."""
    spec = data.spec
    description = spec.description_en or spec.title_en
    if spec.description_zh:
        description = f"{spec.description_zh} / {description}"
    if not data.ok:
        description += f" [unavailable: {data.reason}]"
    meta: dict = {
        "id": spec.id,
        "title": f"{spec.title_zh} {spec.title_en}",
        "description": description,
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
    }
    bbox = layer_bbox(data)
    if bbox is not None:
        meta["extent"] = {"spatial": {"bbox": [bbox], "crs": CRS84}}
    meta["x-atlas"] = {
        "title_zh": spec.title_zh,
        "title_en": spec.title_en,
        "family": spec.family,
        "geometry_types": list(spec.geometry_types),
        "available": data.ok,
        "feature_count": len(data.features),
        "unplaced_count": data.unplaced_count,
        "as_of": data.as_of,
    }
    return meta


# --- OpenAPI 3.0 ---------------------------------------------------------------------------------------------

_OAS_FIELD_TYPES = {
    "str": {"type": "string"},
    "number": {"type": "number"},
    "int": {"type": "integer"},
    "bool": {"type": "boolean"},
    "list": {"type": "string", "description": "matches features whose list contains this value"},
    "date": {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
}


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _json_response(description: str, schema: dict, media: str = "application/json") -> dict:
    return {
        "description": description,
        "content": {media: {"schema": schema}, "text/html": {"schema": {"type": "string"}}},
    }


def _components() -> dict:
    link = {
        "type": "object",
        "required": ["href", "rel"],
        "properties": {
            "href": {"type": "string"},
            "rel": {"type": "string"},
            "type": {"type": "string"},
            "hreflang": {"type": "string"},
            "title": {"type": "string"},
        },
    }
    links = {"type": "array", "items": _ref("schemas", "link")}
    geometry = {
        "type": "object",
        "nullable": True,
        "required": ["type"],
        "properties": {"type": {"type": "string"}, "coordinates": {"type": "array", "items": {}}},
    }
    feature = {
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "string"},
            "geometry": geometry,
            "properties": {"type": "object", "nullable": True},
            "links": links,
        },
    }
    return {
        "schemas": {
            "link": link,
            "exception": {
                "type": "object",
                "required": ["code"],
                "properties": {"code": {"type": "string"}, "description": {"type": "string"}},
            },
            "landingPage": {
                "type": "object",
                "required": ["links"],
                "properties": {"title": {"type": "string"}, "description": {"type": "string"}, "links": links},
            },
            "confClasses": {
                "type": "object",
                "required": ["conformsTo"],
                "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
            },
            "extent": {
                "type": "object",
                "properties": {
                    "spatial": {
                        "type": "object",
                        "properties": {
                            "bbox": {
                                "type": "array",
                                "items": {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}},
                            },
                            "crs": {"type": "string"},
                        },
                    }
                },
            },
            "collection": {
                "type": "object",
                "required": ["id", "links"],
                "properties": {
                    "id": {"type": "string"},
                    "title": {"type": "string"},
                    "description": {"type": "string"},
                    "links": links,
                    "extent": _ref("schemas", "extent"),
                    "itemType": {"type": "string"},
                    "crs": {"type": "array", "items": {"type": "string"}},
                },
            },
            "collections": {
                "type": "object",
                "required": ["links", "collections"],
                "properties": {
                    "links": links,
                    "collections": {"type": "array", "items": _ref("schemas", "collection")},
                },
            },
            "featureGeoJSON": feature,
            "featureCollectionGeoJSON": {
                "type": "object",
                "required": ["type", "features"],
                "properties": {
                    "type": {"type": "string", "enum": ["FeatureCollection"]},
                    "features": {"type": "array", "items": _ref("schemas", "featureGeoJSON")},
                    "links": links,
                    "timeStamp": {"type": "string", "format": "date-time"},
                    "numberMatched": {"type": "integer", "minimum": 0},
                    "numberReturned": {"type": "integer", "minimum": 0},
                },
            },
        },
        "parameters": {
            "f": {
                "name": "f",
                "in": "query",
                "required": False,
                "style": "form",
                "explode": False,
                "description": "Response format; overrides the Accept header.",
                "schema": {"type": "string", "enum": [*FORMATS, *FORMAT_ALIASES]},
            },
            "limit": {
                "name": "limit",
                "in": "query",
                "required": False,
                "style": "form",
                "explode": False,
                "description": f"Number of items per page (1–{MAX_LIMIT}); out of range is a 400.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
            },
            "offset": {
                "name": "offset",
                "in": "query",
                "required": False,
                "style": "form",
                "explode": False,
                "description": "Number of matched items to skip (the next/prev links use it).",
                "schema": {"type": "integer", "minimum": 0, "default": 0},
            },
            "bbox": {
                "name": "bbox",
                "in": "query",
                "required": False,
                "style": "form",
                "explode": False,
                "description": "minLon,minLat,maxLon,maxLat in CRS84; only features whose geometry intersects "
                "the box are returned (features without a position never match).",
                "schema": {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}},
            },
            "bbox-crs": {
                "name": "bbox-crs",
                "in": "query",
                "required": False,
                "style": "form",
                "explode": False,
                "description": "CRS of bbox; only CRS84 is supported.",
                "schema": {"type": "string", "format": "uri", "enum": [CRS84]},
            },
            "crs": {
                "name": "crs",
                "in": "query",
                "required": False,
                "style": "form",
                "explode": False,
                "description": "CRS of the response geometries; only CRS84 is supported.",
                "schema": {"type": "string", "format": "uri", "enum": [CRS84]},
            },
            "datetime": {
                "name": "datetime",
                "in": "query",
                "required": False,
                "style": "form",
                "explode": False,
                "description": "RFC 3339 instant or interval. Validated (malformed values are a 400) but it "
                "does not filter: the atlas features carry no valid time.",
                "schema": {"type": "string", "pattern": DATETIME_PATTERN},
            },
            "featureId": {
                "name": "featureId",
                "in": "path",
                "required": True,
                "description": "The feature's id (its `id` property).",
                "schema": {"type": "string"},
            },
        },
        "responses": {
            "InvalidParameter": {
                "description": "A query parameter is unknown, malformed or out of range.",
                "content": _error_content(),
            },
            "NotFound": {"description": "No such collection or feature.", "content": _error_content()},
            "Unavailable": {"description": "The layer's data file is missing or broken.", "content": _error_content()},
        },
    }


def _error_content() -> dict:
    """Errors come as JSON, or as an HTML page when HTML was asked for (?f=html or Accept: text/html)."""
    return {"application/json": {"schema": _ref("schemas", "exception")}, "text/html": {"schema": {"type": "string"}}}


def openapi_document(catalog: Catalog, server_url: str, title: str, description: str) -> dict:
    """The OpenAPI 3.0 definition of the /ogc API, one path set per declared collection."""
    f_param = _ref("parameters", "f")
    errors_400 = {"400": _ref("responses", "InvalidParameter")}
    paths: dict = {
        "/": {
            "get": {
                "summary": "Landing page",
                "operationId": "getLandingPage",
                "tags": ["Capabilities"],
                "parameters": [f_param],
                "responses": {
                    "200": _json_response(
                        "Links to the API, conformance and collections", _ref("schemas", "landingPage")
                    ),
                    **errors_400,
                },
            }
        },
        "/conformance": {
            "get": {
                "summary": "Conformance classes",
                "operationId": "getConformance",
                "tags": ["Capabilities"],
                "parameters": [f_param],
                "responses": {
                    "200": _json_response("The conformance classes implemented", _ref("schemas", "confClasses")),
                    **errors_400,
                },
            }
        },
        "/api": {
            "get": {
                "summary": "This OpenAPI document",
                "operationId": "getAPI",
                "tags": ["Capabilities"],
                "parameters": [f_param],
                "responses": {
                    "200": {
                        "description": "The OpenAPI 3.0 definition",
                        "content": {
                            "application/vnd.oai.openapi+json;version=3.0": {"schema": {"type": "object"}},
                            "text/html": {"schema": {"type": "string"}},
                        },
                    },
                    **errors_400,
                },
            }
        },
        "/collections": {
            "get": {
                "summary": "The feature collections",
                "operationId": "getCollections",
                "tags": ["Capabilities"],
                "parameters": [f_param],
                "responses": {
                    "200": _json_response("Every declared layer as a collection", _ref("schemas", "collections")),
                    **errors_400,
                },
            }
        },
    }
    for spec in catalog:
        cid = spec.id
        tag = f"{spec.title_en} ({cid})"
        prop_params = []
        for field in spec.all_fields:
            schema = dict(_OAS_FIELD_TYPES[field.type])
            desc = schema.pop("description", "")
            prop_params.append(
                {
                    "name": field.name,
                    "in": "query",
                    "required": False,
                    "style": "form",
                    "explode": False,
                    "description": f"Only items whose {field.label_en} ({field.label_zh}) equals this value"
                    + (f"; {desc}" if desc else "")
                    + ".",
                    "schema": schema,
                }
            )
        not_found = {"404": _ref("responses", "NotFound"), "503": _ref("responses", "Unavailable")}
        paths[f"/collections/{cid}"] = {
            "get": {
                "summary": f"Describe {spec.title_en} / {spec.title_zh}",
                "operationId": f"describeCollection_{cid}",
                "tags": [tag],
                "parameters": [f_param],
                "responses": {"200": _json_response("The collection", _ref("schemas", "collection")), **errors_400},
            }
        }
        paths[f"/collections/{cid}/items"] = {
            "get": {
                "summary": f"Features of {spec.title_en} / {spec.title_zh}",
                "operationId": f"getFeatures_{cid}",
                "tags": [tag],
                "parameters": [
                    f_param,
                    _ref("parameters", "limit"),
                    _ref("parameters", "offset"),
                    _ref("parameters", "bbox"),
                    _ref("parameters", "bbox-crs"),
                    _ref("parameters", "crs"),
                    _ref("parameters", "datetime"),
                    *prop_params,
                ],
                "responses": {
                    "200": _json_response(
                        "A page of features with paging links",
                        _ref("schemas", "featureCollectionGeoJSON"),
                        "application/geo+json",
                    ),
                    **errors_400,
                    **not_found,
                },
            }
        }
        paths[f"/collections/{cid}/items/{{featureId}}"] = {
            "get": {
                "summary": f"One feature of {spec.title_en}",
                "operationId": f"getFeature_{cid}",
                "tags": [tag],
                "parameters": [_ref("parameters", "featureId"), f_param],
                "responses": {
                    "200": _json_response("The feature", _ref("schemas", "featureGeoJSON"), "application/geo+json"),
                    **errors_400,
                    **not_found,
                },
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "description": description, "version": "1.0.0", "license": {"name": "MIT"}},
        "servers": [{"url": server_url}],
        "tags": [{"name": "Capabilities"}]
        + [{"name": f"{s.title_en} ({s.id})", "description": s.title_zh} for s in catalog],
        "paths": paths,
        "components": _components(),
    }
