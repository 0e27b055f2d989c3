"""A park's area as the data gives it: planned area in km², else built area (never measured from geometry)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _column_km2(parks: pd.DataFrame, column: str) -> pd.Series:
    if column not in parks.columns:
        return pd.Series(np.nan, index=parks.index, dtype=float)
    return pd.to_numeric(parks[column], errors="coerce").astype(float)


def planned_else_built_km2(parks: pd.DataFrame) -> pd.Series:
    """Per park (``parks``' index): ``planned_area_km2``, else ``built_area_km2``; NaN when neither is a number."""
    return _column_km2(parks, "planned_area_km2").fillna(_column_km2(parks, "built_area_km2"))
