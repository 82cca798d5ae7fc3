"""Open a workspace: an embedded DuckDB file by default, or a PostgreSQL schema; migrate it.

Both engines offer the same small surface: ``execute`` (``?`` placeholders), ``executemany``,
``transaction``, ``load_temp`` (an Arrow table, or rows staged by a columnar reader, as a
temporary table), ``scratch`` (where columnar readers stage a file) and ``ibis`` (the connection
the metrics run on).
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import ibis
import pyarrow as pa

from kvot.errors import WorkspaceError
from kvot.ingest.staged import Scratch, Staged, private_scratch
from kvot.store.schema import MIGRATIONS, SCHEMA_VERSION

DEFAULT_PATH = "kvot.duckdb"
ENV_VAR = "KVOT_WORKSPACE"
POSTGRES_PREFIXES = ("postgres://", "postgresql://")


class Workspace:
    """A connection to the workspace tables, for reading (Ibis) and writing (SQL)."""

    engine = "?"

    def __init__(self, location: str):
        self.location = location
        self._ibis: ibis.BaseBackend | None = None
        self._depth = 0

    # engine-specific
    def _connect_ibis(self) -> ibis.BaseBackend:
        raise NotImplementedError

    def execute(self, sql: str, params: list | None = None) -> list[tuple]:
        raise NotImplementedError

    def executemany(self, sql: str, rows: list[tuple]) -> None:
        raise NotImplementedError

    def load_temp(self, name: str, table: pa.Table | Staged) -> None:
        """Make ``table`` queryable as ``name`` until :meth:`drop_temp`."""
        raise NotImplementedError

    def drop_temp(self, name: str) -> None:
        raise NotImplementedError

    @contextmanager
    def scratch(self) -> Iterator[Scratch]:
        """Where a columnar reader stages a file (see :mod:`kvot.ingest.staged`): here a
        private in-memory DuckDB within ``$KVOT_MEMORY_LIMIT``."""
        from kvot.store.duck import memory_limit

        with private_scratch(memory_limit()) as scratch:
            yield scratch

    def close(self) -> None:
        raise NotImplementedError

    def analyze(self, tables: tuple[str, ...]) -> None:
        """After a write: refresh the statistics the engine plans queries by, where it keeps
        them apart from the data (PostgreSQL); elsewhere nothing."""

    @contextmanager
    def watching(self, description: str) -> Iterator[None]:
        """Report how far the engine got with the queries run inside the block, where the
        engine can tell (DuckDB); elsewhere nothing."""
        yield

    # shared
    @property
    def ibis(self) -> ibis.BaseBackend:
        if self._ibis is None:
            self._ibis = self._connect_ibis()
        return self._ibis

    def table(self, name: str) -> ibis.Table:
        return self.ibis.table(name)

    @contextmanager
    def transaction(self) -> Iterator["Workspace"]:
        """All or nothing: a failure inside rolls every change back. Nested use joins the outer."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self.execute("BEGIN")
        self._depth = 1
        try:
            yield self
        except BaseException:
            self._depth = 0
            self.execute("ROLLBACK")
            raise
        self._depth = 0
        self.execute("COMMIT")

    def settings(self) -> dict[str, str]:
        return dict(self.execute("SELECT key, value FROM _kvot_settings"))

    def save_settings(self, values: dict[str, str]) -> None:
        with self.transaction():
            for key, value in values.items():
                self.execute("DELETE FROM _kvot_settings WHERE key = ?", [key])
                self.execute("INSERT INTO _kvot_settings VALUES (?, ?)", [key, value])

    def __repr__(self) -> str:
        return f"<{self.engine} workspace {self.location}>"


def resolve_location(location: str | os.PathLike | None) -> str:
    """The workspace to use: the argument, else ``$KVOT_WORKSPACE``, else ``./kvot.duckdb``."""
    if location:
        return str(location)
    return os.environ.get(ENV_VAR) or DEFAULT_PATH


ENGINES = ("auto", "duckdb", "postgres", "spark")


def open_workspace(location: str | os.PathLike | None = None, engine: str | None = None,
                   create: bool = True, **engine_options) -> Workspace:
    """Open (creating and migrating if needed) the workspace at ``location``.

    A path is a DuckDB file (``":memory:"`` lives only as long as the process); a
    ``postgresql://user@host:port/database?schema=NAME`` URL is a schema in a PostgreSQL database.
    With ``engine="spark"``, ``location`` is a folder of Parquet files (read-only; see
    :mod:`kvot.store.spark`; ``master=`` picks the Spark master). With ``create=False`` a
    workspace that does not exist yet is an error instead of a new, empty one.
    """
    where = resolve_location(location)
    if engine not in (None, *ENGINES):
        raise WorkspaceError(f"engine {engine!r} is not one of {', '.join(ENGINES)}")
    if engine == "spark":
        from kvot.store.spark import SparkWorkspace
        return SparkWorkspace.connect(where, **engine_options)
    if where.startswith(POSTGRES_PREFIXES):
        from kvot.store.postgres import PostgresWorkspace
        workspace: Workspace = PostgresWorkspace.connect(where, create=create)
    else:
        from kvot.store.duck import DuckDBWorkspace
        _check_duckdb_path(where, create)
        workspace = DuckDBWorkspace.connect(where)
    try:
        if not create and schema_version(workspace) == 0:
            raise WorkspaceError(_missing(where))
        migrate(workspace)
    except BaseException:
        workspace.close()
        raise
    return workspace


def shown(where: str) -> str:
    """A workspace location fit for a message: a URL's password masked."""
    return re.sub(r"^([a-z+]+://[^:/@]*:)[^@/]*@", r"\1***@", where)


def _missing(where: str) -> str:
    where = shown(where)
    return (f"workspace {where} does not exist (or holds no kvot data): import into it first "
            f"(kvot import deals FILE -w {where}), run kvot demo, or set --workspace / "
            f"{ENV_VAR} to the workspace you mean")


def _check_duckdb_path(where: str, create: bool) -> None:
    if where == ":memory:":
        return
    path = Path(where)
    if path.is_dir():
        raise WorkspaceError(f"workspace {where} is a folder: a DuckDB workspace is a file; for a "
                             "folder of Parquet files add --engine spark")
    if not path.parent.exists():
        raise WorkspaceError(f"workspace {where}: folder {path.parent} does not exist")
    if not create and not path.exists():
        raise WorkspaceError(_missing(where))


def schema_version(workspace: Workspace) -> int:
    exists = workspace.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_name = '_kvot_schema' AND table_schema = current_schema()")[0][0]
    if not exists:
        return 0
    return workspace.execute("SELECT coalesce(max(version), 0) FROM _kvot_schema")[0][0]


def migrate(workspace: Workspace) -> None:
    """Apply the migrations this workspace has not had yet, each in its own transaction."""
    current = schema_version(workspace)
    if current > SCHEMA_VERSION:
        raise WorkspaceError(
            f"workspace {workspace.location} has schema version {current}, newer than this kvot "
            f"({SCHEMA_VERSION}); upgrade kvot")
    if current == 0:
        workspace.execute(
            "CREATE TABLE IF NOT EXISTS _kvot_schema "
            "(version INTEGER NOT NULL, description VARCHAR, applied_at TIMESTAMP)")
    for version, description, statements in MIGRATIONS:
        if version <= current:
            continue
        with workspace.transaction():
            for sql in statements:
                workspace.execute(sql)
            workspace.execute(
                "INSERT INTO _kvot_schema VALUES (?, ?, current_timestamp)", [version, description])
