"""The store's one cache of derived data: built once per data version, per store (not per process)."""

from __future__ import annotations

import json
import os
import threading

from atlas.catalog import load_catalog
from atlas.stores.files import FileStore
from server import ROOT


def _store(data_dir) -> FileStore:
    return FileStore(load_catalog(ROOT / "layers"), data_dir)


def test_value_is_built_once_then_rebuilt_when_a_layer_it_reads_changes(geodata_copy):
    store = _store(geodata_copy)
    calls = []
    build = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert store.derived("n", build, layers=["parks"]) == 1
    assert store.derived("n", build, layers=["parks"]) == 1
    # a change to a layer the value does not read keeps it
    path = geodata_copy / "hubs.geojson"
    obj = json.loads(path.read_text("utf-8"))
    obj["features"][0]["properties"]["name_en"] = "Renamed hub"
    path.write_text(json.dumps(obj, ensure_ascii=False), "utf-8")
    assert store.derived("n", build, layers=["parks"]) == 1
    # a change to the layer it reads rebuilds it
    path = geodata_copy / "parks.geojson"
    obj = json.loads(path.read_text("utf-8"))
    obj["features"][0]["properties"]["name_en"] = "Renamed park"
    path.write_text(json.dumps(obj, ensure_ascii=False), "utf-8")
    os.utime(path, ns=(1, 1))
    assert store.derived("n", build, layers=["parks"]) == 2
    assert len(calls) == 2


def test_names_are_separate_and_stores_do_not_share(geodata_copy):
    one, two = _store(geodata_copy), _store(geodata_copy)
    assert one.derived("a", lambda: "A") == "A"
    assert one.derived("b", lambda: "B") == "B"
    assert two.derived("a", lambda: "other store") == "other store"
    assert one._derived.builds == 2 and two._derived.builds == 1


def test_concurrent_requests_build_once(geodata_copy):
    store = _store(geodata_copy)
    started = threading.Barrier(8)
    calls = []

    def build():
        calls.append(1)
        return object()

    results = []

    def worker():
        started.wait()
        results.append(store.derived("slow", build, layers=["parks"]))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert all(r is results[0] for r in results)
