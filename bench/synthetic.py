"""The scale section's data: temp copies of geodata/ and layers/ with the synthetic layer and parks added.

The features come from ``tests/synthetic.py`` (one builder for tests and bench; fixed seed): the ``synthetic``
layer has N features, half points and half small rectangles (about 100–450 m a side) uniform over the district
box lon 106.38–107.05, lat 28.45–29.19, with ``category`` (8 values) and ``value`` for property filters; the
synthetic ``parks.geojson`` has N parks (half points, half small polygons) with industries and areas. Only ever
written into TEMP copies.
"""

from __future__ import annotations

from pathlib import Path

from tests.synthetic import (
    SYNTHETIC_TOML,
    copy_geodata,
    copy_layers,
    synthetic_layer,
    synthetic_parks,
    write_collection,
)


def make_scale_dirs(tmp: Path, n: int) -> dict:
    """Temp copies: geodata_a + layers_a (real + synthetic layer), geodata_b (parks replaced). Never the real ones."""
    geodata_a, layers_a, geodata_b = (
        copy_geodata(tmp / "geodata_a"),
        copy_layers(tmp / "layers_a"),
        copy_geodata(tmp / "geodata_b"),
    )
    (layers_a / "synthetic.toml").write_text(SYNTHETIC_TOML, encoding="utf-8")
    size_a = write_collection(geodata_a / "synthetic.geojson", synthetic_layer(n), compact=True)
    size_b = write_collection(geodata_b / "parks.geojson", synthetic_parks(n), compact=True)
    return {
        "geodata_a": geodata_a,
        "layers_a": layers_a,
        "geodata_b": geodata_b,
        "n": n,
        "synthetic_bytes": size_a,
        "parks_bytes": size_b,
    }
