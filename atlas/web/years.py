"""Planner view through time: the corridor network of year A against year B (before / after), page and API."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request

from atlas.corridors.context import NAMED_LAYERS, corridor_context, english_names
from atlas.corridors.inputs import BUFFER_MAX_M, BUFFER_MIN_M, parse_buffer_m
from atlas.corridors.maps import build_years_map
from atlas.corridors.years import NETWORK_LAYERS, compare_years
from atlas.maps.atlas_map import district_bounds, timeline_config
from atlas.maps.page import embed_parts
from atlas.timeline import parse_year, present_year
from atlas.web.extension import get_basemaps, get_store
from atlas.web.i18n import current_lang

bp = Blueprint("timeline", __name__)


def years_result() -> dict:
    """The before/after comparison for ?before=&after=&buffer_m= of this request."""
    store = get_store()
    before, after = parse_year(request.args.get("before"), "before"), parse_year(request.args.get("after"), "after")
    buffer_m = parse_buffer_m(request.args.get("buffer_m"))
    result = compare_years(corridor_context(store), before, after, buffer_m, present_year())
    if current_lang() == "en":
        result["names"] = english_names(store, result["names"], NAMED_LAYERS + NETWORK_LAYERS)
    return result


def wants_years() -> bool:
    """Whether the compare page was asked for the before / after mode."""
    return bool(request.args.get("before") or request.args.get("after"))


def years_page():
    """The before / after page: both networks' catchments on one map and what the later one adds."""
    result = years_result()
    store = get_store()
    district = store.usable("district").collection
    m = build_years_map(
        district_bounds(store),
        {"before": result["before"]["catchment"], "after": result["after"]["catchment"]},
        district,
        basemap=request.args.get("base", current_app.config["DEFAULT_BASEMAP"]),
        basemaps=get_basemaps(),
    )
    return render_template(
        "corridors/years.html",
        result=result,
        parts=embed_parts(m),
        names=result["names"],
        timeline=timeline_config(store),
        buffer_min_m=BUFFER_MIN_M,
        buffer_max_m=BUFFER_MAX_M,
    )


@bp.get("/api/corridors/years")
def api_years():
    """Before / after: ?before=2015&after=2020&buffer_m=5000 -> both networks and what the later one adds."""
    result = years_result()
    return jsonify(result)
