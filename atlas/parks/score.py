"""Per-criterion metrics, normalisation, weighted score and ranking of the parks (criteria: ``atlas.parks.criteria``).

Flask-free. Inputs are WGS-84 GeoDataFrames (parks may have null geometries); every distance is
measured in ``METRIC_CRS`` from the park geometry itself (polygon edge, not a label point) to the
nearest target with ``sjoin_nearest``. Unknown values stay unknown: a metric that cannot be computed
is NaN, its normalised value is NaN and it contributes 0 points; it is never filled in.

Normalisation (each criterion to 0..1, 1 = best):
- distance criteria: ``max(0, 1 - d_m / max_distance_m)`` (``max_distance_m`` per criterion);
- area: ``area_km2 / largest known area_km2`` among the parks ranked together;
- industry: 1 if any selected industry is in the park's list, 0 if none is, unknown if the park lists none.

Score (0..100), on what is known: ``sum_c 100 * w_c / sum_known(w) * normalised_c`` over the weighted criteria
whose value is known (industry applies only when an industry is selected); an unknown criterion neither adds
nor costs points, and ``known_share`` (known weight / all weight, 0..1) says how much of the score is known.
Null when none of the weighted criteria is known.
Ranking: with an industry selected, parks listing a selected industry first, then parks listing none (unknown),
then parks listing others only; within each group score (rounded to 1e-6 points) descending, then known share
descending, then number of known criteria descending, then park id ascending.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from atlas.analysis import to_metric
from atlas.analysis.nearest import distance_interval_m, nearest_distance_m
from atlas.errors import BadParameter
from atlas.parks.area import planned_else_built_km2
from atlas.parks.criteria import Criterion, all_criteria, by_key, default_weights, distance_keys

Targets = Mapping[str, gpd.GeoDataFrame]  # criterion key -> target frame (``atlas.parks.targets.ParkTargets``)
SCORE_TIE_DIGITS = 6
AREA_CLASS = "area"  # accuracy class of a site known only to lie inside its geometry


@dataclass(frozen=True)
class ParkScores:
    """Everything computed for a set of parks, each frame indexed by park id."""

    values: pd.DataFrame  # raw metric per criterion (m, km2, 0/1), NaN = unknown
    targets: pd.DataFrame  # id of the nearest target per distance criterion
    normalised: pd.DataFrame  # 0..1 per criterion, NaN = unknown
    contributions: pd.DataFrame  # points (0..100 scale) per criterion, 0 when unknown
    score: pd.Series  # 0..100 over the known weighted criteria, NaN when nothing weighted is known
    known_count: pd.Series  # how many weighted criteria are known
    known_share: pd.Series  # known weight / all weight (0..1)
    weights: dict[str, float]  # effective weights (0 for criteria that do not apply)
    base: ParkBase | None = None  # the cached weight-independent part these scores were computed from


def listed_items(parks: pd.DataFrame, column: str) -> pd.Series:
    """One row per item of the list column ``column`` (index repeats the park's index); parks listing none are absent."""
    if column not in parks.columns:
        return pd.Series([], dtype=object)
    lists = parks[column].where(parks[column].map(type).isin([list, tuple]))
    return lists.explode().dropna()


def industry_match(parks: pd.DataFrame, selected: Iterable[str], items: pd.Series | None = None) -> pd.Series:
    """1.0 if a park lists any selected industry, 0.0 if it lists others only, NaN if it lists none.

    ``items`` may pass ``listed_items(parks, "industries")`` computed once, to skip the explode.
    """
    wanted = list(dict.fromkeys(selected))
    if not wanted:
        return pd.Series(np.nan, index=parks.index, dtype=float)
    items = listed_items(parks, "industries") if items is None else items
    matched = items.isin(wanted).groupby(level=0, sort=False).any()
    return matched.astype(float).reindex(parks.index)


def _is_area(frame: pd.DataFrame) -> pd.Series:
    if "accuracy" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame["accuracy"].eq(AREA_CLASS)


def farthest_metrics_m(parks: gpd.GeoDataFrame, targets: Targets) -> pd.DataFrame:
    """The far end of each distance interval (m), for parks that are ``area`` sites or face ``area`` targets.

    NaN where the distance is a plain value (neither side is an area). See ``atlas.analysis.nearest``.
    """
    ids, keys = pd.Index(parks["id"], name="id"), distance_keys()
    farthest = pd.DataFrame(index=ids, columns=list(keys), dtype=float)
    parks_m = to_metric(
        parks[["id", "accuracy", "geometry"]] if "accuracy" in parks.columns else parks[["id", "geometry"]]
    )
    park_area = _is_area(parks_m)
    for key in keys:
        frame = targets[key]
        target_m = to_metric(frame[[c for c in ("id", "accuracy", "geometry") if c in frame.columns]])
        if target_m.empty:
            continue
        pairs = list(zip(target_m.geometry, _is_area(target_m)))
        needs = park_area | bool(_is_area(target_m).any())
        for row_id, geom, is_area in zip(parks_m.loc[needs, "id"], parks_m.geometry[needs], park_area[needs]):
            farthest.loc[row_id, key] = distance_interval_m(geom, bool(is_area), pairs)[1]
    return farthest


def distance_metrics_m(parks: gpd.GeoDataFrame, targets: Targets) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Distance (m, METRIC_CRS) from each park geometry to the nearest target of each kind, and its id.

    Returns (distances, target ids), both indexed by park id; unplaced parks or missing targets give NaN/None.
    For an ``area`` park this is the near end of its interval (see ``farthest_metrics_m``).
    """
    ids, keys = pd.Index(parks["id"], name="id"), distance_keys()
    parks_m = to_metric(parks[["id", "geometry"]]).set_index("id", drop=False)
    distances = pd.DataFrame(index=ids, columns=list(keys), dtype=float)
    nearest_ids = pd.DataFrame(index=ids, columns=list(keys), dtype=object)
    for key in keys:  # one vectorised nearest join per criterion, not per feature
        target_m = to_metric(targets[key][["id", "geometry"]])
        found = nearest_distance_m(parks_m, target_m)
        distances.loc[found.index, key] = found["distance_m"].astype(float)
        nearest_ids.loc[found.index, key] = found["target_id"]
    return distances, nearest_ids


@dataclass(frozen=True)
class ParkBase:
    """What does not depend on the weights or industries asked for; compute once per data version and reuse.

    Frames and series are indexed by park id in the parks' order; ``rounded`` holds, per distance criterion
    and area, the JSON-ready value (3 digits), normalised value (6 digits) and nearest target id (object arrays).
    """

    values: pd.DataFrame  # distances in m (far end of an interval) and area in km2, NaN = unknown
    targets: pd.DataFrame  # id of the nearest target per distance criterion
    normalised: pd.DataFrame  # 0..1 for the distance criteria and area
    industry_items: pd.Series  # one row per listed industry (index: park id)
    id_order: np.ndarray  # position of each park in ascending id order (the last ranking key)
    rounded: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
    nearest: pd.DataFrame | None = None  # near end of each distance interval (m); NaN where not an interval


def _rounded_array(values: np.ndarray, digits: int) -> np.ndarray:
    """Python-rounded floats (None for NaN) as an object array, as the API prints them."""
    out = np.empty(len(values), dtype=object)
    out[:] = [None if v != v else round(v, digits) for v in values.tolist()]  # round(): exact, unlike np.round
    return out


def _rounded_columns(values: pd.DataFrame, normalised: pd.DataFrame, targets: pd.DataFrame, key: str) -> tuple:
    target = targets[key].to_numpy() if key in targets.columns else np.full(len(values), None, dtype=object)
    target = np.where([isinstance(t, str) for t in target.tolist()], target, None).astype(object)
    return (_rounded_array(values[key].to_numpy(float), 3), _rounded_array(normalised[key].to_numpy(float), 6), target)


def park_base(parks: gpd.GeoDataFrame, targets: Targets) -> ParkBase:
    """The weight-independent metrics of ``parks`` (WGS-84, unique ``id``): distances in m, area in km²."""
    if "id" not in parks.columns or parks["id"].duplicated().any():
        raise ValueError("parks need a unique 'id' column")
    distances, nearest_ids = distance_metrics_m(parks, targets)
    farthest = farthest_metrics_m(parks, targets)
    by_id = pd.DataFrame(parks.drop(columns="geometry")).set_index("id", drop=False)
    values = farthest.combine_first(distances)[list(distance_keys())]  # an interval scores at its far end
    values["area"] = planned_else_built_km2(by_id)
    normalised = normalise(values)
    keys = [*distance_keys(), "area"]
    rounded = {key: _rounded_columns(values, normalised, nearest_ids, key) for key in keys}
    nearest = distances.where(farthest.notna())
    return ParkBase(
        values, nearest_ids, normalised, listed_items(by_id, "industries"), _id_order(values.index), rounded, nearest
    )


def rebased(
    base: ParkBase, values: pd.DataFrame, targets: pd.DataFrame, nearest: pd.DataFrame, changed: Iterable[str]
) -> ParkBase:
    """``base`` with other distance values, nearest target ids and interval near ends (same parks, same order).

    ``changed`` names the distance criteria whose columns differ from ``base``'s. Used by scenarios
    (``atlas.scenarios``): the scoring stays this module's; only the measured inputs differ.
    """
    normalised = normalise(values)
    rounded = dict(base.rounded)
    for key in changed:  # only the rows whose value or target differs are rounded again
        value, old = values[key].to_numpy(float), base.values[key].to_numpy(float)
        same = (value == old) | (np.isnan(value) & np.isnan(old))
        rows = np.flatnonzero(~same | (targets[key].to_numpy(object) != base.targets[key].to_numpy(object)))
        columns = tuple(column.copy() for column in base.rounded[key])
        parts = _rounded_columns(values.iloc[rows], normalised.iloc[rows], targets.iloc[rows], key)
        for column, part in zip(columns, parts):
            column[rows] = part
        rounded[key] = columns
    return dataclasses.replace(
        base, values=values, targets=targets, normalised=normalised, rounded=rounded, nearest=nearest
    )


def normalise(values: pd.DataFrame) -> pd.DataFrame:
    """Map each criterion present in ``values`` to 0..1 (1 = best) as documented in the module; NaN stays NaN."""
    out = pd.DataFrame(index=values.index)
    for crit in (c for c in all_criteria() if c.key in values.columns):
        column = values[crit.key].astype(float)
        if crit.is_distance:
            out[crit.key] = (1.0 - column / crit.max_distance_m).clip(lower=0.0)
        elif crit.key == "area":
            largest_km2 = column.max(skipna=True)
            out[crit.key] = column / largest_km2 if largest_km2 and largest_km2 > 0 else column * np.nan
        else:
            out[crit.key] = column
    return out


def effective_weights(weights: Mapping[str, float], industries: Iterable[str]) -> dict[str, float]:
    """Weights per criterion with defaults filled in; industry is 0 when no industry is selected."""
    unknown = sorted(set(weights) - set(by_key()))
    if unknown:
        raise BadParameter(
            f"unknown criterion {unknown[0]!r}; use one of {list(by_key())}", parameter=f"w_{unknown[0]}"
        )
    merged = {key: float(weights.get(key, default)) for key, default in default_weights().items()}
    if not list(industries):
        merged["industry"] = 0.0
    if sum(merged.values()) <= 0:
        raise BadParameter(
            "all weights are zero (industry counts only with an industry selected); "
            "give at least one w_<criterion> a positive value",
            parameter="weights",
        )
    return merged


def score_parks(
    normalised: pd.DataFrame, weights: Mapping[str, float]
) -> tuple[pd.DataFrame, pd.Series, pd.Series, pd.Series]:
    """Weighted contributions (points), score 0..100 over what is known (NaN if nothing weighted is), known counts
    and known weight shares (0..1)."""
    keys = [c.key for c in all_criteria()]
    weight = pd.Series({key: float(weights[key]) for key in keys})
    is_known = normalised[keys].notna()
    known_weight = is_known.mul(weight, axis=1).sum(axis=1)
    per_point = (100.0 / known_weight).where(known_weight > 0)
    contributions = normalised[keys].fillna(0.0).mul(weight, axis=1).mul(per_point.fillna(0.0), axis=0)
    weighted = [key for key in keys if weights[key] > 0]
    known = is_known[weighted].sum(axis=1).astype(int)
    score = contributions.sum(axis=1).where(known_weight > 0)
    return contributions, score, known, known_weight / weight.sum()


def score_base(base: ParkBase, weights: Mapping[str, float], industries: Iterable[str] = ()) -> ParkScores:
    """Scores of the parks of ``base`` for these weights and industries; only this part depends on the query."""
    industries = tuple(industries)
    used = effective_weights(weights, industries)
    match = industry_match(base.values, industries, base.industry_items)
    values = base.values.assign(industry=match)
    normalised = base.normalised.assign(industry=match)
    contributions, score, known, share = score_parks(normalised, used)
    return ParkScores(values, base.targets, normalised, contributions, score, known, share, used, base)


def match_group(scores: ParkScores) -> np.ndarray:
    """0 for parks listing a selected industry, 1 for parks listing none, 2 for others; all 0 without a selection."""
    if scores.values["industry"].isna().all():  # no industry selected (or no park lists any)
        return np.zeros(len(scores.score), dtype=np.int64)
    match = scores.values["industry"].to_numpy(float)
    return np.where(match == 1.0, 0, np.where(np.isnan(match), 1, 2)).astype(np.int64)


def rank_positions(scores: ParkScores) -> np.ndarray:
    """Positions of the parks best first: industry match group, score desc (unknown last), known share desc,
    known criteria desc, then id asc."""
    # scores within 1e-6 points are ties (reprojection noise), so round before sorting
    score = scores.score.round(SCORE_TIE_DIGITS).to_numpy(float)
    no_score = np.isnan(score)
    id_order = scores.base.id_order if scores.base is not None else _id_order(scores.score.index)
    known = scores.known_count.to_numpy(np.int64)
    share = scores.known_share.round(SCORE_TIE_DIGITS).to_numpy(float)
    keys = (id_order, -known, -share, -np.where(no_score, 0.0, score), no_score, match_group(scores))
    return np.lexsort(keys)


def _id_order(ids: pd.Index) -> np.ndarray:
    order = np.empty(len(ids), dtype=np.int64)
    order[np.argsort(ids.to_numpy(dtype=str), kind="stable")] = np.arange(len(ids))
    return order


def _metric_column(scores: ParkScores, crit: Criterion, positions: np.ndarray) -> list[dict]:
    """The explanation rows of one criterion for the parks at ``positions``."""
    if scores.base is not None and crit.key in scores.base.rounded:
        values, norms, targets = (column[positions].tolist() for column in scores.base.rounded[crit.key])
    else:
        values, norms, targets = (
            column[positions].tolist()
            for column in _rounded_columns(scores.values, scores.normalised, scores.targets, crit.key)
        )
    points = [round(p, 6) for p in scores.contributions[crit.key].to_numpy(float)[positions].tolist()]
    weight, unit = scores.weights[crit.key], crit.unit
    if crit.is_distance:
        near = _interval_near(scores, crit.key, positions)
        return [
            {
                "value": v,
                "unit": unit,
                "normalised": n,
                "weight": weight,
                "contribution": c,
                "target_id": t,
                "interval": None if lo is None or v is None else [lo, v],
            }
            for v, n, c, t, lo in zip(values, norms, points, targets, near)
        ]
    return [
        {"value": v, "unit": unit, "normalised": n, "weight": weight, "contribution": c}
        for v, n, c in zip(values, norms, points)
    ]


def _interval_near(scores: ParkScores, key: str, positions: np.ndarray) -> list:
    """The near end (m, 3 digits) of each park's interval for ``key``, None where the distance is plain."""
    base = scores.base
    if base is None or base.nearest is None:
        return [None] * len(positions)
    return _rounded_array(base.nearest[key].to_numpy(float)[positions], 3).tolist()


def metric_records(scores: ParkScores, positions: np.ndarray) -> list[dict[str, dict]]:
    """Per park at ``positions``: criterion -> value, unit, normalised, weight, contribution (and target id)."""
    positions = np.asarray(positions, dtype=np.int64)
    criteria = all_criteria()
    columns = [_metric_column(scores, crit, positions) for crit in criteria]
    keys = [c.key for c in criteria]
    return [dict(zip(keys, rows)) for rows in zip(*columns)]
