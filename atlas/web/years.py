"""Planner view through time: the corridor network of year A against year B (before / after); the corridors
blueprint serves it (the page as /corridors/compare?before=&after=, the API as /api/corridors/years)."""

from __future__ import annotations

from flask import current_app, render_template, request

from atlas.corridors.context import corridor_context, english_names, named_layers
from atlas.corridors.inputs import BUFFER_MAX_M, BUFFER_MIN_M, parse_buffer_m
from atlas.corridors.maps import build_years_map
from atlas.corridors.years import compare_years
from atlas.maps.atlas_map import district_bounds, timeline_config
from atlas.maps.page import embed_parts
from atlas.timeline import parse_year, present_year
from atlas.web.extension import get_basemaps, get_store
from atlas.web.i18n import current_lang, layer_titles


def years_result() -> dict:
    """The before/after comparison for ?before=&after=&buffer_m= of this request."""
    store = get_store()
    before, after = parse_year(request.args.get("before"), "before"), parse_year(request.args.get("after"), "after")
    buffer_m = parse_buffer_m(request.args.get("buffer_m"))
    result = compare_years(corridor_context(store), before, after, buffer_m, present_year())
    if current_lang() == "en":
        layers = named_layers(store.catalog) + store.catalog.with_role("network")
        result["names"] = english_names(store, result["names"], layers)
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
        served_titles=layer_titles(store.catalog, store.catalog.with_role("served")),
        buffer_min_m=BUFFER_MIN_M,
        buffer_max_m=BUFFER_MAX_M,
    )
