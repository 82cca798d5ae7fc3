"""Where the columnar readers work, and what they leave for the writer: rows staged in DuckDB.

A ``Scratch`` is a DuckDB catalog the readers fill with their working tables. For a DuckDB
workspace it lives inside the workspace's own database (``shared``): the writer reads the
staged rows with one ``INSERT ... SELECT``, nothing crosses into Python, and the whole import
stays within the workspace's memory limit, spilling to disk beyond it. Elsewhere (PostgreSQL)
it is a private in-memory DuckDB with the same limit, and the writer streams the rows over.
Scratches are opened by the workspace (``Workspace.scratch``); :func:`private_scratch` opens
one for a reader used on its own.
"""
from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Iterator

import duckdb
import pyarrow as pa

BATCH_ROWS = 65536


@dataclass
class Scratch:
    con: duckdb.DuckDBPyConnection  # the readers' connection; unqualified names are the scratch's
    catalog: str
    shared: bool = False  # the workspace's own DuckDB can read the scratch's tables
    workspace_catalog: str | None = None  # that workspace's catalog, when shared

    def qualified(self, name: str) -> str:
        """``name`` as the workspace's connection (or any other) must write it."""
        return f"{self.catalog}.main.{name}"

    def clear(self) -> None:
        """Drop every table and view the readers made: when a reader steps aside, and before
        a scratch file is detached (so nothing is written back to it)."""
        found = self.con.execute(
            "SELECT table_name, 'TABLE' FROM duckdb_tables() WHERE database_name = ? UNION ALL "
            "SELECT view_name, 'VIEW' FROM duckdb_views() WHERE database_name = ? "
            "AND NOT internal", [self.catalog, self.catalog]).fetchall()
        for name, what in sorted(found, key=lambda f: f[1] == "TABLE"):  # views first
            self.con.execute(f"DROP {what} IF EXISTS {self.qualified(name)}")


@dataclass(frozen=True)
class RowHashes:
    """What tells a staged deal that has not changed since it was last imported.

    Each kept row (the first of its deal) is hashed over its cells (``cells``, columns of the
    scratch's views), seeded with everything else that decides the deal the row gives
    (``seed``: settings, the file's format decisions, its columns). ``narrowed`` is the view
    the staged SELECT takes its rows from: the writer may narrow it to the rows it has no
    stored hash for (``kvot.store.deal_hashes``), by giving ``rows_from`` fewer raw rows.
    """

    seed: str
    cells: tuple[str, ...]
    rows: str  # view of every row
    later: str  # table of the rows (``i``) that repeat an earlier row of their deal
    narrowed: str  # view: the rows to write, ``rows_from`` over ``data`` until narrowed
    data: str  # view of the raw cells the rows come from
    rows_from: str  # SELECT of a row's cells FROM {data}

    def kept(self, scratch: "Scratch", view: str) -> str:
        """SQL: the kept rows of ``view`` (every column)."""
        q = scratch.qualified
        return f"SELECT r.* FROM {q(view)} r WHERE r.i NOT IN (SELECT i FROM {q(self.later)})"


@dataclass
class Staged:
    """Rows a columnar reader staged: a SELECT over the scratch's tables (fully qualified)."""

    scratch: Scratch
    select: str
    rows: int
    # column -> a cheaper SELECT of (value, first_line) with the same values (see first_seen)
    shortcuts: dict[str, str] = field(default_factory=dict)
    # small Arrow tables the SELECT names unqualified: registered on every connection reading it
    lookups: dict[str, pa.Table] = field(default_factory=dict)
    row_hashes: RowHashes | None = None
    digest: str = ""  # what else decides the rows (the owners' rep ids), set by the writer

    def with_lookup(self, name: str, table: pa.Table, select: str) -> "Staged":
        """The same rows through ``select``, which may join ``name`` (``table``). Tables made
        in the scratch while the workspace is in a transaction stay invisible to it, so
        look-ups are registered on each connection instead."""
        self.scratch.con.register(name, table)
        return replace(self, select=select, lookups={**self.lookups, name: table})

    def __len__(self) -> int:
        return self.rows

    @property
    def column_names(self) -> list[str]:
        return [d[0] for d in self.scratch.con.execute(
            f"SELECT * FROM ({self.select}) LIMIT 0").description]

    def batches(self) -> pa.RecordBatchReader:
        return self.scratch.con.execute(self.select).fetch_record_batch(BATCH_ROWS)

    def arrow(self) -> pa.Table:
        return self.scratch.con.execute(self.select).to_arrow_table()

    def first_seen(self, column: str) -> list:
        """The distinct values of ``column``, in order of their first line."""
        select = self.shortcuts.get(column) or (
            f"SELECT {column}, min(line) AS first_line FROM ({self.select}) GROUP BY {column}")
        return [v for v, _ in self.scratch.con.execute(
            f"SELECT * FROM ({select}) ORDER BY first_line").fetchall()]


def configure(con: duckdb.DuckDBPyConnection, memory_limit: str | None,
              temp_directory: str | None = None) -> None:
    if memory_limit is not None:
        con.execute("SET memory_limit = ?", [memory_limit])
    if temp_directory is not None:
        con.execute("SET temp_directory = ?", [temp_directory])


@contextmanager
def private_scratch(memory_limit: str | None = None) -> Iterator[Scratch]:
    """A scratch of its own: an in-memory DuckDB spilling to a temporary folder."""
    folder = tempfile.mkdtemp(prefix="kvot-scratch-")
    con = duckdb.connect()
    try:
        configure(con, memory_limit, folder)
        yield Scratch(con, con.execute("SELECT current_database()").fetchone()[0])
    finally:
        con.close()
        shutil.rmtree(folder, ignore_errors=True)
