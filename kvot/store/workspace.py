"""Open a workspace: an embedded DuckDB file by default, migrated to the current schema."""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import duckdb
import ibis

from kvot.errors import WorkspaceError
from kvot.store.schema import MIGRATIONS, SCHEMA_VERSION

DEFAULT_PATH = "kvot.duckdb"
ENV_VAR = "KVOT_WORKSPACE"


@dataclass
class Workspace:
    """A connection to the workspace tables, for reading (Ibis) and writing (SQL)."""

    location: str
    db: duckdb.DuckDBPyConnection

    @property
    def ibis(self) -> ibis.BaseBackend:
        if not hasattr(self, "_ibis"):
            self._ibis = ibis.duckdb.from_connection(self.db)
        return self._ibis

    def table(self, name: str) -> ibis.Table:
        return self.ibis.table(name)

    def execute(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.db.execute(sql, params or []).fetchall()

    @contextmanager
    def transaction(self) -> Iterator["Workspace"]:
        """All or nothing: a failure inside rolls every change back."""
        self.db.execute("BEGIN TRANSACTION")
        try:
            yield self
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def settings(self) -> dict[str, str]:
        return dict(self.execute("SELECT key, value FROM _kvot_settings"))

    def save_settings(self, values: dict[str, str]) -> None:
        with self.transaction():
            for key, value in values.items():
                self.execute("DELETE FROM _kvot_settings WHERE key = ?", [key])
                self.execute("INSERT INTO _kvot_settings VALUES (?, ?)", [key, value])

    def close(self) -> None:
        self.db.close()


def resolve_location(location: str | os.PathLike | None) -> str:
    """The workspace to use: the argument, else ``$KVOT_WORKSPACE``, else ``./kvot.duckdb``."""
    if location:
        return str(location)
    return os.environ.get(ENV_VAR) or DEFAULT_PATH


def open_workspace(location: str | os.PathLike | None = None) -> Workspace:
    """Open (creating and migrating if needed) the workspace at ``location``.

    ``":memory:"`` gives a workspace that lives only as long as the process.
    """
    where = resolve_location(location)
    if where.startswith(("postgres://", "postgresql://")):
        raise WorkspaceError(
            f"{where.split('@')[-1]}: PostgreSQL workspaces are not supported yet; use a DuckDB file")
    if where != ":memory:":
        parent = Path(where).parent
        if not parent.exists():
            raise WorkspaceError(f"workspace {where}: folder {parent} does not exist")
    try:
        db = duckdb.connect(where)
    except duckdb.Error as exc:
        raise WorkspaceError(f"workspace {where} cannot be opened: {exc}") from None
    workspace = Workspace(where, db)
    migrate(workspace)
    return workspace


def schema_version(workspace: Workspace) -> int:
    exists = workspace.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = '_kvot_schema'")[0][0]
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
