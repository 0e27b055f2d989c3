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
    # curation (issue 14): sign-in, account, editing tools, history
    "令牌已撤销": "Token revoked", "用户名或密码错误": "Wrong user name or password",
    "表单已过期或不完整，请重试": "The form expired or is incomplete; please try again",
    "新建": "created", "修改": "Change", "删除": "Delete", "撤销": "revert", "编辑": "Edit", "新建要素": "New feature",
    "保存": "Save", "取消": "Cancel",
    "确定删除这个要素吗？此操作会记录在历史中，可以撤销。": "Delete this feature? The deletion is recorded in the history and can be reverted.",
    "在地图上点击放置": "Click the map to place", "画线": "Draw a line", "画多边形": "Draw a polygon",
    "选择街道/镇（面状位置）": "Choose a subdistrict/town (area position)", "移动/修改形状": "Move / reshape",
    "取消定位": "Unplace", "位置": "Position", "必填": "required", "已保存": "Saved",
    "保存被拒绝：该要素在你打开之后已被修改。下面是两个版本；你的输入仍保留在表单中。":
        "Save refused: the feature was changed after you opened it. Both versions are below; your input is still in the form.",
    "服务器上的当前版本": "Current version on the server", "你的版本": "Your version", "保存失败": "Save failed",
    "每次保存都必须填写来源、位置精度和数据截至日期。": "Every save must give a source, the positional accuracy and an as-of date.",
    "当前值": "current value", "修改历史": "History", "账户": "Account", "退出登录": "Sign out", "已登录": "Signed in",
    "每行一项": "one item per line", "请选择": "choose", "请在地图上点击位置": "Click the map where the feature is",
    "重新载入": "Reload", "需要登录或个人 API 令牌": "Sign-in or a personal API token is required",
    "你没有编辑该图层的权限": "You may not edit this layer", "该要素已被他人修改，未保存": "The feature was changed by someone else; not saved",
    "修改未通过数据检查，未作任何更改": "The edit failed the data check; nothing was changed",
    "缺少或无效的 CSRF 令牌，请刷新页面": "Missing or invalid CSRF token; reload the page",
    "尝试次数过多，请稍后再试": "Too many attempts; try again later", "图层正被写入，请稍后再试": "The layer is being written; try again shortly",
    "没有这条修改记录": "No such change in the history", "最后修改": "Last changed", "来源": "Source",
    "角色": "Role", "管理员": "admin", "可编辑图层": "Layers you may edit", "个人 API 令牌": "Personal API tokens",
    "脚本用 Authorization: Token <令牌> 调用编辑接口。令牌只显示一次，服务器只保存其散列值。":
        "Scripts call the editing API with Authorization: Token <token>. A token is shown once; the server stores only its hash.",
    "新令牌（请现在复制，之后不会再显示）": "New token (copy it now; it will not be shown again)",
    "用途，例如：园区导入脚本": "Purpose, e.g. park import script", "令牌用途": "Token purpose", "创建令牌": "Create token",
    "用途": "Purpose", "创建时间": "Created", "已撤销": "revoked", "有效": "active", "还没有令牌": "No tokens yet",
    "编辑登录": "Editor sign-in", "只有编辑人员需要登录；浏览地图不需要账户。": "Only editors sign in; viewing the map needs no account.",
    "登录": "Sign in", "时间（UTC）": "Time (UTC)", "用户": "User", "属性变化": "Attribute changes", "修改前": "Before",
    "修改后": "After", "属性没有变化": "No attribute changed", "位置变化": "Position change", "位置没有变化": "The position did not change",
    "撤销此修改": "Revert this change", "全部图层": "All layers", "要素编号": "Feature id", "操作": "Action",
    "全部操作": "All actions", "没有符合条件的修改": "No matching changes", "用户名": "User name", "密码": "Password",
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
