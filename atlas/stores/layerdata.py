"""A layer as a store serves it (LayerData), its summary without features, the browser's copies, and the cache
of values derived from data: what every store returns, independent of where the layers live."""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import geopandas as gpd

from atlas.catalog import LayerSpec
from atlas.errors import LayerUnavailable
from atlas.stores.overview import MIN_SAVING, overview_collection
from atlas.stores.precision import rounded_collection
from atlas.validate import Problem

WGS84 = "EPSG:4326"
T = TypeVar("T")


@dataclass
class LayerData:
    """A layer's data as served: the parsed collection, its bytes, and whether it is usable."""

    spec: LayerSpec
    ok: bool
    reason: str = ""
    collection: dict = field(default_factory=dict)
    body: bytes = b""
    body_gzip: bytes = b""
    etag: str = ""
    stamp: tuple = ()
    problems: list[Problem] = field(default_factory=list)
    _frame: gpd.GeoDataFrame | None = None
    _overview: ServedCopy | bool | None = None  # False: computed, not worth serving
    _summary: LayerSummary | None = None

    @property
    def features(self) -> list[dict]:
        return self.collection.get("features", []) if self.ok else []

    @property
    def feature_count(self) -> int:
        """Features with a position (what the map draws)."""
        return sum(1 for f in self.features if f.get("geometry") is not None)

    @property
    def unplaced_count(self) -> int:
        return sum(1 for f in self.features if f.get("geometry") is None)

    @property
    def as_of(self) -> str | None:
        """The newest as-of date of the layer's features."""
        dates = [f["properties"].get("as_of") for f in self.features if f["properties"].get("as_of")]
        return max(dates) if dates else None

    @property
    def tiled(self) -> bool:
        """Whether the browser draws this layer from vector tiles: more placed features than its threshold."""
        return self.ok and self.feature_count > self.spec.tile_threshold

    def overview(self) -> ServedCopy | None:
        """The browser's lighter copy for the overview zooms (atlas.stores.overview), built once; None for a tiled
        layer, or when it would not be MIN_SAVING smaller than the full copy."""
        if self._overview is None:
            self._overview = False
            if self.ok and not self.tiled:
                copy = served_copy(overview_collection(json.loads(self.body)))
                if len(copy.body_gzip) <= (1 - MIN_SAVING) * len(self.body_gzip):
                    self._overview = copy
        return self._overview or None

    def summary(self) -> LayerSummary:
        """What the page, the layer list, OGC collections, TileJSON and metrics need of this layer; built once."""
        if self._summary is None:
            bounds = None
            if self.ok and self.feature_count:
                frame = self.frame()
                geoms = frame.geometry[frame.geometry.notna() & ~frame.geometry.is_empty]
                bounds = tuple(float(v) for v in geoms.total_bounds) if not geoms.empty else None
            self._summary = LayerSummary(
                self.spec, self.ok, self.reason, self.feature_count, self.unplaced_count, self.as_of, bounds, self.etag
            )
        return self._summary

    def frame(self) -> gpd.GeoDataFrame:
        """The layer as a GeoDataFrame in WGS-84 (null geometries kept); built once, do not mutate."""
        if self._frame is None:
            feats = self.features
            if feats:
                frame = gpd.GeoDataFrame.from_features(feats, crs=WGS84)
            else:
                frame = gpd.GeoDataFrame({"id": []}, geometry=gpd.GeoSeries([], crs=WGS84))
            self._frame = frame
        return self._frame


@dataclass(frozen=True)
class LayerSummary:
    """A layer without its features: whether it is usable, its counts, newest as-of date, bounds and version.

    Both stores give the same summary of the same data (the file store from its LayerData, PostGIS from one SQL
    aggregate), except ``token``: the served copy's ETag in the file store, ``pg<version>`` in PostGIS.
    """

    spec: LayerSpec
    ok: bool
    reason: str = ""
    feature_count: int = 0  # features with a position (what the map draws)
    unplaced_count: int = 0
    as_of: str | None = None
    bounds: tuple[float, float, float, float] | None = None  # west, south, east, north of what is placed, WGS-84
    token: str = ""  # changes with every write of the layer; "" when it is unavailable

    @property
    def tiled(self) -> bool:
        """Whether the browser draws this layer from vector tiles: more placed features than its threshold."""
        return self.ok and self.feature_count > self.spec.tile_threshold


@dataclass(frozen=True)
class ServedCopy:
    """One copy of a layer as the browser gets it: JSON bytes, their gzip, and an ETag."""

    body: bytes
    body_gzip: bytes
    etag: str


def served_copy(collection: dict) -> ServedCopy:
    """A collection encoded as the browser gets it (compact UTF-8 JSON, gzip -6, a content hash as ETag)."""
    body = json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return ServedCopy(body, gzip.compress(body, 6, mtime=0), hashlib.sha256(body).hexdigest()[:20])


def served_layer(spec: LayerSpec, collection: dict, stamp: tuple) -> LayerData:
    """A valid layer ready to serve: the browser's copy has coordinates no finer than each feature's accuracy
    class (the OGC API's answers keep them all)."""
    copy = served_copy(rounded_collection(collection))
    return LayerData(spec, True, "", collection, copy.body, copy.body_gzip, copy.etag, stamp)


def version_of(summaries) -> str:
    """A short hash of every layer's token (or failure reason): the data version of a set of layer summaries."""
    tags = "|".join(f"{s.spec.id}:{s.token or s.reason}" for s in summaries)
    return hashlib.sha256(tags.encode()).hexdigest()[:12]


def usable_or_raise(layer_id: str, value: T) -> T:
    """``value`` (a LayerData or LayerSummary) if its layer is usable, else LayerUnavailable with the reason."""
    if not value.ok:
        raise LayerUnavailable(f"layer {layer_id!r} is unavailable: {value.reason}")
    return value


class DerivedCache:
    """Values computed from the data, one per name, rebuilt when the version of the layers it reads changes.

    Each name has its own lock, so a value is built once even when requests arrive together, and a slow build
    of one name does not hold up another. Only the newest version of a name is kept.
    """

    def __init__(self) -> None:
        self._items: dict[str, tuple[tuple, object]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self.builds = 0  # how many values were built (tests read it to tell a rebuild from a cache hit)

    def get(self, name: str, version: tuple, build: Callable[[], T]) -> T:
        entry = self._items.get(name)
        if entry is not None and entry[0] == version:
            return entry[1]
        with self._guard:
            lock = self._locks.setdefault(name, threading.Lock())
        with lock:
            entry = self._items.get(name)
            if entry is None or entry[0] != version:
                entry = (version, build())
                self._items[name] = entry
                self.builds += 1
            return entry[1]

    def clear(self) -> None:
        self._items.clear()


def ogc_feature(feature: dict) -> dict:
    """A copy of a stored feature with the top-level id OGC clients use (the ``id`` property)."""
    out = {"type": "Feature", "id": feature.get("properties", {}).get("id", feature.get("id"))}
    out["geometry"] = feature.get("geometry")
    out["properties"] = feature.get("properties", {})
    return out
