"""Before / after: what the corridor network of a later year serves that an earlier year's did not; Flask-free.

Served means parks, hubs, communities, towns and covered area. The network of a year is every railway and expressway that is ``shown`` (opened by then) or ``planned``
(a plan, when the year lies after the present) by ``atlas.timeline.state_at``. Corridors without a
sourced year are listed as ``unknown`` and left out; corridors without a sourced geometry are listed as
``unplaced`` (part of the network, but they cannot be measured). Catchments are buffers of ``buffer_m``
metres in METRIC_CRS (UTM 48N), merged per network.
"""

from __future__ import annotations

import geopandas as gpd
import shapely

from atlas.analysis import METRIC_CRS, WGS84
from atlas.corridors.catchments import catchments, served_features
from atlas.corridors.context import (
    CorridorContext,
    all_names,
    district_m,
    geojson,
    metric_layer,
    towns_m,
)
from atlas.corridors.coverage import M2_PER_KM2, coverage
from atlas.corridors.inputs import parse_buffer_m
from atlas.errors import BadParameter
from atlas.timeline import PLANNED, SHOWN, UNKNOWN, state_at

NETWORK_ID = "network"


def network_members(ctx: CorridorContext, year: int, present: int) -> dict[str, list[str]]:
    """Corridor ids of the network as of ``year``: ``placed``, ``unplaced`` and ``unknown`` (no sourced year)."""
    out: dict[str, list[str]] = {"placed": [], "planned": [], "unplaced": [], "unknown": []}
    fields = ctx.time_fields
    network = [lid for lid in ctx.layers("network") if lid in fields]  # a line without a time field has no year
    for row in ctx.corridors[ctx.corridors["layer"].isin(network)].itertuples(index=False):
        props = {"status": row.status, fields[row.layer]: row.opened}
        state = state_at(fields[row.layer], props, year, present)
        if state == UNKNOWN:
            out["unknown"].append(row.id)
        elif state in (SHOWN, PLANNED):
            out["placed" if row.geometry is not None else "unplaced"].append(row.id)
            if state == PLANNED:
                out["planned"].append(row.id)
    return out


def _network_zone_m(ctx: CorridorContext, ids: list[str], buffer_m: float):
    """The merged catchment (METRIC_CRS) of the corridors ``ids``; an empty polygon for none."""
    if not ids:
        return shapely.Polygon()
    lines = ctx.corridors[ctx.corridors["id"].isin(ids)].to_crs(METRIC_CRS)
    return shapely.union_all(catchments(lines, buffer_m).geometry.to_numpy())


def _network(ctx: CorridorContext, year: int, present: int, buffer_m: float) -> dict:
    members = network_members(ctx, year, present)
    zone_m = _network_zone_m(ctx, members["placed"], buffer_m)
    zone = gpd.GeoDataFrame({"corridor": [NETWORK_ID]}, geometry=[zone_m], crs=METRIC_CRS)
    served = {
        lid: served_features(zone, metric_layer(ctx, lid))[NETWORK_ID] if not zone_m.is_empty else []
        for lid in ctx.layers("served")
    }
    cover = coverage(zone_m, district_m(ctx), towns_m(ctx))
    outline = gpd.GeoSeries([zone_m], crs=METRIC_CRS).to_crs(WGS84).iloc[0]
    return {
        "year": year,
        "corridors": members,
        "served": served,
        "coverage": cover,
        "catchment": None if zone_m.is_empty else geojson(outline),
        "_zone_m": zone_m,
    }


def compare_years(ctx: CorridorContext, before: int, after: int, buffer_m: float, present: int) -> dict:
    """Compare the network of year ``before`` with that of year ``after`` (a later year).

    Returns a JSON-able dict: ``buffer_m``, ``before`` and ``after`` (per network: member corridor ids,
    served feature ids per layer, coverage of the district and towns, WGS-84 catchment), and ``added``:
    corridors, served features per layer and towns the later network reaches that the earlier did not,
    with ``covered_km2`` (newly covered district area in km², UTM 48N) and ``district_share``.
    """
    if before is None or after is None:
        raise BadParameter("give both before and after years (e.g. ?before=2015&after=2020)", parameter="before")
    if after <= before:
        raise BadParameter(f"after ({after}) must be a later year than before ({before})", parameter="after")
    buffer_m = parse_buffer_m(buffer_m)
    old, new = _network(ctx, before, present, buffer_m), _network(ctx, after, present, buffer_m)
    added = _added(old, new, district_m(ctx))
    names = _mentioned_names(ctx, old, new)
    return {"buffer_m": buffer_m, "present": present, "before": old, "after": new, "added": added, "names": names}


def _added(old: dict, new: dict, whole_m) -> dict:
    """What the later network serves that the earlier did not: corridors, features, towns, district area."""
    gained_m = shapely.intersection(shapely.difference(new.pop("_zone_m"), old.pop("_zone_m")), whole_m)
    added_served = {
        lid: [fid for fid in ids if fid not in set(old["served"][lid])] for lid, ids in new["served"].items()
    }
    old_towns = {row["id"]: row["share"] for row in old["coverage"]["towns"]}
    towns_gain = [
        {
            **row,
            "share_before": old_towns.get(row["id"], 0.0),
            "share_gain": round(row["share"] - old_towns.get(row["id"], 0.0), 6),
        }
        for row in new["coverage"]["towns"]
        if row["share"] > old_towns.get(row["id"], 0.0)
    ]
    towns_gain.sort(key=lambda row: (-row["share_gain"], row["id"]))
    old_corridors = old["corridors"]["placed"] + old["corridors"]["unplaced"]
    return {
        "corridors": [c for c in new["corridors"]["placed"] + new["corridors"]["unplaced"] if c not in old_corridors],
        "served": added_served,
        "towns": towns_gain,
        "covered_km2": round(float(gained_m.area) / M2_PER_KM2, 3),
        "district_share": round(float(gained_m.area / whole_m.area), 6) if whole_m.area else None,
    }


def _mentioned_names(ctx: CorridorContext, *networks: dict) -> dict[str, str]:
    """Feature id -> name_zh of every corridor and served feature the two networks mention."""
    every = all_names(ctx)
    mentioned = [
        fid for net in networks for ids in (*net["corridors"].values(), *net["served"].values()) for fid in ids
    ]
    return {fid: every[fid] for fid in dict.fromkeys(mentioned) if fid in every}
