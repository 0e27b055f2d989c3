"""The layer catalog: every declaration is complete, documented, and matches the real geodata/."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from atlas.catalog import COMMON_FIELDS, DEFAULT_TILE_THRESHOLD, LayerSpec, load_catalog, parse_layer
from atlas.errors import DeclarationError, UnknownLayer
from atlas.validate import check_collection
from atlas.vocab import FAMILIES
from tests.conftest import GEODATA, ROOT

CATALOG = load_catalog(ROOT / "layers")
README = ROOT / "geodata" / "README.md"


@pytest.mark.parametrize("spec", CATALOG.layers, ids=CATALOG.ids())
def test_layer_file_matches_declaration(spec):
    obj = json.loads((GEODATA / spec.source_file).read_text(encoding="utf-8"))
    assert check_collection(obj, spec) == []
    assert obj["features"], f"{spec.id} has no features"
    for feat in obj["features"]:
        props = feat["properties"]
        for fld in COMMON_FIELDS:
            if fld.required:
                assert props.get(fld.name) not in (None, ""), (spec.id, props.get("id"), fld.name)
        assert props["description_zh"] and props["description_en"], props["id"]


@pytest.mark.parametrize("spec", CATALOG.layers, ids=CATALOG.ids())
def test_layer_is_declared_completely_and_documented(spec):
    assert (ROOT / "layers" / f"{spec.id}.toml").exists(), "declaration file name must equal the layer id"
    assert spec.title_zh and spec.title_en and spec.description_zh and spec.description_en
    assert spec.family in FAMILIES
    for fld in spec.fields:
        assert fld.label_zh and fld.label_en, (spec.id, fld.name)
        if fld.type == "number" and fld.name.endswith(("_km", "_km2", "_kmh", "_m")):
            assert fld.unit_zh and fld.unit_en, f"{spec.id}.{fld.name} needs a unit"
    # the data README documents every layer file (Datasette-style: undocumented = failing)
    assert spec.source_file in README.read_text(encoding="utf-8")


def test_catalog_holds_every_family():
    assert set(CATALOG.by_family()) == set(FAMILIES)


def test_unknown_layer_raises():
    with pytest.raises(UnknownLayer):
        CATALOG.get("../etc/passwd")


# the smallest valid layer declaration; tests change one key of a copy
MINIMAL_DECLARATION = {
    "id": "ok",
    "title_zh": "好",
    "title_en": "OK",
    "family": "park",
    "source_file": "ok.geojson",
    "geometry_types": ["Point"],
}


@pytest.mark.parametrize(
    "patch, fragment",
    [
        ({"family": "roads"}, "family"),
        ({"id": "Bad Id"}, "lowercase slug"),
        ({"source_file": "../secret.geojson"}, "bare *.geojson"),
        ({"geometry_types": ["Circle"]}, "geometry_types"),
        ({"style": {"color": "red"}}, "#rrggbb"),
        ({"style": {"fill_opacity": 3}}, "between 0 and 1"),
        ({"style": {"dash_array": "1;alert(1)"}}, "dash_array"),
        ({"fields": [{"name": "x", "label_zh": "x", "label_en": "x", "type": "blob"}]}, "type"),
        ({"fields": [{"name": "status", "label_zh": "x", "label_en": "x"}]}, "duplicate field"),
        ({"colour": "#ffffff"}, "unexpected keyword"),
        ({"tile_threshold": -1}, "tile_threshold"),
        ({"tile_threshold": "many"}, "tile_threshold"),
        ({"tile_threshold": True}, "tile_threshold"),
    ],
)
def test_bad_declarations_are_rejected_when_loaded(patch, fragment):
    raw = dict(MINIMAL_DECLARATION)
    raw.update(patch)
    with pytest.raises(DeclarationError, match=re.escape(fragment)):
        parse_layer(raw)


def test_every_declaration_key_is_documented_in_the_readme():
    """Datasette-style: a key of the layer declaration that README's table does not name fails."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Adding or fixing a layer", 1)[1].split("\n## ", 1)[0]
    keys = [f.name for f in dataclasses.fields(LayerSpec)]
    assert [k for k in keys if f"`{k}`" not in section] == []


def test_tile_threshold_defaults_and_parses():
    raw = dict(MINIMAL_DECLARATION)
    assert parse_layer(raw).tile_threshold == DEFAULT_TILE_THRESHOLD == 3000
    assert parse_layer({**raw, "tile_threshold": 50}).tile_threshold == 50
