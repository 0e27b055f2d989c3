"""Serve third-party browser assets from installed packages (xstatic, node_modules), never a CDN."""

from __future__ import annotations

from flask import Blueprint, abort, send_from_directory

from atlas.assets import VENDOR_DIRS

bp = Blueprint("vendor", __name__, url_prefix="/vendor")


@bp.get("/<package>/<path:filename>")
def asset(package: str, filename: str):
    """Send one file of a vendored package; unknown packages and path tricks give 404."""
    directory = VENDOR_DIRS.get(package)
    if directory is None:
        abort(404)
    return send_from_directory(directory, filename, max_age=86400)
