"""Parse and check the investor view's query (weights, industries, filters) and apply the filters; Flask-free.

Query parameters (all optional, shared by /parks, /api/parks/rank and the exports):
- ``w_<criterion>``: non-negative finite weight for each criterion of ``atlas.parks.criteria`` (defaults there);
- ``industry``: industries the investor looks for (repeat or comma-separate; Chinese or English names
  from the data) -- scored by the ``industry`` criterion;
- ``f_industry``: show only parks listing any of these industries;
- ``designation``, ``status``: show only parks with this designation / status;
- ``min_area_km2``: show only parks whose known area is at least this;
- ``max_<criterion>_km`` (``max_interchange_km``, ``max_rail_km``, ``max_hub_km``: the criteria declaring a
  filter): show only parks whose known distance is at most this. A park whose value is unknown does not
  pass a numeric filter (it cannot be shown to meet it); the response says so in ``hidden_by``.
- ``sel``, ``sort``, ``dir``: page state (selected parks, table sort by rank, name, score or any criterion).

Paging (``/api/parks/rank`` only, see ``parse_paging``): ``limit`` (whole number >= 1; default: every park) and
``offset`` (whole number >= 0, default 0) cut the ranked list (shown parks by rank, then hidden ones);
``shown_count``/``hidden_count`` and the ranks still cover every park, and the body echoes ``limit``/``offset``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from atlas.errors import BadParameter
from atlas.parks.criteria import all_criteria, by_key, filtered_criteria
from atlas.parks.score import listed_items

AREA_FILTER = "min_area_km2"
OTHER_FILTERS = ("f_industry", "designation", "status", AREA_FILTER)  # hide reasons before the distance filters


def distance_filters() -> dict[str, str]:
    """Query parameter -> criterion key of every distance filter (``max_<key>_km``)."""
    return {c.filter_param: c.key for c in filtered_criteria()}


def number_filters() -> tuple[str, ...]:
    """The numeric filter parameters, as the page's form sends them."""
    return (AREA_FILTER, *distance_filters())


def sort_keys() -> tuple[str, ...]:
    return ("rank", "name", "score", *(c.key for c in all_criteria()))


def hide_reasons() -> tuple[str, ...]:
    """The filters a park can be hidden by, in the order ``hidden_by`` lists them."""
    return (*OTHER_FILTERS, *distance_filters())


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


def _exploded(parks: pd.DataFrame, column: str) -> pd.Series:
    """One row per item of a list column, index = row position; a row that is not a non-empty list gives one NaN."""
    values = (
        parks[column].reset_index(drop=True) if column in parks.columns else pd.Series(np.nan, index=range(len(parks)))
    )
    return values.where(values.map(type).isin([list, tuple])).explode()


def _industry_names(parks: pd.DataFrame) -> dict[str, str]:
    """Accepted industry name -> Chinese name: each zh name, and its en twin when the two lists align; first wins."""
    zh, en = _exploded(parks, "industries"), _exploded(parks, "industries_en")
    same_rows = zh.groupby(level=0).size().eq(en.groupby(level=0).size())
    zh_twin, en_twin = zh[same_rows.reindex(zh.index).to_numpy()], en[same_rows.reindex(en.index).to_numpy()]
    pairs = pd.concat(
        [
            pd.DataFrame({"name": zh.to_numpy(), "zh": zh.to_numpy(), "row": zh.index, "twin": 0}),
            pd.DataFrame({"name": en_twin.to_numpy(), "zh": zh_twin.to_numpy(), "row": zh_twin.index, "twin": 1}),
        ],
        ignore_index=True,
    )
    pairs["item"] = np.concatenate(
        [zh.groupby(level=0).cumcount().to_numpy(), zh_twin.groupby(level=0).cumcount().to_numpy()]
    )
    pairs = pairs.dropna(subset=["name", "zh"]).sort_values(["row", "item", "twin"], kind="mergesort")
    pairs = pairs.drop_duplicates("name")
    return dict(zip(pairs["name"], pairs["zh"]))


def park_vocabulary(parks: pd.DataFrame) -> Vocabulary:
    """Collect industries (zh -> zh and en -> zh), designations, statuses and ids present in ``parks``."""
    designations = listed_items(parks, "designations")
    statuses = tuple(
        sorted({s for s in parks.get("status", pd.Series(dtype=object)).dropna().unique() if isinstance(s, str)})
    )
    return Vocabulary(_industry_names(parks), tuple(sorted(set(designations))), statuses, tuple(parks["id"]))


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


def _whole_number(args: Mapping[str, Sequence[str]], name: str, minimum: int) -> int | None:
    text = _single(args, name)
    if text is None:
        return None
    if not text.isdigit() or int(text) < minimum:
        raise BadParameter(f"{name} must be a whole number >= {minimum}, got {text!r}", parameter=name)
    return int(text)


def parse_paging(args: Mapping[str, Sequence[str]]) -> tuple[int | None, int]:
    """``limit`` (None = every park) and ``offset`` (0 by default) of the ranking API, checked."""
    return _whole_number(args, "limit", 1), _whole_number(args, "offset", 0) or 0


def parse_weights(args: Mapping[str, Sequence[str]]) -> dict[str, float]:
    """The ``w_<criterion>`` weights given in the query (unknown criteria rejected)."""
    weights = {}
    for name in args:
        if not name.startswith("w_"):
            continue
        key = name[2:]
        if key not in by_key():
            raise BadParameter(f"unknown criterion in {name!r}; use w_ + one of {list(by_key())}", parameter=name)
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
            raise BadParameter(
                f"{name}: unknown industry {value!r}; the data lists {sorted(set(vocab.industries.values()))}",
                parameter=name,
            )
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
    minimum = _single(args, AREA_FILTER)
    distances = {}
    for name, key in distance_filters().items():
        text = _single(args, name)
        if text is not None:
            distances[key] = parse_number(name, text)
    return ParkFilter(
        industries=parse_industries(args, "f_industry", vocab),
        designation=_choice(args, "designation", vocab.designations),
        status=_choice(args, "status", vocab.statuses),
        min_area_km2=None if minimum is None else parse_number(AREA_FILTER, minimum),
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
        weights=parse_weights(args),
        industries=parse_industries(args, "industry", vocab),
        filters=parse_filters(args, vocab),
        selected=selected,
        sort=_choice(args, "sort", sort_keys()) or "rank",
        descending=direction == "desc",
    )


def _lists_any(parks: pd.DataFrame, column: str, wanted: Sequence[str]) -> np.ndarray:
    """Per row: does the list column ``column`` hold any of ``wanted``."""
    return _exploded(parks, column).isin(list(wanted)).groupby(level=0).any().to_numpy(bool)


def hidden_mask(parks: pd.DataFrame, values: pd.DataFrame, filt: ParkFilter) -> np.ndarray:
    """Which filter hides which park: bool array (parks x ``hide_reasons()``), rows in ``parks`` order.

    ``values`` holds the raw metrics (m, km2) in the same row order. A park whose value is unknown fails a
    numeric filter; a park listing no industries fails ``f_industry``.
    """
    filters = distance_filters()
    out = np.zeros((len(parks), len(OTHER_FILTERS) + len(filters)), dtype=bool)
    if filt.industries:
        out[:, 0] = ~_lists_any(parks, "industries", filt.industries)
    if filt.designation:
        out[:, 1] = ~_lists_any(parks, "designations", [filt.designation])
    if filt.status:
        out[:, 2] = (parks["status"].to_numpy(object) != filt.status) if "status" in parks.columns else True
    if filt.min_area_km2 is not None:
        out[:, 3] = ~(values["area"].to_numpy(float) >= filt.min_area_km2)
    for column, key in enumerate(filters.values(), start=len(OTHER_FILTERS)):
        limit_km = filt.max_distance_km.get(key)
        if limit_km is not None:
            out[:, column] = ~(values[key].to_numpy(float) <= limit_km * 1000.0)
    return out
