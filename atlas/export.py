"""Whole-layer downloads for people who do not speak OGC: CSV (WKT geometry), GeoPackage and KML.

List-valued properties become ';'-joined strings in every format. GeoPackage and KML are written by
pyogrio to a private temporary directory; ``iter_and_delete`` streams such a file and removes it.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import shape

from atlas.errors import BadParameter
from atlas.stores.layerdata import WGS84, LayerData

LIST_SEPARATOR = ";"
GEOMETRY_COLUMN = "wkt"


@dataclass(frozen=True)
class ExportFormat:
    name: str
    extension: str
    mimetype: str
    driver: str | None = None


FORMATS: dict[str, ExportFormat] = {
    "csv": ExportFormat("csv", "csv", "text/csv; charset=utf-8"),
    "gpkg": ExportFormat("gpkg", "gpkg", "application/geopackage+sqlite3", "GPKG"),
    "kml": ExportFormat("kml", "kml", "application/vnd.google-earth.kml+xml", "LIBKML"),
}


def export_format(name: str) -> ExportFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise BadParameter(f"unknown download format {name!r}; use one of {', '.join(FORMATS)}") from None


def column_names(data: LayerData) -> list[str]:
    """Declared fields in declaration order, then any other property found in the data."""
    names = [f.name for f in data.spec.all_fields]
    seen = set(names)
    for feat in data.features:
        for key in feat.get("properties") or {}:
            if key not in seen:
                seen.add(key)
                names.append(key)
    return names


def flat_value(value):
    """A property value as one cell: lists ';'-joined, everything else unchanged."""
    if isinstance(value, list):
        return LIST_SEPARATOR.join("" if v is None else str(v) for v in value)
    return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """Text that Excel/WPS will not run as a formula: a leading = + - @ tab or CR gets a ' prefix (OWASP)."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def _csv_cell(value) -> str:
    value = flat_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return spreadsheet_text(value) if isinstance(value, str) else str(value)


def to_csv(data: LayerData) -> bytes:
    """The layer as CSV: one row per feature, properties then a WKT geometry column (empty when unplaced).

    Encoded UTF-8 with a byte-order mark so that spreadsheet programs show the Chinese text correctly.
    """
    names = column_names(data)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([*names, GEOMETRY_COLUMN])
    for feat in data.features:
        props = feat.get("properties") or {}
        geom = feat.get("geometry")
        wkt = shape(geom).wkt if geom else ""
        writer.writerow([*(_csv_cell(props.get(n)) for n in names), wkt])
    return buf.getvalue().encode("utf-8-sig")


def _column(values: list, field_type: str | None) -> pd.Series:
    if field_type in ("number",):
        return pd.Series(
            [float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None for v in values],
            dtype="float64",
        )
    if field_type == "int":
        return pd.Series([v if isinstance(v, int) and not isinstance(v, bool) else None for v in values], dtype="Int64")
    if field_type == "bool":
        return pd.Series([v if isinstance(v, bool) else None for v in values], dtype="boolean")
    # strings, dates, lists and undeclared properties: text (None stays null)
    return pd.Series([None if v is None else str(flat_value(v)) for v in values], dtype="object")


def to_frame(data: LayerData) -> gpd.GeoDataFrame:
    """The layer as a flat GeoDataFrame ready for OGR: typed columns, lists joined, null geometries kept."""
    feats = data.features
    columns = {}
    for name in column_names(data):
        field = data.spec.field(name)
        columns[name] = _column([(f.get("properties") or {}).get(name) for f in feats], field.type if field else None)
    geoms = [shape(f["geometry"]) if f.get("geometry") else None for f in feats]
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries(geoms, crs=WGS84), crs=WGS84)


XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value):
    """Text XML 1.0 can carry: control characters it forbids become U+FFFD (GDAL writes them raw)."""
    return XML_INVALID.sub("\ufffd", value) if isinstance(value, str) else value


def _kml_frame(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """LIBKML turns ``id``, ``name`` and ``description`` into the Placemark's id, <name> and <description>."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object and column != frame.geometry.name:
            frame[column] = frame[column].map(xml_text)
    zh, en = frame["name_zh"].fillna(""), frame["name_en"].fillna("")
    frame.insert(1, "name", (zh + " " + en).str.strip())
    desc = frame["description_zh"] if "description_zh" in frame else None
    frame.insert(2, "description", desc.fillna("") if desc is not None else "")
    return frame


def write_file(data: LayerData, fmt: str, directory: Path) -> Path:
    """Write the layer as ``fmt`` (gpkg or kml) into ``directory`` and return the file path."""
    spec = export_format(fmt)
    if spec.driver is None:
        raise BadParameter(f"format {fmt!r} is not written to a file")
    path = Path(directory) / f"{data.spec.id}.{spec.extension}"
    frame = to_frame(data)
    if spec.name == "kml":
        frame = _kml_frame(frame)
    pyogrio.write_dataframe(frame, path, driver=spec.driver, layer=data.spec.id)
    return path


def export_to_temp(data: LayerData, fmt: str) -> Path:
    """Write the layer to a fresh private temporary directory; the caller deletes it (see iter_and_delete)."""
    directory = Path(tempfile.mkdtemp(prefix=f"atlas-{data.spec.id}-"))
    try:
        return write_file(data, fmt, directory)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise


def remove_export(path: Path) -> None:
    """Delete an exported file and its temporary directory (idempotent)."""
    shutil.rmtree(Path(path).parent, ignore_errors=True)


def iter_and_delete(path: Path, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
    """Yield the file's bytes in chunks, then delete it with its temporary directory."""
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(chunk_size):
                yield chunk
    finally:
        remove_export(path)
