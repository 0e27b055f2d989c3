"""The per-park table of a scenario evaluation as CSV (UTF-8 with BOM for Excel), header in zh or en; no Flask."""

from __future__ import annotations

import csv
import io

from atlas.export import spreadsheet_text
from atlas.parks.criteria import all_criteria

BOM = "\ufeff"
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("id", "编号", "ID"),
    ("name_zh", "名称", "Name (Chinese)"),
    ("name_en", "英文名称", "Name (English)"),
    ("accuracy", "位置精度", "Positional accuracy"),
    ("rank_before", "现名次", "Rank before"),
    ("rank_after", "情景名次", "Rank after"),
    ("rank_change", "名次变化", "Rank change"),
    ("score_before", "现评分", "Score before"),
    ("score_after", "情景评分", "Score after"),
    ("score_change", "评分变化", "Score change"),
    ("certain", "变化确定", "Change certain"),
    ("reason", "原因", "Reason"),
)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return spreadsheet_text(value) if isinstance(value, str) else str(value)


def _reason(park: dict, names: dict[str, str | None]) -> str:
    """``interchange 3000.0→300.0 m (ic-a→proposed:x)`` for each criterion that moved."""
    parts = []
    for change in park["changes"]:
        target = names.get(change["target_to"]) or change["target_to"]
        parts.append(f"{change['criterion']} {change['from_m']}→{change['to_m']} m ({target})")
    return "; ".join(parts)


def scenario_csv(result: dict, lang: str = "zh") -> str:
    """The evaluation's parks (in the listed order) with before/after per criterion; unknown = empty cell."""
    names = {p["id"]: p["name_zh"] if lang == "zh" else (p["name_en"] or p["name_zh"]) for p in result["proposed"]}
    criteria = all_criteria()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = [zh if lang == "zh" else en for _key, zh, en in COLUMNS]
    for crit in criteria:
        label = crit.label_zh if lang == "zh" else crit.label_en
        header += [
            f"{label} ({'现' if lang == 'zh' else 'before'})",
            f"{label} ({'情景' if lang == 'zh' else 'after'})",
        ]
    writer.writerow(header)
    for park in result["parks"]:
        row = {**park, "reason": _reason(park, names)}
        cells = [_cell(row[key]) for key, _zh, _en in COLUMNS]
        for crit in criteria:
            cells += [_cell(park["metrics_before"][crit.key]["value"]), _cell(park["metrics_after"][crit.key]["value"])]
        writer.writerow(cells)
    return BOM + out.getvalue()
