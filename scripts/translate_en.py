"""Fill English msgstr values in translations/en/LC_MESSAGES/messages.po from TRANSLATIONS and compile .mo.

Workflow: `pybabel extract -F babel.cfg -o translations/messages.pot .`, then
`pybabel update -i translations/messages.pot -d translations`, then add new strings here (or edit the
.po directly in a translator's tool) and run this script. tests/test_i18n.py fails on any msgid
without an English msgstr.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"

TRANSLATIONS = {
    # error summaries (atlas/web/extension.py)
    "参数 %(name)s 有误": "Invalid parameter %(name)s", "没有这个图层": "No such layer", "没有这个要素": "No such feature",
    "请求参数有误": "Invalid request parameters", "该图层暂不可用": "This layer is unavailable",
    "数据有问题，未作任何更改": "The data has problems; nothing was changed", "找不到该页面或资源": "Page or resource not found",
    "不允许此请求方法": "Method not allowed", "请求内容过大": "Request body too large",
    "需要管理员凭据": "An admin credential is required", "本服务器未启用管理写入": "Admin writes are disabled on this server",
    "已拒绝跨站请求": "Cross-site request refused", "请求无法完成": "The request could not be completed",
    "图例": "Legend", "线型": "Line style", "现状/运营": "existing / operating", "规划/在建": "planned / under construction",
    "示意位置": "schematic position", "暂不可用": "unavailable", "截至": "as of", "未知": "unknown",
    "未定位": "unplaced", "未定位要素": "Unplaced features", "未定位（没有可靠来源的位置）": "unplaced (no sourced position)",
    "搜索名称": "Search by name", "按名称搜索（中文或英文）": "Search by name (Chinese or English)",
    "无结果": "No match", "缩放至全区": "Zoom to the district", "是": "yes", "否": "no",
    "铁路线形": "Railway geometry", "全屏": "Fullscreen", "退出全屏": "Exit fullscreen",
    "（不可用）": " (unavailable)", "切换语言": "Switch language", "綦江地图集": "Qijiang Atlas",
    "参数": "Parameter", "返回地图": "Back to the map",
    # OGC API HTML pages
    "路径": "Path", "说明": "Description", "通用参数": "Common parameters", "图层": "Collections", "编号": "Id",
    "几何类型": "Geometry type", "要素数": "Features", "数据截至": "As of", "范围": "Extent", "坐标系": "CRS",
    "浏览要素": "Browse the items", "下载": "Download", "属性（可筛选：?名称=值）": "Properties (filterable: ?name=value)",
    "字段": "Field", "标签": "Label", "类型": "Type", "符合性": "Conformance", "符合性类别": "Conformance classes",
    "要素": "Items", "下载 GeoJSON": "Download GeoJSON", "个要素": "features", "上一页": "previous", "下一页": "next",
    "没有符合条件的要素。": "No matching features.",
    "测量距离": "Measure a distance", "测量面积": "Measure an area", "清除测量": "Clear measurements",
    "距离": "Distance", "面积": "Area", "周长": "Perimeter", "公里": "km", "公顷": "ha", "平方公里": "km²",
    # investor pages (parks)
    "产业园区": "Industrial parks", "产业园区 投资视图": "Industrial parks for investors", "园区对比": "Compare parks",
    "园区档案": "Park profile", "权重": "Weights", "（0 = 不考虑）": "(0 = ignore)", "所需产业": "Industries you look for",
    "（产业匹配）": "(industry match)", "未选择产业时，产业匹配不计分。": "No industry selected: industry match is not scored.",
    "筛选": "Filters", "主导产业": "Leading industry", "称号": "Designation", "全部": "any", "状态": "Status",
    "最小面积（平方公里）": "Min. area (km²)", "距互通最远（公里）": "Max. to interchange (km)",
    "距车站最远（公里）": "Max. to rail (km)", "距物流枢纽最远（公里）": "Max. to logistics hub (km)",
    "数值未知的园区不满足数值筛选。": "Parks with an unknown value do not pass a numeric filter.",
    "方法：距离在 UTM 48N 中由园区几何量至最近目标；得分 = max(0, 1 − d/dmax)。详见 docs/parks.md。":
        "Method: distances in metres (UTM 48N) from the park geometry to the nearest target; "
        "score = max(0, 1 − d/dmax). See docs/parks.md.",
    "导出 CSV": "Export CSV", "导出 GeoJSON": "Export GeoJSON", "对比所选（2–4 个）": "Compare selected (2–4)",
    "选择": "Select", "名次": "Rank", "园区": "Park", "评分": "Score",
    "每格：数值 · 归一化值 → 加权得分。未知值计 0 分，并标为“缺数据”。":
        "Each cell: value · normalised → weighted points. Unknown values get 0 points and are flagged “missing data”.",
    "打印版": "Printable fact sheet", "返回列表": "Back to all parks",
    "未定位：没有来源给出该园区的位置，因此不显示地图和距离。":
        "Unplaced: no source gives this park's site, so there is no map and no distance.",
    "评分（默认权重）": "Score (default weights)", "已知指标": "known criteria", "指标": "Criterion", "数值": "Value",
    "归一化": "Normalised", "得分": "Points", "周边": "Surroundings", "类别": "What", "最近": "Nearest",
    "位置精度 / 来源 / 截至": "Accuracy, source, as of", "更新社区": "Renovated communities",
    "无已定位目标，距离未知": "none placed in the data: distance unknown", "没有已定位的目标。": "No placed targets.",
    "距离在 UTM 48N（EPSG:32648）中从园区几何到目标几何量取；园区位置精度见上。":
        "Distances measured in UTM 48N (EPSG:32648) from the park geometry to the target geometry; "
        "mind the park's positional accuracy above.",
    "属性": "Attributes",
    "本页所有属性来自同一来源与日期（见“来源”“数据截至”）。": "All attributes share the park's source and as-of date above.",
    "★ 标出每行最优的已知值（距离越近越好，其余越大越好）；未知值不参与。":
        "★ marks the best known value of each row (shorter distances, larger everything else); unknown values never win.",
    "项目": "Item", "地图": "Map", "%(n)s 个园区未定位，不在地图上。": "%(n)s park(s) unplaced and not on the map.",
    "匹配": "match", "不匹配": "no match", "须为非负数": "must be a number ≥ 0",
    "所有权重为零：请至少给一个指标权重。": "All weights are zero: give at least one criterion a weight.",
    "显示 {shown} / {total}": "{shown} / {total} shown", "已筛除 {hidden}": "{hidden} hidden by filters",
    "缺数据": "missing data", "已知": "known", "无评分": "no score", "出错了": "Something went wrong",
    # planner pages (corridors)
    "交通走廊": "Transport corridors", "交通走廊比较": "Compare transport corridors", "走廊比较": "Corridor comparison",
    "现状与规划": "existing and proposed",
    "区内长度按区界多边形在 UTM 48N（EPSG:32648）中计算；有来源数字时一并列出。没有来源几何的走廊也会列出，但不能做空间比较。":
        "Length inside the district is computed against the district polygon in UTM 48N (EPSG:32648); the sourced "
        "figure is shown where a source gives one. Corridors without a sourced geometry are listed but cannot be "
        "compared spatially.",
    "比较": "Compare", "比较结果": "Comparison", "比较指标": "Measure", "名称": "Name", "开通": "Opened", "区内长度（公里）": "In district (km)",
    "来源数字（公里）": "Sourced (km)", "来源数字": "sourced", "位置精度": "Positional accuracy",
    "没有来源几何": "no sourced geometry", "不可比较": "not comparable", "服务半径（米）": "Catchment buffer (m)",
    "比较所选走廊（至少 2 条）": "Compare selected (2 or more)", "服务半径": "Catchment buffer", "米": "m",
    "服务半径滑块": "Catchment buffer slider", "应用": "Apply",
    "拟建线路（GeoJSON / KML，≤ 1 MB）": "Proposed line (GeoJSON / KML, ≤ 1 MB)", "移除拟建线路": "Remove proposed line",
    "导出服务范围 GeoJSON": "Export catchments GeoJSON",
    "在最右侧地图上用绘线工具画出拟建线路，或上传文件；拟建线路只参与比较，不会保存。":
        "Draw a proposed alignment with the line tool on the right-hand map, or upload a file; it joins the "
        "comparison and is not saved.",
    "仅此线路": "only this corridor", "全部线路共同": "served by all", "部分线路": "some of them",
    "服务对象数量": "Served counts", "方法说明": "How this is computed",
    "长度、缓冲区和面积均在 UTM 48N（EPSG:32648，米）中计算。":
        "Lengths, buffers and areas are computed in UTM 48N (EPSG:32648, metres).",
    "镇街以其标注点（源多边形的面积加权中心）是否落在服务范围内计。":
        "A town counts when its label point (the area-weighted centroid of its source polygon) is inside the catchment.",
    "点状园区若位于服务范围内，计入其来源面积（规划面积，无则建成面积）；面状园区计入其位于范围内的部分。":
        "A point park inside counts with its sourced area (planned, else built); a polygon park with its part inside.",
    "站点：区界内、且线路编号指向该走廊的车站、互通和货场；桥梁不计。":
        "Stations: placed stations, interchanges and freight yards inside the district linked to the corridor "
        "(bridges excluded).",
    "示意线位仅供参考，结果同样只是示意。": "Schematic alignments give indicative results only.",
    "物流枢纽": "Logistics hubs", "镇街": "Towns", "站点": "Stations", "拟建": "proposed",
    "规划者绘制": "drawn by the planner", "拟建线路": "Proposed line", "在此绘制": "draw here",
    "用绘线工具在此绘制": "draw with the line tool", "区内": "in district", "状态 / 开通": "Status / opened",
    "图上全长（公里）": "Mapped length (km)", "区内站点/互通": "Stations & interchanges in district",
    "另有未定位：": "Also linked, unplaced:", "服务范围内园区面积（公顷）": "Park area in catchment (ha)",
    "服务的主导产业": "Leading industries served", "仅由 {name} 服务": "Served by {name} only",
    "全部共同服务": "Served by all", "无": "none",
    "服务半径须在 {min} 至 {max} 米之间。": "The buffer (buffer_m) must be between {min} and {max} metres.",
    "文件超过 1 MB（{size} MB），请上传较小的线路文件。":
        "The file is larger than 1 MB ({size} MB); upload a smaller line file.",
    # accessibility (issue 17): names of controls, live announcements, line styles in words
    "搜索结果": "Search results", "找到 {n} 个结果，用上下方向键选择，回车打开":
        "{n} results: choose with the up and down arrow keys, open with Enter",
    "要素信息": "Feature details", "关闭": "Close", "放大": "Zoom in", "缩小": "Zoom out",
    "綦江区地图": "Map of Qijiang District", "地图上以虚线表示（规划/在建）": "drawn dashed on the map (planned / under construction)",
    "地图上以点线表示（示意位置）": "drawn dotted on the map (schematic position)", "实线": "solid line",
    "虚线": "dashed line", "点线": "dotted line", "不绘制，列在图例中": "not drawn, listed in the legend",
    "顺序已更新：第 1 名是 {name}（共 {n} 个园区）": "Order updated: first is {name} ({n} parks)",
    "跳到正文": "Skip to content", "网站导航": "Site navigation", "跳到地图": "Skip to the map",
    "园区地图": "Park map", "园区排名": "Park ranking",
    "园区排名：按当前权重的总分排序；点列标题改变排序。":
        "Park ranking by total score under the current weights; use a column heading to change the order.",
    "各走廊服务范围内的对象": "What each corridor's catchment serves", "图表数据：服务对象数量":
        "Chart data: number of features served", "比较结果已更新": "Comparison updated",
    "服务对象数量（数据见下表）": "Features served (data in the table below)", "图表数据（表格）": "Chart data (table)",
    "园区对比：每列一个园区，★ 为该行最优的已知值": "Park comparison: one column per park, ★ marks the best known value of a row",
    "走廊列表：勾选至少两条后比较": "Corridors: tick at least two to compare them",
    "在地图上显示": "Show on the map",
    "绘制拟建线路": "Draw a proposed line",
    "底图": "Base map",
}


def main() -> int:
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        text = TRANSLATIONS.get(message.id)
        if text:
            message.string = text
            message.flags.discard("fuzzy")
        elif not message.string:
            missing.append(message.id)
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=100)
    with PO.with_suffix(".mo").open("wb") as fh:
        write_mo(fh, catalog)
    for msgid in missing:
        print(f"untranslated: {msgid}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
