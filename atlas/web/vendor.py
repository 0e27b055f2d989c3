"""Serve third-party browser assets from installed packages (xstatic, node_modules), never a CDN."""

from __future__ import annotations

import click
from flask import Blueprint, Flask, abort, send_from_directory

from atlas.maps.assets import ROOT, VENDOR_DIRS, missing_vendor_dirs

bp = Blueprint("vendor", __name__, url_prefix="/vendor")


class MissingFrontEnd(RuntimeError):
    """The npm packages the pages need are not installed: the map would load without its controls."""


def check_front_end() -> None:
    """Stop with what to run when a vendored browser package is missing (skipped for CLI commands other than run)."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.info_name not in ("run", None) and ctx.command_path.split()[-1] != "run":
        return  # check-data, import-layer, backup ... need no browser assets
    missing = missing_vendor_dirs()
    if missing:
        raise MissingFrontEnd(
            "the browser libraries from npm are not installed (missing: "
            + "; ".join(missing)
            + f"). Run `make deps` (or `npm ci`) in {ROOT}, then start the server again."
        )


def init_app(app: Flask) -> None:
    """Refuse to start a server whose pages would lack their scripts; register the /vendor blueprint."""
    check_front_end()
    app.register_blueprint(bp)


@bp.get("/<package>/<path:filename>")
def asset(package: str, filename: str):
    """Send one file of a vendored package; unknown packages and path tricks give 404."""
    directory = VENDOR_DIRS.get(package)
    if directory is None:
        abort(404)
    return send_from_directory(directory, filename, max_age=86400)
