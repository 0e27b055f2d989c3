"""Fact sheets as PDF, rendered on the server (fpdf2) with a static map (matplotlib, UTM 48N); Flask-free.

A sheet is plain data (``Sheet``: title lines, an optional map image, tables, notes) so the park and
corridor sheets only assemble content. Chinese glyphs come from a CJK font installed from Debian's
packages (``fonts-noto-cjk``), found with ``fc-match`` or a list of known paths, and embedded (subset).
Text from data is written as PDF text, never interpreted as markup.
"""

from __future__ import annotations

import functools
import io
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
from shapely.geometry import shape

from atlas.analysis import METRIC_CRS, WGS84
from atlas.errors import AtlasError

FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),  # fonts-wqy-microhei (TrueType: quick subsets)
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),  # fonts-wqy-zenhei
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # fonts-noto-cjk (CFF outlines; index 2: SC)
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),  # fonts-arphic-uming
)
# preferred families, best first: TrueType outlines subset several times faster than Noto's CFF ones
FONT_PREFERENCE = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC")
PAGE_MARGIN_MM = 14
MAX_CELL_CHARS = 600  # a table cell longer than this is cut (a sheet is 1-2 pages)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


class FontMissing(AtlasError):
    """No CJK font is installed: the PDF cannot show Chinese."""

    status = 503


@dataclass(frozen=True)
class Table:
    """A table of the sheet: a heading, column headings and rows of text (already formatted)."""

    heading: str
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float] | None = None  # relative column widths


@dataclass
class Sheet:
    """Everything printed on a fact sheet, in order."""

    title: str
    subtitle: str = ""
    lines: list[str] = field(default_factory=list)  # short lines under the title (status, accuracy, as-of)
    map_png: bytes | None = None
    map_caption: str = ""
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lang: str = "zh"


@functools.cache
def cjk_font() -> tuple[str, int]:
    """(path, collection index) of an installed CJK font; raises FontMissing saying what to install."""
    listed = _fc_list_chinese()
    preferred = sorted(listed, key=lambda item: (_preference(item[2]), "Bold" in item[0], item[0], item[1]))
    for path, index, _family in preferred:
        if Path(path).suffix.lower() in (".ttc", ".otf", ".ttf") and Path(path).is_file():
            return path, index
    for path, index in FONT_CANDIDATES:
        if Path(path).is_file():
            return path, index
    raise FontMissing(
        "no CJK font found for PDF output: install Debian's fonts-noto-cjk or fonts-wqy-microhei (`make system`)"
    )


def _preference(families: str) -> int:
    """Rank of a fontconfig family list (comma-separated) in FONT_PREFERENCE; unlisted fonts last."""
    names = [name.strip() for name in families.split(",")]
    return next((i for i, wanted in enumerate(FONT_PREFERENCE) if wanted in names), len(FONT_PREFERENCE))


def _fc_list_chinese() -> list[tuple[str, int, str]]:
    """(file, index, family) of every installed font that covers Chinese, per fontconfig ([] without it)."""
    if not shutil.which("fc-list"):
        return []
    try:
        out = subprocess.run(
            ["fc-list", "-f", "%{file}|%{index}|%{family}\n", ":lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (subprocess.SubprocessError, OSError):
        return []
    fonts = []
    for line in out.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].isdigit():
            fonts.append((parts[0], int(parts[1]), parts[2]))
    return fonts


def clean_text(value) -> str:
    """Text safe to place in a PDF: control and bidi-override characters removed, length capped."""
    text = _CONTROL.sub("", "" if value is None else str(value))
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def render_pdf(sheet: Sheet) -> bytes:
    """Lay out ``sheet`` on A4 pages and return the PDF bytes (fonts embedded as subsets)."""
    from fpdf import FPDF

    path, index = cjk_font()
    pdf = FPDF(format="A4")
    pdf.set_margins(PAGE_MARGIN_MM, PAGE_MARGIN_MM)
    pdf.set_auto_page_break(True, PAGE_MARGIN_MM)
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    pdf.set_title(clean_text(sheet.title))
    pdf.set_lang("en" if sheet.lang == "en" else "zh-CN")
    pdf.add_page()
    _header(pdf, sheet)
    if sheet.map_png:
        pdf.image(io.BytesIO(sheet.map_png), w=pdf.epw * 0.72, x=PAGE_MARGIN_MM + pdf.epw * 0.14)
        _small(pdf, sheet.map_caption)
    for table in sheet.tables:
        _table(pdf, table)
    for note in sheet.notes:
        _small(pdf, note)
    return bytes(pdf.output())


def _header(pdf, sheet: Sheet) -> None:
    pdf.set_font("cjk", size=17)
    pdf.multi_cell(0, 8, clean_text(sheet.title), new_x="LMARGIN", new_y="NEXT")
    if sheet.subtitle:
        pdf.set_font("cjk", size=11)
        pdf.set_text_color(90)
        pdf.multi_cell(0, 6, clean_text(sheet.subtitle), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)
    pdf.set_font("cjk", size=9)
    for line in sheet.lines:
        pdf.multi_cell(0, 5, clean_text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _small(pdf, text: str) -> None:
    if not text:
        return
    pdf.set_font("cjk", size=7.5)
    pdf.set_text_color(80)
    pdf.multi_cell(0, 4, clean_text(text), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_text_color(0)


def _table(pdf, table: Table) -> None:
    pdf.ln(2)
    pdf.set_font("cjk", size=11)
    pdf.multi_cell(0, 6, clean_text(table.heading), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=8)
    widths = tuple(table.widths) if table.widths else None
    with pdf.table(
        col_widths=widths,
        text_align="LEFT",
        line_height=4.2,
        first_row_as_headings=True,
        headings_style=_heading_style(),
    ) as grid:
        for row in [table.columns, *table.rows]:
            cells = grid.row()
            for value in row:
                cells.cell(clean_text(value))


def _heading_style():
    from fpdf.fonts import FontFace

    return FontFace(emphasis=None, fill_color=(235, 235, 235))


def map_png(layers: Sequence[dict], *, width_in: float = 6.0, height_in: float = 3.6, focus=None) -> bytes:
    """A static map as PNG: ``layers`` are dicts with a METRIC_CRS GeoSeries ``geoms`` and matplotlib style
    keys (``color``, ``facecolor``, ``linewidth``, ``linestyle``, ``markersize``, ``alpha``); ``focus`` is a
    (minx, miny, maxx, maxy) extent in metres; axes in km of UTM 48N."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=130)
    ax = fig.add_subplot()
    for layer in layers:
        geoms = layer["geoms"]
        if geoms is None or geoms.empty:
            continue
        style = {k: v for k, v in layer.items() if k not in ("geoms",)}
        geoms.plot(ax=ax, **style)
    if focus is not None:
        ax.set_xlim(focus[0], focus[2])
        ax.set_ylim(focus[1], focus[3])
    ax.set_aspect("equal")
    ax.tick_params(labelsize=6)
    ax.xaxis.set_major_formatter(lambda v, _p: f"{v / 1000:.0f}")
    ax.yaxis.set_major_formatter(lambda v, _p: f"{v / 1000:.0f}")
    fig.tight_layout(pad=0.4)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


# ---------- text and geometry helpers shared by the park and corridor sheets ----------
COLOURS = ("#b2182b", "#2166ac", "#1b7837", "#e08214", "#762a83", "#6a3d9a", "#01665e")


def pick_lang(obj: Mapping, name: str, lang: str):
    """``obj[name_zh]`` or ``obj[name_en]`` for ``lang``, falling back to the other language."""
    zh, en = obj.get(f"{name}_zh"), obj.get(f"{name}_en")
    return (en or zh) if lang == "en" else (zh or en)


def vocab_text(vocab: Mapping, key, lang: str, unknown: str) -> str:
    """The zh or en label of a vocabulary key; ``unknown`` when empty, the key itself when not listed."""
    if key in (None, ""):
        return unknown
    pair = vocab.get(key)
    return pair[1 if lang == "en" else 0] if pair else str(key)


def value_text(value, labels: Mapping, unit: str = "") -> str:
    """A value as sheet text (lists joined, numbers to 2 decimals, unit label added); unknown as ``labels['unknown']``."""
    if value is None or value == "" or value == [] or (isinstance(value, float) and value != value):
        return labels["unknown"]
    if isinstance(value, (list, tuple)):
        return ("、" if labels["lang"] == "zh" else ", ").join(str(v) for v in value)
    if isinstance(value, bool):
        return labels["yes"] if value else labels["no"]
    if isinstance(value, float):
        value = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value} {labels.get('unit_' + unit, unit)}".strip() if unit else str(value)


def metric_series(geojson_items, crs=WGS84) -> gpd.GeoSeries:
    """GeoJSON geometries (None skipped) as a GeoSeries in METRIC_CRS, for the static maps."""
    geoms = [shape(g) for g in geojson_items if g]
    return gpd.GeoSeries(geoms, crs=crs).to_crs(METRIC_CRS)


def district_layers(district_fc: dict | None, towns_fc: dict | None) -> list[dict]:
    """Map layers (``map_png`` style) of the town and district outlines."""
    outlines = ((towns_fc, "#bbbbbb", 0.4), (district_fc, "#444444", 1.0))  # towns under the district line
    return [
        {
            "geoms": metric_series([f["geometry"] for f in fc["features"]]),
            "facecolor": "none",
            "edgecolor": colour,
            "linewidth": width,
        }
        for fc, colour, width in outlines
        if fc
    ]
