"""A synthetic point layer ("pois") beside a copy of the shipped data, for the big-layer and tile browser tests."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

from tests.conftest import GEODATA, ROOT

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


def poi(i: int, lon: float, lat: float, name_zh: str) -> dict:
    """One synthetic point feature with every required property."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "id": f"poi-{i}",
            "name_zh": name_zh,
            "name_en": f"POI {i}",
            "family": "context",
            "kind": "village",
            "status": "existing",
            "accuracy": "approximate",
            "source": "synthetic",
            "as_of": "2026",
        },
    }


def random_pois(count: int, seed: int) -> list[dict]:
    """``count`` points spread over the district with a fixed seed."""
    rng = random.Random(seed)
    return [
        poi(i, round(rng.uniform(106.4, 107.0), 6), round(rng.uniform(28.5, 29.15), 6), f"兴趣点{i}")
        for i in range(count)
    ]


def data_with_pois(root: Path, features: list[dict], extra_toml: str = "") -> dict:
    """Copy geodata/ and layers/ under ``root``, add the pois layer; return the app config pointing at them."""
    shutil.copytree(GEODATA, root / "geodata")
    shutil.copytree(ROOT / "layers", root / "layers")
    (root / "layers" / "pois.toml").write_text(POIS_TOML + extra_toml, encoding="utf-8")
    (root / "geodata" / "pois.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )
    return {"TESTING": True, "GEODATA_DIR": str(root / "geodata"), "LAYERS_DIR": str(root / "layers")}
