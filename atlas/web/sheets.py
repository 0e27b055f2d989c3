"""The PDF fact sheets' texts in the request's language, and the PDF response (used by the parks and the
corridors blueprints, which serve their own sheets)."""

from __future__ import annotations

from flask import Response
from flask_babel import gettext as _

from atlas.catalog import Catalog
from atlas.web.i18n import current_lang, layer_titles, pick


def sheet_labels(catalog: Catalog) -> dict[str, str]:
    """The fact sheets' texts in the request's language (keys as used in atlas/parks/sheet.py and
    atlas/corridors/sheets.py); layer titles come from the declarations."""
    return {
        "lang": current_lang(),
        "unknown": _("未知"),
        "yes": _("是"),
        "no": _("否"),
        "unit_km": _("公里"),
        "unit_km2": _("平方公里"),
        "unit_m": _("米"),
        "unit_ha": _("公顷"),
        "accuracy": _("位置精度"),
        "status": _("状态"),
        "as_of": _("数据截至"),
        "score": _("评分"),
        "rank": _("名次"),
        "known_criteria": _("已知指标"),
        "planned_area": _("规划面积"),
        "built_area": _("建成面积"),
        "established": _("设立时间"),
        "industries": _("主导产业"),
        "designations": _("称号与认定"),
        "enterprises": _("重点企业"),
        "this_park": _("本园区"),
        "community": pick(catalog.get("communities"), "title"),
        "no_target": _("无已定位目标，距离未知"),
        "source": _("来源"),
        "key_figures": _("主要数字"),
        "item": _("项目"),
        "value": _("数值"),
        "why": _("排名依据（当前权重）"),
        "criterion": _("指标"),
        "normalised": _("归一化"),
        "weight": _("权重"),
        "points": _("得分"),
        "positions": _("各位置的精度"),
        "name": _("名称"),
        "role": _("类别"),
        "distance": _("距离"),
        "map_caption": _(
            "园区（橙色）及最近的互通、车站、枢纽、区政府驻地和更新社区（蓝色，虚线为连线）；坐标为 UTM 48N（公里）。"
        ),
        "map_unplaced": _("未定位：没有来源给出该园区的位置，因此地图只显示全区，距离未知。"),
        "method": _("距离在 UTM 48N（EPSG:32648）中从园区几何到目标几何量取。评分 0–100，缺数据的指标得 0 分。"),
        "weights": _("所用权重"),
    }


def pdf_response(body: bytes, filename: str) -> Response:
    """A PDF download (an attachment named ``filename``)."""
    resp = Response(body, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


def corridor_labels(catalog: Catalog) -> dict[str, str]:
    """The corridor sheets' texts in the request's language (keys as used in atlas/corridors/sheets.py);
    each served layer's declared title under its id."""
    return {
        **sheet_labels(catalog),
        **layer_titles(catalog, catalog.with_role("served")),
        "drawn": _("规划者绘制"),
        "none": _("无"),
        "measure": _("比较指标"),
        "length_in_district": _("区内长度"),
        "stations": _("区内站点/互通"),
        "park_area": _("服务范围内园区面积"),
        "covered_km2": _("区内覆盖面积"),
        "district_share": _("占全区面积"),
        "town_shares": _("覆盖的镇街（按覆盖比例）"),
        "compare_title": _("交通走廊比较"),
        "buffer": _("服务半径"),
        "results": _("比较结果"),
        "corridors": _("线路（有几何）"),
        "unplaced": _("线路（未定位，不计面积）"),
        "year_unknown": _("年份未知（未计入）"),
        "added": _("新增"),
        "years_title": _("走廊网络前后比较"),
        "map_caption": _("各走廊及其服务范围（彩色），区界和镇街为灰线；坐标为 UTM 48N（公里）。"),
        "years_caption": _("灰色：之前网络的服务范围；蓝色：之后网络的服务范围；坐标为 UTM 48N（公里）。"),
        "method": _(
            "缓冲区和面积均在 UTM 48N（EPSG:32648）中计算；覆盖比例按区界和镇街图层的多边形计算。没有镇街人口普查数字，因此不列人口。"
        ),
        "years_method": _(
            "某年的网络：该年或之前开通的铁路和高速公路；规划线路只在晚于今年的年份计入；年份未知的线路不计入。"
        ),
    }
