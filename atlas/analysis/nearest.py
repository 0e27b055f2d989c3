"""Nearest-feature distances between two layers, vectorised with the spatial index; Flask-free.

Both frames must already be in ``METRIC_CRS`` (see ``atlas.analysis.to_metric``): distances are
measured between the full geometries (a park polygon's edge, not its centroid) in metres.
"""

from __future__ import annotations

import geopandas as gpd
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
