"""Whole-layer downloads beside the GeoJSON: /api/layers/<id>.<format> for every format in atlas.export.FORMATS."""

from __future__ import annotations

from flask import Blueprint, Response, request

from atlas import export
from atlas.web.extension import get_store

bp = Blueprint("downloads", __name__, url_prefix="/api")


@bp.get(f"/layers/<layer_id>.<any({', '.join(export.FORMATS)}):fmt>")  # the formats come from the one table
def layer_file(layer_id: str, fmt: str):
    """The layer as CSV (UTF-8 with BOM, WKT geometry), GeoPackage or KML; lists are ';'-joined."""
    data = get_store().usable(layer_id)
    spec = export.export_format(fmt)
    etag = f"{data.etag}-{fmt}"
    if etag in request.if_none_match:
        resp = Response(status=304)
        resp.set_etag(etag)
        return resp
    if fmt == "csv":
        resp = Response(export.to_csv(data), mimetype=spec.mimetype)
    else:
        path = export.export_to_temp(data, fmt)
        resp = Response(export.iter_and_delete(path), mimetype=spec.mimetype, direct_passthrough=True)
        resp.headers["Content-Length"] = str(path.stat().st_size)
        resp.call_on_close(lambda: export.remove_export(path))
    resp.headers["Content-Disposition"] = f'attachment; filename="{data.spec.id}.{spec.extension}"'
    resp.headers["Cache-Control"] = "public, max-age=300"
    resp.set_etag(etag)
    return resp
