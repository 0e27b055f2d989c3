"""Issue 25, Flask-free: the scenario model, its link, which criteria a point serves, the rank-certainty rule."""

from __future__ import annotations

import numpy as np
import pytest

from atlas.errors import BadParameter
from atlas.scenarios.access import served_criteria
from atlas.scenarios.certainty import rank_certain
from atlas.scenarios.link import URL_MAX_CHARS, decode_scenario, encode_scenario
from atlas.scenarios.model import parse_scenario


def collection(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def feat(kind: str, coords, **props) -> dict:
    gtype = "Point" if isinstance(coords[0], float) else "LineString"
    return {
        "type": "Feature",
        "properties": {"kind": kind, **props},
        "geometry": {"type": gtype, "coordinates": coords},
    }


def test_ids_are_prefixed_and_default_to_the_position():
    s = parse_scenario(collection(feat("interchange", [106.65, 29.0]), feat("station", [106.7, 29.0], id="zx-1")))
    assert [f.id for f in s.features] == ["proposed:1", "proposed:zx-1"]


@pytest.mark.parametrize(
    ("kind", "criteria"),
    [("interchange", ["interchange"]), ("station", ["rail"]), ("freight_yard", ["rail"]), ("port", ["hub"])],
)
def test_a_point_serves_what_the_criteria_targets_select(kind, criteria):
    point = parse_scenario(collection(feat(kind, [106.65, 29.0]))).features[0]
    assert served_criteria(point) == criteria


def test_lines_serve_no_criterion():
    line = parse_scenario(collection(feat("expressway", [[106.6, 29.0], [106.7, 29.1]]))).features[0]
    assert line.is_line and served_criteria(line) == []


def test_link_round_trips_kinds_names_and_coordinates():
    s = parse_scenario(
        collection(
            feat("high_speed_railway", [[106.6123456, 29.0], [106.7, 29.1654321]], id="yugui", name_zh="渝贵高铁"),
            feat("station", [106.65, 29.05], name_zh="<b>站</b>", line_id="yugui"),
        )
    )
    text = encode_scenario(s)
    assert text is not None and len(text) <= URL_MAX_CHARS
    back = decode_scenario(text)
    assert back.collection() == s.collection()


def test_a_link_that_inflates_too_far_is_refused():
    import base64
    import zlib

    bomb = "s1." + base64.urlsafe_b64encode(zlib.compress(b"[" + b" " * 1_000_000 + b"]", 9)).decode().rstrip("=")
    with pytest.raises(BadParameter) as err:
        decode_scenario(bomb)
    assert err.value.parameter == "s"


def test_rank_certain_flags_parks_that_swapped_with_an_uncertain_one():
    before = np.array([0, 1, 2, 3])  # positions best first
    after = np.array([2, 0, 1, 3])  # park 2 rose past 0 and 1
    uncertain = np.array([False, False, True, False])
    assert rank_certain(before, after, uncertain).tolist() == [False, False, False, True]
    assert rank_certain(before, after, np.zeros(4, dtype=bool)).all()
