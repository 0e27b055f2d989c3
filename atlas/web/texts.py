"""The browser's UI texts in the request's language: the map's controls and leaflet-draw's toolbar (shared by
the map, parks and corridors pages)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from atlas.web.i18n import current_lang, lang_url


def accuracy_drawing_strings() -> dict[str, dict[str, str]]:
    """How each accuracy class is drawn, in words: for the legend (``accuracy_drawn``) and for popups
    (``popup_drawn``, only where the symbol differs from a plain one). Colour and dash pattern are never the
    only carriers of meaning (WCAG 1.4.1); a new accuracy class gets its words here, next to its style."""
    return {
        "accuracy_drawn": {
            "surveyed": _("实线"),
            "approximate": _("实线"),
            "area": _("斜线填充、虚线轮廓"),
            "schematic": _("点线"),
            "unplaced": _("不绘制，列在图例中"),
        },
        "popup_drawn": {
            "schematic": _("地图上以点线表示（示意位置）"),
            "area": _("地图上以斜线标出所在区域，要素位于其中某处"),
        },
    }


def map_strings() -> dict[str, str]:
    """The browser map's UI texts in the request's language (keys as used in static/js/atlas/)."""
    return {
        "legend": _("图例"),
        "line_style": _("线型"),
        "existing": _("现状/运营"),
        "planned": _("规划/在建"),
        "schematic": _("示意位置"),
        "area_only": _("仅知所在区域（斜线）"),
        "data_link": _("数据覆盖与来源"),
        "data_url": url_for("pages.data_coverage", lang=current_lang()),
        "unavailable": _("暂不可用"),
        "as_of": _("截至"),
        "unknown": _("未知"),
        "unplaced": _("未定位"),
        "unplaced_features": _("未定位要素"),
        "unplaced_long": _("未定位（没有可靠来源的位置）"),
        "search": _("搜索名称"),
        "search_label": _("按名称搜索（中文或英文）"),
        "no_match": _("无结果"),
        "zoom_to_district": _("缩放至全区"),
        "yes": _("是"),
        "no": _("否"),
        "osm_credit": _("铁路线形"),
        "fullscreen": _("全屏"),
        "fullscreen_exit": _("退出全屏"),
        "unavailable_suffix": _("（不可用）"),
        "switch_lang": "English" if current_lang() == "zh" else "中文",
        "switch_lang_url": lang_url("en" if current_lang() == "zh" else "zh"),
        "switch_lang_title": _("切换语言"),
        "last_changed": _("最后修改"),
        "change_source": _("来源"),
        "year_label": _("按年份查看"),
        "year_all": _("全部年份（现状与规划）"),
        "year_as_of": _("{year} 年的网络"),
        "year_unknown": _("年份未知"),
        "year_later": _("{n} 个晚于该年"),
        "year_note": _("规划线路仅在 {present} 年以后的年份以虚线显示；年份未知的要素不绘制，列在图例中。"),
        "search_results": _("搜索结果"),
        "results_count": _("找到 {n} 个结果，用上下方向键选择，回车打开"),
        "popup": _("要素信息"),
        "close": _("关闭"),
        "zoom_in": _("放大"),
        "zoom_out": _("缩小"),
        "layers": _("图层"),
        "basemap": _("底图"),
        "map_label": _("綦江区地图"),
        "accuracy_title": _("位置精度"),
        "drawn_dashed": _("地图上以虚线表示（规划/在建）"),
        "line_solid": _("实线"),
        "line_dashed": _("虚线"),
        "line_dotted": _("点线"),
        **accuracy_drawing_strings(),
        "measure": {
            "draw": draw_strings(),
            "measure_distance": _("测量距离"),
            "measure_area": _("测量面积"),
            "measure_clear": _("清除测量"),
            "distance": _("距离"),
            "area": _("面积"),
            "perimeter": _("周长"),
            "km": _("公里"),
            "ha": _("公顷"),
            "km2": _("平方公里"),
        },
    }


def draw_strings() -> dict:
    """leaflet-draw's toolbar and tooltip texts (L.drawLocal, same nesting) in the request's language."""
    cancel = {"title": _("取消绘制"), "text": _("取消")}
    return {
        "draw": {
            "toolbar": {
                "actions": cancel,
                "finish": {"title": _("完成绘制"), "text": _("完成")},
                "undo": {"title": _("删除最后一个点"), "text": _("删除最后一点")},
                "buttons": {
                    "polyline": _("画线"),
                    "polygon": _("画多边形"),
                    "rectangle": _("画矩形"),
                    "circle": _("画圆"),
                    "marker": _("放置标记"),
                    "circlemarker": _("放置圆形标记"),
                },
            },
            "handlers": {
                "polyline": {
                    "error": _("错误：线段不能交叉！"),
                    "tooltip": {
                        "start": _("单击开始画线。"),
                        "cont": _("单击继续画线。"),
                        "end": _("单击最后一点结束画线。"),
                    },
                },
                "polygon": {
                    "tooltip": {
                        "start": _("单击开始画形状。"),
                        "cont": _("单击继续画形状。"),
                        "end": _("单击第一个点闭合形状。"),
                    }
                },
                "rectangle": {"tooltip": {"start": _("单击并拖动画矩形。")}},
                "circle": {"tooltip": {"start": _("单击并拖动画圆。")}, "radius": _("半径")},
                "marker": {"tooltip": {"start": _("单击地图放置标记。")}},
                "circlemarker": {"tooltip": {"start": _("单击地图放置圆形标记。")}},
                "simpleshape": {"tooltip": {"end": _("松开鼠标完成绘制。")}},
            },
        },
        "edit": {
            "toolbar": {
                "actions": {
                    "save": {"title": _("保存修改"), "text": _("保存")},
                    "cancel": {"title": _("取消编辑，放弃所有修改"), "text": _("取消")},
                    "clearAll": {"title": _("清除所有图层"), "text": _("全部清除")},
                },
                "buttons": {
                    "edit": _("编辑图层"),
                    "editDisabled": _("没有可编辑的图层"),
                    "remove": _("删除图层"),
                    "removeDisabled": _("没有可删除的图层"),
                },
            },
            "handlers": {
                "edit": {"tooltip": {"text": _("拖动控制点或标记以编辑。"), "subtext": _("点“取消”放弃修改。")}},
                "remove": {"tooltip": {"text": _("单击要删除的要素。")}},
            },
        },
    }
