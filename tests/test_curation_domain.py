"""The Flask-free edit core: versions, merging, concurrent edits under the layer lock, history rows."""

from __future__ import annotations

import json
import threading

import pytest

from atlas.catalog import load_catalog
from atlas.curation import history
from atlas.curation.edits import VersionConflict, commit_edit, feature_version, patched_feature
from atlas.stores.files import FileStore
from atlas.web.db import connect
from tests.conftest import ROOT

PROVENANCE = {"source": "domain test", "accuracy": "approximate", "as_of": "2026"}


def same_accuracy(feature: dict, **extra) -> dict:
    """Provenance for an attribute-only edit: the accuracy class stays what the geometry says."""
    return {**PROVENANCE, "accuracy": feature["properties"]["accuracy"], **extra}


CATALOG = load_catalog(ROOT / "layers")


@pytest.fixture
def parks():
    return CATALOG.get("parks")


def test_version_is_canonical_and_absent_features_have_one(parks):
    a = {"type": "Feature", "properties": {"id": "x", "b": 1}, "geometry": None}
    b = {"geometry": None, "properties": {"b": 1, "id": "x"}, "type": "Feature"}
    assert feature_version(a) == feature_version(b) != feature_version({**a, "geometry": {"type": "Point"}})
    assert feature_version(None) == "absent"


def test_patch_merges_keeps_key_order_and_rounds_coordinates(parks):
    current = {
        "type": "Feature",
        "id": "p",
        "geometry": None,
        "properties": {"id": "p", "name_zh": "园", "source": "old", "accuracy": "unplaced", "as_of": "2024"},
    }
    new = patched_feature(
        current,
        {"geometry": {"type": "Point", "coordinates": [106.123456789, 28.9876543219]}, "properties": PROVENANCE},
        parks,
    )
    assert list(new["properties"]) == list(current["properties"])
    assert new["geometry"]["coordinates"] == [106.123457, 28.987654]
    assert current["geometry"] is None and current["properties"]["source"] == "old"  # the caller's dict is untouched


def test_concurrent_edits_of_one_layer_are_serialised_and_all_recorded(parks, geodata_copy, tmp_path):
    database = str(tmp_path / "db.sqlite3")
    connect(database).close()
    ids = [f["id"] for f in json.loads((geodata_copy / "parks.geojson").read_text(encoding="utf-8"))["features"]]
    errors = []

    def worker(fids):
        db = connect(database)
        try:
            for fid in fids:
                commit_edit(
                    FileStore(CATALOG, geodata_copy),
                    parks,
                    fid,
                    lambda cur: patched_feature(
                        cur, {"properties": same_accuracy(cur, source=f"edit of {cur['id']}")}, parks
                    ),
                    action="update",
                    source="domain test",
                    record=lambda c: history.record_change(db, c),
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=worker, args=(ids[i::2],)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    stored = {f["id"]: f for f in json.loads((geodata_copy / "parks.geojson").read_text(encoding="utf-8"))["features"]}
    assert all(stored[fid]["properties"]["source"] == f"edit of {fid}" for fid in ids)  # no lost update
    assert len(history.list_changes(connect(database), layer="parks")) == len(ids)


def test_stale_version_writes_nothing_and_records_nothing(parks, geodata_copy, tmp_path):
    db = connect(str(tmp_path / "db.sqlite3"))
    before = (geodata_copy / "parks.geojson").read_bytes()
    fid = json.loads(before)["features"][0]["id"]
    with pytest.raises(VersionConflict) as info:
        commit_edit(
            FileStore(CATALOG, geodata_copy),
            parks,
            fid,
            lambda cur: cur,
            action="update",
            source="x",
            record=lambda c: history.record_change(db, c),
            expected_version="0" * 20,
        )
    assert info.value.to_dict()["current"]["id"] == fid
    assert (geodata_copy / "parks.geojson").read_bytes() == before
    assert history.list_changes(db) == []


def test_a_failed_history_insert_puts_the_old_file_back(parks, geodata_copy):
    before = (geodata_copy / "parks.geojson").read_bytes()
    fid = json.loads(before)["features"][0]["id"]

    def broken_record(change):
        raise RuntimeError("database is gone")

    with pytest.raises(RuntimeError):
        commit_edit(
            FileStore(CATALOG, geodata_copy),
            parks,
            fid,
            lambda cur: patched_feature(cur, {"properties": same_accuracy(cur)}, parks),
            action="update",
            source="x",
            record=broken_record,
        )
    assert (geodata_copy / "parks.geojson").read_bytes() == before
