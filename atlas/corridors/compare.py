"""Compare transport corridors: length inside the district, catchment buffers and what each one serves.

Flask-free. Inputs are WGS-84 (EPSG:4326) GeoDataFrames as the data store serves them; every length,
buffer and area is computed in ``METRIC_CRS`` (UTM 48N, metres) with vectorised GeoPandas/Shapely 2
operations and spatial-index joins (``sjoin``), never a Python loop over features.

Conventions (shown on the compare page too):
- a town is "in the catchment" when its label point (``label_lon``/``label_lat``, the area-weighted
  centroid of its source polygon) is, not when its polygon merely touches the buffer;
- a polygon park contributes its area inside the catchment; a point park contributes its sourced
  area (``planned_area_km2``, else ``built_area_km2``) when the point is inside, else nothing;
- ``possibly[layer]`` lists the served area-only sites that may lie outside the catchment; they count in
  ``served`` but never in ``only_in`` or ``shared`` (served by all), which hold what is served for certain;
- ``only_in[id]`` lists what that corridor serves and no other compared corridor does; ``shared``
  lists what every compared corridor serves;
- a park, hub or community of accuracy ``area`` (known only to lie somewhere in its 街道/镇) is served when
  its area reaches the catchment; ``area_sites`` then gives its distance interval to the line (nearest and
  farthest possible, metres) and whether it is served for certain (farthest within the buffer).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from atlas.analysis import METRIC_CRS, WGS84
from atlas.analysis.nearest import distance_interval_m
from atlas.corridors.catchments import (
    catchments,
    intersecting_pairs,
    length_in_district_km,
    park_area_ha,
    served_features,
)
from atlas.corridors.context import (
    CorridorContext,
    all_names,
    clean,
    district_m,
    geojson,
    metric_layer,
    records_frame,
    towns_m,
)
from atlas.corridors.coverage import coverage, district_share
from atlas.corridors.inputs import BUFFER_DEFAULT_M, parse_buffer_m
from atlas.corridors.proposed import PROPOSED_ID, ProposedLine
from atlas.errors import BadParameter

STATION_KINDS = ("station", "interchange", "freight_yard")
MIN_CORRIDORS = 2
MAX_CORRIDORS = 6


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
    layers = list(served[ids[0]]) if ids else []
    for layer in layers:
        sets = {cid: set(served[cid][layer]) for cid in ids}
        common = set.intersection(*sets.values()) if sets else set()
        shared[layer] = [x for x in served[ids[0]][layer] if x in common] if ids else []
        for cid in ids:
            others = set().union(*(sets[o] for o in ids if o != cid))
            only_in.setdefault(cid, {})[layer] = [x for x in served[cid][layer] if x not in others]
    return only_in, shared


def area_site_intervals(
    served: Mapping[str, list[str]],
    layers_m: Mapping[str, gpd.GeoDataFrame],
    buffer_m: float,
    measure: Callable[[str, BaseGeometry], tuple[float, float]],
) -> dict[str, dict]:
    """Per served ``area`` site: nearest and farthest possible distance (m) to the line, and if surely served.

    ``layers_m`` holds each ``site`` layer's area-only sites (``accuracy == "area"``) in METRIC_CRS.

    A loop over the served area-only sites (a handful), each measured in METRIC_CRS by ``measure(fid, geom)``
    (``_site_interval``: the far end samples the whole area, ~10 ms a site, so sourced lines' are remembered).
    """
    out = {}
    for lid, frame in layers_m.items():  # each site layer's area-only sites (a few, not all its features)
        chosen = frame[frame["id"].isin(served[lid])]
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


@dataclass(frozen=True)
class _Measured:
    """What a comparison measured for its lines, by position (METRIC_CRS, metres; ``zones`` in WGS-84)."""

    buffer_m: float
    lines_m: gpd.GeoDataFrame
    zones_m: gpd.GeoDataFrame
    zones: gpd.GeoSeries
    in_district_km: pd.Series
    park_area_ha: dict[str, float]
    served: dict[str, dict[str, list[str]]]


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
    served_layers = ctx.layers("served")
    pairs = {lid: intersecting_pairs(zones_m, metric_layer(ctx, lid)) for lid in served_layers}
    served_by_layer = {lid: served_features(zones_m, metric_layer(ctx, lid), pairs[lid]) for lid in served_layers}
    measured = _Measured(
        buffer_m=buffer_m,
        lines_m=lines_m,
        zones_m=zones_m,
        zones=zones_m.to_crs(WGS84).geometry,
        in_district_km=length_in_district_km(lines_m.geometry, district_m(ctx)),
        park_area_ha=_park_area_ha(ctx, zones_m, pairs),
        served={cid: {lid: served_by_layer[lid][cid] for lid in served_layers} for cid in lines["id"]},
    )
    # one row per compared corridor, not per feature
    rows = [_corridor_row(ctx, measured, i, row) for i, row in enumerate(lines.itertuples(index=False))]
    only_in, shared = difference_sets({row["id"]: _surely(row) for row in rows})
    return {
        "buffer_m": buffer_m,
        "corridors": rows,
        "only_in": only_in,
        "shared": shared,
        "names": _names_of(ctx, rows),
    }


def _park_area_ha(ctx: CorridorContext, zones_m: gpd.GeoDataFrame, pairs: Mapping) -> dict[str, float]:
    """Park area (ha) inside each catchment, summed over the park layers."""
    totals = dict.fromkeys(zones_m["corridor"], 0.0)
    for lid in ctx.layers("parks"):
        for cid, ha in park_area_ha(zones_m, metric_layer(ctx, lid), pairs[lid]).items():
            totals[cid] = round(totals[cid] + ha, 1)
    return totals


def _industries(ctx: CorridorContext) -> dict:
    """Park id -> its industries, over the park layers (derived once per context)."""
    frames = [ctx.served[lid] for lid in ctx.layers("parks")]
    return ctx.memo("industries", lambda: {k: v for f in frames for k, v in zip(f["id"], f["industries"])})


def _possibly(row: dict) -> dict[str, list[str]]:
    """Per layer, the served ``area`` sites that may lie outside the catchment (only their 街道/镇 is known)."""
    unsure = {fid for fid, site in row["area_sites"].items() if not site["certain"]}
    return {lid: [fid for fid in ids if fid in unsure] for lid, ids in row["served"].items()}


def _surely(row: dict) -> dict[str, list[str]]:
    """Per layer, what the corridor serves for certain: "only" and "served by all" count these only."""
    return {lid: [fid for fid in ids if fid not in row["possibly"][lid]] for lid, ids in row["served"].items()}


def _corridor_row(ctx: CorridorContext, measured: _Measured, i: int, row) -> dict:
    """The comparison's entry for the corridor at position ``i`` (``row`` its record)."""
    cid, served = row.id, measured.served[row.id]
    line_m = measured.lines_m.geometry.iloc[i]
    stations_in, stations_unplaced = ctx.memo("stations", lambda: stations_of(ctx.stations, ctx.district))
    industries = _industries(ctx)
    sites_m = {
        lid: ctx.memo(f"area-sites:{lid}", lambda lid=lid: _area_only(metric_layer(ctx, lid)))
        for lid in ctx.layers("site")
        if lid in served
    }
    entry = {
        "id": cid,
        "name_zh": row.name_zh,
        "name_en": clean(row.name_en),
        "layer": row.layer,
        "kind": row.kind,
        "status": row.status,
        "accuracy": row.accuracy,
        "opened": clean(row.opened),
        "length_km": round(float(line_m.length) / 1000.0, 2),
        "length_km_sourced": clean(row.length_km),
        "length_in_district_km": round(float(measured.in_district_km.iloc[i]), 2),
        "length_in_district_km_sourced": clean(row.length_in_district_km_sourced),
        "served": served,
        "counts": {lid: len(v) for lid, v in served.items()},
        "park_area_ha": measured.park_area_ha[cid],
        "area_sites": area_site_intervals(served, sites_m, measured.buffer_m, _site_interval(ctx, cid, line_m)),
        "stations": list(stations_in.get(cid, [])),
        "stations_unplaced": list(stations_unplaced.get(cid, [])),
        "industries": ordered_union([industries.get(pid) for lid in ctx.layers("parks") for pid in served[lid]]),
        "geometry": geojson(row.geometry),
        "catchment": geojson(measured.zones.iloc[i]),
        "coverage": coverage(measured.zones_m.geometry.iloc[i], district_m(ctx), towns_m(ctx)),
    }
    entry["possibly"] = _possibly(entry)
    return entry


def _area_only(frame_m: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame_m[frame_m["accuracy"].eq("area")]


def _names_of(ctx: CorridorContext, rows: list[dict]) -> dict[str, str]:
    """Feature id -> name_zh of every corridor, served feature and station the comparison mentions."""
    every = all_names(ctx)
    mentioned = [row["id"] for row in rows]
    for row in rows:
        mentioned += [fid for ids in row["served"].values() for fid in ids]
        mentioned += row["stations"] + row["stations_unplaced"]
    return {fid: every[fid] for fid in dict.fromkeys(mentioned) if fid in every}


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
    return records_frame(records, list(chosen.geometry) + [proposed.geometry])


def district_shares(ctx: CorridorContext, buffer_m: float = BUFFER_DEFAULT_M) -> dict[str, float | None]:
    """Corridor id -> share (0..1) of the district inside its catchment of ``buffer_m`` metres (placed only)."""

    def build() -> dict[str, float | None]:
        placed = ctx.corridors[ctx.corridors.geometry.notna()]
        zones = catchments(placed.to_crs(METRIC_CRS), buffer_m)
        whole_m = district_m(ctx)
        return {
            cid: district_share(zone, whole_m)["district_share"] for cid, zone in zip(zones["corridor"], zones.geometry)
        }

    return ctx.memo(f"district_shares_{buffer_m:.0f}", build)


def list_corridors(ctx: CorridorContext) -> list[dict]:
    """Every corridor feature with kind, status, opening year and length inside the district (km, None if unplaced)."""
    corridors = ctx.corridors
    placed = corridors.geometry.notna()
    lengths = pd.Series(None, index=corridors.index, dtype=float)
    lengths[placed] = length_in_district_km(corridors[placed].geometry.to_crs(METRIC_CRS), district_m(ctx))
    shares = district_shares(ctx)
    return [
        {
            "id": r.id,
            "name_zh": r.name_zh,
            "name_en": clean(r.name_en),
            "layer": r.layer,
            "kind": r.kind,
            "status": r.status,
            "accuracy": r.accuracy,
            "opened": clean(r.opened),
            "length_in_district_km": None if math.isnan(length) else round(length, 1),
            "length_in_district_km_sourced": clean(r.length_in_district_km_sourced),
            "comparable": bool(ok),
            "district_share": shares.get(r.id) if ok else None,
        }
        for r, length, ok in zip(corridors.itertuples(index=False), lengths, placed)
    ]
