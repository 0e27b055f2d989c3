"""Compare transport corridors: length inside the district, catchment buffers and what each one serves.

Flask-free. Inputs are WGS-84 (EPSG:4326) GeoDataFrames as the data store serves them; every length,
buffer and area is computed in ``METRIC_CRS`` (UTM 48N, metres) with vectorised GeoPandas/Shapely 2
operations and spatial-index joins (``sjoin``), never a Python loop over features.

Conventions (shown on the compare page too):
- a town is "in the catchment" when its label point (``label_lon``/``label_lat``, the area-weighted
  centroid of its source polygon) is, not when its polygon merely touches the buffer;
- a polygon park contributes its area inside the catchment; a point park contributes its sourced
  area (``planned_area_km2``, else ``built_area_km2``) when the point is inside, else nothing;
- ``only_in[id]`` lists what that corridor serves and no other compared corridor does; ``shared``
  lists what every compared corridor serves;
- a park, hub or community of accuracy ``area`` (known only to lie somewhere in its 街道/镇) is served when
  its area reaches the catchment; ``area_sites`` then gives its distance interval to the line (nearest and
  farthest possible, metres) and whether it is served for certain (farthest within the buffer).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.geometry
from shapely.geometry.base import BaseGeometry

from atlas.analysis import METRIC_CRS, WGS84, to_metric
from atlas.analysis.coverage import coverage, town_polygons
from atlas.analysis.nearest import distance_interval_m
from atlas.analysis.proposed import PROPOSED_ID, ProposedLine, parse_proposed, read_line_upload
from atlas.errors import BadParameter

__all__ = [
    "catchment",
    "catchments",
    "length_in_district_km",
    "served_features",
    "compare_corridors",
    "parse_proposed",
    "read_line_upload",
    "ProposedLine",
    "build_context",
    "list_corridors",
]

CORRIDOR_LAYERS = ("railways", "expressways", "river")
SERVED_LAYERS = ("parks", "hubs", "communities", "towns")
SITE_LAYERS = ("parks", "hubs", "communities")  # layers whose features may be ``area`` sites
CONTEXT_LAYERS = CORRIDOR_LAYERS + SERVED_LAYERS + ("stations", "district")
STATION_KINDS = ("station", "interchange", "freight_yard")
BUFFER_MIN_M = 500.0
BUFFER_MAX_M = 20_000.0
BUFFER_DEFAULT_M = 5_000.0
MIN_CORRIDORS = 2
MAX_CORRIDORS = 6
CORRIDOR_COLUMNS = (
    "id",
    "name_zh",
    "name_en",
    "kind",
    "status",
    "accuracy",
    "opened",
    "length_km",
    "length_in_district_km_sourced",
)
CONTEXT_CACHE_SIZE = 4  # contexts kept, one per distinct set of input frames (a data version)


@dataclass(frozen=True)
class CorridorContext:
    """Everything a comparison reads, in WGS-84: corridor features (with a ``layer`` column) and context layers."""

    corridors: gpd.GeoDataFrame
    district: BaseGeometry
    parks: gpd.GeoDataFrame
    hubs: gpd.GeoDataFrame
    communities: gpd.GeoDataFrame
    towns: gpd.GeoDataFrame
    stations: gpd.GeoDataFrame
    town_areas: gpd.GeoDataFrame | None = None  # the towns' polygons, for covered shares
    # what every comparison derives from the context (metric frames, names, ...), filled on first use
    derived: dict = field(default_factory=dict, compare=False, repr=False)

    def memo(self, key: str, build: Callable[[], object]):
        """The value derived under ``key``, built on first use (a race builds it twice, harmlessly)."""
        if key not in self.derived:
            self.derived.setdefault(key, build())
        return self.derived[key]


_CONTEXTS: OrderedDict[tuple[int, ...], tuple[tuple, CorridorContext]] = OrderedDict()
_CONTEXTS_LOCK = threading.Lock()


def _columns(frame: gpd.GeoDataFrame, names: Sequence[str]) -> gpd.GeoDataFrame:
    """A copy of ``frame`` with exactly ``names`` plus geometry; missing columns are filled with None."""
    out = frame[[c for c in names if c in frame.columns] + ["geometry"]].copy()
    for name in names:
        if name not in out.columns:
            out[name] = None
    return out


def town_label_points(towns: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return towns as their label points (WGS-84), the point used for "town in catchment"."""
    points = gpd.points_from_xy(towns["label_lon"], towns["label_lat"], crs=WGS84)
    return gpd.GeoDataFrame(towns[["id", "name_zh"]].copy(), geometry=points, crs=WGS84)


def build_context(frames: Mapping[str, gpd.GeoDataFrame]) -> CorridorContext:
    """Assemble a CorridorContext from the WGS-84 frames of ``CONTEXT_LAYERS`` (inputs are not modified).

    The frames are treated as immutable (the data store's, one set per data version): the same frame
    objects give the same context, whose derived metric frames are then reused by every comparison.
    """
    inputs = tuple(frames[lid] for lid in CONTEXT_LAYERS)
    key = tuple(id(frame) for frame in inputs)
    with _CONTEXTS_LOCK:
        hit = _CONTEXTS.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], inputs)):
            _CONTEXTS.move_to_end(key)
            return hit[1]
    ctx = _assemble_context(frames)
    with _CONTEXTS_LOCK:  # the entry holds its frames, so their ids cannot be reused while it is cached
        _CONTEXTS[key] = (inputs, ctx)
        while len(_CONTEXTS) > CONTEXT_CACHE_SIZE:
            _CONTEXTS.popitem(last=False)
    return ctx


def _assemble_context(frames: Mapping[str, gpd.GeoDataFrame]) -> CorridorContext:
    parts = [_columns(frames[lid], CORRIDOR_COLUMNS).assign(layer=lid) for lid in CORRIDOR_LAYERS]
    records = [rec for part in parts for rec in part.drop(columns="geometry").to_dict("records")]
    corridors = _records_frame(records, [geom for part in parts for geom in part.geometry])
    district = frames["district"].geometry.dropna().union_all()
    parks = _columns(frames["parks"], ("id", "name_zh", "accuracy", "industries", "planned_area_km2", "built_area_km2"))
    return CorridorContext(
        corridors=corridors,
        district=district,
        parks=parks,
        hubs=_columns(frames["hubs"], ("id", "name_zh", "accuracy")),
        communities=_columns(frames["communities"], ("id", "name_zh", "accuracy")),
        towns=town_label_points(frames["towns"]),
        town_areas=_columns(frames["towns"], ("id", "name_zh", "name_en")),
        stations=_columns(frames["stations"], ("id", "name_zh", "kind", "line_ids")),
    )


def parse_buffer_m(raw) -> float:
    """Return a catchment buffer in metres from a number or numeric string, or raise BadParameter."""
    if raw is None or raw == "":
        return BUFFER_DEFAULT_M
    if isinstance(raw, bool):
        raise BadParameter("buffer_m must be a number of metres", parameter="buffer_m")
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise BadParameter(
            f"buffer_m must be a number of metres, got {str(raw)[:40]!r}", parameter="buffer_m"
        ) from None
    if not math.isfinite(value) or not BUFFER_MIN_M <= value <= BUFFER_MAX_M:
        raise BadParameter(
            f"buffer_m must be between {BUFFER_MIN_M:.0f} and {BUFFER_MAX_M:.0f} metres, got {raw}",
            parameter="buffer_m",
        )
    return value


def parse_ids(raw) -> tuple[str, ...]:
    """Return corridor ids from a comma-separated string or a list of strings, or raise BadParameter."""
    if raw is None or raw == "":
        return ()
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise BadParameter("ids must be a comma-separated string or a list of corridor ids", parameter="ids")
    ids = tuple(i.strip() for i in items if i.strip())
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise BadParameter(f"ids lists {', '.join(dupes)} more than once", parameter="ids")
    return ids


def select_corridors(corridors: gpd.GeoDataFrame, ids: Sequence[str], extra: int = 0) -> gpd.GeoDataFrame:
    """Return the rows of ``ids`` in that order; unknown or unplaced ids and a wrong count raise BadParameter."""
    total = len(ids) + extra
    if not MIN_CORRIDORS <= total <= MAX_CORRIDORS:
        raise BadParameter(
            f"compare {MIN_CORRIDORS} to {MAX_CORRIDORS} corridors (ids plus a proposed line); got {total}",
            parameter="ids",
        )
    known = corridors.set_index("id", drop=False)
    unknown = [i for i in ids if i not in known.index]
    if unknown:
        raise BadParameter(
            f"unknown corridor id(s): {', '.join(unknown)}; see /corridors for the list", parameter="ids"
        )
    chosen = known.loc[list(ids)].reset_index(drop=True)
    unplaced = chosen.loc[chosen.geometry.isna(), "id"].tolist()
    if unplaced:
        raise BadParameter(
            f"corridor {', '.join(unplaced)} has no sourced geometry and cannot be compared spatially", parameter="ids"
        )
    return gpd.GeoDataFrame(chosen, geometry="geometry", crs=corridors.crs)


def catchment(line_m: BaseGeometry, buffer_m: float) -> BaseGeometry:
    """Return the area within ``buffer_m`` metres of ``line_m``; both in METRIC_CRS (metres)."""
    if buffer_m <= 0:
        raise ValueError(f"buffer_m must be positive, got {buffer_m}")
    return line_m.buffer(buffer_m, quad_segs=16)


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
    """Planned area in km², else built area, else 0."""
    planned = pd.to_numeric(parks_m["planned_area_km2"], errors="coerce").to_numpy(float)
    built = pd.to_numeric(parks_m["built_area_km2"], errors="coerce").to_numpy(float)
    return np.nan_to_num(np.where(np.isnan(planned), built, planned), nan=0.0)


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


def stations_of(
    stations: gpd.GeoDataFrame, district: BaseGeometry
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Stations, interchanges and yards per line id: (placed inside the district, linked but unplaced)."""
    links = stations[stations["kind"].isin(STATION_KINDS)].explode("line_ids").dropna(subset=["line_ids"])
    placed = links.geometry.notna()
    inside = placed & links.geometry.intersects(district)
    by_line = links[inside].groupby("line_ids", sort=False)["id"].agg(list).to_dict()
    unplaced = links[~placed].groupby("line_ids", sort=False)["id"].agg(list).to_dict()
    return by_line, unplaced


def ordered_union(lists: Sequence[Sequence]) -> list:
    """Concatenate lists keeping the first occurrence of each item."""
    return list(dict.fromkeys(item for items in lists for item in (items if isinstance(items, list) else [])))


def difference_sets(served: Mapping[str, Mapping[str, list[str]]]) -> tuple[dict, dict]:
    """Return (only_in, shared): per corridor what no other corridor serves, and what every corridor serves."""
    only_in: dict[str, dict[str, list[str]]] = {}
    shared: dict[str, list[str]] = {}
    ids = list(served)
    for layer in SERVED_LAYERS:
        sets = {cid: set(served[cid][layer]) for cid in ids}
        common = set.intersection(*sets.values()) if sets else set()
        shared[layer] = [x for x in served[ids[0]][layer] if x in common] if ids else []
        for cid in ids:
            others = set().union(*(sets[o] for o in ids if o != cid))
            only_in.setdefault(cid, {})[layer] = [x for x in served[cid][layer] if x not in others]
    return only_in, shared


def area_site_intervals(
    line_m: BaseGeometry,
    served: Mapping[str, list[str]],
    layers_m: Mapping[str, gpd.GeoDataFrame],
    buffer_m: float,
    interval: Callable[[str, BaseGeometry], tuple[float, float]] | None = None,
) -> dict[str, dict]:
    """Per served ``area`` site: nearest and farthest possible distance (m) to the line, and if surely served.

    A loop over the served area-only sites (a handful), each measured in METRIC_CRS; ``interval(fid, geom)``
    may supply a remembered interval (the far end samples the whole area, ~10 ms a site).
    """
    measure = interval or (lambda _fid, geom: distance_interval_m(geom, True, [(line_m, False)]))
    out = {}
    for lid in SITE_LAYERS:
        frame = layers_m[lid]
        chosen = frame[frame["accuracy"].eq("area") & frame["id"].isin(served[lid])]
        for fid, geom in zip(chosen["id"], chosen.geometry):
            near, far = measure(fid, geom)
            out[fid] = {"nearest_m": round(near, 1), "farthest_m": round(far, 1), "certain": bool(far <= buffer_m)}
    return out


def _site_interval(ctx: CorridorContext, corridor_id: str, line_m: BaseGeometry):
    """An interval measurer that remembers sourced corridors' intervals per data version (not a proposed line's)."""

    def measure(fid: str, geom: BaseGeometry) -> tuple[float, float]:
        compute = lambda: distance_interval_m(geom, True, [(line_m, False)])  # noqa: E731
        return compute() if corridor_id == PROPOSED_ID else ctx.memo(f"interval:{corridor_id}:{fid}", compute)

    return measure


def compare_corridors(
    ctx: CorridorContext, ids: Sequence[str], buffer_m: float, proposed: ProposedLine | None = None
) -> dict:
    """Compare corridors ``ids`` (plus an optional proposed line) within ``buffer_m`` metres.

    Returns a JSON-able dict: ``buffer_m``; ``corridors`` (per corridor: lengths in km inside the district
    and in total, served feature ids per layer, park area in ha, stations, industries, status, opened,
    WGS-84 line and catchment geometries); ``only_in``; ``shared``; ``names`` (feature id -> name_zh of
    every corridor, served feature and station the result mentions).
    """
    buffer_m = parse_buffer_m(buffer_m)
    lines = _with_proposed(select_corridors(ctx.corridors, ids, extra=int(proposed is not None)), proposed)
    lines_m = lines.to_crs(METRIC_CRS)
    zones_m = catchments(lines_m, buffer_m)
    pairs = {lid: intersecting_pairs(zones_m, _metric_layer(ctx, lid)) for lid in SERVED_LAYERS}
    served_by_layer = {lid: served_features(zones_m, _metric_layer(ctx, lid), pairs[lid]) for lid in SERVED_LAYERS}
    served = {cid: {lid: served_by_layer[lid][cid] for lid in SERVED_LAYERS} for cid in lines["id"]}
    areas = park_area_ha(zones_m, _metric_layer(ctx, "parks"), pairs["parks"])
    stations_in, stations_unplaced = ctx.memo("stations", lambda: stations_of(ctx.stations, ctx.district))
    industries = ctx.memo("industries", lambda: dict(zip(ctx.parks["id"], ctx.parks["industries"])))
    in_district = length_in_district_km(lines_m.geometry, _district_m(ctx))
    zones = zones_m.to_crs(WGS84).geometry
    rows = []
    for i, row in enumerate(lines.itertuples(index=False)):  # one row per compared corridor, not per feature
        cid = row.id
        rows.append(
            {
                "id": cid,
                "name_zh": row.name_zh,
                "name_en": _clean(row.name_en),
                "layer": row.layer,
                "kind": row.kind,
                "status": row.status,
                "accuracy": row.accuracy,
                "opened": _clean(row.opened),
                "length_km": round(float(lines_m.geometry.iloc[i].length) / 1000.0, 2),
                "length_km_sourced": _clean(row.length_km),
                "length_in_district_km": round(float(in_district.iloc[i]), 2),
                "length_in_district_km_sourced": _clean(row.length_in_district_km_sourced),
                "served": served[cid],
                "counts": {lid: len(v) for lid, v in served[cid].items()},
                "park_area_ha": areas[cid],
                "area_sites": area_site_intervals(
                    lines_m.geometry.iloc[i],
                    served[cid],
                    {lid: _metric_layer(ctx, lid) for lid in SITE_LAYERS},
                    buffer_m,
                    _site_interval(ctx, cid, lines_m.geometry.iloc[i]),
                ),
                "stations": list(stations_in.get(cid, [])),
                "stations_unplaced": list(stations_unplaced.get(cid, [])),
                "industries": ordered_union([industries.get(pid) for pid in served[cid]["parks"]]),
                "geometry": _geojson(row.geometry),
                "catchment": _geojson(zones.iloc[i]),
                "coverage": coverage(zones_m.geometry.iloc[i], _district_m(ctx), _towns_m(ctx)),
            }
        )
    only_in, shared = difference_sets(served)
    return {
        "buffer_m": buffer_m,
        "corridors": rows,
        "only_in": only_in,
        "shared": shared,
        "names": _names_of(ctx, rows),
    }


def _names_of(ctx: CorridorContext, rows: list[dict]) -> dict[str, str]:
    """Feature id -> name_zh of every corridor, served feature and station the comparison mentions."""
    every = ctx.memo("names", lambda: _names(ctx))
    mentioned = [row["id"] for row in rows]
    for row in rows:
        mentioned += [fid for lid in SERVED_LAYERS for fid in row["served"][lid]]
        mentioned += row["stations"] + row["stations_unplaced"]
    return {fid: every[fid] for fid in dict.fromkeys(mentioned) if fid in every}


def _metric_layer(ctx: CorridorContext, layer_id: str) -> gpd.GeoDataFrame:
    """A served layer of the context in METRIC_CRS (placed features only), derived once per context."""
    return ctx.memo(f"{layer_id}_m", lambda: to_metric(getattr(ctx, layer_id)))


def _towns_m(ctx: CorridorContext) -> gpd.GeoDataFrame:
    """The town polygons in METRIC_CRS, derived once per context."""
    return ctx.memo("towns_poly_m", lambda: town_polygons(ctx.town_areas))


def district_shares(ctx: CorridorContext, buffer_m: float = BUFFER_DEFAULT_M) -> dict[str, float]:
    """Corridor id -> share (0..1) of the district inside its catchment of ``buffer_m`` metres (placed only)."""

    def build() -> dict[str, float]:
        placed = ctx.corridors[ctx.corridors.geometry.notna()]
        zones = catchments(placed.to_crs(METRIC_CRS), buffer_m)
        district_m = _district_m(ctx)
        total = district_m.area
        covered = shapely.area(shapely.intersection(zones.geometry.to_numpy(), district_m))
        return {cid: round(float(c / total), 6) if total else None for cid, c in zip(zones["corridor"], covered)}

    return ctx.memo(f"district_shares_{buffer_m:.0f}", build)


def _district_m(ctx: CorridorContext) -> BaseGeometry:
    return ctx.memo("district_m", lambda: gpd.GeoSeries([ctx.district], crs=WGS84).to_crs(METRIC_CRS).iloc[0])


def _records_frame(records: list[dict], geometries: list) -> gpd.GeoDataFrame:
    # built from records rather than pd.concat, whose dtype rules for all-NA columns are changing
    return gpd.GeoDataFrame(pd.DataFrame.from_records(records), geometry=geometries, crs=WGS84)


def _with_proposed(chosen: gpd.GeoDataFrame, proposed: ProposedLine | None) -> gpd.GeoDataFrame:
    if proposed is None:
        return chosen
    record = {
        "id": PROPOSED_ID,
        "name_zh": proposed.name_zh,
        "name_en": "Proposed alignment",
        "kind": "proposed",
        "status": "proposed",
        "accuracy": "drawn",
        "opened": None,
        "length_km": None,
        "length_in_district_km_sourced": None,
        "layer": "proposed",
    }
    records = chosen.drop(columns="geometry").to_dict("records") + [record]
    return _records_frame(records, list(chosen.geometry) + [proposed.geometry])


def _clean(value):
    """A JSON-safe scalar: NaN/NaT -> None, numpy numbers -> Python numbers."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _geojson(geom: BaseGeometry) -> dict:
    return shapely.geometry.mapping(shapely.set_precision(geom, 1e-6))


def _names(ctx: CorridorContext) -> dict[str, str]:
    frames = (ctx.parks, ctx.hubs, ctx.communities, ctx.towns, ctx.stations, ctx.corridors)
    return {k: v for frame in frames for k, v in zip(frame["id"], frame["name_zh"])}


def list_corridors(ctx: CorridorContext) -> list[dict]:
    """Every corridor feature with kind, status, opening year and length inside the district (km, None if unplaced)."""
    corridors = ctx.corridors
    placed = corridors.geometry.notna()
    district_m = _district_m(ctx)
    lengths = pd.Series(None, index=corridors.index, dtype=float)
    lengths[placed] = length_in_district_km(corridors[placed].geometry.to_crs(METRIC_CRS), district_m)
    shares = district_shares(ctx)
    return [
        {
            "id": r.id,
            "name_zh": r.name_zh,
            "name_en": _clean(r.name_en),
            "layer": r.layer,
            "kind": r.kind,
            "status": r.status,
            "accuracy": r.accuracy,
            "opened": _clean(r.opened),
            "length_in_district_km": None if math.isnan(length) else round(length, 1),
            "length_in_district_km_sourced": _clean(r.length_in_district_km_sourced),
            "comparable": bool(ok),
            "district_share": shares.get(r.id) if ok else None,
        }
        for r, length, ok in zip(corridors.itertuples(index=False), lengths, placed)
    ]
