"""Import a layer from GeoJSON, GeoPackage, Shapefile, KML, FlatGeobuf, CSV or OSM into geodata/.

Every format is read through pyogrio (GDAL). The pipeline is a row of small steps:
read_source -> to_wgs84 -> convert_datum (reading.py) -> build_feature (+ map_fields, defaults, type
coercion; fields.py) -> validate_features -> the store's writer (store.writer). Nothing is invented: a
property the source does not carry (and the user did not give with a default) stays absent, and the
layer declaration decides whether that is acceptable. The layer file is replaced atomically under a lock.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from atlas.catalog import LayerSpec
from atlas.datum import DATUMS
from atlas.errors import BadParameter, DataError
from atlas.importer.fields import build_feature, check_targets, map_fields, parse_defaults, parse_field_map
from atlas.importer.reading import check_zip_archive, convert_datum, read_source, to_wgs84
from atlas.layerfile import DEFAULT_LOCK_TIMEOUT, LayerLocked, dump_geojson, feature_collection
from atlas.stores.base import Store
from atlas.validate import check_feature

__all__ = [
    "IMPORT_OUTCOMES",
    "ImportRefused",
    "ImportReport",
    "Rejection",
    "add_import_listener",
    "check_zip_archive",
    "import_layer",
    "parse_defaults",
    "parse_field_map",
    "validate_features",
]

PROGRESS_THRESHOLD = 1000
IMPORT_OUTCOMES = ("written", "dry_run", "refused", "locked", "failed")
ImportListener = Callable[[str, str], None]
_IMPORT_LISTENERS: list[ImportListener] = []


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
    def wrapper(source, spec: LayerSpec, store, **options) -> ImportReport:
        error: BaseException | None = None
        try:
            return func(source, spec, store, **options)
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
    store: Store,
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
) -> ImportReport:
    """Read ``source``, convert it to WGS-84, validate it as layer ``spec`` and replace it in ``store``.

    Raises ImportRefused (nothing written) when any feature is rejected and ``skip_invalid`` is
    false, or when no valid feature is left; DataError/BadParameter for unusable input;
    LayerLocked/WriteFailed when the file cannot be replaced.
    """
    if datum not in DATUMS:
        raise BadParameter(f"--datum must be one of {', '.join(DATUMS)}, got {datum!r}", parameter="datum")
    defaults = dict(defaults or {})
    check_targets(defaults, spec, "--default")
    source = os.fspath(source)
    report = ImportReport(layer=spec.id, source=source, target=spec.source_file, datum=datum, dry_run=dry_run)
    features, progress = read_features(
        source,
        spec,
        report,
        where=where,
        source_layer=source_layer,
        field_map=field_map,
        defaults=defaults,
        progress=progress,
        max_features=max_features,
    )
    valid, report.rejected = validate_features(features, spec, other_ids, progress=progress)
    report.valid = len(valid)
    refuse_unless_acceptable(report, skip_invalid)
    if dry_run:
        return report
    metadata = {"generator": "flask import-layer", "source": Path(source).name, "source_datum": datum}
    with store.writer(spec.id, lock_timeout) as layer:  # PostGIS: one transaction; files: the atomic writer
        layer.replace(dump_geojson(feature_collection(valid, metadata)))
    report.written = True
    return report


def read_features(
    source: str,
    spec: LayerSpec,
    report: ImportReport,
    *,
    where,
    source_layer,
    field_map,
    defaults,
    progress,
    max_features,
) -> tuple[list[dict], bool]:
    """Read and convert ``source`` into atlas features (not yet validated); fill in what ``report`` learns."""
    frame, report.source_layer = read_source(source, spec, where=where, source_layer=source_layer)
    report.source_crs = frame.crs.to_string() if frame.crs is not None else None
    report.read = len(frame)
    if max_features is not None and report.read > max_features:
        raise DataError(f"the source has {report.read} features; at most {max_features} are accepted here")
    if progress is None:
        progress = report.read > PROGRESS_THRESHOLD
    frame = to_wgs84(frame)
    geometries = convert_datum(frame.geometry.values, report.datum)
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
    return [build_feature(row, geom, spec, columns, defaults) for row, geom in rows], progress


def refuse_unless_acceptable(report: ImportReport, skip_invalid: bool) -> None:
    """Raise ImportRefused when features were rejected (without --skip-invalid) or none is left to write."""
    if report.rejected and not skip_invalid:
        raise ImportRefused(
            f"import-layer {report.layer}: {len(report.rejected)} of {report.read} feature(s) rejected; "
            "nothing was written (fix the source, or pass --skip-invalid to write only the valid ones)",
            report,
        )
    if not report.valid:
        raise ImportRefused(
            f"import-layer {report.layer}: no valid feature in {report.source}; refusing to replace "
            f"{report.target} with an empty layer",
            report,
        )
