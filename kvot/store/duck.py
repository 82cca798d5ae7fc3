"""The embedded engine: a DuckDB file (or memory)."""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from typing import Iterator

import duckdb
import ibis
import pyarrow as pa

from kvot.errors import WorkspaceError
from kvot.ingest.staged import Scratch, Staged
from kvot.store.query_progress import watching
from kvot.store.workspace import Workspace


SCRATCH = "_kvot_scratch"
MEMORY_ENV = "KVOT_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "1GB"
# The storage format of new workspace and scratch files: DuckDB 1.5's, whose compression writes
# ten million deals about a sixth faster than the default (0.10's). A workspace made earlier
# keeps the format it has; a file in this format opens with DuckDB 1.5 or newer.
STORAGE_VERSION = "v1.5.0"


def memory_limit() -> str | None:
    """DuckDB's memory limit: ``$KVOT_MEMORY_LIMIT`` (e.g. ``4GB``; ``none`` for DuckDB's own
    default, 80 % of the RAM), else 1 GB. Above it DuckDB works out of core, spilling to
    ``<workspace>.tmp``: a report on ten million deals stays near 1.3 GB of memory."""
    value = os.environ.get(MEMORY_ENV, DEFAULT_MEMORY_LIMIT).strip()
    return None if value.lower() in ("", "none") else value


def _remove(path: str) -> None:
    if path != ":memory:":
        for stale in (path, f"{path}.wal"):
            if os.path.exists(stale):
                os.remove(stale)


def _not_opened(location: str, exc: duckdb.Error) -> str:
    held = re.search(r"Conflicting lock is held in .*\(PID (\d+)\)", str(exc))
    if held:
        return (f"workspace {location} is open in another process (PID {held.group(1)}): a DuckDB "
                "workspace serves one kvot command at a time; run this one when that one has "
                "finished (for many readers at once, use a PostgreSQL workspace)")
    return f"workspace {location} cannot be opened: {exc}"


class DuckDBWorkspace(Workspace):
    engine = "duckdb"

    def __init__(self, location: str, db: duckdb.DuckDBPyConnection):
        super().__init__(location)
        self.db = db
        self._views: dict[str, list[str]] = {}  # staged rows as temporary views -> look-ups

    @classmethod
    def connect(cls, location: str) -> "DuckDBWorkspace":
        try:
            db = duckdb.connect(location, config={"storage_compatibility_version": STORAGE_VERSION})
        except duckdb.Error as exc:
            raise WorkspaceError(_not_opened(location, exc)) from None
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

    def load_temp(self, name: str, table: pa.Table | Staged) -> None:
        if isinstance(table, Staged) and table.scratch.shared:
            for lookup, rows in table.lookups.items():
                self.db.register(lookup, rows)
            self.db.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {table.select}")
            self._views[name] = list(table.lookups)
            return
        self.db.register(name, table.arrow() if isinstance(table, Staged) else table)

    def drop_temp(self, name: str) -> None:
        if name in self._views:
            self.db.execute(f"DROP VIEW IF EXISTS {name}")
            for lookup in self._views.pop(name):
                self.db.unregister(lookup)
        else:
            self.db.unregister(name)

    @contextmanager
    def scratch(self) -> Iterator[Scratch]:
        """A catalog attached to the workspace's DuckDB, in a file beside the workspace
        (``<workspace>.scratch``, removed afterwards): the readers' tables are stored
        compressed, within the workspace's memory limit, and the writer reads them directly."""
        path = self._scratch_path()
        self.db.execute(f"DETACH DATABASE IF EXISTS {SCRATCH}")
        _remove(path)
        self.db.execute(f"""ATTACH '{path.replace("'", "''")}' AS {SCRATCH} (STORAGE_VERSION '{STORAGE_VERSION}')""")
        con = self.db.cursor()
        home = self.db.execute("SELECT current_database()").fetchone()[0]
        scratch = Scratch(con, SCRATCH, shared=True, workspace_catalog=home)
        try:
            con.execute(f"USE {SCRATCH}")
            yield scratch
        finally:
            scratch.clear()  # nothing left to write back when it is detached
            con.close()
            self.db.execute(f"DETACH DATABASE IF EXISTS {SCRATCH}")
            _remove(path)

    def _scratch_path(self) -> str:
        if self.location == ":memory:":
            return ":memory:"
        return f"{self.location}.scratch"

    def close(self) -> None:
        self.db.close()

    def watching(self, description: str):
        return watching(self.db, description)
