"""Answer OGC item queries from a layer through indexes kept in the app's DataStore (per data version)."""

from __future__ import annotations

import threading

import numpy as np
import shapely

from atlas.errors import UnknownFeature
from atlas.ogc.params import ItemsQuery
from atlas.stores.files import DataStore, LayerData


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


def ogc_feature(feature: dict) -> dict:
    """A copy of a stored feature with the top-level id OGC clients use (the ``id`` property)."""
    out = {"type": "Feature", "id": feature.get("properties", {}).get("id", feature.get("id"))}
    out["geometry"] = feature.get("geometry")
    out["properties"] = feature.get("properties", {})
    return out


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


def layer_index(store: DataStore, layer_id: str) -> LayerIndex:
    """The store's index of a usable layer, rebuilt when the layer changes (LayerUnavailable if it is broken)."""
    return store.derived(f"ogc-index:{layer_id}", lambda: LayerIndex(store.usable(layer_id)), layers=[layer_id])


def query_items(store: DataStore, collection_id: str, query: ItemsQuery) -> tuple[list[dict], int]:
    """Run a query on a collection: (the page of features, number of features matched before paging)."""
    return run_query(layer_index(store, collection_id), query)


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


def get_item(store: DataStore, collection_id: str, feature_id: str) -> dict:
    """One feature of a collection by id, or UnknownFeature."""
    return find_item(layer_index(store, collection_id), feature_id)


def find_item(index: LayerIndex, feature_id: str) -> dict:
    """One feature of a version of a layer by id, or UnknownFeature."""
    pos = index.position_of(feature_id)
    if pos is None:
        raise UnknownFeature(f"collection {index.data.spec.id!r} has no feature with id {feature_id!r}")
    return ogc_feature(index.data.features[pos])
