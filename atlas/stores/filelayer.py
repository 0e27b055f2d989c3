"""Read one layer file: parse, validate, and stamp it so the file store notices when it changes on disk."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from atlas.catalog import LayerSpec
from atlas.stores.layerdata import LayerData, served_layer
from atlas.validate import check_collection

SOURCES_FILE = "sources.toml"  # the register of cited sources, beside the layer files


def stamp(path: Path) -> tuple:
    try:
        st = path.stat()
    except FileNotFoundError:
        return ("missing",)
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def read_layer(spec: LayerSpec, data_dir: Path) -> LayerData:
    """Read and validate one layer file; a missing or broken file gives ok=False with the reason."""
    path = data_dir / spec.source_file
    version = stamp(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return LayerData(spec, False, f"cannot read {spec.source_file}: {exc.strerror or exc}", stamp=version)
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return LayerData(spec, False, f"{spec.source_file} is not valid UTF-8 JSON: {exc}", stamp=version)
    problems = check_collection(obj, spec)
    if problems:
        reason = f"{spec.source_file} has {len(problems)} problem(s); first: {problems[0]}"
        return LayerData(spec, False, reason, stamp=version, problems=problems)
    return served_layer(spec, obj, version)


def load_sources(data_dir: str | Path) -> list[dict]:
    """The source register (``sources.toml`` beside the layer files); empty when the data has none."""
    path = Path(data_dir) / SOURCES_FILE
    if not path.exists():
        return []
    return tomllib.loads(path.read_text(encoding="utf-8")).get("source", [])
