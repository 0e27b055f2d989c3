"""Content of the park PDF fact sheet (what the ranking, profile and surroundings show); Flask-free.

``park_sheet`` turns results the pages already show (ranking entry, surroundings) into a ``Sheet``, rendered
by the shared ``atlas.pdfsheet``; ``labels`` holds the translated texts (keys listed in
``atlas.web.sheets.sheet_labels``) and ``lang`` picks the zh/en data fields. Unknown values print as ``labels["unknown"]``.
"""

from __future__ import annotations

from collections.abc import Mapping

from atlas.pdfsheet import Sheet, Table, district_layers, map_png, metric_series, pick_lang, value_text, vocab_text

FOCUS_PAD_M = 6000.0


def park_map(feature: dict, around: dict, district_fc: dict | None, towns_fc: dict | None) -> bytes:
    """PNG of the park and its surroundings (nearest targets, connecting lines) in UTM 48N; whole district if unplaced."""
    layers = district_layers(district_fc, towns_fc)
    focus = None
    if feature["geometry"] is not None:
        park = metric_series([feature["geometry"]])
        items = [t for t in around["targets"] + around["communities"] if t.get("id")]
        layers.append(
            {
                "geoms": metric_series([t["line"] for t in items]),
                "color": "#555555",
                "linewidth": 0.8,
                "linestyle": "--",
            }
        )
        layers.append({"geoms": metric_series([t["geometry"] for t in items]), "color": "#2166ac", "markersize": 14})
        layers.append({"geoms": park, "color": "#d94801", "edgecolor": "#d94801", "markersize": 40, "alpha": 0.8})
        minx, miny, maxx, maxy = park.total_bounds
        focus = (minx - FOCUS_PAD_M, miny - FOCUS_PAD_M, maxx + FOCUS_PAD_M, maxy + FOCUS_PAD_M)
    return map_png(layers, focus=focus)


def _figures(props: Mapping, labels: Mapping) -> list[tuple[str, str, str]]:
    """Key figures with units and the record's as-of date."""
    lang, as_of = labels["lang"], value_text(props.get("as_of"), labels)
    industries = props.get("industries_en") if lang == "en" and props.get("industries_en") else props.get("industries")
    return [
        (labels["planned_area"], value_text(props.get("planned_area_km2"), labels, "km2"), as_of),
        (labels["built_area"], value_text(props.get("built_area_km2"), labels, "km2"), as_of),
        (labels["established"], value_text(props.get("established"), labels), as_of),
        (labels["industries"], value_text(industries, labels), as_of),
        (labels["designations"], value_text(props.get("designations"), labels), as_of),
        (labels["enterprises"], value_text(props.get("enterprises"), labels), as_of),
    ]


def _why(entry: dict, criteria, labels: Mapping) -> list[tuple[str, ...]]:
    """One row per criterion: value (km for distances), normalised value, weight and points."""
    rows = []
    for crit in criteria:
        m = entry["metrics"][crit.key]
        value = m["value"]
        shown = value_text(
            round(value / 1000, 2) if value is not None and crit.unit == "m" else value,
            labels,
            "km" if crit.unit == "m" else crit.unit,
        )
        rows.append(
            (
                pick_lang(vars(crit), "label", labels["lang"]),
                shown,
                value_text(m.get("normalised"), labels),
                f"{m['weight']:g}",
                f"{m['contribution']:.1f}",
            )
        )
    return rows


def _positions(name: str, props: Mapping, around: dict, vocab: Mapping, labels: Mapping) -> list[tuple[str, ...]]:
    """The accuracy class of every position on the sheet: the park's, then each nearest target's."""
    lang, unknown = labels["lang"], labels["unknown"]
    rows = [
        (
            name,
            labels["this_park"],
            "—",
            vocab_text(vocab["accuracy"], props.get("accuracy"), lang, unknown),
            value_text(props.get("as_of"), labels),
        )
    ]
    for t in around["targets"] + around["communities"]:
        role = pick_lang(t, "label", lang) or labels["community"]
        if not t.get("id"):
            rows.append((unknown, role, unknown, labels["no_target"], "—"))
            continue
        rows.append(
            (
                pick_lang(t, "name", lang) or t["id"],
                role,
                value_text(round(t["distance_m"] / 1000, 2), labels, "km"),
                vocab_text(vocab["accuracy"], t.get("accuracy"), lang, unknown),
                value_text(t.get("as_of"), labels),
            )
        )
    return rows


def _sources(props: Mapping, around: dict, labels: Mapping) -> list[str]:
    """The park's source, then each nearest target's (sorted, once each)."""
    lang = labels["lang"]
    own = f"{labels['source']}: {value_text(props.get('source'), labels)}"
    return [
        own,
        *sorted(
            {
                f"{labels['source']} ({pick_lang(t, 'name', lang)}): {t['source']}"
                for t in around["targets"] + around["communities"]
                if t.get("id") and t.get("source")
            }
        ),
    ]


def park_sheet(
    feature: dict, entry: dict, around: dict, criteria, vocab: Mapping, labels: Mapping, map_bytes: bytes | None
) -> Sheet:
    """The park fact sheet: names, status and accuracy, map, key figures, the ranking's why, positions, sources."""
    lang, unknown = labels["lang"], labels["unknown"]
    props = feature["properties"]
    name = pick_lang(props, "name", lang) or props["id"]
    other = props.get("name_zh") if lang == "en" else props.get("name_en")
    score = unknown if entry.get("score") is None else f"{entry['score']:.1f} / 100"
    lines = [
        f"{labels['accuracy']}: {vocab_text(vocab['accuracy'], props.get('accuracy'), lang, unknown)} · "
        f"{labels['status']}: {vocab_text(vocab['status'], props.get('status'), lang, unknown)} · "
        f"{labels['as_of']}: {value_text(props.get('as_of'), labels)}",
        f"{labels['score']}: {score} · {labels['rank']}: {entry.get('rank') or unknown} · "
        f"{labels['known_criteria']}: {entry['known_criteria']}/{entry['criteria_count']}",
    ]
    weights = ", ".join(f"{pick_lang(vars(c), 'label', lang)} {entry['metrics'][c.key]['weight']:g}" for c in criteria)
    return Sheet(
        title=name,
        subtitle=other if other and other != name else "",
        lines=lines,
        map_png=map_bytes,
        map_caption=labels["map_caption"] if feature["geometry"] is not None else labels["map_unplaced"],
        tables=[
            Table(
                labels["key_figures"],
                (labels["item"], labels["value"], labels["as_of"]),
                _figures(props, labels),
                (3, 6, 2),
            ),
            Table(
                labels["why"],
                (labels["criterion"], labels["value"], labels["normalised"], labels["weight"], labels["points"]),
                _why(entry, criteria, labels),
                (4, 2.5, 1.5, 1.2, 1.2),
            ),
            Table(
                labels["positions"],
                (labels["name"], labels["role"], labels["distance"], labels["accuracy"], labels["as_of"]),
                _positions(name, props, around, vocab, labels),
                (3.5, 2.5, 1.5, 3, 1.5),
            ),
        ],
        notes=[*_sources(props, around, labels), labels["method"], f"{labels['weights']}: {weights}"],
        lang=lang,
    )
