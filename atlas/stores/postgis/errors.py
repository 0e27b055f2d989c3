"""What goes wrong between the atlas and its PostGIS database, as typed errors (HTTP 503)."""

from __future__ import annotations

from atlas.errors import AtlasError


class DatabaseUnavailable(AtlasError):
    """The PostGIS database cannot be reached (down, unreachable or refusing connections)."""

    status = 503


class SchemaMismatch(AtlasError):
    """The database holds no atlas schema, or one this version does not know."""

    status = 503


def unavailable(exc: Exception) -> DatabaseUnavailable:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return DatabaseUnavailable(
        f"the database (QIJIANG_DATABASE_URL) cannot be reached: {first[:200]}; "
        "the atlas answers again as soon as it is back"
    )
