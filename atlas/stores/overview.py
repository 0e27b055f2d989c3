"""A layer's lighter copy for the map's overview zooms: outlines simplified to about a screen pixel there.

The map opens at zoom 10, where a pixel is ~130 m on the ground in Qijiang: the towns' 19,000 boundary
vertices (about one every 10 m) draw the same picture with a few thousand. The browser draws this copy up
to OVERVIEW_MAX_ZOOM and the full one (``atlas.stores.precision``'s copy) once the map is zoomed in further, so
no detail is lost, only deferred. Each outline is simplified on its own (Douglas-Peucker, which bounds how
far a line moves; GEOS's coverage simplification keeps neighbours' shared edges but moves lines several
pixels, and the shipped towns are not an exact coverage): neighbours may part by up to a pixel there.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import shapely

from atlas.layerfile import geometry_to_geojson
from atlas.stores.precision import DECIMALS_BY_ACCURACY, DEFAULT_DECIMALS, rounded_geometry

OVERVIEW_MAX_ZOOM = 10
TOLERANCE_PX = 1.0  # the largest shift of an outline, in screen pixels at OVERVIEW_MAX_ZOOM
# an overview is served only when it is this much smaller than the full copy (else the browser loads one)
MIN_SAVING = 0.15
EQUATOR_M_PER_PX_Z0 = 156543.03392804097  # Web Mercator ground resolution at zoom 0 on the equator
SIMPLIFIED_TYPES = ("LineString", "MultiLineString", "Polygon", "MultiPolygon")


def ground_m_per_px(lat_deg: float, zoom: int) -> float:
    """Metres on the ground per screen pixel of a Web Mercator map at ``zoom`` and latitude ``lat_deg``."""
    return EQUATOR_M_PER_PX_Z0 * math.cos(math.radians(lat_deg)) / 2**zoom


def overview_decimals(tolerance_m: float) -> int:
    """Decimals of a degree fine enough for an outline simplified by ``tolerance_m`` (a tenth of it)."""
    step_deg = tolerance_m / 10 / 111_320
    return max(0, math.ceil(-math.log10(step_deg)))


def _simplified(geoms: np.ndarray, tolerance_m: float) -> np.ndarray:
    """Douglas-Peucker on each metric geometry (no vertex moves further than ``tolerance_m``; rings stay
    valid); a geometry the simplification broke or emptied keeps its full detail."""
    out = shapely.simplify(geoms, tolerance_m, preserve_topology=True)
    broken = shapely.is_empty(out) | ~shapely.is_valid(out)
    out[broken] = geoms[broken]
    return out


def overview_collection(fc: dict, zoom: int = OVERVIEW_MAX_ZOOM) -> dict:
    """A copy of the browser's FeatureCollection (``atlas.stores.precision.rounded_collection``) for zooms up to
    ``zoom``: lines and polygons simplified by TOLERANCE_PX there (in metres, in the layer's UTM zone) and
    rounded to suit; points and properties as they are."""
    features = fc.get("features", [])
    picked = [i for i, f in enumerate(features) if (f.get("geometry") or {}).get("type") in SIMPLIFIED_TYPES]
    if not picked:
        return fc
    shapes = gpd.GeoSeries([shapely.geometry.shape(features[i]["geometry"]) for i in picked], crs="EPSG:4326")
    lat = float(np.mean(shapes.total_bounds[[1, 3]]))
    tolerance_m = TOLERANCE_PX * ground_m_per_px(lat, zoom)
    metric = shapes.to_crs(shapes.estimate_utm_crs())
    simple = gpd.GeoSeries(_simplified(metric.values, tolerance_m), crs=metric.crs).to_crs("EPSG:4326")
    decimals = overview_decimals(tolerance_m)
    out = list(features)
    for i, geom in zip(picked, simple.values):
        accuracy = (features[i].get("properties") or {}).get("accuracy")
        places = min(decimals, DECIMALS_BY_ACCURACY.get(accuracy, DEFAULT_DECIMALS))
        out[i] = {**features[i], "geometry": rounded_geometry(geometry_to_geojson(geom), places)}
    return {**fc, "features": out}
