"""Turn source columns into the layer's declared properties: field mapping, defaults, lossless type coercion."""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime

import numpy as np
import pandas as pd
import shapely
import shapely.geometry

from atlas.catalog import FieldSpec, LayerSpec
from atlas.errors import BadParameter
from atlas.layerfile import geometry_to_geojson

TRUE_WORDS = {"true", "yes", "y", "1", "t", "是"}
FALSE_WORDS = {"false", "no", "n", "0", "f", "否"}


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


def check_targets(names, spec: LayerSpec, option: str) -> None:
    declared = [f.name for f in spec.all_fields]
    unknown = [n for n in names if n not in declared]
    if unknown:
        raise BadParameter(
            f"{option}: layer {spec.id!r} declares no propert{'y' if len(unknown) == 1 else 'ies'} "
            f"{', '.join(map(repr, unknown))}; declared: {', '.join(declared)}",
            parameter=option.lstrip("-"),
        )


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
    check_targets(field_map.values(), spec, "--map-fields")
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


def fit_geometry_type(geom, spec: LayerSpec):
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
    feature["geometry"] = geometry_to_geojson(fit_geometry_type(geom, spec))
    feature["properties"] = props
    return feature
