"""Controlled vocabularies shared by every layer: families, statuses, accuracy classes, kinds."""

from __future__ import annotations

FAMILIES: dict[str, tuple[str, str]] = {
    "corridor": ("交通走廊", "Transport corridors"),
    "park": ("产业园区", "Industrial parks"),
    "hub": ("物流枢纽", "Logistics hubs"),
    "community": ("更新社区", "Renovated communities"),
    "context": ("底图与参考", "Base & reference"),
}

# what a layer takes part in, declared as ``roles = [...]`` in its layers/*.toml; every list of layers a
# feature works on derives from these (``Catalog.with_role``), never from ids written in code
ROLES: dict[str, tuple[str, str]] = {
    "corridor": ("可比较的交通走廊", "a corridor compared on the planner view"),
    "network": ("交通网络线路（年份对比、情景）", "a transport line of the network (year comparison, scenarios)"),
    "served": ("计入走廊服务对象", "counted in what a corridor serves"),
    "site": ("可能仅知所在区域的地点", "sites that may be known only by the area they lie in"),
    "stations": ("线路的车站与互通", "the stations and interchanges of the lines"),
    "boundary": ("区界", "the district outline"),
    "townships": ("街道与镇（覆盖比例、区域位置）", "the subdistricts and towns (covered shares, area positions)"),
}

STATUSES: dict[str, tuple[str, str]] = {
    "operating": ("运营中", "operating"),
    "under_construction": ("在建", "under construction"),
    "planned": ("规划", "planned"),
    "designated": ("已认定", "designated"),
    "existing": ("现状", "existing"),
    "unknown": ("未知", "unknown"),
}

# accuracy: surveyed ~100 m, approximate ~1 km, area = a source places the site only inside an area
# (its geometry is that area, usually a 街道/镇 polygon, never a point), schematic = indicative only,
# unplaced = no sourced position at all (geometry is null).
ACCURACY: dict[str, tuple[str, str]] = {
    "surveyed": ("实测（约100米内）", "surveyed (within ~100 m)"),
    "approximate": ("近似（约1公里内）", "approximate (within ~1 km)"),
    "area": ("仅知所在区域（位于轮廓内某处）", "area only (somewhere inside the outline)"),
    "schematic": ("示意（仅供参考）", "schematic (indicative only)"),
    "unplaced": ("未定位（无可靠位置）", "unplaced (no sourced position)"),
}

KINDS: dict[str, tuple[str, str]] = {
    "district": ("区界", "district"),
    "neighbour": ("相邻区县", "neighbouring district"),
    "subdistrict": ("街道", "subdistrict"),
    "town": ("镇", "town"),
    "government_seat": ("区政府驻地", "government seat"),
    "new_town": ("新城", "new town"),
    "scenic_area": ("景区", "scenic area"),
    "protected_area": ("保护地", "protected area"),
    "village": ("村", "village"),
    "reservoir": ("水库", "reservoir"),
    "urban_area": ("城区片区", "urban area"),
    "railway": ("铁路", "railway"),
    "high_speed_railway": ("高速铁路", "high-speed railway"),
    "expressway": ("高速公路", "expressway"),
    "national_road": ("国道", "national road"),
    "river": ("河流", "river"),
    "station": ("车站", "station"),
    "interchange": ("互通立交", "interchange"),
    "bridge": ("桥梁", "bridge"),
    "freight_yard": ("货场/编组站", "freight yard"),
    "industrial_park": ("产业园区", "industrial park"),
    "park_cluster": ("工业园区（总体）", "industrial park (umbrella)"),
    "logistics_park": ("物流园", "logistics park"),
    "logistics_designation": ("功能区认定", "designated zone"),
    "port": ("口岸", "port of entry"),
    "freight_base": ("集散分拨基地", "freight distribution base"),
    "renovated_community": ("老旧小区改造", "renovated community"),
}

UNKNOWN = ("未知", "unknown")


def label(vocab: dict[str, tuple[str, str]], key: str | None, lang: str = "zh") -> str:
    """Return the zh or en label of a vocabulary key, or the key itself if it is not listed."""
    if key is None or key == "":
        return UNKNOWN[0 if lang == "zh" else 1]
    pair = vocab.get(key)
    if pair is None:
        return str(key)
    return pair[0 if lang == "zh" else 1]


# the vocabularies a page or sheet translates values with, by property name
VOCABULARIES: dict[str, dict[str, tuple[str, str]]] = {"accuracy": ACCURACY, "status": STATUSES, "kind": KINDS}
