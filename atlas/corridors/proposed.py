"""Read a planner's proposed alignment: a GeoJSON or KML line in WGS-84, validated, never stored. Flask-free."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import shapely
import shapely.geometry
from shapely.geometry.base import BaseGeometry

from atlas.errors import BadParameter
from atlas.validate import check_geometry, loads_strict

PROPOSED_ID = "proposed"
DEFAULT_NAME_ZH = "拟建线路"
LINE_TYPES = ("LineString", "MultiLineString")
MAX_NAME_CHARS = 60
MAX_VERTICES = 20_000  # a district-scale alignment needs far fewer; bounds buffer/join work per request


@dataclass(frozen=True)
class ProposedLine:
    """A planner's line (WGS-84 lon/lat) that joins a comparison without being stored."""

    geometry: BaseGeometry
    name_zh: str = DEFAULT_NAME_ZH

    def feature(self) -> dict:
        """The line as a GeoJSON Feature with its name."""
        return {"type": "Feature", "properties": {"name_zh": self.name_zh}, "geometry": self.geometry.__geo_interface__}


@dataclass(frozen=True)
class _LineSpec:
    """The part of a layer declaration that ``check_geometry`` reads: lines only."""

    geometry_types: tuple[str, ...] = LINE_TYPES


def _line_feature(obj, parameter: str) -> dict:
    """Return the one line Feature in a Feature, bare geometry or FeatureCollection."""
    if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
        raise BadParameter(f"{parameter} must be a GeoJSON Feature with a LineString geometry", parameter=parameter)
    if obj["type"] == "FeatureCollection":
        features = obj.get("features")
        if not isinstance(features, list):
            raise BadParameter(f"{parameter}: 'features' is not a list", parameter=parameter)
        lines = [f for f in features if isinstance(f, dict) and (f.get("geometry") or {}).get("type") in LINE_TYPES]
        if len(lines) != 1:
            found = sorted({str((f.get("geometry") or {}).get("type")) for f in features if isinstance(f, dict)})
            raise BadParameter(
                f"{parameter} must hold exactly one LineString or MultiLineString; found {len(lines)} "
                f"line(s) among geometry types {found or ['none']}",
                parameter=parameter,
            )
        return lines[0]
    if obj["type"] == "Feature":
        return obj
    return {"type": "Feature", "properties": {}, "geometry": obj}


def parse_proposed(obj, parameter: str = "proposed") -> ProposedLine:
    """Validate a GeoJSON line (Feature, geometry or one-line FeatureCollection, WGS-84, 2-D) and return it.

    Raises BadParameter naming ``parameter`` for anything that is not one finite 2-D line inside the region.
    """
    feature = _line_feature(obj, parameter)
    geom = feature.get("geometry")
    gtype = geom.get("type") if isinstance(geom, dict) else None
    if gtype not in LINE_TYPES:
        raise BadParameter(
            f"{parameter} must be a LineString or MultiLineString, got {gtype or 'no geometry'}", parameter=parameter
        )
    problems = check_geometry(geom, _LineSpec())
    if problems:
        raise BadParameter(f"{parameter}: {problems[0]}", parameter=parameter)
    line = shapely.geometry.shape(geom)
    vertices = shapely.get_num_coordinates(line)
    if vertices > MAX_VERTICES:
        raise BadParameter(
            f"{parameter} has {vertices} vertices; at most {MAX_VERTICES} are accepted (simplify the line first)",
            parameter=parameter,
        )
    if line.has_z:
        raise BadParameter(f"{parameter}: 3-D coordinates are not accepted; send [lon, lat] pairs", parameter=parameter)
    props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
    name = props.get("name_zh") or props.get("name") or props.get("Name")
    name = name.strip()[:MAX_NAME_CHARS] if isinstance(name, str) and name.strip() else DEFAULT_NAME_ZH
    return ProposedLine(line, name)


def read_line_upload(data: bytes, filename: str) -> ProposedLine:
    """Read an uploaded GeoJSON or KML file holding one line; malformed content raises BadParameter('file')."""
    if not data.strip():
        raise BadParameter("the uploaded file is empty", parameter="file")
    if filename.lower().endswith(".kml") or data.lstrip()[:5] in (b"<?xml", b"<kml "):
        obj = _kml_to_geojson(data)
    else:
        try:
            obj = loads_strict(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise BadParameter(f"the file is neither GeoJSON nor KML: {exc}", parameter="file") from None
    return parse_proposed(obj, parameter="file")


def _kml_to_geojson(data: bytes) -> dict:
    """Parse KML with pyogrio (GDAL) from a temporary file; KML altitudes are dropped (always present in KML)."""
    import pyogrio

    with tempfile.TemporaryDirectory(prefix="qj-kml-") as tmp:
        path = Path(tmp) / "upload.kml"
        path.write_bytes(data)
        try:
            frame = pyogrio.read_dataframe(path)
        except Exception as exc:  # pyogrio/GDAL raise several error types for malformed files
            raise BadParameter(f"the KML file cannot be read: {exc}", parameter="file") from None
    frame = frame[frame.geometry.notna()]
    names = frame["Name"] if "Name" in frame.columns else [None] * len(frame)
    features = [
        {
            "type": "Feature",
            "properties": {"name": name if isinstance(name, str) else None},
            "geometry": shapely.geometry.mapping(shapely.force_2d(geom)),
        }
        for name, geom in zip(names, frame.geometry)
    ]
    return {"type": "FeatureCollection", "features": features}


# A proposed line in a link: Google's encoded polyline (precision 5, ~1 m) per part, parts joined by ","
# (not in the polyline alphabet), capped so a shared link stays usable in every browser and server.
URL_MAX_CHARS = 4000
URL_PRECISION = 5
_POLYLINE_CHARS = frozenset(chr(c) for c in range(63, 127))


def encode_proposed(line: ProposedLine) -> str | None:
    """The line as URL text (encoded polylines), or None when longer than URL_MAX_CHARS."""
    import polyline

    parts = getattr(line.geometry, "geoms", [line.geometry])
    text = ",".join(polyline.encode([(lat, lon) for lon, lat in part.coords], URL_PRECISION) for part in parts)
    return text if len(text) <= URL_MAX_CHARS else None


def decode_proposed(text: str, name: str | None = None, parameter: str = "proposed") -> ProposedLine:
    """Read a line from URL text made by ``encode_proposed`` (and an optional name); bad text raises BadParameter."""
    import polyline

    if len(text) > URL_MAX_CHARS:
        raise BadParameter(
            f"{parameter} is {len(text)} characters long; a link holds at most {URL_MAX_CHARS}: "
            "upload the line as a file instead",
            parameter=parameter,
        )
    parts = text.split(",")
    if not all(parts) or any(set(part) - _POLYLINE_CHARS for part in parts):
        raise BadParameter(
            f"{parameter} is not an encoded polyline (characters ? to ~, parts separated by ',')", parameter=parameter
        )
    try:
        coords = [[[lon, lat] for lat, lon in polyline.decode(part, URL_PRECISION)] for part in parts]
    except (ValueError, IndexError, TypeError):
        raise BadParameter(f"{parameter} is not a complete encoded polyline", parameter=parameter) from None
    geometry = (
        {"type": "LineString", "coordinates": coords[0]}
        if len(coords) == 1
        else {"type": "MultiLineString", "coordinates": coords}
    )
    props = {"name_zh": name} if isinstance(name, str) and name.strip() else {}
    return parse_proposed({"type": "Feature", "properties": props, "geometry": geometry}, parameter=parameter)
