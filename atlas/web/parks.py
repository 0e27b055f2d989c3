"""Investor view pages and API: park list with ranking, profile, compare, exports (thin views)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from atlas.maps.page import embed_parts
from atlas.parks.data import features_by_id, query_from_args, ranking
from atlas.parks.export import to_csv, to_geojson
from atlas.parks.maps import build_park_map
from atlas.parks.pages import compare_context, criteria_config, index_context, profile_context
from atlas.parks.query import parse_paging
from atlas.vocab import ACCURACY, KINDS, STATUSES
from atlas.web.extension import get_basemaps, get_store
from atlas.web.i18n import current_lang
from atlas.web.pages import map_strings

bp = Blueprint("parks", __name__)
SCORE_CLASSES = [[0, "#d7191c"], [20, "#fdae61"], [40, "#fee08b"], [60, "#a6d96a"], [80, "#1a9641"]]
NO_SCORE_COLOUR = "#9e9e9e"
VOCAB = {"accuracy": ACCURACY, "status": STATUSES, "kind": KINDS}


def _query():
    return query_from_args(get_store(), request.args.to_dict(flat=False))


def _map_options() -> dict:
    # park maps draw overlays unshifted, so only WGS-84 basemaps are offered (no GCJ-02 Gaode tiles here)
    wgs84 = tuple(b for b in get_basemaps() if b.datum == "wgs84")
    return {"basemap": request.args.get("base", current_app.config["DEFAULT_BASEMAP"]), "basemaps": wgs84}


def _layer_url(layer_id: str) -> str:
    return url_for("api.layer_geojson", layer_id=layer_id)


def parks_strings() -> dict[str, str]:
    """The investor pages' browser texts in the request's language (keys as used in static/js/parks/core.js)."""
    return {
        "unknown": _("未知"),
        "km": _("公里"),
        "km2": _("平方公里"),
        "match": _("匹配"),
        "no_match": _("不匹配"),
        "interval": _("（区间）"),
        "not_negative": _("须为非负数"),
        "all_zero": _("所有权重为零：请至少给一个指标权重。"),
        "shown": _("显示 {shown} / {total}"),
        "hidden": _("已筛除 {hidden}"),
        "as_of": _("截至"),
        "missing_data": _("缺数据"),
        "unplaced": _("未定位"),
        "select": _("选择"),
        "known": _("已知"),
        "known_share": _("已知 {share}% 的权重（{known}/{n} 项）"),
        "mostly_unknown": _(
            "大部分距离未知：{total} 项园区距离中只有 {known} 项已知。得分只按已知的指标计算，并注明已知的权重比例；"
            "未知不计分，也不扣分。"
        ),
        "matching_first": _("已选所需产业：列出该产业的园区排在前面，其次是未列产业的园区，最后是不匹配的园区。"),
        "score": _("评分"),
        "no_score": _("无评分"),
        "error": _("出错了"),
        "reordered": _("顺序已更新：第 1 名是 {name}（共 {n} 个园区）"),
        "show_on_map": _("在地图上显示"),
    }


def _js_common() -> dict:
    # atlas_strings: the context layers on these maps are drawn by static/js/atlas/, which static/js/parks/map.js points at them
    return {"lang": current_lang(), "strings": parks_strings(), "atlas_strings": map_strings()}


def _index_config() -> dict:
    return {
        "rank_url": url_for("parks.rank_api"),
        "parks_url": _layer_url("parks"),
        "profile_url": url_for("parks.profile", park_id="__ID__"),
        "compare_url": url_for("parks.compare"),
        "csv_url": url_for("parks.export_csv"),
        "geojson_url": url_for("parks.export_geojson"),
        **criteria_config(current_lang()),
        "classes": SCORE_CLASSES,
        "no_score": NO_SCORE_COLOUR,
        **_js_common(),
    }


def _surroundings_parts(parks: list[dict], around: dict | None = None):
    """The embedded map of ``parks`` with the nearest targets and communities of ``around`` (if given)."""
    around = around or {"targets": [], "communities": []}
    config = {"parks": parks, "targets": around["targets"], "communities": around["communities"], **_js_common()}
    return embed_parts(build_park_map(get_store(), _layer_url, config, "surroundings", **_map_options()))


@bp.get("/api/parks/rank")
def rank_api():
    """Rank every park by the weighted criteria of the query (see docs/parks.md); ?limit=&offset= page the list."""
    limit, offset = parse_paging(request.args.to_dict(flat=False))
    return jsonify(ranking(get_store(), _query(), limit=limit, offset=offset))


@bp.get("/parks")
def index():
    """Map and table of all parks with weights, filters, ranking and exports; state in the URL."""
    context = index_context(get_store(), _query(), current_lang())
    m = build_park_map(get_store(), _layer_url, _index_config(), "index", **_map_options())
    return render_template("parks/index.html", parts=embed_parts(m), statuses=STATUSES, **context)


def _profile(park_id: str, printable: bool):
    context = profile_context(get_store(), park_id, _query())
    placed = context["around"]["placed"]
    parts = _surroundings_parts([context["feature"]], context["around"]) if placed else None
    carry = _carried_query()
    return render_template("parks/profile.html", parts=parts, printable=printable, vocab=VOCAB, carry=carry, **context)


def _carried_query(drop: tuple[str, ...] = ()) -> str:
    """The request's query (weights, industries, filters, language) for the links onward: "?…" or ""."""
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k not in drop])
    return f"?{query}" if query else ""


@bp.get("/parks/<park_id>")
def profile(park_id: str):
    """Profile of one park: attributes, sources, metrics, surroundings map; 404 for unknown ids."""
    return _profile(park_id, printable=False)


@bp.get("/parks/<park_id>/print")
def profile_print(park_id: str):
    """The one-page printable fact sheet of a park."""
    return _profile(park_id, printable=True)


@bp.get("/parks/compare")
def compare():
    """Compare 2-4 parks (?ids=a,b,c): one column per park, best value per row marked."""
    context = compare_context(get_store(), request.args.get("ids"), _query(), current_lang())
    parts = _surroundings_parts(context["placed_parks"])
    return render_template(
        "parks/compare.html",
        parts=parts,
        placed=len(context["placed_parks"]),
        vocab=VOCAB,
        carry=_carried_query(drop=("ids",)),
        **context,
    )


@bp.get("/parks/export.csv")
def export_csv():
    """The filtered, ranked table as CSV (UTF-8 with BOM)."""
    body = to_csv(ranking(get_store(), _query()), lang=current_lang())
    return Response(
        body,
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": "attachment; filename=qijiang-parks.csv"},
    )


@bp.get("/parks/export.geojson")
def export_geojson():
    """The filtered, ranked table as a GeoJSON FeatureCollection."""
    store = get_store()
    features = features_by_id(store)
    body = to_geojson(ranking(store, _query()), features)
    return Response(
        body,
        mimetype="application/geo+json",
        headers={"Content-Disposition": "attachment; filename=qijiang-parks.geojson"},
    )
