"""Check GeoJSON layer data against its declaration: structure, types, geometry, region."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely.geometry import shape

from atlas.catalog import LayerSpec
from atlas.vocab import ACCURACY, FAMILIES, STATUSES

# lon/lat box around Qijiang (106.38–107.05 E, 28.45–29.19 N) with a generous margin so that
# neighbouring districts and corridor ends that leave the district still pass.
REGION_BBOX = (105.8, 27.9, 107.7, 29.8)
FEATURE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON (RFC 8259 has no NaN or Infinity)")


def loads_strict(text: str | bytes):
    """json.loads without NaN/Infinity; over-deep nesting raises ValueError instead of RecursionError."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise ValueError("JSON is nested too deeply") from None


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a layer file, located by file and feature id."""

    file: str
    feature: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}" + (f" [{self.feature}]" if self.feature else "")
        return f"{where}: {self.message}"


def _type_ok(value, type_name: str) -> bool:
    if type_name == "str":
        return isinstance(value, str)
    if type_name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if type_name == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name == "bool":
        return isinstance(value, bool)
    if type_name == "list":
        return isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value)
    if type_name == "date":
        return isinstance(value, str) and bool(DATE.match(value))
    return False


def _iter_positions(coords, depth: int = 0):
    """Yield every position of a GeoJSON coordinates array; malformed nesting yields the bad item."""
    if depth > 4:
        raise ValueError("coordinates are nested deeper than any GeoJSON geometry")
    if not isinstance(coords, (list, tuple)):
        yield [coords]
        return
    if coords and not isinstance(coords[0], (list, tuple)):
        yield coords
        return
    for part in coords:
        yield from _iter_positions(part, depth + 1)


def check_geometry(geom: dict, spec: LayerSpec, bbox=REGION_BBOX) -> list[str]:
    """Return messages for a GeoJSON geometry that is malformed, invalid, empty, mistyped or out of the region."""
    if not isinstance(geom, dict) or "type" not in geom:
        return ["geometry is not a GeoJSON geometry object"]
    if geom["type"] not in spec.geometry_types:
        return [f"geometry type {geom['type']} is not allowed here; declared: {', '.join(spec.geometry_types)}"]
    try:
        positions = list(_iter_positions(geom.get("coordinates")))
    except ValueError as exc:
        return [str(exc)]
    if not positions:
        return ["geometry has no coordinates"]
    for pos in positions:
        if len(pos) < 2 or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in pos
        ):
            return [f"bad position {pos!r}: need finite numbers [lon, lat]"]
        lon, lat = pos[0], pos[1]
        if not (bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]):
            return [f"position ({lon}, {lat}) is outside the Qijiang region {bbox} (lon/lat, WGS-84; swapped axes?)"]
    try:
        shp = shape(geom)
    except Exception as exc:  # shapely raises several types for malformed rings
        return [f"geometry cannot be built: {exc}"]
    if shp.is_empty:
        return ["geometry is empty"]
    if not shp.is_valid:
        return [f"geometry is invalid: {shapely.is_valid_reason(shp)}"]
    return []


def check_properties(props: dict, spec: LayerSpec) -> list[str]:
    """Return messages for missing, mistyped or out-of-vocabulary properties."""
    messages = []
    for fld in spec.all_fields:
        value = props.get(fld.name)
        if value is None:
            if fld.required:
                messages.append(f"required property {fld.name!r} is missing or null")
            continue
        if not _type_ok(value, fld.type):
            messages.append(
                f"property {fld.name!r} should be {fld.type}, got {type(value).__name__} {str(value)[:40]!r}"
            )
    if props.get("family") is not None and props["family"] != spec.family:
        messages.append(f"family is {props['family']!r}; layer {spec.id!r} holds {spec.family!r}")
    if props.get("family") not in FAMILIES and props.get("family") is not None:
        messages.append(f"family {props['family']!r} is not one of {sorted(FAMILIES)}")
    if props.get("status") is not None and props["status"] not in STATUSES:
        messages.append(f"status {props['status']!r} is not one of {sorted(STATUSES)}")
    if props.get("accuracy") is not None and props["accuracy"] not in ACCURACY:
        messages.append(f"accuracy {props['accuracy']!r} is not one of {sorted(ACCURACY)}")
    fid = props.get("id")
    if isinstance(fid, str) and not FEATURE_ID.match(fid):
        messages.append(f"id {fid!r} must be a lowercase ASCII slug (a-z, 0-9, -)")
    return messages


def check_feature(feature, spec: LayerSpec) -> list[str]:
    """Return every problem of one GeoJSON feature against the layer declaration."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return ["item is not a GeoJSON Feature"]
    props = feature.get("properties")
    if not isinstance(props, dict):
        return ["feature has no properties object"]
    messages = check_properties(props, spec)
    geom = feature.get("geometry", "missing")
    if geom == "missing":
        messages.append("feature has no geometry member (use null for an unplaced feature)")
    elif geom is None:
        if props.get("accuracy") != "unplaced":
            messages.append("geometry is null but accuracy is not 'unplaced'")
    else:
        if props.get("accuracy") == "unplaced":
            messages.append("accuracy is 'unplaced' but the feature has a geometry")
        messages.extend(_area_class_problems(geom, props))
        messages.extend(check_geometry(geom, spec))
    return messages


AREA_GEOMETRIES = ("Polygon", "MultiPolygon")


def _area_class_problems(geom, props: dict) -> list[str]:
    """An ``area`` site is the area that contains it: a polygon with the source's wording, never a point."""
    if props.get("accuracy") != "area":
        return []
    messages = []
    kind = geom.get("type") if isinstance(geom, dict) else None
    if kind not in AREA_GEOMETRIES:
        messages.append(
            f"accuracy 'area' needs the Polygon or MultiPolygon of the area that contains the site "
            f"(usually its 街道/镇), got {kind}"
        )
    if not props.get("location_text"):
        messages.append("accuracy 'area' needs location_text: the source's own wording of where the site is")
    return messages


def check_collection(obj, spec: LayerSpec, file_name: str | None = None) -> list[Problem]:
    """Validate a parsed GeoJSON object as the data of ``spec``; return all problems found."""
    file_name = file_name or spec.source_file
    if not isinstance(obj, dict) or obj.get("type") != "FeatureCollection":
        return [Problem(file_name, None, "top level is not a GeoJSON FeatureCollection")]
    problems = []
    if "crs" in obj:
        problems.append(
            Problem(file_name, None, "has a 'crs' member; RFC 7946 GeoJSON is always WGS-84 lon/lat without one")
        )
    features = obj.get("features")
    if not isinstance(features, list):
        return problems + [Problem(file_name, None, "'features' is not a list")]
    seen: set[str] = set()
    for index, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        fid = props.get("id") if isinstance(props, dict) else None
        label = str(fid) if fid is not None else f"#{index}"
        for message in check_feature(feature, spec):
            problems.append(Problem(file_name, label, message))
        if isinstance(fid, str):
            if fid in seen:
                problems.append(Problem(file_name, label, "duplicate feature id in this file"))
            seen.add(fid)
    return problems


def feature_ids(obj) -> list[str]:
    """The string ids of a parsed layer file's features; anything malformed is skipped (check_collection reports it)."""
    features = obj.get("features") if isinstance(obj, dict) else None
    props = [f.get("properties") for f in features if isinstance(f, dict)] if isinstance(features, list) else []
    return [p["id"] for p in props if isinstance(p, dict) and isinstance(p.get("id"), str)]


def duplicate_id_problems(collections: dict[str, dict]) -> list[Problem]:
    """Ids used in more than one of ``collections`` (file name -> parsed layer file): ids are unique across the atlas."""
    problems: list[Problem] = []
    owners: dict[str, str] = {}
    for file_name, obj in collections.items():
        for fid in feature_ids(obj):
            if owners.setdefault(fid, file_name) != file_name:
                message = f"id is also used in {owners[fid]}; ids must be unique across the atlas"
                problems.append(Problem(file_name, fid, message))
    return problems


def ids_in_other_layers(catalog, data_dir, layer_id: str) -> dict[str, str]:
    """Feature id -> file name over the other layers' files (unreadable files are skipped; check-data reports them)."""
    owners: dict[str, str] = {}
    for spec in catalog:
        if spec.id == layer_id:
            continue
        try:
            obj = json.loads((Path(data_dir) / spec.source_file).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for fid in feature_ids(obj):
            owners.setdefault(fid, spec.source_file)
    return owners


def check_catalog_data(catalog, data_dir) -> list[Problem]:
    """Validate every declared layer file in ``data_dir``, including ids unique across the atlas."""
    problems: list[Problem] = []
    loaded: dict[str, dict] = {}
    for spec in catalog:
        path = Path(data_dir) / spec.source_file
        try:
            obj = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            problems.append(Problem(spec.source_file, None, f"file is missing (expected at {path})"))
            continue
        except (UnicodeDecodeError, ValueError) as exc:
            problems.append(Problem(spec.source_file, None, f"not valid UTF-8 JSON: {exc}"))
            continue
        problems.extend(check_collection(obj, spec))
        loaded[spec.source_file] = obj
    return problems + duplicate_id_problems(loaded)
