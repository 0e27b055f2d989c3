"""Flask CLI commands: check-data (and import-layer)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from atlas import importer
from atlas.data_coverage import coverage, format_table
from atlas.datum import DATUMS
from atlas.errors import AtlasError
from atlas.layerfile import DEFAULT_LOCK_TIMEOUT
from atlas.web.extension import get_store


@click.command("check-data")
@with_appcontext
def check_data_command() -> None:
    """Validate every layer file against its declaration; exit 1 if anything is wrong."""
    store = get_store()
    problems = store.problems()
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise SystemExit(f"check-data: {len(problems)} problem(s) in {store.location}")
    click.echo(f"check-data: {len(store.catalog)} layers OK in {store.location}")
    rows = coverage(store)
    click.echo("\npositions by accuracy class (see /data):\n" + format_table(rows))
    for row in rows:
        for item in row.unplaced:
            click.echo(f"  unplaced {row.layer_id}/{item['id']} {item['name_zh']}: {item['reason']}")


@click.command("import-layer")
@click.argument("source")
@click.option("--layer", "layer_id", required=True, help="Target layer id (see layers/*.toml).")
@click.option(
    "--datum",
    type=click.Choice(DATUMS),
    default="wgs84",
    show_default=True,
    help="Datum of lon/lat coordinates: GCJ-02 (AMap, Tencent) and BD-09 (Baidu) are converted to WGS-84.",
)
@click.option("--where", default=None, help="OGR SQL attribute filter, e.g. \"railway = 'station'\".")
@click.option("--map-fields", default=None, help="Rename source columns: src:dst,src2:dst2.")
@click.option(
    "--default",
    "defaults",
    multiple=True,
    metavar="PROPERTY=VALUE",
    help="Value for a property where the source has none (repeatable).",
)
@click.option("--source-layer", default=None, help="Layer to read from a multi-layer source.")
@click.option("--skip-invalid", is_flag=True, help="Write the valid features and skip the rejected ones.")
@click.option("--dry-run", is_flag=True, help="Read and validate only; write nothing.")
@click.option(
    "--lock-timeout",
    type=float,
    default=DEFAULT_LOCK_TIMEOUT,
    show_default=True,
    help="Seconds to wait for another import of the same layer.",
)
@with_appcontext
def import_layer_command(
    source, layer_id, datum, where, map_fields, defaults, source_layer, skip_invalid, dry_run, lock_timeout
) -> None:
    """Import SOURCE (GeoJSON, GeoPackage, Shapefile, /vsizip/..., KML, FlatGeobuf, CSV, OSM) as a layer file."""
    store = get_store()
    try:
        spec = store.catalog.get(layer_id)
        report = importer.import_layer(
            source,
            spec,
            store,
            datum=datum,
            where=where,
            field_map=importer.parse_field_map(map_fields),
            defaults=importer.parse_defaults(defaults),
            source_layer=source_layer,
            skip_invalid=skip_invalid,
            dry_run=dry_run,
            lock_timeout=lock_timeout,
            other_ids=store.ids_in_other_layers(layer_id),
        )
    except importer.ImportRefused as exc:
        for rejection in exc.report.rejected:
            click.echo(f"rejected {rejection}", err=True)
        raise click.ClickException(exc.message) from None
    except AtlasError as exc:
        raise click.ClickException(exc.message) from None
    for rejection in report.rejected:
        click.echo(f"skipped {rejection}", err=True)
    if report.ignored_columns:
        click.echo(f"ignored source columns (not declared by {layer_id}): {', '.join(report.ignored_columns)}")
    click.echo(report.summary())


def init_app(app: Flask) -> None:
    """Register the atlas CLI commands."""
    app.cli.add_command(check_data_command)
    app.cli.add_command(import_layer_command)
