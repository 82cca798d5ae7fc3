"""The embedded engine: a DuckDB file (or memory)."""
from __future__ import annotations

import os

import duckdb
import ibis
import pyarrow as pa

from kvot.errors import WorkspaceError
from kvot.store.query_progress import watching
from kvot.store.workspace import Workspace


MEMORY_ENV = "KVOT_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "1GB"


def memory_limit() -> str | None:
    """DuckDB's memory limit: ``$KVOT_MEMORY_LIMIT`` (e.g. ``4GB``; ``none`` for DuckDB's own
    default, 80 % of the RAM), else 1 GB. Above it DuckDB works out of core, spilling to
    ``<workspace>.tmp``: a report on ten million deals stays near 1.3 GB of memory."""
    value = os.environ.get(MEMORY_ENV, DEFAULT_MEMORY_LIMIT).strip()
    return None if value.lower() in ("", "none") else value


class DuckDBWorkspace(Workspace):
    engine = "duckdb"

    def __init__(self, location: str, db: duckdb.DuckDBPyConnection):
        super().__init__(location)
        self.db = db

    @classmethod
    def connect(cls, location: str) -> "DuckDBWorkspace":
        try:
            db = duckdb.connect(location)
        except duckdb.Error as exc:
            raise WorkspaceError(f"workspace {location} cannot be opened: {exc}") from None
        limit = memory_limit()
        if limit is not None:
            try:
                db.execute("SET memory_limit = ?", [limit])
            except duckdb.Error:
                db.close()
                raise WorkspaceError(f"{MEMORY_ENV}={limit!r} is not a memory size; write it "
                                     "like 2GB or 500MB, or none for DuckDB's default") from None
        return cls(location, db)

    def _connect_ibis(self) -> ibis.BaseBackend:
        return ibis.duckdb.from_connection(self.db)

    def execute(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.db.execute(sql, params or []).fetchall()

    def executemany(self, sql: str, rows: list[tuple]) -> None:
        if rows:
            self.db.executemany(sql, rows)

    def load_temp(self, name: str, table: pa.Table) -> None:
        self.db.register(name, table)

    def drop_temp(self, name: str) -> None:
        self.db.unregister(name)

    def close(self) -> None:
        self.db.close()

    def watching(self, description: str):
        return watching(self.db, description)
