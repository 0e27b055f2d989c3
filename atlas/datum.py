"""Chinese datum conversions (GCJ-02 "Mars" and BD-09 to and from WGS-84) with the prcoords library.

prcoords' inverses are iterative: a WGS-84 -> GCJ-02 -> WGS-84 round trip over Qijiang is exact to
millimetres (tests/test_datum.py), unlike the one-step inverse of some other libraries (~2 m here).
"""

from __future__ import annotations

import numpy as np
import prcoords
import shapely

DATUMS = ("wgs84", "gcj02", "bd09")

_FORWARD = {
    ("wgs84", "gcj02"): lambda c: prcoords.wgs_gcj(c),
    ("gcj02", "wgs84"): lambda c: prcoords.gcj_wgs_bored(c),
    ("bd09", "wgs84"): lambda c: prcoords.bd_wgs_bored(c),
    ("wgs84", "bd09"): lambda c: prcoords.wgs_bd(c),
    ("bd09", "gcj02"): lambda c: prcoords.bd_gcj(c),
    ("gcj02", "bd09"): lambda c: prcoords.gcj_bd(c),
}


def convert_lonlat(lon: float, lat: float, source: str, target: str) -> tuple[float, float]:
    """Convert one lon/lat pair between datums (degrees)."""
    if source == target:
        return lon, lat
    try:
        step = _FORWARD[(source, target)]
    except KeyError:
        raise ValueError(f"cannot convert {source!r} to {target!r}; datums: {DATUMS}") from None
    out = step(prcoords.Coords(lat, lon))
    return out.lon, out.lat


def convert_geometry(geometry, source: str, target: str):
    """Return a copy of a shapely geometry with every vertex converted between datums."""
    if source == target or geometry is None:
        return geometry

    def convert(coords: np.ndarray) -> np.ndarray:
        return np.array([convert_lonlat(x, y, source, target) for x, y in coords]).reshape(coords.shape)

    return shapely.transform(geometry, convert)
