"""A park's surroundings (nearest targets with connecting lines) and the compare table; no Flask.

Lines and distances are computed in METRIC_CRS from the park geometry (shapely ``shortest_line``);
the lines are returned in WGS-84 GeoJSON for the map.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
from shapely.geometry import mapping, shape

from atlas.analysis import METRIC_CRS, WGS84, to_metric
from atlas.analysis.nearest import connecting_lines_m, distance_interval_m, k_nearest_m
from atlas.parks.criteria import all_criteria, distance_criteria
from atlas.parks.targets import park_targets
from atlas.stores.base import Store

COMMUNITY_COUNT = 3
TARGET_FIELDS = ("id", "name_zh", "name_en", "kind", "accuracy", "source", "as_of")


def _to_wgs84(geometries_m: gpd.GeoSeries) -> list[dict]:
    return [mapping(g) for g in geometries_m.to_crs(WGS84)]


def nearest_items(park_geometry, frame: gpd.GeoDataFrame, k: int, park_is_area: bool = False) -> list[dict]:
    """The ``k`` features of ``frame`` (WGS-84) nearest the park geometry, with distance (m) and lines.

    Where the park or an item is an ``area`` site, ``interval`` gives [nearest, farthest] in metres.
    """
    park_m = gpd.GeoSeries([park_geometry], crs=WGS84).to_crs(METRIC_CRS).iloc[0]
    placed_m = to_metric(frame)
    if placed_m.empty:
        return []
    nearest = k_nearest_m(park_m, placed_m, k)
    chosen = placed_m.set_index("id", drop=False).loc[nearest["id"]]
    lines = _to_wgs84(connecting_lines_m(park_m, chosen.geometry))
    shapes = _to_wgs84(chosen.geometry)
    items = []
    for i, (_, row) in enumerate(chosen.iterrows()):
        item = {name: row.get(name) for name in TARGET_FIELDS}
        item.update(
            distance_m=round(float(nearest["distance_m"].iloc[i]), 1),
            line=lines[i],
            geometry=shapes[i],
            interval=_interval(park_m, park_is_area, row),
        )
        items.append(item)
    return items


def _interval(park_m, park_is_area: bool, row) -> list[float] | None:
    item_is_area = row.get("accuracy") == "area"
    if not (park_is_area or item_is_area):
        return None
    near, far = distance_interval_m(park_m, park_is_area, [(row.geometry, item_is_area)])
    return [round(near, 1), round(far, 1)]


def surroundings(store: Store, feature: dict) -> dict:
    """The nearest target of each distance criterion and the nearest renovated communities of a placed park."""
    if feature["geometry"] is None:
        return {"placed": False, "targets": [], "communities": []}
    geometry = shape(feature["geometry"])
    is_area = feature["properties"].get("accuracy") == "area"
    targets = park_targets(store)
    found = []
    for crit in distance_criteria():
        label = {"criterion": crit.key, "label_zh": crit.label_zh, "label_en": crit.label_en}
        items = nearest_items(geometry, targets[crit.key], 1, is_area)
        # no placed target of this kind: listed as such, never given an invented distance
        found.extend([{**item, **label} for item in items] or [{**label, "id": None, "distance_m": None}])
    communities = nearest_items(geometry, store.usable("communities").frame(), COMMUNITY_COUNT, is_area)
    return {"placed": True, "targets": found, "communities": communities}


def best_flags(values: Sequence[float | None], higher_is_better: bool = True) -> list[bool]:
    """Mark the best known value(s) of a row (ties all marked); unknown values are never best."""
    known = [v for v in values if v is not None]
    if not known:
        return [False] * len(values)
    best = max(known) if higher_is_better else min(known)
    return [v is not None and v == best for v in values]


def _row(key: str, label_zh: str, label_en: str, values: list, *, higher: bool | None, unit: str = "") -> dict:
    flags = best_flags(values, higher) if higher is not None else [False] * len(values)
    return {
        "key": key,
        "label_zh": label_zh,
        "label_en": label_en,
        "unit": unit,
        "values": values,
        "best": flags,
        "numeric": higher is not None,
    }


AREA_ROWS = (("planned_area_km2", "规划面积", "Planned area"), ("built_area_km2", "建成面积", "Built area"))
TEXT_ROWS = (
    ("industries", "主导产业", "Leading industries"),
    ("designations", "称号与认定", "Designations"),
    ("enterprises", "重点企业", "Key enterprises"),
    ("status", "状态", "Status"),
    ("accuracy", "位置精度", "Positional accuracy"),
    ("source", "来源", "Source"),
    ("as_of", "数据截至", "As of"),
)


def _metric_rows(entries: list[dict]) -> list[dict]:
    """Score, known criteria, then each criterion's value and points, one column per ranking entry."""
    rows = [
        _row("score", "评分（0–100）", "Score (0–100)", [e["score"] for e in entries], higher=True),
        _row("known_criteria", "已知指标数", "Known criteria", [e["known_criteria"] for e in entries], higher=True),
    ]
    for crit in all_criteria():
        metric = [e["metrics"][crit.key] for e in entries]
        values = [m["value"] for m in metric]
        rows.append(_row(crit.key, crit.label_zh, crit.label_en, values, higher=not crit.is_distance, unit=crit.unit))
        points = [m["contribution"] if m["value"] is not None else None for m in metric]
        rows.append(
            _row(f"{crit.key}_points", f"{crit.label_zh}·得分", f"{crit.label_en}: points", points, higher=True)
        )
    return rows


def compare_rows(ranked: dict, features: dict[str, dict], ids: list[str]) -> list[dict]:
    """One row per attribute and metric for the parks ``ids`` (columns in that order), best marked.

    Each row has a stable ``key`` and both labels (``label_zh``/``label_en``); the page picks one.
    """
    entries = {p["id"]: p for p in ranked["parks"]}
    props = [features[pid]["properties"] for pid in ids]
    rows = _metric_rows([entries[pid] for pid in ids])
    for name, zh, en in AREA_ROWS:
        rows.append(_row(name, zh, en, [p.get(name) for p in props], higher=True, unit="km2"))
    designations = [len(p.get("designations") or []) or None for p in props]
    rows.append(_row("designation_count", "称号数量", "Number of designations", designations, higher=True))
    rows += [_row(name, zh, en, [p.get(name) for p in props], higher=None) for name, zh, en in TEXT_ROWS]
    return rows
