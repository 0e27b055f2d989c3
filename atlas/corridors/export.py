"""Turn a corridor comparison (from ``compare_corridors``) into CSV text and a GeoJSON FeatureCollection; Flask-free."""

from __future__ import annotations

import csv
import io

from atlas.corridors.context import SERVED_LAYERS
from atlas.corridors.proposed import DEFAULT_NAME_ZH, PROPOSED_ID
from atlas.export import spreadsheet_text

CSV_BOM = "\ufeff"
NAME_SEPARATOR = "、"
# (Chinese, English) header of each CSV column, in row order
CSV_COLUMNS = (
    ("编号", "ID"),
    ("名称", "Name"),
    ("状态", "Status"),
    ("开通", "Opened"),
    ("位置精度", "Positional accuracy"),
    ("区内长度（公里）", "Length in district (km)"),
    ("区内长度·来源（公里）", "Sourced length in district (km)"),
    ("图上全长（公里）", "Mapped length (km)"),
    ("区内站点/互通", "Stations in district"),
    ("园区数", "Parks (count)"),
    ("园区", "Parks"),
    ("枢纽数", "Hubs (count)"),
    ("枢纽", "Hubs"),
    ("更新社区数", "Communities (count)"),
    ("更新社区", "Communities"),
    ("镇街数", "Towns (count)"),
    ("镇街", "Towns"),
    ("园区面积（公顷）", "Park area (ha)"),
    ("主导产业", "Leading industries"),
    ("仅此线路服务", "Served only by this corridor"),
    ("缓冲距离（米）", "Buffer (m)"),
)
CSV_HEADER = tuple(zh for zh, _en in CSV_COLUMNS)
CSV_HEADER_EN = tuple(en for _zh, en in CSV_COLUMNS)


def _cell(value):
    """A CSV cell; text starting like a spreadsheet formula is prefixed with ' so it stays text."""
    if value is None:
        return ""
    return spreadsheet_text(value) if isinstance(value, str) else value


def _names(ids: list[str], names: dict[str, str], separator: str = NAME_SEPARATOR) -> str:
    return separator.join(names.get(i, i) for i in ids)


def display_name(corridor: dict, lang: str = "zh") -> str:
    """A compared corridor's name in ``lang``; a proposed line keeps the name its author gave it."""
    if lang != "en" or (corridor["id"] == PROPOSED_ID and corridor["name_zh"] != DEFAULT_NAME_ZH):
        return corridor["name_zh"]
    return corridor.get("name_en") or corridor["name_zh"]


def comparison_rows(result: dict, lang: str = "zh", names: dict[str, str] | None = None) -> list[list]:
    """One CSV row per compared corridor, in CSV_COLUMNS order.

    ``lang`` "en" names each corridor in English (Chinese where it has none) and joins lists with "; ";
    ``names`` (feature id -> name) replaces the comparison's Chinese ``names``.
    """
    names = result["names"] if names is None else names
    en = lang == "en"
    sep = "; " if en else NAME_SEPARATOR
    rows = []
    for c in result["corridors"]:
        served = c["served"]
        only = [i for layer in SERVED_LAYERS for i in result["only_in"][c["id"]][layer]]
        name = display_name(c, lang)
        row = [
            c["id"],
            name,
            c["status"],
            c["opened"],
            c["accuracy"],
            c["length_in_district_km"],
            c["length_in_district_km_sourced"],
            c["length_km"],
            _names(c["stations"], names, sep),
        ]
        for layer in SERVED_LAYERS:
            row += [len(served[layer]), _names(served[layer], names, sep)]
        row += [c["park_area_ha"], sep.join(c["industries"]), _names(only, names, sep), result["buffer_m"]]
        rows.append([_cell(v) for v in row])
    return rows


def comparison_csv(result: dict, lang: str = "zh", names: dict[str, str] | None = None) -> str:
    """The comparison as CSV text starting with a UTF-8 BOM (so spreadsheet programs read the Chinese correctly).

    The header is in ``lang`` ("zh" or "en"); see ``comparison_rows`` for ``lang`` and ``names``.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER_EN if lang == "en" else CSV_HEADER)
    writer.writerows(comparison_rows(result, lang, names))
    return CSV_BOM + out.getvalue()


def catchments_geojson(result: dict) -> dict:
    """The catchment polygons (WGS-84) as a FeatureCollection with each corridor's served ids and counts."""
    features = [
        {
            "type": "Feature",
            "geometry": c["catchment"],
            "properties": {
                "corridor": c["id"],
                "name_zh": c["name_zh"],
                "status": c["status"],
                "buffer_m": result["buffer_m"],
                "length_in_district_km": c["length_in_district_km"],
                "park_area_ha": c["park_area_ha"],
                **{layer: c["served"][layer] for layer in SERVED_LAYERS},
                **{f"{layer}_count": c["counts"][layer] for layer in SERVED_LAYERS},
            },
        }
        for c in result["corridors"]
    ]
    return {"type": "FeatureCollection", "features": features}
