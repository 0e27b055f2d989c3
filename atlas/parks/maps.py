"""Folium maps of the investor view (park list, profile, compare); no Flask, every asset local."""

from __future__ import annotations

from collections.abc import Callable

import folium

from atlas.maps.assets import PARKS_JS, localize
from atlas.maps.atlas_map import district_bounds, has_overview, layer_config
from atlas.maps.basemaps import DEFAULT_BASEMAPS, Basemap, base_map
from atlas.maps.elements import PageCall, RemoteGeoJsonLayer
from atlas.stores.base import Store

PARKS_CSS = [("qj_parks_css", "/static/parks.css")]
CONTEXT_LAYERS = ("district", "stations", "hubs")


def parks_call(function: str, config: dict) -> PageCall:
    """Call ``QJParks.<function>(map, config)`` once the map exists."""
    return PageCall("QJParks", function, config, js=PARKS_JS, css=PARKS_CSS)


def _base_map(store: Store, basemap: str, basemaps: tuple[Basemap, ...]) -> folium.Map:
    m, _ = base_map(basemaps, basemap)
    m.fit_bounds(district_bounds(store))
    return m


def _add_context(m: folium.Map, store: Store, layer_url: Callable[[str], str], layer_ids: tuple[str, ...]) -> None:
    for layer_id in layer_ids:
        data = store.summary(layer_id)
        config = layer_config(data, layer_url(layer_id), has_overview(store, data))
        RemoteGeoJsonLayer(config, name=data.spec.title_zh, show=data.ok).add_to(m)


# what each park map shows: the context layers under it, and the QJParks function that draws the parks
VIEWS = {
    "index": (CONTEXT_LAYERS, "initIndex"),  # the /parks map: parks coloured by score in the browser
    "surroundings": (("district",), "drawSurroundings"),  # parks with their nearest targets and connecting lines
}


def build_park_map(
    store: Store,
    layer_url: Callable[[str], str],
    config: dict,
    view: str,
    *,
    basemap: str = "osm",
    basemaps: tuple[Basemap, ...] = DEFAULT_BASEMAPS,
) -> folium.Map:
    """A park map (``view`` in VIEWS): the context layers, then the parks drawn by static/js/parks/map.js."""
    context_layers, function = VIEWS[view]
    m = _base_map(store, basemap, basemaps)
    _add_context(m, store, layer_url, context_layers)
    parks_call(function, config).add_to(m)
    localize(m)
    return m
