"""The OpenAPI 3.0 document of the /ogc API: one path set per declared collection (mostly literal data)."""

from __future__ import annotations

from atlas.catalog import Catalog, LayerSpec
from atlas.ogc.openapi_components import components, ref

_OAS_FIELD_TYPES = {
    "str": {"type": "string"},
    "number": {"type": "number"},
    "int": {"type": "integer"},
    "bool": {"type": "boolean"},
    "list": {"type": "string", "description": "matches features whose list contains this value"},
    "date": {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
}


def _json_response(description: str, schema: dict, media: str = "application/json") -> dict:
    return {
        "description": description,
        "content": {media: {"schema": schema}, "text/html": {"schema": {"type": "string"}}},
    }


def _capability_paths(f_param: dict, errors_400: dict) -> dict:
    """The landing page, conformance, API and collections paths."""
    return {
        "/": {
            "get": {
                "summary": "Landing page",
                "operationId": "getLandingPage",
                "tags": ["Capabilities"],
                "parameters": [f_param],
                "responses": {
                    "200": _json_response(
                        "Links to the API, conformance and collections", ref("schemas", "landingPage")
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
                    "200": _json_response("The conformance classes implemented", ref("schemas", "confClasses")),
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
                    "200": _json_response("Every declared layer as a collection", ref("schemas", "collections")),
                    **errors_400,
                },
            }
        },
    }


def _property_parameters(spec: LayerSpec) -> list[dict]:
    """One equality filter parameter per declared property of a collection."""
    params = []
    for field in spec.all_fields:
        schema = dict(_OAS_FIELD_TYPES[field.type])
        desc = schema.pop("description", "")
        params.append(
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
    return params


def _collection_paths(spec: LayerSpec, f_param: dict, errors_400: dict) -> dict:
    """The collection, items and item paths of one declared collection."""
    cid = spec.id
    tag = f"{spec.title_en} ({cid})"
    prop_params = _property_parameters(spec)
    not_found = {"404": ref("responses", "NotFound"), "503": ref("responses", "Unavailable")}
    paths: dict = {}
    paths[f"/collections/{cid}"] = {
        "get": {
            "summary": f"Describe {spec.title_en} / {spec.title_zh}",
            "operationId": f"describeCollection_{cid}",
            "tags": [tag],
            "parameters": [f_param],
            "responses": {"200": _json_response("The collection", ref("schemas", "collection")), **errors_400},
        }
    }
    paths[f"/collections/{cid}/items"] = {
        "get": {
            "summary": f"Features of {spec.title_en} / {spec.title_zh}",
            "operationId": f"getFeatures_{cid}",
            "tags": [tag],
            "parameters": [
                f_param,
                ref("parameters", "limit"),
                ref("parameters", "offset"),
                ref("parameters", "bbox"),
                ref("parameters", "bbox-crs"),
                ref("parameters", "crs"),
                ref("parameters", "datetime"),
                *prop_params,
            ],
            "responses": {
                "200": _json_response(
                    "A page of features with paging links",
                    ref("schemas", "featureCollectionGeoJSON"),
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
            "parameters": [ref("parameters", "featureId"), f_param],
            "responses": {
                "200": _json_response("The feature", ref("schemas", "featureGeoJSON"), "application/geo+json"),
                **errors_400,
                **not_found,
            },
        }
    }
    return paths


def openapi_document(catalog: Catalog, server_url: str, title: str, description: str) -> dict:
    """The OpenAPI 3.0 definition of the /ogc API, one path set per declared collection."""
    f_param = ref("parameters", "f")
    errors_400 = {"400": ref("responses", "InvalidParameter")}
    paths = _capability_paths(f_param, errors_400)
    for spec in catalog:
        paths.update(_collection_paths(spec, f_param, errors_400))
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "description": description, "version": "1.0.0", "license": {"name": "MIT"}},
        "servers": [{"url": server_url}],
        "tags": [{"name": "Capabilities"}]
        + [{"name": f"{s.title_en} ({s.id})", "description": s.title_zh} for s in catalog],
        "paths": paths,
        "components": components(),
    }
