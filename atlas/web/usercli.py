"""Account commands: create-user, set-password, set-role, deactivate-user (the password policy applies)."""

from __future__ import annotations

import logging
import sys

import click
from flask import Flask
from flask.cli import with_appcontext

from atlas.curation import accounts
from atlas.errors import AtlasError
from atlas.web.db import get_db
from atlas.web.extension import get_store

log = logging.getLogger("atlas.auth")
PASSWORD_STDIN = click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of standard input."
)


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
@PASSWORD_STDIN
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
    log.info("account %r created (%s)", user.name, user.role)
    click.echo(f"created {user.role} {user.name!r} ({scope})")


@click.command("set-password")
@click.argument("name")
@PASSWORD_STDIN
@with_appcontext
def set_password_command(name: str, password_stdin: bool) -> None:
    """Give account NAME a new password (asked for, or read from stdin); its sessions and API tokens end."""
    try:
        accounts.set_password(get_db(), name, _read_password(password_stdin))
    except AtlasError as exc:
        raise click.ClickException(exc.message) from None
    log.info("account %r: password set, sessions and tokens ended", name)
    click.echo(f"password of {name!r} set; its sessions and API tokens have ended")


@click.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice(accounts.ROLES))
@with_appcontext
def set_role_command(name: str, role: str) -> None:
    """Give account NAME the ROLE editor or admin; its sessions and API tokens end."""
    try:
        accounts.set_role(get_db(), name, role)
    except AtlasError as exc:
        raise click.ClickException(exc.message) from None
    log.info("account %r: role set to %s, sessions and tokens ended", name, role)
    click.echo(f"{name!r} is now {role}; its sessions and API tokens have ended")


@click.command("deactivate-user")
@click.argument("name")
@with_appcontext
def deactivate_user_command(name: str) -> None:
    """Deactivate account NAME: it cannot sign in, its sessions and API tokens end (its history stays)."""
    try:
        accounts.deactivate_user(get_db(), name)
    except AtlasError as exc:
        raise click.ClickException(exc.message) from None
    log.info("account %r deactivated, sessions and tokens ended", name)
    click.echo(f"{name!r} deactivated; its sessions and API tokens have ended")


def init_app(app: Flask) -> None:
    """Register the account commands."""
    for command in (create_user_command, set_password_command, set_role_command, deactivate_user_command):
        app.cli.add_command(command)
