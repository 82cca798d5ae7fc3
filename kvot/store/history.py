"""Every import is a version: recompute as of an earlier date, or take an import back.

Replaced rows live on in ``_kvot_history_<table>`` with ``superseded_by``, the import that
replaced them. The workspace as it stood after import ``k`` is, per table, the current rows of
imports up to ``k`` plus the history rows of imports up to ``k`` replaced after ``k``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import ibis
import pyarrow as pa

from kvot.errors import KvotError
from kvot.store import deal_hashes
from kvot.store.closure import closure_rows, rebuild_closure
from kvot.store.schema import VERSIONED


def import_as_of(workspace, when: date | datetime) -> int:
    """The last import recorded on or before ``when`` (a date means the end of that day)."""
    if getattr(workspace, "engine", None) == "spark":
        raise KvotError("--as-of recomputes from the imports log and the replaced rows, which "
                        "Parquet exports do not hold: run it on the DuckDB or PostgreSQL workspace")
    if not isinstance(when, datetime):
        when = datetime.combine(when + timedelta(days=1), time()) - timedelta(microseconds=1)
    found = workspace.execute(
        "SELECT max(import_id) FROM _kvot_imports WHERE imported_at <= ? AND undone_at IS NULL",
        [when])[0][0]
    if found is None:
        raise KvotError(f"nothing had been imported by {when:%Y-%m-%d %H:%M}; see kvot imports")
    return found


def table_as_of(workspace, name: str, import_id: int) -> ibis.Table:
    """Table ``name`` as it stood right after import ``import_id``."""
    current = workspace.table(name)
    past = workspace.table(f"_kvot_history_{name}")
    then = past.filter(past.import_id <= import_id, past.superseded_by > import_id)
    then = then.drop("superseded_by").cast(current.schema())
    return current.filter(current.import_id <= import_id).union(then)


def closure_as_of(teams: ibis.Table) -> ibis.Table:
    rows = teams.select("team_id", "parent_id").to_pyarrow().to_pylist()
    flat = closure_rows({r["team_id"]: r["parent_id"] for r in rows})
    return ibis.memtable(pa.table({
        "ancestor_id": pa.array([r[0] for r in flat], pa.string()),
        "team_id": pa.array([r[1] for r in flat], pa.string()),
        "depth": pa.array([r[2] for r in flat], pa.int32())}))


@dataclass(frozen=True)
class Undone:
    import_id: int
    removed: int
    restored: int


def undo_import(workspace, import_id: int) -> Undone:
    """Take import ``import_id`` back: its rows go, the rows it replaced return."""
    _check_undoable(workspace, import_id)
    removed = restored = 0
    with workspace.transaction():
        for name in VERSIONED:
            columns = ", ".join(workspace.table(name).columns)
            removed += workspace.execute(f"SELECT count(*) FROM {name} WHERE import_id = ?", [import_id])[0][0]
            workspace.execute(f"DELETE FROM {name} WHERE import_id = ?", [import_id])
            restored += workspace.execute(
                f"SELECT count(*) FROM _kvot_history_{name} WHERE superseded_by = ?", [import_id])[0][0]
            workspace.execute(f"INSERT INTO {name} SELECT {columns} FROM _kvot_history_{name} "
                              "WHERE superseded_by = ?", [import_id])
            workspace.execute(f"DELETE FROM _kvot_history_{name} WHERE superseded_by = ?", [import_id])
        workspace.execute("DELETE FROM _kvot_rejects WHERE import_id = ?", [import_id])
        deal_hashes.forget_import(workspace, import_id)
        workspace.execute("UPDATE _kvot_imports SET undone_at = current_timestamp WHERE import_id = ?",
                          [import_id])
        rebuild_closure(workspace)
    workspace.analyze(VERSIONED + tuple(f"_kvot_history_{t}" for t in VERSIONED)
                      + ("_kvot_team_closure",))
    return Undone(import_id, removed, restored)


def _check_undoable(workspace, import_id: int) -> None:
    row = workspace.execute("SELECT undone_at FROM _kvot_imports WHERE import_id = ?", [import_id])
    if not row:
        raise KvotError(f"there is no import #{import_id}; see kvot imports")
    if row[0][0] is not None:
        raise KvotError(f"import #{import_id} was already undone")
    later = set()
    for name in VERSIONED:
        later |= {r[0] for r in workspace.execute(
            f"SELECT DISTINCT superseded_by FROM _kvot_history_{name} WHERE import_id = ?", [import_id])}
    if later:
        ids = ", ".join(f"#{i}" for i in sorted(later))
        raise KvotError(f"import #{import_id} was partly replaced by later import(s) {ids}; "
                        "undo those first")
