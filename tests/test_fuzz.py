"""Fuzzing: Hypothesis properties for GeoJSON validation and query-parameter parsers; Schemathesis on /ogc/api."""

from __future__ import annotations

import math

import hypothesis.strategies as st
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from atlas.catalog import load_catalog
from atlas.errors import BadParameter
from atlas.search import search_features
from atlas.stores.files import FileStore
from atlas.validate import check_collection, check_feature, loads_strict
from server import create_app
from tests.conftest import GEODATA, ROOT

CATALOG = load_catalog(ROOT / "layers")
PARKS = CATALOG.get("parks")
STORE = FileStore(CATALOG, GEODATA)

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
numbers = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**6), 10**6) | st.text(max_size=6)
positions = st.lists(numbers, min_size=0, max_size=4)
geometries = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["Point", "LineString", "Polygon", "MultiPolygon", "Circle", ""]),
        "coordinates": st.one_of(
            positions, st.lists(positions, max_size=5), st.lists(st.lists(positions, max_size=5), max_size=2)
        ),
    }
)


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        json_values,
        st.fixed_dictionaries(
            {
                "type": st.just("Feature"),
                "properties": json_values,
                "geometry": st.one_of(st.none(), geometries, json_values),
            }
        ),
    )
)
def test_feature_validation_never_crashes_and_always_explains(feature):
    problems = check_feature(feature, PARKS)
    assert isinstance(problems, list) and all(isinstance(p, str) and p for p in problems)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(geometries)
def test_a_geometry_with_nonfinite_or_out_of_region_coordinates_is_never_accepted(geometry):
    feature = {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "id": "x",
            "name_zh": "x",
            "name_en": "x",
            "family": "park",
            "kind": "industrial_park",
            "status": "existing",
            "accuracy": "approximate",
            "source": "s",
            "as_of": "2024",
        },
    }
    problems = check_feature(feature, PARKS)

    def flat(c):
        if isinstance(c, list):
            for item in c:
                yield from flat(item)
        else:
            yield c

    values = list(flat(geometry["coordinates"]))
    bad = any(not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v) for v in values)
    if bad or not values or geometry["type"] not in PARKS.geometry_types:
        assert problems, geometry


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.text(max_size=200))
def test_strict_json_parser_accepts_json_or_raises_valueerror(text):
    try:
        loads_strict(text)
    except ValueError:
        pass


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.text(max_size=120))
def test_search_query_parser(q):
    try:
        hits = search_features(STORE, q)
    except BadParameter as exc:
        assert exc.parameter == "q"
    else:
        assert len(hits) <= 10


@settings(max_examples=60, derandomize=True, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "w_interchange",
                "w_rail",
                "w_hub",
                "w_centre",
                "w_area",
                "w_industry",
                "w_foo",
                "industry",
                "min_area_km2",
                "max_rail_km",
                "status",
            ]
        ),
        st.one_of(st.text(max_size=8), st.floats(allow_nan=True).map(str), st.integers(-5, 50).map(str)),
        max_size=5,
    )
)
def test_park_ranking_parameters_never_give_500(params):
    client = create_app({"TESTING": True}).test_client()
    resp = client.get("/api/parks/rank", query_string=params)
    assert resp.status_code in (200, 400), (params, resp.status_code)
    if resp.status_code == 400:
        assert resp.get_json()["parameter"]


@settings(max_examples=60, derandomize=True, deadline=None)
@given(st.dictionaries(st.sampled_from(["ids", "buffer_m", "lang", "x"]), st.text(max_size=30), max_size=3))
def test_corridor_comparison_parameters_never_give_500(params):
    client = create_app({"TESTING": True}).test_client()
    resp = client.get("/api/corridors/compare", query_string=params)
    assert resp.status_code in (200, 400), (params, resp.status_code)


@settings(max_examples=60, derandomize=True, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["limit", "offset", "bbox", "f", "status", "kind", "bbox-crs", "zzz"]),
        st.text(max_size=25),
        max_size=4,
    )
)
def test_ogc_items_parameters_never_give_500(params):
    client = create_app({"TESTING": True}).test_client()
    resp = client.get("/ogc/collections/stations/items", query_string=params)
    assert resp.status_code in (200, 400), (params, resp.status_code)


def test_collection_level_validation_on_generated_garbage():
    assert check_collection({"type": "FeatureCollection", "features": [None, 1, "x", []]}, PARKS)


schema = schemathesis.openapi.from_wsgi("/ogc/api?f=json", create_app({"TESTING": True}))


@schema.parametrize()
@settings(max_examples=25, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_ogc_api_conforms_to_its_openapi_document(case):
    # No 5xx, documented status codes and content types, responses match their schemas, schema-violating
    # requests rejected. Not checked: that every schema-valid request is accepted, because OpenAPI 3.0 cannot
    # say "minLon <= maxLon" for bbox, so a schema-valid reversed or out-of-range box is rightly a 400.
    # the WSGI transport does not undo Content-Encoding, so ask for identity (real clients decompress)
    case.call_and_validate(headers={"Accept-Encoding": "identity"}, excluded_checks=[positive_data_acceptance])
