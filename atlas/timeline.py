"""The network through time: which features exist "as of" a year, from their sourced dates; Flask-free.

A feature's year is the first four digits of the layer's declared ``time_field`` (``layers/*.toml``:
``opened`` for corridors and stations, ``established`` for parks: an opening, designation or founding
date as the source gives it). Every function takes that field (None for a timeless layer).
Nothing is guessed: a feature without a sourced year is ``unknown`` at every chosen year and is listed
as such, never drawn as if it existed. Planned or under-construction features exist only as plans:
they are shown (dashed) when the chosen year lies after the present, hidden before.

The browser applies the same rules (``static/js/atlas/year.js`` reads each layer's ``time_field`` from the
page config).
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping

from atlas.errors import BadParameter

PLANNED_STATUSES = ("planned", "under_construction")
YEAR_MIN = 1900
YEAR_MAX = 2100
YEARS_AHEAD = 15  # the slider reaches this far past the present, for plans

SHOWN = "shown"  # existed by the chosen year
HIDDEN = "hidden"  # came into being after the chosen year (or a plan, before the present)
PLANNED = "planned"  # a plan, shown dashed: the chosen year is after the present
UNKNOWN = "unknown"  # no sourced year: listed, not drawn
STATES = (SHOWN, HIDDEN, PLANNED, UNKNOWN)

_YEAR = re.compile(r"^\s*(\d{4})(?:\D|$)")


def present_year(today: datetime.date | None = None) -> int:
    """The current calendar year (the 'present' that plans lie after)."""
    return (today or datetime.date.today()).year


def year_of(value) -> int | None:
    """The year of a sourced date ('2018-01-25', '1965', 2016), or None when there is none."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if math.isfinite(value) and YEAR_MIN <= value <= YEAR_MAX else None
    match = _YEAR.match(str(value))
    return int(match.group(1)) if match else None


def feature_year(time_field: str | None, props: Mapping) -> int | None:
    """The sourced year in a feature's ``time_field``, or None (also for a layer without one)."""
    return year_of(props.get(time_field)) if time_field else None


def is_planned(props: Mapping) -> bool:
    """Whether the feature is a plan (planned or under construction)."""
    return props.get("status") in PLANNED_STATUSES


def state_at(time_field: str | None, props: Mapping, year: int | None, present: int) -> str:
    """Whether a feature is ``shown``, ``hidden``, ``planned`` (dashed) or ``unknown`` as of ``year``.

    ``year`` None means no time filter (today's map, plans included). A layer without a ``time_field``
    (the river, boundaries, hubs, communities) is always shown.
    """
    if year is None or not time_field:
        return PLANNED if is_planned(props) else SHOWN
    if is_planned(props):
        return PLANNED if year > present else HIDDEN
    known = feature_year(time_field, props)
    if known is None:
        return UNKNOWN
    return SHOWN if known <= year else HIDDEN


def parse_year(raw, parameter: str = "year") -> int | None:
    """A chosen year from a query value ('' or None = no filter), or raise BadParameter naming ``parameter``."""
    if raw is None or str(raw).strip() == "":
        return None
    text = str(raw).strip()
    if not text.isdigit() or not YEAR_MIN <= int(text) <= YEAR_MAX:
        raise BadParameter(
            f"{parameter} must be a year between {YEAR_MIN} and {YEAR_MAX}, got {text[:20]!r}", parameter=parameter
        )
    return int(text)


def year_range(years: list[int | None], present: int) -> tuple[int, int]:
    """The slider's (first, last) year: the earliest sourced year to a few years past the present."""
    known = [y for y in years if y is not None]
    return (min(known) if known else present - 20), present + YEARS_AHEAD


def browser_config(present: int, years: list[int | None], fields: Mapping[str, str]) -> dict:
    """What the browser needs to apply these rules: fields (layer id -> time field), planned statuses,
    present and slider range."""
    first, last = year_range(years, present)
    return {
        "fields": dict(fields),
        "planned_statuses": list(PLANNED_STATUSES),
        "present": present,
        "min": first,
        "max": last,
    }


def corridors_as_of(rows: list[dict], year: int | None, present: int, fields: Mapping[str, str]) -> list[dict]:
    """Corridor rows (``layer``, ``status``, ``opened``) with their ``year_state`` as of ``year`` (copies);
    ``fields`` maps a layer id to its time field (a corridor row carries that value as ``opened``)."""
    out = []
    for row in rows:
        field = fields.get(row["layer"])
        props = {"status": row.get("status"), **({field: row.get("opened")} if field else {})}
        out.append({**row, "year_state": state_at(field, props, year, present)})
    return out
