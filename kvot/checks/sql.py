"""Small SQL pieces the checks share, and running one check query.

Every check is one query over the workspace tables returning ``file, line, detail`` (and,
where one row stands for several items, ``n``). :func:`found` runs it: the count over
all rows, and the first few rows as examples, in file and line order.
"""
from __future__ import annotations

from datetime import date

from kvot.checks.model import EXAMPLES, Example
from kvot.config import DEAL_KINDS, Settings

FILE_OF = "(SELECT file FROM _kvot_imports i WHERE i.import_id = {alias}.import_id)"


def file_of(alias: str) -> str:
    """The file an aliased workspace row was imported from."""
    return FILE_OF.format(alias=alias)


def counted_kinds(settings: Settings) -> str:
    """The counted kinds as an SQL list literal, ``['new', 'expansion']``."""
    kinds = [k for k in settings.counted_kinds if k in DEAL_KINDS]  # validated words: safe inline
    return "[" + ", ".join(f"'{k}'" for k in kinds) + "]::VARCHAR[]"


def counted(settings: Settings, alias: str = "d") -> str:
    """SQL condition: the deal is won, of a counted kind, with a close date (as MRR closed)."""
    return (f"({alias}.is_won AND {alias}.close_on IS NOT NULL "
            f"AND list_contains({counted_kinds(settings)}, {alias}.kind))")


def credited(settings: Settings) -> str:
    """A CTE ``credited``: counted won deals, one row per revenue-credited rep (owner if no split)."""
    return f"""credited AS (
        SELECT d.*, c.rep_id, c.share FROM deals d
        JOIN credits c ON c.deal_id = d.deal_id AND c.credit_type = 'revenue'
        WHERE {counted(settings)}
        UNION ALL BY NAME
        SELECT d.*, d.owner_id AS rep_id, 1 AS share FROM deals d
        WHERE {counted(settings)} AND d.owner_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM credits c WHERE c.deal_id = d.deal_id AND c.credit_type = 'revenue'))"""


def literal(value: str | date | int) -> str:
    """An SQL literal. Checks bind no parameters: DuckDB's Python parameter binding loads pandas
    (about 2 s) the first time, which would make the gate slow."""
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, int):
        return str(int(value))
    return "'" + str(value).replace("'", "''") + "'"


def money(expr: str) -> str:
    """An amount shown in a detail: exactly 2 decimals."""
    return f"CAST(CAST(round({expr}, 2) AS DECIMAL(38, 2)) AS VARCHAR)"


def ratio(expr: str) -> str:
    return f"CAST(CAST(round({expr}, 1) AS DECIMAL(38, 1)) AS VARCHAR)"


def found(workspace, sql: str, weighted: bool = False) -> tuple[int, list[Example]]:
    """Run a check query: (count, the first examples). ``weighted``: count = sum of ``n``.

    The count and the examples are two queries (the second only when something is found): a
    window over every found row would hold them all in memory."""
    total = workspace.execute(
        f"SELECT {'sum(n)' if weighted else 'count(*)'} FROM ({sql}) AS found")[0][0]
    if not total:
        return 0, []
    rows = workspace.execute(
        f"SELECT file, line, detail FROM ({sql}) AS found "
        f"ORDER BY file NULLS LAST, line NULLS LAST, detail LIMIT {EXAMPLES}")
    return int(total), [Example(file, line, detail) for file, line, detail in rows]
