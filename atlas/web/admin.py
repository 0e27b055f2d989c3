"""Admin writes: replace a layer by uploading a file. Needs the admin token; the public site is read-only."""

from __future__ import annotations

import hmac
import tempfile
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, request
from werkzeug.utils import secure_filename

from atlas.datum import DATUMS
from atlas.errors import AtlasError, BadParameter
from atlas.importer import check_zip_archive, import_layer
from atlas.web.extension import get_store

bp = Blueprint("admin", __name__, url_prefix="/api/admin")
UPLOAD_SUFFIXES = (".geojson", ".json", ".gpkg", ".kml", ".fgb", ".csv", ".zip", ".osm", ".pbf")


class Unauthorized(AtlasError):
    """No or a wrong admin credential."""

    status = 401


class AdminDisabled(AtlasError):
    """Admin writes are switched off (no ADMIN_TOKEN configured)."""

    status = 403


def require_admin() -> None:
    """Check the bearer token against ADMIN_TOKEN in constant time."""
    expected = current_app.config.get("ADMIN_TOKEN")
    if not expected:
        raise AdminDisabled("admin writes are disabled on this server: set QIJIANG_ADMIN_TOKEN to enable them")
    given = request.headers.get("Authorization", "")
    if not given.startswith("Bearer ") or not hmac.compare_digest(given[7:].encode(), str(expected).encode()):
        raise Unauthorized("a valid admin token is required (Authorization: Bearer <token>)")


@bp.before_request
def limits_and_auth():
    """Admin uploads get their own (larger) body limit; every admin route needs the token."""
    request.max_content_length = current_app.config["ADMIN_MAX_UPLOAD_BYTES"]
    require_admin()


@bp.post("/layers/<layer_id>/import")
def import_upload(layer_id: str):
    """Replace layer ``layer_id`` from an uploaded file (multipart field ``file``; optional ``datum``)."""
    store = get_store()
    spec = store.catalog.get(layer_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadParameter("send the data as a multipart file field named 'file'", parameter="file")
    name = secure_filename(upload.filename) or "upload"
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        raise BadParameter(f"unsupported file type {name!r}; use one of {', '.join(UPLOAD_SUFFIXES)}", parameter="file")
    datum = request.form.get("datum", "wgs84")
    if datum not in DATUMS:
        raise BadParameter(f"datum must be one of {', '.join(DATUMS)}", parameter="datum")
    with tempfile.TemporaryDirectory(prefix="qj-admin-") as tmp:
        path = Path(tmp) / name
        upload.save(path)
        source = str(path)
        if name.lower().endswith(".zip"):
            check_zip_archive(path, current_app.config["ADMIN_MAX_UNZIPPED_BYTES"])
            source = f"/vsizip/{path}"
        report = import_layer(
            source,
            spec,
            store,
            datum=datum,
            skip_invalid=request.form.get("skip_invalid") == "true",
            other_ids=store.ids_in_other_layers(spec.id),
            max_features=current_app.config["ADMIN_MAX_FEATURES"],
            progress=False,
        )
    return jsonify(
        {
            "layer": spec.id,
            "written": report.valid,
            "read": report.read,
            "rejected": [str(r) for r in report.rejected],
            "summary": report.summary(),
        }
    )


@bp.route("/<path:anything>", methods=["GET", "POST", "PUT", "DELETE"])
def unknown(anything: str):
    abort(404)
