"""The layers part of a backup archive in the file store: every declared layer's file, restored atomically."""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from atlas.catalog import Catalog
from atlas.layerfile import replace_file_locked
from atlas.stores.filelayer import read_layer
from atlas.stores.layerdata import version_of


class LayerFiles:
    """Every declared layer's GeoJSON file in the file store (``geodata/``), restored by the atomic writer."""

    name = "layers"
    kept_as = "its file"

    def __init__(self, catalog: Catalog, data_dir: str | os.PathLike) -> None:
        self.catalog = catalog
        self.data_dir = Path(data_dir)

    def dump(self, staging: Path) -> dict:
        """Copy every layer as it is now (the caller holds every layer lock); validation comes later."""
        folder = staging / self.name
        folder.mkdir()
        layers = self.read_all()
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

    def read_all(self) -> dict[str, bytes]:
        """Layer id -> the bytes of its file; a missing file is left out."""
        layers = {}
        for spec in self.catalog:
            with contextlib.suppress(FileNotFoundError):
                layers[spec.id] = (self.data_dir / spec.source_file).read_bytes()
        return layers

    def describe(self, staging: Path, section: dict) -> dict:
        """Add each copy's ETag and validity and the data version (as the store's version() gives it)."""
        folder = staging / self.name
        for entry in section["layers"]:
            if not entry.get("missing"):
                data = read_layer(self.catalog.get(entry["id"]), folder)
                entry.update(etag=data.etag or None, valid=data.ok, reason=data.reason or None)
        section["data_version"] = version_of(read_layer(spec, folder).summary() for spec in self.catalog)
        return section

    def verify(self, staging: Path, section: dict) -> list[str]:
        """Every archived layer is declared here under the same file name and validates (unless it was broken when saved)."""
        problems = []
        declared = {spec.id: spec for spec in self.catalog}
        for entry in section.get("layers", []):
            spec = declared.get(entry.get("id"))
            if spec is None:
                problems.append(f"layer {entry.get('id')!r} is not declared in this atlas (layers/*.toml)")
            elif entry.get("file") != spec.source_file:
                problems.append(
                    f"layer {spec.id!r} is {entry.get('file')!r} in the archive but {spec.source_file!r} here"
                )
            elif entry.get("missing"):
                continue
            elif not (staging / self.name / spec.source_file).is_file():
                problems.append(f"layer {spec.id!r}: {self.name}/{spec.source_file} is not in the archive")
            elif entry.get("valid") is not False:
                data = read_layer(spec, staging / self.name)
                if not data.ok:
                    problems.append(f"layer {spec.id!r} does not validate: {data.reason}")
        return problems

    def restore(self, staging: Path, section: dict) -> list[str]:
        """Replace each archived layer file atomically (the caller holds every layer lock)."""
        layers, notes = self.archived(staging, section)
        for layer_id, data in layers.items():
            replace_file_locked(self.data_dir / self.catalog.get(layer_id).source_file, data)
        return notes

    def archived(self, staging: Path, section: dict) -> tuple[dict[str, bytes], list[str]]:
        """Layer id -> archived bytes, and notes on layers the archive lacks or holds invalid (left / kept)."""
        notes, layers = [], {}
        archived = {entry["id"]: entry for entry in section.get("layers", [])}
        for spec in sorted(self.catalog, key=lambda s: s.id):
            entry = archived.get(spec.id)
            if entry is None or entry.get("missing"):
                notes.append(f"layer {spec.id}: not in the archive; left as it is ({self.kept_as})")
                continue
            layers[spec.id] = (staging / self.name / spec.source_file).read_bytes()
            if entry.get("valid") is False:
                notes.append(f"layer {spec.id}: restored as archived, which was already invalid: {entry.get('reason')}")
        return layers, notes
