"""Synthetic layer data with known shapes, and private copies of the shipped data, for the tests and bench/.

Plain Python (no app, no pytest): ``bench/`` imports it too, so the benchmark rows and the test layers come
from one builder. Every feature carries the required properties (source, as-of date, accuracy class).

- ``grid_parks``: a few parks on a 0.1° grid (points, squares, unplaced ones), for the OGC and export tests.
- ``random_pois``: points of a ``pois`` layer over the district (``random.Random(seed)``), for the big-layer
  and vector-tile browser tests; ``data_with_pois`` writes them beside copies of geodata/ and layers/.
- ``synthetic_layer`` / ``synthetic_parks``: N features, half points and half small rectangles (about
  100–450 m a side) uniform over the district box (numpy ``default_rng(seed)``), for the benchmarks; their
  rows are what bench/RESULTS.md was measured on, so their seeds, draws and key order must not change.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
GEODATA = ROOT / "geodata"
LAYERS = ROOT / "layers"

LON = (106.38, 107.05)  # the district box of the benchmarks (degrees, WGS-84)
LAT = (28.45, 29.19)
SEED = 20240901
CATEGORIES = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel")
INDUSTRIES = (
    ("铝铜新材料", "aluminium and copper materials"),
    ("齿轮及汽摩零部件", "gears and vehicle parts"),
    ("绿色建材", "green building materials"),
    ("食品加工", "food processing"),
    ("现代物流", "modern logistics"),
    ("电子信息", "electronics"),
)
STATUSES = ("existing", "planned", "operating", "under_construction")
HOSTILE = "<script>alert(1)</script>"
BENCH_SOURCE = "synthetic benchmark data (bench/synthetic.py)"

SYNTHETIC_TOML = """id = "synthetic"
title_zh = "合成要素"
title_en = "Synthetic features"
family = "context"
source_file = "synthetic.geojson"
geometry_types = ["Point", "Polygon"]
order = 5
show = true
description_zh = "基准测试用的合成数据（固定随机种子）。"
description_en = "Synthetic benchmark data (fixed seed)."

[style]
color = "#6a3d9a"
fill_color = "#cab2d6"
weight = 1.0
fill_opacity = 0.4
radius = 3

[[fields]]
name = "category"
label_zh = "类别"
label_en = "Category"

[[fields]]
name = "value"
label_zh = "数值"
label_en = "Value"
type = "number"
"""

POIS_TOML = """
id = "pois"
title_zh = "兴趣点"
title_en = "Points of interest"
family = "context"
source_file = "pois.geojson"
geometry_types = ["Point"]
order = 990
description_zh = "合成测试图层。"
description_en = "Synthetic test layer."
"""


# ---------------------------------------------------------------- copies of the shipped data


def copy_geodata(target: Path) -> Path:
    """Copy the shipped geodata/ to ``target`` (created, or merged into when it exists); return ``target``."""
    shutil.copytree(GEODATA, target, dirs_exist_ok=True)
    return Path(target)


def copy_layers(target: Path) -> Path:
    """Copy the shipped layer declarations (layers/*.toml) to ``target``; return ``target``."""
    shutil.copytree(LAYERS, target, dirs_exist_ok=True)
    return Path(target)


def write_collection(path: Path, collection: dict, compact: bool = False) -> int:
    """Write a FeatureCollection as UTF-8 GeoJSON (``compact``: no spaces); return its size in bytes."""
    separators = (",", ":") if compact else None
    data = json.dumps(collection, ensure_ascii=False, separators=separators).encode("utf-8")
    Path(path).write_bytes(data)
    return len(data)


# ---------------------------------------------------------------- features


def properties(fid: str, name_zh: str, name_en: str, family: str, kind: str, **extra) -> dict:
    """The required properties of a synthetic feature (approximate, existing unless ``extra`` says otherwise)."""
    base = {"id": fid, "name_zh": name_zh, "name_en": name_en, "family": family, "kind": kind}
    base |= {"status": extra.pop("status", "existing"), "accuracy": extra.pop("accuracy", "approximate")}
    base |= {"source": extra.pop("source", "synthetic"), "as_of": extra.pop("as_of", "2026")}
    return base | extra


def feature(geometry: dict | None, props: dict, with_id: bool = True) -> dict:
    """A GeoJSON feature; ``with_id`` repeats the properties' id as the feature id."""
    head = {"type": "Feature", "id": props["id"]} if with_id else {"type": "Feature"}
    return head | {"geometry": geometry, "properties": props}


def collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def square(lon: float, lat: float, side_deg: float) -> dict:
    """A square polygon with its south-west corner at (lon, lat)."""
    d = side_deg
    return {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]],
    }


# ---------------------------------------------------------------- the test layers


def grid_parks(count: int = 23) -> dict:
    """``count`` parks on a grid around Qijiang: points, squares and unplaced ones, lists and numbers."""
    features = []
    for i in range(count):
        lon = 106.40 + (i % 6) * 0.1
        lat = 28.50 + (i // 6) * 0.1
        if i % 5 == 4:
            geometry, accuracy = None, "unplaced"
        elif i % 3 == 0:
            geometry, accuracy = square(lon, lat, 0.03), "approximate"
        else:
            geometry, accuracy = {"type": "Point", "coordinates": [round(lon, 4), round(lat, 4)]}, "schematic"
        props = properties(
            f"synthetic-park-{i:02d}",
            f"测试园区{i:02d}号",
            f"Synthetic park {i:02d}",
            "park",
            "industrial_park",
            status=STATUSES[i % len(STATUSES)],
            accuracy=accuracy,
            source="synthetic test fixture",
            as_of="2024-09",
            industries=["食品", "齿轮"] if i % 2 == 0 else ["铝"],
            planned_area_km2=float(i) + 0.5,
            aliases=[f"园区{i}"] if i % 4 == 0 else [],
        )
        features.append(feature(geometry, props))
    return collection(features)


def grid_parks_geodata(target: Path, count: int = 23) -> Path:
    """A copy of geodata/ with parks.geojson replaced by ``grid_parks(count)``."""
    write_collection(copy_geodata(target) / "parks.geojson", grid_parks(count))
    return Path(target)


def poi(i: int, lon: float, lat: float, name_zh: str) -> dict:
    """One point of the ``pois`` layer with every required property."""
    point = {"type": "Point", "coordinates": [lon, lat]}
    return feature(point, properties(f"poi-{i}", name_zh, f"POI {i}", "context", "village"), with_id=False)


def random_pois(count: int, seed: int) -> list[dict]:
    """``count`` points spread over the district with a fixed seed."""
    rng = random.Random(seed)
    return [
        poi(i, round(rng.uniform(106.4, 107.0), 6), round(rng.uniform(28.5, 29.15), 6), f"兴趣点{i}")
        for i in range(count)
    ]


def data_with_pois(root: Path, features: list[dict], extra_toml: str = "") -> dict:
    """Copy geodata/ and layers/ under ``root``, add the pois layer; return the app config pointing at them."""
    geodata, layers = copy_geodata(root / "geodata"), copy_layers(root / "layers")
    (layers / "pois.toml").write_text(POIS_TOML + extra_toml, encoding="utf-8")
    write_collection(geodata / "pois.geojson", collection(features))
    return {"TESTING": True, "GEODATA_DIR": str(geodata), "LAYERS_DIR": str(layers)}


# ---------------------------------------------------------------- the benchmark layers


def _rectangle(x: float, y: float, w: float, h: float) -> dict:
    corners = [(x - w, y - h), (x + w, y - h), (x + w, y + h), (x - w, y + h), (x - w, y - h)]
    return {"type": "Polygon", "coordinates": [[[round(a, 6), round(b, 6)] for a, b in corners]]}


def random_geometries(rng: np.random.Generator, n: int) -> list[dict]:
    """``n`` geometries uniform over the district box: even indexes points, odd ones small rectangles."""
    lon = rng.uniform(LON[0] + 0.01, LON[1] - 0.01, n)
    lat = rng.uniform(LAT[0] + 0.01, LAT[1] - 0.01, n)
    half_w = rng.uniform(0.0005, 0.0023, n)
    half_h = rng.uniform(0.0005, 0.0020, n)
    geoms = []
    for i in range(n):
        x, y = round(float(lon[i]), 6), round(float(lat[i]), 6)
        if i % 2 == 0:
            geoms.append({"type": "Point", "coordinates": [x, y]})
        else:
            geoms.append(_rectangle(x, y, float(half_w[i]), float(half_h[i])))
    return geoms


def synthetic_layer(n: int, seed: int = SEED) -> dict:
    """The benchmarks' ``synthetic`` layer: ``n`` features with a ``category`` (8 values) and a ``value``."""
    rng = np.random.default_rng(seed)
    geoms = random_geometries(rng, n)
    cats = rng.integers(0, len(CATEGORIES), n)
    values = rng.uniform(0, 1000, n)
    feats = []
    for i, geom in enumerate(geoms):
        kind = "village" if geom["type"] == "Point" else "urban_area"
        props = properties(
            f"syn-{i:06d}", f"合成要素{i}", f"Synthetic feature {i}", "context", kind, source=BENCH_SOURCE, as_of="2024"
        )
        props |= {"category": CATEGORIES[int(cats[i])], "value": round(float(values[i]), 2)}
        feats.append(feature(geom, props))
    return collection(feats)


def synthetic_parks(n: int, seed: int = SEED + 1) -> dict:
    """``n`` parks for ranking and comparison at scale: one or two industries, an area on four in five."""
    rng = np.random.default_rng(seed)
    geoms = random_geometries(rng, n)
    areas = rng.uniform(0.2, 30.0, n)
    picks = rng.integers(0, len(INDUSTRIES), (n, 2))
    feats = []
    for i, geom in enumerate(geoms):
        chosen = sorted({int(picks[i, 0]), int(picks[i, 1])})
        props = properties(
            f"syn-park-{i:06d}",
            f"合成园区{i}",
            f"Synthetic park {i}",
            "park",
            "industrial_park",
            source=BENCH_SOURCE,
            as_of="2024",
            industries=[INDUSTRIES[c][0] for c in chosen],
            industries_en=[INDUSTRIES[c][1] for c in chosen],
            planned_area_km2=round(float(areas[i]), 2) if i % 5 else None,
        )
        feats.append(feature(geom, props))
    return collection(feats)
