"""Chinese datum conversions: GCJ-02 ("Mars") and BD-09 to and from WGS-84, vectorised.

Uses the maintained ``coordTransform`` package (compiled batch functions). Its GCJ-02 -> WGS-84
inverse is the usual one-step approximation (~1-2 m); two fixed-point iterations with its exact
forward transform bring the round trip to millimetres (tests/test_datum.py).
"""

from __future__ import annotations

import coordTransform
import numpy as np
import shapely

DATUMS = ("wgs84", "gcj02", "bd09")


def _split(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    return np.ascontiguousarray(xy[:, 0]), np.ascontiguousarray(xy[:, 1])


def _stack(lon, lat) -> np.ndarray:
    return np.column_stack([np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)])


def wgs84_to_gcj02_xy(xy: np.ndarray) -> np.ndarray:
    """WGS-84 -> GCJ-02 for an (N, 2) lon/lat array."""
    if len(xy) == 0:
        return np.asarray(xy, dtype=np.float64).reshape(0, 2)
    return _stack(*coordTransform.wgs84_to_gcj02(*_split(xy)))


def gcj02_to_wgs84_xy(xy: np.ndarray) -> np.ndarray:
    """GCJ-02 -> WGS-84 for an (N, 2) lon/lat array, refined to millimetres."""
    if len(xy) == 0:
        return np.asarray(xy, dtype=np.float64).reshape(0, 2)
    lon, lat = _split(xy)
    out_lon, out_lat = (np.asarray(v, dtype=np.float64) for v in coordTransform.gcj02_to_wgs84(lon, lat))
    for _ in range(2):
        fwd_lon, fwd_lat = (np.asarray(v, dtype=np.float64) for v in coordTransform.wgs84_to_gcj02(out_lon, out_lat))
        out_lon = out_lon - (fwd_lon - lon)
        out_lat = out_lat - (fwd_lat - lat)
    return _stack(out_lon, out_lat)


def bd09_to_wgs84_xy(xy: np.ndarray) -> np.ndarray:
    """BD-09 -> WGS-84 for an (N, 2) lon/lat array (via GCJ-02)."""
    if len(xy) == 0:
        return np.asarray(xy, dtype=np.float64).reshape(0, 2)
    return gcj02_to_wgs84_xy(_stack(*coordTransform.bd09_to_gcj02(*_split(xy))))


def wgs84_to_bd09_xy(xy: np.ndarray) -> np.ndarray:
    """WGS-84 -> BD-09 for an (N, 2) lon/lat array (via GCJ-02)."""
    if len(xy) == 0:
        return np.asarray(xy, dtype=np.float64).reshape(0, 2)
    return _stack(*coordTransform.gcj02_to_bd09(*_split(wgs84_to_gcj02_xy(xy))))


_CONVERTERS = {
    ("wgs84", "gcj02"): wgs84_to_gcj02_xy,
    ("gcj02", "wgs84"): gcj02_to_wgs84_xy,
    ("bd09", "wgs84"): bd09_to_wgs84_xy,
    ("wgs84", "bd09"): wgs84_to_bd09_xy,
}


def converter(source: str, target: str):
    """The (N, 2) array function converting ``source`` to ``target``; ValueError for an unknown pair."""
    try:
        return _CONVERTERS[(source, target)]
    except KeyError:
        raise ValueError(f"cannot convert {source!r} to {target!r}; datums: {DATUMS}") from None


def convert_lonlat(lon: float, lat: float, source: str, target: str) -> tuple[float, float]:
    """Convert one lon/lat pair between datums (degrees)."""
    if source == target:
        return lon, lat
    out = converter(source, target)(np.array([[lon, lat]]))
    return float(out[0, 0]), float(out[0, 1])


def convert_geometry(geometry, source: str, target: str):
    """Return a copy of a shapely geometry (or array of them) with every vertex converted between datums."""
    if source == target or geometry is None:
        return geometry
    return shapely.transform(geometry, converter(source, target))
