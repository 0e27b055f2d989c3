"""The investor view's data from the Store: the parks, their ranking body, ids checked; no Flask.

Everything that does not depend on the query (the park frame and properties, the vocabulary, the nearest
distances and areas) is computed once per data version and kept by the store (``Store.derived``, keyed by
the versions of the layers it reads); a request then only re-weights, filters, sorts and builds its entries.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import geopandas as gpd
import numpy as np

from atlas.errors import BadParameter, UnknownFeature
from atlas.parks.criteria import all_criteria, target_layers
from atlas.parks.query import ParkQuery, Vocabulary, hidden_mask, hide_reasons, park_vocabulary, parse_query
from atlas.parks.score import ParkBase, ParkScores, metric_records, park_base, rank_positions, score_base
from atlas.parks.targets import park_targets
from atlas.stores.base import Store


@dataclass(frozen=True)
class ParkData:
    """The parks of one data version: frame, stored features (same order), placed flags, ids, vocabulary."""

    frame: gpd.GeoDataFrame
    features: list[dict]
    placed: np.ndarray
    positions: dict[str, int]  # park id -> position in ``frame`` / ``features``
    by_id: dict[str, dict]  # park id -> stored feature
    vocabulary: Vocabulary
    as_of: str | None


def _build_park_data(store: Store) -> ParkData:
    layer = store.usable("parks")
    frame, features = layer.frame(), layer.features
    ids = frame["id"].tolist()
    return ParkData(
        frame,
        features,
        frame.geometry.notna().to_numpy(bool),
        dict(zip(ids, range(len(ids)))),
        dict(zip(ids, features)),
        park_vocabulary(frame),
        layer.as_of,
    )


def park_data(store: Store) -> ParkData:
    """The parks of the current data version (cached in the store; shared, do not mutate)."""
    return store.derived("parks-data", lambda: _build_park_data(store), layers=["parks"])


def park_base_of(store: Store) -> ParkBase:
    """Distances and areas of every park for the current data version (cached in the store; see ``park_base``)."""

    def build() -> ParkBase:
        return park_base(store.usable("parks").frame(), park_targets(store))

    return store.derived("parks-base", build, layers=["parks", *target_layers()])


def vocabulary(store: Store) -> Vocabulary:
    """Industries, designations, statuses and ids the parks data holds."""
    return park_data(store).vocabulary


def query_from_args(store: Store, args: dict[str, list[str]]) -> ParkQuery:
    """Parse a request's query (name -> values) against the parks data."""
    return parse_query(args, vocabulary(store))


def score_all(store: Store, query: ParkQuery) -> ParkScores:
    """The scores of every park under the query's weights and industries."""
    return score_base(park_base_of(store), query.weights, query.industries)


def _park_entries(
    data: ParkData, scores: ParkScores, positions: np.ndarray, ranks: list[int | None], hidden: np.ndarray
) -> list[dict]:
    """The response entries of the parks at ``positions`` (built column-wise, no per-park frame lookups)."""
    weighted = [c.key for c in all_criteria() if scores.weights[c.key] > 0]
    score = [None if s != s else round(s, 2) for s in scores.score.to_numpy(float)[positions].tolist()]
    known = scores.known_count.to_numpy()[positions].tolist()
    share = [round(v, 3) for v in scores.known_share.to_numpy(float)[positions].tolist()]
    match = [None if m != m else m == 1.0 for m in scores.values["industry"].to_numpy(float)[positions].tolist()]
    unknown = scores.values[weighted].isna().to_numpy()[positions].tolist()
    names = hide_reasons()
    reasons = [[r for r, h in zip(names, row) if h] for row in hidden[positions].tolist()]
    props = [data.features[i]["properties"] for i in positions.tolist()]
    placed = data.placed[positions].tolist()
    columns = zip(props, score, ranks, known, share, match, unknown, placed, reasons, metric_records(scores, positions))
    return [
        {
            "id": p["id"],
            "name_zh": p.get("name_zh"),
            "name_en": p.get("name_en"),
            "score": s,
            "rank": rank,
            "known_criteria": k,
            "criteria_count": len(weighted),
            "known_share": ks,
            "industry_match": im,
            "missing": [w for w, u in zip(weighted, gaps) if u],
            "placed": placed,
            "accuracy": p.get("accuracy"),
            "status": p.get("status"),
            "industries": p.get("industries") or [],
            "hidden_by": why,
            "metrics": metrics,
        }
        for p, s, rank, k, ks, im, gaps, placed, why, metrics in columns
    ]


def _page(
    positions: np.ndarray, shown: int, data: ParkData, only: Collection[str] | None, limit: int | None, offset: int
) -> tuple[np.ndarray, list[int | None]]:
    """The positions to list and their ranks: the ``only`` ids, or ``limit`` entries from ``offset``."""
    ranks = np.arange(1, len(positions) + 1)
    if only is not None:
        keep = np.isin(positions, [data.positions[pid] for pid in only if pid in data.positions])
    else:
        keep = np.zeros(len(positions), dtype=bool)
        keep[offset : None if limit is None else offset + limit] = True
    return positions[keep], [int(r) if r <= shown else None for r in ranks[keep].tolist()]


def ranking(
    store: Store, query: ParkQuery, limit: int | None = None, offset: int = 0, only: Collection[str] | None = None
) -> dict:
    """The /api/parks/rank body: weights used, then shown parks by rank, then hidden parks (rank null).

    ``limit``/``offset`` page the list of parks (None = all); ``only`` lists just those park ids (ranks and
    counts still cover every park). The counts always cover every park.
    """
    data = park_data(store)
    scores = score_all(store, query)
    hidden = hidden_mask(data.frame, scores.values, query.filters)
    order = rank_positions(scores)
    order_hidden = hidden.any(axis=1)[order]
    positions = np.concatenate([order[~order_hidden], order[order_hidden]])
    shown = int((~order_hidden).sum())
    page, ranks = _page(positions, shown, data, only, limit, offset)
    body = {
        "weights": scores.weights,
        "industry": list(query.industries),
        "criteria": criteria_entries(),
        "shown_count": shown,
        "hidden_count": len(positions) - shown,
        "as_of": data.as_of,
        "known": known_summary(scores),
        "parks": _park_entries(data, scores, page, ranks, hidden),
    }
    if limit is not None or offset:
        body.update(offset=offset, limit=limit)
    return body


def known_summary(scores: ParkScores) -> dict:
    """How many park distances are known (weighted distance criteria x parks), to say so when most are not."""
    keys = [c.key for c in all_criteria() if c.is_distance and scores.weights[c.key] > 0]
    known = int(scores.values[keys].notna().to_numpy().sum())
    total = len(keys) * len(scores.values)
    return {"distances_known": known, "distances_total": total, "mostly_unknown": total > 0 and known * 2 < total}


def criteria_entries() -> list[dict]:
    """The ``criteria`` of the ranking body: key, labels, unit and the distance scored 0 (None if not a distance)."""
    return [
        {
            "key": c.key,
            "label_zh": c.label_zh,
            "label_en": c.label_en,
            "unit": c.unit,
            "max_distance_m": c.max_distance_m,
        }
        for c in all_criteria()
    ]


def features_by_id(store: Store) -> dict[str, dict]:
    """Park id -> stored park feature, for the current data version (do not mutate)."""
    return park_data(store).by_id


def park_feature(store: Store, park_id: str) -> dict:
    """One park feature or UnknownFeature (404)."""
    feature = park_data(store).by_id.get(park_id)
    if feature is not None:
        return feature
    raise UnknownFeature(f"no industrial park with id {park_id!r}; see /parks for the list")


def checked_ids(store: Store, text: str | None, minimum: int = 2, maximum: int = 4) -> list[str]:
    """Comma-separated park ids for the compare page: between ``minimum`` and ``maximum`` known, distinct ids."""
    ids = [part.strip() for part in (text or "").split(",") if part.strip()]
    ids = list(dict.fromkeys(ids))
    if not minimum <= len(ids) <= maximum:
        raise BadParameter(
            f"parameter 'ids' must list {minimum} to {maximum} distinct park ids separated by commas, got {len(ids)}",
            parameter="ids",
        )
    known = park_data(store).positions
    unknown = [pid for pid in ids if pid not in known]
    if unknown:
        raise BadParameter(f"parameter 'ids': unknown park id {unknown[0]!r}; see /parks for the list", parameter="ids")
    return ids
