"""Back up and restore the atlas's data as one archive (tar.gz with a manifest). Flask-free.

An archive holds one section per *part* of the data (see atlas/backup/parts.py: the layer files, the
SQLite user/history store; a database store adds its own part with dump/verify/restore). Backup and
restore hold every layer's lock, taken in one fixed order, so a writer that holds a layer's lock while it
replaces the file and records its history row is either wholly in the archive or not at all.
Restore verifies the whole archive (manifest, every member's sha256, every part's own checks) in a
scratch directory before it changes anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from atlas.errors import AtlasError
from atlas.layerfile import DEFAULT_LOCK_TIMEOUT
from atlas.stores.base import BackupPart, Store

FORMAT = "qijiang-atlas-backup"
BACKUP_SCHEMA = 1
MANIFEST = "manifest.json"
MAX_MEMBERS = 10_000
SAFE_MEMBER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*$")


class BackupRefused(AtlasError):
    """An archive that cannot be restored (truncated, tampered, invalid or from a newer schema); nothing changed."""

    status = 422


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _members(staging: Path) -> dict[str, dict]:
    files = sorted(p for p in staging.rglob("*") if p.is_file())
    return {p.relative_to(staging).as_posix(): {"sha256": sha256_file(p), "bytes": p.stat().st_size} for p in files}


def create_backup(
    dest: str | os.PathLike,
    parts: list[BackupPart],
    store: Store,
    *,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    now: datetime | None = None,
) -> dict:
    """Write one archive of every part to ``dest`` (atomically) and return its manifest."""
    dest = Path(dest)
    with tempfile.TemporaryDirectory(prefix=".qj-backup-", dir=dest.parent) as tmp:
        staging = Path(tmp) / "staging"
        staging.mkdir()
        with store.locked(store.catalog.ids(), lock_timeout):
            sections = {part.name: part.dump(staging) for part in parts}
        sections = {part.name: part.describe(staging, sections[part.name]) for part in parts}  # locks released
        manifest = {
            "format": FORMAT,
            "schema": BACKUP_SCHEMA,
            "created": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
            "data_version": sections.get("layers", {}).get("data_version"),
            "parts": sections,
            "members": _members(staging),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        partial = Path(tmp) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(staging / MANIFEST, MANIFEST)
            for name in manifest["members"]:
                archive.add(staging / name, name)
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, dest)
    return manifest


def _unpack(archive_path: Path, staging: Path) -> None:
    """Read every member into ``staging``; a truncated or malformed archive raises BackupRefused."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            for count, member in enumerate(archive):
                if count >= MAX_MEMBERS:
                    raise BackupRefused(f"{archive_path.name} has more than {MAX_MEMBERS} members")
                if not member.isfile() or not SAFE_MEMBER.match(member.name) or ".." in member.name.split("/"):
                    raise BackupRefused(f"{archive_path.name} has an unexpected member {member.name!r}")
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as source, open(target, "wb") as out:
                    while block := source.read(1 << 20):
                        out.write(block)
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise BackupRefused(
            f"{archive_path.name} is not a complete backup archive (truncated or corrupt?): {exc}; nothing was changed"
        ) from None


def _manifest(staging: Path, name: str) -> dict:
    try:
        manifest = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupRefused(f"{name} has no readable {MANIFEST}: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupRefused(f"{name} is not a Qijiang Atlas backup (no {FORMAT!r} manifest)")
    schema = manifest.get("schema")
    if not isinstance(schema, int) or schema < 1:
        raise BackupRefused(f"{name}: the manifest has no valid schema number ({schema!r})")
    if schema > BACKUP_SCHEMA:
        raise BackupRefused(
            f"{name} was written by a newer Qijiang Atlas (backup schema {schema}; this version "
            f"restores schema {BACKUP_SCHEMA} and older). Upgrade the atlas, then restore."
        )
    return manifest


def _check_members(staging: Path, manifest: dict, name: str) -> None:
    listed = manifest.get("members")
    if not isinstance(listed, dict):
        raise BackupRefused(f"{name}: the manifest lists no members")
    present = set(_members(staging)) - {MANIFEST}
    if present != set(listed):
        missing, extra = sorted(set(listed) - present), sorted(present - set(listed))
        raise BackupRefused(f"{name} does not match its manifest: missing {missing}, unlisted {extra}")
    for member, meta in listed.items():
        if not isinstance(meta, dict) or sha256_file(staging / member) != meta.get("sha256"):
            raise BackupRefused(f"{name}: {member} does not match its sha256 in the manifest (tampered or damaged)")


def verify_backup(archive_path: str | os.PathLike, parts: list[BackupPart], staging: Path) -> dict:
    """Unpack and check an archive completely into ``staging``; return its manifest or raise BackupRefused."""
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupRefused(f"{archive_path} does not exist or is not a file")
    _unpack(archive_path, staging)
    manifest = _manifest(staging, archive_path.name)
    _check_members(staging, manifest, archive_path.name)
    sections = manifest.get("parts") or {}
    problems = []
    for part in parts:
        if part.name not in sections:
            problems.append(f"the archive has no {part.name!r} section")
            continue
        problems += [f"{part.name}: {p}" for p in part.verify(staging, sections[part.name])]
    unknown = sorted(set(sections) - {part.name for part in parts})
    if unknown:
        problems.append(f"the archive has parts this atlas cannot restore: {', '.join(unknown)}")
    if problems:
        raise BackupRefused(f"{archive_path.name} cannot be restored; nothing was changed: " + "; ".join(problems))
    return manifest


def restore_backup(
    archive_path: str | os.PathLike,
    parts: list[BackupPart],
    store: Store,
    *,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    check_only: bool = False,
) -> tuple[dict, list[str]]:
    """Verify ``archive_path`` completely, then (unless ``check_only``) replace every part's data under the locks.

    Returns the manifest and notes for the operator; raises BackupRefused (nothing changed) on any problem.
    """
    with tempfile.TemporaryDirectory(prefix="qj-restore-") as tmp:
        staging = Path(tmp)
        manifest = verify_backup(archive_path, parts, staging)
        if check_only:
            return manifest, []
        notes: list[str] = []
        with store.locked(store.catalog.ids(), lock_timeout):
            for part in parts:
                notes += part.restore(staging, manifest["parts"][part.name])
    return manifest, notes
