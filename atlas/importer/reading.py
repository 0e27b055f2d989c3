"""Read any OGR-readable source (GeoJSON, GeoPackage, Shapefile, KML, FlatGeobuf, CSV, OSM) as WGS-84 geometries."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
import shapely.geometry
from pyogrio.errors import DataLayerError, DataSourceError

from atlas.catalog import LayerSpec
from atlas.datum import DATUMS, converter
from atlas.errors import BadParameter, DataError

WGS84 = "EPSG:4326"
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
