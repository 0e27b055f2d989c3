"""Turn a corridor comparison (from ``compare_corridors``) into CSV text and a GeoJSON FeatureCollection; Flask-free."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from atlas.corridors.proposed import DEFAULT_NAME_ZH, PROPOSED_ID
from atlas.export import spreadsheet_text

CSV_BOM = "\ufeff"
NAME_SEPARATOR = "、"
# (Chinese, English) header of each CSV column, in row order: the corridor's own columns, then a count
# and a list per served layer (titled from its declaration, see ``csv_header``), then the totals
LEAD_COLUMNS = (
    ("编号", "ID"),
    ("名称", "Name"),
    ("状态", "Status"),
    ("开通", "Opened"),
    ("位置精度", "Positional accuracy"),
    ("区内长度（公里）", "Length in district (km)"),
    ("区内长度·来源（公里）", "Sourced length in district (km)"),
    ("图上全长（公里）", "Mapped length (km)"),
    ("区内站点/互通", "Stations in district"),
)
TAIL_COLUMNS = (
    ("园区面积（公顷）", "Park area (ha)"),
    ("主导产业", "Leading industries"),
    ("仅此线路服务", "Served only by this corridor"),
    ("缓冲距离（米）", "Buffer (m)"),
)


def csv_header(titles: Mapping[str, tuple[str, str]], lang: str = "zh") -> tuple[str, ...]:
    """The CSV header in ``lang``; ``titles`` maps each served layer, in order, to its (Chinese, English) title."""
    served = [pair for zh, en in titles.values() for pair in ((f"{zh}数", f"{en} (count)"), (zh, en))]
    return tuple(en if lang == "en" else zh for zh, en in (*LEAD_COLUMNS, *served, *TAIL_COLUMNS))


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
    """One CSV row per compared corridor, in ``csv_header`` order (served layers as in ``result["shared"]``).

    ``lang`` "en" names each corridor in English (Chinese where it has none) and joins lists with "; ";
    ``names`` (feature id -> name) replaces the comparison's Chinese ``names``.
    """
    names = result["names"] if names is None else names
    en = lang == "en"
    sep = "; " if en else NAME_SEPARATOR
    rows = []
    for c in result["corridors"]:
        served = c["served"]
        only = [i for ids in result["only_in"][c["id"]].values() for i in ids]
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
        for layer in result["shared"]:
            row += [len(served[layer]), _names(served[layer], names, sep)]
        row += [c["park_area_ha"], sep.join(c["industries"]), _names(only, names, sep), result["buffer_m"]]
        rows.append([_cell(v) for v in row])
    return rows


def comparison_csv(
    result: dict, titles: Mapping[str, tuple[str, str]], lang: str = "zh", names: dict[str, str] | None = None
) -> str:
    """The comparison as CSV text starting with a UTF-8 BOM (so spreadsheet programs read the Chinese correctly).

    The header is in ``lang`` ("zh" or "en"), ``titles`` as for ``csv_header``; see ``comparison_rows`` for
    ``lang`` and ``names``.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(csv_header(titles, lang))
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
                **{layer: ids for layer, ids in c["served"].items()},
                **{f"{layer}_count": count for layer, count in c["counts"].items()},
            },
        }
        for c in result["corridors"]
    ]
    return {"type": "FeatureCollection", "features": features}
