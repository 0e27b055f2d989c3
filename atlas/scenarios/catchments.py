"""What a scenario's lines add to the network's catchments: features newly served, covered shares before/after.

Flask-free; reuses the corridor comparison's buffers, served-feature joins and coverage shares
(``atlas.corridors``). "Before" is the union of the catchments of today's placed railways and expressways;
"after" adds the catchments of the scenario's lines (access points play no part here). A feature is served
when it intersects the catchment (a town: its label point), as in the corridor comparison.
"""

from __future__ import annotations

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

from atlas.analysis import METRIC_CRS, WGS84
from atlas.corridors.catchments import catchments, served_features
from atlas.corridors.context import SERVED_LAYERS, CorridorContext, district_m, geojson, metric_layer, towns_m
from atlas.corridors.coverage import district_share, town_shares
from atlas.scenarios.model import Scenario

NETWORK_LAYERS = ("railways", "expressways")  # transport lines; the river is not a proposed-work kind
MEMO_BUFFERS = 8  # today's network zones kept per context (one per buffer asked for, oldest dropped)


def _zone_frame(zone_m: BaseGeometry) -> gpd.GeoDataFrame:
    zone = gpd.GeoDataFrame({"corridor": ["zone"]}, geometry=[zone_m], crs=METRIC_CRS)
    shapely.prepare(zone.geometry.to_numpy())
    return zone


def _served(ctx: CorridorContext, zone_m: BaseGeometry) -> dict[str, list[str]]:
    zone = _zone_frame(zone_m)
    return {lid: served_features(zone, metric_layer(ctx, lid))["zone"] for lid in SERVED_LAYERS}


def _network_zone(ctx: CorridorContext, buffer_m: float) -> tuple[BaseGeometry, dict[str, list[str]]]:
    """Today's network catchment (METRIC_CRS) and what it serves, remembered for a few buffers per context."""
    memo = ctx.memo("scenario-network-zones", dict)
    if buffer_m not in memo:
        lines = ctx.corridors[ctx.corridors["layer"].isin(NETWORK_LAYERS) & ctx.corridors.geometry.notna()]
        lines_m = lines.to_crs(METRIC_CRS)[["id", "geometry"]]
        zone_m = catchments(lines_m, buffer_m).geometry.union_all() if len(lines_m) else shapely.Polygon()
        while len(memo) >= MEMO_BUFFERS:
            memo.pop(next(iter(memo)))
        memo[buffer_m] = (zone_m, _served(ctx, zone_m))
    return memo[buffer_m]


def _town_rows(before: list[dict], after: list[dict]) -> list[dict]:
    """One row per town reached before or after: covered share before and after (0 where not reached)."""
    rows = {t["id"]: {**t, "share_before": 0.0, "share_after": 0.0} for t in after}
    for t in before:
        rows.setdefault(t["id"], {**t, "share_after": 0.0})["share_before"] = t["share"]
    for t in after:
        rows[t["id"]]["share_after"] = t["share"]
    out = [{k: v for k, v in row.items() if k not in ("share", "covered_km2")} for row in rows.values()]
    return sorted(out, key=lambda r: (-(r["share_after"] - r["share_before"]), r["id"]))


def catchment_delta(ctx: CorridorContext, scenario: Scenario, buffer_m: float) -> dict:
    """Newly served features per layer, district share and town shares before/after, and the new zone (WGS-84)."""
    zone_before, served_before = _network_zone(ctx, buffer_m)
    lines = scenario.lines
    if lines:
        lines_m = gpd.GeoSeries([f.geometry for f in lines], crs=WGS84).to_crs(METRIC_CRS)
        new_m = shapely.buffer(lines_m.to_numpy(), buffer_m, quad_segs=16)
        zone_new = shapely.union_all(new_m)
    else:
        zone_new = shapely.Polygon()
    served_new = _served(ctx, zone_new) if lines else {lid: [] for lid in SERVED_LAYERS}
    known = {lid: set(served_before[lid]) for lid in SERVED_LAYERS}
    newly = {lid: [x for x in served_new[lid] if x not in known[lid]] for lid in SERVED_LAYERS}
    zone_after = shapely.union(zone_before, zone_new)
    whole = district_m(ctx)
    return {
        "buffer_m": buffer_m,
        "newly_served": newly,
        "counts": {lid: len(v) for lid, v in newly.items()},
        "served_before_counts": {lid: len(v) for lid, v in served_before.items()},
        "district_before": district_share(zone_before, whole),
        "district_after": district_share(zone_after, whole),
        "towns": _town_rows(town_shares(zone_before, towns_m(ctx)), town_shares(zone_after, towns_m(ctx))),
        "zone": geojson(gpd.GeoSeries([zone_new], crs=METRIC_CRS).to_crs(WGS84).iloc[0]) if lines else None,
    }
