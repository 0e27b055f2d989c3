"""The investor view's data: parks and their targets from the DataStore, ranking bodies, profiles; no Flask.

Targets: interchanges are ``stations`` of kind ``interchange``; rail is kind ``station`` or
``freight_yard``; logistics hubs are ``hubs`` except kind ``logistics_designation`` (a designated
zone polygon covering the whole district is not a hub site: every distance to it would be 0); the
district centre is the ``government_seat`` point of ``places`` (the district polygon's centroid only
when no seat is placed).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from atlas.analysis import WGS84, to_metric
from atlas.analysis.parkquery import ParkQuery, Vocabulary, hidden_by, park_vocabulary, parse_query
from atlas.analysis.parks import CRITERIA, ParkScores, ParkTargets, evaluate, metric_rows, rank_order
from atlas.errors import BadParameter, UnknownFeature
from atlas.store import DataStore

RAIL_KINDS = ("station", "freight_yard")
NOT_A_HUB_SITE = ("logistics_designation",)


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
    return gpd.GeoDataFrame({"id": ["district-centroid"], "name_zh": ["綦江区几何中心"],
                             "name_en": ["District centroid"]}, geometry=[centroid],
                            crs=district.crs).to_crs(WGS84)


def park_targets(store: DataStore) -> ParkTargets:
    """The target frames distances are measured to (see the module docstring)."""
    stations = store.usable("stations").frame()
    hubs = store.usable("hubs").frame()
    return ParkTargets(
        interchange=_of_kind(stations, ("interchange",)), rail=_of_kind(stations, RAIL_KINDS),
        hub=_of_kind(hubs, NOT_A_HUB_SITE, exclude=True), centre=district_centre(store),
    )


def target_lookup(targets: ParkTargets) -> dict[str, dict]:
    """id -> properties of every target feature (for names, source and accuracy)."""
    out = {}
    for frame in (targets.interchange, targets.rail, targets.hub, targets.centre):
        for record in pd.DataFrame(frame.drop(columns="geometry")).to_dict("records"):
            out[record["id"]] = record
    return out


def vocabulary(store: DataStore) -> Vocabulary:
    return park_vocabulary(park_frame(store))


def query_from_args(store: DataStore, args: dict[str, list[str]]) -> ParkQuery:
    """Parse a request's query (name -> values) against the parks data."""
    return parse_query(args, vocabulary(store))


def score_all(store: DataStore, query: ParkQuery) -> ParkScores:
    return evaluate(park_frame(store), park_targets(store), query.weights, query.industries)


def _park_entry(props: dict, scores: ParkScores, rank: int | None, reasons: list[str], placed: bool) -> dict:
    pid = props["id"]
    score = scores.score.get(pid)
    weighted = [c.key for c in CRITERIA if scores.weights[c.key] > 0]
    metrics = metric_rows(scores, pid)
    return {
        "id": pid, "name_zh": props.get("name_zh"), "name_en": props.get("name_en"),
        "score": None if pd.isna(score) else round(float(score), 2), "rank": rank,
        "known_criteria": int(scores.known_count.get(pid, 0)), "criteria_count": len(weighted),
        "missing": [key for key in weighted if metrics[key]["value"] is None],
        "placed": placed, "accuracy": props.get("accuracy"), "status": props.get("status"),
        "industries": props.get("industries") or [], "hidden_by": reasons, "metrics": metrics,
    }


def ranking(store: DataStore, query: ParkQuery) -> dict:
    """The /api/parks/rank body: weights used, then shown parks by rank, then hidden parks (rank null)."""
    frame = park_frame(store)
    scores = score_all(store, query)
    features = {f["properties"]["id"]: f for f in store.usable("parks").features}
    reasons = {pid: hidden_by(f["properties"], scores.values.loc[pid].to_dict(), query.filters)
               for pid, f in features.items()}
    shown = [pid for pid in rank_order(scores, frame["id"]) if not reasons[pid]]
    hidden = [pid for pid in rank_order(scores, frame["id"]) if reasons[pid]]
    parks = [_park_entry(features[pid]["properties"], scores, i + 1, [], features[pid]["geometry"] is not None)
             for i, pid in enumerate(shown)]
    parks += [_park_entry(features[pid]["properties"], scores, None, reasons[pid], features[pid]["geometry"] is not None)
              for pid in hidden]
    return {
        "weights": scores.weights, "industry": list(query.industries),
        "criteria": [{"key": c.key, "label_zh": c.label_zh, "label_en": c.label_en, "unit": c.unit,
                      "max_distance_m": c.max_distance_m} for c in CRITERIA],
        "shown_count": len(shown), "hidden_count": len(hidden), "as_of": store.usable("parks").as_of,
        "parks": parks,
    }


def park_feature(store: DataStore, park_id: str) -> dict:
    """One park feature or UnknownFeature (404)."""
    for feat in store.usable("parks").features:
        if feat["properties"].get("id") == park_id:
            return feat
    raise UnknownFeature(f"no industrial park with id {park_id!r}; see /parks for the list")


def checked_ids(store: DataStore, text: str | None, minimum: int = 2, maximum: int = 4) -> list[str]:
    """Comma-separated park ids for the compare page: between ``minimum`` and ``maximum`` known, distinct ids."""
    ids = [part.strip() for part in (text or "").split(",") if part.strip()]
    ids = list(dict.fromkeys(ids))
    if not minimum <= len(ids) <= maximum:
        raise BadParameter(f"parameter 'ids' must list {minimum} to {maximum} distinct park ids separated by commas, "
                           f"got {len(ids)}", parameter="ids")
    known = set(park_frame(store)["id"])
    unknown = [pid for pid in ids if pid not in known]
    if unknown:
        raise BadParameter(f"parameter 'ids': unknown park id {unknown[0]!r}; see /parks for the list", parameter="ids")
    return ids
