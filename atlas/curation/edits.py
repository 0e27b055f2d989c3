"""Edit one feature of a layer file safely: validate, check its version, write atomically, record history.

The whole step "read the current file -> check the feature's version -> write the new file ->
insert the history row" runs while the layer lock is held, through the same lock and atomic writer
as ``import-layer`` (atlas/importer/, atlas/layerfile.py), so there is never a second writer. No Flask here.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable

from atlas.catalog import LayerSpec
from atlas.curation.history import Change
from atlas.errors import AtlasError, BadParameter, LayerUnavailable, UnknownFeature
from atlas.layerfile import COORD_DECIMALS, DEFAULT_LOCK_TIMEOUT, dump_geojson
from atlas.stores.base import Store
from atlas.validate import check_collection, loads_strict

PROVENANCE = ("source", "accuracy", "as_of")
BODY_KEYS = ("type", "id", "geometry", "properties")
ABSENT = "absent"  # the version of a feature that does not exist
PROPERTY_IN_MESSAGE = re.compile(r"propert(?:y|ies) '([^']+)'")
NAME_IN_MESSAGE = re.compile(r"\b(accuracy|geometry|position|coordinates|family|status|id)\b")


class VersionConflict(AtlasError):
    """The feature changed since the editor loaded it; nothing was written. Carries both versions."""

    status = 409

    def __init__(self, message: str, current: dict | None, yours) -> None:
        super().__init__(message)
        self.current = current
        self.yours = yours

    def to_dict(self) -> dict:
        body = super().to_dict()
        body.update(current=self.current, current_version=feature_version(self.current), yours=self.yours)
        return body


class InvalidEdit(BadParameter):
    """The edited layer would not pass check-data; every problem is listed and nothing was written."""

    def __init__(self, message: str, problems: list[str], parameter: str | None) -> None:
        super().__init__(message, parameter=parameter)
        self.problems = problems

    def to_dict(self) -> dict:
        return {**super().to_dict(), "problems": self.problems}


def feature_version(feature: dict | None) -> str:
    """A feature's version: a hash of its canonical JSON (sorted keys, no spaces); 'absent' if it does not exist."""
    if feature is None:
        return ABSENT
    text = json.dumps(feature, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def feature_index(features: list, feature_id: str) -> int | None:
    """Index of the feature whose properties.id is ``feature_id``, or None."""
    for index, feature in enumerate(features):
        if isinstance(feature, dict) and (feature.get("properties") or {}).get("id") == feature_id:
            return index
    return None


def _round(coords, depth: int = 0):
    if depth > 5:
        return coords
    if isinstance(coords, list):
        return [_round(c, depth + 1) for c in coords]
    if isinstance(coords, float) and math.isfinite(coords):
        return round(coords, COORD_DECIMALS)
    return coords


def normalise_geometry(geometry):
    """Round a GeoJSON geometry's coordinates to the stored precision (1e-6 degree); None stays None."""
    if geometry is None:
        return None
    if not isinstance(geometry, dict):
        raise BadParameter("geometry must be a GeoJSON geometry object or null", parameter="geometry")
    return {**geometry, "coordinates": _round(geometry.get("coordinates"))}


def _check_body(body, spec: LayerSpec) -> dict:
    if not isinstance(body, dict):
        raise BadParameter("the body must be a JSON object: a (partial) GeoJSON Feature", parameter="body")
    extra = [k for k in body if k not in BODY_KEYS]
    if extra:
        raise BadParameter(
            f"unexpected member {extra[0]!r}; a Feature has type, id, geometry, properties", parameter=extra[0]
        )
    if body.get("type", "Feature") != "Feature":
        raise BadParameter("type must be 'Feature'", parameter="type")
    props = body.get("properties", {})
    if not isinstance(props, dict):
        raise BadParameter("properties must be an object", parameter="properties")
    unknown = [k for k in props if spec.field(k) is None]
    if unknown:
        raise BadParameter(f"layer {spec.id!r} declares no property {unknown[0]!r}", parameter=unknown[0])
    for name in PROVENANCE:
        value = props.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise BadParameter(
                f"every save must give {name!r} (source, accuracy and as_of describe this change)", parameter=name
            )
    return props


def patched_feature(current: dict, body, spec: LayerSpec) -> dict:
    """``current`` with the body's properties merged in and its geometry replaced if the body has one."""
    props = _check_body(body, spec)
    fid = current["properties"].get("id")
    if "id" in props and props["id"] != fid or "id" in body and body["id"] != fid:
        raise BadParameter("a feature's id cannot change; create a new feature instead", parameter="id")
    feature = json.loads(json.dumps(current, ensure_ascii=False))
    feature["properties"] = {**feature["properties"], **props}
    if "geometry" in body:
        feature["geometry"] = normalise_geometry(body["geometry"])
    return feature


def new_feature(body, spec: LayerSpec) -> dict:
    """A new feature in the atlas layout (top-level id, properties in declaration order)."""
    props = _check_body(body, spec)
    fid = props.get("id")
    if not isinstance(fid, str) or not fid:
        raise BadParameter("a new feature needs properties.id (a lowercase slug)", parameter="id")
    props = {"family": spec.family, **props}
    ordered = {f.name: props[f.name] for f in spec.all_fields if f.name in props}
    return {"type": "Feature", "id": fid, "geometry": normalise_geometry(body.get("geometry")), "properties": ordered}


def _parameter_of(message: str) -> str:
    found = PROPERTY_IN_MESSAGE.search(message)
    if found:
        return found.group(1)
    found = NAME_IN_MESSAGE.search(message)
    if found:
        return "geometry" if found.group(1) in ("position", "coordinates") else found.group(1)
    return "properties"


def _read_collection(layer, spec: LayerSpec) -> tuple[bytes, dict]:
    try:
        raw = layer.read()
        obj = loads_strict(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise LayerUnavailable(
            f"layer {spec.id!r} cannot be edited: {spec.source_file} is unreadable ({exc})"
        ) from None
    if not isinstance(obj, dict) or not isinstance(obj.get("features"), list):
        raise LayerUnavailable(f"layer {spec.id!r} cannot be edited: {spec.source_file} is not a FeatureCollection")
    return raw, obj


def _validate(obj: dict, spec: LayerSpec, feature_id: str, new: dict | None, other_ids: dict[str, str]) -> None:
    problems = [str(p) for p in check_collection(obj, spec)]
    if new is not None and feature_id in other_ids:
        problems.append(
            f"{spec.source_file} [{feature_id}]: id is already used in {other_ids[feature_id]}; "
            "ids must be unique across the atlas"
        )
    if problems:
        mine = [p for p in problems if f"[{feature_id}]" in p] or problems
        raise InvalidEdit(
            f"the edit was refused, nothing was written: {mine[0]}", problems, _parameter_of(mine[0].split(": ", 1)[-1])
        )


def _apply(features: list, index: int | None, new: dict | None, position: int | None) -> tuple[list, int]:
    features = list(features)
    if index is not None and new is not None:
        features[index] = new
        return features, index
    if index is not None:
        del features[index]
        return features, index
    where = len(features) if position is None else max(0, min(position, len(features)))
    features.insert(where, new)
    return features, where


def commit_edit(
    store: Store,
    spec: LayerSpec,
    feature_id: str,
    make: Callable[[dict | None], dict | None],
    *,
    action: str,
    source: str | None,
    record: Callable[[Change], int],
    expected_version: str | None = None,
    position: int | None = None,
    other_ids: dict[str, str] | None = None,
    user: tuple[int | None, str] = (None, ""),
    reverts: int | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> tuple[int, dict | None]:
    """Change one feature of layer ``spec`` through ``store.writer`` and record it; return (change id, new feature).

    ``make(current)`` returns the new feature (None deletes it); ``current`` is None when the feature
    does not exist. A stale ``expected_version`` raises VersionConflict, an edit that check-data would
    refuse raises InvalidEdit; in both cases nothing is written. The history row is inserted by
    ``record`` while the layer is still held; if that fails the old layer is put back.
    """
    with store.writer(spec.id, lock_timeout) as layer:
        raw, obj = _read_collection(layer, spec)
        index = feature_index(obj["features"], feature_id)
        current = obj["features"][index] if index is not None else None
        _check_version(feature_id, current, expected_version)
        new = make(current)
        if current is None and new is None:
            raise UnknownFeature(f"layer {spec.id!r} has no feature {feature_id!r}")
        features, where = _apply(obj["features"], index, new, position)
        updated = {**obj, "features": features}
        _validate(updated, spec, feature_id, new if current is None else None, other_ids or {})
        change = Change(
            spec.id,
            feature_id,
            action,
            current,
            new,
            where,
            source,
            user_id=user[0],
            user_name=user[1],
            reverts=reverts,
        )
        change_id = _replace_and_record(layer, raw, dump_geojson(updated), record, change)
    return change_id, new


def _check_version(feature_id: str, current: dict | None, expected_version: str | None) -> None:
    """Raise VersionConflict when the feature changed since the editor loaded ``expected_version``."""
    if expected_version is not None and feature_version(current) != expected_version:
        raise VersionConflict(
            f"feature {feature_id!r} changed since you loaded it; nothing was written. "
            "Compare both versions, reload and save again.",
            current,
            None,
        )


def _replace_and_record(layer, raw: bytes, data: bytes, record: Callable[[Change], int], change: Change) -> int:
    """Write the layer, then the history row (the lock still held); a failed record puts the old bytes back."""
    layer.replace(data)
    try:
        return record(change)
    except BaseException:
        layer.replace(raw)
        raise
