"""The low-zoom gathering rule (atlas.tiles.clusters.gather) against a plain per-cell reference, and its edge cases."""

from __future__ import annotations

import math
import random
from collections import defaultdict

import numpy as np
import pytest

from atlas.tiles.clusters import (
    CELL_PX,
    CELLS_PER_TILE,
    CLUSTER_BELOW_ZOOM,
    DENSE_CELL,
    NEVER,
    SMALL_PX,
    WORLD_HALF_M,
    cell_m,
    gather,
)

QIJIANG_X, QIJIANG_Y = 11_878_000.0, 3_360_000.0  # EPSG:3857 metres, inside the district


def reference(x, y, span_m, z):
    """The rule at one zoom, written out cell by cell: (ids gathered, {(col, row): (count, mean x, mean y)})."""
    size = 2 * WORLD_HALF_M / 2**z / CELLS_PER_TILE
    cells = defaultdict(list)
    for i, (fx, fy, span) in enumerate(zip(x, y, span_m)):
        if span < size:
            cells[(math.floor((fx + WORLD_HALF_M) / size), math.floor((WORLD_HALF_M - fy) / size))].append(i)
    gathered, points = set(), {}
    for key, members in cells.items():
        small = [i for i in members if span_m[i] < size * SMALL_PX / CELL_PX]
        chosen = members if len(members) > DENSE_CELL else small if len(small) >= 2 else []
        if chosen:
            gathered |= set(chosen)
            points[key] = (
                len(chosen),
                sum(x[i] for i in chosen) / len(chosen),
                sum(y[i] for i in chosen) / len(chosen),
            )
    return gathered, points


def test_gather_matches_the_rule_at_every_zoom():
    rng = random.Random(7)
    n = 3000
    # a dense core, a sparse ring, sizes from points to several kilometres
    x = [QIJIANG_X + rng.gauss(0, 2_000 if i % 3 else 20_000) for i in range(n)]
    y = [QIJIANG_Y + rng.gauss(0, 2_000 if i % 3 else 20_000) for i in range(n)]
    span_m = [rng.choice([0.0, 0.0, 50.0, 300.0, 1_500.0, 8_000.0]) * rng.random() for _ in range(n)]
    x, y, span_m, n = (
        [*x, -QIJIANG_X],
        [*y, -QIJIANG_Y],
        [*span_m, 0.0],
        n + 1,
    )  # and one on the other side of the world
    found = gather(np.array(x), np.array(y), np.array(span_m))
    points = found.points
    for z in range(CLUSTER_BELOW_ZOOM):
        gathered, cells = reference(x, y, span_m, z)
        assert set(np.flatnonzero(found.gathered_to >= z)) == gathered, z
        mine = points["z"] == z
        got = {
            (int(c), int(r)): (int(k), px, py)
            for c, r, k, px, py in zip(
                points["col"][mine], points["row"][mine], points["count"][mine], points["x"][mine], points["y"][mine]
            )
        }
        assert got.keys() == cells.keys(), z
        for key, (count, px, py) in cells.items():
            assert got[key][0] == count and got[key][1:] == pytest.approx((px, py), abs=1e-6)
        small = {i for i in range(n) if span_m[i] < cell_m(z) * SMALL_PX / CELL_PX}
        assert set(np.flatnonzero(found.small_to >= z)) == small
    assert found.gathered_to[-1] == NEVER and len(set(found.gathered_to.tolist())) > 4  # the data exercise many zooms


def test_a_lone_feature_and_an_unplaced_one_are_never_gathered():
    nan = float("nan")
    found = gather(np.array([QIJIANG_X, nan]), np.array([QIJIANG_Y, nan]), np.array([0.0, nan]))
    assert found.gathered_to.tolist() == [NEVER, NEVER]
    assert found.small_to.tolist() == [CLUSTER_BELOW_ZOOM - 1, NEVER]
    assert len(found.points["z"]) == 0


def test_more_than_dense_cell_features_above_small_px_make_one_cluster_point():
    """At zoom 13 a cell is ~611 m and SMALL_PX ~76 m: 200 m features are not small, but DENSE_CELL + 1 of them
    in one cell are gathered; DENSE_CELL of them are not (until a lower zoom where they are small)."""
    for count, gathered_at in ((DENSE_CELL + 1, 13), (DENSE_CELL, 11)):
        x = np.full(count, QIJIANG_X + 100.0) + np.arange(count)
        found = gather(x, np.full(count, QIJIANG_Y + 100.0), np.full(count, 200.0))
        assert found.gathered_to.tolist() == [gathered_at] * count
        first = found.points["z"] == gathered_at
        assert found.points["count"][first].tolist() == [count]
