"""Whether a park's change under a scenario holds whatever the true positions are (see docs/scenarios.md).

A park's **own change is uncertain** when one of its distances changed and
- the distance is an interval (the park or its target today is an ``area`` site) and the new far end is not
  below today's near end: the new access is better only for some of the positions the site may have;
- or the park, or its target today or after the scenario, is ``schematic`` (an indicative position with no
  bound on its error).
A park's **rank change is certain** when its own change is certain and no park whose order relative to it
flipped has an uncertain change. Proposed points are taken as drawn (exact): they are the hypothesis.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from atlas.parks.score import ParkBase

UNBOUNDED_CLASSES = ("schematic",)
CHUNK = 256  # uncertain parks compared with every park at once (CHUNK x parks booleans)


def _unbounded(ids: pd.Series, accuracy: Mapping[str, str]) -> np.ndarray:
    schematic = [i for i, a in accuracy.items() if a in UNBOUNDED_CLASSES]  # the targets' few, not the parks'
    return ids.isin(schematic).to_numpy(bool)


def moved(before: ParkBase, after: ParkBase, key: str) -> np.ndarray:
    """Which parks' distance of ``key`` the scenario lowered (or made known)."""
    vb, va = before.values[key].to_numpy(float), after.values[key].to_numpy(float)
    return (va < vb) | (np.isnan(vb) & ~np.isnan(va))


def own_uncertain(
    before: ParkBase,
    after: ParkBase,
    changed: Iterable[str],
    park_accuracy: pd.Series,
    target_accuracy: Mapping[str, str],
) -> np.ndarray:
    """Per park (the bases' order): is its own change uncertain, by the rules of the module docstring."""
    n = len(before.values)
    out = np.zeros(n, dtype=bool)
    schematic_park = park_accuracy.reindex(before.values.index).isin(UNBOUNDED_CLASSES).to_numpy(bool)
    near_b_frame = before.nearest if before.nearest is not None else before.values * np.nan
    near_a_frame = after.nearest if after.nearest is not None else after.values * np.nan
    for key in changed:
        vb, va = before.values[key].to_numpy(float), after.values[key].to_numpy(float)
        near_b, near_a = near_b_frame[key].to_numpy(float), near_a_frame[key].to_numpy(float)
        interval = ~np.isnan(near_b) | ~np.isnan(near_a)
        holds = ~interval | np.isnan(vb) | (va <= np.where(np.isnan(near_b), vb, near_b))
        unbounded = (
            schematic_park
            | _unbounded(before.targets[key], target_accuracy)
            | _unbounded(after.targets[key], target_accuracy)
        )
        out |= moved(before, after, key) & (~holds | unbounded)
    return out


def rank_certain(order_before: np.ndarray, order_after: np.ndarray, uncertain: np.ndarray) -> np.ndarray:
    """Per park: certain unless its own change is uncertain or it swapped places with a park whose change is."""
    n = len(uncertain)
    pb, pa = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    pb[order_before], pa[order_after] = np.arange(n), np.arange(n)
    certain = ~uncertain
    culprits = np.flatnonzero(uncertain)
    for start in range(0, len(culprits), CHUNK):
        chunk = culprits[start : start + CHUNK]
        ub, ua = pb[chunk][:, None], pa[chunk][:, None]
        flipped = ((pb[None, :] < ub) & (pa[None, :] > ua)) | ((pb[None, :] > ub) & (pa[None, :] < ua))
        certain &= ~flipped.any(axis=0)
    return certain
