"""The PostGIS store: every layer in one features table, implementing the store contract (atlas.stores.base).

A layer is a row of ``atlas_layers`` (its collection members besides the features, and a version drawn
from one sequence, bumped in the same transaction as every write) plus its rows in ``atlas_features``
(the feature as written, in order; id, properties and geometry are generated columns, geometry with a
GiST index). ``layer()`` re-reads a layer only when its version changed, so every consumer of LayerData
works unchanged; summaries, search, single features, OGC items and vector tiles are answered in SQL.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from atlas.catalog import Catalog, LayerSpec
from atlas.errors import LayerUnavailable, UnknownFeature
from atlas.layerfile import DEFAULT_LOCK_TIMEOUT, LayerLocked, dump_geojson, layer_lock, layer_locks
from atlas.stores.base import Store
from atlas.stores.filelayer import load_sources
from atlas.stores.layerdata import LayerData, LayerSummary, ogc_feature, served_layer
from atlas.stores.postgis import sql as pgsql
from atlas.stores.postgis.backup import PostgisLayers
from atlas.stores.postgis.clusters import build_clusters, ensure_clusters
from atlas.stores.postgis.errors import SchemaMismatch, unavailable
from atlas.stores.postgis.schema import check_schema, init_schema
from atlas.tiles.clusters import CLUSTER_BELOW_ZOOM
from atlas.validate import Problem, check_collection, duplicate_id_problems

log = logging.getLogger(__name__)


class PostgisStore(Store):
    """All layers of a catalog in PostGIS; ``data_dir`` still holds the non-layer files (sources, lock files)."""

    database = "PostGIS"

    @property
    def location(self) -> str:
        info = psycopg.conninfo.conninfo_to_dict(self.url)
        return f"PostGIS database {info.get('dbname', '')!r} on {info.get('host', 'localhost')}"

    def __init__(
        self,
        catalog: Catalog,
        url: str,
        data_dir: str | os.PathLike,
        *,
        pool_max: int = 4,
        timeout_s: float = 5.0,
    ) -> None:
        super().__init__(catalog)
        self.data_dir = Path(data_dir)
        self._cache: dict[str, LayerData] = {}
        self._lock = threading.Lock()
        self.url = url
        self.timeout_s = timeout_s
        self.pool_max = pool_max
        self.pool = self._new_pool()
        self._opened = False
        self._down = False  # the last attempt failed: probe directly (fast) instead of waiting on the pool

    # ------------------------------------------------------------------ connections

    def _new_pool(self) -> ConnectionPool:
        return ConnectionPool(
            self.url,
            min_size=0,
            max_size=self.pool_max,
            timeout=self.timeout_s,
            kwargs={"connect_timeout": max(1, int(self.timeout_s)), "application_name": "qijiang-atlas"},
            check=ConnectionPool.check_connection,
            open=False,
            name="atlas",
        )

    @contextlib.contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """A pooled connection; an unreachable database raises DatabaseUnavailable (HTTP 503)."""
        if not self._opened:
            with self._lock:
                if not self._opened:
                    self.pool.open(wait=False)
                    self._opened = True
        if self._down:
            self._probe()
        try:
            with self.pool.connection() as conn:
                yield conn
        except (PoolTimeout, psycopg.OperationalError) as exc:
            if isinstance(exc, psycopg.errors.LockNotAvailable):
                raise
            self._down = True
            raise unavailable(exc) from None
        except psycopg.errors.UndefinedTable:
            raise SchemaMismatch("the database has no atlas tables; run `flask --app server db-init`") from None

    def _probe(self) -> None:
        """One direct connection attempt: a refused one fails in milliseconds, where the pool would wait.

        When the database is back, a fresh pool replaces the old one, whose reconnection attempts back off
        for seconds after an outage.
        """
        try:
            psycopg.connect(self.url, connect_timeout=max(1, int(self.timeout_s))).close()
        except psycopg.OperationalError as exc:
            raise unavailable(exc) from None
        with self._lock:
            if self._down:
                old, self.pool = self.pool, self._new_pool()
                self.pool.open(wait=False)
                old.close(timeout=1)
                self._down = False

    def close(self) -> None:
        if self._opened:
            self.pool.close()
            self._opened = False

    def ping(self) -> str:
        """One round trip: the schema version it found; raise DatabaseUnavailable or SchemaMismatch."""
        with self.connection() as conn:
            return f"PostGIS reachable, atlas schema version {check_schema(conn)}"

    # ------------------------------------------------------------------ reading

    def _versions(self, layer_ids: Iterable[str], conn: psycopg.Connection | None = None) -> dict[str, int]:
        if conn is not None:
            return dict(conn.execute(pgsql.VERSIONS, (list(layer_ids),)).fetchall())
        with self.connection() as own:
            return dict(own.execute(pgsql.VERSIONS, (list(layer_ids),)).fetchall())

    def layer(self, layer_id: str) -> LayerData:
        """Return the current data of a layer, re-read from the database only when its version changed."""
        spec = self.catalog.get(layer_id)
        version = self._versions([spec.id]).get(spec.id)
        return self._layer_at(spec.id, version)

    def _layer_at(self, layer_id: str, version: int | None) -> LayerData:
        spec = self.catalog.get(layer_id)
        stamp = ("pg", version)
        cached = self._cache.get(spec.id)
        if cached is not None and cached.stamp == stamp:
            return cached
        if version is None:
            data = LayerData(spec, False, _not_loaded(spec), stamp=stamp)
        else:
            with self.connection() as conn:
                row = conn.execute(pgsql.READ_LAYER, (spec.id,)).fetchone()
            data = _layer_data(spec, row, stamp) if row else LayerData(spec, False, "layer vanished", stamp=stamp)
        with self._lock:
            self._cache[spec.id] = data
        return data

    def all(self) -> list[LayerData]:
        versions = self._versions(spec.id for spec in self.catalog)
        return [self._layer_at(spec.id, versions.get(spec.id)) for spec in self.catalog]

    def layer_versions(self, layer_ids: Iterable[str]) -> tuple:
        """(layer id, database version) per layer: one query, the layers themselves are not read."""
        ids = tuple(layer_ids)
        versions = self._versions(ids)
        return tuple((lid, versions.get(lid)) for lid in ids)

    def broken_layers(self) -> list[tuple[str, str]]:
        """Declared layers that are not in the database (what is there was validated when written); no layer is read."""
        versions = self._versions(spec.id for spec in self.catalog)
        return [(spec.id, _not_loaded(spec)) for spec in self.catalog if spec.id not in versions]

    def version(self) -> str:
        """A short hash of every layer's database version: changes whenever any layer is written."""
        tags = "|".join(f"{lid}:{version}" for lid, version in self.layer_versions(spec.id for spec in self.catalog))
        return hashlib.sha256(tags.encode()).hexdigest()[:12]

    def layer_token(self, layer_id: str, conn: psycopg.Connection | None = None) -> str:
        """A short token that changes with every write of the layer (tile ETags key on it)."""
        spec = self.catalog.get(layer_id)
        version = self._versions([spec.id], conn).get(spec.id)
        if version is None:
            raise LayerUnavailable(_not_loaded(spec))
        return f"pg{version}"

    def find_feature(self, feature_id: str) -> tuple[LayerSpec, dict]:
        """Return (layer, feature) for a feature id: one indexed row, the layer is not read."""
        with self.connection() as conn:
            row = conn.execute(pgsql.FEATURE_BY_ID, {"fid": feature_id, "layers": self.catalog.ids()}).fetchone()
        if row is None:
            raise UnknownFeature(f"no feature with id {feature_id!r}")
        return self.catalog.get(row[0]), json.loads(row[1])

    def summary(self, layer_id: str) -> LayerSummary:
        """A layer's summary from one SQL aggregate, kept per layer version; the layer is not read."""
        spec = self.catalog.get(layer_id)
        return self._summary_at(spec, self._versions([spec.id]).get(spec.id))

    def summaries(self) -> list[LayerSummary]:
        """Every declared layer's summary: one version query, then an aggregate for each layer that changed."""
        versions = self._versions(self.catalog.ids())
        return [self._summary_at(spec, versions.get(spec.id)) for spec in self.catalog]

    def _summary_at(self, spec: LayerSpec, version: int | None) -> LayerSummary:
        if version is None:
            return LayerSummary(spec, False, _not_loaded(spec))

        def build() -> LayerSummary:
            with self.connection() as conn:
                placed, unplaced, as_of, *bounds = conn.execute(pgsql.SUMMARY, (spec.id,)).fetchone()
            box = tuple(bounds) if bounds[0] is not None else None
            return LayerSummary(spec, True, "", placed, unplaced, as_of, box, f"pg{version}")

        return self._derived.get(f"summary:{spec.id}", ((spec.id, version),), build)

    def search(self, query: str, limit: int) -> list[tuple[LayerSpec, dict]]:
        """atlas.search's ranking in SQL (pgsql.SEARCH), limited there: no layer is read."""
        ids = self.catalog.ids()
        with self.connection() as conn, conn.transaction():
            conn.execute("SET LOCAL jit = off")  # compiling the plan costs more than a search saves (~0.6 s)
            common = {"q": query, "layers": ids, "cap": pgsql.COMMON_PAIRS_CAP}
            by_pairs = len(query) >= 2 and not conn.execute(pgsql.COMMON_PAIRS, common).fetchone()[0]
            rows = conn.execute(*pgsql.search_sql(query, ids, limit, by_pairs)).fetchall()
        return [(self.catalog.get(layer_id), json.loads(doc)) for layer_id, doc in rows]

    def ids_in_other_layers(self, layer_id: str) -> dict[str, str]:
        """Feature id -> file name of its layer, for every layer but ``layer_id`` (ids are unique atlas-wide)."""
        files = {spec.id: spec.source_file for spec in self.catalog}
        with self.connection() as conn:
            rows = conn.execute(pgsql.OTHER_IDS, (layer_id,)).fetchall()
        owners: dict[str, str] = {}
        for fid, lid in rows:
            if lid in files:
                owners.setdefault(fid, files[lid])
        return owners

    # ------------------------------------------------------------------ push-down

    def items(self, layer_id: str, query) -> tuple[list[dict], int]:
        """OGC items in SQL: (the page of features, number matched); bbox uses the GiST index."""
        self.catalog.get(layer_id)
        where, params = pgsql.items_where(layer_id, query)
        page = {**params, "limit": query.limit, "offset": query.offset}
        count_sql = f"SELECT count(*) FROM atlas_features WHERE {where}"
        with self.connection() as conn:
            self.layer_token(layer_id, conn)  # unknown or unloaded layers fail as they do in the file store
            if query.bbox is not None:  # one pass through the GiST index gives the page and the count
                rows = conn.execute(pgsql.ITEMS_IN_BBOX.format(where=where), page).fetchall()
                matched = rows[0][1] if rows else conn.execute(count_sql, params).fetchone()[0]
            else:  # no bbox: the page walks the (layer, pos) index; the count is a pass of its own
                matched = conn.execute(count_sql, params).fetchone()[0]
                rows = conn.execute(
                    f"SELECT doc::text, 0 FROM atlas_features WHERE {where} ORDER BY pos LIMIT %(limit)s OFFSET %(offset)s",
                    page,
                ).fetchall()
        return [ogc_feature(json.loads(doc)) for doc, _count in rows], matched

    def item(self, layer_id: str, feature_id: str) -> dict:
        """One feature of a layer by id (the first with that id, as in the file store), or UnknownFeature."""
        with self.connection() as conn:
            self.layer_token(layer_id, conn)
            row = conn.execute(pgsql.ITEM, (layer_id, feature_id)).fetchone()
        if row is None:
            raise UnknownFeature(f"collection {layer_id!r} has no feature with id {feature_id!r}")
        return ogc_feature(json.loads(row[0]))

    def tile(self, layer_id: str, z: int, x: int, y: int, cache, on_lookup=None) -> bytes:
        """One MVT of a layer built by ST_AsMVT (b"" when empty), kept in ``cache`` per layer version."""
        token = self.layer_token(layer_id)

        def build() -> bytes:
            with self.connection() as conn:
                if z < CLUSTER_BELOW_ZOOM:
                    ensure_clusters(conn, layer_id)
                row = conn.execute(pgsql.tile_sql(z), pgsql.tile_params(layer_id, z, x, y)).fetchone()
            return bytes(row[0]) if row and row[0] else b""

        return cache.fetch((layer_id, token, z, x, y), build, on_lookup)

    def problems(self) -> list[Problem]:
        """check-data's rules on every loaded layer as the database holds it, ids unique across the atlas included."""
        found: list[Problem] = []
        collections = {}
        for data in self.all():
            if data.ok:
                collections[data.spec.source_file] = data.collection
                found += check_collection(data.collection, data.spec)
            elif data.problems:
                found += data.problems
            else:
                found.append(Problem(data.spec.source_file, None, data.reason))
        return found + duplicate_id_problems(collections)

    def sources(self) -> list[dict]:
        """The source register beside the layer files (``data_dir``): the database holds layers only."""
        return load_sources(self.data_dir)

    def init_schema(self) -> str:
        with self.connection() as conn:
            return init_schema(conn)

    def optimize(self) -> str:
        with self.connection() as conn:
            conn.autocommit = True
            try:
                conn.execute("CLUSTER atlas_features USING atlas_features_geom")
                conn.execute("ANALYZE atlas_features")
            finally:
                conn.autocommit = False
        return "atlas_features clustered by geometry and analysed"

    # ------------------------------------------------------------------ writing

    @contextlib.contextmanager
    def writer(self, layer_id: str, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[PgLayerWriter]:
        """Read and replace one layer in one transaction, holding its file lock (backups take it) and an advisory lock."""
        spec = self.catalog.get(layer_id)
        with layer_lock(self.data_dir, spec.id, lock_timeout), self.connection() as conn, conn.transaction():
            conn.execute(f"SET LOCAL lock_timeout = '{int(lock_timeout * 1000)}ms'")
            try:
                conn.execute(pgsql.LOCK_LAYER, (spec.id,))
            except psycopg.errors.LockNotAvailable:
                raise LayerLocked(
                    f"layer {spec.id!r} is being written by another process (waited {lock_timeout:g} s); try again"
                ) from None
            yield PgLayerWriter(conn, spec.id)

    def locked(self, layer_ids: Iterable[str], lock_timeout: float = DEFAULT_LOCK_TIMEOUT):
        """Hold the layers' lock files (every writer of this store takes its layer's), in sorted id order."""
        return layer_locks(self.data_dir, layer_ids, lock_timeout)

    def backup_part(self) -> PostgisLayers:
        return PostgisLayers(self)

    def snapshot(self) -> dict[str, bytes]:
        """Every loaded layer as file bytes, read in one REPEATABLE READ transaction (a consistent moment)."""
        with self.connection() as conn:
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            try:
                with conn.transaction():
                    ids = [lid for (lid,) in conn.execute("SELECT layer FROM atlas_layers ORDER BY layer")]
                    return {lid: read_layer_bytes(conn, lid) for lid in ids}
            finally:
                conn.isolation_level = None

    def replace_all(self, layers: dict[str, bytes], lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        """Replace the given layers in ONE transaction (restore): all of them or none."""
        with self.connection() as conn, conn.transaction():
            conn.execute(f"SET LOCAL lock_timeout = '{int(lock_timeout * 1000)}ms'")
            for layer_id in sorted(layers):
                conn.execute(pgsql.LOCK_LAYER, (layer_id,))
                write_layer(conn, layer_id, json.loads(layers[layer_id].decode("utf-8")))


class PgLayerWriter:
    """The layer being written inside a transaction: ``read()`` its bytes, ``replace(bytes)`` them."""

    def __init__(self, conn: psycopg.Connection, layer_id: str) -> None:
        self.conn = conn
        self.layer_id = layer_id

    def read(self) -> bytes:
        return read_layer_bytes(self.conn, self.layer_id)

    def replace(self, data: bytes) -> None:
        write_layer(self.conn, self.layer_id, json.loads(data.decode("utf-8")))


def read_collection(conn: psycopg.Connection, layer_id: str) -> dict | None:
    """The layer as a FeatureCollection dict (members in their written order), or None if not loaded."""
    row = conn.execute(pgsql.READ_LAYER, (layer_id,)).fetchone()
    if row is None or row[0] is None:
        return None
    head, features = row
    collection = json.loads(head)
    collection["features"] = json.loads(features)
    return collection


def read_layer_bytes(conn: psycopg.Connection, layer_id: str) -> bytes:
    """The layer as the file store writes it (``dump_geojson``); an empty collection if not loaded."""
    collection = read_collection(conn, layer_id)
    return dump_geojson(collection if collection is not None else {"type": "FeatureCollection", "features": []})


def write_layer(conn: psycopg.Connection, layer_id: str, collection: dict) -> None:
    """Replace a layer's features, members and tile clusters and bump its version (inside the caller's transaction)."""
    head = {key: ([] if key == "features" else value) for key, value in collection.items()}
    conn.execute(pgsql.BUMP_LAYER, {"layer": layer_id, "head": json.dumps(head, ensure_ascii=False)})
    conn.execute("DELETE FROM atlas_features WHERE layer = %s", (layer_id,))
    with conn.cursor().copy("COPY atlas_features (layer, pos, doc) FROM STDIN") as copy:
        for pos, feature in enumerate(collection.get("features", [])):
            copy.write_row((layer_id, pos, json.dumps(feature, ensure_ascii=False, separators=(",", ":"))))
    build_clusters(conn, layer_id)


def _not_loaded(spec: LayerSpec) -> str:
    return f"layer {spec.id!r} is not in the database; load it with `flask --app server db-load`"


def _layer_data(spec, row: tuple, stamp: tuple) -> LayerData:
    head, features = row
    collection = json.loads(head)
    collection["features"] = json.loads(features) if features else []
    return served_layer(spec, collection, stamp)
