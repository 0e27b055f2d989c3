"""Import a layer from GeoJSON, GeoPackage, Shapefile, KML, FlatGeobuf, CSV or OSM into geodata/.

Every format is read through pyogrio (GDAL). The pipeline is a row of small steps:
read_source -> to_wgs84 -> convert_datum -> to_records (+ map_fields, defaults, type coercion)
-> validate_features -> write_layer_atomic. Nothing is invented: a property the source does
not carry (and the user did not give with a default) stays absent, and the layer declaration
decides whether that is acceptable. The layer file is replaced atomically under a lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import json
import math
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
import shapely.geometry
from pyogrio.errors import DataLayerError, DataSourceError
from tqdm import tqdm

from atlas.catalog import Catalog, FieldSpec, LayerSpec
from atlas.datum import DATUMS, converter
from atlas.errors import AtlasError, BadParameter, DataError
from atlas.validate import check_feature

WGS84 = "EPSG:4326"
PROGRESS_THRESHOLD = 1000
COORD_DECIMALS = 6
DEFAULT_LOCK_TIMEOUT = 30.0

# GDAL open options for CSV: where the coordinates are, and empty cells are "no value".
CSV_OPEN_OPTIONS = {
    "X_POSSIBLE_NAMES": "lon,lng,long,longitude,x",
    "Y_POSSIBLE_NAMES": "lat,latitude,y",
    "GEOM_POSSIBLE_NAMES": "wkt,geometry,geom",
    "KEEP_GEOM_COLUMNS": "NO",
    "EMPTY_STRING_AS_NULL": "YES",
}
# The OSM driver's layers, chosen by the geometry the target layer holds.
OSM_LAYER_FOR = {"Point": "points", "LineString": "lines", "Polygon": "multipolygons"}
OSM_SUFFIXES = (".osm", ".pbf", ".osm.pbf", ".osm.xml")
# In KML the placemark's own XML id would otherwise take the column name "id".
KML_CONFIG = {"LIBKML_ID_FIELD": "kml_id"}
HSTORE_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')
TRUE_WORDS = {"true", "yes", "y", "1", "t", "是"}
IMPORT_OUTCOMES = ("written", "dry_run", "refused", "locked", "failed")
ImportListener = Callable[[str, str], None]
_IMPORT_LISTENERS: list[ImportListener] = []
FALSE_WORDS = {"false", "no", "n", "0", "f", "否"}


class LayerLocked(AtlasError):
    """Another import holds the layer's lock for longer than we were willing to wait."""

    status = 409


class WriteFailed(AtlasError):
    """The layer file could not be written (read-only directory, disk full, ...); the old file is intact."""

    status = 500


class ImportRefused(DataError):
    """Some features were rejected and --skip-invalid was not given; nothing was written."""

    def __init__(self, message: str, report: ImportReport) -> None:
        super().__init__(message, [str(r) for r in report.rejected])
        self.report = report


@dataclass(frozen=True)
class Rejection:
    """One source feature that failed validation: its 0-based index, its id if any, and every reason."""

    index: int
    feature_id: str | None
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        label = f"#{self.index}" + (f" [{self.feature_id}]" if self.feature_id else "")
        return f"feature {label}: " + "; ".join(self.reasons)


@dataclass
class ImportReport:
    """What an import read, rejected and wrote."""

    layer: str
    source: str
    target: str
    datum: str = "wgs84"
    source_layer: str | None = None
    source_crs: str | None = None
    read: int = 0
    valid: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    @property
    def skipped(self) -> int:
        return len(self.rejected)

    def summary(self) -> str:
        """One line that says what happened."""
        what = "would write" if self.dry_run else ("wrote" if self.written else "did not write")
        text = (
            f"import-layer {self.layer}: read {self.read} feature(s) from {self.source}"
            + (f" (layer {self.source_layer})" if self.source_layer else "")
            + f"; {what} {self.valid} to {self.target}"
        )
        if self.rejected:
            text += f"; skipped {self.skipped} invalid feature(s)"
        return text


# --------------------------------------------------------------------------- parameters


def parse_field_map(text: str | None) -> dict[str, str]:
    """Parse ``src:dst,src2:dst2``; the last colon splits, so ``name:zh:name_zh`` maps OSM's ``name:zh``."""
    mapping: dict[str, str] = {}
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        src, sep, dst = item.rpartition(":")
        if not sep or not src.strip() or not dst.strip():
            raise BadParameter(f"--map-fields entry {item!r} must look like source:target", parameter="map-fields")
        src, dst = src.strip(), dst.strip()
        if src in mapping:
            raise BadParameter(f"--map-fields maps {src!r} twice", parameter="map-fields")
        mapping[src] = dst
    targets = list(mapping.values())
    dupes = sorted({t for t in targets if targets.count(t) > 1})
    if dupes:
        raise BadParameter(f"--map-fields maps several columns to {', '.join(dupes)}", parameter="map-fields")
    return mapping


def parse_defaults(items) -> dict[str, str]:
    """Parse repeated ``key=value`` options."""
    defaults: dict[str, str] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise BadParameter(f"--default {item!r} must look like property=value", parameter="default")
        defaults[key.strip()] = value
    return defaults


def _check_targets(names, spec: LayerSpec, option: str) -> None:
    declared = [f.name for f in spec.all_fields]
    unknown = [n for n in names if n not in declared]
    if unknown:
        raise BadParameter(
            f"{option}: layer {spec.id!r} declares no propert{'y' if len(unknown) == 1 else 'ies'} "
            f"{', '.join(map(repr, unknown))}; declared: {', '.join(declared)}",
            parameter=option.lstrip("-"),
        )


# --------------------------------------------------------------------------- reading


def _is_osm(source: str) -> bool:
    return source.lower().endswith(OSM_SUFFIXES)


def _is_csv(source: str) -> bool:
    return source.lower().endswith((".csv", ".csv.gz", ".tsv"))


@contextlib.contextmanager
def _gdal_config(options: dict[str, str]):
    """Set GDAL config options for the duration of a read and restore the previous values."""
    previous = {key: pyogrio.get_gdal_config_option(key) for key in options}
    pyogrio.set_gdal_config_options(options)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(previous)


def choose_source_layer(source: str, spec: LayerSpec, source_layer: str | None = None) -> str | None:
    """Pick the layer of a multi-layer source: the one asked for, OSM's layer for the target geometry,
    the only one, or the one named like the target layer."""
    try:
        layers = [(str(name), str(gtype)) for name, gtype in pyogrio.list_layers(source)]
    except (DataSourceError, DataLayerError) as exc:
        raise DataError(f"cannot read {source}: {exc}") from None
    names = [name for name, _ in layers]
    if source_layer is not None:
        if source_layer not in names:
            raise BadParameter(
                f"{source} has no layer {source_layer!r}; layers: {', '.join(names) or 'none'}",
                parameter="source-layer",
            )
        return source_layer
    if _is_osm(source):
        kinds = {OSM_LAYER_FOR[g.replace("Multi", "")] for g in spec.geometry_types}
        if len(kinds) > 1:
            raise BadParameter(
                f"layer {spec.id!r} holds {', '.join(spec.geometry_types)}; choose the OSM layer "
                f"with --source-layer ({', '.join(sorted(kinds))})",
                parameter="source-layer",
            )
        return kinds.pop()
    if not layers:
        raise DataError(f"cannot read {source}: it contains no layers")
    if len(layers) == 1:
        return names[0]
    if spec.id in names:
        return spec.id
    raise BadParameter(
        f"{source} has several layers ({', '.join(names)}); choose one with --source-layer", parameter="source-layer"
    )


def read_source(
    source: str | os.PathLike, spec: LayerSpec, *, where: str | None = None, source_layer: str | None = None
) -> tuple[gpd.GeoDataFrame, str | None]:
    """Read any OGR-readable file into a GeoDataFrame (geometries as read, CRS as declared by the file).

    Returns the frame and the name of the source layer read. Raises DataError for a missing,
    unreadable or geometry-less source and BadParameter for a bad ``where`` clause.
    """
    source = os.fspath(source)
    if not source.startswith("/vsi") and not Path(source).exists():
        raise DataError(f"no such file: {source}")
    layer = choose_source_layer(source, spec, source_layer)
    kwargs: dict = {"layer": layer, "where": where or None, "datetime_as_string": True}
    config: dict[str, str] = {}
    if _is_csv(source):
        kwargs.update(CSV_OPEN_OPTIONS)
    if source.lower().endswith((".kml", ".kmz")):
        config = KML_CONFIG
    try:
        with _gdal_config(config):
            frame = pyogrio.read_dataframe(source, **kwargs)
    except (DataSourceError, DataLayerError) as exc:
        raise DataError(f"cannot read {source}: {exc}") from None
    except ValueError as exc:
        if where:
            raise BadParameter(
                f"--where {where!r} is not valid OGR SQL for {source}: {exc}", parameter="where"
            ) from None
        raise DataError(f"cannot read {source}: {exc}") from None
    if not isinstance(frame, gpd.GeoDataFrame):
        hint = " (a CSV needs lon/lat or WKT columns)" if _is_csv(source) else ""
        raise DataError(f"{source} has no geometry{hint}; columns: {', '.join(map(str, frame.columns))}")
    if _is_osm(source) and "other_tags" in frame.columns:
        frame = expand_osm_tags(frame)
    return frame, layer


def expand_osm_tags(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Turn the OSM driver's ``other_tags`` hstore text into one column per tag (existing columns win)."""
    parsed = [
        dict((_unescape(k), _unescape(v)) for k, v in HSTORE_PAIR.findall(text)) if isinstance(text, str) else {}
        for text in frame["other_tags"]
    ]
    keys = sorted({k for tags in parsed for k in tags} - set(frame.columns))
    frame = frame.drop(columns=["other_tags"])
    if keys:
        extra = pd.DataFrame({k: [tags.get(k) for tags in parsed] for k in keys}, index=frame.index, dtype=object)
        frame = gpd.GeoDataFrame(
            pd.concat([frame.drop(columns=frame.geometry.name), extra], axis=1), geometry=frame.geometry, crs=frame.crs
        )
    return frame


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


# --------------------------------------------------------------------------- coordinates


def to_wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reproject to WGS-84 lon/lat if the file declares another CRS; a file without a CRS is taken as lon/lat."""
    if frame.crs is None:
        return frame.set_crs(WGS84)
    if frame.crs.equals(WGS84) or frame.crs.equals("OGC:CRS84"):
        return frame.set_crs(WGS84, allow_override=True)
    return frame.to_crs(WGS84)


def convert_datum(geometries, datum: str):
    """Convert every vertex of GCJ-02 or BD-09 lon/lat geometries to WGS-84; WGS-84 passes unchanged.

    ``geometries`` is a GeoSeries or an array of shapely geometries; the same kind comes back.
    """
    if datum not in DATUMS:
        raise BadParameter(f"--datum must be one of {', '.join(DATUMS)}, got {datum!r}", parameter="datum")
    if datum == "wgs84":
        return geometries
    func = converter(datum, "wgs84")
    if isinstance(geometries, gpd.GeoSeries):
        values = shapely.transform(geometries.values, func)
        return gpd.GeoSeries(values, index=geometries.index, crs=geometries.crs)
    return shapely.transform(np.asarray(geometries, dtype=object), func)


def _fit_geometry_type(geom, spec: LayerSpec):
    """Drop Z, and turn a one-part Multi* into its single part (or a single into Multi*) when only that is declared."""
    if geom is None or geom.is_empty:
        return geom
    if shapely.has_z(geom):
        geom = shapely.force_2d(geom)
    gtype = geom.geom_type
    if gtype in spec.geometry_types:
        return geom
    if gtype.startswith("Multi") and len(geom.geoms) == 1 and gtype[5:] in spec.geometry_types:
        return geom.geoms[0]
    multi = "Multi" + gtype
    if multi in spec.geometry_types and gtype in ("Point", "LineString", "Polygon"):
        return getattr(shapely.geometry, multi)([geom])
    return geom


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


# --------------------------------------------------------------------------- properties


def _plain(value):
    """A JSON-able Python value from what pandas/pyogrio hand over; missing values become None."""
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (pd.Timestamp, datetime)):
        return None if pd.isna(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def coerce_value(value, fld: FieldSpec | None):
    """Convert a value to the declared type when the conversion is lossless (text formats carry numbers and
    booleans as strings); anything else is returned unchanged for validation to report."""
    if value is None or fld is None:
        return value
    kind = fld.type
    if kind == "str":
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if kind == "date":
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]00:00:00(\.0+)?", value):
            return value[:10]
        return value
    if kind in ("number", "int") and isinstance(value, str):
        text = value.strip()
        try:
            number = int(text) if re.fullmatch(r"[+-]?\d+", text) else float(text)
        except ValueError:
            return value
        if isinstance(number, float) and not math.isfinite(number):
            return value
        value = number
    if kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind == "bool":
        if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
            return value.strip().lower() in TRUE_WORDS
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value in (0, 1):
            return bool(value)
    if kind == "list" and isinstance(value, str) and value.strip().startswith("["):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        return parsed if isinstance(parsed, list) else value
    return value


def map_fields(columns, spec: LayerSpec, field_map: dict[str, str] | None = None) -> tuple[dict[str, str], list[str]]:
    """Decide which source column feeds which declared property.

    Returns ``{source column: property}`` for the columns that are kept and the list of source
    columns that are ignored because the layer declares no such property.
    """
    field_map = dict(field_map or {})
    columns = [str(c) for c in columns]
    missing = [src for src in field_map if src not in columns]
    if missing:
        raise BadParameter(
            f"--map-fields: the source has no column {', '.join(map(repr, missing))}; columns: {', '.join(columns)}",
            parameter="map-fields",
        )
    _check_targets(field_map.values(), spec, "--map-fields")
    declared = {f.name for f in spec.all_fields}
    chosen: dict[str, str] = {}
    ignored: list[str] = []
    for col in columns:
        target = field_map.get(col, col)
        if target in declared:
            chosen[col] = target
        else:
            ignored.append(col)
    owners: dict[str, list[str]] = {}
    for col, target in chosen.items():
        owners.setdefault(target, []).append(col)
    clashes = {t: cols for t, cols in owners.items() if len(cols) > 1}
    if clashes:
        text = "; ".join(f"{' and '.join(map(repr, cols))} would both become {t!r}" for t, cols in clashes.items())
        raise BadParameter(f"--map-fields: {text}; map or rename one of them", parameter="map-fields")
    return chosen, ignored


def build_feature(row: dict, geom, spec: LayerSpec, columns: dict[str, str], defaults: dict[str, str]) -> dict:
    """One GeoJSON Feature in the atlas layout: declared properties in declaration order, top-level id."""
    values = {target: _plain(row[col]) for col, target in columns.items()}
    for name, value in defaults.items():
        if values.get(name) is None:
            values[name] = value
    props = {}
    for fld in spec.all_fields:
        if fld.name in values:
            props[fld.name] = coerce_value(values[fld.name], fld)
    feature: dict = {"type": "Feature"}
    if isinstance(props.get("id"), str):
        feature["id"] = props["id"]
    feature["geometry"] = geometry_to_geojson(_fit_geometry_type(geom, spec))
    feature["properties"] = props
    return feature


# --------------------------------------------------------------------------- validation


def validate_features(
    features: list[dict], spec: LayerSpec, other_ids: dict[str, str] | None = None, progress: bool = False
) -> tuple[list[dict], list[Rejection]]:
    """Split features into valid ones and rejections (every reason of every rejected feature).

    Besides the declaration, ids must be unique within the import and must not be used by
    another layer (``other_ids`` maps id -> file name).
    """
    other_ids = other_ids or {}
    valid: list[dict] = []
    rejected: list[Rejection] = []
    seen: set[str] = set()
    items = tqdm(features, desc=f"validating {spec.id}", unit="feature", disable=not progress, leave=False)
    for index, feature in enumerate(items):
        reasons = list(check_feature(feature, spec))
        fid = (feature.get("properties") or {}).get("id")
        if isinstance(fid, str):
            if fid in seen:
                reasons.append("duplicate feature id in this import")
            elif fid in other_ids:
                reasons.append(f"id is already used in {other_ids[fid]}; ids must be unique across the atlas")
            seen.add(fid)
        if reasons:
            rejected.append(Rejection(index, fid if isinstance(fid, str) else None, tuple(reasons)))
        else:
            valid.append(feature)
    return valid, rejected


def ids_in_other_layers(catalog: Catalog, data_dir: str | os.PathLike, layer_id: str) -> dict[str, str]:
    """Feature ids used by the other layers' files (unreadable files are skipped; check-data reports them)."""
    owners: dict[str, str] = {}
    for spec in catalog:
        if spec.id == layer_id:
            continue
        try:
            obj = json.loads((Path(data_dir) / spec.source_file).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for feature in obj.get("features", []) if isinstance(obj, dict) else []:
            fid = (feature.get("properties") or {}).get("id") if isinstance(feature, dict) else None
            if isinstance(fid, str):
                owners.setdefault(fid, spec.source_file)
    return owners


# --------------------------------------------------------------------------- writing


def dump_collection(features: list[dict], metadata: dict | None = None) -> bytes:
    """RFC 7946 FeatureCollection as UTF-8 bytes: no crs member, non-ASCII kept as is."""
    collection: dict = {"type": "FeatureCollection"}
    if metadata:
        collection["metadata"] = metadata
    collection["features"] = features
    return dump_geojson(collection)


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


# --------------------------------------------------------------------------- the whole import


def check_zip_archive(path: str | os.PathLike, max_unzipped_bytes: int, max_members: int = 1000) -> None:
    """Refuse a zip (e.g. a zipped shapefile) that is corrupt, has too many members or unpacks too large (zip bomb).

    Sizes come from the archive's directory; GDAL streams members through /vsizip/, and a member
    that lies about its size fails the CRC check there.
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise DataError(f"the zip archive is corrupt: {exc}") from None
    if len(members) > max_members:
        raise DataError(f"the zip archive has {len(members)} members; at most {max_members} are accepted")
    total = sum(m.file_size for m in members)
    if total > max_unzipped_bytes:
        raise DataError(
            f"the zip archive unpacks to {total} bytes; at most {max_unzipped_bytes} are accepted (zip bomb?)"
        )


def add_import_listener(listener: ImportListener) -> None:
    """Call ``listener(layer_id, outcome)`` after every import (outcomes: IMPORT_OUTCOMES); e.g. for metrics."""
    if listener not in _IMPORT_LISTENERS:
        _IMPORT_LISTENERS.append(listener)


def _import_outcome(exc: BaseException | None, dry_run: bool) -> str:
    if exc is None:
        return "dry_run" if dry_run else "written"
    if isinstance(exc, (DataError, BadParameter)):
        return "refused"
    return "locked" if isinstance(exc, LayerLocked) else "failed"


def _reports_outcome(func):
    """Tell the import listeners how each call of ``func`` ended (written, refused, ...), even when it raises."""

    @functools.wraps(func)
    def wrapper(source, spec: LayerSpec, data_dir, **options) -> ImportReport:
        error: BaseException | None = None
        try:
            return func(source, spec, data_dir, **options)
        except BaseException as exc:
            error = exc
            raise
        finally:
            outcome = _import_outcome(error, bool(options.get("dry_run")))
            for listener in list(_IMPORT_LISTENERS):
                with contextlib.suppress(Exception):  # an observer must never break an import
                    listener(spec.id, outcome)

    return wrapper


@_reports_outcome
def import_layer(
    source: str | os.PathLike,
    spec: LayerSpec,
    data_dir: str | os.PathLike,
    *,
    datum: str = "wgs84",
    where: str | None = None,
    field_map: dict[str, str] | None = None,
    defaults: dict[str, str] | None = None,
    source_layer: str | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    other_ids: dict[str, str] | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    progress: bool | None = None,
    max_features: int | None = None,
    store=None,
) -> ImportReport:
    """Read ``source``, convert it to WGS-84, validate it as layer ``spec`` and replace its file in ``data_dir``.

    Raises ImportRefused (nothing written) when any feature is rejected and ``skip_invalid`` is
    false, or when no valid feature is left; DataError/BadParameter for unusable input;
    LayerLocked/WriteFailed when the file cannot be replaced.
    """
    if datum not in DATUMS:
        raise BadParameter(f"--datum must be one of {', '.join(DATUMS)}, got {datum!r}", parameter="datum")
    defaults = dict(defaults or {})
    _check_targets(defaults, spec, "--default")
    source = os.fspath(source)
    target = Path(data_dir) / spec.source_file
    report = ImportReport(layer=spec.id, source=source, target=str(target), datum=datum, dry_run=dry_run)

    frame, report.source_layer = read_source(source, spec, where=where, source_layer=source_layer)
    report.source_crs = frame.crs.to_string() if frame.crs is not None else None
    report.read = len(frame)
    if max_features is not None and report.read > max_features:
        raise DataError(f"the source has {report.read} features; at most {max_features} are accepted here")
    if progress is None:
        progress = report.read > PROGRESS_THRESHOLD
    frame = to_wgs84(frame)
    geometries = convert_datum(frame.geometry.values, datum)

    attribute_columns = [c for c in frame.columns if c != frame.geometry.name]
    columns, report.ignored_columns = map_fields(attribute_columns, spec, field_map)
    records = frame[list(columns)].to_dict("records") if columns else [{} for _ in range(len(frame))]
    rows = tqdm(
        zip(records, geometries),
        total=len(records),
        desc=f"reading {spec.id}",
        unit="feature",
        disable=not progress,
        leave=False,
    )
    features = [build_feature(row, geom, spec, columns, defaults) for row, geom in rows]

    valid, report.rejected = validate_features(features, spec, other_ids, progress=progress)
    report.valid = len(valid)
    if report.rejected and not skip_invalid:
        raise ImportRefused(
            f"import-layer {spec.id}: {len(report.rejected)} of {report.read} feature(s) rejected; "
            "nothing was written (fix the source, or pass --skip-invalid to write only the valid ones)",
            report,
        )
    if not valid:
        raise ImportRefused(
            f"import-layer {spec.id}: no valid feature in {source}; refusing to replace "
            f"{target.name} with an empty layer",
            report,
        )
    if dry_run:
        return report
    metadata = {"generator": "flask import-layer", "source": Path(source).name, "source_datum": datum}
    if store is not None:  # the store's writer: the database store replaces the layer in one transaction
        with store.writer(spec.id, lock_timeout) as layer:
            layer.replace(dump_collection(valid, metadata))
    else:
        write_layer_atomic(target, dump_collection(valid, metadata), layer_id=spec.id, lock_timeout=lock_timeout)
    report.written = True
    return report
