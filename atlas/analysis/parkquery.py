"""Parse and check the investor view's query (weights, industries, filters) and apply the filters; Flask-free.

Query parameters (all optional, shared by /parks, /api/parks/rank and the exports):
- ``w_<criterion>``: non-negative finite weight for each criterion in ``CRITERIA`` (defaults there);
- ``industry``: industries the investor looks for (repeat or comma-separate; Chinese or English names
  from the data) -- scored by the ``industry`` criterion;
- ``f_industry``: show only parks listing any of these industries;
- ``designation``, ``status``: show only parks with this designation / status;
- ``min_area_km2``: show only parks whose known area is at least this;
- ``max_interchange_km``, ``max_rail_km``, ``max_hub_km``: show only parks whose known distance is at
  most this. A park whose value is unknown does not pass a numeric filter (it cannot be shown to meet
  it); the response says so in ``hidden_by``.
- ``sel``, ``sort``, ``dir``: page state (selected parks, table sort), accepted and echoed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from atlas.analysis.parks import CRITERIA_BY_KEY
from atlas.errors import BadParameter

DISTANCE_FILTERS: dict[str, str] = {
    "max_interchange_km": "interchange", "max_rail_km": "rail", "max_hub_km": "hub",
}
SORT_KEYS = ("rank", "name", "score", "area", *DISTANCE_FILTERS.values(), "centre")


@dataclass(frozen=True)
class ParkFilter:
    """Which parks to show; None / empty means no constraint."""

    industries: tuple[str, ...] = ()
    designation: str | None = None
    status: str | None = None
    min_area_km2: float | None = None
    max_distance_km: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ParkQuery:
    """Everything the investor chose: weights given, industries sought, filters, page state."""

    weights: dict[str, float]
    industries: tuple[str, ...]
    filters: ParkFilter
    selected: tuple[str, ...] = ()
    sort: str = "rank"
    descending: bool = False


@dataclass(frozen=True)
class Vocabulary:
    """Values the data actually holds, for checking and for the page's selects."""

    industries: dict[str, str]  # any accepted name (zh or en) -> zh name
    designations: tuple[str, ...]
    statuses: tuple[str, ...]
    park_ids: tuple[str, ...]


def park_vocabulary(parks: pd.DataFrame) -> Vocabulary:
    """Collect industries (zh -> zh and en -> zh), designations, statuses and ids present in ``parks``."""
    names: dict[str, str] = {}
    designations: set[str] = set()
    for _, row in parks.iterrows():
        zh = row.get("industries") if isinstance(row.get("industries"), list) else []
        en = row.get("industries_en") if isinstance(row.get("industries_en"), list) else []
        for i, name in enumerate(zh):
            names.setdefault(name, name)
            if i < len(en) and len(en) == len(zh):
                names.setdefault(en[i], name)
        designations.update(row.get("designations") if isinstance(row.get("designations"), list) else [])
    statuses = tuple(sorted({s for s in parks.get("status", []) if isinstance(s, str)}))
    return Vocabulary(names, tuple(sorted(designations)), statuses, tuple(parks["id"]))


def _values(args: Mapping[str, Sequence[str]], name: str) -> list[str]:
    raw = args.get(name, [])
    raw = [raw] if isinstance(raw, str) else list(raw)
    return [part.strip() for text in raw for part in text.split(",") if part.strip()]


def _single(args: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = _values(args, name)
    if len(values) > 1:
        raise BadParameter(f"give {name} at most once, got {values}", parameter=name)
    return values[0] if values else None


def parse_number(name: str, text: str) -> float:
    """A finite non-negative number from query text, or BadParameter naming ``name``."""
    try:
        number = float(text)
    except (TypeError, ValueError):
        raise BadParameter(f"{name} must be a number, got {text!r}", parameter=name) from None
    if not math.isfinite(number) or number < 0:
        raise BadParameter(f"{name} must be a finite number >= 0, got {text!r}", parameter=name)
    return number


def parse_weights(args: Mapping[str, Sequence[str]]) -> dict[str, float]:
    """The ``w_<criterion>`` weights given in the query (unknown criteria rejected)."""
    weights = {}
    for name in args:
        if not name.startswith("w_"):
            continue
        key = name[2:]
        if key not in CRITERIA_BY_KEY:
            raise BadParameter(f"unknown criterion in {name!r}; use w_ + one of {list(CRITERIA_BY_KEY)}",
                               parameter=name)
        text = _single(args, name)
        if text is None:
            raise BadParameter(f"{name} is empty; give a number >= 0", parameter=name)
        weights[key] = parse_number(name, text)
    return weights


def parse_industries(args: Mapping[str, Sequence[str]], name: str, vocab: Vocabulary) -> tuple[str, ...]:
    """Industry names from ``name`` mapped to their Chinese form; unknown names rejected."""
    out = []
    for value in _values(args, name):
        if value not in vocab.industries:
            raise BadParameter(f"{name}: unknown industry {value!r}; the data lists {sorted(set(vocab.industries.values()))}",
                               parameter=name)
        if vocab.industries[value] not in out:
            out.append(vocab.industries[value])
    return tuple(out)


def _choice(args, name: str, allowed: Sequence[str]) -> str | None:
    value = _single(args, name)
    if value is not None and value not in allowed:
        raise BadParameter(f"{name}: unknown value {value!r}; use one of {list(allowed)}", parameter=name)
    return value


def parse_filters(args: Mapping[str, Sequence[str]], vocab: Vocabulary) -> ParkFilter:
    """The show-only-parks-that filters of the query."""
    minimum = _single(args, "min_area_km2")
    distances = {}
    for name, key in DISTANCE_FILTERS.items():
        text = _single(args, name)
        if text is not None:
            distances[key] = parse_number(name, text)
    return ParkFilter(
        industries=parse_industries(args, "f_industry", vocab),
        designation=_choice(args, "designation", vocab.designations),
        status=_choice(args, "status", vocab.statuses),
        min_area_km2=None if minimum is None else parse_number("min_area_km2", minimum),
        max_distance_km=distances,
    )


def parse_query(args: Mapping[str, Sequence[str]], vocab: Vocabulary) -> ParkQuery:
    """Check and parse the whole query (a mapping of name -> list of values, e.g. ``args.to_dict(flat=False)``)."""
    selected = tuple(_values(args, "sel"))
    unknown = [pid for pid in selected if pid not in vocab.park_ids]
    if unknown:
        raise BadParameter(f"sel: unknown park id {unknown[0]!r}", parameter="sel")
    direction = _choice(args, "dir", ("asc", "desc")) or "asc"
    return ParkQuery(
        weights=parse_weights(args), industries=parse_industries(args, "industry", vocab),
        filters=parse_filters(args, vocab), selected=selected,
        sort=_choice(args, "sort", SORT_KEYS) or "rank", descending=direction == "desc",
    )


def hidden_by(props: Mapping, values: Mapping[str, float], filt: ParkFilter) -> list[str]:
    """Why one park is hidden by the filters (empty list = shown); ``values`` are its raw metrics."""
    reasons = []
    if filt.industries and not set(filt.industries).intersection(props.get("industries") or []):
        reasons.append("f_industry")
    if filt.designation and filt.designation not in (props.get("designations") or []):
        reasons.append("designation")
    if filt.status and props.get("status") != filt.status:
        reasons.append("status")
    area_km2 = values.get("area")
    if filt.min_area_km2 is not None and not (_known(area_km2) and area_km2 >= filt.min_area_km2):
        reasons.append("min_area_km2")
    for name, key in DISTANCE_FILTERS.items():
        limit_km = filt.max_distance_km.get(key)
        distance_m = values.get(key)
        if limit_km is not None and not (_known(distance_m) and distance_m <= limit_km * 1000.0):
            reasons.append(name)
    return reasons


def _known(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))
