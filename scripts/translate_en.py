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
    "参数 %(name)s 有误": "Invalid parameter %(name)s", "没有这个图层": "No such layer", "没有这个要素": "No such feature", "没有这个瓦片": "No such tile",
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
    "参数": "Parameter", "返回地图": "Back to the map", "请求编号": "Request ID", "服务器内部错误，请告知请求编号": "Internal server error; please quote the request ID",
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
    "斜线填充、虚线轮廓": "hatched, dashed outline",
    "地图上以斜线标出所在区域，要素位于其中某处": "the map hatches the area it lies in; the site is somewhere inside",
    # data coverage (/data), area-only sites and distance intervals (issue 12)
    "仅知所在区域（斜线）": "area only (hatched)", "数据覆盖与来源": "Data coverage and sources", "（区间）": "(interval)",
    "每个要素都标有位置精度：实测（约100米内）、近似（约1公里内）、仅知所在区域（图上以斜线标出整个街道/镇，要素位于其中某处，距离以区间表示）、示意（仅供参考）或未定位（没有来源给出位置，不在图上绘出）。":
        "Every feature carries a positional accuracy class: surveyed (within ~100 m), approximate (within ~1 km), "
        "area only (the map hatches the whole subdistrict or town the feature lies somewhere in, and distances are "
        "given as intervals), schematic (indicative only) or unplaced (no source gives a position; not drawn).",
    "各图层按位置精度统计的要素数": "Features per layer by positional accuracy class", "合计": "Total", "已绘出": "Drawn",
    "未定位的要素及原因": "Unplaced features and why", "所有要素都已定位。": "Every feature is placed.",
    "来源与许可": "Sources and licences",
    "数据来源、许可与坐标系核查；每个要素的 source 字段给出具体出处。":
        "Where the data comes from, its licence and its datum check; each feature's source field cites the exact origin.",
    "来源": "Source", "位置": "Where", "许可": "Licence", "坐标系核查": "Datum check", "用于图层": "Used in layers",
    "本数据目录没有来源登记（sources.toml）。": "This data directory has no source register (sources.toml).",
    "源自 OpenStreetMap 的数据 © OpenStreetMap 贡献者，ODbL 1.0。":
        "Data derived from OpenStreetMap © OpenStreetMap contributors, ODbL 1.0.",
    "（区间：位置仅知所在区域）": "(interval: the site is known only to lie in an area)",
    # issue 16: network through time, coverage, PDF fact sheets, drawing toolbar, translated error details
    "拟建线路太长，无法放入链接（上限 {max} 个字符）：分享时请一并发送线路文件。":
        "The proposed line is too long for a link (limit {max} characters): send the line file along when sharing.",
    "占全区面积": "Share of the district", "区内覆盖面积（平方公里）": "Area covered in the district (km²)",
    "覆盖的镇街（按覆盖比例）": "Towns reached (by covered share)",
    "服务半径 buffer_m 须在 %(min)s 至 %(max)s 米之间，收到 %(got)s":
        "buffer_m must be between %(min)s and %(max)s metres, got %(got)s",
    "服务半径 buffer_m 须是以米计的数字": "buffer_m must be a number of metres",
    "请比较 %(min)s 至 %(max)s 条走廊（含拟建线路），收到 %(got)s 条":
        "compare %(min)s to %(max)s corridors (ids plus a proposed line); got %(got)s",
    "没有这些走廊编号：%(ids)s；列表见 /corridors": "unknown corridor id(s): %(ids)s; see /corridors for the list",
    "走廊 %(ids)s 没有来源几何，无法做空间比较": "corridor %(ids)s has no sourced geometry and cannot be compared spatially",
    "ids 中 %(ids)s 重复出现": "ids lists %(ids)s more than once",
    "%(p)s 须是 %(min)s 至 %(max)s 之间的年份，收到 %(got)s": "%(p)s must be a year between %(min)s and %(max)s, got %(got)s",
    "请同时给出之前和之后的年份（如 ?before=2015&after=2020）": "give both before and after years (e.g. ?before=2015&after=2020)",
    "之后的年份（%(after)s）须晚于之前的年份（%(before)s）": "after (%(after)s) must be a later year than before (%(before)s)",
    "%(p)s 有 %(n)s 个字符，链接最多容纳 %(max)s 个：请改为上传线路文件":
        "%(p)s is %(n)s characters long; a link holds at most %(max)s: upload the line as a file instead",
    "%(p)s 不是有效的编码折线（encoded polyline）": "%(p)s is not a valid encoded polyline",
    "%(p)s：坐标 %(pos)s 在綦江范围之外（经纬度须为 WGS-84，是否把经纬度写反了？）":
        "%(p)s: position %(pos)s is outside the Qijiang region (lon/lat, WGS-84; swapped axes?)",
    "%(p)s 有 %(n)s 个顶点，最多接受 %(max)s 个（请先简化线路）":
        "%(p)s has %(n)s vertices; at most %(max)s are accepted (simplify the line first)",
    "上传的文件是空的": "the uploaded file is empty",
    "没有编号为 %(id)s 的产业园区；列表见 /parks": "no industrial park with id %(id)s; see /parks for the list",
    "没有编号为 %(id)s 的图层；列表见 /api/layers": "no layer with id %(id)s; see /api/layers for the list",
    "没有编号为 %(id)s 的要素": "no feature with id %(id)s", "图层 %(id)s 暂不可用：%(why)s": "layer %(id)s is unavailable: %(why)s",
    "%(path)s 处没有内容；API 从 /api/layers 开始": "nothing at %(path)s; the API starts at /api/layers",
    "请求内容超过 %(n)s 字节的上限": "request body is larger than the limit of %(n)s bytes",
    "%(path)s 不接受 %(m)s 请求": "%(m)s is not allowed on %(path)s",
    "搜索词 q 为空：请输入名称的一部分（中文或英文）": "q is empty: give part of a name in Chinese or English",
    "%(p)s 须是大于等于 0 的有限数字，收到 %(got)s": "%(p)s must be a finite number >= 0, got %(got)s",
    "%(p)s 须是数字，收到 %(got)s": "%(p)s must be a number, got %(got)s",
    "所有权重都为零（只有选择了产业时，产业匹配才计分）：请至少给一个指标权重":
        "all weights are zero (industry counts only with an industry selected): give at least one criterion a weight",
    "按年份查看": "Network as of year", "全部年份（现状与规划）": "All years (today and plans)",
    "{year} 年的网络": "The network in {year}", "年份未知": "Year unknown", "{n} 个晚于该年": "{n} later",
    "规划线路仅在 {present} 年以后的年份以虚线显示；年份未知的要素不绘制，列在图例中。":
        "Plans appear dashed only for years after {present}; features without a sourced year are not drawn but listed in the legend.",
    "取消绘制": "Cancel drawing", "取消": "Cancel", "完成绘制": "Finish drawing", "完成": "Finish",
    "删除最后一个点": "Delete last point drawn", "删除最后一点": "Delete last point", "画线": "Draw a polyline",
    "画多边形": "Draw a polygon", "画矩形": "Draw a rectangle", "画圆": "Draw a circle", "放置标记": "Draw a marker",
    "放置圆形标记": "Draw a circlemarker", "错误：线段不能交叉！": "Error: shape edges cannot cross!",
    "单击开始画线。": "Click to start drawing line.", "单击继续画线。": "Click to continue drawing line.",
    "单击最后一点结束画线。": "Click last point to finish line.", "单击开始画形状。": "Click to start drawing shape.",
    "单击继续画形状。": "Click to continue drawing shape.", "单击第一个点闭合形状。": "Click first point to close this shape.",
    "单击并拖动画矩形。": "Click and drag to draw rectangle.", "单击并拖动画圆。": "Click and drag to draw circle.",
    "半径": "Radius", "单击地图放置标记。": "Click map to place marker.",
    "单击地图放置圆形标记。": "Click map to place circle marker.", "松开鼠标完成绘制。": "Release mouse to finish drawing.",
    "保存修改": "Save changes", "保存": "Save", "取消编辑，放弃所有修改": "Cancel editing, discards all changes",
    "清除所有图层": "Clear all layers", "全部清除": "Clear All", "编辑图层": "Edit layers",
    "没有可编辑的图层": "No layers to edit", "删除图层": "Delete layers", "没有可删除的图层": "No layers to delete",
    "拖动控制点或标记以编辑。": "Drag handles or markers to edit features.", "点“取消”放弃修改。": "Click cancel to undo changes.",
    "单击要删除的要素。": "Click on a feature to remove.",
    "规划面积": "Planned area", "建成面积": "Built area", "设立时间": "Established", "称号与认定": "Designations",
    "重点企业": "Key enterprises", "本园区": "this park", "来源": "Source", "主要数字": "Key figures",
    "排名依据（当前权重）": "Why it ranks here (current weights)", "各位置的精度": "Accuracy of every position",
    "园区（橙色）及最近的互通、车站、枢纽、区政府驻地和更新社区（蓝色，虚线为连线）；坐标为 UTM 48N（公里）。":
        "The park (orange) and the nearest interchange, station, hub, district seat and renovated communities "
        "(blue, dashed connecting lines); coordinates in UTM 48N (km).",
    "未定位：没有来源给出该园区的位置，因此地图只显示全区，距离未知。":
        "Unplaced: no source gives this park's position, so the map shows the whole district and distances are unknown.",
    "距离在 UTM 48N（EPSG:32648）中从园区几何到目标几何量取。评分 0–100，缺数据的指标得 0 分。":
        "Distances are measured in UTM 48N (EPSG:32648) from the park geometry to the target geometry. "
        "Score 0–100; a criterion without data scores 0.",
    "所用权重": "Weights used", "区内长度": "Length in district", "镇街（标注点）": "Towns (label point)",
    "服务范围内园区面积": "Park area in catchment", "区内覆盖面积": "Area covered in district",
    "线路（有几何）": "Corridors (with geometry)", "线路（未定位，不计面积）": "Corridors (unplaced, no area)",
    "年份未知（未计入）": "Year unknown (not counted)", "新增": "Added", "走廊网络前后比较": "Corridor network: before / after",
    "各走廊及其服务范围（彩色），区界和镇街为灰线；坐标为 UTM 48N（公里）。":
        "Each corridor and its catchment (colours); district and towns in grey; coordinates in UTM 48N (km).",
    "灰色：之前网络的服务范围；蓝色：之后网络的服务范围；坐标为 UTM 48N（公里）。":
        "Grey: the earlier network's catchment; blue: the later network's; coordinates in UTM 48N (km).",
    "缓冲区和面积均在 UTM 48N（EPSG:32648）中计算；覆盖比例按区界和镇街图层的多边形计算。没有镇街人口普查数字，因此不列人口。":
        "Buffers and areas are computed in UTM 48N (EPSG:32648); shares use the district and town polygons. "
        "No township census figures exist, so no population is given.",
    "某年的网络：该年或之前开通的铁路和高速公路；规划线路只在晚于今年的年份计入；年份未知的线路不计入。":
        "The network of a year: railways and expressways opened in or before it; plans count only for years after "
        "this one; corridors without a sourced year are left out.",
    "下载 PDF": "Download PDF",
    "覆盖比例 = 服务范围内的面积 ÷ 全区（或镇街）面积，按区界和镇街图层的多边形在 UTM 48N 中计算。没有镇街人口普查数字，因此不列人口。":
        "Covered share = area inside the catchment ÷ area of the district (or town), from the district and town "
        "polygons in UTM 48N. No township census figures exist, so no population is given.",
    "与今年的网络比较": "Compare with today's network", "网络前后比较": "Network before / after",
    "%(year)s 年的网络：晚于该年开通的 %(n)s 条线路未列出；规划线路只在晚于今年（%(present)s）的年份列出。":
        "The network in %(year)s: %(n)s corridors opened later are not listed; plans are listed only for years after "
        "this one (%(present)s).",
    "服务范围占全区（%(m)s 米）": "Catchment share of district (%(m)s m)", "之前（年份 A）": "Before (year A)",
    "之后（年份 B）": "After (year B)",
    "某年的网络：该年或之前开通的铁路和高速公路；规划线路只在晚于今年（%(present)s）的年份计入。年份未知或没有来源几何的线路单独列出，不参与面积计算。":
        "The network of a year: railways and expressways opened in or before it; plans count only for years after "
        "this one (%(present)s). Corridors without a sourced year or geometry are listed apart and not measured.",
    "新增（%(after)s 比 %(before)s）": "Added (%(after)s vs %(before)s)",
    "缓冲区和面积均在 UTM 48N（EPSG:32648，米）中计算；各线路的服务范围合并后再计面积。":
        "Buffers and areas are computed in UTM 48N (EPSG:32648, metres); the corridors' catchments are merged "
        "before areas are measured.",
    "镇街覆盖比例 = 服务范围内的镇街面积 ÷ 镇街面积（按镇街图层的多边形）。没有镇街人口普查数字，因此不列人口。":
        "Town share = town area inside the catchment ÷ town area (town layer polygons). No township census figures "
        "exist, so no population is given.",
    "园区、枢纽和社区按其现状位置计，不按其设立年份筛选。":
        "Parks, hubs and communities are counted where they are today, not filtered by their own founding year.",
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
