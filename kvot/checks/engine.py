"""Where the check queries run: on the workspace's own engine, so that no table is copied.

Each check is written once, in DuckDB's SQL, keeping to what reads the same on every engine
(see :mod:`kvot.checks.sql`); sqlglot writes it in PostgreSQL's or Spark's dialect. Three
things sqlglot leaves alone are done here: a word boundary in a regular expression is ``\\y``
in PostgreSQL; text marked ``bytewise(...)`` compares byte by byte on every engine (DuckDB and
Spark always do; PostgreSQL is told ``COLLATE "C"``, whatever its database's collation); and on
Spark the workspace tables are the views the Parquet files were read into (an optional table
the folder lacks, such as the imports log, is an empty view).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import ibis.backends.sql.dialects  # noqa: F401 - before any SQL is written, see below
import sqlglot
from sqlglot import exp

from kvot.checks.model import CheckQuery
from kvot.checks.sql import bytewise
from kvot.store.schema import MIGRATIONS

# Ibis adds to sqlglot's PostgreSQL and Spark dialects when its module is first imported, and
# sqlglot keeps a dialect's rules from the first SQL it writes: were a check written before Ibis
# had made its additions, Ibis' own queries would miss them (``DATE_FROM_PARTS`` on PostgreSQL).

TABLES = ("deals", "credits", "reps", "teams", "memberships", "quotas", "fx_rates",
          "_kvot_imports")
BYTEWISE = "kvot_bytewise"  # see kvot.checks.sql.bytewise


@dataclass
class CheckTables:
    """The workspace's tables as the checks query them: ``execute`` takes DuckDB SQL."""

    location: str
    dialect: str  # duckdb, postgres or spark
    run: Callable[[str], list[tuple]]  # SQL in the dialect -> rows
    names: dict[str, str] = field(default_factory=dict)  # table -> name in the engine

    def execute(self, sql: str) -> list[tuple]:
        return self.run(self.translate(sql))

    def translate(self, sql: str) -> str:
        tree = sqlglot.parse_one(sql, read="duckdb").transform(self._bytewise)
        if self.names:
            tree = tree.transform(self._rename)
        if self.dialect == "postgres":
            tree = tree.transform(_postgres_word_boundaries)
        return tree.sql(dialect=self.dialect)

    def count(self, query: CheckQuery) -> int:
        """How many things ``query`` finds."""
        return int(self.execute(query.count_sql())[0][0] or 0)

    def examples(self, query: CheckQuery, limit: int) -> list[tuple]:
        """The first ``limit`` rows (``file, line, detail``) of ``query`` in file and line
        order, text compared byte by byte on every engine."""
        return self.execute(
            f"SELECT file, line, detail FROM ({query.sql}) found ORDER BY {bytewise('file')} "
            f"NULLS LAST, line NULLS LAST, {bytewise('detail')} LIMIT {int(limit)}")

    def _bytewise(self, node: exp.Expression) -> exp.Expression:
        if not (isinstance(node, exp.Anonymous) and node.name.lower() == BYTEWISE):
            return node
        text = node.expressions[0]
        if self.dialect == "postgres":
            return exp.Collate(this=text, expression=exp.Identifier(this="C", quoted=True))
        return text

    def _rename(self, node: exp.Expression) -> exp.Expression:
        if not (isinstance(node, exp.Table) and node.name in self.names and not node.db):
            return node
        renamed = node.copy()
        renamed.set("this", exp.to_identifier(self.names[node.name]))
        if not node.alias:  # columns may still be qualified with the table's own name
            renamed.set("alias", exp.TableAlias(this=exp.to_identifier(node.name)))
        return renamed


def _postgres_word_boundaries(node: exp.Expression) -> exp.Expression:
    if not (isinstance(node, exp.RegexpLike) and isinstance(node.expression, exp.Literal)):
        return node
    pattern = node.expression.this.replace(r"\b", r"\y")
    return exp.RegexpLike(this=node.this, expression=exp.Literal.string(pattern))


def check_tables(workspace) -> CheckTables:
    """The tables of ``workspace`` (DuckDB, PostgreSQL or Spark) for the checks."""
    engine = getattr(workspace, "engine", "duckdb")
    if engine == "postgres":
        return CheckTables(workspace.location, "postgres", workspace.execute_raw)
    if engine == "spark":
        return _spark(workspace)
    return CheckTables(workspace.location, "duckdb", workspace.execute)


def _spark(workspace) -> CheckTables:
    session = workspace.session
    names = {}
    for table in TABLES:
        try:
            names[table] = workspace.table(table).get_name()
        except KeyError:  # an optional table the folder lacks: empty, with its columns
            names[table] = _empty_spark_view(session, table, workspace.view_prefix)

    def run(sql: str) -> list[tuple]:
        return [tuple(row) for row in session.sql(sql).collect()]
    return CheckTables(workspace.location, "spark", run, names)


def _empty_spark_view(session, table: str, prefix: str) -> str:
    name = f"{prefix}{table.strip('_')}"
    columns = ", ".join(f"CAST(NULL AS {kind}) AS {column}"
                        for column, kind in table_columns(table))
    session.sql(sqlglot.transpile(f"CREATE OR REPLACE TEMPORARY VIEW {name} AS SELECT {columns} "
                                  "WHERE false", read="duckdb", write="spark")[0])
    return name


def table_columns(table: str) -> list[tuple[str, str]]:
    """(column, SQL type) of a workspace table, as the migrations leave it."""
    import duckdb

    with duckdb.connect(":memory:") as db:
        for _, _, statements in MIGRATIONS:
            for sql in statements:
                db.execute(sql)
        return [(c, t) for c, t in db.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = ? ORDER BY ordinal_position", [table]).fetchall()]
