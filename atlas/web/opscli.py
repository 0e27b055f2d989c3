"""Flask CLI commands for operators: backup FILE and restore FILE (see docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from atlas.backup.archive import BackupRefused, create_backup, restore_backup
from atlas.backup.parts import SqliteStore
from atlas.errors import AtlasError
from atlas.layerfile import DEFAULT_LOCK_TIMEOUT
from atlas.web.extension import get_store


def backup_parts() -> list:
    """What an archive of this app holds, in restore order: all-or-nothing parts first (one SQLite transaction),
    then the layer files (each replaced atomically), so a failing restore most likely changes nothing."""
    return [SqliteStore(current_app.config["DATABASE"]), get_store().backup_part()]


# both commands wait the same way for writers to finish
LOCK_TIMEOUT_OPTION = click.option(
    "--lock-timeout",
    type=float,
    default=DEFAULT_LOCK_TIMEOUT,
    show_default=True,
    help="Seconds to wait for writers to release the layer locks.",
)


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@LOCK_TIMEOUT_OPTION
@with_appcontext
def backup_command(file, lock_timeout) -> None:
    """Write FILE (tar.gz): every layer file, the user/history store and a manifest; safe while the server runs."""
    store = get_store()
    if not Path(file).parent.is_dir():
        raise click.ClickException(f"{Path(file).parent} is not a directory")
    try:
        manifest = create_backup(file, backup_parts(), store, lock_timeout=lock_timeout)
    except AtlasError as exc:
        raise click.ClickException(exc.message) from None
    for entry in manifest["parts"]["layers"]["layers"]:
        if entry.get("missing") or entry.get("valid") is False:
            click.echo(
                f"warning: layer {entry['id']} is {'missing' if entry.get('missing') else 'invalid'} in this backup",
                err=True,
            )
    history = "with" if manifest["parts"]["history"]["present"] else "without (none yet)"
    click.echo(
        f"backup: {file}: {len(manifest['parts']['layers']['layers'])} layers, data version "
        f"{manifest['data_version']}, {history} user/history store"
    )


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--check", "check_only", is_flag=True, help="Verify the archive completely; change nothing.")
@LOCK_TIMEOUT_OPTION
@with_appcontext
def restore_command(file, check_only, lock_timeout) -> None:
    """Verify FILE completely, then replace the layers and the user/history store with its contents."""
    store = get_store()
    try:
        manifest, notes = restore_backup(file, backup_parts(), store, lock_timeout=lock_timeout, check_only=check_only)
    except BackupRefused as exc:
        raise click.ClickException(f"restore refused: {exc.message}") from None
    except AtlasError as exc:
        raise click.ClickException(exc.message) from None
    for note in notes:
        click.echo(f"note: {note}", err=True)
    what = "verified (nothing changed)" if check_only else "restored"
    click.echo(f"restore: {file} {what}: backup of {manifest['created']}, data version {manifest['data_version']}")


def init_app(app: Flask) -> None:
    """Register the operator commands."""
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
