"""The features park distances are measured to, selected from the Store as each criterion's ``Target`` says.

Interchanges are ``stations`` of kind ``interchange``; rail is kind ``station`` or ``freight_yard``; logistics
hubs are ``hubs`` except kind ``logistics_designation``; the district centre is the ``government_seat`` point
of ``places`` (the district polygon's centroid only when no seat is placed). See ``atlas.parks.criteria``.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from atlas.analysis import WGS84, to_metric
from atlas.parks.criteria import Target, distance_criteria, target_layers
from atlas.stores.base import Store


class ParkTargets(dict):
    """Criterion key -> the WGS-84 GeoDataFrame (with ``id``, may be empty) its distances are measured to."""


def _of_kind(frame: gpd.GeoDataFrame, kinds: tuple[str, ...], exclude: bool = False) -> gpd.GeoDataFrame:
    mask = frame["kind"].isin(kinds) if "kind" in frame.columns else pd.Series(False, index=frame.index)
    return frame[~mask if exclude else mask]


def centroid_of(store: Store, layer_id: str) -> gpd.GeoDataFrame:
    """The centroid (computed in METRIC_CRS) of a polygon layer's union, as a one-row WGS-84 frame."""
    polygons = to_metric(store.usable(layer_id).frame())
    centroid = polygons.geometry.union_all().centroid
    return gpd.GeoDataFrame(
        {"id": [f"{layer_id}-centroid"], "name_zh": ["綦江区几何中心"], "name_en": ["District centroid"]},
        geometry=[centroid],
        crs=polygons.crs,
    ).to_crs(WGS84)


def target_frame(store: Store, target: Target) -> gpd.GeoDataFrame:
    """The features ``target`` selects from its layer (shared frames: do not mutate)."""
    frame = store.usable(target.layer).frame()
    if target.kinds is not None:
        frame = _of_kind(frame, target.kinds, target.exclude)
    if not target.first_only:
        return frame
    placed = frame[frame.geometry.notna()]
    if len(placed) or not target.fallback_centroid_of:
        return placed.head(1)
    return centroid_of(store, target.fallback_centroid_of)


def park_targets(store: Store) -> ParkTargets:
    """The target frame of every distance criterion, for the current data version (cached in the store)."""

    def build() -> ParkTargets:
        return ParkTargets({c.key: target_frame(store, c.target) for c in distance_criteria()})

    return store.derived("parks-targets", build, layers=target_layers())
