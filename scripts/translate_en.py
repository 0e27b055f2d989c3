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
