"""The park ranking criteria, each declared once: key, labels, unit, default weight, target layer and filter.

Everything reads this one declaration: the score (``atlas.parks.score``), the query's ``w_<key>`` weights,
``max_<key>_km`` filters and sort keys (``atlas.parks.query``), the targets distances are measured to
(``atlas.parks.targets``), the ranking body's ``criteria`` and each park's ``metrics`` (``atlas.parks.data``),
the CSV/GeoJSON columns (``atlas.parks.export``), the profile's nearest targets and compare table, the PDF
sheet, and the /parks page: its sliders, filter inputs and table columns (templates/parks/index.html) and
static/js/parks/ (core.js and table.js), which gets the list from the page's JSON config.

**Adding a distance criterion is one ``Criterion(...)`` in ``CRITERIA`` plus its test**, nothing else
(tests/test_parks_criteria.py registers one and sees it in the API, its parameters, the CSV and the page).
A criterion that is not a distance (like ``area`` or ``industry``) also needs its metric in ``atlas.parks.score``.
Code reads the criteria through the functions below, at call time, so a registered criterion is seen everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """What a distance is measured to: features of ``layer`` whose ``kind`` is (or, with ``exclude``, is not) listed.

    ``kinds=None`` keeps every feature. ``first_only`` keeps only the first placed match (one seat of
    government); ``fallback_centroid_of`` names a polygon layer whose centroid stands in when nothing matches.
    """

    layer: str
    kinds: tuple[str, ...] | None = None
    exclude: bool = False
    first_only: bool = False
    fallback_centroid_of: str | None = None

    @property
    def layers(self) -> tuple[str, ...]:
        """The layers this target reads (the data version a distance depends on)."""
        return (self.layer, self.fallback_centroid_of) if self.fallback_centroid_of else (self.layer,)


@dataclass(frozen=True)
class Criterion:
    """One ranking criterion: key (``w_<key>`` in the API), labels, unit, default weight; distances add a target.

    A distance criterion scores ``max(0, 1 - d_m / max_distance_m)``; with ``filter_label_zh``/``_en`` the
    query also offers ``max_<key>_km`` (show only parks at most that far) under those labels.
    """

    key: str
    label_zh: str
    label_en: str
    unit: str
    default_weight: float
    max_distance_m: float | None = None
    target: Target | None = None
    filter_label_zh: str | None = None
    filter_label_en: str | None = None

    def __post_init__(self) -> None:
        if (self.max_distance_m is None) != (self.target is None):
            raise ValueError(f"criterion {self.key!r}: a distance criterion needs both max_distance_m and target")

    @property
    def is_distance(self) -> bool:
        return self.max_distance_m is not None

    @property
    def filter_param(self) -> str | None:
        """The query parameter of this criterion's distance filter (``max_<key>_km``), None if it has none."""
        return f"max_{self.key}_km" if self.is_distance and self.filter_label_zh else None


RAIL_KINDS = ("station", "freight_yard")
# a designated zone polygon covering the whole district is not a hub site: every distance to it would be 0
NOT_A_HUB_SITE = ("logistics_designation",)

CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "interchange",
        "距高速互通",
        "Distance to expressway interchange",
        "m",
        3.0,
        20_000.0,
        Target("stations", ("interchange",)),
        "距互通最远（公里）",
        "Max. to interchange (km)",
    ),
    Criterion(
        "rail",
        "距铁路车站或货场",
        "Distance to rail station or freight yard",
        "m",
        2.0,
        20_000.0,
        Target("stations", RAIL_KINDS),
        "距车站最远（公里）",
        "Max. to rail (km)",
    ),
    Criterion(
        "hub",
        "距物流枢纽",
        "Distance to logistics hub",
        "m",
        2.0,
        20_000.0,
        Target("hubs", NOT_A_HUB_SITE, exclude=True),
        "距物流枢纽最远（公里）",
        "Max. to logistics hub (km)",
    ),
    Criterion(
        "centre",
        "距区政府驻地",
        "Distance to district centre (government seat)",
        "m",
        1.0,
        40_000.0,
        Target("places", ("government_seat",), first_only=True, fallback_centroid_of="district"),
    ),
    Criterion("area", "园区面积", "Park area", "km2", 1.0),
    Criterion("industry", "产业匹配", "Industry match", "match", 2.0),
)


def all_criteria() -> tuple[Criterion, ...]:
    """Every criterion, in the order of the API, the table and the CSV."""
    return CRITERIA


def distance_criteria() -> tuple[Criterion, ...]:
    return tuple(c for c in CRITERIA if c.is_distance)


def distance_keys() -> tuple[str, ...]:
    return tuple(c.key for c in CRITERIA if c.is_distance)


def by_key() -> dict[str, Criterion]:
    return {c.key: c for c in CRITERIA}


def default_weights() -> dict[str, float]:
    return {c.key: c.default_weight for c in CRITERIA}


def filtered_criteria() -> tuple[Criterion, ...]:
    """The distance criteria that offer a ``max_<key>_km`` filter."""
    return tuple(c for c in CRITERIA if c.filter_param)


def target_layers() -> tuple[str, ...]:
    """Every layer a distance target reads, once each, in declaration order."""
    return tuple(dict.fromkeys(layer for c in distance_criteria() for layer in c.target.layers))
