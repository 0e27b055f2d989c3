"""Session rules: a session version per user checked on every request, idle and absolute lifetime, same-site
``next`` paths, the trusted-proxy setting and the keys of the sign-in limits (per address, per account)."""

from __future__ import annotations

import time
import unicodedata
from urllib.parse import urlsplit

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from atlas.curation.accounts import User

IDLE_S = 30 * 60  # SESSION_IDLE_S: a session unused this long ends
ABSOLUTE_S = 12 * 3600  # SESSION_ABSOLUTE_S: a session ends this long after sign-in, used or not


def start(session, user: User) -> None:
    """Mark a fresh session with the user's session version and the sign-in time."""
    now = int(time.time())
    session["sv"] = user.session_version
    session["login_at"] = now
    session["seen_at"] = now


def is_live(session, user: User, config) -> bool:
    """True while the session's version matches the user's and neither lifetime has run out; refreshes seen_at."""
    now = int(time.time())
    login_at, seen_at = session.get("login_at"), session.get("seen_at")
    if session.get("sv") != user.session_version or not isinstance(login_at, int) or not isinstance(seen_at, int):
        return False
    if now - login_at > config.get("SESSION_ABSOLUTE_S", ABSOLUTE_S):
        return False
    if now - seen_at > config.get("SESSION_IDLE_S", IDLE_S):
        return False
    if now - seen_at >= 60:  # rewrite the cookie at most once a minute
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


def limiter_storage_uri(app: Flask) -> str:
    """Where the sign-in limits count (hook for a shared storage across workers and hosts; default memory)."""
    return app.config.get("RATELIMIT_STORAGE_URI") or "memory://"


def init_app(app: Flask) -> None:
    """TRUSTED_PROXIES = n: trust n proxies' X-Forwarded-For/-Proto/-Host (werkzeug's ProxyFix); 0 by default."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
