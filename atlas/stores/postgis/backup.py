"""The layers part of a backup archive when they live in PostGIS: the same members as the file store's."""

from __future__ import annotations

from pathlib import Path

from atlas.stores.filebackup import LayerFiles


class PostgisLayers(LayerFiles):
    """Every declared layer read from PostGIS in one snapshot; restored in ONE transaction (all or none).

    The archive holds the same ``layers/<file>`` members and manifest section as LayerFiles, so an
    archive of either store restores into the other; describe and verify are LayerFiles' own.
    """

    kept_as = "in the database"

    def __init__(self, store) -> None:
        super().__init__(store.catalog, store.data_dir)
        self.store = store

    def read_all(self) -> dict[str, bytes]:
        """Layer id -> its bytes as of one REPEATABLE READ snapshot (the caller holds every layer lock)."""
        return self.store.snapshot()

    def restore(self, staging: Path, section: dict) -> list[str]:
        """Replace every archived layer in one database transaction; layers not in the archive are left."""
        layers, notes = self.archived(staging, section)
        self.store.replace_all(layers)
        return notes
