"""HTML pages: the main map."""

from __future__ import annotations

from flask import Blueprint, current_app, request, url_for

from atlas.mapbuild import build_atlas_map, configured_basemaps, render_page
from atlas.web.extension import get_store

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    """The full-window atlas map; ?base=osm|positron|none picks the basemap."""
    basemap = request.args.get("base", current_app.config["DEFAULT_BASEMAP"])
    m = build_atlas_map(get_store(), lambda lid: url_for("api.layer_geojson", layer_id=lid),
                        basemap=basemap, basemaps=configured_basemaps(current_app.config),
                        search_url=url_for("api.search"))
    return render_page(m, "綦江地图集 Qijiang Atlas")
