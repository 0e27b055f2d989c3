"""What the investor pages (/parks, a profile, the compare table) show, assembled for one request; no Flask."""

from __future__ import annotations

from atlas.parks.criteria import all_criteria, default_weights, filtered_criteria
from atlas.parks.data import checked_ids, features_by_id, park_feature, ranking, vocabulary
from atlas.parks.profile import compare_rows, surroundings
from atlas.parks.query import ParkQuery, Vocabulary, number_filters
from atlas.stores.base import Store


def industry_labels(vocab: Vocabulary, lang: str) -> dict[str, str]:
    """Industry (Chinese name, the value sent) -> the name shown in ``lang``."""
    names = sorted(set(vocab.industries.values()))
    if lang != "en":
        return {name: name for name in names}
    english = {zh: other for other, zh in vocab.industries.items() if other != zh}
    return {name: english.get(name, name) for name in names}


def index_context(store: Store, query: ParkQuery, lang: str) -> dict:
    """The /parks form: the query, the data's vocabulary, industries sorted by shown name, the criteria."""
    vocab = vocabulary(store)
    labels = industry_labels(vocab, lang)
    return {
        "query": query,
        "vocab": vocab,
        "industry_names": sorted(labels, key=lambda name: labels[name].casefold()),
        "industry_labels": labels,
        "criteria": all_criteria(),
        "filtered": filtered_criteria(),
        "defaults": default_weights(),
    }


def criteria_config(lang: str) -> dict:
    """The criteria and numeric filters for static/js/parks/ (its table columns and form fields)."""
    label = "label_en" if lang == "en" else "label_zh"
    return {
        "criteria": [{"key": c.key, "label": getattr(c, label), "unit": c.unit} for c in all_criteria()],
        "number_filters": list(number_filters()),
    }


def profile_context(store: Store, park_id: str, query: ParkQuery) -> dict:
    """One park: its feature, ranking entry under the query, surroundings; UnknownFeature for unknown ids."""
    feature = park_feature(store, park_id)
    return {
        "feature": feature,
        "props": feature["properties"],
        "entry": ranking(store, query, only=[park_id])["parks"][0],
        "around": surroundings(store, feature),
        "spec": store.usable("parks").spec,
        "criteria": all_criteria(),
    }


def english_list(props: dict, name: str):
    """``props[name + "_en"]`` where it matches ``props[name]`` item for item, else ``props[name]``."""
    zh, en = props.get(name), props.get(f"{name}_en")
    return en if isinstance(en, list) and isinstance(zh, list) and len(en) == len(zh) and en else zh


def compare_context(store: Store, ids_text: str | None, query: ParkQuery, lang: str) -> dict:
    """The compare table of 2-4 parks (``ids_text``: ids separated by commas) and which of them are placed."""
    ids = checked_ids(store, ids_text)
    features = features_by_id(store)
    rows = compare_rows(ranking(store, query, only=ids), features, ids)
    if lang == "en":  # industries in English where the data gives a matching English list
        for row in rows:
            if row["key"] == "industries":
                row["values"] = [english_list(features[pid]["properties"], "industries") for pid in ids]
    placed = [features[pid] for pid in ids if features[pid]["geometry"]]
    return {"ids": ids, "features": features, "rows": rows, "placed_parks": placed}
