"""Error details in the request's language: the domain raises English details (they name parameters and
values exactly); for a Chinese request the details users meet most are given in Chinese as well.

Each entry matches an English detail (regex with named groups) and gives the Chinese gettext message
that replaces it; the groups fill its placeholders. Unmatched details stay as they are.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _


def _patterns() -> list[tuple[re.Pattern, str]]:
    # msgids are literal here so pybabel extracts them; _() runs per request (language of the request)
    table = [
        (
            r"buffer_m must be between (?P<min>\S+) and (?P<max>\S+) metres, got (?P<got>.*)",
            _("服务半径 buffer_m 须在 %(min)s 至 %(max)s 米之间，收到 %(got)s"),
        ),
        (r"buffer_m must be a number of metres(?:, got (?P<got>.*))?", _("服务半径 buffer_m 须是以米计的数字")),
        (
            r"compare (?P<min>\d+) to (?P<max>\d+) corridors \(ids plus a proposed line\); got (?P<got>\d+)",
            _("请比较 %(min)s 至 %(max)s 条走廊（含拟建线路），收到 %(got)s 条"),
        ),
        (
            r"unknown corridor id\(s\): (?P<ids>.*); see /corridors for the list",
            _("没有这些走廊编号：%(ids)s；列表见 /corridors"),
        ),
        (
            r"corridor (?P<ids>.*) has no sourced geometry and cannot be compared spatially",
            _("走廊 %(ids)s 没有来源几何，无法做空间比较"),
        ),
        (r"ids lists (?P<ids>.*) more than once", _("ids 中 %(ids)s 重复出现")),
        (
            r"(?P<p>\w+) must be a year between (?P<min>\d+) and (?P<max>\d+), got (?P<got>.*)",
            _("%(p)s 须是 %(min)s 至 %(max)s 之间的年份，收到 %(got)s"),
        ),
        (r"give both before and after years.*", _("请同时给出之前和之后的年份（如 ?before=2015&after=2020）")),
        (
            r"after \((?P<after>\d+)\) must be a later year than before \((?P<before>\d+)\)",
            _("之后的年份（%(after)s）须晚于之前的年份（%(before)s）"),
        ),
        (
            r"(?P<p>\w+) is (?P<n>\d+) characters long; a link holds at most (?P<max>\d+): upload the line as a file instead",
            _("%(p)s 有 %(n)s 个字符，链接最多容纳 %(max)s 个：请改为上传线路文件"),
        ),
        (r"(?P<p>\w+) is not (?:an|a complete) encoded polyline.*", _("%(p)s 不是有效的编码折线（encoded polyline）")),
        (
            r"(?P<p>\w+): position (?P<pos>.*) is outside the Qijiang region.*",
            _("%(p)s：坐标 %(pos)s 在綦江范围之外（经纬度须为 WGS-84，是否把经纬度写反了？）"),
        ),
        (
            r"(?P<p>\w+) has (?P<n>\d+) vertices; at most (?P<max>\d+) are accepted.*",
            _("%(p)s 有 %(n)s 个顶点，最多接受 %(max)s 个（请先简化线路）"),
        ),
        (r"the uploaded file is empty", _("上传的文件是空的")),
        (
            r"no industrial park with id (?P<id>.*); see /parks for the list",
            _("没有编号为 %(id)s 的产业园区；列表见 /parks"),
        ),
        (
            r"no layer with id (?P<id>.*); see /api/layers for the list",
            _("没有编号为 %(id)s 的图层；列表见 /api/layers"),
        ),
        (r"no feature with id (?P<id>.*)", _("没有编号为 %(id)s 的要素")),
        (r"layer (?P<id>\S+) is unavailable: (?P<why>.*)", _("图层 %(id)s 暂不可用：%(why)s")),
        (r"nothing at (?P<path>.*); the API starts at /api/layers", _("%(path)s 处没有内容；API 从 /api/layers 开始")),
        (r"request body is larger than the limit of (?P<n>\d+) bytes", _("请求内容超过 %(n)s 字节的上限")),
        (r"(?P<m>[A-Z]+) is not allowed on (?P<path>.*)", _("%(path)s 不接受 %(m)s 请求")),
        (
            r"q is empty: give part of a name in Chinese or English",
            _("搜索词 q 为空：请输入名称的一部分（中文或英文）"),
        ),
        (
            r"(?P<p>\w+) must be a finite number >= 0, got (?P<got>.*)",
            _("%(p)s 须是大于等于 0 的有限数字，收到 %(got)s"),
        ),
        (r"(?P<p>\w+) must be a number, got (?P<got>.*)", _("%(p)s 须是数字，收到 %(got)s")),
        # scenarios (issue 25)
        (
            r"the request body must be a GeoJSON FeatureCollection(?: \((?P<why>.*)\))?",
            _("请求内容须是 GeoJSON 要素集合（FeatureCollection）：%(why)s"),
        ),
        (
            r"the scenario must be a GeoJSON FeatureCollection, got (?P<got>.*)",
            _("情景须是 GeoJSON 要素集合（FeatureCollection），收到 %(got)s"),
        ),
        (r"the scenario's 'features' must be a list", _("情景的 features 须是列表")),
        (
            r"the scenario is empty: add at least one proposed line or point",
            _("情景为空：请至少添加一条拟建线路或一个拟建点"),
        ),
        (
            r"the scenario has (?P<n>\d+) features; at most (?P<max>\d+) are accepted",
            _("情景有 %(n)s 个要素，最多接受 %(max)s 个"),
        ),
        (
            r"the scenario has (?P<n>\d+) vertices; at most (?P<max>\d+) are accepted.*",
            _("情景共有 %(n)s 个顶点，最多接受 %(max)s 个（请先简化线路）"),
        ),
        (r"the scenario lists id (?P<id>.*) more than once", _("情景中编号 %(id)s 重复出现")),
        (
            r"(?P<p>features\[\d+\]\.geometry): position (?P<pos>.*) is outside the Qijiang region.*",
            _("%(p)s：坐标 %(pos)s 在綦江范围之外（经纬度须为 WGS-84，是否把经纬度写反了？）"),
        ),
        (r"(?P<p>features\[\d+\]\.geometry): (?P<why>.*)", _("%(p)s：几何不可用（%(why)s）")),
        (
            r"(?P<p>features\[\d+\])\.kind: unknown kind (?P<got>.*); use one of (?P<kinds>.*)",
            _("%(p)s.kind：未知类型 %(got)s；可用类型：%(kinds)s"),
        ),
        (r"(?P<p>features\[\d+\])\.status must be 'proposed'.*", _("%(p)s.status 须为 proposed（情景只添加拟建工程）")),
        (r"(?P<p>features\[\d+\])\.id must be .*", _("%(p)s.id 须为 1 至 41 个小写字母、数字或连字符")),
        (r"(?P<p>features\[\d+\]\.\w+) must be text", _("%(p)s 须是文本")),
        (r"(?P<p>features\[\d+\]) must be a GeoJSON Feature", _("%(p)s 须是 GeoJSON 要素（Feature）")),
        (r"(?P<p>\w+) is not a scenario link made by the atlas", _("%(p)s 不是本地图集生成的情景链接")),
        (
            r"(?P<p>\w+) is (?P<n>\d+) characters long; a link holds at most (?P<max>\d+): save the scenario.*",
            _("%(p)s 有 %(n)s 个字符，链接最多容纳 %(max)s 个：请保存情景或上传文件"),
        ),
        (r"give the scenario as a JSON body.*", _("请以 JSON 请求体（POST）或分享链接的 s 参数给出情景")),
        (r"changed must be 1 or 0, got (?P<got>.*)", _("changed 须为 1 或 0，收到 %(got)s")),
        (r"all weights are zero.*", _("所有权重都为零（只有选择了产业时，产业匹配才计分）：请至少给一个指标权重")),
    ]
    return [(re.compile(rf"^{pattern}$", re.S), text) for pattern, text in table]


def translated_message(message: str, lang: str) -> str:
    """``message`` for a request in ``lang``: the details listed above in Chinese, anything else unchanged."""
    if lang == "en" or not isinstance(message, str):
        return message
    for pattern, text in _patterns():  # error paths only; re caches the compiled patterns
        match = pattern.match(message)
        if match:
            return text % {k: (v if v is not None else "") for k, v in match.groupdict().items()}
    return message
