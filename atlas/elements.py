"""Small folium elements of the atlas: each declares its template and assets (folium's element pattern)."""

from __future__ import annotations

from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from atlas.assets import ATLAS_JS, COMMON_JS, MEASURE_JS, PLUGIN_JS, TILES_JS

ATLAS_CSS = [("qj_atlas_css", "/static/atlas.css")]


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


class AtlasControls(JSCSSMixin, MacroElement):
    """Legend, search, zoom-to-district and URL state; added last so every layer exists."""

    default_js = ATLAS_JS
    default_css = ATLAS_CSS
    _template = Template(
        """
        {% macro script(this, kwargs) %}
            QJAtlas.plugins = {{ this.plugins|tojson }};
            QJAtlas.init({{ this._parent.get_name() }}, {{ this.config|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, config: dict) -> None:
        super().__init__()
        self._name = "AtlasControls"
        self.config = config
        self.plugins = PLUGIN_JS


class MeasureTool(JSCSSMixin, MacroElement):
    """Distance/area measuring on leaflet-draw handlers (CSP-safe, unlike leaflet-measure's runtime templates)."""

    default_js = MEASURE_JS
    default_css = [("leaflet_draw_css", "/vendor/leaflet-draw/leaflet.draw.css")]
    _template = Template(
        """
        {% macro script(this, kwargs) %}
            QJDraw.configure({{ this.draw_js|tojson }}, {{ this.strings.get("draw", {})|tojson }});
            QJMeasure.add({{ this._parent.get_name() }}, {{ this.strings|tojson }}, {{ this.lang|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, strings: dict, lang: str = "zh") -> None:
        super().__init__()
        self._name = "MeasureTool"
        self.draw_js = PLUGIN_JS["draw"]
        self.strings = strings
        self.lang = lang


class DrawLocale(JSCSSMixin, MacroElement):
    """Set leaflet-draw's texts (L.drawLocal) to the translated ``strings``; add before a Draw control."""

    default_js = [("leaflet_draw_js", "/vendor/leaflet-draw/leaflet.draw.js"), *COMMON_JS]
    _template = Template(
        """
        {% macro script(this, kwargs) %}
            QJDraw.locale({{ this.strings|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, strings: dict) -> None:
        super().__init__()
        self._name = "DrawLocale"
        self.strings = strings
