"""Feature edits over HTTP: read with a version (ETag), PATCH/POST/DELETE with a session+CSRF or an API token."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from atlas.catalog import LayerSpec
from atlas.curation import edits as curation
from atlas.curation import history
from atlas.errors import BadParameter, UnknownFeature
from atlas.maps.assets import EDIT_JS
from atlas.ops.metrics import record_edit
from atlas.vocab import ACCURACY, KINDS, STATUSES
from atlas.web.auth import Forbidden, require_editor
from atlas.web.db import get_db
from atlas.web.extension import get_store

bp = Blueprint("editing", __name__, url_prefix="/api")
AREA_CLASS = "area"  # accuracy class whose geometry is a township polygon (when the vocabulary has it)


def _editable_spec(layer_id: str) -> tuple[LayerSpec, tuple[int, str]]:
    user = require_editor()
    spec = get_store().catalog.get(layer_id)
    if not user.may_edit(spec.id):
        raise Forbidden(f"user {user.name!r} may not edit layer {spec.id!r}")
    return spec, (user.id, user.name)


def _expected_version() -> str | None:
    value = request.headers.get("If-Match", "").strip()
    if not value or value == "*":
        return None
    return value.removeprefix("W/").strip('"')


def _body() -> dict:
    body = request.get_json(silent=True)
    if body is None:
        raise BadParameter(
            "send a JSON body (Content-Type: application/json): a (partial) GeoJSON Feature", parameter="body"
        )
    return body


def _record(change: history.Change) -> int:
    return history.record_change(get_db(), change)


def _answer(spec: LayerSpec, feature_id: str, feature: dict | None, change_id: int, status: int = 200):
    version = curation.feature_version(feature)
    resp = jsonify({"layer": spec.id, "id": feature_id, "feature": feature, "version": version, "change": change_id})
    resp.status_code = status
    if feature is not None:
        resp.set_etag(version)
        resp.headers["Location"] = url_for("editing.feature", layer_id=spec.id, feature_id=feature_id)
    return resp


def _commit(spec, feature_id, make, action, source, user, body=None, **kwargs):
    try:
        result = curation.commit_edit(
            get_store(),
            spec,
            feature_id,
            make,
            action=action,
            source=source,
            record=_record,
            user=user,
            **kwargs,
        )
    except curation.VersionConflict as exc:
        record_edit(spec.id, "conflict")
        exc.yours = body
        raise
    except curation.InvalidEdit:
        record_edit(spec.id, "refused")
        raise
    except Exception:
        record_edit(spec.id, "failed")
        raise
    record_edit(spec.id, "saved")
    return result


@bp.get("/layers/<layer_id>/features/<feature_id>")
def feature(layer_id: str, feature_id: str):
    """One feature of a layer with its version as ETag (send it back as If-Match when saving)."""
    data = get_store().usable(layer_id)
    index = curation.feature_index(data.features, feature_id)
    if index is None:
        raise UnknownFeature(f"layer {layer_id!r} has no feature {feature_id!r}")
    feat = data.features[index]
    resp = jsonify({"layer": layer_id, "id": feature_id, "feature": feat, "version": curation.feature_version(feat)})
    resp.set_etag(curation.feature_version(feat))
    resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.patch("/layers/<layer_id>/features/<feature_id>")
def patch_feature(layer_id: str, feature_id: str):
    """Merge ``properties`` into a feature and replace its ``geometry`` if given; If-Match guards against stale edits."""
    spec, user = _editable_spec(layer_id)
    body = _body()

    def make(current):
        if current is None:
            raise UnknownFeature(f"layer {spec.id!r} has no feature {feature_id!r}")
        return curation.patched_feature(current, body, spec)

    source = (body.get("properties") or {}).get("source") if isinstance(body, dict) else None
    change_id, new = _commit(spec, feature_id, make, "update", source, user, body, expected_version=_expected_version())
    return _answer(spec, feature_id, new, change_id)


@bp.post("/layers/<layer_id>/features")
def create_feature(layer_id: str):
    """Add a feature (a GeoJSON Feature with properties.id, source, accuracy and as_of)."""
    spec, user = _editable_spec(layer_id)
    body = _body()
    feature = curation.new_feature(body, spec)
    fid = feature["id"]

    def make(current):
        if current is not None:
            raise BadParameter(f"layer {spec.id!r} already has a feature {fid!r}", parameter="id")
        return feature

    store = get_store()
    change_id, new = _commit(
        spec,
        fid,
        make,
        "create",
        feature["properties"].get("source"),
        user,
        body,
        other_ids=store.ids_in_other_layers(spec.id),
    )
    return _answer(spec, fid, new, change_id, 201)


@bp.delete("/layers/<layer_id>/features/<feature_id>")
def delete_feature(layer_id: str, feature_id: str):
    """Remove a feature (the history keeps it, so it can be restored by reverting this change)."""
    spec, user = _editable_spec(layer_id)
    body = request.get_json(silent=True) or {}
    source = body.get("source") if isinstance(body, dict) and isinstance(body.get("source"), str) else None

    def make(current):
        if current is None:
            raise UnknownFeature(f"layer {spec.id!r} has no feature {feature_id!r}")
        return None

    change_id, _new = _commit(
        spec, feature_id, make, "delete", source, user, body, expected_version=_expected_version()
    )
    return _answer(spec, feature_id, None, change_id)


@bp.get("/features/<feature_id>/history-summary")
def history_summary(feature_id: str):
    """When a feature was last changed here and the source given then (for every viewer's popup)."""
    change = None
    if Path(current_app.config["DATABASE"]).exists():
        change = history.last_change(get_db(), feature_id)
    if change is None:
        return jsonify({"feature": feature_id, "changed": False})
    after = change.after or {}
    source = (after.get("properties") or {}).get("source") or change.source
    return jsonify(
        {
            "feature": feature_id,
            "changed": True,
            "date": change.at[:10],
            "at": change.at,
            "action": change.action,
            "source": source,
        }
    )


def edit_strings() -> dict[str, str]:
    """The editing tools' UI texts in the request's language (keys as used in static/js/edit/)."""
    return {
        "edit": _("编辑"),
        "new_feature": _("新建要素"),
        "layer": _("图层"),
        "save": _("保存"),
        "cancel": _("取消"),
        "delete": _("删除"),
        "confirm_delete": _("确定删除这个要素吗？此操作会记录在历史中，可以撤销。"),
        "place_point": _("在地图上点击放置"),
        "draw_line": _("画线"),
        "draw_polygon": _("画多边形"),
        "choose_town": _("选择街道/镇（面状位置）"),
        "move": _("移动/修改形状"),
        "unplace": _("取消定位"),
        "geometry": _("位置"),
        "no_geometry": _("未定位"),
        "required": _("必填"),
        "saved": _("已保存"),
        "conflict": _("保存被拒绝：该要素在你打开之后已被修改。下面是两个版本；你的输入仍保留在表单中。"),
        "current_version": _("服务器上的当前版本"),
        "your_version": _("你的版本"),
        "error": _("保存失败"),
        "provenance": _("每次保存都必须填写来源、位置精度和数据截至日期。"),
        "current_value": _("当前值"),
        "history": _("修改历史"),
        "account": _("账户"),
        "logout": _("退出登录"),
        "signed_in": _("已登录"),
        "list_hint": _("每行一项"),
        "choose": _("请选择"),
        "click_map": _("请在地图上点击位置"),
        "unplaced_features": _("未定位要素"),
        "reload": _("重新载入"),
    }


def edit_config() -> dict:
    """What static/js/edit/ needs: the layers this user may edit with every declared field, vocabularies, URLs."""
    user = current_user.user
    store = get_store()
    layers = [
        {
            "id": s.id,
            "title_zh": s.title_zh,
            "title_en": s.title_en,
            "family": s.family,
            "geometry_types": list(s.geometry_types),
            "fields": [{**f.describe(), "required": f.required} for f in s.all_fields],
        }
        for s in store.catalog
        if user.may_edit(s.id)
    ]
    return {
        "user": user.name,
        "role": user.role,
        "layers": layers,
        "vocab": {"status": STATUSES, "accuracy": ACCURACY, "kind": KINDS},
        "area_class": AREA_CLASS if AREA_CLASS in ACCURACY else None,
        "towns_url": url_for("api.layer_geojson", layer_id="towns") if "towns" in store.catalog.ids() else None,
        "feature_url": url_for("editing.feature", layer_id="LAYER", feature_id="FID"),
        "create_url": url_for("editing.create_feature", layer_id="LAYER"),
        "history_url": url_for("history.history_page"),
        "account_url": url_for("account.account"),
        "logout_url": url_for("auth.logout"),
        "strings": edit_strings(),
    }


def with_editor_tools(page: str) -> str:
    """The cached map page plus, for a signed-in editor only, the CSRF token and the editing tools."""
    if not current_user.is_authenticated:
        return page
    head = render_template("edit/head.html")
    tools = render_template("edit/tools.html", config=edit_config(), scripts=EDIT_JS)
    # folium places the map script after </body>: the tools go after it, just before </html>
    head_at, end_at = page.index("</head>"), page.rindex("</html>")
    return page[:head_at] + head + page[head_at:end_at] + tools + page[end_at:]
