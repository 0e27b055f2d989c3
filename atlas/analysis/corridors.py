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
  lists what every compared corridor serves.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely
import shapely.geometry
from shapely.geometry.base import BaseGeometry

from atlas.analysis import METRIC_CRS, WGS84, to_metric
from atlas.analysis.proposed import PROPOSED_ID, ProposedLine, parse_proposed, read_line_upload
from atlas.errors import BadParameter

__all__ = ["catchment", "catchments", "length_in_district_km", "served_features", "compare_corridors",
           "parse_proposed", "read_line_upload", "ProposedLine", "build_context", "list_corridors"]

CORRIDOR_LAYERS = ("railways", "expressways", "river")
SERVED_LAYERS = ("parks", "hubs", "communities", "towns")
CONTEXT_LAYERS = CORRIDOR_LAYERS + SERVED_LAYERS + ("stations", "district")
STATION_KINDS = ("station", "interchange", "freight_yard")
BUFFER_MIN_M = 500.0
BUFFER_MAX_M = 20_000.0
BUFFER_DEFAULT_M = 5_000.0
MIN_CORRIDORS = 2
MAX_CORRIDORS = 6
CORRIDOR_COLUMNS = ("id", "name_zh", "name_en", "kind", "status", "accuracy", "opened", "length_km",
                    "length_in_district_km_sourced")


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
    """Assemble a CorridorContext from the WGS-84 frames of ``CONTEXT_LAYERS`` (inputs are not modified)."""
    parts = [_columns(frames[lid], CORRIDOR_COLUMNS).assign(layer=lid) for lid in CORRIDOR_LAYERS]
    records = [rec for part in parts for rec in part.drop(columns="geometry").to_dict("records")]
    corridors = _records_frame(records, [geom for part in parts for geom in part.geometry])
    district = frames["district"].geometry.dropna().union_all()
    parks = _columns(frames["parks"], ("id", "name_zh", "industries", "planned_area_km2", "built_area_km2"))
    return CorridorContext(
        corridors=corridors, district=district, parks=parks,
        hubs=_columns(frames["hubs"], ("id", "name_zh")),
        communities=_columns(frames["communities"], ("id", "name_zh")),
        towns=town_label_points(frames["towns"]),
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
        raise BadParameter(f"buffer_m must be a number of metres, got {str(raw)[:40]!r}", parameter="buffer_m") from None
    if not math.isfinite(value) or not BUFFER_MIN_M <= value <= BUFFER_MAX_M:
        raise BadParameter(f"buffer_m must be between {BUFFER_MIN_M:.0f} and {BUFFER_MAX_M:.0f} metres, got {raw}",
                           parameter="buffer_m")
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
        raise BadParameter(f"compare {MIN_CORRIDORS} to {MAX_CORRIDORS} corridors (ids plus a proposed line); got {total}",
                           parameter="ids")
    known = corridors.set_index("id", drop=False)
    unknown = [i for i in ids if i not in known.index]
    if unknown:
        raise BadParameter(f"unknown corridor id(s): {', '.join(unknown)}; see /corridors for the list", parameter="ids")
    chosen = known.loc[list(ids)].reset_index(drop=True)
    unplaced = chosen.loc[chosen.geometry.isna(), "id"].tolist()
    if unplaced:
        raise BadParameter(f"corridor {', '.join(unplaced)} has no sourced geometry and cannot be compared spatially",
                           parameter="ids")
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
    return gpd.GeoDataFrame({"corridor": lines_m["id"].to_numpy()},
                            geometry=lines_m.geometry.buffer(buffer_m, quad_segs=16).to_numpy(), crs=lines_m.crs)


def length_in_district_km(lines_m: gpd.GeoSeries, district_m: BaseGeometry) -> pd.Series:
    """Return each line's length inside ``district_m`` in km; both in METRIC_CRS."""
    return lines_m.intersection(district_m).length / 1000.0


def served_features(catchments_m: gpd.GeoDataFrame, features_m: gpd.GeoDataFrame) -> dict[str, list[str]]:
    """Map each catchment's ``corridor`` to the ids of features intersecting it (spatial-index join), in layer order."""
    empty = {cid: [] for cid in catchments_m["corridor"]}
    if features_m.empty:
        return empty
    joined = gpd.sjoin(features_m[["id", "geometry"]], catchments_m[["corridor", "geometry"]], predicate="intersects")
    grouped = joined.sort_index().groupby("corridor", sort=False)["id"].agg(list)
    return {**empty, **grouped.to_dict()}


def park_area_ha(catchments_m: gpd.GeoDataFrame, parks_m: gpd.GeoDataFrame) -> dict[str, float]:
    """Park area inside each catchment in hectares: polygon parts by geometry, point parks by their sourced area."""
    totals = dict.fromkeys(catchments_m["corridor"], 0.0)
    polygons = parks_m[parks_m.geom_type.isin(["Polygon", "MultiPolygon"])]
    if not polygons.empty:
        parts = gpd.overlay(polygons[["id", "geometry"]], catchments_m, how="intersection", keep_geom_type=True)
        for cid, area_m2 in parts.geometry.area.groupby(parts["corridor"]).sum().items():
            totals[cid] += area_m2 / 10_000.0
    points = parks_m[parks_m.geom_type == "Point"]
    if not points.empty:
        sourced_km2 = points["planned_area_km2"].astype(float).fillna(points["built_area_km2"].astype(float)).fillna(0.0)
        joined = gpd.sjoin(points.assign(sourced_km2=sourced_km2)[["sourced_km2", "geometry"]],
                           catchments_m[["corridor", "geometry"]], predicate="within")
        for cid, km2 in joined.groupby("corridor")["sourced_km2"].sum().items():
            totals[cid] += km2 * 100.0
    return {cid: round(ha, 1) for cid, ha in totals.items()}


def stations_of(stations: gpd.GeoDataFrame, district: BaseGeometry) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
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


def compare_corridors(ctx: CorridorContext, ids: Sequence[str], buffer_m: float,
                      proposed: ProposedLine | None = None) -> dict:
    """Compare corridors ``ids`` (plus an optional proposed line) within ``buffer_m`` metres.

    Returns a JSON-able dict: ``buffer_m``; ``corridors`` (per corridor: lengths in km inside the district
    and in total, served feature ids per layer, park area in ha, stations, industries, status, opened,
    WGS-84 line and catchment geometries); ``only_in``; ``shared``; ``names`` (feature id -> name_zh).
    """
    buffer_m = parse_buffer_m(buffer_m)
    lines = _with_proposed(select_corridors(ctx.corridors, ids, extra=int(proposed is not None)), proposed)
    lines_m = lines.to_crs(METRIC_CRS)
    district_m = gpd.GeoSeries([ctx.district], crs=WGS84).to_crs(METRIC_CRS).iloc[0]
    zones_m = catchments(lines_m, buffer_m)
    served_by_layer = {lid: served_features(zones_m, to_metric(getattr(ctx, lid))) for lid in SERVED_LAYERS}
    served = {cid: {lid: served_by_layer[lid][cid] for lid in SERVED_LAYERS} for cid in lines["id"]}
    areas = park_area_ha(zones_m, to_metric(ctx.parks))
    stations_in, stations_unplaced = stations_of(ctx.stations, ctx.district)
    industries = ctx.parks.set_index("id")["industries"]
    in_district = length_in_district_km(lines_m.geometry, district_m)
    zones = zones_m.to_crs(WGS84).geometry
    rows = []
    for i, row in enumerate(lines.itertuples(index=False)):  # one row per compared corridor, not per feature
        cid = row.id
        rows.append({
            "id": cid, "name_zh": row.name_zh, "name_en": _clean(row.name_en), "layer": row.layer,
            "kind": row.kind, "status": row.status, "accuracy": row.accuracy, "opened": _clean(row.opened),
            "length_km": round(float(lines_m.geometry.iloc[i].length) / 1000.0, 2),
            "length_km_sourced": _clean(row.length_km),
            "length_in_district_km": round(float(in_district.iloc[i]), 2),
            "length_in_district_km_sourced": _clean(row.length_in_district_km_sourced),
            "served": served[cid], "counts": {lid: len(v) for lid, v in served[cid].items()},
            "park_area_ha": areas[cid],
            "stations": stations_in.get(cid, []), "stations_unplaced": stations_unplaced.get(cid, []),
            "industries": ordered_union([industries.get(pid) for pid in served[cid]["parks"]]),
            "geometry": _geojson(row.geometry), "catchment": _geojson(zones.iloc[i]),
        })
    only_in, shared = difference_sets(served)
    return {"buffer_m": buffer_m, "corridors": rows, "only_in": only_in, "shared": shared, "names": _names(ctx)}


def _records_frame(records: list[dict], geometries: list) -> gpd.GeoDataFrame:
    # built from records rather than pd.concat, whose dtype rules for all-NA columns are changing
    return gpd.GeoDataFrame(pd.DataFrame.from_records(records), geometry=geometries, crs=WGS84)


def _with_proposed(chosen: gpd.GeoDataFrame, proposed: ProposedLine | None) -> gpd.GeoDataFrame:
    if proposed is None:
        return chosen
    record = {"id": PROPOSED_ID, "name_zh": proposed.name_zh, "name_en": "Proposed alignment", "kind": "proposed",
              "status": "proposed", "accuracy": "drawn", "opened": None, "length_km": None,
              "length_in_district_km_sourced": None, "layer": "proposed"}
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
    district_m = gpd.GeoSeries([ctx.district], crs=WGS84).to_crs(METRIC_CRS).iloc[0]
    lengths = pd.Series(None, index=corridors.index, dtype=float)
    lengths[placed] = length_in_district_km(corridors[placed].geometry.to_crs(METRIC_CRS), district_m)
    return [
        {"id": r.id, "name_zh": r.name_zh, "name_en": _clean(r.name_en), "layer": r.layer, "kind": r.kind,
         "status": r.status, "accuracy": r.accuracy, "opened": _clean(r.opened),
         "length_in_district_km": None if math.isnan(length) else round(length, 1),
         "length_in_district_km_sourced": _clean(r.length_in_district_km_sourced), "comparable": bool(ok)}
        for r, length, ok in zip(corridors.itertuples(index=False), lengths, placed)
    ]
