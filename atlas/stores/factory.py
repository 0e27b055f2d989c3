"""Open the store a configuration asks for: the only place that chooses between the kinds of store."""

from __future__ import annotations

from collections.abc import Mapping

from atlas.catalog import Catalog
from atlas.stores.base import Store
from atlas.stores.files import FileStore


def open_store(catalog: Catalog, config: Mapping) -> Store:
    """The PostGIS store when DATABASE_URL is set (connections open on first use), else the file store."""
    url = config.get("DATABASE_URL")
    if not url:
        return FileStore(catalog, config["GEODATA_DIR"])
    from atlas.stores.postgis.store import PostgisStore  # psycopg is only imported when a database is configured

    return PostgisStore(
        catalog,
        url,
        config["GEODATA_DIR"],
        pool_max=int(config.get("DATABASE_POOL_MAX", 4)),
        timeout_s=float(config.get("DATABASE_TIMEOUT_S", 5)),
    )
