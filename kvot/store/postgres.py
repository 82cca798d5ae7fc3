"""A workspace in PostgreSQL: ``postgresql://user@host:port/database?schema=NAME``.

The schema (default ``public``) is created when missing (by an import, not by a read) and
holds the same tables as a DuckDB workspace. Writes go through one psycopg connection; the metrics run on the same connection
through Ibis' PostgreSQL backend.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import ibis
import pyarrow as pa

from kvot.errors import WorkspaceError
from kvot.ingest.staged import BATCH_ROWS, Staged
from kvot.store.workspace import Workspace

MAX_NAME_BYTES = 63  # PostgreSQL's NAMEDATALEN - 1
SQL_TYPES = {"string": "VARCHAR", "bool": "BOOLEAN", "date32[day]": "DATE",
             "timestamp[us]": "TIMESTAMP", "int32": "INTEGER", "int64": "BIGINT"}


def split_schema(url: str) -> tuple[str, str]:
    """The connection URL without kvot's own ``schema`` parameter, and that schema."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    schema = query.pop("schema", "public")
    if not schema.replace("_", "").isalnum():
        raise WorkspaceError(f"schema {schema!r}: use letters, digits and _ only")
    if len(schema.encode()) > MAX_NAME_BYTES:
        raise WorkspaceError(f"schema {schema!r} is longer than PostgreSQL's {MAX_NAME_BYTES} bytes "
                             "for a name (it would be cut short): choose a shorter one")
    return urlunsplit(parts._replace(query=urlencode(query))), schema


def _sql_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_decimal(arrow_type):
        return f"DECIMAL({arrow_type.precision},{arrow_type.scale})"
    return SQL_TYPES[str(arrow_type)]


class PostgresWorkspace(Workspace):
    engine = "postgres"

    def __init__(self, location: str, con, schema: str):
        super().__init__(location)
        self.con = con
        self.schema = schema

    @classmethod
    def connect(cls, url: str, create: bool = True) -> "PostgresWorkspace":
        """Connect; the schema is created when missing if ``create``."""
        try:
            import psycopg
        except ImportError:
            raise WorkspaceError(
                "a PostgreSQL workspace needs the postgres extra: pip install -e '.[postgres]' in the "
                "kvot folder (or pip install 'kvot[postgres]')") from None
        dsn, schema = split_schema(url)
        try:
            con = psycopg.connect(dsn, autocommit=True)
        except psycopg.Error as exc:
            where = url.split("@")[-1]
            raise WorkspaceError(f"PostgreSQL workspace {where} cannot be reached: {exc}".strip()) from None
        if create:
            con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        con.execute(f'SET search_path TO "{schema}"')
        return cls(url.split("@")[-1], con, schema)

    def _connect_ibis(self) -> ibis.BaseBackend:
        return ibis.postgres.from_connection(self.con)

    def execute(self, sql: str, params: list | None = None) -> list[tuple]:
        cur = self.con.execute(sql.replace("?", "%s"), params or None)
        return cur.fetchall() if cur.description else []

    def execute_raw(self, sql: str) -> list[tuple]:
        """Run ``sql`` as written: no placeholders (a ``?`` or ``%`` is the query's own)."""
        cur = self.con.execute(sql)
        return cur.fetchall() if cur.description else []

    def executemany(self, sql: str, rows: list[tuple]) -> None:
        if rows:
            with self.con.cursor() as cur:
                cur.executemany(sql.replace("?", "%s"), rows)

    def load_temp(self, name: str, table: pa.Table | Staged) -> None:
        """A temporary table filled by COPY; staged rows stream over batch by batch."""
        batches = table.batches() if isinstance(table, Staged) else table.to_reader(BATCH_ROWS)
        columns = ", ".join(f"{f.name} {_sql_type(f.type)}" for f in batches.schema)
        self.con.execute(f"DROP TABLE IF EXISTS {name}")
        self.con.execute(f"CREATE TEMP TABLE {name} ({columns})")
        names = ", ".join(batches.schema.names)
        with self.con.cursor() as cur, cur.copy(f"COPY {name} ({names}) FROM STDIN") as copy:
            for batch in batches:
                for row in zip(*(col.to_pylist() for col in batch.columns)):
                    copy.write_row(row)

    def drop_temp(self, name: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {name}")

    def close(self) -> None:
        self.con.close()

    def analyze(self, tables: tuple[str, ...]) -> None:
        """ANALYZE what a write changed: without it the planner takes a freshly filled table
        for empty and joins a million deals row by row (an hour instead of seconds)."""
        if tables:
            self.con.execute(f"ANALYZE {', '.join(tables)}")
