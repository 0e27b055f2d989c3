"""An editor's account page: personal API tokens (shown once, never cached)."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from atlas.curation import accounts
from atlas.errors import AtlasError
from atlas.web import usercli
from atlas.web.auth import editor_page
from atlas.web.db import get_db

bp = Blueprint("account", __name__)


class UnknownToken(AtlasError):
    """A token id that names none of the signed-in user's active tokens."""

    status = 404


@bp.get("/account")
@editor_page
def account():
    """The signed-in user's role, layers and API tokens."""
    user = current_user.user
    return render_template("auth/account.html", user=user, tokens=accounts.list_tokens(get_db(), user), new_token=None)


@bp.post("/account/tokens")
@editor_page
def create_token():
    """Create a personal API token; it is shown once (the page is not stored by any cache), only its hash is kept."""
    user = current_user.user
    token = accounts.create_token(get_db(), user, request.form.get("label", ""))
    page = render_template("auth/account.html", user=user, tokens=accounts.list_tokens(get_db(), user), new_token=token)
    return page, 201, {"Cache-Control": "no-store"}


@bp.post("/account/tokens/<int:token_id>/revoke")
@editor_page
def revoke_token(token_id: int):
    """Revoke one of the user's tokens."""
    user = current_user.user
    if not accounts.revoke_token(get_db(), user, token_id):
        raise UnknownToken(f"no active token {token_id} of yours")
    flash(_("令牌已撤销"))
    return redirect(url_for("account.account"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    usercli.init_app(app)
