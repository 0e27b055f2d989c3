"""Coordinates sent to the browser with the precision each feature's accuracy class justifies (issue 15)."""

from __future__ import annotations

from typing import Any

# decimals of a degree: 6 ~ 0.1 m, 5 ~ 1 m, 4 ~ 11 m (latitude); none is finer than the class's own uncertainty
DECIMALS_BY_ACCURACY: dict[str, int] = {"surveyed": 6, "approximate": 5, "schematic": 4, "area": 4}
DEFAULT_DECIMALS = 6  # a class not listed here keeps the finest precision


def _rounded(coords: Any, decimals: int) -> Any:
    if isinstance(coords, (int, float)):
        return round(coords, decimals)
    return [_rounded(c, decimals) for c in coords]


def rounded_geometry(geometry: dict | None, decimals: int) -> dict | None:
    """A copy of a GeoJSON geometry with every coordinate rounded to ``decimals`` (degrees)."""
    if geometry is None:
        return None
    if geometry.get("type") == "GeometryCollection":
        return {**geometry, "geometries": [rounded_geometry(g, decimals) for g in geometry["geometries"]]}
    return {**geometry, "coordinates": _rounded(geometry["coordinates"], decimals)}


def rounded_collection(fc: dict) -> dict:
    """A copy of a FeatureCollection whose coordinates are rounded per feature accuracy class (properties as is)."""
    features = []
    for feat in fc.get("features", []):
        decimals = DECIMALS_BY_ACCURACY.get((feat.get("properties") or {}).get("accuracy"), DEFAULT_DECIMALS)
        features.append({**feat, "geometry": rounded_geometry(feat.get("geometry"), decimals)})
    return {**fc, "features": features}
