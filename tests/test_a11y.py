"""WCAG 2.1 AA: axe-core (npm, pinned in package.json) on every HTML page in zh and en, in real Chromium.

Every page of the site is listed in PAGES below (one line each); a new HTML route that is neither in PAGES
nor in NOT_PAGES fails test_every_html_route_is_checked, so a new page cannot skip the check.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote
from urllib.request import urlopen

import pytest

from server import create_app
from tests.conftest import ROOT, _open_page, wait_for_atlas, wait_js

pytestmark = pytest.mark.browser
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("moderate", "serious", "critical")
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}
LINE = [[106.60, 28.90], [106.70, 28.95], [106.80, 28.99]]


# ---- what happens on a page before axe runs (each waits until the page has drawn what it needs) ----
def atlas_ready(page, ids):
    wait_for_atlas(page)


def atlas_popup(page, ids):
    wait_for_atlas(page)
    page.evaluate("id => QJAtlas.focusFeature(id)", ids["station"])
    page.locator(".leaflet-popup[role=dialog]").wait_for()


def parks_ready(page, ids):
    wait_js(page, "document.documentElement.getAttribute('data-parks-loaded') === 'true'")


def parks_selected(page, ids):
    parks_ready(page, ids)
    page.locator(f".qj-park-row[data-park-id='{ids['park']}']").click()
    page.locator(".qj-park-row.qj-highlight").wait_for()


def corridors_ready(page, ids):
    wait_js(page, "(+document.documentElement.getAttribute('data-corridors-renders') || 0) > 0")


def corridors_drawn(page, ids):
    corridors_ready(page, ids)
    page.evaluate(
        """line => QJCorridors.proposalPanel.map.fire('draw:created', {layerType: 'polyline',
        layer: L.polyline(line.map(p => [p[1], p[0]]))})""",
        LINE,
    )
    page.locator('#qj-compare-table thead th[data-corridor="proposed"]').wait_for()


def corridors_uploaded(page, ids, tmp_path=None):
    corridors_ready(page, ids)
    path = Path(ids["tmp"]) / "line.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "Feature",
                "properties": {"name": "upload"},
                "geometry": {"type": "LineString", "coordinates": LINE},
            }
        )
    )
    page.set_input_files("#qj-upload", str(path))
    page.locator('#qj-compare-table thead th[data-corridor="proposed"]').wait_for()


def loaded(page, ids):
    page.wait_for_load_state("load")


@dataclass(frozen=True)
class A11yPage:
    """One page state to check: the url_map endpoint it covers, its path (ids from the API), what to do first."""

    name: str
    endpoint: str | None  # None: not a route of its own (the error page)
    path: str  # {park}, {parks}, {corridors}, {collection}, {item} are filled from the API
    prepare: object = loaded
    viewport: tuple[int, int] = (1280, 800)


# One line per page (state). Adding a page to the site = adding a line here.
PAGES = [
    A11yPage("map", "pages.index", "/?base=none", atlas_ready),
    A11yPage("map-popup", "pages.index", "/?base=none", atlas_popup),
    A11yPage("map-phone", "pages.index", "/?base=none", atlas_ready, viewport=(390, 844)),
    A11yPage("parks", "parks.index", "/parks?base=none", parks_ready),
    A11yPage("parks-selected", "parks.index", "/parks?base=none", parks_selected),
    A11yPage("park-profile", "parks.profile", "/parks/{park}?base=none"),
    A11yPage("park-profile-unplaced", "parks.profile", "/parks/{unplaced_park}?base=none"),
    A11yPage("park-print", "parks.profile_print", "/parks/{park}/print?base=none"),
    A11yPage("parks-compare", "parks.compare", "/parks/compare?ids={parks}&base=none"),
    A11yPage("corridors", "corridors.corridor_list", "/corridors"),
    A11yPage(
        "corridors-compare", "corridors.compare_page", "/corridors/compare?ids={corridors}&base=none", corridors_ready
    ),
    A11yPage(
        "corridors-drawn", "corridors.compare_page", "/corridors/compare?ids={corridors}&base=none", corridors_drawn
    ),
    A11yPage(
        "corridors-uploaded",
        "corridors.compare_page",
        "/corridors/compare?ids={corridors}&base=none",
        corridors_uploaded,
    ),
    A11yPage("corridors-years", "corridors.compare_page", "/corridors/compare?before=2015&after=2020&base=none"),
    A11yPage("map-year", "pages.index", "/?base=none&year=2015", atlas_ready),
    A11yPage("data-coverage", "pages.data_coverage", "/data"),
    A11yPage("ogc-landing", "ogc.landing", "/ogc?f=html"),
    A11yPage("ogc-conformance", "ogc.conformance", "/ogc/conformance?f=html"),
    A11yPage("ogc-api", "ogc.openapi", "/ogc/api?f=html"),
    A11yPage("ogc-collections", "ogc.collections", "/ogc/collections?f=html"),
    A11yPage("ogc-collection", "ogc.collection", "/ogc/collections/{collection}?f=html"),
    A11yPage("ogc-items", "ogc.items", "/ogc/collections/{collection}/items?f=html&limit=20"),
    A11yPage("ogc-item", "ogc.item", "/ogc/collections/{collection}/items/{item}?f=html"),
    A11yPage("error-404", None, "/no-such-page"),
    A11yPage("ogc-404", "ogc.not_found", "/ogc/no-such-thing?f=html"),
]

# GET routes that render no HTML page (checked by test_every_html_route_is_checked); say why for each.
NOT_PAGES = {
    "static": "the app's own JS/CSS",
    "vendor.asset": "npm/PyPI browser libraries",
    "api.layers": "JSON",
    "api.layer_geojson": "GeoJSON",
    "api.search": "JSON",
    "api.feature": "JSON",
    "downloads.layer_file": "CSV/GeoPackage/KML downloads",
    "parks.rank_api": "JSON",
    "parks.export_csv": "CSV",
    "parks.export_geojson": "GeoJSON",
    "corridors.api_list": "JSON",
    "corridors.api_compare": "JSON",
    "scenarios.api_evaluate": "JSON",
    "scenarios.api_evaluate_csv": "CSV",
    "scenarios.api_saved_list": "JSON",
    "scenarios.api_saved": "JSON",
    "corridors.api_compare_csv": "CSV",
    "corridors.api_catchments": "GeoJSON",
    "admin.unknown": "JSON 404 for unknown admin paths (the admin API is token-only, no pages)",
    "editing.feature": "JSON (one feature with its version)",
    "editing.history_summary": "JSON",
    "history.api_history": "JSON",
    "pdf.park_pdf": "PDF",
    "pdf.compare_pdf": "PDF",
    "timeline.api_years": "JSON",
    "tiles.tile": "Mapbox Vector Tile",
    "tiles.layer_tilejson": "TileJSON",
    "health.healthz": "JSON probe",
    "health.readyz": "JSON probe",
}


def _get_json(server, path: str):
    with urlopen(server.url + path) as resp:
        return json.load(resp)


@pytest.fixture(scope="module")
def ids(live_server, tmp_path_factory) -> dict[str, str]:
    """Ids for the parametrised paths, read from the API (never hard-coded: the data changes)."""
    ranked = _get_json(live_server, "/api/parks/rank")["parks"]
    placed = [p["id"] for p in ranked if p["placed"]]
    unplaced = [p["id"] for p in ranked if not p["placed"]] or placed
    corridors = [c["id"] for c in _get_json(live_server, "/api/corridors") if c["comparable"]]
    stations = _get_json(live_server, "/api/layers/stations.geojson")["features"]
    collection = _get_json(live_server, "/ogc/collections?f=json")["collections"][0]["id"]
    items = _get_json(live_server, f"/ogc/collections/{collection}/items?f=json&limit=1")["features"]
    assert placed and len(ranked) >= 2 and len(corridors) >= 2 and stations and items
    return {
        "park": placed[0],
        "unplaced_park": unplaced[0],
        "parks": ",".join(p["id"] for p in ranked[:3]),
        "corridors": ",".join(corridors[:2]),
        "station": next(f["properties"]["id"] for f in stations if f["geometry"]),
        "collection": collection,
        "item": items[0]["id"],
        "tmp": str(tmp_path_factory.mktemp("a11y")),
    }


@pytest.fixture
def axe_page(browser):
    """A page whose context bypasses CSP: the app's CSP (rightly) refuses the injected axe script tag.

    Only this context does so; every other browser test runs under the real CSP.
    """
    context, page = _open_page(browser, {"width": 1280, "height": 800}, bypass_csp=True)
    yield page
    context.close()


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate("options => axe.run(document, options).then(r => r.violations)", AXE_OPTIONS)


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            lines.append(
                f"    {' '.join(map(str, node['target']))}: {node.get('failureSummary', '').splitlines()[-1:]}"
            )
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more nodes")
    return "\n".join(lines)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("spec", PAGES, ids=lambda p: p.name)
def test_page_has_no_accessibility_violations(axe_page, live_server, ids, spec, lang):
    path = spec.path.format(**{k: quote(v, safe=",") for k, v in ids.items()})
    axe_page.set_viewport_size({"width": spec.viewport[0], "height": spec.viewport[1]})
    axe_page.goto(live_server.url + path + ("&" if "?" in path else "?") + f"lang={lang}")
    spec.prepare(axe_page, ids)
    assert axe_page.evaluate("document.documentElement.lang") == ("en" if lang == "en" else "zh-CN")
    violations = [v for v in run_axe(axe_page) if v["impact"] in BLOCKING]
    assert violations == [], f"{spec.name} ({lang}): {len(violations)} axe violations\n" + describe(violations)
    assert axe_page.probe.page_errors == [] and axe_page.probe.blocked == []


# Pages only signed-in editors see: checked on a private data copy with a private account database.
EDITOR_PAGES = [
    A11yPage("login", "auth.login", "/login"),
    A11yPage("map-editor", None, "/?base=none", atlas_ready),
    A11yPage("history", "history.history_page", "/history"),
    A11yPage("history-change", "history.change_page", "/history/{change}"),
    A11yPage("account", "account.account", "/account"),
]


@pytest.fixture(scope="module")
def editor_server(tmp_path_factory):
    """A live server on a copy of the data with one editor and one recorded change (the first unplaced park placed)."""
    from atlas.curation import accounts
    from atlas.web.db import connect
    from tests.conftest import PASSWORD, copy_geodata, first_unplaced, serving

    root = tmp_path_factory.mktemp("a11y-editor")
    copy_geodata(root / "geodata")
    database = root / "atlas.sqlite3"
    app = create_app(
        {"TESTING": True, "GEODATA_DIR": str(root / "geodata"), "DATABASE": str(database), "SECRET_KEY": "a11y-test"}
    )
    db = connect(str(database))
    user = accounts.create_user(db, "a11y-editor", PASSWORD, "editor", None)
    token = accounts.create_token(db, user, "a11y")
    db.close()
    fid = first_unplaced(root / "geodata")["id"]
    body = {
        "geometry": {"type": "Point", "coordinates": [106.66, 28.96]},
        "properties": {"source": "a11y test", "accuracy": "approximate", "as_of": "2026-11"},
    }
    resp = app.test_client().patch(
        f"/api/layers/parks/features/{fid}", json=body, headers={"Authorization": f"Token {token}"}
    )
    assert resp.status_code == 200, resp.get_data(as_text=True)
    with serving(app) as server:
        server.change = str(resp.get_json()["change"])
        yield server


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("spec", EDITOR_PAGES, ids=lambda p: p.name)
def test_editor_page_has_no_accessibility_violations(axe_page, editor_server, spec, lang):
    from tests.conftest import PASSWORD

    if spec.name != "login":
        axe_page.goto(f"{editor_server.url}/login?lang={lang}")
        axe_page.fill("#name", "a11y-editor")
        axe_page.fill("#password", PASSWORD)
        axe_page.click("#qj-login-form button[type=submit]")
        axe_page.wait_for_load_state("load")
    path = spec.path.format(change=editor_server.change)
    axe_page.goto(editor_server.url + path + ("&" if "?" in path else "?") + f"lang={lang}")
    spec.prepare(axe_page, {})
    violations = [v for v in run_axe(axe_page) if v["impact"] in BLOCKING]
    assert violations == [], f"{spec.name} ({lang}): {len(violations)} axe violations\n" + describe(violations)
    assert axe_page.probe.page_errors == []


def test_every_html_route_is_checked():
    """Every GET route is either a checked page or explicitly excluded (a new page must join PAGES)."""
    app = create_app({"TESTING": True})
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    checked = {p.endpoint for p in PAGES + EDITOR_PAGES if p.endpoint}
    assert not (checked & set(NOT_PAGES)), "a page cannot be both checked and excluded"
    assert endpoints - checked - set(NOT_PAGES) == set(), "add these pages to PAGES (or, if not HTML, NOT_PAGES)"
    assert (checked | set(NOT_PAGES)) - endpoints == set(), "stale entries: these endpoints no longer exist"


def test_excluded_routes_do_not_render_html(client):
    """The exclusions without path parameters really answer with something other than an HTML page."""
    for path in (
        "/api/layers",
        "/api/search?q=x",
        "/api/parks/rank",
        "/parks/export.csv",
        "/parks/export.geojson",
        "/api/corridors",
        "/api/admin/x",
    ):
        assert not client.get(path, headers={"Accept": "text/html"}).mimetype.startswith("text/html"), path


@pytest.mark.parametrize("path", ["/", "/parks", "/corridors/compare?ids={corridors}", "/parks/{park}"])
def test_map_pages_let_people_zoom(client, path):
    """folium's viewport meta (maximum-scale=1.0, user-scalable=no) is replaced: one zoomable viewport per page."""
    corridors = [c["id"] for c in client.get("/api/corridors").get_json() if c["comparable"]][:2]
    park = next(p["id"] for p in client.get("/api/parks/rank").get_json()["parks"] if p["placed"])
    html = client.get(path.format(corridors=",".join(corridors), park=park)).get_data(as_text=True)
    metas = re.findall(r'<meta name="viewport"[^>]*>', html)
    assert metas == ['<meta name="viewport" content="width=device-width, initial-scale=1">']


def test_every_accuracy_class_is_described_in_words(app):
    """Colour and dash pattern are never the only carriers: each accuracy class of the vocabulary says in the
    legend how it is drawn. A new class (e.g. `area`) needs its words in accuracy_drawing_strings()."""
    from atlas.vocab import ACCURACY
    from atlas.web.pages import accuracy_drawing_strings

    for lang in ("zh", "en"):
        with app.test_request_context(f"/?lang={lang}"):
            words = accuracy_drawing_strings()
        assert set(words["accuracy_drawn"]) == set(ACCURACY), "describe every accuracy class's symbol"
        assert set(words["popup_drawn"]) <= set(ACCURACY)
        assert all(text.strip() for text in words["accuracy_drawn"].values())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_legend_and_popup_say_how_features_are_drawn(page, live_server, lang):
    """The legend lists every accuracy class with its symbol in words; a schematic feature's popup says so too."""
    from atlas.vocab import ACCURACY

    def first_of(accuracy):
        return next(
            f
            for layer in ("places", "parks", "hubs", "communities")
            for f in _get_json(live_server, f"/api/layers/{layer}.geojson")["features"]
            if f["geometry"] and f["properties"].get("accuracy") == accuracy
        )

    schematic, area = first_of("schematic"), first_of("area")
    page.goto(live_server.url + f"/?base=none&lang={lang}")
    wait_for_atlas(page)
    items = page.locator(".qj-legend-accuracy li").all_inner_texts()
    assert len(items) == len(ACCURACY)
    assert all(ACCURACY[key][1 if lang == "en" else 0] in text for key, text in zip(ACCURACY, items))
    assert page.locator(".qj-legend-key-planned .qj-legend-text").inner_text() == (
        "(dashed line)" if lang == "en" else "(虚线)"
    )
    page.evaluate("id => QJAtlas.focusFeature(id)", schematic["properties"]["id"])
    style = page.locator(".leaflet-popup .qj-popup-style")
    style.wait_for()
    assert ("dotted" if lang == "en" else "点线") in style.inner_text()
    page.keyboard.press("Escape")
    page.evaluate("id => QJAtlas.focusFeature(id)", area["properties"]["id"])
    page.locator(f".leaflet-popup [data-feature-id='{area['properties']['id']}']").wait_for()
    area_popup = page.locator(f".leaflet-popup:has([data-feature-id='{area['properties']['id']}']) .qj-popup-style")
    assert ("hatches" if lang == "en" else "斜线") in area_popup.inner_text()
