"""Export the filtered, ranked park table as CSV (UTF-8 with BOM for Excel) or GeoJSON; no Flask."""

from __future__ import annotations

import csv
import io
import json

from atlas.export import spreadsheet_text
from atlas.parks.criteria import all_criteria

BOM = "\ufeff"
BASE_COLUMNS = (
    "rank",
    "id",
    "name_zh",
    "name_en",
    "score",
    "known_criteria",
    "criteria_count",
    "missing",
    "status",
    "accuracy",
    "industries",
)
# CSV header labels (Chinese, English) per column; the GeoJSON export keeps the column ids as property names
BASE_LABELS: dict[str, tuple[str, str]] = {
    "rank": ("名次", "Rank"),
    "id": ("编号", "ID"),
    "name_zh": ("名称", "Name (Chinese)"),
    "name_en": ("英文名称", "Name (English)"),
    "score": ("评分", "Score"),
    "known_criteria": ("已知指标数", "Known criteria"),
    "criteria_count": ("计分指标数", "Criteria scored"),
    "missing": ("缺数据指标", "Missing criteria"),
    "status": ("状态", "Status"),
    "accuracy": ("位置精度", "Positional accuracy"),
    "industries": ("主导产业", "Leading industries"),
}
UNIT_LABELS: dict[str, tuple[str, str]] = {
    "m": ("米", "m"),
    "km2": ("平方公里", "km²"),
    "match": ("1 = 匹配", "1 = match"),
}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return spreadsheet_text("、".join(str(v) for v in value))
    return spreadsheet_text(value) if isinstance(value, str) else str(value)


def export_rows(ranked: dict) -> list[dict]:
    """Flat rows of the shown (not filtered out) parks in rank order, one column per metric part."""
    rows = []
    for park in ranked["parks"]:
        if park["hidden_by"]:
            continue
        row = {name: park[name] for name in BASE_COLUMNS}
        for crit in all_criteria():
            metric = park["metrics"][crit.key]
            row[f"{crit.key}_value_{crit.unit}"] = metric["value"]
            if crit.is_distance:  # an interval (area-only site): value is its far end, this its near end
                row[f"{crit.key}_nearest_m"] = metric["interval"][0] if metric.get("interval") else None
            row[f"{crit.key}_normalised"] = metric["normalised"]
            row[f"{crit.key}_points"] = metric["contribution"]
        rows.append(row)
    return rows


def export_columns() -> list[str]:
    """The column ids of the export: the base columns, then value, (nearest,) normalised and points per criterion."""
    return [*BASE_COLUMNS, *(f"{c.key}_{part}" for c in all_criteria() for part in _parts(c))]


def _parts(crit) -> tuple[str, ...]:
    if crit.is_distance:
        return (f"value_{crit.unit}", "nearest_m", "normalised", "points")
    return (f"value_{crit.unit}", "normalised", "points")


def column_labels(lang: str = "zh") -> list[str]:
    """The CSV header in ``lang`` ("zh" or "en"), in ``export_columns()`` order."""
    en = lang == "en"
    labels = [BASE_LABELS[name][1 if en else 0] for name in BASE_COLUMNS]
    for c in all_criteria():
        unit = UNIT_LABELS[c.unit][1 if en else 0]
        near = (
            [
                f"{c.label_en}: nearest possible, area-only sites (m)"
                if en
                else f"{c.label_zh}·区间近端（米，仅知区域的园区）"
            ]
            if c.is_distance
            else []
        )
        if en:
            labels += [f"{c.label_en}: value ({unit})", *near, f"{c.label_en}: normalised", f"{c.label_en}: points"]
        else:
            labels += [f"{c.label_zh}·数值（{unit}）", *near, f"{c.label_zh}·归一化", f"{c.label_zh}·得分"]
    return labels


def to_csv(ranked: dict, lang: str = "zh") -> bytes:
    """CSV text of the shown parks, UTF-8 with a byte-order mark; unknown values are empty cells.

    The header row is in ``lang`` ("zh" or "en"); columns are in ``export_columns()`` order.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = export_columns()
    writer.writerow(column_labels(lang))
    for row in export_rows(ranked):
        writer.writerow([_cell(row[name]) for name in columns])
    return (BOM + buffer.getvalue()).encode("utf-8")


def to_geojson(ranked: dict, features: dict[str, dict]) -> bytes:
    """A FeatureCollection of the shown parks in rank order (unplaced parks keep a null geometry)."""
    out = []
    for row in export_rows(ranked):
        feature = features[row["id"]]
        props = {**feature["properties"], **row}
        out.append({"type": "Feature", "id": row["id"], "geometry": feature["geometry"], "properties": props})
    body = {"type": "FeatureCollection", "weights": ranked["weights"], "industry": ranked["industry"], "features": out}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")
