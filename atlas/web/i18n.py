"""Language selection (中文 default, English alongside): ?lang= in the URL, remembered in a cookie."""

from __future__ import annotations

from flask import Flask, g, request
from flask_babel import Babel

SUPPORTED = ("zh", "en")
DEFAULT = "zh"
COOKIE = "lang"
COOKIE_MAX_AGE_S = 365 * 24 * 3600


def current_lang() -> str:
    """The language of this request: ?lang=, else the cookie, else Chinese."""
    if "qj_lang" not in g:
        asked = request.args.get("lang", "")
        cookie = request.cookies.get(COOKIE, "")
        g.qj_lang = asked if asked in SUPPORTED else cookie if cookie in SUPPORTED else DEFAULT
    return g.qj_lang


def remember_lang(response):
    """Store an explicit ?lang= choice in a cookie so the next page keeps it."""
    asked = request.args.get("lang")
    if asked in SUPPORTED and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_MAX_AGE_S, samesite="Lax", httponly=True)
    return response


def lang_url(lang: str) -> str:
    """The current URL with ?lang= set to ``lang``."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    from urllib.parse import urlencode

    return f"{request.path}?{urlencode(args, doseq=True)}"


def pick(obj, field: str):
    """obj[field_en] in English (falling back to Chinese), obj[field_zh] in Chinese; dicts or objects."""
    get = obj.get if isinstance(obj, dict) else (lambda k, d=None: getattr(obj, k, d))
    if current_lang() == "en":
        return get(f"{field}_en") or get(f"{field}_zh")
    return get(f"{field}_zh") or get(f"{field}_en")


def layer_titles(catalog, layer_ids) -> dict[str, str]:
    """Layer id -> its declared title in the request's language (titles are never retyped in code)."""
    return {lid: pick(catalog.get(lid), "title") for lid in layer_ids}


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the request's language and template helpers."""
    Babel(app, locale_selector=current_lang)
    app.after_request(remember_lang)
    app.context_processor(lambda: {"lang": current_lang(), "lang_url": lang_url, "pick": pick})
