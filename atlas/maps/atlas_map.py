"""Build the atlas's main folium map from the layer catalog; no Flask here."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import folium
import folium.plugins

from atlas.catalog import LayerSpec
from atlas.maps.assets import PLUGIN_JS, localize
from atlas.maps.basemaps import DEFAULT_BASEMAPS, QIJIANG_BOUNDS, Basemap, base_map
from atlas.maps.elements import (
    ATLAS_CSS,
    ATLAS_JS,
    GroupedLayers,
    PageCall,
    RemoteGeoJsonLayer,
    VectorTileLayer,
    measure_tool,
)
from atlas.maps.page import stable_ids
from atlas.stores.base import Store
from atlas.stores.layerdata import LayerSummary
from atlas.stores.overview import OVERVIEW_MAX_ZOOM
from atlas.timeline import TIME_FIELDS, browser_config, feature_year, present_year
from atlas.vocab import ACCURACY, FAMILIES, KINDS, STATUSES


def field_config(spec: LayerSpec) -> list[dict]:
    """The popup fields of a layer with labels and units, in declaration order."""
    return [f.describe() for f in spec.all_fields if f.popup]


def layer_config(data: LayerSummary, url: str, overview: bool = False) -> dict:
    """Everything the browser needs to draw, label and explain one layer (``overview``: it has a lighter copy)."""
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
        # the lighter copy drawn up to overview_max_zoom (atlas.stores.overview), when the layer has one
        "overview_url": f"{url}{'&' if '?' in url else '?'}detail=overview" if overview else None,
        "overview_max_zoom": OVERVIEW_MAX_ZOOM,
    }


def district_bounds(store: Store) -> list[list[float]]:
    """[[south, west], [north, east]] of the district layer, or the fact-sheet box if unavailable."""
    try:
        data = store.summary("district")
    except Exception:
        data = None
    if data is not None and data.bounds is not None:
        west, south, east, north = data.bounds
        return [[south, west], [north, east]]
    return [list(QIJIANG_BOUNDS[0]), list(QIJIANG_BOUNDS[1])]


def timeline_config(store: Store, present: int | None = None) -> dict:
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


def has_overview(store: Store, data: LayerSummary) -> bool:
    """Whether the layer has a lighter copy for the overview zooms; a tiled layer has none and is not read."""
    return data.ok and not data.tiled and store.layer(data.spec.id).overview() is not None


def add_layers(
    m: folium.Map,
    store: Store,
    layer_url: Callable[[str], str],
    lang: str,
    unavailable_suffix: str,
    tile_url: Callable[[str], str] | None = None,
) -> tuple[list, list[dict]]:
    """Add one remote layer per declaration (GeoJSON, or vector tiles above the layer's tile_threshold when
    ``tile_url`` is given); return the layer-control groups and the layers' browser config."""
    groups: dict[str, list] = {}
    configs = []
    for data in store.summaries():
        spec = data.spec
        cfg = layer_config(data, layer_url(spec.id), has_overview(store, data))
        title = spec.title_en if lang == "en" else spec.title_zh
        tiled = tile_url is not None and data.tiled
        # the data version in the URL: after an edit the browser asks for new tiles, not its cached ones
        cfg["tiles"] = f"{tile_url(spec.id)}?v={data.token}" if tiled else None
        element = (VectorTileLayer if tiled else RemoteGeoJsonLayer)(cfg, name=title, show=spec.show and data.ok)
        element.add_to(m)
        cfg["_element"] = element  # its JS name is read after stable_ids() below
        family = spec.family_title_en if lang == "en" else spec.family_title_zh
        groups.setdefault(family, []).append((title + ("" if data.ok else unavailable_suffix), element))
        configs.append(cfg)
    return list(groups.items()), configs


def _add_tools(m: folium.Map, strings: Mapping[str, str], lang: str) -> None:
    """Full-screen button and the measuring tool (leaflet-draw loads on its first use)."""
    folium.plugins.Fullscreen(
        position="topleft",
        title=strings.get("fullscreen", "全屏"),
        title_cancel=strings.get("fullscreen_exit", "退出全屏"),
    ).add_to(m)
    for call in measure_tool(strings.get("measure", {}), lang):
        call.add_to(m)


def build_atlas_map(
    store: Store,
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

    ``strings`` holds the translated UI texts for the browser code (keys as used in static/js/atlas/, read in core.js).
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
    _add_tools(m, strings, lang)
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
        "plugins": PLUGIN_JS,  # scripts the page loads on first use (leaflet-draw, gcoord)
        "vocab": vocab_config(),
        "lang": lang,
        "strings": strings,
        "timeline": timeline_config(store),
    }
    PageCall("QJAtlas", "init", config, js=ATLAS_JS, css=ATLAS_CSS).add_to(m)
    localize(m, lang=lang)
    return m
