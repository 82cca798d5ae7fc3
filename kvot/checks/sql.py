"""Small SQL pieces the checks share.

Every check is one query over the workspace tables returning ``file, line, detail`` (and,
where one row stands for several items, ``n``): a ``CheckQuery``. Its count is one query, and
only when it finds something its first few rows in file and line order are another, the
examples (:mod:`kvot.checks.engine`): a window over every found row would hold them all.

The queries run on DuckDB, PostgreSQL and Spark (:mod:`kvot.checks.engine`), so they keep to
SQL that means the same on all three: details joined with ``||`` (:func:`text`), never
``format``; ``NOT EXISTS`` and joins, never ``NOT IN`` a large subquery (PostgreSQL would scan
the table again for every row); no ``rowid``, ``QUALIFY``, ``GROUP BY ALL`` or ``arg_min``;
no division of decimals but :func:`quotient` (DuckDB divides in binary floating point, the
others exactly: the quotient is taken in floating point everywhere, rounded to 6 places); and
text whose order matters marked :func:`bytewise` (a PostgreSQL database may sort "a" before "B").
"""
from __future__ import annotations

from datetime import date

from kvot.config import DEAL_KINDS, Settings

FILE_OF = "(SELECT file FROM _kvot_imports i WHERE i.import_id = {alias}.import_id)"


def file_of(alias: str) -> str:
    """The file an aliased workspace row was imported from."""
    return FILE_OF.format(alias=alias)


def is_counted_kind(settings: Settings, column: str) -> str:
    """SQL condition: ``column`` is one of the counted kinds."""
    kinds = [k for k in settings.counted_kinds if k in DEAL_KINDS]  # validated words: safe inline
    return f"{column} IN ({', '.join(literal(k) for k in kinds)})" if kinds else "false"


def counted(settings: Settings, alias: str = "d") -> str:
    """SQL condition: the deal is won, of a counted kind, with a close date (as MRR closed)."""
    return (f"({alias}.is_won AND {alias}.close_on IS NOT NULL "
            f"AND {is_counted_kind(settings, alias + '.kind')})")


CREDITED_DEAL = "d.deal_id, d.close_on, d.mrr, d.currency, d.import_id, d.line"


def credited(settings: Settings) -> str:
    """A CTE ``credited``: counted won deals (``deal_id, close_on, mrr, currency, import_id,
    line``), one row per revenue-credited rep (``rep_id, share``; the owner if no split)."""
    return f"""credited AS (
        SELECT {CREDITED_DEAL}, c.rep_id, c.share FROM deals d
        JOIN credits c ON c.deal_id = d.deal_id AND c.credit_type = 'revenue'
        WHERE {counted(settings)}
        UNION ALL
        SELECT {CREDITED_DEAL}, d.owner_id AS rep_id, CAST(1 AS DECIMAL(38, 10)) AS share
        FROM deals d
        WHERE {counted(settings)} AND d.owner_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM credits c WHERE c.deal_id = d.deal_id AND c.credit_type = 'revenue'))"""


UNKNOWN = "?"  # a value a detail names that the workspace does not have (a file not logged)


def text(template: str, *values: str) -> str:
    """SQL for a detail: ``template`` with each ``{}`` replaced by the text of an SQL value
    (:data:`UNKNOWN` for NULL)."""
    pieces = template.split("{}")
    if len(pieces) != len(values) + 1:
        raise ValueError(f"{template!r} has {len(pieces) - 1} places for {len(values)} values")
    parts = [literal(pieces[0])]
    for value, piece in zip(values, pieces[1:]):
        parts += [f"coalesce(CAST({value} AS VARCHAR), {literal(UNKNOWN)})", literal(piece)]
    return "(" + " || ".join(p for p in parts if p != "''") + ")"


def literal(value: str | date | int) -> str:
    """An SQL literal. Checks bind no parameters: DuckDB's Python parameter binding loads pandas
    (about 2 s) the first time, which would make the gate slow."""
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, int):
        return str(int(value))
    return "'" + str(value).replace("'", "''") + "'"


def bytewise(expr: str) -> str:
    """SQL: text ``expr``, compared and sorted byte by byte (as DuckDB and Spark always do; on
    PostgreSQL whatever the database's collation, see :mod:`kvot.checks.engine`)."""
    return f"kvot_bytewise({expr})"


def money(expr: str) -> str:
    """An amount in a detail: exactly 2 decimals, half away from zero."""
    return f"CAST(round(CAST({expr} AS DECIMAL(38, 10)), 2) AS DECIMAL(38, 2))"


def ratio(expr: str) -> str:
    """A ratio in a detail: 1 decimal, half away from zero."""
    return f"CAST(round(CAST({expr} AS DECIMAL(38, 10)), 1) AS DECIMAL(38, 1))"


def quotient(dividend: str, divisor: str) -> str:
    """``dividend / divisor`` in floating point, as a decimal with 6 places: the same on every
    engine (for details and for ordering, never for a figure)."""
    return (f"CAST(CAST({dividend} AS DOUBLE) / CAST({divisor} AS DOUBLE) "
            "AS DECIMAL(38, 6))")
