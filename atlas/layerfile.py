"""Write layer files: GeoJSON bytes in the shipped layout, replaced atomically under a per-layer lock.

The one writer of geodata/: imports, browser edits, restores and scripts/build_geodata.py all end here
(``write_layer`` for a whole collection; ``layer_lock`` + ``replace_file_locked`` for read-check-write steps).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely
import shapely.geometry

from atlas.catalog import LayerSpec
from atlas.errors import AtlasError

COORD_DECIMALS = 6
DEFAULT_LOCK_TIMEOUT = 30.0


class LayerLocked(AtlasError):
    """Another import holds the layer's lock for longer than we were willing to wait."""

    status = 409


class WriteFailed(AtlasError):
    """The layer file could not be written (read-only directory, disk full, ...); the old file is intact."""

    status = 500


def geometry_to_geojson(geom) -> dict | None:
    """GeoJSON geometry with coordinates rounded to 6 decimals (~0.1 m) as nested lists."""
    if geom is None or geom.is_empty:
        return None
    rounded = shapely.transform(geom, lambda xy: np.round(xy, COORD_DECIMALS))
    return _lists(shapely.geometry.mapping(rounded))


def _lists(value):
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    if isinstance(value, float):
        return value + 0.0  # normalise -0.0
    return value


def dump_collection(features: list[dict], metadata: dict | None = None) -> bytes:
    """RFC 7946 FeatureCollection as UTF-8 bytes: no crs member, non-ASCII kept as is."""
    return dump_geojson(feature_collection(features, metadata))


def dump_geojson(obj: dict) -> bytes:
    """A parsed layer file back to bytes exactly as the shipped files are written (indent 1, UTF-8, newline)."""
    return (json.dumps(obj, ensure_ascii=False, indent=1, allow_nan=False) + "\n").encode("utf-8")


def _write_error(path: Path, exc: OSError) -> WriteFailed:
    hint = ""
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = f" (is {path.parent} read-only? the import needs write access to that directory)"
    elif exc.errno == errno.ENOSPC:
        hint = " (the disk is full)"
    reason = exc.strerror or str(exc)
    return WriteFailed(f"cannot write {path}: {reason}{hint}; the existing layer file was left unchanged")


@contextlib.contextmanager
def layer_lock(data_dir: str | os.PathLike, layer_id: str, timeout: float = DEFAULT_LOCK_TIMEOUT):
    """Hold an exclusive flock on ``<data_dir>/.<layer>.lock``; wait up to ``timeout`` seconds, then raise LayerLocked."""
    lock_path = Path(data_dir) / f".{layer_id}.lock"
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise _write_error(lock_path, exc) from None
    try:
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LayerLocked(
                        f"layer {layer_id!r} is locked by another writer (import, edit, backup or restore) ({lock_path}); "
                        f"waited {timeout:g} s. "
                        "Try again when it has finished, or give a longer --lock-timeout."
                    ) from None
                time.sleep(0.01)  # short: a writer that re-takes the lock at once must not starve us
        try:
            yield lock_path
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def layer_locks(data_dir: str | os.PathLike, layer_ids, timeout: float = DEFAULT_LOCK_TIMEOUT):
    """Hold the locks of ``layer_ids``, taken in sorted id order (writers hold one at a time, so no deadlock).

    ``data_dir`` is created if it is missing (a restore into a wiped data directory).
    """
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        for layer_id in sorted(layer_ids):
            stack.enter_context(layer_lock(data_dir, layer_id, timeout))
        yield


def write_layer_atomic(
    path: str | os.PathLike, data: bytes, *, layer_id: str | None = None, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
) -> None:
    """Replace ``path`` with ``data`` under the layer lock so that readers see the old or the new file, never a mix."""
    path = Path(path)
    with layer_lock(path.parent, layer_id or path.stem, lock_timeout):
        replace_file_locked(path, data)


def replace_file_locked(path: str | os.PathLike, data: bytes) -> None:
    """Atomically replace ``path`` with ``data``; the caller must hold the layer lock (see ``layer_lock``).

    Writes a temp file in the same directory, fsyncs it, gives it the old file's mode, ``os.replace``s
    it over the target and fsyncs the directory. Any failure or interrupt removes the temp file and
    leaves the old file untouched. Callers that must read, check and write as one step (browser
    edits) take the lock themselves and call this inside it.
    """
    path = Path(path)
    directory = path.parent
    prefix = f".{path.name}."
    _remove_stale_temps(directory, prefix)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=".tmp")
    except OSError as exc:
        raise _write_error(path, exc) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise _write_error(path, exc) from None
        raise
    _fsync_dir(directory)


def _remove_stale_temps(directory: Path, prefix: str) -> None:
    """Temp files of this layer left by a killed import (we hold the lock, so nobody else is writing them)."""
    for stale in directory.glob(f"{glob_escape(prefix)}*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def feature_collection(features: list[dict], metadata: dict | None = None) -> dict:
    """An RFC 7946 FeatureCollection (no crs member) with the optional ``metadata`` member before the features."""
    collection: dict = {"type": "FeatureCollection"}
    if metadata:
        collection["metadata"] = metadata
    collection["features"] = features
    return collection


def write_layer(
    data_dir: str | os.PathLike, spec: LayerSpec, collection: dict, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
) -> Path:
    """Replace layer ``spec``'s file in ``data_dir`` with ``collection`` (already validated) and return its path."""
    path = Path(data_dir) / spec.source_file
    write_layer_atomic(path, dump_geojson(collection), layer_id=spec.id, lock_timeout=lock_timeout)
    return path
