"""The basemaps an atlas map offers (configured once per app) and the one folium.Map every page starts from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import folium
import xyzservices.providers as xyz
from xyzservices import TileProvider

from atlas.maps.elements import BaseTiles, EmptyBaseLayer

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
