"""Load layer files from geodata/, keep them ready to serve, and notice when a file changes or breaks."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import geopandas as gpd

from atlas.catalog import Catalog, LayerSpec
from atlas.errors import LayerUnavailable, UnknownFeature
from atlas.layerfile import DEFAULT_LOCK_TIMEOUT, layer_lock, replace_file_locked
from atlas.stores.overview import MIN_SAVING, overview_collection
from atlas.stores.precision import rounded_collection
from atlas.validate import Problem, check_collection, ids_in_other_layers

log = logging.getLogger(__name__)
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
    _web_frame: gpd.GeoDataFrame | None = None  # EPSG:3857 copy for vector tiles (atlas/tiles.py)
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


def _usable(layer_id: str, value: T) -> T:
    """``value`` (a LayerData or LayerSummary) if its layer is usable, else LayerUnavailable with the reason."""
    if not value.ok:
        raise LayerUnavailable(f"layer {layer_id!r} is unavailable: {value.reason}")
    return value


def _stamp(path: Path) -> tuple:
    try:
        st = path.stat()
    except FileNotFoundError:
        return ("missing",)
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def read_layer(spec: LayerSpec, data_dir: Path) -> LayerData:
    """Read and validate one layer file; a missing or broken file gives ok=False with the reason."""
    path = data_dir / spec.source_file
    stamp = _stamp(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return LayerData(spec, False, f"cannot read {spec.source_file}: {exc.strerror or exc}", stamp=stamp)
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return LayerData(spec, False, f"{spec.source_file} is not valid UTF-8 JSON: {exc}", stamp=stamp)
    problems = check_collection(obj, spec)
    if problems:
        reason = f"{spec.source_file} has {len(problems)} problem(s); first: {problems[0]}"
        return LayerData(spec, False, reason, stamp=stamp, problems=problems)
    return served_layer(spec, obj, stamp)


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


class DataStore:
    """All layers of a catalog, reloaded when their file changes on disk.

    atlas/pgstore.py's PostgisStore has the same interface; views call the methods below (``items``,
    ``item``, ``tile``, ``writer``, ``ids_in_other_layers``) so the database store can answer them in SQL.
    """

    kind = "file"

    def __init__(self, catalog: Catalog, data_dir: str | os.PathLike) -> None:
        self.catalog = catalog
        self.data_dir = Path(data_dir)
        self._cache: dict[str, LayerData] = {}
        self._lock = threading.Lock()
        self._derived = DerivedCache()

    def layer(self, layer_id: str) -> LayerData:
        """Return the current data of a layer (ok or not); unknown ids raise UnknownLayer."""
        spec = self.catalog.get(layer_id)
        stamp = _stamp(self.data_dir / spec.source_file)
        cached = self._cache.get(spec.id)
        if cached is not None and cached.stamp == stamp:
            return cached
        with self._lock:
            data = read_layer(spec, self.data_dir)
            if not data.ok:
                log.error("layer %s unavailable: %s", spec.id, data.reason)
            self._cache[spec.id] = data
            return data

    def usable(self, layer_id: str) -> LayerData:
        """Return the data of a layer or raise LayerUnavailable with the reason."""
        return _usable(layer_id, self.layer(layer_id))

    def all(self) -> list[LayerData]:
        return [self.layer(spec.id) for spec in self.catalog]

    def summary(self, layer_id: str) -> LayerSummary:
        """A layer's summary (ok or not) without its features; unknown ids raise UnknownLayer."""
        return self.layer(layer_id).summary()

    def usable_summary(self, layer_id: str) -> LayerSummary:
        """A layer's summary, or LayerUnavailable with the reason (as ``usable``)."""
        return _usable(layer_id, self.summary(layer_id))

    def summaries(self) -> list[LayerSummary]:
        """Every declared layer's summary, in catalog order."""
        return [data.summary() for data in self.all()]

    def version(self) -> str:
        """A short hash of every layer's ETag: changes whenever any data changes."""
        tags = "|".join(f"{s.spec.id}:{s.token or s.reason}" for s in self.summaries())
        return hashlib.sha256(tags.encode()).hexdigest()[:12]

    def layer_versions(self, layer_ids: Iterable[str]) -> tuple:
        """(layer id, ETag or failure reason) for each layer: the data version a derived value depends on."""
        return tuple((lid, data.etag or data.reason) for lid in layer_ids for data in (self.layer(lid),))

    def derived(self, name: str, build: Callable[[], T], layers: Iterable[str] | None = None) -> T:
        """``build()``'s value, cached in this store until any of ``layers`` (default: all) changes.

        ``name`` must say everything the value depends on besides the data (e.g. ``"ogc-sindex:parks"``).
        This is the one cache of derived data: module-level caches would be shared by every app in a process.
        """
        ids = tuple(layers) if layers is not None else tuple(spec.id for spec in self.catalog)
        return self._derived.get(name, self.layer_versions(ids), build)

    def find_feature(self, feature_id: str) -> tuple[LayerSpec, dict]:
        """Return (layer, feature) for a feature id: the first layer in catalog order that has it, its first."""
        for data in self.all():
            for feat in data.features:
                if feat["properties"].get("id") == feature_id:
                    return data.spec, feat
        raise UnknownFeature(f"no feature with id {feature_id!r}")

    def search(self, query: str, limit: int) -> list[tuple[LayerSpec, dict]]:
        """Up to ``limit`` (layer, feature) whose names hold the casefolded ``query``, ranked as atlas.search says."""
        from atlas.search import rank_matches  # atlas.search imports this module

        return rank_matches(((data.spec, data.features) for data in self.all()), query, limit)

    def broken_layers(self) -> list[tuple[str, str]]:
        """(layer id, reason) for every declared layer that cannot be served (readiness check)."""
        return [(data.spec.id, data.reason) for data in self.all() if not data.ok]

    def layer_token(self, layer_id: str) -> str:
        """A short token that changes with the layer's data (tile ETags key on it)."""
        return self.usable(layer_id).etag

    def items(self, layer_id: str, query) -> tuple[list[dict], int]:
        """OGC items of a layer (atlas.ogc.params.ItemsQuery): (the page of features, number matched)."""
        from atlas.stores.memory import query_items  # atlas.ogc imports this module

        return query_items(self, layer_id, query)

    def item(self, layer_id: str, feature_id: str) -> dict:
        """One feature of a layer as an OGC item, or UnknownFeature."""
        from atlas.stores.memory import get_item

        return get_item(self, layer_id, feature_id)

    def tile(self, layer_id: str, z: int, x: int, y: int, cache, on_lookup=None) -> bytes:
        """One Mapbox Vector Tile of a layer (b"" when empty) from ``cache`` (atlas.tiles.mvt.TileCache)."""
        return cache.get(self.usable(layer_id), z, x, y, on_lookup)

    def ids_in_other_layers(self, layer_id: str) -> dict[str, str]:
        """Feature id -> file name of its layer, for every layer but ``layer_id``."""
        return ids_in_other_layers(self.catalog, self.data_dir, layer_id)

    @contextlib.contextmanager
    def writer(self, layer_id: str, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[FileLayerWriter]:
        """Hold the layer's lock while the caller reads and atomically replaces its file."""
        spec = self.catalog.get(layer_id)
        with layer_lock(self.data_dir, spec.id, lock_timeout):
            yield FileLayerWriter(self.data_dir / spec.source_file)

    def close(self) -> None:
        """Release what the store holds (nothing for files; the database store closes its pool)."""


class FileLayerWriter:
    """A layer file under its lock: ``read()`` its bytes, ``replace(bytes)`` them atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> bytes:
        return self.path.read_bytes()

    def replace(self, data: bytes) -> None:
        replace_file_locked(self.path, data)
