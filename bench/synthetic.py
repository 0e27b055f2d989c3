"""Synthetic data for the scale section, made with a fixed seed, only ever written into TEMP copies.

- ``synthetic`` layer: N features, half points and half small rectangles (about 100–450 m a side) spread
  uniformly over the district box lon 106.38–107.05, lat 28.45–29.19; properties ``category`` (8 values) and
  ``value`` for property filters. Declared by a ``synthetic.toml`` written next to copies of the real
  declarations.
- synthetic ``parks.geojson``: N parks (half points, half small polygons) with industries and areas, replacing
  the shipped parks in another temp copy, for park ranking and corridor comparison at scale.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from bench.common import ROOT

LON = (106.38, 107.05)
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


def _geometries(rng: np.random.Generator, n: int) -> list[dict]:
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
            w, h = float(half_w[i]), float(half_h[i])
            ring = [
                [round(x - w, 6), round(y - h, 6)],
                [round(x + w, 6), round(y - h, 6)],
                [round(x + w, 6), round(y + h, 6)],
                [round(x - w, 6), round(y + h, 6)],
                [round(x - w, 6), round(y - h, 6)],
            ]
            geoms.append({"type": "Polygon", "coordinates": [ring]})
    return geoms


def synthetic_layer(n: int, seed: int = SEED) -> dict:
    rng = np.random.default_rng(seed)
    geoms = _geometries(rng, n)
    cats = rng.integers(0, len(CATEGORIES), n)
    values = rng.uniform(0, 1000, n)
    feats = []
    for i, geom in enumerate(geoms):
        fid = f"syn-{i:06d}"
        feats.append(
            {
                "type": "Feature",
                "id": fid,
                "geometry": geom,
                "properties": {
                    "id": fid,
                    "name_zh": f"合成要素{i}",
                    "name_en": f"Synthetic feature {i}",
                    "family": "context",
                    "kind": "village" if geom["type"] == "Point" else "urban_area",
                    "status": "existing",
                    "accuracy": "approximate",
                    "source": "synthetic benchmark data (bench/synthetic.py)",
                    "as_of": "2024",
                    "category": CATEGORIES[int(cats[i])],
                    "value": round(float(values[i]), 2),
                },
            }
        )
    return {"type": "FeatureCollection", "features": feats}


def synthetic_parks(n: int, seed: int = SEED + 1) -> dict:
    rng = np.random.default_rng(seed)
    geoms = _geometries(rng, n)
    areas = rng.uniform(0.2, 30.0, n)
    picks = rng.integers(0, len(INDUSTRIES), (n, 2))
    feats = []
    for i, geom in enumerate(geoms):
        fid = f"syn-park-{i:06d}"
        chosen = sorted({int(picks[i, 0]), int(picks[i, 1])})
        props = {
            "id": fid,
            "name_zh": f"合成园区{i}",
            "name_en": f"Synthetic park {i}",
            "family": "park",
            "kind": "industrial_park",
            "status": "existing",
            "accuracy": "approximate",
            "source": "synthetic benchmark data (bench/synthetic.py)",
            "as_of": "2024",
            "industries": [INDUSTRIES[c][0] for c in chosen],
            "industries_en": [INDUSTRIES[c][1] for c in chosen],
            "planned_area_km2": round(float(areas[i]), 2) if i % 5 else None,
        }
        feats.append({"type": "Feature", "id": fid, "geometry": geom, "properties": props})
    return {"type": "FeatureCollection", "features": feats}


def _dump(obj: dict, path: Path) -> int:
    data = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    path.write_bytes(data)
    return len(data)


def make_scale_dirs(tmp: Path, n: int) -> dict:
    """Temp copies: geodata_a + layers_a (real + synthetic layer), geodata_b (parks replaced). Never the real ones."""
    geodata_a, layers_a, geodata_b = tmp / "geodata_a", tmp / "layers_a", tmp / "geodata_b"
    shutil.copytree(ROOT / "geodata", geodata_a)
    shutil.copytree(ROOT / "layers", layers_a)
    shutil.copytree(ROOT / "geodata", geodata_b)
    (layers_a / "synthetic.toml").write_text(SYNTHETIC_TOML, encoding="utf-8")
    size_a = _dump(synthetic_layer(n), geodata_a / "synthetic.geojson")
    size_b = _dump(synthetic_parks(n), geodata_b / "parks.geojson")
    return {
        "geodata_a": geodata_a,
        "layers_a": layers_a,
        "geodata_b": geodata_b,
        "n": n,
        "synthetic_bytes": size_a,
        "parks_bytes": size_b,
    }
