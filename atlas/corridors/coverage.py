"""How much of the district and of each 街道/镇 a catchment covers, by area in METRIC_CRS; Flask-free.

Shares are areas measured in UTM 48N (EPSG:32648, m²): ``district_share`` = area(catchment ∩ district) /
area(district); a town's ``share`` = area(catchment ∩ town polygon) / area(town polygon). Whatever polygons
the towns layer holds are used as they are (no population weighting: no township census figures exist).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from atlas.analysis import METRIC_CRS

M2_PER_KM2 = 1_000_000.0
SHARE_DIGITS = 6  # shares as fractions 0..1
AREA_DIGITS = 3  # km², 1000 m² resolution


def _checked(frame: gpd.GeoDataFrame, what: str) -> None:
    if frame.crs is None or not frame.crs.equals(METRIC_CRS):
        raise ValueError(f"{what} must be in {METRIC_CRS}, got {frame.crs}")


def district_share(zone_m: BaseGeometry, district_m: BaseGeometry) -> dict:
    """Covered area (km²) and share (0..1) of the district inside one catchment; both in METRIC_CRS."""
    total = float(district_m.area)
    covered = float(shapely.intersection(zone_m, district_m).area) if total else 0.0
    return {
        "district_km2": round(total / M2_PER_KM2, AREA_DIGITS),
        "covered_km2": round(covered / M2_PER_KM2, AREA_DIGITS),
        "district_share": round(covered / total, SHARE_DIGITS) if total else None,
    }


def town_shares(zone_m: BaseGeometry, towns_m: gpd.GeoDataFrame) -> list[dict]:
    """The towns a catchment reaches, ranked by covered share (largest first), with areas in km².

    ``towns_m`` holds town polygons (``id``, ``name_zh``, ``name_en``) in METRIC_CRS; towns the catchment
    does not reach are left out.
    """
    _checked(towns_m, "towns")
    if towns_m.empty:
        return []
    positions = towns_m.sindex.query(zone_m, predicate="intersects")
    geoms = towns_m.geometry.to_numpy()[positions]
    covered = shapely.area(shapely.intersection(geoms, zone_m))
    areas = shapely.area(geoms)
    shares = np.divide(covered, areas, out=np.zeros_like(covered), where=areas > 0)
    rows = towns_m.iloc[positions]
    out = [
        {
            "id": tid,
            "name_zh": zh,
            "name_en": en if isinstance(en, str) else None,
            "area_km2": round(float(area) / M2_PER_KM2, AREA_DIGITS),
            "covered_km2": round(float(cov) / M2_PER_KM2, AREA_DIGITS),
            "share": round(float(share), SHARE_DIGITS),
        }
        for tid, zh, en, area, cov, share in zip(rows["id"], rows["name_zh"], rows["name_en"], areas, covered, shares)
        if cov > 0
    ]
    return sorted(out, key=lambda row: (-row["share"], row["id"]))


def coverage(zone_m: BaseGeometry, district_m: BaseGeometry, towns_m: gpd.GeoDataFrame) -> dict:
    """District share and ranked town shares of one catchment (all in METRIC_CRS)."""
    return {**district_share(zone_m, district_m), "towns": town_shares(zone_m, towns_m)}


def town_polygons(towns: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The towns layer's polygons (WGS-84 in) as ``id``/``name_zh``/``name_en`` in METRIC_CRS (placed only)."""
    frame = towns[[c for c in ("id", "name_zh", "name_en") if c in towns.columns] + ["geometry"]].copy()
    if "name_en" not in frame.columns:
        frame["name_en"] = None
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    polygonal = frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])
    return frame[polygonal].to_crs(METRIC_CRS).reset_index(drop=True)
