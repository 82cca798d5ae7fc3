"""Import a file into the workspace: read and validate it whole, then write it in one transaction.

A file with any bad row raises :class:`kvot.errors.ImportRejected` before anything is written.
Every import, even one that changed nothing, is recorded in ``_kvot_imports``.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from kvot.config import Settings
from kvot.ingest import read_records
from kvot.store import tables
from kvot.store.roster import Roster

KINDS = ("deals", "quotas", "reps", "teams", "credits", "fx")


@dataclass(frozen=True)
class ImportResult:
    import_id: int
    kind: str
    file: str
    rows_read: int
    rows_changed: int
    notes: list[str] = field(default_factory=list)


def checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def next_import_id(workspace) -> int:
    return workspace.execute("SELECT coalesce(max(import_id), 0) + 1 FROM _kvot_imports")[0][0]


def import_file(workspace, kind: str, path: Path | str, settings: Settings,
                sheet: str | None = None) -> ImportResult:
    """Read ``path`` as ``kind`` and write it; all or nothing."""
    path = Path(path)
    result = read_records(kind, path, settings, sheet=sheet)
    notes = list(result.notes)
    with workspace.transaction():
        import_id = next_import_id(workspace)
        roster = Roster.load(workspace)
        changed = tables.WRITERS[kind](workspace, result.records, roster, import_id, path.name)
        notes += roster.notes()
        workspace.execute(
            "INSERT INTO _kvot_imports VALUES (?, ?, ?, ?, ?, ?, ?, current_timestamp)",
            [import_id, kind, str(path), checksum(path), result.rows_read, changed, "\n".join(notes)])
    return ImportResult(import_id, kind, str(path), result.rows_read, changed, notes)


def imports(workspace) -> list[dict]:
    rows = workspace.execute(
        "SELECT import_id, kind, file, rows_read, rows_changed, imported_at FROM _kvot_imports "
        "ORDER BY import_id")
    keys = ("import_id", "kind", "file", "rows_read", "rows_changed", "imported_at")
    return [dict(zip(keys, r)) for r in rows]
