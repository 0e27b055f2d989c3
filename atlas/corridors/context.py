"""The data a corridor comparison reads, assembled once per data version and cached in the app's Store."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely
import shapely.geometry
from shapely.geometry.base import BaseGeometry

from atlas.analysis import METRIC_CRS, WGS84, to_metric
from atlas.catalog import Catalog
from atlas.corridors.coverage import town_polygons
from atlas.stores.base import Store

# the roles (layers/*.toml ``roles``) a comparison reads: every list of layers below derives from them
CONTEXT_ROLES = ("corridor", "served", "site", "network", "stations", "boundary", "townships")
# the columns kept of a served layer (missing ones are empty): what the comparison reports of a site
SERVED_COLUMNS = ("id", "name_zh", "accuracy", "industries", "planned_area_km2", "built_area_km2")
STATION_COLUMNS = ("id", "name_zh", "kind", "line_ids")
TOWN_COLUMNS = ("id", "name_zh", "name_en")
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


@dataclass(frozen=True)
class CorridorContext:
    """Everything a comparison reads, in WGS-84: corridor features (with a ``layer`` column) and context layers."""

    corridors: gpd.GeoDataFrame
    district: BaseGeometry
    # layer id -> its features, for each layer of role ``served`` (a ``townships`` layer as label points)
    served: Mapping[str, gpd.GeoDataFrame]
    stations: gpd.GeoDataFrame
    # role -> layer ids, as the catalog declares them (CONTEXT_ROLES); layer id -> its declared time field
    roles: Mapping[str, tuple[str, ...]]
    time_fields: Mapping[str, str] = field(default_factory=dict)
    town_areas: gpd.GeoDataFrame | None = None  # the towns' polygons, for covered shares
    # what every comparison derives from the context (metric frames, names, ...), filled on first use; the
    # context itself lives in the store's derived cache, so these go with its data version
    derived: dict = field(default_factory=dict, compare=False, repr=False)

    def memo(self, key: str, build: Callable[[], object]):
        """The value derived under ``key``, built on first use (a race builds it twice, harmlessly)."""
        if key not in self.derived:
            self.derived.setdefault(key, build())
        return self.derived[key]

    def layers(self, role: str) -> tuple[str, ...]:
        """The ids of the layers declaring ``role`` (one of CONTEXT_ROLES)."""
        return self.roles[role]


def context_roles(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """Role -> layer ids for every role a comparison reads, plus ``parks``: the served layers of the park
    family (their areas and industries are what a corridor's park area and industries add up)."""
    roles = {role: catalog.with_role(role) for role in CONTEXT_ROLES}
    roles["parks"] = tuple(lid for lid in roles["served"] if catalog.get(lid).family == "park")
    return roles


def context_layers(catalog: Catalog) -> tuple[str, ...]:
    """Every layer a comparison reads, each once."""
    return tuple(dict.fromkeys(lid for ids in context_roles(catalog).values() for lid in ids))


def named_layers(catalog: Catalog) -> tuple[str, ...]:
    """The layers whose features a comparison names: what corridors serve, and the stations."""
    return catalog.with_role("served") + catalog.with_role("stations")


def corridor_context(store: Store) -> CorridorContext:
    """The store's CorridorContext for the current data: built once, rebuilt when a layer it reads changes."""
    layers = context_layers(store.catalog)

    def build() -> CorridorContext:
        return build_context({lid: store.usable(lid).frame() for lid in layers}, store.catalog)

    return store.derived("corridors:context", build, layers=layers)


def english_names(store: Store, names_zh: Mapping[str, str], layers: Iterable[str]) -> dict:
    """Feature id -> English name (Chinese where the data gives none) for the features of ``layers``."""
    names = dict(names_zh)
    for lid in layers:
        frame = store.usable(lid).frame()
        if "name_en" in frame.columns:
            names.update({i: en for i, en in zip(frame["id"], frame["name_en"]) if isinstance(en, str) and en})
    return names


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


def build_context(frames: Mapping[str, gpd.GeoDataFrame], catalog: Catalog) -> CorridorContext:
    """Assemble a CorridorContext from the WGS-84 frames of ``context_layers(catalog)`` (inputs are not modified)."""
    roles = context_roles(catalog)
    parts = [_columns(frames[lid], CORRIDOR_COLUMNS).assign(layer=lid) for lid in roles["corridor"]]
    records = [rec for part in parts for rec in part.drop(columns="geometry").to_dict("records")]
    corridors = records_frame(records, [geom for part in parts for geom in part.geometry])
    townships = [frames[lid] for lid in roles["townships"]]
    served = {
        lid: town_label_points(frames[lid]) if lid in roles["townships"] else _columns(frames[lid], SERVED_COLUMNS)
        for lid in roles["served"]
    }
    return CorridorContext(
        corridors=corridors,
        district=_union(frames[lid] for lid in roles["boundary"]),
        served=served,
        stations=_stacked([_columns(frames[lid], STATION_COLUMNS) for lid in roles["stations"]], STATION_COLUMNS),
        roles=roles,
        time_fields=catalog.time_fields(),
        town_areas=_stacked([_columns(frame, TOWN_COLUMNS) for frame in townships], TOWN_COLUMNS),
    )


def _union(frames: Iterable[gpd.GeoDataFrame]) -> BaseGeometry:
    """The union of the geometries of ``frames`` (an empty polygon for none)."""
    geoms = [geom for frame in frames for geom in frame.geometry.dropna()]
    return shapely.union_all(geoms) if geoms else shapely.Polygon()


def _stacked(frames: list[gpd.GeoDataFrame], columns: Sequence[str]) -> gpd.GeoDataFrame:
    """One frame of the rows of ``frames`` (each with ``columns``); an empty one with ``columns`` for none."""
    if not frames:
        return gpd.GeoDataFrame({name: [] for name in columns}, geometry=[], crs=WGS84)
    records = [rec for frame in frames for rec in frame.drop(columns="geometry").to_dict("records")]
    return records_frame(records, [geom for frame in frames for geom in frame.geometry])


def records_frame(records: list[dict], geometries: list) -> gpd.GeoDataFrame:
    """A WGS-84 frame from records and geometries."""
    # built from records rather than pd.concat, whose dtype rules for all-NA columns are changing
    return gpd.GeoDataFrame(pd.DataFrame.from_records(records), geometry=geometries, crs=WGS84)


def metric_layer(ctx: CorridorContext, layer_id: str) -> gpd.GeoDataFrame:
    """A served layer of the context in METRIC_CRS (placed features only), derived once per context."""
    return ctx.memo(f"{layer_id}_m", lambda: to_metric(ctx.served[layer_id]))


def towns_m(ctx: CorridorContext) -> gpd.GeoDataFrame:
    """The town polygons in METRIC_CRS, derived once per context."""
    return ctx.memo("towns_poly_m", lambda: town_polygons(ctx.town_areas))


def district_m(ctx: CorridorContext) -> BaseGeometry:
    """The district outline in METRIC_CRS, derived once per context."""
    return ctx.memo("district_m", lambda: gpd.GeoSeries([ctx.district], crs=WGS84).to_crs(METRIC_CRS).iloc[0])


def all_names(ctx: CorridorContext) -> dict[str, str]:
    """Feature id -> name_zh of every corridor, served feature and station of the context (derived once)."""

    def build() -> dict[str, str]:
        frames = (*ctx.served.values(), ctx.stations, ctx.corridors)
        return {k: v for frame in frames for k, v in zip(frame["id"], frame["name_zh"])}

    return ctx.memo("names", build)


def clean(value):
    """A JSON-safe scalar: NaN/NaT -> None, numpy numbers -> Python numbers."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def geojson(geom: BaseGeometry) -> dict:
    """A geometry as a GeoJSON mapping, coordinates rounded to 1e-6 degrees."""
    return shapely.geometry.mapping(shapely.set_precision(geom, 1e-6))
