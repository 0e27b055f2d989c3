"""Nearest-feature distances between two layers, vectorised with the spatial index; Flask-free.

Both frames must already be in ``METRIC_CRS`` (see ``atlas.analysis.to_metric``): distances are
measured between the full geometries (a park polygon's edge, not its centroid) in metres.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from atlas.analysis import METRIC_CRS

NEAREST_COLUMNS = ["distance_m", "target_id"]


def _check_metric(frame: gpd.GeoDataFrame, name: str) -> None:
    if frame.crs is None or CRS.from_user_input(frame.crs) != CRS.from_user_input(METRIC_CRS):
        raise ValueError(f"{name} must be in {METRIC_CRS} (metres), got CRS {frame.crs}")
    if "id" not in frame.columns:
        raise ValueError(f"{name} needs an 'id' column; got columns {list(frame.columns)}")


def nearest_distance_m(sources_m: gpd.GeoDataFrame, targets_m: gpd.GeoDataFrame) -> pd.DataFrame:
    """Distance in metres from each source to its nearest target, with that target's id.

    Parameters: ``sources_m`` and ``targets_m`` in METRIC_CRS with an ``id`` column and no null
    geometries. Returns a frame indexed like ``sources_m`` with ``distance_m`` (float, NaN when there
    is no target) and ``target_id``. Equidistant targets are broken by the smaller target id.
    """
    _check_metric(sources_m, "sources_m")
    _check_metric(targets_m, "targets_m")
    out = pd.DataFrame({"distance_m": float("nan"), "target_id": None}, index=sources_m.index)
    if sources_m.empty or targets_m.empty:
        return out[NEAREST_COLUMNS]
    left = sources_m[["geometry"]]
    right = targets_m[["id", "geometry"]].rename(columns={"id": "target_id"})
    joined = gpd.sjoin_nearest(left, right, how="inner", distance_col="distance_m")
    joined = joined.rename_axis("_source").reset_index()
    joined = joined.sort_values(["_source", "distance_m", "target_id"], kind="mergesort")
    first = joined.drop_duplicates("_source").set_index("_source")
    out.loc[first.index, "distance_m"] = first["distance_m"].astype(float)
    out.loc[first.index, "target_id"] = first["target_id"]
    return out[NEAREST_COLUMNS]


def k_nearest_m(source_m, targets_m: gpd.GeoDataFrame, k: int) -> pd.DataFrame:
    """The ``k`` targets nearest to one metric geometry: ``id`` and ``distance_m``, nearest first.

    ``source_m`` is a shapely geometry in METRIC_CRS; ties are broken by target id.
    """
    _check_metric(targets_m, "targets_m")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    distances = targets_m.geometry.distance(source_m)
    table = pd.DataFrame({"id": targets_m["id"].to_numpy(), "distance_m": distances.to_numpy()})
    return table.sort_values(["distance_m", "id"], kind="mergesort").head(k).reset_index(drop=True)


def connecting_lines_m(source_m, targets_m: gpd.GeoSeries) -> gpd.GeoSeries:
    """Shortest lines from one metric geometry to each target geometry (vectorised), in METRIC_CRS."""
    lines = shapely.shortest_line(source_m, targets_m.to_numpy())
    return gpd.GeoSeries(lines, index=targets_m.index, crs=METRIC_CRS)


# --- distance intervals for sites known only to lie somewhere in an area (accuracy class ``area``) ---------
# An ``area`` feature's geometry is the area that contains the site, not the site. Its distance to anything is
# therefore an interval: nearest = the closest point of the area (exact, shapely), farthest = the largest
# distance the true site could have, evaluated on the area's vertices, its boundary every SAMPLE_STEP_M and a
# SAMPLE_STEP_M grid inside (distance is 1-Lipschitz, so the farthest value is low by at most step/sqrt(2),
# 71 m). Where the *other* side is an area too, its farthest point is one of its convex-hull vertices.

SAMPLE_STEP_M = 100.0


def area_samples_xy(area_m, step_m: float = SAMPLE_STEP_M) -> np.ndarray:
    """(n, 2) metric coordinates covering a polygon: its vertices, its boundary every ``step_m`` and an inner grid."""
    if step_m <= 0:
        raise ValueError(f"step_m must be positive, got {step_m}")
    edge = shapely.get_coordinates(shapely.segmentize(area_m.boundary, step_m))
    x0, y0, x1, y1 = area_m.bounds
    gx, gy = np.meshgrid(np.arange(x0, x1 + step_m, step_m), np.arange(y0, y1 + step_m, step_m))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    inside = grid[shapely.contains_xy(area_m, grid[:, 0], grid[:, 1])]
    return np.vstack([edge, inside])


def _hull_xy(geometry) -> np.ndarray:
    return shapely.get_coordinates(geometry.convex_hull)


def farthest_from_points_m(xy: np.ndarray, target_m, target_is_area: bool) -> np.ndarray:
    """Per point of ``xy``: the largest possible distance (m) to the target's true site."""
    if target_is_area:
        hull = _hull_xy(target_m)
        return np.sqrt(((xy[:, None, :] - hull[None, :, :]) ** 2).sum(axis=-1)).max(axis=1)
    return shapely.distance(shapely.points(xy), target_m)


def distance_interval_m(
    source_m, source_is_area: bool, targets: list[tuple[object, bool]], step_m: float = SAMPLE_STEP_M
) -> tuple[float, float]:
    """Nearest and farthest possible distance (m, METRIC_CRS) from a source to the nearest of ``targets``.

    ``targets`` are (metric geometry, is_area) pairs; a source or target with ``is_area`` stands for a site
    somewhere inside it. Without any area on either side both values are the plain nearest distance.
    Returns (nan, nan) when there is no target.
    """
    if not targets:
        return float("nan"), float("nan")
    nearest = min(float(source_m.distance(geom)) for geom, _ in targets)
    if not source_is_area and not any(is_area for _, is_area in targets):
        return nearest, nearest
    if source_is_area:
        xy = area_samples_xy(source_m, step_m)
        upper = np.min([farthest_from_points_m(xy, geom, is_area) for geom, is_area in targets], axis=0)
        return nearest, max(float(upper.max()), nearest)
    uppers = [
        float(shapely.distance(shapely.points(_hull_xy(geom)), source_m).max())
        if is_area
        else float(source_m.distance(geom))
        for geom, is_area in targets
    ]
    return nearest, max(min(uppers), nearest)
