"""Spatial analysis on GeoDataFrames in one metric CRS; Flask-free.

Every buffer, distance and area is computed in ``METRIC_CRS`` (WGS 84 / UTM zone 48N, metres), which
suits Qijiang at ~106.7 E. Inputs and outputs elsewhere are WGS-84 lon/lat (EPSG:4326).
"""

from __future__ import annotations

import geopandas as gpd
from pyproj import Geod

METRIC_CRS = "EPSG:32648"
WGS84 = "EPSG:4326"
GEOD = Geod(ellps="WGS84")


def to_metric(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy of ``frame`` in METRIC_CRS, dropping features without geometry; never mutates the input."""
    if frame.crs is None:
        raise ValueError("frame has no CRS; expected WGS-84 (EPSG:4326)")
    placed = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    return placed.to_crs(METRIC_CRS)


def geodesic_length_m(geometry) -> float:
    """Length of a WGS-84 (lon/lat) line geometry on the ellipsoid, in metres (cross-check for projected lengths)."""
    return float(GEOD.geometry_length(geometry))
