"""What kvot needs of each Parquet file a Spark workspace reads: the columns of the workspace
table of the same name, each of the same kind (text, decimal, date, ...).

Files that ``kvot export parquet`` writes have them; files kept in a lake by other tools are
checked here, so that a missing column or a column of another kind is one error naming the file,
the column and what to write, not an engine's stack trace. Money is never read from floating
point: a DOUBLE amount is refused, not rounded.
"""
from __future__ import annotations

from functools import cache

import ibis.expr.datatypes as dt

from kvot.errors import WorkspaceError

WRITE_AS = {"text": "a string", "decimal": "a decimal, e.g. DECIMAL(38,10)", "date": "a date",
            "timestamp": "a timestamp", "boolean": "a boolean", "integer": "an integer",
            "float": "a floating-point number"}


def kind_of(dtype: dt.DataType) -> str:
    for kind, test in (("text", dtype.is_string), ("decimal", dtype.is_decimal),
                       ("date", dtype.is_date), ("timestamp", dtype.is_timestamp),
                       ("boolean", dtype.is_boolean), ("integer", dtype.is_integer),
                       ("float", dtype.is_floating)):
        if test():
            return kind
    return str(dtype)


@cache
def expected_columns() -> dict[str, dict[str, str]]:
    """Table -> column -> kind, from a new workspace's schema."""
    from kvot.store.workspace import open_workspace

    ws = open_workspace(":memory:")
    try:
        return {table: {name: kind_of(dtype) for name, dtype in ws.ibis.table(table).schema().items()}
                for table in ws.ibis.list_tables()}
    finally:
        ws.close()


def check_columns(path: str, table: str, schema: ibis.Schema) -> None:
    """Raise WorkspaceError unless ``schema`` has every column of ``table``, each of its kind."""
    needed = expected_columns().get(table, {})
    problems = []
    for column, kind in needed.items():
        if column not in schema:
            problems.append(f"no column {column} ({WRITE_AS[kind]})")
        elif (found := kind_of(schema[column])) != kind:
            problems.append(f"column {column} is {WRITE_AS.get(found, found)}: write it as "
                            f"{WRITE_AS[kind]}")
    if problems:
        raise WorkspaceError(f"{path}: " + "; ".join(problems) + " (the columns kvot reads are "
                             "those kvot export parquet writes: see README, Engines)")
