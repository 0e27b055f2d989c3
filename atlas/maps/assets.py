"""Where each browser asset comes from: Python packages (xstatic) or npm packages in node_modules.

Folium and its plugins point at public CDNs; ``localize`` rewrites every asset of a map to the
app's own ``/vendor/...`` URLs and fails loudly for an asset that has no local copy.
"""

from __future__ import annotations

from pathlib import Path

import flask_bootstrap
import xstatic.pkg.leaflet as xs_leaflet
from branca.element import Element

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"

# package name in /vendor/<package>/... -> directory on disk
VENDOR_DIRS: dict[str, Path] = {
    "leaflet": Path(xs_leaflet.BASE_DIR),
    "leaflet.fullscreen": NODE_MODULES / "leaflet.fullscreen",
    "leaflet-groupedlayercontrol": NODE_MODULES / "leaflet-groupedlayercontrol" / "dist",
    "leaflet-draw": NODE_MODULES / "leaflet-draw" / "dist",
    "leaflet.sync": NODE_MODULES / "leaflet.sync",
    "chart.js": NODE_MODULES / "chart.js" / "dist",
    "gcoord": NODE_MODULES / "gcoord" / "dist",
    "leaflet.vectorgrid": NODE_MODULES / "leaflet.vectorgrid" / "dist",
    # Bootstrap 5 CSS/JS as shipped inside the Bootstrap-Flask package
    "bootstrap5": Path(flask_bootstrap.__file__).resolve().parent / "static" / "bootstrap5",
}

# folium asset name -> local path below /vendor/, or None to drop an asset the atlas does not use
LOCAL_ASSETS: dict[str, str | None] = {
    "leaflet": "leaflet/leaflet.js",
    "leaflet_css": "leaflet/leaflet.css",
    "jquery": None,
    "bootstrap": None,
    "bootstrap_css": None,
    "glyphicons_css": None,
    "awesome_markers": None,
    "awesome_markers_css": None,
    "awesome_markers_font_css": None,
    "awesome_rotate_css": None,
    "Control.Fullscreen.js": "leaflet.fullscreen/Control.FullScreen.js",
    "Control.FullScreen.css": "leaflet.fullscreen/Control.FullScreen.css",
    "leaflet.groupedlayercontrol.min.js": "leaflet-groupedlayercontrol/leaflet.groupedlayercontrol.min.js",
    "leaflet.groupedlayercontrol.min.css": "leaflet-groupedlayercontrol/leaflet.groupedlayercontrol.min.css",
    "leaflet_draw_js": "leaflet-draw/leaflet.draw.js",
    "leaflet_draw_css": "leaflet-draw/leaflet.draw.css",
    "Leaflet.Sync": "leaflet.sync/L.Map.Sync.js",
}


def app_scripts(folder: str, *parts: str) -> list[tuple[str, str]]:
    """The app's own scripts ``static/js/<folder>/<part>.js`` in load order, as folium (name, URL) assets."""
    return [(f"qj_{folder}_{part}_js", f"/static/js/{folder}/{part}.js") for part in parts]


# The app's own browser scripts, each list in load order: plain scripts (no bundler), a later one uses what an
# earlier one defined. util.js is the one home of the helpers every page shares (QJUtil: el, t, fmt, tr, values).
COMMON_JS = [("qj_util_js", "/static/js/util.js"), ("qj_common_js", "/static/js/leaflet-common.js")]
ATLAS_JS = [
    *COMMON_JS,
    *app_scripts("atlas", "core", "style", "year", "datum", "layers", "popups", "legend", "search", "controls", "url"),
]
TILES_JS = [
    ("vectorgrid_js", "/vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js"),
    *app_scripts("atlas", "tiles"),
]
# plugins only some users need, loaded by the page on first use (QJUtil.loadScript), not with it:
# leaflet-draw for measuring, gcoord (npm) for WGS-84 <-> GCJ-02 when a GCJ-02 basemap (Gaode) is shown
PLUGIN_JS = {
    "draw": "/vendor/leaflet-draw/leaflet.draw.js",
    "gcoord": "/vendor/gcoord/gcoord.global.prod.js",
}
MEASURE_JS = [*COMMON_JS, ("qj_measure_js", "/static/js/measure.js")]
PARKS_JS = [*COMMON_JS, *app_scripts("parks", "core", "map", "table", "index")]
CORRIDORS_JS = [
    *COMMON_JS,
    *app_scripts("corridors", "core", "maps", "table", "page"),
    ("qj_chart_js", "/vendor/chart.js/chart.umd.js"),
]
# added by templates/edit/tools.html after the map page's scripts (ATLAS_JS), for signed-in editors only
EDIT_JS = [("leaflet_draw_js", PLUGIN_JS["draw"]), *app_scripts("edit", "core", "form", "tools")]


class MissingAsset(RuntimeError):
    """A map element needs a browser asset that the app cannot serve itself."""


def missing_vendor_dirs() -> list[str]:
    """Return the vendor directories that are not installed (e.g. npm install not run)."""
    return [f"{name}: {path}" for name, path in VENDOR_DIRS.items() if not path.is_dir()]


# assets with a per-language build (none at present; e.g. {"en": {"asset_name": "pkg/file.en.js"}})
LANGUAGE_ASSETS: dict[str, dict[str, str]] = {}


def _localize_list(assets: list[tuple[str, str]], vendor_url: str, lang: str = "zh") -> list[tuple[str, str]]:
    out = []
    for name, url in assets:
        if url.startswith("/"):
            out.append((name, url))
            continue
        if name not in LOCAL_ASSETS:
            raise MissingAsset(f"no local copy declared for asset {name!r} ({url}); add it to atlas/maps/assets.py")
        local = LANGUAGE_ASSETS.get(lang, {}).get(name, LOCAL_ASSETS[name])
        if local is not None:
            out.append((name, f"{vendor_url.rstrip('/')}/{local}"))
    return out


def localize(element: Element, vendor_url: str = "/vendor", lang: str = "zh") -> None:
    """Point every JS/CSS asset of ``element`` and its children at the app's /vendor URLs."""
    for attr in ("default_js", "default_css"):
        assets = getattr(element, attr, None)
        if assets:
            setattr(element, attr, _localize_list(list(assets), vendor_url, lang))
    for child in list(element._children.values()):
        localize(child, vendor_url, lang)
