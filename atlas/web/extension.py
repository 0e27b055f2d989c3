"""Attach the catalog and data store to the app, and handle typed errors in one place."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _

from atlas.catalog import load_catalog
from atlas.errors import AtlasError
from atlas.maps.basemaps import Basemap, configured_basemaps
from atlas.stores.base import Store
from atlas.stores.factory import open_store
from atlas.validate import loads_strict
from atlas.web.reqlog import request_id
from atlas.web.security import tile_sources


class StrictJSONProvider(DefaultJSONProvider):
    """Parse request JSON strictly: no NaN/Infinity, and over-deep nesting is a ValueError, not a crash."""

    ensure_ascii = False
    sort_keys = False

    def loads(self, s, **kwargs):
        return loads_strict(s)


def init_app(app: Flask) -> None:
    """Load the layer catalog and open the data store for this app."""
    catalog = load_catalog(app.config["LAYERS_DIR"])
    app.extensions["atlas_store"] = open_store(catalog, app.config)
    # basemaps are resolved from the config once; pages and the CSP's image hosts read this tuple
    app.extensions["atlas_basemaps"] = configured_basemaps(app.config)
    app.extensions["atlas_tile_hosts"] = tile_sources(app.extensions["atlas_basemaps"])
    app.register_error_handler(AtlasError, handle_atlas_error)
    app.register_error_handler(404, handle_not_found)
    app.register_error_handler(413, handle_too_large)
    app.register_error_handler(405, handle_method)
    app.register_error_handler(500, handle_server_error)


def get_store() -> Store:
    """The data store of the current app."""
    return current_app.extensions["atlas_store"]


def get_basemaps() -> tuple[Basemap, ...]:
    """The basemaps configured for the current app (resolved once in ``init_app``)."""
    return current_app.extensions["atlas_basemaps"]


def wants_json() -> bool:
    return (
        request.path.startswith(("/api/", "/ogc", "/tiles/"))
        or request.path in ("/metrics", "/healthz", "/readyz")
        or request.accept_mimetypes.best == "application/json"
    )


def error_summary(body: dict) -> str:
    """A short explanation of an error in the request's language; ``message`` keeps the (English) detail."""
    kind = body.get("error")
    if kind == "BadParameter" and body.get("parameter"):
        return _("参数 %(name)s 有误", name=body["parameter"])
    summaries = {
        "UnknownLayer": _("没有这个图层"),
        "UnknownFeature": _("没有这个要素"),
        "UnknownTile": _("没有这个瓦片"),
        "BadParameter": _("请求参数有误"),
        "LayerUnavailable": _("该图层暂不可用"),
        "DataError": _("数据有问题，未作任何更改"),
        "ImportRefused": _("数据有问题，未作任何更改"),
        "NotFound": _("找不到该页面或资源"),
        "MethodNotAllowed": _("不允许此请求方法"),
        "TooLarge": _("请求内容过大"),
        "Unauthorized": _("需要管理员凭据"),
        "AdminDisabled": _("本服务器未启用管理写入"),
        "CrossOrigin": _("已拒绝跨站请求"),
        "ServerError": _("服务器内部错误，请告知请求编号"),
        "NotSignedIn": _("需要登录或个人 API 令牌"),
        "Forbidden": _("你没有编辑该图层的权限"),
        "VersionConflict": _("该要素已被他人修改，未保存"),
        "InvalidEdit": _("修改未通过数据检查，未作任何更改"),
        "CSRFError": _("缺少或无效的 CSRF 令牌，请刷新页面"),
        "TooManyRequests": _("尝试次数过多，请稍后再试"),
        "LayerLocked": _("图层正被写入，请稍后再试"),
        "DatabaseUnavailable": _("该图层暂不可用"),
        "SchemaMismatch": _("该图层暂不可用"),
        "UnknownChange": _("没有这条修改记录"),
    }
    return summaries.get(kind, _("请求无法完成"))


def error_body(status: int, body: dict):
    from atlas.web.i18n import current_lang
    from atlas.web.messages import translated_message

    message = translated_message(body.get("message"), current_lang())
    extra = {"message": message, "message_en": body.get("message")} if message != body.get("message") else {}
    body = {**body, **extra, "summary": error_summary(body), "request_id": request_id()}
    if wants_json():
        return jsonify(body), status
    return render_template("error.html", status=status, error=body), status


def handle_atlas_error(exc: AtlasError):
    body, status = error_body(exc.status, exc.to_dict())
    challenge = getattr(exc, "challenge", None)  # RFC 9110: a 401 names how to authenticate
    if challenge is None:
        return body, status
    response = current_app.make_response((body, status))
    response.headers["WWW-Authenticate"] = challenge
    return response


def handle_not_found(exc):
    return error_body(
        404,
        {"error": "NotFound", "status": 404, "message": f"nothing at {request.path!r}; the API starts at /api/layers"},
    )


def handle_too_large(exc):
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return error_body(
        413, {"error": "TooLarge", "status": 413, "message": f"request body is larger than the limit of {limit} bytes"}
    )


def handle_server_error(exc):
    """An unexpected failure: no internals in the body, but the request id that finds its log lines."""
    return error_body(
        500,
        {
            "error": "ServerError",
            "status": 500,
            "message": "internal server error; quote the request_id when you report it",
        },
    )


def handle_method(exc):
    body, status = error_body(
        405,
        {"error": "MethodNotAllowed", "status": 405, "message": f"{request.method} is not allowed on {request.path!r}"},
    )
    response = current_app.make_response((body, status))
    response.headers["Allow"] = ", ".join(sorted(exc.valid_methods or ()))  # RFC 9110 requires it
    return response
