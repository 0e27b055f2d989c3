"""The PostGIS store's tile cluster tables: atlas.tiles.clusters' rule applied to a layer, in the writer's transaction."""

from __future__ import annotations

import numpy as np
import psycopg

from atlas.stores.postgis import sql as pgsql
from atlas.stores.postgis.errors import SchemaMismatch
from atlas.tiles.clusters import CLUSTER_BELOW_ZOOM, gather


def build_clusters(conn: psycopg.Connection, layer_id: str) -> None:
    """Replace the layer's cluster points and tile shapes with ones computed from its rows now, mark them current.

    Run inside the transaction that wrote the layer (``write_layer``), so readers never see rows and clusters of
    different versions. Features gathered at every zoom below CLUSTER_BELOW_ZOOM get no tile shape row.
    """
    rows = conn.execute(pgsql.ANCHORS, (layer_id,)).fetchall()
    pos, x, y, span_m = (np.array(col, dtype=float) for col in zip(*rows)) if rows else [np.zeros(0)] * 4
    found = gather(x, y, span_m)
    for clear in pgsql.CLEAR_CLUSTERS:
        conn.execute(clear, {"layer": layer_id})
    points = found.points
    conn.execute(
        pgsql.INSERT_CLUSTERS,
        {"layer": layer_id, **{name: points[name].tolist() for name in ("z", "col", "row", "count", "x", "y")}},
    )
    shown = found.gathered_to < CLUSTER_BELOW_ZOOM - 1
    conn.execute(
        pgsql.INSERT_SHAPES,
        {
            "layer": layer_id,
            "pos": pos[shown].astype(np.int64).tolist(),
            "gathered_to": found.gathered_to[shown].tolist(),
            "small_to": found.small_to[shown].tolist(),
            "x": x[shown].tolist(),
            "y": y[shown].tolist(),
        },
    )
    conn.execute(pgsql.MARK_CLUSTERED, (layer_id,))


def ensure_clusters(conn: psycopg.Connection, layer_id: str) -> None:
    """Rebuild the layer's cluster tables if they were not built for its current version (a write from outside).

    Every write through the store builds them in its own transaction; this only repairs rows changed by hand.
    """
    row = conn.execute(pgsql.CLUSTERED, (layer_id,)).fetchone()
    conn.rollback()  # end the implicit read transaction: the rebuild commits in a transaction of its own
    if row is None or row[0] == row[1]:
        return
    try:
        with conn.transaction():
            conn.execute(pgsql.LOCK_LAYER, (layer_id,))
            row = conn.execute(pgsql.CLUSTERED, (layer_id,)).fetchone()
            if row is not None and row[0] != row[1]:
                build_clusters(conn, layer_id)
    except psycopg.errors.ReadOnlySqlTransaction:
        raise SchemaMismatch(
            f"the tile clusters of layer {layer_id!r} are older than its rows and this database is read-only "
            "(a replica); write the layer through the atlas on the primary, or run `flask --app server db-init` there"
        ) from None
