"""Find features by name across all layers (Chinese, English, aliases, id)."""

from __future__ import annotations

from shapely.geometry import shape

from atlas.catalog import LayerSpec
from atlas.errors import BadParameter
from atlas.stores.base import Store

MAX_QUERY_CHARS = 100


def search_features(store: Store, query: str, limit: int = 10) -> list[dict]:
    """Return up to ``limit`` features whose names match ``query``, best first, with their bbox."""
    query = (query or "").strip().casefold()
    if not query:
        raise BadParameter("q is empty: give part of a name in Chinese or English", parameter="q")
    if len(query) > MAX_QUERY_CHARS:
        raise BadParameter(f"q is longer than {MAX_QUERY_CHARS} characters", parameter="q")
    return [_hit(spec, feat) for spec, feat in store.search(query, limit)]


def _hit(spec: LayerSpec, feat: dict) -> dict:
    props = feat["properties"]
    geom = feat.get("geometry")
    bbox = list(shape(geom).bounds) if geom else None
    return {
        "id": props.get("id"),
        "layer": spec.id,
        "layer_title_zh": spec.title_zh,
        "name_zh": props.get("name_zh"),
        "name_en": props.get("name_en"),
        "kind": props.get("kind"),
        "accuracy": props.get("accuracy"),
        "placed": geom is not None,
        "bbox": bbox,
    }
