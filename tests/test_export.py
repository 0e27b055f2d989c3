"""Whole-layer downloads: CSV (BOM, WKT), GeoPackage and KML read back with pyogrio; temp files removed."""

from __future__ import annotations

import csv
import io
import json
import tempfile

import pyogrio
import pytest
import shapely
from shapely.geometry import shape

from atlas import export
from tests.synthetic import grid_parks, grid_parks_geodata, write_collection


@pytest.fixture
def synth_dir(tmp_path):
    return grid_parks_geodata(tmp_path / "synth")


@pytest.fixture
def synth(synth_dir, make_app):
    return make_app(GEODATA_DIR=str(synth_dir)).test_client()


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """Send the exporter's temporary files to a directory of this test so leftovers can be counted."""
    target = tmp_path / "exports"
    target.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(target))
    return target


def _download(client, url):
    resp = client.get(url)
    body = resp.get_data()
    resp.close()
    return resp, body


def _rows(body: bytes):
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_csv_has_bom_chinese_text_lists_and_wkt(synth):
    resp, body = _download(synth, "/api/layers/parks.csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.headers["Content-Disposition"] == 'attachment; filename="parks.csv"'
    rows = _rows(body)
    features = grid_parks()["features"]
    assert len(rows) == len(features)
    assert list(rows[0])[:3] == ["id", "name_zh", "name_en"] and list(rows[0])[-1] == "wkt"
    for row, feat in zip(rows, features):
        props = feat["properties"]
        assert row["id"] == props["id"]
        assert row["name_zh"] == props["name_zh"]  # e.g. 测试园区00号, not mojibake
        assert row["industries"] == ";".join(props["industries"])
        assert float(row["planned_area_km2"]) == props["planned_area_km2"]
        if feat["geometry"] is None:
            assert row["wkt"] == ""
        else:
            assert shapely.from_wkt(row["wkt"]).equals(shape(feat["geometry"]))
    assert rows[0]["name_zh"] == "测试园区00号"
    assert rows[0]["industries"] == "食品;齿轮"


def test_csv_of_real_layers(client, app):
    from atlas.web.extension import get_store

    with app.app_context():
        layers = [d for d in get_store().all() if d.ok and d.features]
    for data in layers:
        resp, body = _download(client, f"/api/layers/{data.spec.id}.csv")
        rows = _rows(body)
        assert [r["id"] for r in rows] == [f["properties"]["id"] for f in data.features]
        assert [r["name_zh"] for r in rows] == [f["properties"]["name_zh"] for f in data.features]


@pytest.mark.parametrize("fmt,driver", [("gpkg", "GPKG"), ("kml", "LIBKML")])
def test_gpkg_and_kml_read_back_with_pyogrio(synth, private_tmp, tmp_path, fmt, driver):
    resp, body = _download(synth, f"/api/layers/parks.{fmt}")
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"] == f'attachment; filename="parks.{fmt}"'
    assert int(resp.headers["Content-Length"]) == len(body)
    path = tmp_path / f"back.{fmt}"
    path.write_bytes(body)
    assert pyogrio.read_info(path)["driver"] == driver
    frame = pyogrio.read_dataframe(path)
    features = grid_parks()["features"]
    assert len(frame) == len(features)
    assert list(frame["id"]) == [f["properties"]["id"] for f in features]
    assert list(frame["name_zh"]) == [f["properties"]["name_zh"] for f in features]
    assert list(frame["industries"]) == [";".join(f["properties"]["industries"]) for f in features]
    placed = [f for f in features if f["geometry"]]
    assert int(frame.geometry.notna().sum()) == len(placed)
    first = next(i for i, f in enumerate(features) if f["geometry"])
    assert frame.geometry.iloc[first].equals_exact(shape(features[first]["geometry"]), 1e-9)
    if fmt == "kml":  # Placemark <name> shows both names in Google Earth & co.
        assert list(frame["Name"]) == [f"{f['properties']['name_zh']} {f['properties']['name_en']}" for f in features]
        assert '<Placemark id="synthetic-park-00">' in body.decode("utf-8")
    if fmt == "gpkg":
        assert frame["planned_area_km2"].tolist() == [f["properties"]["planned_area_km2"] for f in features]
    # the temporary file was streamed and then deleted
    assert list(private_tmp.iterdir()) == []


def test_gpkg_and_kml_of_real_layers(client, app, tmp_path, private_tmp):
    from atlas.web.extension import get_store

    with app.app_context():
        layers = [d for d in get_store().all() if d.ok and d.features]
    for data in layers[:4]:
        for fmt in ("gpkg", "kml"):
            resp, body = _download(client, f"/api/layers/{data.spec.id}.{fmt}")
            assert resp.status_code == 200
            path = tmp_path / f"{data.spec.id}.{fmt}"
            path.write_bytes(body)
            assert len(pyogrio.read_dataframe(path)) == len(data.features)
    assert list(private_tmp.iterdir()) == []


def test_temp_file_removed_even_when_not_read(synth, private_tmp):
    resp = synth.get("/api/layers/parks.gpkg")
    assert resp.status_code == 200
    resp.close()  # client went away before reading the body
    assert list(private_tmp.iterdir()) == []


def test_empty_layer_exports(tmp_path, make_app, private_tmp):
    data_dir = grid_parks_geodata(tmp_path / "synth")
    write_collection(data_dir / "parks.geojson", {"type": "FeatureCollection", "features": []})
    client = make_app(GEODATA_DIR=str(data_dir)).test_client()
    _, body = _download(client, "/api/layers/parks.csv")
    assert _rows(body) == []
    for fmt in ("gpkg", "kml"):
        resp, body = _download(client, f"/api/layers/parks.{fmt}")
        assert resp.status_code == 200
        path = tmp_path / f"empty.{fmt}"
        path.write_bytes(body)
        assert len(pyogrio.read_dataframe(path)) == 0


def test_download_errors_and_etag(synth, geodata_copy, make_app):
    resp, body = _download(synth, "/api/layers/nope.csv")
    assert resp.status_code == 404 and json.loads(body)["message"]
    assert synth.get("/api/layers/parks.shp").status_code == 404
    resp, _ = _download(synth, "/api/layers/parks.kml")
    etag = resp.headers["ETag"].strip('"')
    again = synth.get("/api/layers/parks.kml", headers={"If-None-Match": f'"{etag}"'})
    assert again.status_code == 304 and again.get_data() == b""
    (geodata_copy / "parks.geojson").write_text("{broken", encoding="utf-8")
    broken = make_app(GEODATA_DIR=str(geodata_copy)).test_client()
    for fmt in ("csv", "gpkg", "kml"):
        assert broken.get(f"/api/layers/parks.{fmt}").status_code == 503


def test_export_module_is_flask_free_and_joins_lists():
    import ast
    from pathlib import Path

    atlas_dir = Path(export.__file__).parent
    modules = [
        "export.py",
        *(str(p.relative_to(atlas_dir)) for d in ("ogc", "corridors") for p in (atlas_dir / d).glob("*.py")),
    ]
    assert len(modules) > 10
    for module in modules:
        tree = ast.parse((atlas_dir / module).read_text(encoding="utf-8"))
        imported = {n.names[0].name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)}
        imported |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not imported & {"flask", "werkzeug"}, module
    assert export.flat_value(["a", "b", 3]) == "a;b;3"
    assert export.flat_value([]) == ""
    assert export.flat_value(2.5) == 2.5
