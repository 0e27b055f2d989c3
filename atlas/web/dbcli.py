"""Flask CLI commands for the PostGIS store: db-init (schema) and db-load (geodata/ files into the database)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from atlas.errors import AtlasError
from atlas.stores.filelayer import read_layer
from atlas.web.extension import get_store


def _database_store():
    store = get_store()
    if store.database is None:
        raise click.ClickException(
            "QIJIANG_DATABASE_URL is not set: layers are served from files, there is no database"
        )
    return store


@click.command("db-init")
@with_appcontext
def db_init_command() -> None:
    """Create the PostGIS extension and the atlas tables in QIJIANG_DATABASE_URL (safe to run again)."""
    store = _database_store()
    try:
        click.echo(f"db-init: {store.init_schema()}")
    except AtlasError as exc:
        raise click.ClickException(exc.message) from None


@click.command("db-load")
@click.option("--layer", "layer_ids", multiple=True, help="Load only this layer (repeatable); default: every layer.")
@click.option("--from", "source_dir", default=None, help="Folder of layer files (default: GEODATA_DIR).")
@click.option(
    "--cluster",
    is_flag=True,
    help="Then rewrite the features table in geometry order (CLUSTER; locks it while it runs) and ANALYZE it.",
)
@with_appcontext
def db_load_command(layer_ids, source_dir, cluster) -> None:
    """Validate each layer file (as check-data does), then replace that layer in the database in one transaction."""
    store = _database_store()
    folder = Path(source_dir or current_app.config["GEODATA_DIR"])
    specs = [store.catalog.get(lid) for lid in layer_ids] if layer_ids else list(store.catalog)
    refused = []
    for spec in specs:
        data = read_layer(spec, folder)
        if not data.ok:
            refused.append(spec.id)
            click.echo(f"db-load: {spec.id} refused, nothing written for it: {data.reason}", err=True)
            continue
        try:
            with store.writer(spec.id) as layer:
                layer.replace((folder / spec.source_file).read_bytes())
        except AtlasError as exc:
            raise click.ClickException(f"db-load: {spec.id}: {exc.message}") from None
        click.echo(f"db-load: {spec.id}: {len(data.features)} features from {spec.source_file}")
    if cluster:
        click.echo(f"db-load: {store.optimize()}")
    if refused:
        raise click.ClickException(f"db-load: {len(refused)} layer(s) refused: {', '.join(refused)}")


def init_app(app: Flask) -> None:
    """Register the database commands (they refuse to run without QIJIANG_DATABASE_URL)."""
    app.cli.add_command(db_init_command)
    app.cli.add_command(db_load_command)
