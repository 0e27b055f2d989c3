"""A scenario: proposed lines, the points where they can be reached, and proposed hubs; validated, never stored
in the layers. Flask-free.

A scenario is a GeoJSON FeatureCollection in WGS-84. Every feature has ``properties.kind``:
- lines (LineString/MultiLineString): ``railway``, ``high_speed_railway``, ``expressway`` -- they count for
  catchments only; a line gives no access by itself;
- access points (Point): ``station``, ``interchange``, ``freight_yard`` (read as the ``stations`` layer) and
  proposed hubs ``logistics_park``, ``freight_base``, ``port`` (read as the ``hubs`` layer).
Optional properties: ``id`` (lower-case letters, digits, '-'), ``name_zh``, ``name_en``, ``line_id`` (the
proposed line a point lies on) and ``status`` (only ``proposed``). Ids are given the prefix ``proposed:``,
which no stored feature id can carry, so a ``target_id`` shows at once that a proposed point serves a park.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import shapely
import shapely.geometry
from shapely.geometry.base import BaseGeometry

from atlas.errors import BadParameter
from atlas.validate import check_geometry

ID_PREFIX = "proposed:"
LINE_KINDS = {"railway": "railways", "high_speed_railway": "railways", "expressway": "expressways"}
POINT_KINDS = {
    "station": "stations",
    "interchange": "stations",
    "freight_yard": "stations",
    "logistics_park": "hubs",
    "freight_base": "hubs",
    "port": "hubs",
}
KINDS = {**LINE_KINDS, **POINT_KINDS}  # kind -> the layer a proposed feature of that kind would belong to
LINE_TYPES = ("LineString", "MultiLineString")
MAX_FEATURES = 50  # a district scenario: a few lines and their stations/interchanges
MAX_VERTICES = 20_000  # in all features together: the proposed-line cap of the corridor comparison
MAX_NAME_CHARS = 60
COORD_DIGITS = 6  # 1e-6 degrees (~0.1 m): coordinates are kept, and linked, at this precision
LOCAL_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")


@dataclass(frozen=True)
class ProposedFeature:
    """One proposed line or access point (WGS-84 lon/lat); ``id`` carries the ``proposed:`` prefix."""

    id: str
    kind: str
    geometry: BaseGeometry
    name_zh: str | None = None
    name_en: str | None = None
    line_id: str | None = None

    @property
    def layer(self) -> str:
        return KINDS[self.kind]

    @property
    def is_line(self) -> bool:
        return self.kind in LINE_KINDS

    def feature(self) -> dict:
        """The feature as GeoJSON (status proposed, accuracy drawn)."""
        props = {
            "id": self.id,
            "kind": self.kind,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "status": "proposed",
            "accuracy": "drawn",
        }
        if self.line_id:
            props["line_id"] = self.line_id
        return {"type": "Feature", "properties": props, "geometry": self.geometry.__geo_interface__}


@dataclass(frozen=True)
class Scenario:
    """The proposed features of one scenario, in the order given."""

    features: tuple[ProposedFeature, ...]

    @property
    def lines(self) -> tuple[ProposedFeature, ...]:
        return tuple(f for f in self.features if f.is_line)

    @property
    def points(self) -> tuple[ProposedFeature, ...]:
        return tuple(f for f in self.features if not f.is_line)

    def collection(self) -> dict:
        """The scenario as a GeoJSON FeatureCollection (what a saved version stores)."""
        return {"type": "FeatureCollection", "features": [f.feature() for f in self.features]}

    def names(self) -> dict[str, str | None]:
        """Proposed id -> Chinese name (None when the planner gave none)."""
        return {f.id: f.name_zh for f in self.features}


@dataclass(frozen=True)
class _Spec:
    """What ``check_geometry`` reads of a layer declaration: the geometry types allowed."""

    geometry_types: tuple[str, ...]


def _features_of(obj) -> list:
    if not isinstance(obj, dict) or obj.get("type") != "FeatureCollection":
        got = obj.get("type") if isinstance(obj, dict) else type(obj).__name__
        raise BadParameter(f"the scenario must be a GeoJSON FeatureCollection, got {str(got)[:40]!r}", parameter="body")
    features = obj.get("features")
    if not isinstance(features, list):
        raise BadParameter("the scenario's 'features' must be a list", parameter="features")
    if not features:
        raise BadParameter("the scenario is empty: add at least one proposed line or point", parameter="features")
    if len(features) > MAX_FEATURES:
        raise BadParameter(
            f"the scenario has {len(features)} features; at most {MAX_FEATURES} are accepted", parameter="features"
        )
    return features


def _text(props: dict, name: str, where: str) -> str | None:
    value = props.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise BadParameter(f"{where}.{name} must be text", parameter=f"{where}.{name}")
    return value.strip()[:MAX_NAME_CHARS]


def _kind(props: dict, where: str) -> str:
    kind = props.get("kind")
    if kind not in KINDS:
        raise BadParameter(
            f"{where}.kind: unknown kind {str(kind)[:40]!r}; use one of {list(KINDS)}", parameter=f"{where}.kind"
        )
    status = props.get("status")
    if status not in (None, "proposed"):
        raise BadParameter(
            f"{where}.status must be 'proposed' (a scenario adds proposed works), got {str(status)[:40]!r}",
            parameter=f"{where}.status",
        )
    return kind


def _geometry(feature: dict, kind: str, where: str) -> BaseGeometry:
    types = LINE_TYPES if kind in LINE_KINDS else ("Point",)
    geom = feature.get("geometry")
    problems = check_geometry(geom, _Spec(types))
    if problems:
        raise BadParameter(f"{where}.geometry: {problems[0]}", parameter=f"{where}.geometry")
    shape = shapely.geometry.shape(geom)
    if shape.has_z:
        raise BadParameter(
            f"{where}.geometry: 3-D coordinates are not accepted; send [lon, lat] pairs", parameter=f"{where}.geometry"
        )
    return shapely.transform(shape, lambda xy: np.round(xy, COORD_DIGITS))  # what a shared link keeps


def _local_id(props: dict, position: int, where: str) -> str:
    raw = props.get("id")
    if raw is None:
        return f"{ID_PREFIX}{position + 1}"
    text = raw[len(ID_PREFIX) :] if isinstance(raw, str) and raw.startswith(ID_PREFIX) else raw
    if not isinstance(text, str) or not LOCAL_ID.match(text):
        raise BadParameter(
            f"{where}.id must be 1-41 lower-case letters, digits or '-', got {str(raw)[:40]!r}",
            parameter=f"{where}.id",
        )
    return ID_PREFIX + text


def _feature(feature, position: int) -> ProposedFeature:
    where = f"features[{position}]"
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise BadParameter(f"{where} must be a GeoJSON Feature", parameter=where)
    props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
    kind = _kind(props, where)
    line_id = _text(props, "line_id", where)
    return ProposedFeature(
        id=_local_id(props, position, where),
        kind=kind,
        geometry=_geometry(feature, kind, where),
        name_zh=_text(props, "name_zh", where) or _text(props, "name", where),
        name_en=_text(props, "name_en", where),
        line_id=None if line_id is None else (line_id if line_id.startswith(ID_PREFIX) else ID_PREFIX + line_id),
    )


def parse_scenario(obj) -> Scenario:
    """Validate a scenario FeatureCollection (see the module) and return it; anything else raises BadParameter.

    The parameter named is ``body`` (not a FeatureCollection), ``features`` (empty, too many features or
    vertices) or ``features[i].<what>`` (the feature and property at fault).
    """
    features = [_feature(f, i) for i, f in enumerate(_features_of(obj))]
    ids = [f.id for f in features]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise BadParameter(f"the scenario lists id {dupes[0]!r} more than once", parameter="features")
    vertices = int(sum(shapely.get_num_coordinates(f.geometry) for f in features))
    if vertices > MAX_VERTICES:
        raise BadParameter(
            f"the scenario has {vertices} vertices; at most {MAX_VERTICES} are accepted (simplify the lines first)",
            parameter="features",
        )
    return Scenario(tuple(features))
