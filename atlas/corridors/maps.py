"""Synchronised side-by-side folium maps for the corridor comparison; no Flask here.

One map per compared corridor plus one "proposal" map that carries the Draw control. The maps share one
folium Figure; Leaflet.Sync (served from node_modules) keeps their centre and zoom together. What each map
draws (corridor, catchment, served features) comes from the compare API and is drawn by
``static/js/corridors/``, so the page and the API can never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium
import folium.plugins
from branca.element import Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from atlas.maps.assets import COMMON_JS, CORRIDORS_JS, localize
from atlas.maps.basemaps import DEFAULT_BASEMAPS, Basemap, base_map
from atlas.maps.elements import PageCall, draw_locale
from atlas.maps.page import MapParts, stable_ids, zoomable_viewport

CORRIDORS_CSS = [("qj_corridors_css", "/static/corridors.css")]
MAP_HEIGHT_PX = 420
PROPOSAL_ROLE = "proposal"


def corridor_panel(
    corridor_id: str | None, role: str = "corridor", drawn: folium.FeatureGroup | None = None
) -> PageCall:
    """Register the parent map with QJCorridors as the panel of one corridor (or of the proposal)."""
    panel = {"corridor": corridor_id, "role": role}
    return PageCall("QJCorridors", "addMap", panel, drawn, js=CORRIDORS_JS, css=CORRIDORS_CSS)


class SyncMaps(JSCSSMixin, MacroElement):
    """Keep every map's centre and zoom in step with every other map (Leaflet.Sync, all pairs)."""

    default_js = [("Leaflet.Sync", "/vendor/leaflet.sync/L.Map.Sync.js")]
    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {%- for a in this.maps %}{% for b in this.maps %}{% if a is not sameas b %}
            {{ a.get_name() }}.sync({{ b.get_name() }});
            {%- endif %}{% endfor %}{% endfor %}
        {% endmacro %}
        """
    )

    def __init__(self, maps: Sequence[folium.Map]) -> None:
        super().__init__()
        self._name = "SyncMaps"
        self.maps = list(maps)


def wgs84_basemap(basemaps: Sequence[Basemap], key: str) -> Basemap:
    """The basemap ``key`` if its tiles are WGS-84, else the first WGS-84 one (overlays here are never shifted)."""
    usable = [b for b in basemaps if b.datum == "wgs84"]
    return next((b for b in usable if b.key == key), usable[0])


def _panel_map(bounds: list[list[float]], base: Basemap) -> folium.Map:
    m, _ = base_map((base,), base.key, zoom_start=9, height=f"{MAP_HEIGHT_PX}px", width="100%")
    m.fit_bounds(bounds)
    return m


def _proposal_draw_control(drawn: folium.FeatureGroup) -> folium.plugins.Draw:
    """Draw control for lines only, holding its drawings in ``drawn``; they can be removed, not edited."""
    off = False
    return folium.plugins.Draw(
        position="topleft",
        show_geometry_on_click=False,
        feature_group=drawn,
        draw_options={
            "polyline": {"shapeOptions": {"color": "#6a3d9a", "weight": 4}},
            "polygon": off,
            "rectangle": off,
            "circle": off,
            "marker": off,
            "circlemarker": off,
        },
        edit_options={"edit": False, "remove": False},
    )


def build_compare_maps(
    corridor_ids: Sequence[str],
    bounds: list[list[float]],
    config: dict,
    *,
    basemap: str = "osm",
    basemaps: tuple[Basemap, ...] = DEFAULT_BASEMAPS,
) -> Figure:
    """Return a Figure with one synchronised map per corridor id, a proposal map with Draw, and the page controls."""
    base = wgs84_basemap(basemaps, basemap)
    figure = Figure()
    maps = []
    for corridor_id in [*corridor_ids, None]:
        m = _panel_map(bounds, base)
        figure.add_child(m)
        drawn = None
        if corridor_id is None:
            drawn = folium.FeatureGroup(name="drawn", control=False).add_to(m)
            draw_locale(config.get("draw_strings", {})).add_to(m)
            _proposal_draw_control(drawn).add_to(m)
        corridor_panel(corridor_id, "corridor" if corridor_id else PROPOSAL_ROLE, drawn).add_to(m)
        maps.append(m)
    SyncMaps(maps).add_to(figure)
    PageCall("QJCorridors", "init", config, js=CORRIDORS_JS, css=CORRIDORS_CSS, with_map=False).add_to(figure)
    localize(figure)
    return figure


def figure_parts(figure: Figure) -> MapParts:
    """Render a Figure of several maps into header, map divs and script for a Jinja page (``|safe``)."""
    localize(figure)
    figure.render()
    return MapParts(zoomable_viewport(figure.header.render()), figure.html.render(), figure.script.render())


class CommonAssets(JSCSSMixin, MacroElement):
    """Load the assets every atlas map shares (attribution prefix) on a map that needs no other atlas script."""

    default_js = COMMON_JS
    _template = Template("{% macro script(this, kwargs) %}{% endmacro %}")

    def __init__(self) -> None:
        super().__init__()
        self._name = "CommonAssets"


YEARS_STYLE = {
    "before": {"color": "#777777", "fillColor": "#999999", "fillOpacity": 0.25, "weight": 1},
    "after": {"color": "#2166ac", "fillColor": "#4393c3", "fillOpacity": 0.2, "weight": 1.5},
}


def build_years_map(
    bounds: list[list[float]],
    catchments: dict[str, dict | None],
    district: dict | None,
    *,
    basemap: str = "osm",
    basemaps: tuple[Basemap, ...] = DEFAULT_BASEMAPS,
) -> folium.Map:
    """One map with the earlier network's catchment (grey) under the later one's (blue); geometries WGS-84 GeoJSON."""
    m = _panel_map(bounds, wgs84_basemap(basemaps, basemap))
    CommonAssets().add_to(m)
    if district:
        folium.GeoJson(
            district,
            name="district",
            control=False,
            interactive=False,
            style_function=lambda _f: {"color": "#444", "weight": 1.5, "fill": False, "dashArray": "6 3"},
        ).add_to(m)
    for key in ("after", "before"):
        geometry = catchments.get(key)
        if geometry:
            style = dict(YEARS_STYLE[key], className=f"qj-years-{key}")
            folium.GeoJson(
                geometry, name=key, control=False, interactive=False, style_function=lambda _f, style=style: style
            ).add_to(m)
    localize(m)
    stable_ids(m)  # the same result renders to the same bytes on every instance
    return m
