"""Which features low-zoom tiles gather into cluster points: one rule, computed once per layer version for both stores.

Below CLUSTER_BELOW_ZOOM every zoom has a grid of CELL_PX cells aligned with its tiles (CELLS_PER_TILE a side). A
feature belongs to the cell holding its anchor (point on surface, EPSG:3857) when it is smaller than a cell there.
A cell holding more than DENSE_CELL such features gathers them all into one cluster point; any other cell gathers
its features under SMALL_PX when it holds two or more of them. A gathered feature is not sent itself; the cluster
point (mean anchor, ``point_count``) is sent by the tile holding the cell. Gathering only grows towards lower zooms
(a cell's features are its four children's and more), so one number per feature, the highest zoom at which it is
gathered, says at which zooms it is sent itself. ``gather`` computes that and the cluster points of every zoom in
numpy: the file store keeps the result per data version, the PostGIS store writes it into tables with every write.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# half the width of the world in EPSG:3857 metres (the Web Mercator square is +-this on both axes)
WORLD_HALF_M = 20037508.342789244
TILE_PX = 256  # a tile's side on screen
CLUSTER_BELOW_ZOOM = 14
CELL_PX = 32
SMALL_PX = 4
DENSE_CELL = 8  # a cell holding more features smaller than itself than this sends one cluster point for them all
CELLS_PER_TILE = TILE_PX // CELL_PX
NEVER = -1  # the zoom of a feature that is never gathered (or never under SMALL_PX)


def cell_m(z: int) -> float:
    """The side of a cell at zoom ``z`` in EPSG:3857 metres."""
    return 2 * WORLD_HALF_M / 2**z / CELLS_PER_TILE


def cells_of(x: np.ndarray, y: np.ndarray, z: int) -> tuple[np.ndarray, np.ndarray]:
    """Column (from the west) and row (from the north) of the cells holding EPSG:3857 points at zoom ``z``.

    A tile x, y holds columns CELLS_PER_TILE * x .. + CELLS_PER_TILE - 1 and the same rows of y. The SQL in
    atlas.stores.postgis.sql computes the same floor of the same double division.
    """
    side = CELLS_PER_TILE * 2**z
    col = np.clip(np.floor((x + WORLD_HALF_M) / cell_m(z)), 0, side - 1).astype(np.int64)
    row = np.clip(np.floor((WORLD_HALF_M - y) / cell_m(z)), 0, side - 1).astype(np.int64)
    return col, row


@dataclass(frozen=True)
class Gathering:
    """The rule's result for one layer version: per feature (in the order given) and per cluster point."""

    gathered_to: np.ndarray  # int16: the highest zoom at which the feature is gathered, NEVER if it is not
    small_to: np.ndarray  # int16: the highest zoom at which the feature is under SMALL_PX, NEVER if it is not
    points: dict[str, np.ndarray]  # cluster points: z, col, row, count, x, y (EPSG:3857 mean anchor)


def gather(x: np.ndarray, y: np.ndarray, span_m: np.ndarray) -> Gathering:
    """Apply the rule to features with anchors ``x``, ``y`` and bounding-box sides ``span_m`` (EPSG:3857 metres).

    A feature with a NaN anchor or span (unplaced, empty) is never gathered.
    """
    x, y, span_m = (np.asarray(a, dtype=float) for a in (x, y, span_m))
    placed = ~(np.isnan(x) | np.isnan(y) | np.isnan(span_m))
    gathered_to = np.full(len(x), NEVER, dtype=np.int16)
    small_to = np.full(len(x), NEVER, dtype=np.int16)
    parts: list[dict[str, np.ndarray]] = []
    for z in range(CLUSTER_BELOW_ZOOM - 1, -1, -1):
        small = placed & (span_m < cell_m(z) * SMALL_PX / CELL_PX)
        small_to[small & (small_to == NEVER)] = z
        members = np.flatnonzero(placed & (span_m < cell_m(z)))
        if not len(members):
            continue
        col, row = cells_of(x[members], y[members], z)
        keys, cell, count = np.unique(col * (CELLS_PER_TILE * 2**z) + row, return_inverse=True, return_counts=True)
        tiny = small[members]
        tiny_count = np.bincount(cell, weights=tiny, minlength=len(keys)).astype(np.int64)
        dense = count > DENSE_CELL
        hit = members[dense[cell] | (tiny & (tiny_count[cell] >= 2))]
        gathered_to[hit[gathered_to[hit] == NEVER]] = z
        parts.append(_points(z, keys, cell, count, tiny_count, dense, x[members], y[members], tiny))
    if parts:
        points = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    else:
        points = {name: np.zeros(0) for name in ("z", "col", "row", "count", "x", "y")}
    return Gathering(gathered_to, small_to, points)


def _points(z, keys, cell, count, tiny_count, dense, x, y, tiny) -> dict[str, np.ndarray]:
    """The cluster points of zoom ``z``: every dense cell (all its features), any other with two or more small."""
    n = len(keys)
    sum_x, sum_y = np.bincount(cell, weights=x, minlength=n), np.bincount(cell, weights=y, minlength=n)
    tiny_x = np.bincount(cell, weights=np.where(tiny, x, 0.0), minlength=n)
    tiny_y = np.bincount(cell, weights=np.where(tiny, y, 0.0), minlength=n)
    keep = dense | (tiny_count >= 2)
    total = np.where(dense, count, tiny_count)[keep]
    side = CELLS_PER_TILE * 2**z
    return {
        "z": np.full(len(total), z, dtype=np.int64),
        "col": keys[keep] // side,
        "row": keys[keep] % side,
        "count": total,
        "x": np.where(dense, sum_x, tiny_x)[keep] / total,
        "y": np.where(dense, sum_y, tiny_y)[keep] / total,
    }


def tile_cells(x: int, y: int) -> tuple[int, int, int, int]:
    """The first and last column and row of the cells of tile x, y (at its zoom)."""
    return (
        CELLS_PER_TILE * x,
        CELLS_PER_TILE * x + CELLS_PER_TILE - 1,
        CELLS_PER_TILE * y,
        CELLS_PER_TILE * y + CELLS_PER_TILE - 1,
    )
