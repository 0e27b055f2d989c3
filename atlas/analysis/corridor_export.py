"""Turn a corridor comparison (from ``compare_corridors``) into CSV text and a GeoJSON FeatureCollection; Flask-free."""

from __future__ import annotations

import csv
import io

from atlas.analysis.corridors import SERVED_LAYERS
from atlas.export import spreadsheet_text

CSV_BOM = "\ufeff"
NAME_SEPARATOR = "、"
CSV_HEADER = (
    "编号 id", "名称 name", "状态 status", "开通 opened", "位置精度 accuracy",
    "区内长度（公里） length in district (km)", "区内长度·来源（公里） sourced length in district (km)",
    "图上全长（公里） mapped length (km)", "区内站点/互通 stations in district",
    "园区数 parks", "园区 parks", "枢纽数 hubs", "枢纽 hubs", "更新社区数 communities", "更新社区 communities",
    "镇街数 towns", "镇街 towns", "园区面积（公顷） park area (ha)", "主导产业 leading industries",
    "仅此线路服务 served only by this corridor", "缓冲距离（米） buffer (m)",
)


def _cell(value):
    """A CSV cell; text starting like a spreadsheet formula is prefixed with ' so it stays text."""
    if value is None:
        return ""
    return spreadsheet_text(value) if isinstance(value, str) else value


def _names(ids: list[str], names: dict[str, str]) -> str:
    return NAME_SEPARATOR.join(names.get(i, i) for i in ids)


def comparison_rows(result: dict) -> list[list]:
    """One CSV row per compared corridor, in CSV_HEADER order."""
    names = result["names"]
    rows = []
    for c in result["corridors"]:
        served = c["served"]
        only = [i for layer in SERVED_LAYERS for i in result["only_in"][c["id"]][layer]]
        row = [c["id"], c["name_zh"], c["status"], c["opened"], c["accuracy"], c["length_in_district_km"],
               c["length_in_district_km_sourced"], c["length_km"], _names(c["stations"], names)]
        for layer in SERVED_LAYERS:
            row += [len(served[layer]), _names(served[layer], names)]
        row += [c["park_area_ha"], NAME_SEPARATOR.join(c["industries"]), _names(only, names), result["buffer_m"]]
        rows.append([_cell(v) for v in row])
    return rows


def comparison_csv(result: dict) -> str:
    """The comparison as CSV text starting with a UTF-8 BOM (so spreadsheet programs read the Chinese correctly)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(comparison_rows(result))
    return CSV_BOM + out.getvalue()


def catchments_geojson(result: dict) -> dict:
    """The catchment polygons (WGS-84) as a FeatureCollection with each corridor's served ids and counts."""
    features = [
        {"type": "Feature", "geometry": c["catchment"],
         "properties": {"corridor": c["id"], "name_zh": c["name_zh"], "status": c["status"],
                        "buffer_m": result["buffer_m"], "length_in_district_km": c["length_in_district_km"],
                        "park_area_ha": c["park_area_ha"], **{layer: c["served"][layer] for layer in SERVED_LAYERS},
                        **{f"{layer}_count": c["counts"][layer] for layer in SERVED_LAYERS}}}
        for c in result["corridors"]
    ]
    return {"type": "FeatureCollection", "features": features}
