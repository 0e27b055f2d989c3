"""GCJ-02 conversion: round trips, the known offset in Qijiang, and overlays that follow a Gaode basemap."""

from __future__ import annotations

import json

import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import LineString

from atlas.datum import convert_geometry, convert_lonlat
from atlas.maps.basemaps import configured_basemaps
from atlas.stores.precision import DECIMALS_BY_ACCURACY, DEFAULT_DECIMALS
from tests.conftest import GEODATA, wait_for_atlas, wait_js

GEOD = Geod(ellps="WGS84")
GRID = [(lon, lat) for lon in np.linspace(106.38, 107.06, 12) for lat in np.linspace(28.45, 29.20, 12)]


def metres(a, b) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def test_published_station_point_converts_within_two_metres():
    # 綦江站 in the station list: GCJ-02 (106.66385, 29.017517) and WGS-84 (106.660068, 29.020682)
    assert metres(convert_lonlat(106.66385, 29.017517, "gcj02", "wgs84"), (106.660068, 29.020682)) < 2.0
    assert metres(convert_lonlat(106.660068, 29.020682, "wgs84", "gcj02"), (106.66385, 29.017517)) < 2.0


@pytest.mark.parametrize("other", ["gcj02", "bd09"])
def test_round_trip_error_below_one_metre_across_the_district(other):
    worst = max(metres(p, convert_lonlat(*convert_lonlat(*p, "wgs84", other), other, "wgs84")) for p in GRID)
    assert worst < 1.0


def test_offset_in_qijiang_is_hundreds_of_metres():
    offsets = [metres(p, convert_lonlat(*p, "wgs84", "gcj02")) for p in GRID]
    assert 300 < min(offsets) and max(offsets) < 800


def test_convert_geometry_moves_every_vertex_and_keeps_the_input():
    line = LineString([(106.6, 28.9), (106.7, 29.0)])
    moved = convert_geometry(line, "wgs84", "gcj02")
    assert line.coords[0] == (106.6, 28.9)
    for a, b in zip(line.coords, moved.coords):
        assert 300 < metres(a, b) < 800
    back = convert_geometry(moved, "gcj02", "wgs84")
    assert all(metres(a, b) < 1.0 for a, b in zip(line.coords, back.coords))


def test_unknown_datum_is_rejected():
    with pytest.raises(ValueError, match="cannot convert"):
        convert_lonlat(106.6, 29.0, "wgs84", "mars")


def test_basemaps_follow_configuration():
    keys = [b.key for b in configured_basemaps({})]
    assert keys == ["osm", "gaode", "gaode-satellite", "none"]
    full = {
        b.key: b
        for b in configured_basemaps(
            {
                "TIANDITU_KEY": "k",
                "CARTO_API_KEY": "c",
                "EXTRA_BASEMAPS": [{"key": "intranet", "url": "http://tiles.local/{z}/{x}/{y}.png"}],
            }
        )
    }
    assert {"positron", "tianditu", "tianditu-img", "intranet"} <= set(full)
    assert full["gaode"].datum == "gcj02" and full["tianditu"].datum == "wgs84"
    assert len(full["tianditu"].providers) == 2  # map tiles + label tiles
    assert "tk=k" in full["tianditu"].providers[0].build_url(fill_subdomain=False)


def test_tianditu_hidden_without_key(make_app):
    client = make_app(TIANDITU_KEY=None).test_client()
    assert "天地图" not in client.get("/?base=none").data.decode("unicode_escape", errors="ignore")
    client = make_app(TIANDITU_KEY="abc").test_client()
    assert "tianditu.gov.cn" in client.get("/?base=none").data.decode()


@pytest.mark.browser
def test_switching_to_gaode_shifts_overlays_by_the_gcj_offset_and_back(page, live_server):
    station = next(
        f for f in json.loads((GEODATA / "stations.geojson").read_text(encoding="utf-8"))["features"] if f["geometry"]
    )
    fid = station["properties"]["id"]
    places = DECIMALS_BY_ACCURACY.get(station["properties"]["accuracy"], DEFAULT_DECIMALS)
    lon, lat = (round(c, places) for c in station["geometry"]["coordinates"])  # as the layer GeoJSON sends it
    page.goto(f"{live_server.url}/?base=none")
    wait_for_atlas(page)
    before = page.evaluate(
        f"(() => {{ const p = QJAtlas.features['{fid}'].leaflet.getLatLng(); return [p.lng, p.lat]; }})()"
    )
    assert metres(before, (lon, lat)) < 0.01
    page.locator(".leaflet-control-layers").hover()
    page.locator(".leaflet-control-layers-base label", has_text="高德地图").locator("input").check()
    wait_js(page, "document.documentElement.getAttribute('data-datum') === 'gcj02'")
    after = page.evaluate(
        f"(() => {{ const p = QJAtlas.features['{fid}'].leaflet.getLatLng(); return [p.lng, p.lat]; }})()"
    )
    expected = convert_lonlat(lon, lat, "wgs84", "gcj02")
    assert metres(after, expected) < 1.0
    assert 300 < metres(after, before) < 800
    wait_js(page, "location.search.includes('base=gaode')")  # the URL is written 50 ms after a change
    # the centre in the URL stays WGS-84 ground coordinates
    page.evaluate("QJAtlas.map.setView(QJAtlas.toDisplay(29.0, 106.65), 17)")
    wait_js(page, "new URLSearchParams(location.search).get('z') === '17'")
    assert page.evaluate(
        "[+new URLSearchParams(location.search).get('lat'), +new URLSearchParams(location.search).get('lon')]"
    ) == pytest.approx([29.0, 106.65], abs=2e-5)  # < 1 pixel at z17
    page.locator(".leaflet-control-layers-base label", has_text="无底图").locator("input").check()
    wait_js(page, "document.documentElement.getAttribute('data-datum') === 'wgs84'")
    back = page.evaluate(
        f"(() => {{ const p = QJAtlas.features['{fid}'].leaflet.getLatLng(); return [p.lng, p.lat]; }})()"
    )
    assert metres(back, (lon, lat)) < 0.01
    assert all("autonavi.com" in url for url in page.probe.blocked)  # only Gaode tiles tried to leave


def test_pages_whose_overlays_are_not_shifted_never_show_gcj02_tiles(make_app):
    client = make_app(CARTO_API_KEY="k", TIANDITU_KEY="t").test_client()
    for path in [
        "/parks?base=gaode",
        "/parks/qijiang-food-park?base=gaode",
        "/corridors/compare?ids=yugui-railway,chuanqian-railway&base=gaode",
    ]:
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert "autonavi.com" not in resp.data.decode(), path
