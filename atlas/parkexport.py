"""Export the filtered, ranked park table as CSV (UTF-8 with BOM for Excel) or GeoJSON; no Flask."""

from __future__ import annotations

import csv
import io
import json

from atlas.analysis.parks import CRITERIA
from atlas.export import spreadsheet_text

BOM = "\ufeff"
BASE_COLUMNS = ("rank", "id", "name_zh", "name_en", "score", "known_criteria", "criteria_count", "missing",
                "status", "accuracy", "industries")


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
        for crit in CRITERIA:
            metric = park["metrics"][crit.key]
            row[f"{crit.key}_value_{crit.unit}"] = metric["value"]
            row[f"{crit.key}_normalised"] = metric["normalised"]
            row[f"{crit.key}_points"] = metric["contribution"]
        rows.append(row)
    return rows


def export_columns() -> list[str]:
    extra = [f"{c.key}_{part}" for c in CRITERIA for part in (f"value_{c.unit}", "normalised", "points")]
    return [*BASE_COLUMNS, *extra]


def to_csv(ranked: dict) -> bytes:
    """CSV text of the shown parks, UTF-8 with a byte-order mark; unknown values are empty cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = export_columns()
    writer.writerow(columns)
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
    body = {"type": "FeatureCollection", "weights": ranked["weights"], "industry": ranked["industry"],
            "features": out}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")
