"""The layers part of a backup archive when they live in PostGIS: the same members as the file store's."""

from __future__ import annotations

import hashlib
from pathlib import Path

from atlas.backup_parts import LayerFiles


class PostgisLayers(LayerFiles):
    """Every declared layer read from PostGIS in one snapshot; restored in ONE transaction (all or none).

    The archive holds the same ``layers/<file>`` members and manifest section as LayerFiles, so an
    archive of either store restores into the other; describe and verify are LayerFiles' own.
    """

    def __init__(self, store) -> None:
        super().__init__(store.catalog, store.data_dir)
        self.store = store

    def dump(self, staging: Path) -> dict:
        """Write each layer as of one REPEATABLE READ snapshot (the caller holds every layer lock)."""
        folder = staging / self.name
        folder.mkdir()
        layers = self.store.snapshot()
        entries = []
        for spec in sorted(self.catalog, key=lambda s: s.id):
            data = layers.get(spec.id)
            if data is None:
                entries.append({"id": spec.id, "file": spec.source_file, "missing": True})
                continue
            (folder / spec.source_file).write_bytes(data)
            entries.append(
                {
                    "id": spec.id,
                    "file": spec.source_file,
                    "member": f"{self.name}/{spec.source_file}",
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "bytes": len(data),
                }
            )
        return {"layers": entries}

    def restore(self, staging: Path, section: dict) -> list[str]:
        """Replace every archived layer in one database transaction; layers not in the archive are left."""
        notes = []
        layers = {}
        archived = {entry["id"]: entry for entry in section.get("layers", [])}
        for spec in sorted(self.catalog, key=lambda s: s.id):
            entry = archived.get(spec.id)
            if entry is None or entry.get("missing"):
                notes.append(f"layer {spec.id}: not in the archive; left as it is in the database")
                continue
            layers[spec.id] = (staging / self.name / spec.source_file).read_bytes()
            if entry.get("valid") is False:
                notes.append(f"layer {spec.id}: restored as archived, which was already invalid: {entry.get('reason')}")
        self.store.replace_all(layers)
        return notes
