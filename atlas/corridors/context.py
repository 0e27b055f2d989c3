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
from atlas.corridors.coverage import town_polygons
from atlas.stores.base import Store

CORRIDOR_LAYERS = ("railways", "expressways", "river")
SERVED_LAYERS = ("parks", "hubs", "communities", "towns")
SITE_LAYERS = ("parks", "hubs", "communities")  # layers whose features may be ``area`` sites
CONTEXT_LAYERS = CORRIDOR_LAYERS + SERVED_LAYERS + ("stations", "district")
NAMED_LAYERS = ("parks", "hubs", "communities", "towns", "stations")  # served features and stations
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
    parks: gpd.GeoDataFrame
    hubs: gpd.GeoDataFrame
    communities: gpd.GeoDataFrame
    towns: gpd.GeoDataFrame
    stations: gpd.GeoDataFrame
    town_areas: gpd.GeoDataFrame | None = None  # the towns' polygons, for covered shares
    # what every comparison derives from the context (metric frames, names, ...), filled on first use; the
    # context itself lives in the store's derived cache, so these go with its data version
    derived: dict = field(default_factory=dict, compare=False, repr=False)

    def memo(self, key: str, build: Callable[[], object]):
        """The value derived under ``key``, built on first use (a race builds it twice, harmlessly)."""
        if key not in self.derived:
            self.derived.setdefault(key, build())
        return self.derived[key]


def corridor_context(store: Store) -> CorridorContext:
    """The store's CorridorContext for the current data: built once, rebuilt when a layer it reads changes."""

    def build() -> CorridorContext:
        return build_context({lid: store.usable(lid).frame() for lid in CONTEXT_LAYERS})

    return store.derived("corridors:context", build, layers=CONTEXT_LAYERS)


def english_names(store: Store, names_zh: Mapping[str, str], layers: Iterable[str] = NAMED_LAYERS) -> dict:
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


def build_context(frames: Mapping[str, gpd.GeoDataFrame]) -> CorridorContext:
    """Assemble a CorridorContext from the WGS-84 frames of ``CONTEXT_LAYERS`` (inputs are not modified)."""
    parts = [_columns(frames[lid], CORRIDOR_COLUMNS).assign(layer=lid) for lid in CORRIDOR_LAYERS]
    records = [rec for part in parts for rec in part.drop(columns="geometry").to_dict("records")]
    corridors = records_frame(records, [geom for part in parts for geom in part.geometry])
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


def records_frame(records: list[dict], geometries: list) -> gpd.GeoDataFrame:
    """A WGS-84 frame from records and geometries."""
    # built from records rather than pd.concat, whose dtype rules for all-NA columns are changing
    return gpd.GeoDataFrame(pd.DataFrame.from_records(records), geometry=geometries, crs=WGS84)


def metric_layer(ctx: CorridorContext, layer_id: str) -> gpd.GeoDataFrame:
    """A served layer of the context in METRIC_CRS (placed features only), derived once per context."""
    return ctx.memo(f"{layer_id}_m", lambda: to_metric(getattr(ctx, layer_id)))


def towns_m(ctx: CorridorContext) -> gpd.GeoDataFrame:
    """The town polygons in METRIC_CRS, derived once per context."""
    return ctx.memo("towns_poly_m", lambda: town_polygons(ctx.town_areas))


def district_m(ctx: CorridorContext) -> BaseGeometry:
    """The district outline in METRIC_CRS, derived once per context."""
    return ctx.memo("district_m", lambda: gpd.GeoSeries([ctx.district], crs=WGS84).to_crs(METRIC_CRS).iloc[0])


def all_names(ctx: CorridorContext) -> dict[str, str]:
    """Feature id -> name_zh of every corridor, served feature and station of the context (derived once)."""

    def build() -> dict[str, str]:
        frames = (ctx.parks, ctx.hubs, ctx.communities, ctx.towns, ctx.stations, ctx.corridors)
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
