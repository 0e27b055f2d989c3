"""Session rules: a session version per user checked on every request, idle and absolute lifetime, same-site
``next`` paths, the trusted-proxy setting and the keys of the sign-in limits (per address, per account)."""

from __future__ import annotations

import time
import unicodedata
from urllib.parse import urlsplit

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from atlas.curation.accounts import User


def now_s() -> int:
    """The clock of the session lifetimes, in whole seconds (one place, so tests can move it)."""
    return int(time.time())


def start(session, user: User) -> None:
    """Mark a fresh session with the user's session version and the sign-in time."""
    now = now_s()
    session["sv"] = user.session_version
    session["login_at"] = now
    session["seen_at"] = now


def is_live(session, user: User, config) -> bool:
    """True while the session's version matches the user's and neither lifetime has run out; refreshes seen_at."""
    now = now_s()
    idle_s = config["SESSION_IDLE_S"]
    login_at, seen_at = session.get("login_at"), session.get("seen_at")
    if session.get("sv") != user.session_version or not isinstance(login_at, int) or not isinstance(seen_at, int):
        return False
    if now - login_at > config["SESSION_ABSOLUTE_S"]:
        return False
    if now - seen_at > idle_s:
        return False
    if now - seen_at >= min(60, idle_s // 2):  # rewrite the cookie at most once a minute
        session["seen_at"] = now
    return True


def same_site_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site (no scheme, no host, no control characters), else None."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(unicodedata.category(ch)[0] in "CZ" and ch != " " for ch in target) or " " in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def client_address() -> str:
    """The client's address (behind the trusted proxies of TRUSTED_PROXIES, the one they report)."""
    return request.remote_addr or "unknown"


def account_key() -> str:
    """The per-account sign-in limit's key: the name tried (case-folded), whatever address it comes from."""
    return "account:" + (request.form.get("name") or "").strip().casefold()[:64]


def init_app(app: Flask) -> None:
    """TRUSTED_PROXIES = n: trust n proxies' X-Forwarded-For/-Proto/-Host (werkzeug's ProxyFix); 0 by default."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
