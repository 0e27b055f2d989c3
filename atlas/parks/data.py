"""The investor view's data: parks and their targets from the DataStore, ranking bodies, profiles; no Flask.

Targets: interchanges are ``stations`` of kind ``interchange``; rail is kind ``station`` or
``freight_yard``; logistics hubs are ``hubs`` except kind ``logistics_designation`` (a designated
zone polygon covering the whole district is not a hub site: every distance to it would be 0); the
district centre is the ``government_seat`` point of ``places`` (the district polygon's centroid only
when no seat is placed).

Everything that does not depend on the query (the park frame and properties, the vocabulary, the nearest
distances and areas) is computed once per data version -- keyed by the ETags of the layers it reads -- and
kept in a small cache; a request then only re-weights, filters, sorts and builds the entries it returns.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Collection
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from atlas.analysis import WGS84, to_metric
from atlas.errors import BadParameter, UnknownFeature
from atlas.parks.query import HIDE_REASONS, ParkQuery, Vocabulary, hidden_mask, park_vocabulary, parse_query
from atlas.parks.score import (
    CRITERIA,
    ParkBase,
    ParkScores,
    ParkTargets,
    metric_records,
    park_base,
    rank_positions,
    score_base,
)
from atlas.store import DataStore

RAIL_KINDS = ("station", "freight_yard")
NOT_A_HUB_SITE = ("logistics_designation",)
TARGET_LAYERS = ("stations", "hubs", "places", "district")
CACHE_ENTRIES = 8  # data versions kept (each app/test data set is one version)


@dataclass(frozen=True)
class ParkData:
    """The parks of one data version: frame, stored features (same order), placed flags, ids, vocabulary."""

    frame: gpd.GeoDataFrame
    features: list[dict]
    placed: np.ndarray
    positions: dict[str, int]  # park id -> position in ``frame`` / ``features``
    by_id: dict[str, dict]  # park id -> stored feature
    vocabulary: Vocabulary
    as_of: str | None


class _VersionCache:
    """A few values keyed by data version (layer ETags); built once per key, safe across threads."""

    def __init__(self, size: int) -> None:
        self._items: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.RLock()
        self._size = size

    def get(self, key: tuple, build: Callable[[], object]):
        with self._lock:  # one build per version even when requests arrive together
            if key not in self._items:
                self._items[key] = build()
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
            self._items.move_to_end(key)
            return self._items[key]


CACHE = _VersionCache(CACHE_ENTRIES)


def _version(store: DataStore, layer_ids: tuple[str, ...]) -> tuple:
    return tuple((lid, data.etag or data.reason) for lid in layer_ids for data in (store.layer(lid),))


def park_frame(store: DataStore) -> gpd.GeoDataFrame:
    """All parks (WGS-84, unplaced ones with null geometry); shared, do not mutate."""
    return store.usable("parks").frame()


def _of_kind(frame: gpd.GeoDataFrame, kinds: tuple[str, ...], exclude: bool = False) -> gpd.GeoDataFrame:
    mask = frame["kind"].isin(kinds) if "kind" in frame.columns else pd.Series(False, index=frame.index)
    return frame[~mask if exclude else mask]


def district_centre(store: DataStore) -> gpd.GeoDataFrame:
    """The government seat point; the district polygon's centroid (computed in METRIC_CRS) if no seat is placed."""
    places = store.usable("places").frame()
    seat = _of_kind(places, ("government_seat",))
    seat = seat[seat.geometry.notna()]
    if len(seat):
        return seat.head(1)
    district = to_metric(store.usable("district").frame())
    centroid = district.geometry.union_all().centroid
    return gpd.GeoDataFrame(
        {"id": ["district-centroid"], "name_zh": ["綦江区几何中心"], "name_en": ["District centroid"]},
        geometry=[centroid],
        crs=district.crs,
    ).to_crs(WGS84)


def park_targets(store: DataStore) -> ParkTargets:
    """The target frames distances are measured to (see the module docstring)."""
    stations = store.usable("stations").frame()
    hubs = store.usable("hubs").frame()
    return ParkTargets(
        interchange=_of_kind(stations, ("interchange",)),
        rail=_of_kind(stations, RAIL_KINDS),
        hub=_of_kind(hubs, NOT_A_HUB_SITE, exclude=True),
        centre=district_centre(store),
    )


def target_lookup(targets: ParkTargets) -> dict[str, dict]:
    """id -> properties of every target feature (for names, source and accuracy)."""
    out = {}
    for frame in (targets.interchange, targets.rail, targets.hub, targets.centre):
        for record in pd.DataFrame(frame.drop(columns="geometry")).to_dict("records"):
            out[record["id"]] = record
    return out


def _build_park_data(store: DataStore) -> ParkData:
    layer = store.usable("parks")
    frame, features = layer.frame(), layer.features
    ids = frame["id"].tolist()
    return ParkData(
        frame,
        features,
        frame.geometry.notna().to_numpy(bool),
        dict(zip(ids, range(len(ids)))),
        dict(zip(ids, features)),
        park_vocabulary(frame),
        layer.as_of,
    )


def park_data(store: DataStore) -> ParkData:
    """The parks of the current data version (cached; shared, do not mutate)."""
    store.usable("parks")  # unavailable data raises here, as before, and is never cached
    return CACHE.get(("parks", _version(store, ("parks",))), lambda: _build_park_data(store))


def park_base_of(store: DataStore) -> ParkBase:
    """Distances and areas of every park for the current data version (cached; see ``park_base``)."""
    store.usable("parks")
    key = ("base", _version(store, ("parks", *TARGET_LAYERS)))
    return CACHE.get(key, lambda: park_base(park_frame(store), park_targets(store)))


def vocabulary(store: DataStore) -> Vocabulary:
    return park_data(store).vocabulary


def query_from_args(store: DataStore, args: dict[str, list[str]]) -> ParkQuery:
    """Parse a request's query (name -> values) against the parks data."""
    return parse_query(args, vocabulary(store))


def score_all(store: DataStore, query: ParkQuery) -> ParkScores:
    return score_base(park_base_of(store), query.weights, query.industries)


def _park_entries(
    data: ParkData, scores: ParkScores, positions: np.ndarray, ranks: list[int | None], hidden: np.ndarray
) -> list[dict]:
    """The response entries of the parks at ``positions`` (built column-wise, no per-park frame lookups)."""
    weighted = [c.key for c in CRITERIA if scores.weights[c.key] > 0]
    score = [None if s != s else round(s, 2) for s in scores.score.to_numpy(float)[positions].tolist()]
    known = scores.known_count.to_numpy()[positions].tolist()
    unknown = scores.values[weighted].isna().to_numpy()[positions].tolist()
    reasons = [[r for r, h in zip(HIDE_REASONS, row) if h] for row in hidden[positions].tolist()]
    props = [data.features[i]["properties"] for i in positions.tolist()]
    columns = zip(
        props, score, ranks, known, unknown, data.placed[positions].tolist(), reasons, metric_records(scores, positions)
    )
    return [
        {
            "id": p["id"],
            "name_zh": p.get("name_zh"),
            "name_en": p.get("name_en"),
            "score": s,
            "rank": rank,
            "known_criteria": k,
            "criteria_count": len(weighted),
            "missing": [w for w, u in zip(weighted, gaps) if u],
            "placed": placed,
            "accuracy": p.get("accuracy"),
            "status": p.get("status"),
            "industries": p.get("industries") or [],
            "hidden_by": why,
            "metrics": metrics,
        }
        for p, s, rank, k, gaps, placed, why, metrics in columns
    ]


def _page(
    positions: np.ndarray, shown: int, data: ParkData, only: Collection[str] | None, limit: int | None, offset: int
) -> tuple[np.ndarray, list[int | None]]:
    """The positions to list and their ranks: the ``only`` ids, or ``limit`` entries from ``offset``."""
    ranks = np.arange(1, len(positions) + 1)
    if only is not None:
        keep = np.isin(positions, [data.positions[pid] for pid in only if pid in data.positions])
    else:
        keep = np.zeros(len(positions), dtype=bool)
        keep[offset : None if limit is None else offset + limit] = True
    return positions[keep], [int(r) if r <= shown else None for r in ranks[keep].tolist()]


def ranking(
    store: DataStore, query: ParkQuery, limit: int | None = None, offset: int = 0, only: Collection[str] | None = None
) -> dict:
    """The /api/parks/rank body: weights used, then shown parks by rank, then hidden parks (rank null).

    ``limit``/``offset`` page the list of parks (None = all); ``only`` lists just those park ids (ranks and
    counts still cover every park). The counts always cover every park.
    """
    data = park_data(store)
    scores = score_all(store, query)
    hidden = hidden_mask(data.frame, scores.values, query.filters)
    order = rank_positions(scores)
    order_hidden = hidden.any(axis=1)[order]
    positions = np.concatenate([order[~order_hidden], order[order_hidden]])
    shown = int((~order_hidden).sum())
    page, ranks = _page(positions, shown, data, only, limit, offset)
    body = {
        "weights": scores.weights,
        "industry": list(query.industries),
        "criteria": [
            {
                "key": c.key,
                "label_zh": c.label_zh,
                "label_en": c.label_en,
                "unit": c.unit,
                "max_distance_m": c.max_distance_m,
            }
            for c in CRITERIA
        ],
        "shown_count": shown,
        "hidden_count": len(positions) - shown,
        "as_of": data.as_of,
        "parks": _park_entries(data, scores, page, ranks, hidden),
    }
    if limit is not None or offset:
        body.update(offset=offset, limit=limit)
    return body


def features_by_id(store: DataStore) -> dict[str, dict]:
    """Park id -> stored park feature, for the current data version (do not mutate)."""
    return park_data(store).by_id


def park_feature(store: DataStore, park_id: str) -> dict:
    """One park feature or UnknownFeature (404)."""
    feature = park_data(store).by_id.get(park_id)
    if feature is not None:
        return feature
    raise UnknownFeature(f"no industrial park with id {park_id!r}; see /parks for the list")


def checked_ids(store: DataStore, text: str | None, minimum: int = 2, maximum: int = 4) -> list[str]:
    """Comma-separated park ids for the compare page: between ``minimum`` and ``maximum`` known, distinct ids."""
    ids = [part.strip() for part in (text or "").split(",") if part.strip()]
    ids = list(dict.fromkeys(ids))
    if not minimum <= len(ids) <= maximum:
        raise BadParameter(
            f"parameter 'ids' must list {minimum} to {maximum} distinct park ids separated by commas, got {len(ids)}",
            parameter="ids",
        )
    known = park_data(store).positions
    unknown = [pid for pid in ids if pid not in known]
    if unknown:
        raise BadParameter(f"parameter 'ids': unknown park id {unknown[0]!r}; see /parks for the list", parameter="ids")
    return ids
