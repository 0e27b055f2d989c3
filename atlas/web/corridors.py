"""Planner view: list corridors, compare them side by side, and the compare API with CSV/GeoJSON exports."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from atlas.corridors.compare import compare_corridors, list_corridors, select_corridors
from atlas.corridors.context import corridor_context, english_names, named_layers
from atlas.corridors.export import catchments_geojson, comparison_csv
from atlas.corridors.inputs import (
    BUFFER_DEFAULT_M,
    BUFFER_MAX_M,
    BUFFER_MIN_M,
    CompareInputs,
    body_inputs,
    proposed_link,
    query_inputs,
)
from atlas.corridors.maps import build_compare_maps, figure_parts
from atlas.corridors.proposed import DEFAULT_NAME_ZH, read_line_upload
from atlas.corridors.sheets import compare_sheet, corridor_map, years_map, years_sheet
from atlas.errors import BadParameter
from atlas.maps.atlas_map import district_bounds, timeline_config
from atlas.pdfsheet import render_pdf
from atlas.timeline import corridors_as_of, parse_year, present_year
from atlas.vocab import ACCURACY, KINDS, STATUSES, VOCABULARIES
from atlas.web.extension import get_basemaps, get_store
from atlas.web.i18n import current_lang, layer_titles
from atlas.web.sheets import corridor_labels, pdf_response
from atlas.web.texts import draw_strings
from atlas.web.years import wants_years, years_page, years_result

bp = Blueprint("corridors", __name__)
API_METHODS = ("GET", "POST")


def _inputs() -> CompareInputs:
    """(ids, buffer_m, proposed) from the query string (GET) or a JSON body (POST)."""
    if request.method == "GET":
        args = request.args
        return query_inputs(args.getlist("ids"), args.get("buffer_m"), args.get("proposed"), args.get("proposed_name"))
    return body_inputs(request.get_json(silent=True), request.get_data(cache=True))


def _comparison() -> dict:
    ids, buffer_m, proposed = _inputs()
    result = compare_corridors(corridor_context(get_store()), ids, buffer_m, proposed)
    if proposed is not None:  # what the page puts in its URL so a shared link reproduces the comparison
        result["proposed_url"] = proposed_link(proposed)
    return result


@bp.get("/corridors")
def corridor_list():
    """Every corridor with kind, status, opening year and length inside the district; pick some to compare."""
    year = parse_year(request.args.get("year"))
    store = get_store()
    rows = corridors_as_of(list_corridors(corridor_context(store)), year, present_year(), store.catalog.time_fields())
    return render_template(
        "corridors/list.html",
        corridors=[r for r in rows if r["year_state"] in ("shown", "planned")],
        unknown_year=[r for r in rows if r["year_state"] == "unknown"],
        year=year,
        later=sum(r["year_state"] == "hidden" for r in rows),
        timeline=timeline_config(get_store()),
        buffer_m=BUFFER_DEFAULT_M,
        statuses=STATUSES,
        kinds=KINDS,
        accuracy=ACCURACY,
    )


@bp.get("/corridors/compare")
def compare_page():
    """Synchronised maps, comparison table and chart for ?ids=a,b&buffer_m=5000 (&base=osm|none);
    ?before=2015&after=2020 compares the whole network of two years instead."""
    if wants_years():
        return years_page()
    ids, buffer_m, proposed = _inputs()
    chosen = select_corridors(corridor_context(get_store()).corridors, ids, extra=int(proposed is not None))
    basemap = request.args.get("base", current_app.config["DEFAULT_BASEMAP"])
    config = _page_config(ids, buffer_m)
    if proposed is not None:
        config["proposal"] = proposed.feature()
    figure = build_compare_maps(
        list(chosen["id"]),
        district_bounds(get_store()),
        config,
        basemap=basemap,
        basemaps=get_basemaps(),
    )
    return render_template(
        "corridors/compare.html",
        parts=figure_parts(figure),
        ids=ids,
        buffer_m=buffer_m,
        basemap=basemap,
        buffer_min_m=BUFFER_MIN_M,
        buffer_max_m=BUFFER_MAX_M,
    )


def corridor_strings() -> dict[str, str]:
    """The comparison page's browser texts in the request's language (keys as used in static/js/corridors/core.js)."""
    return {
        "proposed": _("拟建"),
        "drawn": _("规划者绘制"),
        "unknown": _("未知"),
        "proposed_line": _("拟建线路"),
        "draw_here": _("在此绘制"),
        "draw_with_tool": _("用绘线工具在此绘制"),
        "in_district": _("区内"),
        "km": _("公里"),
        "m": _("米"),
        "measure": _("比较指标"),
        "status_opened": _("状态 / 开通"),
        "accuracy": _("位置精度"),
        "length_in_district": _("区内长度（公里）"),
        "sourced": _("来源数字"),
        "length_km": _("图上全长（公里）"),
        "stations_row": _("区内站点/互通"),
        "also_unplaced": _("另有未定位："),
        "park_area": _("服务范围内园区面积（公顷）"),
        "industries": _("服务的主导产业"),
        "buffer": _("服务半径"),
        "only_by": _("仅由 {name} 服务"),
        "shared": _("全部共同服务"),
        "none": _("无"),
        "qj-only": _("仅此线路"),
        "qj-shared": _("全部线路共同"),
        "qj-some": _("部分线路"),
        "qj-possible": _("可能服务（只知所在街道/镇）"),
        "possible_interval": _("（可能服务：只知所在街道/镇，距线路 {near}–{far} 公里）"),
        "possible_count": _("另有 {n} 个可能服务"),
        "possibly_by": _("{name} 可能服务（只知所在街道/镇，不计入“仅此线路”和“全部共同”）"),
        "table_caption": _("各走廊服务范围内的对象"),
        "chart_caption": _("图表数据：服务对象数量"),
        "compared": _("比较结果已更新"),
        "zoom_in": _("放大"),
        "zoom_out": _("缩小"),
        "draw_line": _("绘制拟建线路"),
        "buffer_range": _("服务半径须在 {min} 至 {max} 米之间。"),
        "too_large": _("文件超过 1 MB（{size} MB），请上传较小的线路文件。"),
        "link_too_long": _("拟建线路太长，无法放入链接（上限 {max} 个字符）：分享时请一并发送线路文件。"),
        "district_share": _("占全区面积"),
        "covered_km2": _("区内覆盖面积（平方公里）"),
        "town_shares": _("覆盖的镇街（按覆盖比例）"),
    }


def _page_config(ids: tuple[str, ...], buffer_m: float) -> dict:
    layer_url = lambda lid: url_for("api.layer_geojson", layer_id=lid)  # noqa: E731
    catalog = get_store().catalog
    drawn = (*named_layers(catalog), *catalog.with_role("boundary"))
    return {
        "ids": list(ids),
        "buffer_m": buffer_m,
        "buffer_min_m": BUFFER_MIN_M,
        "buffer_max_m": BUFFER_MAX_M,
        "compare_url": url_for("corridors.api_compare"),
        "pdf_url": url_for("corridors.compare_pdf"),
        "csv_url": url_for("corridors.api_compare_csv", lang=current_lang()),
        "geojson_url": url_for("corridors.api_catchments"),
        "upload_url": url_for("corridors.api_proposed"),
        "max_upload_bytes": current_app.config["MAX_CONTENT_LENGTH"],
        "layer_urls": {lid: layer_url(lid) for lid in drawn},
        "roles": catalog.roles_config(),
        "vocab": VOCABULARIES,
        "lang": current_lang(),
        "strings": {**corridor_strings(), **layer_titles(catalog, drawn)},
        "proposed_default_name": DEFAULT_NAME_ZH,
        "draw_strings": draw_strings(),
    }


@bp.get("/api/corridors")
def api_list():
    """Every corridor, comparable or not, with its length inside the district in km."""
    return jsonify(list_corridors(corridor_context(get_store())))


@bp.route("/api/corridors/compare", methods=API_METHODS)
def api_compare():
    """Compare corridors: GET ?ids=a,b&buffer_m=5000, or POST {"ids", "buffer_m", "proposed"}."""
    return jsonify(_comparison())


@bp.route("/api/corridors/compare.csv", methods=API_METHODS)
def api_compare_csv():
    """The comparison as CSV (UTF-8 with BOM); header and names in the request's language (?lang=)."""
    lang = current_lang()
    result = _comparison()
    store = get_store()
    names = english_names(store, result["names"], named_layers(store.catalog)) if lang == "en" else None
    titles = {lid: (store.catalog.get(lid).title_zh, store.catalog.get(lid).title_en) for lid in result["shared"]}
    resp = Response(comparison_csv(result, titles, lang=lang, names=names).encode("utf-8"), mimetype="text/csv")
    resp.headers["Content-Disposition"] = "attachment; filename=corridor-comparison.csv"
    return resp


@bp.route("/api/corridors/catchments.geojson", methods=API_METHODS)
def api_catchments():
    """The compared corridors' catchment polygons as GeoJSON."""
    resp = jsonify(catchments_geojson(_comparison()))
    resp.mimetype = "application/geo+json"
    resp.headers["Content-Disposition"] = "attachment; filename=corridor-catchments.geojson"
    return resp


@bp.post("/api/corridors/proposed")
def api_proposed():
    """Read an uploaded GeoJSON or KML line (multipart field ``file``) and return it as a GeoJSON Feature."""
    upload = request.files.get("file")
    if upload is None:
        raise BadParameter("send the line as a multipart file field named 'file' (.geojson or .kml)", parameter="file")
    return jsonify(read_line_upload(upload.read(), upload.filename or "").feature())


@bp.get("/corridors/compare.pdf")
def compare_pdf():
    """The corridor comparison as PDF: ?ids=a,b&buffer_m=&proposed= (as the page), or ?before=&after= (years)."""
    store = get_store()
    district, towns = store.usable("district").collection, store.usable("towns").collection
    labels = corridor_labels(store.catalog)
    if wants_years():
        result = years_result()
        sheet = years_sheet(result, result["names"], labels, years_map(result, district, towns))
        return pdf_response(render_pdf(sheet), "corridor-network-years.pdf")
    result = _comparison()
    en = current_lang() == "en"
    names = english_names(store, result["names"], named_layers(store.catalog)) if en else result["names"]
    sheet = compare_sheet(result, names, VOCABULARIES, labels, corridor_map(result, district, towns))
    return pdf_response(render_pdf(sheet), "corridor-comparison.pdf")


@bp.get("/api/corridors/years")
def api_years():
    """Before / after: ?before=2015&after=2020&buffer_m=5000 -> both networks and what the later one adds."""
    return jsonify(years_result())
