"""Security headers on every response: a nonce-based Content-Security-Policy, nosniff, referrer, framing."""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from markupsafe import Markup

from atlas.errors import AtlasError
from atlas.maps.basemaps import Basemap

SCRIPT_TAG = re.compile(r"<script(?=[\s>])")


def csp_nonce() -> str:
    """This request's script nonce (one per response)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def add_nonce(markup: str, nonce: str) -> str:
    """Give every <script> tag of trusted, data-free markup (folium output) the request's nonce."""
    return SCRIPT_TAG.sub(f'<script nonce="{nonce}"', markup)


def with_nonce(markup: str) -> Markup:
    """Jinja filter for folium map parts: add the nonce and mark the markup safe (it carries no data)."""
    return Markup(add_nonce(str(markup), csp_nonce()))


def tile_sources(basemaps: tuple[Basemap, ...]) -> list[str]:
    """CSP host sources of the basemaps' tiles ({s} subdomains become wildcards)."""
    hosts = set()
    for base in basemaps:
        for provider in base.providers:
            parts = urlsplit(provider["url"])
            host = re.sub(r"^[^.]*\{s\}[^.]*", "*", parts.hostname or "")
            hosts.add(f"{parts.scheme}://{host}")
    return sorted(hosts)


def content_security_policy(nonce: str, config, tile_hosts: list[str]) -> str:
    """The CSP: scripts only from the app (plus nonce'd inline folium scripts), tiles from basemap hosts."""
    images = " ".join(["'self'", "data:", "blob:", *tile_hosts])
    ancestors = config.get("FRAME_ANCESTORS") or "'self'"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src {images}",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        ]
    )


def set_headers(response):
    """Add the security headers to a response."""
    config = current_app.config
    response.headers["Content-Security-Policy"] = content_security_policy(
        csp_nonce(), config, current_app.extensions["atlas_tile_hosts"]
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    if not config.get("FRAME_ANCESTORS") or config["FRAME_ANCESTORS"] in ("'self'", "'none'"):
        response.headers["X-Frame-Options"] = "DENY" if config.get("FRAME_ANCESTORS") == "'none'" else "SAMEORIGIN"
    return response


UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def same_origin_only():
    """CSRF defence for state-changing requests: a browser's Origin (or Referer) must be this site."""
    if request.method not in UNSAFE_METHODS:
        return None
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin:
        return None  # not sent by a browser form or fetch (e.g. curl with a token)
    parts = urlsplit(origin)
    if f"{parts.scheme}://{parts.netloc}" != request.host_url.rstrip("/"):
        raise CrossOrigin(f"cross-site {request.method} from {parts.scheme}://{parts.netloc} refused")
    return None


class CrossOrigin(AtlasError):
    """A state-changing request sent from another site (CSRF)."""

    status = 403


def init_app(app: Flask) -> None:
    """Register the header hook, the CSRF origin check, the csp_nonce() template global and the with_nonce filter."""
    app.before_request(same_origin_only)
    app.after_request(set_headers)
    app.add_template_global(csp_nonce)
    app.add_template_filter(with_nonce)
