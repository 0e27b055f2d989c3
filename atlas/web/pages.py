"""HTML pages: the main map."""

from __future__ import annotations

from flask import Blueprint, current_app, request, url_for
from flask_babel import gettext as _

from atlas.mapbuild import build_atlas_map, configured_basemaps, render_page
from atlas.web.extension import get_store
from atlas.web.i18n import current_lang, lang_url
from atlas.web.security import add_nonce, csp_nonce

bp = Blueprint("pages", __name__)


def map_strings() -> dict[str, str]:
    """The browser map's UI texts in the request's language (keys as used in static/atlas.js)."""
    return {
        "legend": _("图例"), "line_style": _("线型"), "existing": _("现状/运营"), "planned": _("规划/在建"),
        "schematic": _("示意位置"), "unavailable": _("暂不可用"), "as_of": _("截至"), "unknown": _("未知"),
        "unplaced": _("未定位"), "unplaced_features": _("未定位要素"),
        "unplaced_long": _("未定位（没有可靠来源的位置）"), "search": _("搜索名称"),
        "search_label": _("按名称搜索（中文或英文）"), "no_match": _("无结果"), "zoom_to_district": _("缩放至全区"),
        "yes": _("是"), "no": _("否"), "osm_credit": _("铁路线形"), "fullscreen": _("全屏"),
        "fullscreen_exit": _("退出全屏"), "unavailable_suffix": _("（不可用）"),
        "switch_lang": "English" if current_lang() == "zh" else "中文",
        "switch_lang_url": lang_url("en" if current_lang() == "zh" else "zh"),
        "switch_lang_title": _("切换语言"), "last_changed": _("最后修改"), "change_source": _("来源"),
        "measure": {
            "measure_distance": _("测量距离"), "measure_area": _("测量面积"), "measure_clear": _("清除测量"),
            "distance": _("距离"), "area": _("面积"), "perimeter": _("周长"), "km": _("公里"), "ha": _("公顷"),
            "km2": _("平方公里"),
        },
    }


PAGE_CACHE_SIZE = 32


def _render_map(basemap: str, lang: str) -> str:
    m = build_atlas_map(get_store(), lambda lid: url_for("api.layer_geojson", layer_id=lid),
                        basemap=basemap, basemaps=configured_basemaps(current_app.config),
                        search_url=url_for("api.search"), lang=lang, strings=map_strings(),
                        history_summary_url=url_for("editing.history_summary", feature_id="FID"))
    return render_page(m, _("綦江地图集"), lang)


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
