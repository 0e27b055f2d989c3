"""Evaluate a scenario: every park's rank, score and metrics before and after, and the catchments it adds.

Flask-free. "Before" is exactly today's ranking (``atlas.parks.data``: the same cached base, weights, filters
and ordering as ``/api/parks/rank``); "after" scores the same parks with the scenario's access points added
as targets (``atlas.scenarios.access``). Nothing is written to the layers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from atlas.corridors.context import corridor_context
from atlas.parks.criteria import distance_keys
from atlas.parks.data import ParkData, criteria_entries, park_base_of, park_data
from atlas.parks.query import ParkQuery, hidden_mask, hide_reasons
from atlas.parks.score import ParkScores, metric_records, rank_positions, score_base
from atlas.scenarios.access import base_after, measured, scenario_access, served_criteria
from atlas.scenarios.catchments import catchment_delta
from atlas.scenarios.certainty import moved, own_uncertain, rank_certain
from atlas.scenarios.link import URL_MAX_CHARS, encode_scenario
from atlas.scenarios.model import Scenario
from atlas.stores.base import Store


@dataclass(frozen=True)
class _Side:
    """One side (before or after) of an evaluation: scores, hidden flags, full order and ranks by position."""

    scores: ParkScores
    hidden: np.ndarray  # parks x hide reasons
    order: np.ndarray  # positions: shown parks by rank, then hidden ones
    ranks: np.ndarray  # rank per position, 0 = hidden


def _side(data: ParkData, scores: ParkScores, query: ParkQuery) -> _Side:
    hidden = hidden_mask(data.frame, scores.values, query.filters)
    order = rank_positions(scores)
    is_hidden = hidden.any(axis=1)[order]
    order = np.concatenate([order[~is_hidden], order[is_hidden]])
    ranks = np.zeros(len(order), dtype=np.int64)
    shown = order[: int((~is_hidden).sum())]
    ranks[shown] = np.arange(1, len(shown) + 1)
    return _Side(scores, hidden, order, ranks)


def _score(scores: ParkScores, positions: np.ndarray) -> list:
    return [None if s != s else round(s, 2) for s in scores.score.to_numpy(float)[positions].tolist()]


def _reasons(before: _Side, after: _Side, positions: np.ndarray) -> list[list[dict]]:
    """Per park at ``positions``: which distance moved, from what to what (m) and to which target."""
    out: list[list[dict]] = [[] for _ in positions]
    bb, ba = before.scores.base, after.scores.base
    for key in distance_keys():
        hit = moved(bb, ba, key)[positions]
        for i in np.flatnonzero(hit).tolist():
            pos = positions[i]
            vb, va = bb.rounded[key][0][pos], ba.rounded[key][0][pos]
            out[i].append(
                {
                    "criterion": key,
                    "from_m": vb,
                    "to_m": va,
                    "target_from": bb.rounded[key][2][pos],
                    "target_to": ba.rounded[key][2][pos],
                    "points": round(
                        float(after.scores.contributions[key].iloc[pos] - before.scores.contributions[key].iloc[pos]),
                        6,
                    ),
                }
            )
    return out


def _entries(data: ParkData, before: _Side, after: _Side, certain: np.ndarray, positions: np.ndarray) -> list:
    names = hide_reasons()
    props = [data.features[i]["properties"] for i in positions.tolist()]
    columns = zip(
        props,
        before.ranks[positions].tolist(),
        after.ranks[positions].tolist(),
        _score(before.scores, positions),
        _score(after.scores, positions),
        metric_records(before.scores, positions),
        metric_records(after.scores, positions),
        _reasons(before, after, positions),
        certain[positions].tolist(),
        before.hidden[positions].tolist(),
        after.hidden[positions].tolist(),
        data.placed[positions].tolist(),
    )
    return [
        {
            "id": p["id"],
            "name_zh": p.get("name_zh"),
            "name_en": p.get("name_en"),
            "accuracy": p.get("accuracy"),
            "placed": placed,
            "rank_before": rb or None,
            "rank_after": ra or None,
            "rank_change": (rb - ra) if rb and ra else None,
            "score_before": sb,
            "score_after": sa,
            "score_change": None if sb is None or sa is None else round(sa - sb, 2),
            "metrics_before": mb,
            "metrics_after": ma,
            "changes": why,
            "certain": ok,
            "hidden_by_before": [r for r, h in zip(names, hb) if h],
            "hidden_by_after": [r for r, h in zip(names, ha) if h],
        }
        for p, rb, ra, sb, sa, mb, ma, why, ok, hb, ha, placed in columns
    ]


def _changed_positions(before: _Side, after: _Side) -> np.ndarray:
    score_b = before.scores.score.to_numpy(float)
    score_a = after.scores.score.to_numpy(float)
    differs = (before.ranks != after.ranks) | ~((score_b == score_a) | (np.isnan(score_b) & np.isnan(score_a)))
    return differs


def _proposed(scenario: Scenario, ignored: list[dict]) -> list[dict]:
    why = {i["id"]: i["reason"] for i in ignored}
    return [
        {
            "id": f.id,
            "kind": f.kind,
            "name_zh": f.name_zh,
            "name_en": f.name_en,
            "serves": [] if f.is_line else served_criteria(f),
            "ignored": why.get(f.id),
        }
        for f in scenario.features
    ]


def evaluate(
    store: Store,
    scenario: Scenario,
    query: ParkQuery,
    buffer_m: float,
    paging: Mapping[str, object] | None = None,
) -> dict:
    """The evaluation body of ``POST /api/scenarios/evaluate`` (see docs/scenarios.md).

    ``paging`` may hold ``limit`` (None = all), ``offset`` and ``changed`` (True: list only parks whose rank or
    score changed); parks are listed by ``rank_after`` (hidden parks last); counts always cover every park.
    """
    paging = paging or {}
    data = park_data(store)
    base = park_base_of(store)
    ctx = corridor_context(store)
    access = scenario_access(scenario, ctx.district)
    after_base, changed = base_after(store, base, access)
    before = _side(data, score_base(base, query.weights, query.industries), query)
    after = _side(data, score_base(after_base, query.weights, query.industries), query)
    m = measured(store)
    accuracy = data.frame.set_index("id")["accuracy"] if "accuracy" in data.frame.columns else None
    uncertain = own_uncertain(base, after_base, changed, accuracy, m.target_accuracy) if accuracy is not None else None
    uncertain = uncertain if uncertain is not None else np.zeros(len(data.frame), dtype=bool)
    certain = rank_certain(before.order, after.order, uncertain)
    differs = _changed_positions(before, after)
    listed = after.order[differs[after.order]] if paging.get("changed") else after.order
    offset, limit = int(paging.get("offset") or 0), paging.get("limit")
    page = listed[offset : None if limit is None else offset + int(limit)]
    link = encode_scenario(scenario)
    body = {
        "weights": after.scores.weights,
        "industry": list(query.industries),
        "criteria": criteria_entries(),
        "buffer_m": buffer_m,
        "as_of": data.as_of,
        "park_count": len(data.frame),
        "changed_count": int(differs.sum()),
        "gained_count": int(((before.ranks > after.ranks) & (after.ranks > 0)).sum()),
        "uncertain_count": int((~certain).sum()),
        "changed_criteria": changed,
        "proposed": _proposed(scenario, access.ignored),
        "scenario": scenario.collection(),
        "link": {"s": link, "max_chars": URL_MAX_CHARS},
        "catchments": catchment_delta(ctx, scenario, buffer_m),
        "parks": _entries(data, before, after, certain, page),
    }
    if limit is not None or offset or paging.get("changed"):
        body.update(offset=offset, limit=limit, listed_count=len(listed))
    return body
