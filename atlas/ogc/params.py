"""Read and check the query parameters of the OGC API (f, limit, offset, bbox, crs, datetime, property filters)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from atlas.catalog import FieldSpec, LayerSpec
from atlas.errors import BadParameter

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CRS84_ALIASES = frozenset({CRS84, "https://www.opengis.net/def/crs/OGC/1.3/CRS84", "[OGC:CRS84]", "OGC:CRS84"})
DEFAULT_LIMIT = 10
MAX_LIMIT = 10_000
FORMATS = ("json", "html")
# accepted spellings of f (exact, as documented in the OpenAPI enum)
FORMAT_ALIASES = {"geojson": "json", "application/json": "json", "application/geo+json": "json", "text/html": "html"}
RESERVED_PARAMETERS = ("f", "limit", "offset", "bbox", "bbox-crs", "crs", "datetime")

# RFC 3339 date-time or date, as the datetime parameter allows; ".." or empty marks an open interval end.
_DT = r"\d{4}-\d{2}-\d{2}([Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))?"
_DATE_TIME = re.compile(f"^{_DT}$")
# the same rule for the OpenAPI document: an instant, or an interval with at least one closed end
DATETIME_PATTERN = rf"^({_DT}|{_DT}/({_DT}|\.\.)?|(\.\.)?/{_DT})$"


@dataclass(frozen=True)
class ItemsQuery:
    """A validated /items request."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0
    bbox: tuple[float, float, float, float] | None = None
    datetime: str | None = None
    filters: tuple[tuple[str, str], ...] = ()

    def as_params(self) -> dict[str, str]:
        """The query parameters that reproduce this query (without f, limit and offset)."""
        params: dict[str, str] = {}
        if self.bbox is not None:
            params["bbox"] = ",".join(_fmt_number(v) for v in self.bbox)
        if self.datetime is not None:
            params["datetime"] = self.datetime
        params.update(self.filters)
        return params


def _fmt_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _single(args: Mapping[str, str | list[str]], name: str) -> str | None:
    value = args.get(name)
    if isinstance(value, (list, tuple)):
        if len(value) > 1:
            raise BadParameter(f"parameter {name!r} is given {len(value)} times; give it once", parameter=name)
        value = value[0] if value else None
    return value


def parse_format(args: Mapping[str, str | list[str]]) -> str | None:
    """The ``f`` parameter: 'json', 'html' or None when absent; anything else is a BadParameter."""
    value = _single(args, "f")
    if value is None:
        return None
    value = FORMAT_ALIASES.get(value, value)
    if value not in FORMATS:
        raise BadParameter(f"parameter 'f' must be one of {', '.join(FORMATS)}, got {value!r}", parameter="f")
    return value


def check_plain_parameters(args: Mapping[str, str | list[str]], allowed: Iterable[str] = ("f",)) -> None:
    """Reject any parameter other than ``allowed`` on resources that take no query (landing page, collections …)."""
    allowed = set(allowed)
    unknown = sorted(k for k in args if k not in allowed)
    if unknown:
        raise BadParameter(
            f"unknown parameter {unknown[0]!r}; this resource accepts only: {', '.join(sorted(allowed))}",
            parameter=unknown[0],
        )
    parse_format(args)


def _parse_int(name: str, raw: str, low: int, high: int | None) -> int:
    try:
        value = int(raw.strip())
    except (ValueError, AttributeError):
        raise BadParameter(f"parameter {name!r} must be an integer, got {raw!r}", parameter=name) from None
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise BadParameter(f"parameter {name!r} must be {bounds}, got {value}", parameter=name)
    return value


def parse_bbox(raw: str) -> tuple[float, float, float, float]:
    """Parse ``minLon,minLat,maxLon,maxLat`` in CRS84, rejecting anything malformed or out of range."""
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) != 4:
        raise BadParameter(
            f"parameter 'bbox' must be 4 comma-separated numbers minLon,minLat,maxLon,maxLat; got {len(parts)} value(s)",
            parameter="bbox",
        )
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise BadParameter(f"parameter 'bbox' must hold numbers only, got {raw!r}", parameter="bbox") from None
    if not all(math.isfinite(v) for v in values):
        raise BadParameter("parameter 'bbox' must hold finite numbers", parameter="bbox")
    minx, miny, maxx, maxy = values
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180):
        raise BadParameter("bbox longitudes must be within -180..180", parameter="bbox")
    if not (-90 <= miny <= 90 and -90 <= maxy <= 90):
        raise BadParameter("bbox latitudes must be within -90..90", parameter="bbox")
    if minx > maxx:
        raise BadParameter(f"bbox minLon {minx} is greater than maxLon {maxx}", parameter="bbox")
    if miny > maxy:
        raise BadParameter(f"bbox minLat {miny} is greater than maxLat {maxy}", parameter="bbox")
    return (minx, miny, maxx, maxy)


def parse_datetime(raw: str) -> str:
    """Check a datetime instant or interval (RFC 3339, '..' for open ends); the value itself filters nothing."""
    value = raw.strip()
    ends = value.split("/")
    if len(ends) > 2 or not value:
        raise BadParameter(
            f"parameter 'datetime' must be an RFC 3339 instant or interval, got {raw!r}", parameter="datetime"
        )
    if len(ends) == 2 and ends[0] in ("", "..") and ends[1] in ("", ".."):
        raise BadParameter("parameter 'datetime' interval must have at least one closed end", parameter="datetime")
    for end in ends:
        if len(ends) == 2 and end in ("", ".."):
            continue
        if not _DATE_TIME.match(end):
            raise BadParameter(
                f"parameter 'datetime' must be an RFC 3339 instant or interval, got {raw!r}", parameter="datetime"
            )
    return value


def _check_filter_value(field: FieldSpec, raw: str) -> str:
    if field.type in ("number", "int"):
        try:
            number = float(raw)
        except ValueError:
            raise BadParameter(f"property {field.name!r} is a number; {raw!r} is not", parameter=field.name) from None
        if not math.isfinite(number):
            raise BadParameter(f"property {field.name!r} needs a finite number", parameter=field.name)
        if field.type == "int" and not re.fullmatch(r"[+-]?\d+", raw.strip()):
            raise BadParameter(f"property {field.name!r} is a whole number; {raw!r} is not", parameter=field.name)
    if field.type == "bool" and raw.lower() not in ("true", "false"):
        raise BadParameter(f"property {field.name!r} is true or false; {raw!r} is neither", parameter=field.name)
    if field.type == "date" and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", raw):
        raise BadParameter(
            f"property {field.name!r} is a date (YYYY, YYYY-MM or YYYY-MM-DD); {raw!r} is not", parameter=field.name
        )
    return raw


def parse_items_query(args: Mapping[str, str | list[str]], spec: LayerSpec) -> ItemsQuery:
    """Validate the query parameters of /collections/{id}/items against the layer declaration.

    ``args`` maps parameter names to a value or a list of values (``request.args.to_dict(flat=False)``).
    Allowed: f, limit, offset, bbox, bbox-crs and crs (CRS84 only), datetime (validated, does not filter: features carry
    no valid time) and one equality filter per declared property.
    """
    declared = {f.name: f for f in spec.all_fields}
    for name in args:
        if name not in RESERVED_PARAMETERS and name not in declared:
            raise BadParameter(
                f"unknown parameter {name!r}; allowed: {', '.join(RESERVED_PARAMETERS)} "
                f"or a property of {spec.id!r}: {', '.join(declared)}",
                parameter=name,
            )
    parse_format(args)
    raw_limit = _single(args, "limit")
    limit = DEFAULT_LIMIT if raw_limit is None else _parse_int("limit", raw_limit, 1, MAX_LIMIT)
    raw_offset = _single(args, "offset")
    offset = 0 if raw_offset is None else _parse_int("offset", raw_offset, 0, None)
    raw_bbox = _single(args, "bbox")
    bbox = parse_bbox(raw_bbox) if raw_bbox is not None else None
    bbox_crs = _single(args, "bbox-crs")
    if bbox_crs is not None:
        if bbox_crs.strip() not in CRS84_ALIASES:
            raise BadParameter(f"parameter 'bbox-crs' supports only {CRS84}, got {bbox_crs!r}", parameter="bbox-crs")
    crs = _single(args, "crs")
    if crs is not None and crs.strip() not in CRS84_ALIASES:
        raise BadParameter(
            f"parameter 'crs' supports only {CRS84} (the collection's only CRS), got {crs!r}", parameter="crs"
        )
    raw_dt = _single(args, "datetime")
    dt = parse_datetime(raw_dt) if raw_dt is not None else None
    filters = []
    for name, field in declared.items():
        value = _single(args, name)
        if value is not None:
            filters.append((name, _check_filter_value(field, value)))
    return ItemsQuery(limit=limit, offset=offset, bbox=bbox, datetime=dt, filters=tuple(filters))
