"""Small folium elements of the atlas: each declares its template and assets (folium's element pattern)."""

from __future__ import annotations

import re

from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from atlas.maps.assets import ATLAS_JS, COMMON_JS, MEASURE_JS, PLUGIN_JS, TILES_JS

ATLAS_CSS = [("qj_atlas_css", "/static/atlas.css")]
DRAW_JS = [("leaflet_draw_js", "/vendor/leaflet-draw/leaflet.draw.js"), *COMMON_JS]
IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


class RemoteGeoJsonLayer(JSCSSMixin, Layer):
    """A feature group whose GeoJSON the browser fetches from the API (not inlined into the page)."""

    default_js = ATLAS_JS
    default_css = ATLAS_CSS
    loader = "loadLayer"  # the QJAtlas function (static/js/atlas/) that fills the group
    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.featureGroup();
            QJAtlas.{{ this.loader }}({{ this._parent.get_name() }}, {{ this.get_name() }}, {{ this.config|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, config: dict, name: str, show: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=False, show=show)
        self._name = type(self).__name__
        self.config = config


class VectorTileLayer(RemoteGeoJsonLayer):
    """A feature group drawn from the app's vector tiles (Leaflet.VectorGrid), for layers too big to send whole."""

    default_js = [*ATLAS_JS, *TILES_JS]
    loader = "loadTiledLayer"


class BaseTiles(Layer):
    """A base layer of one or more stacked tile layers (e.g. Tianditu map + its label tiles); none = blank."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.layerGroup([
            {%- for tile in this.tiles %}
                L.tileLayer({{ tile.url|tojson }}, {{ tile.options|tojson }}),
            {%- endfor %}
            ]);
        {% endmacro %}
        """
    )

    def __init__(self, name: str, tiles: list[dict], show: bool = False) -> None:
        super().__init__(name=name, overlay=False, control=False, show=show)
        self._name = "BaseTiles"
        self.tiles = tiles


class EmptyBaseLayer(Layer):
    """A base layer that draws nothing: the 'no basemap' choice, fully offline."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.layerGroup();
        {% endmacro %}
        """
    )

    def __init__(self, name: str, show: bool = False) -> None:
        super().__init__(name=name, overlay=False, control=False, show=show)
        self._name = "EmptyBaseLayer"


class GroupedLayers(JSCSSMixin, MacroElement):
    """Layer control with base layers and overlays grouped by family (leaflet-groupedlayercontrol)."""

    default_js = [
        (
            "leaflet.groupedlayercontrol.min.js",
            "/vendor/leaflet-groupedlayercontrol/leaflet.groupedlayercontrol.min.js",
        ),
    ]
    default_css = [
        (
            "leaflet.groupedlayercontrol.min.css",
            "/vendor/leaflet-groupedlayercontrol/leaflet.groupedlayercontrol.min.css",
        ),
    ]
    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.control.groupedLayers(
                {
                {%- for title, layer in this.base_layers %}
                    {{ title|tojson }}: {{ layer.get_name() }},
                {%- endfor %}
                },
                {
                {%- for group, layers in this.groups %}
                    {{ group|tojson }}: {
                    {%- for title, layer in layers %}
                        {{ title|tojson }}: {{ layer.get_name() }},
                    {%- endfor %}
                    },
                {%- endfor %}
                },
                {collapsed: QJAtlas.isNarrow(), position: "topright"}
            ).addTo({{ this._parent.get_name() }});
            QJAtlas.layerControl = {{ this.get_name() }};
        {% endmacro %}
        """
    )

    def __init__(self, base_layers: list, groups: list) -> None:
        super().__init__()
        self._name = "GroupedLayers"
        self.base_layers = base_layers
        self.groups = groups


class PageCall(JSCSSMixin, MacroElement):
    """Call ``<namespace>.<function>(map, *args)`` from a page script once its map exists (``with_map=False``: no
    map argument). The one way Python hands a page script its data: each argument is escaped JSON, or, for a
    folium element, that element's JavaScript variable. ``js``/``css`` are the (name, url) assets it needs."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this.namespace }}[{{ this.function|tojson }}]({{ this.arguments() }});
        {% endmacro %}
        """
    )

    def __init__(self, namespace: str, function: str, *args, js=(), css=(), with_map: bool = True) -> None:
        super().__init__()
        if not IDENTIFIER.fullmatch(namespace):
            raise ValueError(f"not a JavaScript global name: {namespace!r}")
        self._name = f"{namespace}_{function}"
        self.namespace, self.function, self.args, self.with_map = namespace, function, args, with_map
        self.default_js, self.default_css = list(js), list(css)

    def arguments(self) -> Markup:
        parts = [self._parent.get_name()] if self.with_map else []
        for arg in self.args:
            parts.append(arg.get_name() if isinstance(arg, Element) else htmlsafe_json_dumps(arg))
        return Markup(", ".join(parts))


def draw_locale(strings: dict) -> PageCall:
    """Set leaflet-draw's texts (L.drawLocal) to the translated ``strings``; add before a Draw control."""
    return PageCall("QJDraw", "locale", strings, js=DRAW_JS, with_map=False)


def measure_tool(strings: dict, lang: str = "zh") -> list[PageCall]:
    """Distance/area measuring on leaflet-draw handlers (CSP-safe, unlike leaflet-measure's runtime templates);
    leaflet-draw itself loads when a measuring button is first pressed (QJDraw.configure)."""
    css = [("leaflet_draw_css", "/vendor/leaflet-draw/leaflet.draw.css")]
    return [
        PageCall("QJDraw", "configure", PLUGIN_JS["draw"], strings.get("draw", {}), js=MEASURE_JS, with_map=False),
        PageCall("QJMeasure", "add", strings, lang, js=MEASURE_JS, css=css),
    ]
