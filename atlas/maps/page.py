"""Render a folium map into a page or into parts a Jinja template embeds; ids stable across instances."""

from __future__ import annotations

import re
from dataclasses import dataclass

import folium
from markupsafe import escape

from atlas.maps.assets import localize


def stable_ids(element, counter: list | None = None) -> None:
    """Give every element of the tree a deterministic id (branca picks random ones), so the same data
    renders to the same bytes on every instance and every restart."""
    counter = counter if counter is not None else [0]
    counter[0] += 1
    element._id = f"{counter[0]:08x}"
    for child in list(element._children.values()):
        stable_ids(child, counter)


# folium's Map header says maximum-scale=1.0, user-scalable=no: that stops people zooming the page on
# phones (WCAG 1.4.4). Every map page the atlas renders goes through zoomable_viewport().
FOLIUM_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>[ \t]*\n?')
ZOOMABLE_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def zoomable_viewport(html: str, replacement: str = "") -> str:
    """Replace folium's viewport metas by ``replacement`` (first one) and drop any others.

    Embedded maps pass "" (the page template has its own zoomable viewport); a full map page passes
    ZOOMABLE_VIEWPORT. Fails loudly if folium stops emitting the meta, so the fix is not silently lost.
    """
    if not FOLIUM_VIEWPORT.search(html):
        raise ValueError("folium's viewport meta not found: check zoomable_viewport() against this folium")
    fixed = FOLIUM_VIEWPORT.sub("", html)
    return fixed.replace("<head>", "<head>\n" + replacement, 1) if replacement else fixed


def render_page(m: folium.Map, title: str, lang: str = "zh", chrome: str = "") -> str:
    """Render a folium map to a full HTML page with a title, lang attribute and a zoomable viewport.

    ``chrome`` is trusted, escaped markup placed before the map (the page's header: skip link, h1, nav).
    """
    fig = m.get_root()
    fig.header.add_child(folium.Element(f"<title>{_escape(title)}</title>"), name="qj_title")
    if chrome:
        fig.html.add_child(folium.Element(chrome), name="qj_chrome")
    html = zoomable_viewport(fig.render(), ZOOMABLE_VIEWPORT)
    if chrome:  # the map is the page's main content (landmark "main", target of the skip link)
        div = f'<div class="folium-map" id="{m.get_name()}" ></div>'
        if div not in html:
            raise ValueError("folium's map div not found: check render_page() against this folium")
        html = html.replace(div, f'<main id="qj-main" class="qj-map-main" tabindex="-1">{div}</main>', 1)
    return html.replace("<html>", f'<html lang="{"en" if lang == "en" else "zh-CN"}">', 1)


def _escape(text: str) -> str:
    return str(escape(text))


@dataclass(frozen=True)
class MapParts:
    """A rendered folium map split for embedding in a Jinja page: head tags, body div, and script."""

    header: str
    html: str
    script: str


def embed_parts(m: folium.Map, lang: str = "zh") -> MapParts:
    """Render ``m`` (assets already localized) into parts a template places with ``|safe``."""
    localize(m, lang=lang)
    fig = m.get_root()
    fig.render()
    return MapParts(zoomable_viewport(fig.header.render()), fig.html.render(), fig.script.render())
