"""An editor's account page (personal API tokens) and the create-user command."""

from __future__ import annotations

import sys

import click
from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_login import current_user

from atlas.curation import accounts
from atlas.errors import AtlasError, BadParameter
from atlas.web.auth import editor_page
from atlas.web.db import get_db
from atlas.web.extension import get_store

bp = Blueprint("account", __name__)


@bp.get("/account")
@editor_page
def account():
    """The signed-in user's role, layers and API tokens."""
    user = current_user.user
    return render_template("auth/account.html", user=user, tokens=accounts.list_tokens(get_db(), user), new_token=None)


@bp.post("/account/tokens")
@editor_page
def create_token():
    """Create a personal API token; it is shown once, only its hash is stored."""
    user = current_user.user
    token = accounts.create_token(get_db(), user, request.form.get("label", ""))
    return render_template(
        "auth/account.html", user=user, tokens=accounts.list_tokens(get_db(), user), new_token=token
    ), 201


@bp.post("/account/tokens/<int:token_id>/revoke")
@editor_page
def revoke_token(token_id: int):
    """Revoke one of the user's tokens."""
    user = current_user.user
    if not accounts.revoke_token(get_db(), user, token_id):
        raise BadParameter(f"no active token {token_id} of yours", parameter="token")
    flash(_("令牌已撤销"))
    return redirect(url_for("account.account"))


def _read_password(stdin: bool) -> str:
    if stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.command("create-user")
@click.argument("name")
@click.option(
    "--role", type=click.Choice(accounts.ROLES), required=True, help="editor or admin (admins edit every layer)."
)
@click.option("--layers", default=None, help="Limit an editor to these layer ids (comma-separated); default: all.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@with_appcontext
def create_user_command(name: str, role: str, layers: str | None, password_stdin: bool) -> None:
    """Create an account NAME; the password is asked for (or read from stdin), stored as a scrypt hash."""
    store = get_store()
    layer_ids = [x.strip() for x in (layers or "").split(",") if x.strip()]
    try:
        for layer_id in layer_ids:
            store.catalog.get(layer_id)
        user = accounts.create_user(get_db(), name, _read_password(password_stdin), role, layer_ids or None)
    except AtlasError as exc:
        raise click.ClickException(exc.message) from None
    scope = ", ".join(user.layers) if user.layers else "all layers"
    click.echo(f"created {user.role} {user.name!r} ({scope})")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(create_user_command)
