"""HTML pages: the main map and the data-coverage page."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _

from atlas.data_coverage import CLASSES, coverage, totals
from atlas.maps.atlas_map import build_atlas_map
from atlas.maps.page import render_page
from atlas.vocab import ACCURACY
from atlas.web.extension import get_basemaps, get_store
from atlas.web.i18n import current_lang
from atlas.web.security import add_nonce, csp_nonce
from atlas.web.texts import map_strings
from atlas.web.tiles import tile_url_template

bp = Blueprint("pages", __name__)


PAGE_CACHE_SIZE = 32


def _render_map(basemap: str, lang: str) -> str:
    m = build_atlas_map(
        get_store(),
        lambda lid: url_for("api.layer_geojson", layer_id=lid),
        basemap=basemap,
        basemaps=get_basemaps(),
        search_url=url_for("api.search"),
        lang=lang,
        strings=map_strings(),
        history_summary_url=url_for("editing.history_summary", feature_id="FID"),
        tile_url=tile_url_template,
        feature_url=url_for("api.feature", feature_id="FID"),
    )
    return render_page(m, _("綦江地图集"), lang, chrome=render_template("map_header.html"))


def cached_map_page(basemap: str, lang: str) -> str:
    """The rendered map page without nonce, cached per data version, language, basemap and mount point.

    Keyed by the data version, so every instance behind a load balancer serves the same page for the
    same data, and a changed layer file (import, repair) is picked up at once.
    """
    cache = current_app.extensions.setdefault("qj_page_cache", {})
    key = (get_store().version(), lang, basemap, request.script_root)
    page = cache.get(key)
    if page is None:
        page = _render_map(basemap, lang)
        if len(cache) >= PAGE_CACHE_SIZE:
            cache.pop(next(iter(cache)))
        cache[key] = page
    return page


@bp.get("/")
def index():
    """The full-window atlas map; ?base= picks the basemap, ?lang=en switches to English."""
    basemap = request.args.get("base", current_app.config["DEFAULT_BASEMAP"])
    from atlas.web.editing import with_editor_tools

    return with_editor_tools(add_nonce(cached_map_page(basemap, current_lang()), csp_nonce()))


@bp.get("/data")
def data_coverage():
    """How many features of each layer are surveyed, approximate, area-only, schematic or unplaced, and the sources."""
    store = get_store()
    rows = coverage(store)
    return render_template(
        "data.html",
        rows=rows,
        totals=totals(rows),
        classes=CLASSES,
        accuracy=ACCURACY,
        sources=store.sources(),
    )
