"""Layer declarations: one TOML file per layer under ``layers/``; everything else derives from them."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from atlas.errors import DeclarationError, UnknownLayer
from atlas.vocab import FAMILIES, ROLES

FIELD_TYPES = ("str", "number", "int", "bool", "list", "date")
GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
LAYER_ID = re.compile(r"^[a-z][a-z0-9_-]{0,40}$")
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_TILE_THRESHOLD = 3000


@dataclass(frozen=True)
class FieldSpec:
    """One feature property: its name, labels, type and unit."""

    name: str
    label_zh: str
    label_en: str
    type: str = "str"
    unit_zh: str = ""
    unit_en: str = ""
    required: bool = False
    popup: bool = True

    def describe(self) -> dict:
        """What the browser shows of the field: name, labels, type and units (popups, the editor's form)."""
        return {
            "name": self.name,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "type": self.type,
            "unit_zh": self.unit_zh,
            "unit_en": self.unit_en,
        }


COMMON_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", "编号", "ID", required=True, popup=False),
    FieldSpec("name_zh", "名称", "Name (Chinese)", required=True),
    FieldSpec("name_en", "英文名称", "Name (English)", required=True),
    FieldSpec("family", "类别", "Family", required=True, popup=False),
    FieldSpec("kind", "类型", "Kind", required=True),
    FieldSpec("status", "状态", "Status", required=True),
    FieldSpec("accuracy", "位置精度", "Positional accuracy", required=True),
    FieldSpec("source", "来源", "Source", required=True),
    FieldSpec("as_of", "数据截至", "As of", type="date", required=True),
    FieldSpec("description_zh", "简介", "Description (Chinese)"),
    FieldSpec("description_en", "英文简介", "Description (English)"),
    FieldSpec("aliases", "别名", "Also known as", type="list"),
    FieldSpec("location_method", "定位方法", "How the position was obtained"),
    FieldSpec("location_text", "来源所述位置", "Location as the source words it"),
    FieldSpec("area_ref", "所在区域", "Area the site lies in", popup=False),
)


@dataclass(frozen=True)
class StyleSpec:
    """How the layer is drawn; planned features are dashed and schematic ones dotted by the map code."""

    color: str = "#3388ff"
    fill_color: str = "#3388ff"
    weight: float = 2.0
    opacity: float = 0.9
    fill_opacity: float = 0.25
    radius: float = 6.0
    dash_array: str = ""
    # kinds drawn as outlines only (no fill), e.g. a designation covering a whole area
    outline_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class LayerSpec:
    """The single declaration of a layer."""

    id: str
    title_zh: str
    title_en: str
    family: str
    source_file: str
    geometry_types: tuple[str, ...]
    fields: tuple[FieldSpec, ...] = ()
    style: StyleSpec = field(default_factory=StyleSpec)
    show: bool = True
    order: int = 100
    label_field: str | None = None
    description_zh: str = ""
    description_en: str = ""
    notes_zh: str = ""
    notes_en: str = ""
    # above this many placed features the browser draws the layer from vector tiles instead of GeoJSON
    tile_threshold: int = DEFAULT_TILE_THRESHOLD
    # what the layer takes part in (keys of atlas.vocab.ROLES), and the date field whose year says when a
    # feature came into being (the year view); both declared in the TOML, read through the Catalog
    roles: tuple[str, ...] = ()
    time_field: str | None = None

    @property
    def family_title_zh(self) -> str:
        return FAMILIES[self.family][0]

    @property
    def family_title_en(self) -> str:
        return FAMILIES[self.family][1]

    @property
    def symbol(self) -> str:
        """Legend symbol derived from the geometry types: point, line or polygon."""
        kinds = {g.replace("Multi", "") for g in self.geometry_types}
        if kinds == {"Point"}:
            return "point"
        if kinds == {"LineString"}:
            return "line"
        return "polygon" if "Polygon" in kinds else "point"

    @property
    def all_fields(self) -> tuple[FieldSpec, ...]:
        """The common fields every feature carries, then this layer's own fields."""
        return COMMON_FIELDS + self.fields

    def field(self, name: str) -> FieldSpec | None:
        """Return the declared field called ``name``, if any."""
        return next((f for f in self.all_fields if f.name == name), None)


def _parse_field(raw: dict, where: str) -> FieldSpec:
    try:
        spec = FieldSpec(**raw)
    except TypeError as exc:
        raise DeclarationError(f"{where}: bad field entry {raw!r}: {exc}") from None
    if spec.type not in FIELD_TYPES:
        raise DeclarationError(f"{where}: field {spec.name!r} has type {spec.type!r}; use one of {FIELD_TYPES}")
    return spec


def _parse_style(raw: dict, where: str) -> StyleSpec:
    raw = {**raw, "outline_kinds": tuple(raw.get("outline_kinds", ()))}
    try:
        style = StyleSpec(**raw)
    except TypeError as exc:
        raise DeclarationError(f"{where}: bad [style]: {exc}") from None
    for name in ("color", "fill_color"):
        if not HEX_COLOUR.match(getattr(style, name)):
            raise DeclarationError(f"{where}: style.{name} must be a #rrggbb colour, got {getattr(style, name)!r}")
    for name in ("opacity", "fill_opacity"):
        if not 0 <= getattr(style, name) <= 1:
            raise DeclarationError(f"{where}: style.{name} must be between 0 and 1")
    if style.dash_array and not re.fullmatch(r"[0-9 ,]+", style.dash_array):
        raise DeclarationError(f"{where}: style.dash_array must be numbers and spaces, got {style.dash_array!r}")
    return style


def parse_layer(raw: dict, where: str = "<declaration>") -> LayerSpec:
    """Build a LayerSpec from a parsed TOML mapping, rejecting anything inconsistent."""
    raw = dict(raw)
    fields = tuple(_parse_field(f, where) for f in raw.pop("fields", []))
    style = _parse_style(raw.pop("style", {}), where)
    geometry_types = tuple(raw.pop("geometry_types", ()))
    raw["roles"] = tuple(raw.get("roles", ()))
    try:
        spec = LayerSpec(fields=fields, style=style, geometry_types=geometry_types, **raw)
    except TypeError as exc:
        raise DeclarationError(f"{where}: {exc}") from None
    if not LAYER_ID.match(spec.id):
        raise DeclarationError(f"{where}: id {spec.id!r} must be a lowercase slug")
    if not isinstance(spec.tile_threshold, int) or isinstance(spec.tile_threshold, bool) or spec.tile_threshold < 0:
        raise DeclarationError(f"{where}: tile_threshold must be a whole number >= 0, got {spec.tile_threshold!r}")
    if spec.family not in FAMILIES:
        raise DeclarationError(f"{where}: family {spec.family!r} must be one of {sorted(FAMILIES)}")
    bad = [g for g in geometry_types if g not in GEOMETRY_TYPES]
    if not geometry_types or bad:
        raise DeclarationError(f"{where}: geometry_types must be a non-empty subset of {GEOMETRY_TYPES}")
    if Path(spec.source_file).name != spec.source_file or not spec.source_file.endswith(".geojson"):
        raise DeclarationError(f"{where}: source_file must be a bare *.geojson file name in geodata/")
    names = [f.name for f in COMMON_FIELDS + fields]
    if len(names) != len(set(names)):
        raise DeclarationError(f"{where}: duplicate field names in {names}")
    _check_roles(spec, where)
    return spec


def _check_roles(spec: LayerSpec, where: str) -> None:
    """Roles must be known ones and a time field a declared date field."""
    unknown = [r for r in spec.roles if r not in ROLES]
    if unknown:
        raise DeclarationError(f"{where}: unknown roles {unknown}; use some of {sorted(ROLES)}")
    if spec.time_field is not None:
        declared = spec.field(spec.time_field)
        if declared is None or declared.type != "date":
            raise DeclarationError(f"{where}: time_field {spec.time_field!r} must name a declared date field")


class Catalog:
    """The ordered set of declared layers."""

    def __init__(self, layers: list[LayerSpec]) -> None:
        ids = [layer.id for layer in layers]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise DeclarationError(f"duplicate layer ids: {sorted(dupes)}")
        self.layers: tuple[LayerSpec, ...] = tuple(sorted(layers, key=lambda s: (s.order, s.id)))
        self._by_id = {layer.id: layer for layer in self.layers}

    def __iter__(self):
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    def get(self, layer_id: str) -> LayerSpec:
        """Return the layer with this id or raise UnknownLayer."""
        try:
            return self._by_id[layer_id]
        except (KeyError, TypeError):
            raise UnknownLayer(f"no layer with id {layer_id!r}; see /api/layers for the list") from None

    def ids(self) -> list[str]:
        return [layer.id for layer in self.layers]

    def with_role(self, role: str) -> tuple[str, ...]:
        """The ids of the layers declaring ``role``, in catalog order (a role no layer declares is an error)."""
        if role not in ROLES:
            raise KeyError(f"unknown role {role!r}; roles are {sorted(ROLES)}")
        return tuple(layer.id for layer in self.layers if role in layer.roles)

    def time_fields(self) -> dict[str, str]:
        """Layer id -> its declared time field, for the dated layers."""
        return {layer.id: layer.time_field for layer in self.layers if layer.time_field}

    def roles_config(self) -> dict[str, list[str]]:
        """Role -> layer ids, as the browser gets it in its page config."""
        return {role: list(self.with_role(role)) for role in ROLES}

    def by_family(self) -> dict[str, list[LayerSpec]]:
        """Group layers by family in the family order of the vocabulary."""
        groups: dict[str, list[LayerSpec]] = {fam: [] for fam in FAMILIES}
        for layer in self.layers:
            groups[layer.family].append(layer)
        return {fam: items for fam, items in groups.items() if items}


def load_catalog(directory: str | Path) -> Catalog:
    """Read every ``*.toml`` declaration in ``directory`` into a Catalog."""
    directory = Path(directory)
    layers = []
    for path in sorted(directory.glob("*.toml")):
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise DeclarationError(f"{path.name}: not valid TOML: {exc}") from None
        layers.append(parse_layer(raw, where=path.name))
    if not layers:
        raise DeclarationError(f"no layer declarations (*.toml) found in {directory}")
    return Catalog(layers)
