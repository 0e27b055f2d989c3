"""The one "call a page function with JSON" element: escaped arguments, element references, safe names."""

from __future__ import annotations

import folium
import pytest

from atlas.maps.basemaps import base_map, configured_basemaps
from atlas.maps.elements import PageCall

HOSTILE = "</script><script>alert(1)</script>"


def _html(m: folium.Map) -> str:
    return m.get_root().render()


def test_arguments_are_escaped_json_and_the_map_comes_first():
    m, _ = base_map(configured_basemaps({}), "none")
    PageCall("QJTest", "init", {"name": HOSTILE}, 3, js=[("qj_test_js", "/static/test.js")]).add_to(m)
    html = _html(m)
    call = next(line.strip() for line in html.splitlines() if "QJTest[" in line)
    assert call.startswith(f'QJTest["init"]({m.get_name()}, {{"name": "\\u003c/script\\u003e')
    assert call.endswith(", 3);")
    assert HOSTILE not in html
    assert '<script src="/static/test.js"></script>' in html


def test_element_arguments_pass_their_variable_and_with_map_false_omits_the_map():
    m, _ = base_map(configured_basemaps({}), "none")
    group = folium.FeatureGroup().add_to(m)
    PageCall("QJTest", "addMap", {"a": 1}, group, with_map=False).add_to(m)
    call = next(line.strip() for line in _html(m).splitlines() if "QJTest[" in line)
    assert call == f'QJTest["addMap"]({{"a": 1}}, {group.get_name()});'


@pytest.mark.parametrize("name", ["alert(1)//", "a.b", "", "1abc"])
def test_namespace_must_be_a_plain_global_name(name):
    with pytest.raises(ValueError, match="not a JavaScript global name"):
        PageCall(name, "init")


def test_base_map_falls_back_to_the_first_basemap_and_shows_only_the_active_one():
    bases = configured_basemaps({})
    m, pairs = base_map(bases, "no-such-basemap")
    assert [title for title, _ in pairs][0] == bases[0].title_zh
    shown = [layer.show for _, layer in pairs]
    assert shown[0] is True and not any(shown[1:])


def test_basemaps_are_resolved_once_per_app(app):
    bases = app.extensions["atlas_basemaps"]
    assert [b.key for b in bases] == [b.key for b in configured_basemaps(app.config)]
    hosts = app.extensions["atlas_tile_hosts"]
    csp = app.test_client().get("/").headers["Content-Security-Policy"]
    assert all(host in csp for host in hosts) and hosts
