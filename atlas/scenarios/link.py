"""A scenario in a shared link: compact JSON (coordinates as encoded polylines), deflated, base64url; capped.

The text is ``s1.`` + base64url(zlib(JSON)) where the JSON is a list of
``[kind, local id, name_zh, name_en, line_id, [encoded polyline per part]]`` (precision 6, ~0.1 m). Decoding
inflates at most ``MAX_INFLATED_BYTES`` and then validates the result like any uploaded scenario.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib

import polyline

from atlas.errors import BadParameter
from atlas.scenarios.model import ID_PREFIX, Scenario, parse_scenario

URL_MAX_CHARS = 4000  # the proposed-line link cap of the corridor comparison
URL_PRECISION = 6  # the scenario's own coordinate precision (atlas.scenarios.model.COORD_DIGITS)
MAX_INFLATED_BYTES = 256 * 1024
PREFIX = "s1."


def _parts(geometry) -> list[list[tuple[float, float]]]:
    if geometry.geom_type == "Point":
        return [[(geometry.y, geometry.x)]]
    lines = getattr(geometry, "geoms", [geometry])
    return [[(lat, lon) for lon, lat in line.coords] for line in lines]


def _local(value: str | None) -> str | None:
    return value[len(ID_PREFIX) :] if value and value.startswith(ID_PREFIX) else value


def encode_scenario(scenario: Scenario) -> str | None:
    """The scenario as link text, or None when it is longer than URL_MAX_CHARS."""
    rows = [
        [f.kind, _local(f.id), f.name_zh, f.name_en, _local(f.line_id)]
        + [[polyline.encode(part, URL_PRECISION) for part in _parts(f.geometry)]]
        for f in scenario.features
    ]
    raw = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    text = PREFIX + base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")
    return text if len(text) <= URL_MAX_CHARS else None


def _inflate(text: str, parameter: str) -> list:
    body = text[len(PREFIX) :]
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_INFLATED_BYTES)
        if inflater.unconsumed_tail or not inflater.eof:
            raise ValueError("too large or truncated")
        rows = json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, ValueError, UnicodeDecodeError):
        raise BadParameter(f"{parameter} is not a scenario link made by the atlas", parameter=parameter) from None
    if not isinstance(rows, list):
        raise BadParameter(f"{parameter} is not a scenario link made by the atlas", parameter=parameter)
    return rows


def _geometry(kind: str, parts: list) -> dict:
    coords = [[[lon, lat] for lat, lon in polyline.decode(part, URL_PRECISION)] for part in parts]
    if kind == "point" or (len(coords) == 1 and len(coords[0]) == 1):
        return {"type": "Point", "coordinates": coords[0][0]}
    if len(coords) == 1:
        return {"type": "LineString", "coordinates": coords[0]}
    return {"type": "MultiLineString", "coordinates": coords}


def decode_scenario(text: str, parameter: str = "s") -> Scenario:
    """Read a scenario from link text made by ``encode_scenario``; bad text raises BadParameter(``parameter``)."""
    if len(text) > URL_MAX_CHARS:
        raise BadParameter(
            f"{parameter} is {len(text)} characters long; a link holds at most {URL_MAX_CHARS}: "
            "save the scenario or upload it as a file instead",
            parameter=parameter,
        )
    if not text.startswith(PREFIX):
        raise BadParameter(f"{parameter} is not a scenario link made by the atlas", parameter=parameter)
    features = []
    for row in _inflate(text, parameter):
        try:
            kind, local_id, name_zh, name_en, line_id, parts = row
            geometry = _geometry(kind, parts)
        except (TypeError, ValueError, IndexError, AttributeError):
            raise BadParameter(f"{parameter} is not a scenario link made by the atlas", parameter=parameter) from None
        props = {"kind": kind, "id": local_id, "name_zh": name_zh, "name_en": name_en, "line_id": line_id}
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    return parse_scenario({"type": "FeatureCollection", "features": features})
