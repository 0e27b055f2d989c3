"""The in-memory query and search engine: functions on a LayerData, used by the file store (nothing here calls a
store). OGC items through a layer's spatial, property and id indexes; name search by SEARCH_RULES."""

from __future__ import annotations

import threading
from collections.abc import Iterable

import numpy as np
import shapely

from atlas.catalog import LayerSpec
from atlas.errors import UnknownFeature
from atlas.ogc.params import ItemsQuery
from atlas.stores.layerdata import LayerData, ogc_feature


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


class LayerIndex:
    """A layer's data with its spatial, property and id indexes, each built on first use from that same data."""

    def __init__(self, data: LayerData) -> None:
        self.data = data
        self._parts: dict[str, object] = {}
        self._lock = threading.Lock()

    @property
    def built(self) -> tuple[str, ...]:
        """The names of the indexes built so far, in the order they were built."""
        return tuple(self._parts)

    def _part(self, name: str, build):
        with self._lock:
            if name not in self._parts:
                self._parts[name] = build()
            return self._parts[name]

    def bbox_positions(self, bbox: tuple[float, float, float, float]) -> list[int]:
        """Positions (into ``data.features``) of the features whose geometry intersects ``bbox``, in order."""
        if not self.data.features:
            return []
        sindex = self._part("spatial", lambda: self.data.frame().sindex)
        hits = sindex.query(shapely.box(*bbox), predicate="intersects")
        return sorted(int(i) for i in hits)

    def filter_positions(self, name: str, wanted: str) -> np.ndarray:
        """Ascending positions of the features whose property ``name`` equals ``wanted`` (filter rules above)."""
        index = self._part(f"field:{name}", lambda: property_index(self.data.features, name))
        hits = [np.asarray(index[key], dtype=np.int64) for key in _wanted_keys(wanted) if key in index]
        return np.unique(np.concatenate(hits)) if hits else np.zeros(0, dtype=np.int64)

    def position_of(self, feature_id: str) -> int | None:
        """Position of the first feature whose ``id`` property is ``feature_id``, or None."""

        def first_positions() -> dict:
            ids = [(f.get("properties") or {}).get("id") for f in self.data.features]
            return {fid: pos for pos, fid in reversed(list(enumerate(ids))) if isinstance(fid, str)}

        return self._part("ids", first_positions).get(feature_id)


def run_query(index: LayerIndex, query: ItemsQuery) -> tuple[list[dict], int]:
    """Run a query on one version of a layer: (the page of features, number matched before paging)."""
    features = index.data.features
    positions = np.asarray(index.bbox_positions(query.bbox), dtype=np.int64) if query.bbox is not None else None
    for name, wanted in query.filters:  # each filter is an index look-up, not a pass over the features
        hits = index.filter_positions(name, wanted)
        positions = hits if positions is None else np.intersect1d(positions, hits, assume_unique=True)
    end = query.offset + query.limit
    if positions is None:
        return [ogc_feature(f) for f in features[query.offset : end]], len(features)
    return [ogc_feature(features[i]) for i in positions[query.offset : end].tolist()], len(positions)


def find_item(index: LayerIndex, feature_id: str) -> dict:
    """One feature of a version of a layer by id, or UnknownFeature."""
    pos = index.position_of(feature_id)
    if pos is None:
        raise UnknownFeature(f"collection {index.data.spec.id!r} has no feature with id {feature_id!r}")
    return ogc_feature(index.data.features[pos])


# Name search: each name a feature answers to, with its weight, and the score of each kind of match; the best
# (tier + weight) of a feature's names counts. The PostGIS store's SQL is generated from the same table.
SEARCH_NAMES = (("name_zh", 3), ("name_en", 2), ("id", 1))
SEARCH_ALIASES = ("aliases", 1)  # a list of further names
SEARCH_TIERS = {"exact": 300, "prefix": 200, "substring": 100}


def _score(query: str, props: dict) -> int:
    """0 = no match; higher is better: exact > prefix > substring, then the name's weight."""
    names = [(props.get(key), weight) for key, weight in SEARCH_NAMES]
    key, weight = SEARCH_ALIASES
    names += [(alias, weight) for alias in props.get(key) or []]
    best = 0
    for name, weight in names:
        if not isinstance(name, str) or not name:
            continue
        text = name.casefold()
        if text == query:
            best = max(best, SEARCH_TIERS["exact"] + weight)
        elif text.startswith(query):
            best = max(best, SEARCH_TIERS["prefix"] + weight)
        elif query in text:
            best = max(best, SEARCH_TIERS["substring"] + weight)
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
