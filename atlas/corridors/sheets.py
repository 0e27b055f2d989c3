"""Content of the corridor comparison PDFs: corridors side by side, or the network of two years; Flask-free.

``labels`` holds the translated texts (keys in ``atlas.web.sheets.corridor_labels``); ``names`` maps feature
ids to names in the sheet's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from atlas.pdfsheet import COLOURS, Sheet, Table, map_png
from atlas.pdfsheet import district_layers as _district_layers
from atlas.pdfsheet import metric_series as _metric
from atlas.pdfsheet import pick_lang as _pick
from atlas.pdfsheet import value_text as _value
from atlas.pdfsheet import vocab_text as _vocab

TOP_TOWNS = 8


def _pct(share, labels: Mapping) -> str:
    return labels["unknown"] if share is None else f"{share * 100:.1f} %"


def _names(ids: Sequence[str], names: Mapping[str, str], labels: Mapping) -> str:
    if not ids:
        return "0"
    sep = ", " if labels["lang"] == "en" else "、"
    return f"{len(ids)}: " + sep.join(names.get(i, i) for i in ids)


def _towns(rows: Sequence[dict], labels: Mapping, gain: bool = False) -> str:
    if not rows:
        return labels["none"]
    sep = "; " if labels["lang"] == "en" else "；"
    shown = [
        f"{_pick(r, 'name', labels['lang'])} {_pct(r['share'], labels)}"
        + (f" (+{r['share_gain'] * 100:.1f})" if gain else "")
        for r in rows[:TOP_TOWNS]
    ]
    more = len(rows) - TOP_TOWNS
    return sep.join(shown) + (f"{sep}… (+{more})" if more > 0 else "")


def corridor_map(result: dict, district_fc: dict | None, towns_fc: dict | None) -> bytes:
    """PNG of every compared corridor and its catchment over the district (UTM 48N)."""
    layers = _district_layers(district_fc, towns_fc)
    for i, c in enumerate(result["corridors"]):
        colour = COLOURS[i % len(COLOURS)]
        layers.append({"geoms": _metric([c["catchment"]]), "color": colour, "alpha": 0.15})
        layers.append({"geoms": _metric([c["geometry"]]), "color": colour, "linewidth": 1.6})
    return map_png(layers)


def compare_sheet(
    result: dict, names: Mapping[str, str], vocab: Mapping, labels: Mapping, image: bytes | None
) -> Sheet:
    """The corridor comparison as a sheet: the comparison table, coverage of the district and towns, a map."""
    lang, unknown = labels["lang"], labels["unknown"]
    cs = result["corridors"]

    def title(c):
        return c["name_zh"] if c["id"] == "proposed" else (_pick(c, "name", lang) or c["id"])

    def row(label, fill):
        return [label, *[fill(c) for c in cs]]

    rows = [
        row(
            labels["status"],
            lambda c: (
                _vocab(vocab["status"], c["status"], lang, unknown)
                + (f" · {str(c['opened'])[:4]}" if c.get("opened") else "")
            ),
        ),
        row(labels["accuracy"], lambda c: _vocab(vocab["accuracy"], c["accuracy"], lang, labels["drawn"])),
        row(labels["length_in_district"], lambda c: _value(c["length_in_district_km"], labels, "km")),
        row(labels["stations"], lambda c: _names(c["stations"], names, labels)),
        *[
            row(labels[lid], lambda c, lid=lid: _names(c["served"][lid], names, labels))
            for lid in result["shared"]  # the served layers, in declaration order
        ],
        row(labels["park_area"], lambda c: _value(c["park_area_ha"], labels, "ha")),
        row(labels["covered_km2"], lambda c: _value(c["coverage"]["covered_km2"], labels, "km2")),
        row(labels["district_share"], lambda c: _pct(c["coverage"]["district_share"], labels)),
        row(labels["town_shares"], lambda c: _towns(c["coverage"]["towns"], labels)),
    ]
    columns = [labels["measure"], *[title(c) for c in cs]]
    return Sheet(
        title=labels["compare_title"],
        subtitle=" · ".join(title(c) for c in cs),
        lines=[f"{labels['buffer']}: {result['buffer_m']:,.0f} {labels['unit_m']}"],
        map_png=image,
        map_caption=labels["map_caption"],
        tables=[Table(labels["results"], columns, rows, (3, *[4] * len(cs)))],
        notes=[labels["method"]],
        lang=lang,
    )


def years_map(result: dict, district_fc: dict | None, towns_fc: dict | None) -> bytes:
    """PNG of the earlier network's catchment (grey) under the later one's (blue) over the district."""
    layers = _district_layers(district_fc, towns_fc)
    for key, colour in (("after", "#4393c3"), ("before", "#999999")):
        if result[key]["catchment"]:
            layers.append({"geoms": _metric([result[key]["catchment"]]), "color": colour, "alpha": 0.35})
    return map_png(layers)


def _years_rows(result: dict, names: Mapping[str, str], labels: Mapping) -> list[list[str]]:
    """The before / after table: one row per measure, columns earlier network, later network, added."""
    b, a, added = result["before"], result["after"], result["added"]

    def ids(key: str, net: dict) -> str:
        return _names(net["corridors"][key], names, labels)

    rows = [
        [labels["corridors"], ids("placed", b), ids("placed", a), _names(added["corridors"], names, labels)],
        [labels["unplaced"], ids("unplaced", b), ids("unplaced", a), ""],
    ]
    rows += [
        [labels[lid], *[_names(net["served"][lid], names, labels) for net in (b, a, added)]]
        for lid in a["served"]  # the served layers, in declaration order
    ]
    rows += [
        [
            labels["covered_km2"],
            _value(b["coverage"]["covered_km2"], labels, "km2"),
            _value(a["coverage"]["covered_km2"], labels, "km2"),
            _value(added["covered_km2"], labels, "km2"),
        ],
        [
            labels["district_share"],
            _pct(b["coverage"]["district_share"], labels),
            _pct(a["coverage"]["district_share"], labels),
            _pct(added["district_share"], labels),
        ],
        [
            labels["town_shares"],
            _towns(b["coverage"]["towns"], labels),
            _towns(a["coverage"]["towns"], labels),
            _towns(added["towns"], labels, gain=True),
        ],
        [labels["year_unknown"], ids("unknown", b), ids("unknown", a), ""],
    ]
    return rows


def years_sheet(result: dict, names: Mapping[str, str], labels: Mapping, image: bytes | None) -> Sheet:
    """The before / after comparison as a sheet: both networks, what the later one adds, coverage, a map."""
    b, a = result["before"], result["after"]
    columns = [labels["measure"], str(b["year"]), str(a["year"]), labels["added"]]
    return Sheet(
        title=labels["years_title"],
        subtitle=f"{b['year']} → {a['year']}",
        lines=[f"{labels['buffer']}: {result['buffer_m']:,.0f} {labels['unit_m']}"],
        map_png=image,
        map_caption=labels["years_caption"],
        tables=[Table(labels["results"], columns, _years_rows(result, names, labels), (3, 4, 4, 4))],
        notes=[labels["method"], labels["years_method"]],
        lang=labels["lang"],
    )
