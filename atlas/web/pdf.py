"""PDF fact sheets: a park (/parks/<id>.pdf) and a corridor comparison (/corridors/compare.pdf), zh or en."""

from __future__ import annotations

from flask import Blueprint, Response
from flask_babel import gettext as _

from atlas.parks.pages import profile_context
from atlas.parks.sheet import park_map, park_sheet
from atlas.pdfsheet import render_pdf
from atlas.web.extension import get_store
from atlas.web.i18n import current_lang
from atlas.web.parks import VOCAB, _query

bp = Blueprint("pdf", __name__)


def sheet_labels() -> dict[str, str]:
    """The fact sheets' texts in the request's language (keys as used in atlas/parks/sheet.py and atlas/corridors/sheets.py)."""
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
        "community": _("更新社区"),
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
    resp = Response(body, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


@bp.get("/parks/<park_id>.pdf")
def park_pdf(park_id: str):
    """A park's fact sheet as PDF (1-2 pages); the ranking's why under this request's weights (as /parks)."""
    store = get_store()
    c = profile_context(store, park_id, _query())
    image = park_map(c["feature"], c["around"], store.usable("district").collection, store.usable("towns").collection)
    sheet = park_sheet(c["feature"], c["entry"], c["around"], c["criteria"], VOCAB, sheet_labels(), image)
    return pdf_response(render_pdf(sheet), f"park-{park_id}.pdf".encode("ascii", "replace").decode())


def corridor_labels() -> dict[str, str]:
    """The corridor sheets' texts in the request's language (keys as used in atlas/corridors/sheets.py)."""
    return {
        **sheet_labels(),
        "drawn": _("规划者绘制"),
        "none": _("无"),
        "measure": _("比较指标"),
        "length_in_district": _("区内长度"),
        "stations": _("区内站点/互通"),
        "parks": _("产业园区"),
        "hubs": _("物流枢纽"),
        "communities": _("更新社区"),
        "towns": _("镇街（标注点）"),
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


@bp.get("/corridors/compare.pdf")
def compare_pdf():
    """The corridor comparison as PDF: ?ids=a,b&buffer_m=&proposed= (as the page), or ?before=&after= (years)."""
    from atlas.corridors.context import english_names
    from atlas.corridors.sheets import compare_sheet, corridor_map, years_map, years_sheet
    from atlas.web.corridors import _comparison
    from atlas.web.years import wants_years, years_result

    store = get_store()
    district, towns = store.usable("district").collection, store.usable("towns").collection
    labels = corridor_labels()
    if wants_years():
        result = years_result()
        sheet = years_sheet(result, result["names"], labels, years_map(result, district, towns))
        return pdf_response(render_pdf(sheet), "corridor-network-years.pdf")
    result = _comparison()
    names = english_names(store, result["names"]) if current_lang() == "en" else result["names"]
    sheet = compare_sheet(result, names, VOCAB, labels, corridor_map(result, district, towns))
    return pdf_response(render_pdf(sheet), "corridor-comparison.pdf")
