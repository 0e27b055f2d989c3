"""Catchment buffers of corridor lines and what lies in them (features, park area), all in METRIC_CRS metres."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from atlas.analysis import METRIC_CRS
from atlas.parks.area import planned_else_built_km2


def catchments(lines_m: gpd.GeoDataFrame, buffer_m: float) -> gpd.GeoDataFrame:
    """Return one catchment polygon per line (METRIC_CRS) with the line's ``id`` as ``corridor``."""
    if lines_m.crs is None or not lines_m.crs.equals(METRIC_CRS):
        raise ValueError(f"lines must be in {METRIC_CRS}, got {lines_m.crs}")
    zones = shapely.buffer(lines_m.geometry.to_numpy(), buffer_m, quad_segs=16)
    shapely.prepare(zones)  # new polygons, prepared once for the many feature-in-zone tests that follow
    return gpd.GeoDataFrame({"corridor": lines_m["id"].to_numpy()}, geometry=zones, crs=lines_m.crs)


def length_in_district_km(lines_m: gpd.GeoSeries, district_m: BaseGeometry) -> pd.Series:
    """Return each line's length inside ``district_m`` in km; both in METRIC_CRS."""
    return lines_m.intersection(district_m).length / 1000.0


def _feature_rank(features_m: gpd.GeoDataFrame) -> np.ndarray:
    """Position of each feature in index order (the layer order of the source frame)."""
    if features_m.index.is_monotonic_increasing:
        return np.arange(len(features_m))
    rank = np.empty(len(features_m), dtype=np.int64)
    rank[np.argsort(features_m.index.to_numpy(), kind="stable")] = np.arange(len(features_m))
    return rank


def intersecting_pairs(catchments_m: gpd.GeoDataFrame, features_m: gpd.GeoDataFrame) -> np.ndarray:
    """(catchment positions, feature positions) of every catchment-feature pair that intersects, via the
    features' spatial index (cached with the frame); both frames in METRIC_CRS."""
    if features_m.empty:
        return np.zeros((2, 0), dtype=np.int64)
    return features_m.sindex.query(catchments_m.geometry.to_numpy(), predicate="intersects")


def served_features(
    catchments_m: gpd.GeoDataFrame, features_m: gpd.GeoDataFrame, pairs: np.ndarray | None = None
) -> dict[str, list[str]]:
    """Map each catchment's ``corridor`` to the ids of features intersecting it, in layer order.

    ``pairs`` may pass ``intersecting_pairs(catchments_m, features_m)`` when it is already known.
    """
    corridors = catchments_m["corridor"].tolist()
    zone_pos, feature_pos = intersecting_pairs(catchments_m, features_m) if pairs is None else pairs
    order = np.lexsort((_feature_rank(features_m)[feature_pos], zone_pos))
    zone_pos, feature_pos = zone_pos[order], feature_pos[order]
    ids = features_m["id"].to_numpy()
    bounds = np.searchsorted(zone_pos, np.arange(len(corridors) + 1))
    served: dict[str, list[str]] = {cid: [] for cid in corridors}
    for i, cid in enumerate(corridors):  # one entry per catchment, not per feature
        served[cid] = served[cid] + ids[feature_pos[bounds[i] : bounds[i + 1]]].tolist()
    return served


def _zone_sums(zone_pos: np.ndarray, amounts: np.ndarray, zones: int) -> np.ndarray:
    """Sum ``amounts`` per catchment position (pandas' compensated group sum, as a frame join would)."""
    sums = pd.Series(amounts, dtype=float).groupby(zone_pos).sum()
    return sums.reindex(range(zones), fill_value=0.0).to_numpy(float)


def _polygon_area_m2(zones: np.ndarray, geoms: np.ndarray, zone_pos: np.ndarray, park_pos: np.ndarray) -> np.ndarray:
    """Area (m²) of each polygon park inside its catchment; only parks crossing the edge are intersected."""
    covered = shapely.covers(zones[zone_pos], geoms[park_pos])
    area_m2 = np.empty(len(park_pos), dtype=float)
    area_m2[covered] = shapely.area(geoms[park_pos[covered]])
    area_m2[~covered] = shapely.area(shapely.intersection(geoms[park_pos[~covered]], zones[zone_pos[~covered]]))
    return area_m2


def _sourced_km2(parks_m: gpd.GeoDataFrame) -> np.ndarray:
    """Planned area in km², else built area, else 0 (the parks' one area rule)."""
    return np.nan_to_num(planned_else_built_km2(parks_m).to_numpy(float), nan=0.0)


def park_area_ha(
    catchments_m: gpd.GeoDataFrame, parks_m: gpd.GeoDataFrame, pairs: np.ndarray | None = None
) -> dict[str, float]:
    """Park area inside each catchment in hectares: polygon parts by geometry, point parks by their sourced area.

    ``pairs`` may pass ``intersecting_pairs(catchments_m, parks_m)`` when it is already known.
    """
    corridors = catchments_m["corridor"].tolist()
    zone_pos, park_pos = intersecting_pairs(catchments_m, parks_m) if pairs is None else pairs
    zones, geoms = catchments_m.geometry.to_numpy(), parks_m.geometry.to_numpy()
    types = shapely.get_type_id(geoms[park_pos])
    polygon = np.isin(types, (3, 6))  # Polygon, MultiPolygon
    area_m2 = _polygon_area_m2(zones, geoms, zone_pos[polygon], park_pos[polygon])
    polygon_ha = _zone_sums(zone_pos[polygon], area_m2, len(zones)) / 10_000.0
    point = types == 0
    inside = shapely.contains(zones[zone_pos[point]], geoms[park_pos[point]])  # within, not on the edge
    sourced_km2 = _sourced_km2(parks_m)[park_pos[point][inside]] if point.any() else np.zeros(0)
    point_ha = _zone_sums(zone_pos[point][inside], sourced_km2, len(zones)) * 100.0
    totals = dict.fromkeys(corridors, 0.0)
    for i, cid in enumerate(corridors):  # one entry per catchment
        totals[cid] = totals[cid] + polygon_ha[i] + point_ha[i]
    return {cid: round(float(ha), 1) for cid, ha in totals.items()}
