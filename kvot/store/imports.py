"""Import a file into the workspace: read and validate it whole, then write it in one transaction.

A file with any bad row raises :class:`kvot.errors.ImportRejected` before anything is written.
Every import, even one that changed nothing, is recorded in ``_kvot_imports``.
"""
from __future__ import annotations

import hashlib
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from kvot import progress
from kvot.config import Settings
from kvot.errors import KvotError
from kvot.ingest import read_records
from kvot.ingest.columnar import refusal, try_columnar
from kvot.ingest.staged import Scratch, Staged
from kvot.store import tables
from kvot.store.roster import Roster
from kvot.store.schema import VERSIONED

KINDS = ("deals", "quotas", "reps", "teams", "credits", "fx")


@dataclass(frozen=True)
class ImportResult:
    import_id: int
    kind: str
    file: str
    rows_read: int
    rows_changed: int
    notes: list[str] = field(default_factory=list)
    rows_rejected: int = 0


def checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def next_import_id(workspace) -> int:
    return workspace.execute("SELECT coalesce(max(import_id), 0) + 1 FROM _kvot_imports")[0][0]


def import_file(workspace, kind: str, path: Path | str, settings: Settings,
                sheet: str | None = None, columnar: bool = True) -> ImportResult:
    """Read ``path`` as ``kind`` and write it; all or nothing.

    A CSV of deals is read column-wise (``kvot.ingest.columnar``) unless ``columnar`` is
    False or the columnar reader refuses it; then it is read row by row. Both give the same
    workspace rows, notes and errors.
    """
    path = Path(path)
    staging = columnar and refusal(kind, path, settings, sheet) is None
    with workspace.scratch() if staging else nullcontext() as scratch:
        result = read_file(kind, path, settings, sheet, scratch)
        return _write(workspace, kind, path, result)


def _write(workspace, kind: str, path: Path, result) -> ImportResult:
    records, roster = result.records, Roster.load(workspace)
    if isinstance(records, Staged):  # names resolved, unchanged deals left out
        records = tables.PREPARERS[kind](workspace, records, roster, path.name)
        writer = tables.TABLE_WRITERS[kind]
    else:
        writer = tables.WRITERS[kind]
    notes = list(result.notes)
    writing = progress.task(f"writing {kind} to the workspace", len(records), "rows")
    with writing, workspace.transaction():
        import_id = next_import_id(workspace)
        changed = writer(workspace, records, roster, import_id, path.name)
        notes += roster.notes()
        workspace.execute(
            "INSERT INTO _kvot_imports (import_id, kind, file, checksum, rows_read, rows_changed, "
            "notes, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, current_timestamp)",
            [import_id, kind, str(path), result.checksum or checksum(path), result.rows_read, changed, "\n".join(notes)])
        record_rejects(workspace, import_id, result.rejects)
        writing.update(completed=len(records))
    workspace.analyze(written_tables(kind))
    return ImportResult(import_id, kind, str(path), result.rows_read, changed, notes,
                        len({(e.file, e.line) for e in result.rejects}))  # rows, not errors


def written_tables(kind: str) -> tuple[str, ...]:
    """The tables an import of ``kind`` may change, with their history tables."""
    changed = tables.WRITES[kind]
    return changed + tuple(f"_kvot_history_{t}" for t in changed if t in VERSIONED)


def read_file(kind: str, path: Path, settings: Settings, sheet: str | None,
              scratch: Scratch | None):
    """The file's records, staged column-wise in ``scratch`` when it can be (see
    :func:`import_file`), else read row by row; the progress counts the file's bytes, all of
    them once it is read."""
    size = file_size(path)
    with progress.task(f"reading {path.name}", size, "bytes") as reading:
        result = try_columnar(kind, path, settings, sheet, scratch)[0] if scratch else None
        if result is None:
            result = read_records(kind, path, settings, sheet=sheet)
        reading.update(completed=size)
    return result


def file_size(path: Path) -> int | None:
    """Bytes in ``path``; None when it cannot be read (the reader says why)."""
    try:
        return path.stat().st_size
    except OSError:
        return None


def record_rejects(workspace, import_id: int, rejects) -> None:
    workspace.executemany(
        "INSERT INTO _kvot_rejects VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(import_id, e.file, e.line, e.column, e.value, e.reason, e.fix) for e in rejects])


REJECT_COLUMNS = ("import_id", "file", "line", "column", "value", "reason", "fix")
IMPORT_COLUMNS = ("import_id", "kind", "file", "checksum", "rows_read", "rows_changed",
                  "rows_rejected", "imported_at", "undone_at")


def rejects(workspace, import_id: int | None = None) -> list[dict]:
    """Rows set aside by imports with ``on_error = "skip"`` (of one import, or all)."""
    if import_id is not None and not workspace.execute(
            "SELECT 1 FROM _kvot_imports WHERE import_id = ?", [import_id]):
        raise KvotError(f"there is no import #{import_id}; see kvot imports")
    where, params = ("WHERE import_id = ?", [import_id]) if import_id is not None else ("", [])
    rows = workspace.execute(
        "SELECT import_id, file, line, column_name, value, reason, fix FROM _kvot_rejects "
        f"{where} ORDER BY import_id, line", params)
    return [dict(zip(REJECT_COLUMNS, r)) for r in rows]


def imports(workspace) -> list[dict]:
    rows = workspace.execute(
        "SELECT i.import_id, kind, i.file, checksum, rows_read, rows_changed, "
        "(SELECT count(*) FROM (SELECT DISTINCT r.file, r.line FROM _kvot_rejects r "
        "WHERE r.import_id = i.import_id) AS x), imported_at, "
        "undone_at FROM _kvot_imports i ORDER BY i.import_id")
    return [dict(zip(IMPORT_COLUMNS, r)) for r in rows]
