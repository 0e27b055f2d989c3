"""Build the atlas's folium map from the layer catalog; no Flask here."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import folium
import folium.plugins
import xyzservices.providers as xyz
from xyzservices import TileProvider

from atlas.assets import localize
from atlas.catalog import LayerSpec
from atlas.elements import (
    ATLAS_CSS,
    ATLAS_JS,
    BaseTiles,
    EmptyBaseLayer,
    GroupedLayers,
    PageCall,
    RemoteGeoJsonLayer,
    VectorTileLayer,
    measure_tool,
)
from atlas.store import DataStore, LayerData
from atlas.timeline import TIME_FIELDS, browser_config, feature_year, present_year
from atlas.vocab import ACCURACY, FAMILIES, KINDS, STATUSES

# bbox of the 30 township polygons (fact sheet): used when the district layer itself is unavailable
QIJIANG_BOUNDS = ((28.454, 106.379), (29.191, 107.054))
QIJIANG_CENTRE = (28.85, 106.72)


@dataclass(frozen=True)
class Basemap:
    """A base map choice: stacked tile providers (none = blank, offline) and the datum its tiles are drawn in."""

    key: str
    title_zh: str
    title_en: str
    providers: tuple = ()
    datum: str = "wgs84"  # "gcj02" for Gaode/AMap tiles: overlays are shifted in the browser to match

    @property
    def title(self) -> str:
        return self.title_zh if self.title_zh == self.title_en else f"{self.title_zh} {self.title_en}"


def _tianditu(layer: str, key: str) -> TileProvider:
    url = (
        "https://t{s}.tianditu.gov.cn/" + layer + "_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
        "&LAYER=" + layer + "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
        "&TILECOL={x}&tk={apikey}"
    )
    return TileProvider(
        name=f"Tianditu.{layer}",
        url=url,
        subdomains="01234567",
        max_zoom=18,
        apikey=key,
        attribution="(C) 天地图 Tianditu",
        html_attribution="&copy; 天地图 Tianditu",
    )


def configured_basemaps(config: Mapping | None = None) -> tuple[Basemap, ...]:
    """Basemaps from configuration: OSM, CartoDB (with CARTO_API_KEY), Gaode (GCJ-02), Tianditu (with
    TIANDITU_KEY), any EXTRA_BASEMAPS (e.g. an intranet tile server), and always 无底图 (no tiles)."""
    config = config or {}
    bases = [Basemap("osm", "OpenStreetMap", "OpenStreetMap", (xyz.OpenStreetMap.Mapnik,))]
    if config.get("CARTO_API_KEY"):
        bases.append(
            Basemap(
                "positron", "CartoDB 浅色", "CartoDB Positron", (xyz.CartoDB.Positron(apikey=config["CARTO_API_KEY"]),)
            )
        )
    if config.get("GAODE_BASEMAPS", True):
        bases.append(Basemap("gaode", "高德地图", "Gaode (AMap)", (xyz.Gaode.Normal,), "gcj02"))
        bases.append(Basemap("gaode-satellite", "高德卫星", "Gaode satellite", (xyz.Gaode.Satellite,), "gcj02"))
    key = config.get("TIANDITU_KEY")
    if key:
        bases.append(Basemap("tianditu", "天地图", "Tianditu", (_tianditu("vec", key), _tianditu("cva", key))))
        bases.append(
            Basemap("tianditu-img", "天地图影像", "Tianditu imagery", (_tianditu("img", key), _tianditu("cia", key)))
        )
    for extra in config.get("EXTRA_BASEMAPS") or ():
        provider = TileProvider(
            name=extra["key"],
            url=extra["url"],
            attribution=extra.get("attribution", ""),
            html_attribution=extra.get("attribution", ""),
            max_zoom=extra.get("max_zoom", 19),
        )
        bases.append(
            Basemap(
                extra["key"],
                extra.get("title_zh", extra["key"]),
                extra.get("title_en", extra["key"]),
                (provider,),
                extra.get("datum", "wgs84"),
            )
        )
    bases.append(Basemap("none", "无底图", "No basemap"))
    return tuple(bases)


DEFAULT_BASEMAPS = configured_basemaps()


def _tile_options(provider: TileProvider) -> dict:
    options = {
        "attribution": provider.get("html_attribution", provider.get("attribution", "")),
        "maxZoom": 18,
        "maxNativeZoom": provider.get("max_zoom", 18),
    }
    if "subdomains" in provider:
        options["subdomains"] = provider["subdomains"]
    return options


def add_basemaps(
    m: folium.Map, basemaps: tuple[Basemap, ...], active: str, lang: str = "zh"
) -> list[tuple[str, object]]:
    """Add every basemap to the map (only ``active`` shown) and return (title, layer) pairs."""
    pairs = []
    for base in basemaps:
        title = base.title_en if lang == "en" else base.title_zh
        tiles = [
            {
                "url": p.build_url(scale_factor="", fill_subdomain=False)
                if "{r}" in p.url
                else p.build_url(fill_subdomain=False),
                "options": _tile_options(p),
            }
            for p in base.providers
        ]
        layer = (
            BaseTiles(name=title, tiles=tiles, show=base.key == active)
            if tiles
            else EmptyBaseLayer(name=title, show=base.key == active)
        )
        layer.add_to(m)
        pairs.append((title, layer))
    return pairs


def field_config(spec: LayerSpec) -> list[dict]:
    """The popup fields of a layer with labels and units, in declaration order."""
    return [
        {
            "name": f.name,
            "label_zh": f.label_zh,
            "label_en": f.label_en,
            "type": f.type,
            "unit_zh": f.unit_zh,
            "unit_en": f.unit_en,
        }
        for f in spec.all_fields
        if f.popup
    ]


def layer_config(data: LayerData, url: str) -> dict:
    """Everything the browser needs to draw, label and explain one layer."""
    spec = data.spec
    return {
        "id": spec.id,
        "url": url,
        "title_zh": spec.title_zh,
        "title_en": spec.title_en,
        "family": spec.family,
        "family_title_zh": spec.family_title_zh,
        "family_title_en": spec.family_title_en,
        "symbol": spec.symbol,
        "time_field": TIME_FIELDS.get(spec.id),
        "style": vars(spec.style),
        "fields": field_config(spec),
        "label_field": spec.label_field,
        "ok": data.ok,
        "reason": data.reason,
        "feature_count": data.feature_count,
        "unplaced_count": data.unplaced_count,
        "as_of": data.as_of,
        "notes_zh": spec.notes_zh,
        "notes_en": spec.notes_en,
    }


def district_bounds(store: DataStore) -> list[list[float]]:
    """[[south, west], [north, east]] of the district layer, or the fact-sheet box if unavailable."""
    try:
        data = store.layer("district")
    except Exception:
        data = None
    if data is not None and data.ok and data.feature_count:
        west, south, east, north = data.frame().total_bounds
        return [[float(south), float(west)], [float(north), float(east)]]
    return [list(QIJIANG_BOUNDS[0]), list(QIJIANG_BOUNDS[1])]


def timeline_config(store: DataStore, present: int | None = None) -> dict:
    """The year slider's rules and range, from the sourced years of every dated layer."""
    years = []
    for layer_id in TIME_FIELDS:
        data = store.layer(layer_id) if layer_id in store.catalog.ids() else None
        if data is not None and data.ok:
            years += [feature_year(layer_id, f["properties"]) for f in data.features]
    return browser_config(present or present_year(), years)


def vocab_config() -> dict:
    # JSON objects reach the page with sorted keys: the accuracy classes' order (best first) travels separately
    return {
        "status": STATUSES,
        "accuracy": ACCURACY,
        "accuracy_order": list(ACCURACY),
        "kind": KINDS,
        "family": FAMILIES,
    }


def is_tiled(data: LayerData) -> bool:
    """Whether the browser draws this layer from vector tiles: it has more placed features than its threshold."""
    return data.ok and data.feature_count > data.spec.tile_threshold


def add_layers(
    m: folium.Map,
    store: DataStore,
    layer_url: Callable[[str], str],
    lang: str,
    unavailable_suffix: str,
    tile_url: Callable[[str], str] | None = None,
) -> tuple[list, list[dict]]:
    """Add one remote layer per declaration (GeoJSON, or vector tiles above the layer's tile_threshold when
    ``tile_url`` is given); return the layer-control groups and the layers' browser config."""
    groups: dict[str, list] = {}
    configs = []
    for data in store.all():
        spec = data.spec
        cfg = layer_config(data, layer_url(spec.id))
        title = spec.title_en if lang == "en" else spec.title_zh
        tiled = tile_url is not None and is_tiled(data)
        # the data version in the URL: after an edit the browser asks for new tiles, not its cached ones
        cfg["tiles"] = f"{tile_url(spec.id)}?v={data.etag}" if tiled else None
        element = (VectorTileLayer if tiled else RemoteGeoJsonLayer)(cfg, name=title, show=spec.show and data.ok)
        element.add_to(m)
        cfg["_element"] = element  # its JS name is read after stable_ids() below
        family = spec.family_title_en if lang == "en" else spec.family_title_zh
        groups.setdefault(family, []).append((title + ("" if data.ok else unavailable_suffix), element))
        configs.append(cfg)
    return list(groups.items()), configs


def base_map(
    basemaps: tuple[Basemap, ...], active: str, lang: str = "zh", *, zoom_start: int = 10, **size
) -> tuple[folium.Map, list[tuple[str, object]]]:
    """The one ``folium.Map`` of every atlas page: no folium tiles, scale bar, zoom 7-18, centred on Qijiang, with
    ``basemaps`` added (``active`` shown, else the first). ``size``: folium's width/height. Returns (map, pairs)."""
    keys = [b.key for b in basemaps]
    active = active if active in keys else keys[0]
    m = folium.Map(
        location=QIJIANG_CENTRE, zoom_start=zoom_start, tiles=None, control_scale=True, min_zoom=7, max_zoom=18, **size
    )
    return m, add_basemaps(m, basemaps, active, lang)


def build_atlas_map(
    store: DataStore,
    layer_url: Callable[[str], str],
    *,
    basemap: str = "osm",
    basemaps: tuple[Basemap, ...] = DEFAULT_BASEMAPS,
    search_url: str = "/api/search",
    history_summary_url: str | None = None,
    tile_url: Callable[[str], str] | None = None,
    feature_url: str | None = None,
    lang: str = "zh",
    strings: Mapping[str, str] | None = None,
) -> folium.Map:
    """Return the main atlas map: every declared layer grouped by family, controls, legend, search.

    ``strings`` holds the translated UI texts for the browser code (keys as used in static/atlas.js).
    ``tile_url(layer_id)`` gives a layer's {z}/{x}/{y} vector-tile URL: layers above their tile_threshold
    are then drawn from tiles, and a click fetches the feature from ``feature_url`` (FID = its id).
    """
    strings = dict(strings or {})
    keys = [b.key for b in basemaps]
    active = basemap if basemap in keys else keys[0]
    m, base_pairs = base_map(basemaps, active, lang)
    groups, layer_configs = add_layers(
        m, store, layer_url, lang, strings.get("unavailable_suffix", "（不可用）"), tile_url
    )
    GroupedLayers(base_pairs, groups).add_to(m)
    folium.plugins.Fullscreen(
        position="topleft",
        title=strings.get("fullscreen", "全屏"),
        title_cancel=strings.get("fullscreen_exit", "退出全屏"),
    ).add_to(m)
    for call in measure_tool(strings.get("measure", {}), lang):
        call.add_to(m)
    stable_ids(m)
    for cfg in layer_configs:
        cfg["var"] = cfg.pop("_element").get_name()
    config = {
        "layers": layer_configs,
        "district_bounds": district_bounds(store),
        "search_url": search_url,
        "history_summary_url": history_summary_url,
        "feature_url": feature_url,
        "basemaps": [
            {"key": b.key, "title": t, "var": layer.get_name(), "datum": b.datum}
            for b, (t, layer) in zip(basemaps, base_pairs)
        ],
        "active_basemap": active,
        "vocab": vocab_config(),
        "lang": lang,
        "strings": strings,
        "timeline": timeline_config(store),
    }
    PageCall("QJAtlas", "init", config, js=ATLAS_JS, css=ATLAS_CSS).add_to(m)
    localize(m, lang=lang)
    return m


def stable_ids(element, counter: list | None = None) -> None:
    """Give every element of the tree a deterministic id (branca picks random ones), so the same data
    renders to the same bytes on every instance and every restart."""
    counter = counter if counter is not None else [0]
    counter[0] += 1
    element._id = f"{counter[0]:08x}"
    for child in list(element._children.values()):
        stable_ids(child, counter)


# folium's Map header says maximum-scale=1.0, user-scalable=no: that stops people zooming the page on
# phones (WCAG 1.4.4). Every map page the atlas renders goes through zoomable_viewport().
FOLIUM_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>[ \t]*\n?')
ZOOMABLE_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def zoomable_viewport(html: str, replacement: str = "") -> str:
    """Replace folium's viewport metas by ``replacement`` (first one) and drop any others.

    Embedded maps pass "" (the page template has its own zoomable viewport); a full map page passes
    ZOOMABLE_VIEWPORT. Fails loudly if folium stops emitting the meta, so the fix is not silently lost.
    """
    if not FOLIUM_VIEWPORT.search(html):
        raise ValueError("folium's viewport meta not found: check zoomable_viewport() against this folium")
    fixed = FOLIUM_VIEWPORT.sub("", html)
    return fixed.replace("<head>", "<head>\n" + replacement, 1) if replacement else fixed


def render_page(m: folium.Map, title: str, lang: str = "zh", chrome: str = "") -> str:
    """Render a folium map to a full HTML page with a title, lang attribute and a zoomable viewport.

    ``chrome`` is trusted, escaped markup placed before the map (the page's header: skip link, h1, nav).
    """
    fig = m.get_root()
    fig.header.add_child(folium.Element(f"<title>{_escape(title)}</title>"), name="qj_title")
    if chrome:
        fig.html.add_child(folium.Element(chrome), name="qj_chrome")
    html = zoomable_viewport(fig.render(), ZOOMABLE_VIEWPORT)
    if chrome:  # the map is the page's main content (landmark "main", target of the skip link)
        div = f'<div class="folium-map" id="{m.get_name()}" ></div>'
        if div not in html:
            raise ValueError("folium's map div not found: check render_page() against this folium")
        html = html.replace(div, f'<main id="qj-main" class="qj-map-main" tabindex="-1">{div}</main>', 1)
    return html.replace("<html>", f'<html lang="{"en" if lang == "en" else "zh-CN"}">', 1)


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


@dataclass(frozen=True)
class MapParts:
    """A rendered folium map split for embedding in a Jinja page: head tags, body div, and script."""

    header: str
    html: str
    script: str


def embed_parts(m: folium.Map, lang: str = "zh") -> MapParts:
    """Render ``m`` (assets already localized) into parts a template places with ``|safe``."""
    localize(m, lang=lang)
    fig = m.get_root()
    fig.render()
    return MapParts(zoomable_viewport(fig.header.render()), fig.html.render(), fig.script.render())
