"""Where the check queries run: on the DuckDB workspace itself, or on an in-memory DuckDB copy of
another engine's workspace tables (PostgreSQL, Spark), so each check is written once."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

import duckdb

from kvot.store.schema import MIGRATIONS

TABLES = ("deals", "credits", "reps", "teams", "memberships", "quotas", "fx_rates",
          "_kvot_imports")


@dataclass
class LocalCopy:
    """An in-memory DuckDB holding a copy of the workspace tables the checks read."""

    location: str
    db: duckdb.DuckDBPyConnection

    def execute(self, sql: str) -> list[tuple]:
        return self.db.execute(sql).fetchall()


def _copy(workspace) -> LocalCopy:
    db = duckdb.connect(":memory:")
    for _, _, statements in MIGRATIONS:
        for sql in statements:
            db.execute(sql)
    for name in TABLES:
        try:
            rows = workspace.table(name).to_pyarrow()
        except Exception:  # noqa: BLE001 - an optional table absent on this engine stays empty
            continue
        db.register("_kvot_rows", rows)
        db.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _kvot_rows")
        db.unregister("_kvot_rows")
    return LocalCopy(workspace.location, db)


@contextmanager
def duckdb_tables(workspace) -> Iterator[object]:
    """Something with ``execute(sql)`` and ``location`` over the workspace tables, in DuckDB."""
    if getattr(workspace, "engine", "duckdb") == "duckdb":
        yield workspace
        return
    local = _copy(workspace)
    try:
        yield local
    finally:
        local.db.close()
