"""The embedded engine: a DuckDB file (or memory)."""
from __future__ import annotations

import duckdb
import ibis
import pyarrow as pa

from kvot.errors import WorkspaceError
from kvot.store.workspace import Workspace


class DuckDBWorkspace(Workspace):
    engine = "duckdb"

    def __init__(self, location: str, db: duckdb.DuckDBPyConnection):
        super().__init__(location)
        self.db = db

    @classmethod
    def connect(cls, location: str) -> "DuckDBWorkspace":
        try:
            return cls(location, duckdb.connect(location))
        except duckdb.Error as exc:
            raise WorkspaceError(f"workspace {location} cannot be opened: {exc}") from None

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
