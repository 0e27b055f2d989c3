"""The OGC API's JSON documents (landing page, conformance, collections, items) with their links; Flask-free.

Links are made by a ``url(endpoint, **values)`` function that returns absolute URLs (the web layer passes
one built on ``url_for``), so these documents know the endpoints' names but not Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from atlas.catalog import LayerSpec
from atlas.export import FORMATS
from atlas.ogc.params import CRS84, ItemsQuery
from atlas.stores.layerdata import LayerSummary

Url = Callable[..., str]
TITLE = "綦江地图集 Qijiang Atlas — OGC API Features"
DESCRIPTION = (
    "Layers of the Qijiang District atlas (Chongqing) as OGC API – Features collections: "
    "GeoJSON and HTML, paging, bbox and property filters."
)
MIME_JSON = "application/json"
MIME_GEOJSON = "application/geo+json"
MIME_HTML = "text/html"
MIME_OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
# whole-layer downloads a collection links to: GeoJSON, then every export format (declared once, in atlas/export.py)
DOWNLOADS = (("geojson", MIME_GEOJSON), *((f.name, f.mimetype.split(";")[0]) for f in FORMATS.values()))

CONFORMANCE_CLASSES = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
)


def now_stamp() -> str:
    """The timeStamp of a response: the current UTC time, RFC 3339, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def layer_bbox(data: LayerSummary) -> list[float] | None:
    """[minLon, minLat, maxLon, maxLat] of the placed features, or None when nothing is placed."""
    if data.bounds is None:
        return None
    return [round(v, 7) for v in data.bounds]


def collection_metadata(data: LayerSummary) -> dict:
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
        "feature_count": data.feature_count + data.unplaced_count,
        "unplaced_count": data.unplaced_count,
        "as_of": data.as_of,
    }
    return meta


def self_links(url: Url, endpoint: str, fmt: str, json_type: str = MIME_JSON, title: str = "", **values) -> list[dict]:
    """self + alternate links for a resource available as JSON and HTML."""
    kinds = {"json": (json_type, "this document as JSON"), "html": (MIME_HTML, "this document as HTML")}
    links = []
    for f, (mime, label) in kinds.items():
        links.append(
            {
                "href": url(endpoint, f=f, **values),
                "rel": "self" if f == fmt else "alternate",
                "type": mime,
                "title": f"{title or label}" if f == fmt else label,
            }
        )
    return links


def _link(href: str, rel: str, mime: str, title: str) -> dict:
    return {"href": href, "rel": rel, "type": mime, "title": title}


def landing_page(url: Url, fmt: str) -> dict:
    """The landing page: links to the API definition, the conformance classes, the collections and the map."""
    links = self_links(url, "ogc.landing", fmt, title="landing page")
    links += [
        _link(url("ogc.openapi", f="json"), "service-desc", MIME_OPENAPI, "the API definition (OpenAPI 3.0, JSON)"),
        _link(url("ogc.openapi", f="html"), "service-doc", MIME_HTML, "the API documentation (HTML)"),
        _link(
            url("ogc.conformance", f="json"),
            "conformance",
            MIME_JSON,
            "OGC API conformance classes implemented by this server",
        ),
        _link(url("ogc.conformance", f="html"), "conformance", MIME_HTML, "conformance classes (HTML)"),
        _link(url("ogc.collections", f="json"), "data", MIME_JSON, "the feature collections"),
        _link(url("ogc.collections", f="html"), "data", MIME_HTML, "the feature collections (HTML)"),
        _link(url("pages.index"), "related", MIME_HTML, "the atlas map"),
    ]
    return {"title": TITLE, "description": DESCRIPTION, "links": links, "timeStamp": now_stamp()}


def conformance_page(url: Url, fmt: str) -> dict:
    """The conformance classes this server implements."""
    return {"conformsTo": list(CONFORMANCE_CLASSES), "links": self_links(url, "ogc.conformance", fmt)}


def layer_download_url(url: Url, layer_id: str, kind: str) -> str:
    """URL of a whole-layer download: geojson, csv, gpkg or kml."""
    if kind == "geojson":
        return url("api.layer_geojson", layer_id=layer_id)
    return url("downloads.layer_file", layer_id=layer_id, fmt=kind)


def collection_document(url: Url, data: LayerSummary, fmt: str, self_endpoint: str) -> dict:
    """A collection's description with its links, alone (``ogc.collection``) or in the list (``ogc.collections``)."""
    meta = collection_metadata(data)
    cid, title_en = meta["id"], data.spec.title_en
    if self_endpoint == "ogc.collection":
        links = self_links(url, "ogc.collection", fmt, collection_id=cid)
    else:
        links = [
            _link(
                url("ogc.collection", collection_id=cid, f=f),
                "collection" if f == "json" else "alternate",
                mime,
                f"collection {cid} ({f})",
            )
            for f, mime in (("json", MIME_JSON), ("html", MIME_HTML))
        ]
    links += [
        _link(url("ogc.items", collection_id=cid, f="json"), "items", MIME_GEOJSON, f"{title_en} as GeoJSON"),
        _link(url("ogc.items", collection_id=cid, f="html"), "items", MIME_HTML, f"{title_en} as HTML"),
    ]
    links += [
        _link(layer_download_url(url, cid, kind), "enclosure", mime, f"download the whole layer ({kind})")
        for kind, mime in DOWNLOADS
    ]
    meta["links"] = links
    return meta


def collections_document(url: Url, layers: Iterable[LayerSummary], fmt: str) -> dict:
    """Every declared layer as a collection."""
    items = [collection_document(url, data, fmt, "ogc.collections") for data in layers]
    return {"links": self_links(url, "ogc.collections", fmt), "collections": items, "timeStamp": now_stamp()}


def _collection_links(url: Url, spec: LayerSpec) -> list[dict]:
    return [
        _link(url("ogc.collection", collection_id=spec.id, f=f), "collection", t, f"the {spec.title_en} collection")
        for f, t in (("json", MIME_JSON), ("html", MIME_HTML))
    ]


def _page_links(url: Url, spec: LayerSpec, fmt: str, query: ItemsQuery, matched: int) -> list[dict]:
    """The next and previous page links of an items page, when there are such pages."""
    params, mime, links = query.as_params(), MIME_GEOJSON if fmt == "json" else MIME_HTML, []
    page = {"collection_id": spec.id, "f": fmt, "limit": query.limit}
    if query.offset + query.limit < matched:
        href = url("ogc.items", **page, offset=query.offset + query.limit, **params)
        links.append(_link(href, "next", mime, "next page"))
    if query.offset > 0:
        href = url("ogc.items", **page, offset=max(0, query.offset - query.limit), **params)
        links.append(_link(href, "prev", mime, "previous page"))
    return links


def items_document(url: Url, spec: LayerSpec, query: ItemsQuery, features: list[dict], matched: int, fmt: str):
    """A page of features as a FeatureCollection with self, paging and collection links."""
    values = {"collection_id": spec.id, "limit": query.limit, "offset": query.offset, **query.as_params()}
    links = self_links(url, "ogc.items", fmt, MIME_GEOJSON, **values)
    links += _page_links(url, spec, fmt, query, matched) + _collection_links(url, spec)
    return {
        "type": "FeatureCollection",
        "features": features,
        "links": links,
        "timeStamp": now_stamp(),
        "numberMatched": matched,
        "numberReturned": len(features),
    }


def item_document(url: Url, spec: LayerSpec, feature: dict, fmt: str) -> dict:
    """One feature with its self and collection links."""
    values = {"collection_id": spec.id, "feature_id": feature["id"]}
    feature["links"] = self_links(url, "ogc.item", fmt, MIME_GEOJSON, **values) + _collection_links(url, spec)
    feature["timeStamp"] = now_stamp()
    return feature
