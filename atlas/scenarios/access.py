"""What a scenario's access points do to the park distances: the same criteria, more targets. Flask-free.

A proposed point serves a distance criterion when its (layer, kind) is what the criterion's ``Target`` selects
(``atlas.parks.criteria``): an interchange serves ``interchange``, a station or freight yard ``rail``, a
proposed hub ``hub``. Lines serve nothing here (they count for catchments only). Points outside the district
boundary are ignored for access. A park's distance after the scenario is the nearer of its distance today and
its distance to the proposed points (METRIC_CRS, metres, polygon edge as for today's targets); an interval (``area`` park or target) is measured
again over today's and the proposed targets (``atlas.analysis.nearest.distance_interval_m``).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from atlas.analysis import WGS84, to_metric
from atlas.analysis.nearest import distance_interval_m
from atlas.parks.criteria import Criterion, Target, distance_criteria, target_layers
from atlas.parks.score import AREA_CLASS, ParkBase, rebased
from atlas.parks.targets import park_targets
from atlas.scenarios.model import ProposedFeature, Scenario
from atlas.stores.base import Store


def serves(target: Target, point: ProposedFeature) -> bool:
    """Would ``point`` be selected by ``target`` if it were stored in its layer (first-only targets excepted)."""
    if point.is_line or target.first_only or point.layer != target.layer:
        return False
    return target.kinds is None or ((point.kind in target.kinds) != target.exclude)


def served_criteria(point: ProposedFeature) -> list[str]:
    """The distance criteria a proposed point is a target of."""
    return [c.key for c in distance_criteria() if serves(c.target, point)]


@dataclass(frozen=True)
class Access:
    """The proposed points that give access, per criterion (METRIC_CRS frames), and the points ignored."""

    targets_m: dict[str, gpd.GeoDataFrame]
    ignored: list[dict]


def scenario_access(scenario: Scenario, district: BaseGeometry) -> Access:
    """Per distance criterion, the scenario's points inside ``district`` (WGS-84) that serve it."""
    ignored, usable = [], []
    for point in scenario.points:
        if not district.covers(point.geometry):
            ignored.append({"id": point.id, "reason": "outside_district"})
        else:
            usable.append(point)
    frames = {}
    for crit in distance_criteria():
        chosen = [p for p in usable if serves(crit.target, p)]
        frame = gpd.GeoDataFrame({"id": [p.id for p in chosen]}, geometry=[p.geometry for p in chosen], crs=WGS84)
        frames[crit.key] = to_metric(frame)
    return Access(frames, ignored)


@dataclass(frozen=True)
class Measured:
    """Per data version: the parks in METRIC_CRS (by id), their area flags, and today's targets as interval pairs."""

    parks_m: gpd.GeoDataFrame
    is_area: pd.Series
    pairs: dict[str, list[tuple[object, bool]]]
    target_accuracy: dict[str, str]


def _build_measured(store: Store) -> Measured:
    parks = store.usable("parks").frame()
    columns = [c for c in ("id", "accuracy", "geometry") if c in parks.columns]
    parks_m = to_metric(parks[columns]).set_index("id", drop=False)
    is_area = parks_m["accuracy"].eq(AREA_CLASS) if "accuracy" in parks_m.columns else parks_m["id"].eq(None)
    pairs, accuracy = {}, {}
    for key, frame in park_targets(store).items():
        frame_m = to_metric(frame)
        area = frame_m["accuracy"].eq(AREA_CLASS) if "accuracy" in frame_m.columns else frame_m["id"].eq(None)
        pairs[key] = list(zip(frame_m.geometry, area))
        if "accuracy" in frame.columns:
            accuracy.update(zip(frame["id"], frame["accuracy"]))
    return Measured(parks_m, is_area, pairs, accuracy)


def measured(store: Store) -> Measured:
    """The parks and targets as the scenario measurement needs them (cached per data version)."""
    return store.derived("scenarios:measured", lambda: _build_measured(store), layers=["parks", *target_layers()])


def _interval_after(geom, is_area: bool, pairs: list, new_m: gpd.GeoDataFrame) -> tuple[float, float]:
    return distance_interval_m(geom, is_area, pairs + [(g, False) for g in new_m.geometry])


def _nearest_new(m: Measured, new_m: gpd.GeoDataFrame, index: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Distance (m) from every park to its nearest proposed point and that point's id, in ``index`` order.

    The proposed points are few (at most MAX_FEATURES), so one parks x points distance matrix is cheaper than a
    nearest join; ties go to the smaller id, as in ``nearest_distance_m``.
    """
    by_id = new_m.sort_values("id", kind="mergesort")
    matrix = shapely.distance(m.parks_m.geometry.to_numpy()[:, None], by_id.geometry.to_numpy()[None, :])
    best = matrix.argmin(axis=1)  # first minimum: the smaller id
    distance = pd.Series(matrix[np.arange(len(best)), best], index=m.parks_m.index)
    ids = pd.Series(by_id["id"].to_numpy(object)[best], index=m.parks_m.index)
    return distance.reindex(index).to_numpy(float), ids.reindex(index).to_numpy(object)


def _apply(crit: Criterion, cols: dict, m: Measured, new_m: gpd.GeoDataFrame) -> bool:
    """Lower ``cols``' distances of ``crit`` where a proposed point is nearer; True if any changed."""
    values, targets, nearest = cols["values"], cols["targets"], cols["nearest"]
    d_new, new_ids = _nearest_new(m, new_m, values.index)
    key = crit.key
    before = values[key].to_numpy(float)
    near_before = nearest[key].to_numpy(float)
    is_area = m.is_area.reindex(values.index, fill_value=False).to_numpy(bool)
    interval = ~np.isnan(near_before) | is_area
    far = np.where(np.isnan(before), np.inf, before)
    better = d_new < far  # NaN (unplaced park) compares False
    plain = better & ~interval
    values.loc[plain, key] = d_new[plain]
    targets.loc[plain, key] = new_ids[plain]
    for pos in np.flatnonzero(better & interval):  # area sites: a handful, each sampled over its area
        pid = values.index[pos]
        near, far_after = _interval_after(m.parks_m.geometry.loc[pid], bool(is_area[pos]), m.pairs[key], new_m)
        values.iloc[pos, values.columns.get_loc(key)] = far_after
        nearest.iloc[pos, nearest.columns.get_loc(key)] = near
        if np.isnan(near_before[pos]) or d_new[pos] < near_before[pos]:
            targets.iloc[pos, targets.columns.get_loc(key)] = new_ids[pos]
    return bool(better.any())


def base_after(store: Store, base: ParkBase, access: Access) -> tuple[ParkBase, list[str]]:
    """The park base with the scenario's access points added as targets, and the criteria that changed."""
    m = measured(store)
    nearest = base.nearest if base.nearest is not None else base.values * np.nan
    cols = {"values": base.values.copy(), "targets": base.targets.copy(), "nearest": nearest.copy()}
    changed = [
        c.key
        for c in distance_criteria()
        if not access.targets_m[c.key].empty and not m.parks_m.empty and _apply(c, cols, m, access.targets_m[c.key])
    ]
    if not changed:
        return base, []
    return rebased(base, cols["values"], cols["targets"], cols["nearest"], changed), changed
