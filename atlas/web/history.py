"""The edit history for editors: /history with filters and diffs, revert, and GET /api/history."""

from __future__ import annotations

import json

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from atlas.curation import edits as curation
from atlas.curation import history
from atlas.curation.accounts import MAX_ID
from atlas.errors import AtlasError, BadParameter
from atlas.web.auth import Forbidden, editor_page, require_editor
from atlas.web.db import get_db
from atlas.web.extension import get_store

bp = Blueprint("history", __name__)


class UnknownChange(AtlasError):
    """A change id that the history does not hold."""

    status = 404


def action_label(action: str) -> str:
    """The name of a history action in the request's language."""
    return {"create": _("新建"), "update": _("修改"), "delete": _("删除"), "revert": _("撤销")}.get(action, action)


@bp.app_context_processor
def template_helpers() -> dict:
    return {"action_label": action_label}


def _filters() -> dict:
    action = request.args.get("action") or None
    if action is not None and action not in history.ACTIONS:
        raise BadParameter(f"action must be one of {', '.join(history.ACTIONS)}", parameter="action")
    layer = request.args.get("layer") or None
    if layer is not None:
        get_store().catalog.get(layer)
    return {
        "layer": layer,
        "feature": request.args.get("feature") or None,
        "user": request.args.get("user") or None,
        "action": action,
    }


def _change(change_id: int) -> history.Change:
    change = history.get_change(get_db(), change_id) if 0 < change_id <= MAX_ID else None
    if change is None:
        raise UnknownChange(f"no change {change_id} in the history")
    return change


@bp.get("/history")
@editor_page
def history_page():
    """Every recorded change, newest first, filtered by layer, feature, user and action."""
    filters = _filters()
    return render_template(
        "edit/history.html",
        changes=history.list_changes(get_db(), **filters),
        filters=filters,
        layers=get_store().catalog,
        actions=history.ACTIONS,
    )


@bp.get("/history/<int:change_id>")
@editor_page
def change_page(change_id: int):
    """One change: who, when, the source given, and a diff of attributes and geometry."""
    change = _change(change_id)
    geometry = history.geometry_diff(change.before, change.after)
    pretty = {k: json.dumps(v, ensure_ascii=False, indent=1) for k, v in (geometry or {}).items()}
    return render_template(
        "edit/change.html",
        change=change,
        attributes=history.attribute_diff(change.before, change.after),
        geometry=pretty,
        changed_geometry=geometry is not None,
    )


@bp.post("/history/<int:change_id>/revert")
@editor_page
def revert(change_id: int):
    """Undo one change (itself recorded): refused with 409 if the feature changed since."""
    change = _change(change_id)
    user = current_user.user
    if not user.may_edit(change.layer):
        raise Forbidden(f"user {user.name!r} may not edit layer {change.layer!r}")
    new_id = revert_change(change, user)
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"reverted": change.id, "change": new_id})
    return redirect(url_for("history.change_page", change_id=new_id))


def revert_change(change: history.Change, user) -> int:
    """Put the feature back as it was before ``change``, if it is still as ``change`` left it."""
    spec = get_store().catalog.get(change.layer)
    change_id, _new = curation.commit_edit(
        get_store(),
        spec,
        change.feature,
        lambda current: change.before,
        action="revert",
        source=f"revert of change #{change.id}",
        record=lambda c: history.record_change(get_db(), c),
        expected_version=curation.feature_version(change.after),
        position=change.position,
        user=(user.id, user.name),
        reverts=change.id,
    )
    return change_id


@bp.get("/api/history")
def api_history():
    """The recorded changes as JSON (?layer=, ?feature=, ?user=, ?action=), newest first."""
    require_editor()
    filters = _filters()
    return jsonify({"filters": filters, "changes": [c.to_dict() for c in history.list_changes(get_db(), **filters)]})
