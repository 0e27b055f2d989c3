"""Roles are declared once, in layers/*.toml: a layer joins a feature by its declaration alone.

A throwaway corridor layer and a throwaway served layer (test data in a temporary copy, never shipped) are
added by writing exactly three files each: the TOML, the GeoJSON and the layer's row in geodata/README.md.
The comparison, the year comparison, the page config and the exports pick them up with no code change.
Two guards keep it so: every role the code asks for is declared by a shipped layer, and no layer title is
retyped in code, scripts or templates.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from atlas.catalog import load_catalog, parse_layer
from atlas.errors import DeclarationError
from atlas.maps.atlas_map import timeline_config
from atlas.vocab import ROLES
from server import ROOT

CATALOG = load_catalog(ROOT / "layers")
TRAM_TOML = """id = "tramways"
title_zh = "测试轻轨"
title_en = "Test light rail"
family = "corridor"
source_file = "tramways.geojson"
geometry_types = ["LineString"]
order = 25
roles = ["corridor", "network"]
time_field = "opened"

[[fields]]
name = "opened"
label_zh = "开通时间"
label_en = "Opened"
type = "date"
"""
SCHOOLS_TOML = """id = "schools"
title_zh = "测试学校"
title_en = "Test schools"
family = "context"
source_file = "schools.geojson"
geometry_types = ["Point"]
order = 80
roles = ["served"]
"""


def _props(fid: str, name_zh: str, family: str, kind: str, status: str, **extra) -> dict:
    """The common properties of a throwaway feature (its source says it is test data)."""
    return {
        "id": fid,
        "name_zh": name_zh,
        "name_en": "Test feature",
        "family": family,
        "kind": kind,
        "status": status,
        "source": "test fixture (tests/test_layer_roles.py), not a real feature",
        "as_of": "2026",
        "accuracy": "approximate",
        "description_zh": "测试数据。",
        "description_en": "Test data.",
        "aliases": [],
        "location_method": "test fixture",
        **extra,
    }


def _district_point(geodata: Path) -> shapely.Point:
    """A point inside the district outline (no coordinate is typed in)."""
    return gpd.read_file(geodata / "district.geojson").geometry.union_all().representative_point()


def _write_layer(layers: Path, geodata: Path, toml: str, file_name: str, features: list[dict]) -> None:
    """Add a layer the way the README says: its TOML, its GeoJSON and its row in geodata/README.md."""
    layer_id = file_name.removesuffix(".geojson")
    (layers / f"{layer_id}.toml").write_text(toml, encoding="utf-8")
    collection = {"type": "FeatureCollection", "features": features}
    (geodata / file_name).write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    with (geodata / "README.md").open("a", encoding="utf-8") as readme:
        readme.write(f"\n| `{file_name}` | throwaway test layer |\n")


def _tree_digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {name for name in after if before.get(name) != after[name]} | (set(before) - set(after))


@pytest.fixture
def tram_app(make_app, layers_copy, geodata_copy):
    """An app on a data copy with one more corridor layer, written as three files."""
    before = {**_tree_digest(layers_copy), **_tree_digest(geodata_copy)}
    centre = _district_point(geodata_copy)
    line = shapely.LineString([(centre.x - 0.03, centre.y - 0.02), (centre.x + 0.03, centre.y + 0.02)])
    tram = {
        "type": "Feature",
        "geometry": shapely.geometry.mapping(line),
        "properties": _props("test-tram", "测试轻轨一号线", "corridor", "railway", "operating", opened="2019-06-01"),
    }
    _write_layer(layers_copy, geodata_copy, TRAM_TOML, "tramways.geojson", [tram])
    after = {**_tree_digest(layers_copy), **_tree_digest(geodata_copy)}
    assert _changed(before, after) == {"tramways.toml", "tramways.geojson", "README.md"}
    return make_app(GEODATA_DIR=str(geodata_copy), LAYERS_DIR=str(layers_copy))


def test_a_declared_corridor_layer_is_listed_compared_and_dated(tram_app):
    client = tram_app.test_client()
    listed = {c["id"]: c for c in client.get("/api/corridors").get_json()}
    assert listed["test-tram"]["layer"] == "tramways" and listed["test-tram"]["length_in_district_km"] > 0
    result = client.get("/api/corridors/compare?ids=test-tram,yugui-railway&buffer_m=5000").get_json()
    tram = result["corridors"][0]
    assert tram["id"] == "test-tram" and tram["layer"] == "tramways"
    assert list(tram["served"]) == list(CATALOG.with_role("served")) and tram["coverage"]["covered_km2"] > 0
    assert "测试轻轨一号线" in client.get("/corridors").get_data(as_text=True)
    years = client.get("/api/corridors/years?before=2010&after=2020&buffer_m=3000").get_json()
    assert "test-tram" in years["after"]["corridors"]["placed"]  # opened 2019: part of the 2020 network
    assert "test-tram" not in years["before"]["corridors"]["placed"] and "test-tram" in years["added"]["corridors"]


def test_a_declared_corridor_layer_reaches_the_browser_config(tram_app):
    page = tram_app.test_client().get("/corridors/compare?ids=test-tram,yugui-railway").get_data(as_text=True)
    start = page.index('QJCorridors["init"](') + len('QJCorridors["init"](')
    config, _end = json.JSONDecoder().raw_decode(page, start)
    assert "tramways" in config["roles"]["corridor"] and "tramways" in config["roles"]["network"]
    assert config["roles"]["served"] == list(CATALOG.with_role("served"))
    with tram_app.app_context():
        from atlas.web.extension import get_store

        assert timeline_config(get_store())["fields"]["tramways"] == "opened"


def test_a_declared_served_layer_is_counted_and_titled_from_its_declaration(make_app, layers_copy, geodata_copy):
    centre = _district_point(geodata_copy)
    school = {
        "type": "Feature",
        "geometry": shapely.geometry.mapping(centre),
        "properties": _props("test-school", "测试学校甲", "context", "village", "existing"),
    }
    _write_layer(layers_copy, geodata_copy, SCHOOLS_TOML, "schools.geojson", [school])
    client = make_app(GEODATA_DIR=str(geodata_copy), LAYERS_DIR=str(layers_copy)).test_client()
    proposed = {"type": "Feature", "properties": {"name": "穿过学校"}, "geometry": _line_through(centre)}
    body = {"ids": ["yugui-railway"], "proposed": proposed, "buffer_m": 2000}
    result = client.post("/api/corridors/compare", json=body).get_json()
    assert result["corridors"][1]["served"]["schools"] == ["test-school"]
    assert result["names"]["test-school"] == "测试学校甲"
    columns = (
        ("zh", "测试学校数", "测试学校", "测试学校甲"),
        ("en", "Test schools (count)", "Test schools", "Test feature"),
    )
    for lang, count, listed, name in columns:
        text = client.post(f"/api/corridors/compare.csv?lang={lang}", json=body).get_data().decode("utf-8-sig")
        header, _yugui, line = list(csv.reader(io.StringIO(text)))
        assert line[header.index(count)] == "1" and line[header.index(listed)] == name


def _line_through(point: shapely.Point) -> dict:
    return {"type": "LineString", "coordinates": [[point.x - 0.02, point.y], [point.x + 0.02, point.y]]}


def test_undeclared_roles_and_time_fields_are_refused():
    base = {"id": "x", "title_zh": "甲", "title_en": "x", "family": "context", "source_file": "x.geojson"}
    base["geometry_types"] = ["Point"]
    with pytest.raises(DeclarationError, match="unknown roles"):
        parse_layer({**base, "roles": ["served", "schools"]})
    with pytest.raises(DeclarationError, match="time_field"):
        parse_layer({**base, "time_field": "name_zh"})  # a text field, not a date
    with pytest.raises(KeyError):
        CATALOG.with_role("servd")


# ---- guards: roles asked for in code are declared; titles are not retyped -------------------------------

ROLE_CALLS = re.compile(r"""(?:with_role|\.layers|hasRole\([^,]+,|layerOf)\(\s*["']([a-z_]+)["']""")
SOURCES = ("atlas/**/*.py", "static/js/**/*.js", "templates/**/*.html", "scripts/**/*.py")


def _sources() -> list[Path]:
    return [p for pattern in SOURCES for p in ROOT.glob(pattern) if "vendor" not in p.parts]


def test_every_role_the_code_asks_for_is_declared_by_a_shipped_layer():
    asked = {(p.relative_to(ROOT).as_posix(), role) for p in _sources() for role in ROLE_CALLS.findall(p.read_text())}
    assert len({role for _p, role in asked}) >= 6  # the guard sees the code's role lookups
    derived = {"parks"}  # CorridorContext's served layers of the park family, derived from the declarations
    undeclared = [(p, r) for p, r in sorted(asked) if r not in derived and not CATALOG.with_role(r)]
    assert undeclared == []
    assert all(role in ROLES for layer in CATALOG for role in layer.roles)


# (file, title): a page's name that happens to equal a layer's title, not the layer's title retyped
NOT_A_LAYER_TITLE = {("templates/_site_nav.html", "产业园区")}  # the /parks page's name in the navigation bar


def test_layer_titles_are_not_retyped_outside_their_declaration():
    titles = {title for layer in CATALOG for title in (layer.title_zh, layer.title_en)}
    # atlas/vocab.py holds the family and kind vocabularies, whose labels may share words with titles
    files = [p for p in _sources() if p.relative_to(ROOT).as_posix() != "atlas/vocab.py"]
    retyped = [
        (path.relative_to(ROOT).as_posix(), title)
        for path in files
        for title in titles
        if re.search(r"""["']""" + re.escape(title) + r"""["']""", path.read_text())
        and (path.relative_to(ROOT).as_posix(), title) not in NOT_A_LAYER_TITLE
    ]
    assert retyped == []
