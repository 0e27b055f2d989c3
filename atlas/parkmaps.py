"""Folium maps of the investor view (park list, profile, compare); no Flask, every asset local."""

from __future__ import annotations

from collections.abc import Callable

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from atlas.assets import PARKS_JS, localize
from atlas.elements import RemoteGeoJsonLayer
from atlas.mapbuild import DEFAULT_BASEMAPS, QIJIANG_CENTRE, Basemap, add_basemaps, district_bounds, layer_config
from atlas.store import DataStore

PARKS_CSS = [("qj_parks_css", "/static/parks.css")]
CONTEXT_LAYERS = ("district", "stations", "hubs")


class ParksCall(JSCSSMixin, MacroElement):
    """Call ``QJParks.<function>(map, config)`` once the map exists; config is escaped JSON."""

    default_js = PARKS_JS
    default_css = PARKS_CSS
    _template = Template(
        """
        {% macro script(this, kwargs) %}
            QJParks[{{ this.function|tojson }}]({{ this._parent.get_name() }}, {{ this.config|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, function: str, config: dict) -> None:
        super().__init__()
        self._name = "ParksCall"
        self.function = function
        self.config = config


def _base_map(store: DataStore, basemap: str, basemaps: tuple[Basemap, ...]) -> folium.Map:
    m = folium.Map(location=QIJIANG_CENTRE, zoom_start=10, tiles=None, control_scale=True, min_zoom=7, max_zoom=18)
    keys = [b.key for b in basemaps]
    add_basemaps(m, basemaps, basemap if basemap in keys else keys[0])
    m.fit_bounds(district_bounds(store))
    return m


def _add_context(m: folium.Map, store: DataStore, layer_url: Callable[[str], str], layer_ids: tuple[str, ...]) -> None:
    for layer_id in layer_ids:
        data = store.layer(layer_id)
        RemoteGeoJsonLayer(layer_config(data, layer_url(layer_id)), name=data.spec.title_zh, show=data.ok).add_to(m)


def build_index_map(
    store: DataStore,
    layer_url: Callable[[str], str],
    config: dict,
    *,
    basemap: str = "osm",
    basemaps: tuple[Basemap, ...] = DEFAULT_BASEMAPS,
) -> folium.Map:
    """The /parks map: context layers (district, stations, hubs) and the parks coloured by score in the browser."""
    m = _base_map(store, basemap, basemaps)
    _add_context(m, store, layer_url, CONTEXT_LAYERS)
    ParksCall("initIndex", config).add_to(m)
    localize(m)
    return m


def build_surroundings_map(
    store: DataStore,
    layer_url: Callable[[str], str],
    config: dict,
    *,
    basemap: str = "osm",
    basemaps: tuple[Basemap, ...] = DEFAULT_BASEMAPS,
) -> folium.Map:
    """A map of one or more parks with their nearest targets and connecting lines (drawn by static/js/parks/map.js)."""
    m = _base_map(store, basemap, basemaps)
    _add_context(m, store, layer_url, ("district",))
    ParksCall("drawSurroundings", config).add_to(m)
    localize(m)
    return m
