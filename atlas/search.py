"""Find features by name across all layers (Chinese, English, aliases, id)."""

from __future__ import annotations

from collections.abc import Iterable

from shapely.geometry import shape

from atlas.catalog import LayerSpec
from atlas.errors import BadParameter
from atlas.stores.files import DataStore

MAX_QUERY_CHARS = 100


def _score(query: str, props: dict) -> int:
    """0 = no match; higher is better: exact > prefix > substring; zh name before others.

    The PostGIS store ranks in SQL by the same rules (atlas/pgsql.py SEARCH): change both together.
    """
    names = [props.get("name_zh"), props.get("name_en"), props.get("id"), *(props.get("aliases") or [])]
    best = 0
    for rank, name in enumerate(names):
        if not isinstance(name, str) or not name:
            continue
        text = name.casefold()
        weight = 3 if rank == 0 else 2 if rank == 1 else 1
        if text == query:
            best = max(best, 300 + weight)
        elif text.startswith(query):
            best = max(best, 200 + weight)
        elif query in text:
            best = max(best, 100 + weight)
    return best


def rank_matches(
    layers: Iterable[tuple[LayerSpec, list[dict]]], query: str, limit: int
) -> list[tuple[LayerSpec, dict]]:
    """The ``limit`` best (layer, feature) for a casefolded query: by score, then layer order, then feature order."""
    hits = []
    for spec, features in layers:
        for order, feat in enumerate(features):
            score = _score(query, feat["properties"])
            if score:
                hits.append((-score, spec.order, order, spec, feat))
    hits.sort(key=lambda h: h[:3])
    return [(spec, feat) for *_, spec, feat in hits[:limit]]


def search_features(store: DataStore, query: str, limit: int = 10) -> list[dict]:
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
