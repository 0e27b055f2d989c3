"""How well the atlas knows each place: per layer, how many features are surveyed, approximate, area-only,
schematic or unplaced, why each unplaced one is, and the sources with their licences. Flask-free.
"""

from __future__ import annotations

from dataclasses import dataclass

from atlas.stores.base import Store
from atlas.stores.layerdata import LayerData

CLASSES: tuple[str, ...] = ("surveyed", "approximate", "area", "schematic", "unplaced")


@dataclass(frozen=True)
class LayerCoverage:
    """One layer's counts per accuracy class and its unplaced features (id, names, reason zh/en)."""

    layer_id: str
    title_zh: str
    title_en: str
    ok: bool
    reason: str
    counts: dict[str, int]
    unplaced: list[dict]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def drawn(self) -> int:
        return self.total - self.counts["unplaced"]


def _unplaced_entry(props: dict) -> dict:
    # why there is no position: the feature's location_method ("NOT PLACED: ..."), else its description
    method = props.get("location_method") or ""
    return {
        "id": props.get("id"),
        "name_zh": props.get("name_zh"),
        "name_en": props.get("name_en"),
        "reason": method.removeprefix("NOT PLACED: ") or props.get("description_en") or "",
        "description_zh": props.get("description_zh") or "",
        "description_en": props.get("description_en") or "",
    }


def layer_coverage(data: LayerData) -> LayerCoverage:
    """Counts per accuracy class of one layer (an unavailable layer counts nothing and says why)."""
    counts = dict.fromkeys(CLASSES, 0)
    unplaced = []
    for feature in data.features:
        props = feature.get("properties") or {}
        accuracy = props.get("accuracy")
        counts[accuracy] = counts.get(accuracy, 0) + 1
        if accuracy == "unplaced":
            unplaced.append(_unplaced_entry(props))
    spec = data.spec
    return LayerCoverage(spec.id, spec.title_zh, spec.title_en, data.ok, data.reason, counts, unplaced)


def coverage(store: Store) -> list[LayerCoverage]:
    """Coverage of every declared layer, in catalog order."""
    return [layer_coverage(data) for data in store.all()]


def totals(rows: list[LayerCoverage]) -> dict[str, int]:
    """Counts per accuracy class over all layers."""
    return {name: sum(row.counts.get(name, 0) for row in rows) for name in CLASSES}


def format_table(rows: list[LayerCoverage]) -> str:
    """A plain-text table of the counts (what ``flask check-data`` prints)."""
    header = ["layer", *CLASSES, "total"]
    lines = [[row.layer_id, *(str(row.counts.get(c, 0)) for c in CLASSES), str(row.total)] for row in rows]
    lines.append(["all", *(str(v) for v in totals(rows).values()), str(sum(row.total for row in rows))])
    widths = [max(len(r[i]) for r in [header, *lines]) for i in range(len(header))]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    return "\n".join(fmt.format(*r) for r in [header, *lines])
