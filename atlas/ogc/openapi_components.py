"""The reusable parts of the OpenAPI 3.0 document of the /ogc API: schemas, parameters, responses (literal data)."""

from __future__ import annotations

from atlas.ogc.params import CRS84, DATETIME_PATTERN, DEFAULT_LIMIT, FORMAT_ALIASES, FORMATS, MAX_LIMIT


def ref(kind: str, name: str) -> dict:
    """A reference to a component."""
    return {"$ref": f"#/components/{kind}/{name}"}


def _schemas() -> dict:
    """The schemas of links, documents, features and feature collections."""
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
    links = {"type": "array", "items": ref("schemas", "link")}
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
                "extent": ref("schemas", "extent"),
                "itemType": {"type": "string"},
                "crs": {"type": "array", "items": {"type": "string"}},
            },
        },
        "collections": {
            "type": "object",
            "required": ["links", "collections"],
            "properties": {
                "links": links,
                "collections": {"type": "array", "items": ref("schemas", "collection")},
            },
        },
        "featureGeoJSON": feature,
        "featureCollectionGeoJSON": {
            "type": "object",
            "required": ["type", "features"],
            "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "features": {"type": "array", "items": ref("schemas", "featureGeoJSON")},
                "links": links,
                "timeStamp": {"type": "string", "format": "date-time"},
                "numberMatched": {"type": "integer", "minimum": 0},
                "numberReturned": {"type": "integer", "minimum": 0},
            },
        },
    }


def _parameters() -> dict:
    """The shared query and path parameters."""
    return {
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
    }


def _responses() -> dict:
    """The shared error responses."""
    return {
        "InvalidParameter": {
            "description": "A query parameter is unknown, malformed or out of range.",
            "content": _error_content(),
        },
        "NotFound": {"description": "No such collection or feature.", "content": _error_content()},
        "Unavailable": {"description": "The layer's data file is missing or broken.", "content": _error_content()},
    }


def components() -> dict:
    """The components section: every reusable schema, parameter and response."""
    return {"schemas": _schemas(), "parameters": _parameters(), "responses": _responses()}


def _error_content() -> dict:
    """Errors come as JSON, or as an HTML page when HTML was asked for (?f=html or Accept: text/html)."""
    return {"application/json": {"schema": ref("schemas", "exception")}, "text/html": {"schema": {"type": "string"}}}
