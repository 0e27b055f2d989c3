"""The store contract: every operation the rest of the atlas may ask of the place where layers live.

In the spirit of pygeoapi's ``BaseProvider``: a store implements each abstract method below, and the rest of
the code calls only these (never a store's type, its files or its connections). A store that forgets an
operation cannot be instantiated (``abc``), so nothing silently falls back to another store's behaviour.
Optional capabilities (a database to initialise) have defaults that refuse with a clear error.
How to add a store: docs/architecture.md.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol, TypeVar

from atlas.catalog import Catalog, LayerSpec
from atlas.errors import AtlasError
from atlas.layerfile import DEFAULT_LOCK_TIMEOUT
from atlas.stores.layerdata import DerivedCache, LayerData, LayerSummary, usable_or_raise
from atlas.validate import Problem

T = TypeVar("T")


class Unsupported(AtlasError):
    """The store has no such capability (e.g. ``db-init`` on the file store)."""

    status = 400


class LayerWriter(Protocol):
    """One layer held for writing: ``read()`` its bytes as a file holds them, ``replace(bytes)`` atomically."""

    def read(self) -> bytes: ...

    def replace(self, data: bytes) -> None: ...


class BackupPart(Protocol):
    """One kind of data in an archive: it writes its members under ``staging/<name>/`` and restores them."""

    name: str

    def dump(self, staging: Path) -> dict:
        """Copy this part's data into ``staging`` (every layer lock is held); return its manifest section."""

    def describe(self, staging: Path, section: dict) -> dict:
        """Complete the section from the copies (the locks are released by now): versions, checks."""

    def verify(self, staging: Path, section: dict) -> list[str]:
        """Check the unpacked members against the section; return the problems (empty = restorable)."""

    def restore(self, staging: Path, section: dict) -> list[str]:
        """Replace the live data with the verified members (every layer lock is held); return notes."""


class Store(abc.ABC):
    """All layers of a catalog: read, query, tile, write, back up. Subclasses implement every abstract method."""

    @property
    @abc.abstractmethod
    def location(self) -> str:
        """Where the layers are, for messages to operators (a folder; a database without its credentials)."""

    #: the database the layers live in (shown by /readyz, required by db-init/db-load); None: no database
    database: str | None = None

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._derived = DerivedCache()

    # ------------------------------------------------------------------ reading whole layers

    @abc.abstractmethod
    def layer(self, layer_id: str) -> LayerData:
        """The current data of a layer (ok or not); unknown ids raise UnknownLayer."""

    @abc.abstractmethod
    def all(self) -> list[LayerData]:
        """Every declared layer's data, in catalog order."""

    @abc.abstractmethod
    def summary(self, layer_id: str) -> LayerSummary:
        """A layer's summary (ok or not) without its features; unknown ids raise UnknownLayer."""

    @abc.abstractmethod
    def summaries(self) -> list[LayerSummary]:
        """Every declared layer's summary, in catalog order."""

    @abc.abstractmethod
    def layer_versions(self, layer_ids: Iterable[str]) -> tuple:
        """(layer id, a value that changes with every write of it) per layer: what derived values key on."""

    @abc.abstractmethod
    def version(self) -> str:
        """A short hash that changes whenever any layer's data changes."""

    @abc.abstractmethod
    def layer_token(self, layer_id: str) -> str:
        """A short token that changes with the layer's data (tile ETags key on it); LayerUnavailable if unusable."""

    @abc.abstractmethod
    def broken_layers(self) -> list[tuple[str, str]]:
        """(layer id, reason) for every declared layer that cannot be served (readiness check)."""

    @abc.abstractmethod
    def problems(self) -> list[Problem]:
        """Everything check-data would refuse in the stored layers, ids unique across the atlas included."""

    # ------------------------------------------------------------------ answers that need no whole layer

    @abc.abstractmethod
    def find_feature(self, feature_id: str) -> tuple[LayerSpec, dict]:
        """(layer, feature) for a feature id: the first layer in catalog order that has it; else UnknownFeature."""

    @abc.abstractmethod
    def search(self, query: str, limit: int) -> list[tuple[LayerSpec, dict]]:
        """Up to ``limit`` (layer, feature) whose names hold the casefolded ``query``, ranked by memory.SEARCH_RULES."""

    @abc.abstractmethod
    def items(self, layer_id: str, query) -> tuple[list[dict], int]:
        """OGC items of a layer (atlas.ogc.params.ItemsQuery): (the page of features, number matched)."""

    @abc.abstractmethod
    def item(self, layer_id: str, feature_id: str) -> dict:
        """One feature of a layer as an OGC item, or UnknownFeature."""

    @abc.abstractmethod
    def tile(self, layer_id: str, z: int, x: int, y: int, cache, on_lookup=None) -> bytes:
        """One Mapbox Vector Tile of a layer (b"" when empty), kept in ``cache`` (atlas.tiles.mvt.TileCache)."""

    @abc.abstractmethod
    def ids_in_other_layers(self, layer_id: str) -> dict[str, str]:
        """Feature id -> file name of its layer, for every layer but ``layer_id``."""

    @abc.abstractmethod
    def sources(self) -> list[dict]:
        """The cited sources beside the layers (atlas.stores.filelayer.SOURCES_FILE), or [] when there are none."""

    # ------------------------------------------------------------------ writing and operations

    #: whether ``writer`` may be used (a read-only replica or archive would say False)
    writable: bool = True

    @abc.abstractmethod
    def writer(self, layer_id: str, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> contextlib.AbstractContextManager:
        """Hold one layer for writing: the context gives a LayerWriter; everything is written or nothing."""

    @abc.abstractmethod
    def locked(
        self, layer_ids: Iterable[str], lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    ) -> contextlib.AbstractContextManager:
        """A context holding the write locks of ``layer_ids`` (backups hold every layer's while they copy)."""

    @abc.abstractmethod
    def backup_part(self) -> BackupPart:
        """The layers' part of a backup archive, restored all at once or layer by layer as the store can."""

    @abc.abstractmethod
    def ping(self) -> str | None:
        """One round trip to what the store depends on: a description, None when there is nothing to reach
        (files); raise an AtlasError (503) when it cannot be reached."""

    def init_schema(self) -> str:
        """Create or migrate the store's database schema (``db-init``); the default store has none."""
        raise Unsupported("QIJIANG_DATABASE_URL is not set: layers are served from files, there is no database")

    def optimize(self) -> str:
        """Reorder and analyse stored rows for faster reads (``db-load --cluster``); nothing to do by default."""
        raise Unsupported("QIJIANG_DATABASE_URL is not set: layers are served from files, there is no database")

    def close(self) -> None:  # noqa: B027 (an optional hook: most stores hold nothing)
        """Release what the store holds (a connection pool); nothing by default."""

    # ------------------------------------------------------------------ shared by every store

    def usable(self, layer_id: str) -> LayerData:
        """The data of a layer, or LayerUnavailable with the reason."""
        return usable_or_raise(layer_id, self.layer(layer_id))

    def usable_summary(self, layer_id: str) -> LayerSummary:
        """A layer's summary, or LayerUnavailable with the reason (as ``usable``)."""
        return usable_or_raise(layer_id, self.summary(layer_id))

    def derived(self, name: str, build: Callable[[], T], layers: Iterable[str] | None = None) -> T:
        """``build()``'s value, cached in this store until any of ``layers`` (default: all) changes.

        ``name`` must say everything the value depends on besides the data (e.g. ``"ogc-index:parks"``).
        This is the one cache of derived data: module-level caches would be shared by every app in a process.
        """
        ids = tuple(layers) if layers is not None else tuple(spec.id for spec in self.catalog)
        return self._derived.get(name, self.layer_versions(ids), build)
