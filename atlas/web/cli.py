"""Flask CLI commands: check-data (and import-layer)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from atlas.validate import check_catalog_data
from atlas.web.extension import get_store


@click.command("check-data")
@with_appcontext
def check_data_command() -> None:
    """Validate every layer file against its declaration; exit 1 if anything is wrong."""
    store = get_store()
    problems = check_catalog_data(store.catalog, store.data_dir)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise SystemExit(f"check-data: {len(problems)} problem(s) in {store.data_dir}")
    click.echo(f"check-data: {len(store.catalog)} layers OK in {store.data_dir}")


def init_app(app: Flask) -> None:
    """Register the atlas CLI commands."""
    app.cli.add_command(check_data_command)
