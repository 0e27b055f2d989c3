"""Synthetic layer data for the OGC and export tests: always present, whatever state geodata/ is in."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEODATA = ROOT / "geodata"
HOSTILE = "<script>alert(1)</script>"
STATUSES = ("existing", "planned", "operating", "under_construction")


def synthetic_parks(count: int = 23) -> dict:
    """``count`` parks on a grid around Qijiang: points, squares and unplaced ones, lists and numbers."""
    features = []
    for i in range(count):
        lon = 106.40 + (i % 6) * 0.1
        lat = 28.50 + (i // 6) * 0.1
        if i % 5 == 4:
            geometry, accuracy = None, "unplaced"
        elif i % 3 == 0:
            d = 0.03
            geometry = {
                "type": "Polygon",
                "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]],
            }
            accuracy = "approximate"
        else:
            geometry, accuracy = {"type": "Point", "coordinates": [round(lon, 4), round(lat, 4)]}, "schematic"
        props = {
            "id": f"synthetic-park-{i:02d}",
            "name_zh": f"测试园区{i:02d}号",
            "name_en": f"Synthetic park {i:02d}",
            "family": "park",
            "kind": "industrial_park",
            "status": STATUSES[i % len(STATUSES)],
            "accuracy": accuracy,
            "source": "synthetic test fixture",
            "as_of": "2024-09",
            "industries": ["食品", "齿轮"] if i % 2 == 0 else ["铝"],
            "planned_area_km2": float(i) + 0.5,
            "aliases": [f"园区{i}"] if i % 4 == 0 else [],
        }
        features.append({"type": "Feature", "id": props["id"], "geometry": geometry, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def write_layer(directory: Path, file_name: str, collection: dict) -> Path:
    path = Path(directory) / file_name
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


def synthetic_geodata(target: Path, count: int = 23) -> Path:
    """A copy of geodata/ (whatever exists) with parks.geojson replaced by the synthetic parks."""
    if GEODATA.exists():
        shutil.copytree(GEODATA, target, dirs_exist_ok=True)
    else:
        target.mkdir(parents=True, exist_ok=True)
    write_layer(target, "parks.geojson", synthetic_parks(count))
    return target
