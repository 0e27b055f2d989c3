"""The file store: layer files in geodata/, kept ready to serve and re-read when a file changes or breaks."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from atlas.catalog import Catalog, LayerSpec
from atlas.errors import UnknownFeature
from atlas.layerfile import DEFAULT_LOCK_TIMEOUT, layer_lock, layer_locks, replace_file_locked
from atlas.stores import memory
from atlas.stores.base import Store
from atlas.stores.filebackup import LayerFiles
from atlas.stores.filelayer import load_sources, read_layer, stamp
from atlas.stores.layerdata import LayerData, LayerSummary, version_of
from atlas.tiles.mvt import tile_bytes, web_layer
from atlas.validate import Problem, check_catalog_data, ids_in_other_layers

log = logging.getLogger(__name__)


class FileStore(Store):
    """All layers of a catalog as GeoJSON files in ``data_dir``, each re-read when its file changes on disk."""

    @property
    def location(self) -> str:
        return str(self.data_dir)

    def __init__(self, catalog: Catalog, data_dir: str | os.PathLike) -> None:
        super().__init__(catalog)
        self.data_dir = Path(data_dir)
        self._cache: dict[str, LayerData] = {}
        self._lock = threading.Lock()

    def layer(self, layer_id: str) -> LayerData:
        spec = self.catalog.get(layer_id)
        current = stamp(self.data_dir / spec.source_file)
        cached = self._cache.get(spec.id)
        if cached is not None and cached.stamp == current:
            return cached
        with self._lock:
            data = read_layer(spec, self.data_dir)
            if not data.ok:
                log.error("layer %s unavailable: %s", spec.id, data.reason)
            self._cache[spec.id] = data
            return data

    def all(self) -> list[LayerData]:
        return [self.layer(spec.id) for spec in self.catalog]

    def summary(self, layer_id: str) -> LayerSummary:
        return self.layer(layer_id).summary()

    def summaries(self) -> list[LayerSummary]:
        return [data.summary() for data in self.all()]

    def version(self) -> str:
        return version_of(self.summaries())

    def layer_versions(self, layer_ids: Iterable[str]) -> tuple:
        """(layer id, ETag or failure reason) for each layer."""
        return tuple((lid, data.etag or data.reason) for lid in layer_ids for data in (self.layer(lid),))

    def layer_token(self, layer_id: str) -> str:
        return self.usable(layer_id).etag

    def broken_layers(self) -> list[tuple[str, str]]:
        return [(data.spec.id, data.reason) for data in self.all() if not data.ok]

    def problems(self) -> list[Problem]:
        return check_catalog_data(self.catalog, self.data_dir)

    def find_feature(self, feature_id: str) -> tuple[LayerSpec, dict]:
        for data in self.all():
            for feat in data.features:
                if feat["properties"].get("id") == feature_id:
                    return data.spec, feat
        raise UnknownFeature(f"no feature with id {feature_id!r}")

    def search(self, query: str, limit: int) -> list[tuple[LayerSpec, dict]]:
        return memory.rank_matches(((data.spec, data.features) for data in self.all()), query, limit)

    def index(self, layer_id: str) -> memory.LayerIndex:
        """The in-memory index of a usable layer, rebuilt when the layer changes (LayerUnavailable if broken)."""
        return self.derived(f"ogc-index:{layer_id}", lambda: memory.LayerIndex(self.usable(layer_id)), [layer_id])

    def items(self, layer_id: str, query) -> tuple[list[dict], int]:
        return memory.run_query(self.index(layer_id), query)

    def item(self, layer_id: str, feature_id: str) -> dict:
        return memory.find_item(self.index(layer_id), feature_id)

    def tile(self, layer_id: str, z: int, x: int, y: int, cache, on_lookup=None) -> bytes:
        data = self.usable(layer_id)

        def build() -> bytes:
            web = self.derived(f"tiles-web:{layer_id}", lambda: web_layer(data), [layer_id])
            return tile_bytes(web, z, x, y)

        return cache.fetch((layer_id, data.etag, z, x, y), build, on_lookup)

    def ids_in_other_layers(self, layer_id: str) -> dict[str, str]:
        return ids_in_other_layers(self.catalog, self.data_dir, layer_id)

    def sources(self) -> list[dict]:
        return load_sources(self.data_dir)

    @contextlib.contextmanager
    def writer(self, layer_id: str, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[FileLayerWriter]:
        """Hold the layer's lock while the caller reads and atomically replaces its file."""
        spec = self.catalog.get(layer_id)
        with layer_lock(self.data_dir, spec.id, lock_timeout):
            yield FileLayerWriter(self.data_dir / spec.source_file)

    def locked(self, layer_ids: Iterable[str], lock_timeout: float = DEFAULT_LOCK_TIMEOUT):
        """Hold the layers' lock files (every writer of this store takes its layer's), in sorted id order."""
        return layer_locks(self.data_dir, layer_ids, lock_timeout)

    def backup_part(self) -> LayerFiles:
        return LayerFiles(self.catalog, self.data_dir)

    def ping(self) -> str | None:
        return None


class FileLayerWriter:
    """A layer file under its lock: ``read()`` its bytes, ``replace(bytes)`` them atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> bytes:
        return self.path.read_bytes()

    def replace(self, data: bytes) -> None:
        replace_file_locked(self.path, data)
