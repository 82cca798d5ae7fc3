"""Read a credits CSV column-wise: the rules of ``kvot.ingest.credits``, per distinct value.

Like ``kvot.ingest.deals_table``: DuckDB reads the file; the share column's decimal style and
percent/fraction style are decided by ``parse.decimal_style`` and ``parse.share_style`` over
its distinct values, and each distinct share, credit type and rep is read once in Python.
Repeats (same deal, rep ignoring case, and credit type) and the revenue total of each deal
(100 % ± 0.01) are checked in DuckDB. When a deal has a bad row, a conflicting repeat or a
wrong total, the row rules (``credits.credits_from_source``) run on every row of those deals,
with this file's decisions, and give the errors (``Rejected``).
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyarrow as pa

from kvot.config import Settings
from kvot.errors import ImportRejected
from kvot.ingest.amounts_table import register
from kvot.ingest.columns import find_columns
from kvot.ingest.credits import CREDIT_TYPES, SHARE_TOLERANCE, credits_from_source
from kvot.ingest.csv_table import CsvTable, NotColumnar, read_csv_table
from kvot.ingest.deals_table import Rejected
from kvot.ingest.parse import decimal_style, parse_share, share_style
from kvot.ingest.profiles import Profile
from kvot.ingest.records import ReadResult
from kvot.ingest.source import Source
from kvot.ingest.staged import Scratch, Staged

FIELDS = ("deal_id", "rep", "share", "credit_type")
MONEY = pa.decimal128(38, 10)


def read_credits_table(path: Path, settings: Settings, profile: Profile, scratch: Scratch, *,
                       decimal=None, encoding=None) -> ReadResult:
    """A ``ReadResult`` whose ``records`` are the credits staged in ``scratch`` (``Staged``,
    with the ``rep`` text)."""
    csv = read_csv_table(path, scratch.con, encoding)
    columns = find_columns(csv.table, "credits", profile, settings.mapping,
                           ("deal_id", "rep", "share"))
    src = Source(csv.table, columns, settings, profile, decimal, None)
    return _read(csv, src, scratch)


def _read(csv: CsvTable, src: Source, scratch: Scratch) -> ReadResult:
    con = csv.con
    cells = ", ".join(f"{csv.cell(src.columns.header(f))} AS {f}" for f in FIELDS)
    con.execute(f"CREATE VIEW _rows AS SELECT i, line, {cells} FROM _data")
    decimal, style = _map_texts(con, src)
    con.execute("""CREATE TABLE _credits_all AS SELECT r.i, r.line, r.deal_id, r.rep, s.share,
            t.kind AS credit_type, k.k AS rep_key,
            r.deal_id = '' OR r.rep = '' OR r.share = '' OR s.share IS NULL OR s.share < 0
                OR t.kind IS NULL AS bad
        FROM _rows r LEFT JOIN _shares s ON s.t = r.share LEFT JOIN _types t ON t.t = r.credit_type
        LEFT JOIN _reps k ON k.t = r.rep""")
    con.execute("""CREATE TABLE _groups AS SELECT deal_id, rep_key, credit_type, min(i) AS first,
            count(*) AS n, count(DISTINCT rep || chr(31) || CAST(share AS VARCHAR)) AS versions
        FROM _credits_all WHERE NOT bad GROUP BY ALL""")
    con.execute("""CREATE TABLE _kept AS SELECT c.* FROM _credits_all c
        JOIN _groups g ON g.first = c.i""")
    _reject_bad_deals(csv, src, decimal, style)
    dropped = int(con.execute("SELECT coalesce(sum(n - 1), 0) FROM _groups").fetchone()[0])
    if dropped:
        src.notes.append(f"{dropped} repeated identical credit row(s) dropped")
    kept = con.execute("SELECT count(*) FROM _kept").fetchone()[0]
    staged = Staged(scratch, "SELECT deal_id, rep, share, credit_type, line FROM "
                    f"{scratch.qualified('_kept')} ORDER BY i", kept)
    return src.finish(staged, csv.rows)


def _map_texts(con, src: Source) -> tuple[str, str]:
    """``_shares``, ``_types`` and ``_reps`` (text → value); the share column's styles."""
    texts = [t for (t,) in con.execute("SELECT DISTINCT share FROM _rows WHERE share <> ''"
                                       ).fetchall()]
    try:
        decimal = src.decimal or decimal_style([v.replace("%", "") for v in texts])
    except ValueError:
        raise NotColumnar("a column's format is ambiguous") from None
    style = share_style(texts, decimal)
    src.notes.append("shares read as percentages" if style == "percent" else
                     "shares read as fractions (no value above 1 and no %)")
    shares = []
    for text in texts:
        try:
            share = parse_share(text, style, decimal)
        except ValueError:
            share = None
        if share is not None and share.as_tuple().exponent < -10:
            raise NotColumnar("a share with more than 10 decimals")
        shares.append(share)
    register(con, "_shares", {"t": (pa.string(), texts), "share": (MONEY, shares)})
    types = [t for (t,) in con.execute("SELECT DISTINCT credit_type FROM _rows").fetchall()]
    kinds = [(t or "revenue").casefold() for t in types]
    register(con, "_types", {"t": (pa.string(), types),
                             "kind": (pa.string(), [k if k in CREDIT_TYPES else None
                                                    for k in kinds])})
    reps = [t for (t,) in con.execute("SELECT DISTINCT rep FROM _rows").fetchall()]
    register(con, "_reps", {"t": (pa.string(), reps),
                            "k": (pa.string(), [r.casefold() for r in reps])})
    return decimal, style


def _reject_bad_deals(csv: CsvTable, src: Source, decimal: str, style: str) -> None:
    """Raise ``Rejected`` with the row reader's errors for the deals with a bad row, a
    conflicting repeat or revenue shares that do not total 100 %."""
    con = csv.con
    bad_deals = f"""
        SELECT deal_id FROM _credits_all WHERE bad
        UNION SELECT deal_id FROM _groups WHERE versions > 1
        UNION SELECT deal_id FROM _kept WHERE credit_type = 'revenue' GROUP BY deal_id
              HAVING abs(sum(share) - 1) > {SHARE_TOLERANCE}"""
    con.execute(f"CREATE TABLE _bad_deals AS {bad_deals}")
    if not con.execute("SELECT count(*) FROM _bad_deals").fetchone()[0]:
        return
    if src.settings.on_error == "skip":
        raise NotColumnar("bad rows, set aside")
    rows = csv.rows_where(f"{csv.cell(src.columns.header('deal_id'))} "
                          "IN (SELECT deal_id FROM _bad_deals)")
    subset = Source(replace(csv.table, rows=rows), src.columns, src.settings, src.profile,
                    decimal, None, share_style=style)
    try:
        credits_from_source(subset)
    except ImportRejected as exc:
        raise Rejected(exc.errors) from None
    raise NotColumnar("bad rows the row rules do not confirm")
