"""Sign-in for editors: sessions (Flask-Login), personal API tokens, CSRF (Flask-WTF), login rate limit (Flask-Limiter)."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import tempfile
from functools import wraps
from pathlib import Path

from flask import Blueprint, Flask, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_limiter import Limiter
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from atlas.curation import accounts
from atlas.errors import AtlasError
from atlas.web import sessions
from atlas.web.db import get_db

bp = Blueprint("auth", __name__)
log = logging.getLogger("atlas.auth")
csrf = CSRFProtect()
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class NotSignedIn(AtlasError):
    """No session and no valid personal API token."""

    status = 401
    challenge = 'Token realm="Qijiang Atlas"'


class Forbidden(AtlasError):
    """Signed in, but not allowed to do this (e.g. an editor limited to other layers)."""

    status = 403


class Account(UserMixin):
    """Flask-Login's view of an accounts.User."""

    def __init__(self, user: accounts.User) -> None:
        self.user = user
        self.id = user.id

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def role(self) -> str:
        return self.user.role


class LoginForm(FlaskForm):
    name = StringField(lazy_gettext("用户名"), validators=[DataRequired()])
    password = PasswordField(lazy_gettext("密码"), validators=[DataRequired()])


def load_user(user_id: str) -> Account | None:
    """The session's user, if the session is still live (atlas/web/sessions.py) and the account active."""
    user = accounts.get_user(get_db(), int(user_id)) if user_id.isdigit() else None
    if user is None or not sessions.is_live(session, user, current_app.config):
        return None
    return Account(user)


def load_user_from_token(req) -> Account | None:
    """A personal API token: ``Authorization: Token <token>`` or ``Bearer <token>`` (qjt_ tokens only)."""
    scheme, _sep, token = req.headers.get("Authorization", "").partition(" ")
    if scheme not in ("Token", "Bearer") or not token.startswith(accounts.TOKEN_PREFIX):
        return None
    user = accounts.user_for_token(get_db(), token.strip())
    if user is None:
        return None
    g.token_auth = True
    return Account(user)


def require_editor(layer_id: str | None = None) -> accounts.User:
    """The signed-in user (session or token); 401 without one, CSRF check for session writes, 403 off-layer."""
    if not current_user.is_authenticated:
        raise NotSignedIn("sign in, or send a personal API token (Authorization: Token <token>)")
    if request.method in UNSAFE_METHODS and not g.get("token_auth"):
        csrf.protect()
    user = current_user.user
    g.user_name = user.name  # the access log names the editor (atlas/web/reqlog.py)
    if layer_id is not None and not user.may_edit(layer_id):
        raise Forbidden(f"user {user.name!r} may not edit layer {layer_id!r}")
    return user


def editor_page(view):
    """For editors' HTML pages: a GET without a session goes to the sign-in page; anything else gets 401."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.method == "GET" and not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        require_editor()
        return view(*args, **kwargs)

    return wrapper


def _safe_next(target: str | None) -> str:
    return sessions.same_site_path(target) or url_for("pages.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with name and password (rate limited per client address and per account name)."""
    form = LoginForm()
    error, status = None, 200
    if form.validate_on_submit():
        user = accounts.authenticate(get_db(), form.name.data, form.password.data)
        if user is not None:
            session.clear()
            login_user(Account(user))
            sessions.start(session, user)
            log.info("sign-in %r from %s", user.name, sessions.client_address())
            return redirect(_safe_next(request.args.get("next")))
        log.warning("sign-in refused for %r from %s", form.name.data[:64], sessions.client_address())
        error, status = _("用户名或密码错误"), 401
    elif request.method == "POST":
        error, status = _("表单已过期或不完整，请重试"), 400
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
def logout():
    """Sign out (a POST with the CSRF token)."""
    user = require_editor()
    accounts.end_sessions(get_db(), user.id)  # every session of the user ends: a replayed cookie is refused
    logout_user()
    session.clear()
    return redirect(url_for("pages.index"))


def handle_csrf_error(exc: CSRFError):
    from atlas.web.extension import error_body

    return error_body(
        400,
        {
            "error": "CSRFError",
            "status": 400,
            "parameter": "X-CSRFToken",
            "message": f"{exc.description}: send the page's csrf-token as the X-CSRFToken header",
        },
    )


def handle_too_many(exc):
    from atlas.web.extension import error_body

    return error_body(
        429,
        {
            "error": "TooManyRequests",
            "status": 429,
            "message": f"too many attempts ({exc.description}); wait a minute and try again",
        },
    )


def _secret_key(app: Flask) -> str:
    """A per-installation secret in instance/secret_key (shared by every worker), made on first use.

    Written to a temp file and hard-linked into place, so workers starting together agree on one key.
    """
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
        try:
            os.write(fd, secrets.token_urlsafe(48).encode("ascii"))
            os.close(fd)
            os.chmod(tmp, 0o600)
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            os.unlink(tmp)
    return path.read_text(encoding="ascii").strip()


def init_app(app: Flask) -> None:
    """Sessions, CSRF, tokens and the login rate limit for this app."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(app.config.get("SESSION_SECURE")),
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,
    )
    csrf.init_app(app)
    manager = LoginManager(app)
    manager.user_loader(load_user)
    manager.request_loader(load_user_from_token)
    # per address (every POST), and per account name (failed sign-ins, from whatever address); counted per
    # process unless RATELIMIT_STORAGE_URI names a shared storage (issue 24)
    limiter = Limiter(
        sessions.client_address,
        app=app,
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        default_limits=[],
        headers_enabled=True,
    )
    limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])(bp)
    limiter.limit(
        lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"],
        key_func=sessions.account_key,
        methods=["POST"],
        exempt_when=lambda: request.endpoint != "auth.login",
        deduct_when=lambda response: response.status_code == 401,
    )(bp)
    sessions.init_app(app)
    app.register_blueprint(bp)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(429, handle_too_many)
