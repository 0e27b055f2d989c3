"""The naive peer of the atlas map page: a tiny Flask app that, on EVERY request, reads the same layer files with
GeoPandas and builds one folium map with ``GeoDataFrame.explore()`` per layer, all data inlined in the HTML.

    gunicorn 'bench.naive_app:create_app()'     # env BENCH_GEODATA_DIR, BENCH_LAYERS_DIR, BENCH_STATIC_DIR

Routes:
  /                         the explore() page, built per request (m.get_root().render())
  /static-copy/<file>       files of BENCH_STATIC_DIR (the benchmark saves one rendered explore() page there:
                            the same bytes served as a static file)
  /vendor/<pkg>/<file>      the same local Leaflet files the atlas serves. folium's defaults point at public
                            CDNs, which the offline benchmark blocks; like the atlas, the page is given local
                            Leaflet and folium's unused CDN extras (jQuery, Bootstrap, Font Awesome,
                            awesome-markers) are dropped, so its transfer is a lower bound.
"""

from __future__ import annotations

import os
from pathlib import Path

import folium
import geopandas as gpd
from flask import Flask, Response, abort, send_from_directory

from atlas.catalog import load_catalog
from atlas.maps.assets import VENDOR_DIRS, localize

ROOT = Path(__file__).resolve().parent.parent
CENTRE = (28.85, 106.72)


def build_page(geodata_dir: Path, catalog) -> str:
    """The naive way: read every layer with GeoPandas and explore() it onto one map; return the full HTML."""
    m = folium.Map(location=CENTRE, zoom_start=10, tiles=None, control_scale=True)
    bounds = None
    for spec in catalog:
        path = geodata_dir / spec.source_file
        if not path.exists():
            continue
        gdf = gpd.read_file(path)
        gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
        if gdf.empty:
            continue
        if spec.id == "district":
            bounds = gdf.total_bounds
        style = spec.style
        gdf.explore(
            m=m,
            name=spec.title_zh,
            show=spec.show,
            tooltip="name_zh",
            popup=True,
            marker_type="circle_marker",
            marker_kwds={"radius": style.radius},
            style_kwds={
                "color": style.color,
                "fillColor": style.fill_color,
                "weight": style.weight,
                "fillOpacity": style.fill_opacity,
            },
        )
    if bounds is not None:
        m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    folium.LayerControl().add_to(m)
    localize(m)
    return m.get_root().render()


def create_app() -> Flask:
    app = Flask(__name__, static_folder=None)
    geodata_dir = Path(os.environ.get("BENCH_GEODATA_DIR", ROOT / "geodata"))
    catalog = load_catalog(os.environ.get("BENCH_LAYERS_DIR", ROOT / "layers"))
    static_dir = os.environ.get("BENCH_STATIC_DIR", "")

    @app.get("/")
    def page():
        return Response(build_page(geodata_dir, catalog), mimetype="text/html")

    @app.get("/static-copy/<path:filename>")
    def static_copy(filename: str):
        if not static_dir:
            abort(404)
        return send_from_directory(static_dir, filename, max_age=300)

    @app.get("/vendor/<package>/<path:filename>")
    def vendor(package: str, filename: str):
        directory = VENDOR_DIRS.get(package)
        if directory is None:
            abort(404)
        return send_from_directory(directory, filename, max_age=86400)

    @app.get("/healthz")
    def healthz():
        return "ok"

    return app
