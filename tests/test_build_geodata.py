"""scripts/build_geodata.py: the records and source copies rebuild geodata/ byte for byte, through the app's checks."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tomllib

import pytest

from tests.conftest import GEODATA, ROOT

SCRIPT = ROOT / "scripts" / "build_geodata.py"


def load_script(monkeypatch):
    spec = importlib.util.spec_from_file_location("build_geodata", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "build_geodata", module)
    spec.loader.exec_module(module)
    return module


def test_build_reproduces_every_shipped_layer_byte_for_byte(tmp_path):
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert run.returncode == 0, run.stderr
    shipped = sorted(p.name for p in GEODATA.glob("*.geojson"))
    built = sorted(p.name for p in tmp_path.glob("*.geojson"))
    assert built == shipped and len(shipped) == 11
    for name in shipped:
        assert (tmp_path / name).read_bytes() == (GEODATA / name).read_bytes(), name


def test_every_record_names_its_source_date_accuracy_and_geometry():
    for path in sorted((ROOT / "scripts" / "sources" / "records").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for record in data["feature"]:
            assert record["source"] and record["as_of"], record["id"]
            assert isinstance(record["geometry"], dict) and record["geometry"], record["id"]
            if "area" not in record["geometry"]:
                assert record["accuracy"], record["id"]


def build_with_edited_record(tmp_path, monkeypatch, name: str, old: str, new: str, count: int = -1):
    """The build script reading a copy of the source records in which ``name``'s ``old`` became ``new``."""
    build = load_script(monkeypatch)
    records = tmp_path / "records"
    shutil.copytree(ROOT / "scripts" / "sources" / "records", records)
    text = (records / name).read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}: the test no longer edits anything"
    (records / name).write_text(text.replace(old, new, count), "utf-8")
    monkeypatch.setattr(build, "RECORDS", records)
    return build


def test_a_record_the_layer_declaration_rejects_stops_the_build_and_writes_nothing(tmp_path, monkeypatch):
    build = build_with_edited_record(
        tmp_path, monkeypatch, "parks.toml", 'status = "designated"', 'status = "rumoured"', 1
    )
    out = tmp_path / "out"
    with pytest.raises(SystemExit, match=r"parks.geojson \[cybersecurity-park-qijiang\]: status 'rumoured'"):
        build.main(["--out", str(out)])
    assert not out.exists() or not list(out.glob("*.geojson"))


def test_an_id_used_in_two_layers_stops_the_build(tmp_path, monkeypatch):
    build = build_with_edited_record(
        tmp_path, monkeypatch, "hubs.toml", 'id = "sanjiang-freight"', 'id = "sanjiang-station"'
    )
    with pytest.raises(SystemExit, match=r"hubs.geojson \[sanjiang-station\]: id is also used in stations.geojson"):
        build.main(["--out", str(tmp_path / "out")])


def test_a_property_the_layer_does_not_list_is_refused(tmp_path, monkeypatch):
    build = build_with_edited_record(
        tmp_path, monkeypatch, "river.toml", 'as_of = "2024"', 'as_of = "2024"\nwidth_m = 80'
    )
    with pytest.raises(SystemExit, match="qijiang-river: properties not in the layer's list: width_m"):
        build.main(["--out", str(tmp_path / "out")])
