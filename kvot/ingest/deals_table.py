"""Read a deals CSV column-wise: the rules of ``kvot.ingest.deals``, applied per distinct value.

The file is loaded into DuckDB (``kvot.ingest.csv_table``). Every text that needs kvot's
parsers — stages, kinds, pipelines, currencies, close dates, billing periods and terms — is
few distinct values: each is parsed once, in Python, by the same functions the row reader
uses, and the results are joined back in DuckDB. Amounts are many: the column's decimal style
is decided by ``parse.decimal_style`` over one value of each shape (digits 1–9 alike), plain
numbers (``-12000.50`` in a decimal-point column, ``-12000,50`` in a decimal-comma one, at most
15 digits before the separator and 10 after) are split by DuckDB into whole units and 1e-10
units (``kvot.ingest.amounts_table``), and every other amount goes through
``parse.parse_amount``. MRR = amount ÷ months, half-even to 10
places, in integers when the months are a whole number up to 999 (then it equals
``mrr.monthly_amount`` exactly, see ``mrr_sql``), else by ``monthly_amount`` per distinct pair.

Anything this reader does not do the same way raises ``NotColumnar`` (the row reader reads the
file). Bad rows and conflicting repeats are found here; the row rules (``deals.deals_from_source``)
then run on those rows alone, with this file's decisions, and give the errors (``Rejected``).
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyarrow as pa

from kvot.config import Settings
from kvot.errors import ImportRejected
from kvot.ingest.columns import find_columns
from kvot.ingest.amounts_table import (PLAIN, amount_sql, money, mrr_sql, python_mrr,
                                       quantized, register, style_separator, whole_months)
from kvot.ingest.csv_table import CsvTable, NotColumnar, read_csv_table
from kvot.ingest.dates import as_utc, column_is_serial, date_order, local_date, parse_date
from kvot.ingest.deals import DealColumns, deal_choices, deals_from_source
from kvot.ingest.invisible import invisible_sql
from kvot.ingest.kind_conflicts import EXAMPLE_LINES, NAME_KINDS, note
from kvot.ingest.mrr import months_for
from kvot.ingest.profiles import Profile
from kvot.ingest.records import ReadResult
from kvot.ingest.source import Source
from kvot.ingest.staged import RowHashes, Scratch, Staged

MONEY = pa.decimal128(38, 10)
FIELDS = ("deal_id", "name", "owner", "stage", "kind", "close_date", "currency",
          "billing_period", "term_months", "pipeline")


def read_deals_table(path: Path, settings: Settings, profile: Profile, scratch: Scratch, *,
                     decimal=None, date_format=None, encoding=None) -> ReadResult:
    """A ``ReadResult`` whose ``records`` are the deals staged in ``scratch`` (``Staged``,
    with the ``owner`` text)."""
    csv = read_csv_table(path, scratch.con, encoding)
    columns = find_columns(csv.table, "deals", profile, settings.mapping,
                           ("deal_id", "close_date"))
    if columns.has("line_id"):
        raise NotColumnar("line items")
    src = Source(csv.table, columns, settings, profile, decimal, date_format)
    return _read(csv, src, scratch)


def _read(csv: CsvTable, src: Source, scratch: Scratch) -> ReadResult:
    field, basis, won, currency = deal_choices(src)
    cols = DealColumns(field, basis, {}, {}, won, currency)
    con = csv.con
    cells = ", ".join(f"{csv.cell(src.columns.header(f))} AS {f}" for f in FIELDS)
    rows_from = (f"SELECT i, line, {cells}, {csv.cell(src.columns.header(field))} AS amount_text "
                 "FROM {data}")
    con.execute(f"CREATE VIEW _rows AS {rows_from.format(data='_data')}")
    choices = _map_texts(con, src, cols)
    kind_notes = _kind_notes(con, src)
    choices["decimal"] = _deal_views(con, src, rows_from)
    _reject_bad_rows(csv, src, choices)
    staged, dropped = _one_per_deal(scratch, cols.basis, csv.rows)
    staged.row_hashes = RowHashes(_seed(src, cols, choices), FIELDS + ("amount_text",), "_rows",
                                  "_later", "_rows_out", "_data", rows_from)
    if dropped:
        src.notes.append(f"{dropped} repeated identical row(s) dropped (one deal, one row)")
    if not src.has("kind"):
        src.notes.append("no kind column: every deal is new business")
    src.notes.extend(kind_notes)
    return src.finish(staged, csv.rows)


def distinct(con, expr: str, where: str = "true") -> list[str]:
    """The distinct values of ``expr`` over ``_rows`` (the file-wide decisions made from them
    do not depend on the order; when they fail the file is refused)."""
    return [v for (v,) in con.execute(
        f"SELECT DISTINCT {expr} FROM _rows WHERE {where}").fetchall()]


def _distinct_sets(con, sets: tuple[str, ...]) -> dict[str, list]:
    """The distinct values of each set of columns of ``_rows``, in one scan."""
    columns = [c.strip() for group in sets for c in group.split(",")]
    flags = ", ".join(f"grouping({c})" for c in columns)
    rows = con.execute(f"SELECT {', '.join(columns)}, {flags} FROM _rows "
                       f"GROUP BY GROUPING SETS ({', '.join(f'({g})' for g in sets)})").fetchall()
    out: dict[str, list] = {g: [] for g in sets}
    for row in rows:
        values, grouped = row[:len(columns)], row[len(columns):]
        at = 0
        for group in sets:
            width = len(group.split(","))
            if not any(grouped[at:at + width]):
                part = values[at:at + width]
                out[group].append(part[0] if width == 1 else tuple(part))
            at += width
    return out


def _map_texts(con, src: Source, cols: DealColumns) -> dict:
    """Mapping tables text → parsed value for the low-cardinality columns; a bad value → refuse."""
    profile = src.profile
    found = _distinct_sets(con, ("kind", "pipeline", "stage", "currency", "close_date",
                                 "billing_period, term_months"))
    kinds = found["kind"]
    register(con, "_kinds", {"t": (pa.string(), kinds),
                              "kind": (pa.string(), [src.deal_kind(k) if k else None
                                                     for k in kinds])})
    word = profile.renewal_pipeline_word
    pipes = found["pipeline"]
    register(con, "_pipes", {"t": (pa.string(), pipes),
                              "renewal": (pa.bool_(), [bool(word) and word in p.casefold()
                                                       for p in pipes])})
    stages = found["stage"]
    register(con, "_stages", {"t": (pa.string(), stages),
                               "won": (pa.bool_(), [s.casefold() in cols.won_stages
                                                    for s in stages])})
    currencies = found["currency"]
    codes = [c.upper() or cols.currency for c in currencies]
    codes = [c if len(c) == 3 and c.isalpha() else None for c in codes]
    register(con, "_currencies", {"t": (pa.string(), currencies), "code": (pa.string(), codes)})
    choices = _close_dates(con, src, [d for d in found["close_date"] if d])
    pairs = found["billing_period, term_months"]
    months = {}
    for period, term in pairs:
        try:
            months[(period, term)] = months_for(cols.basis, period, term)
        except ValueError:
            months[(period, term)] = None
    register(con, "_months", {
        "period": (pa.string(), [p for p, _ in months]),
        "term": (pa.string(), [t for _, t in months]),
        "exact": (pa.string(), [None if m is None else str(m.normalize()) for m in months.values()]),
        "months": (MONEY, [None if m is None else quantized(m) for m in months.values()]),
        "whole": (pa.int64(), [whole_months(m) for m in months.values()]),
    })
    return choices


def _close_dates(con, src: Source, values: list[str]) -> dict:
    """``_closes(t, closed_at, close_on)``, close_on NULL for a bad date; the choices made."""
    serial = column_is_serial(values)
    order = src.date_format or _decide(values, date_order)
    tz = "UTC" if src.profile.naive_utc else src.settings.timezone
    closed_at, close_on = [], []
    for text in values:
        try:
            value = parse_date(text, order, tz, serial)
        except ValueError:
            closed_at.append(None)
            close_on.append(None)
            continue
        closed_at.append(as_utc(value).replace(tzinfo=None) if hasattr(value, "hour") else None)
        close_on.append(local_date(value, src.settings.timezone))
    register(con, "_closes", {"t": (pa.string(), values),
                               "closed_at": (pa.timestamp("us"), closed_at),
                               "close_on": (pa.date32(), close_on)})
    return {"date_format": order, "serial": serial}


def _decide(values: list[str], decide):
    try:
        return decide(values)
    except ValueError:
        raise NotColumnar("a column's format is ambiguous") from None


# A deal with amount 0 (or blank) and neither billing period nor term: months 1, MRR 0.
FREE = "(coalesce(ai, 0) = 0 AND coalesce(af, 0) = 0 AND billing_period = '' AND term_months = '')"


def _problems(src: Source) -> str:
    """SQL over ``_deals_view``: the row has an error the row reader would report (cheap
    tests first: the amount is parsed only where a test needs it)."""
    problems = ["deal_id = ''", invisible_sql("deal_id"), "(is_won AND close_date = '')",
                "(is_won AND amount_text = '')",
                f"(exact IS NULL AND NOT {FREE})", "(close_date <> '' AND close_on IS NULL)",
                "(amount_text <> '' AND NOT plain AND other_ai IS NULL)", "currency IS NULL"]
    if src.has("stage"):
        problems.append("stage = ''")
    if src.has("owner"):
        problems.append("(is_won AND owner = '')")
    if src.has("kind"):
        problems += ["(kind_text <> '' AND kind_found IS NULL)", "(kind_text = '' AND is_won)"]
    return "(" + " OR ".join(problems) + ")"


def _deal_views(con, src: Source, rows_from: str) -> str:
    """Views ``_parsed`` (every row's texts joined to their parsed values) and
    ``_deals_view`` (the deal values of every row); returns the amount column's decimal style."""
    style, whole, fraction = amount_sql(con, src.decimal, _decide)
    has = src.has
    con.execute(f"CREATE VIEW _rows_out AS {rows_from.format(data='_data')}")  # narrowable
    con.execute(f"""CREATE VIEW _parsed AS SELECT r.i, r.line, r.deal_id,
            nullif(r.name, '') AS name, r.owner, {"r.stage" if has("stage") else "'Won'"} AS stage,
            {"coalesce(s.won, false)" if has("stage") else "true"} AS is_won,
            r.kind AS kind_text, k.kind AS kind_found, coalesce(p.renewal, false) AS renewal,
            c.closed_at, c.close_on, r.close_date, cur.code AS currency, r.plain,
            a.ai AS other_ai, {whole} AS ai, {fraction} AS af, r.amount_text, r.billing_period,
            r.term_months, m.exact, m.months, m.whole
        FROM (SELECT *, {PLAIN.format(sep=style_separator(style))} AS plain FROM _rows_out) r
        LEFT JOIN _kinds k ON k.t = r.kind LEFT JOIN _pipes p ON p.t = r.pipeline
        LEFT JOIN _stages s ON s.t = r.stage LEFT JOIN _closes c ON c.t = r.close_date
        LEFT JOIN _currencies cur ON cur.t = r.currency
        LEFT JOIN _amounts a ON a.t = r.amount_text
        LEFT JOIN _months m ON m.period = r.billing_period AND m.term = r.term_months""")
    kind = ("CASE WHEN renewal THEN 'renewal' ELSE coalesce(kind_found, 'other') END"
            if has("kind") else "CASE WHEN renewal THEN 'renewal' ELSE 'new' END")
    mi, mf = mrr_sql("coalesce(ai, 0)", "coalesce(af, 0)", "whole")
    python = con.execute("SELECT count(*) FROM _months WHERE whole IS NULL AND exact IS NOT NULL"
                         ).fetchone()[0]
    if python:
        python_mrr(con, style, "_rows r JOIN _months m ON m.period = r.billing_period AND "
                   "m.term = r.term_months WHERE m.whole IS NULL AND m.exact IS NOT NULL")
    other = ("x.mi", "x.mf") if python else ("NULL", "NULL")
    con.execute(f"""CREATE VIEW _deals_view AS SELECT p.*, {kind} AS kind,
            CASE WHEN {FREE} THEN '1' ELSE p.exact END AS months_exact,
            CASE WHEN {FREE} THEN CAST(1 AS DECIMAL(38,10)) ELSE p.months END AS months_used,
            CASE WHEN {FREE} THEN 0 WHEN whole IS NOT NULL THEN {mi} ELSE {other[0]} END AS mi,
            CASE WHEN {FREE} THEN 0 WHEN whole IS NOT NULL THEN {mf} ELSE {other[1]} END AS mf
        FROM _parsed p{" LEFT JOIN _mrr x ON x.t = p.amount_text AND x.m = p.exact" if python else ""}""")
    return style


BAD_TEXTS = ("_kinds WHERE t <> '' AND kind IS NULL", "_closes WHERE close_on IS NULL",
             "_currencies WHERE code IS NULL", "_months WHERE exact IS NULL",
             "_amounts WHERE ai IS NULL")


def _bad_rows_sql(con, src: Source) -> str:
    """SQL: the rows of ``_deals_view`` with a problem. When no text of a look-up column is
    bad (the usual case), only blank cells can be: they are found in ``_rows`` itself."""
    if any(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in BAD_TEXTS):
        return f"SELECT i FROM _deals_view WHERE {_problems(src)}"
    won = "s.won" if src.has("stage") else "true"
    blank = ["r.deal_id = ''", invisible_sql("r.deal_id"),
             f"({won} AND (r.close_date = '' OR r.amount_text = ''))"]
    if src.has("stage"):
        blank.append("r.stage = ''")
    if src.has("owner"):
        blank.append(f"({won} AND r.owner = '')")
    if src.has("kind"):
        blank.append(f"(r.kind = '' AND {won})")
    return (f"SELECT r.i FROM _rows r LEFT JOIN _stages s ON s.t = r.stage "
            f"WHERE {' OR '.join(blank)}")


def _reject_bad_rows(csv: CsvTable, src: Source, choices: dict) -> None:
    """Raise ``Rejected`` with the row reader's errors when a row is bad or a deal repeats
    with other values: the row rules run on those rows alone, with the file-wide choices.
    Repeats whose cells are all the same cannot conflict: only the others are compared."""
    con = csv.con
    cells = ", ".join(f for f in FIELDS if f != "deal_id")
    con.execute(f"""CREATE TABLE _repeated AS SELECT deal_id, min(i) AS first, count(*) AS n,
            min(h) <> max(h) AS differ
        FROM (SELECT deal_id, i, hash({cells}, amount_text) AS h FROM _rows)
        GROUP BY deal_id HAVING count(*) > 1""")
    differing = "SELECT deal_id FROM _repeated WHERE differ"
    if not con.execute(f"SELECT count(*) FROM ({differing})").fetchone()[0]:
        differing = "SELECT NULL::VARCHAR AS deal_id WHERE false"
    con.execute(f"""CREATE TABLE _conflicts AS SELECT deal_id FROM (
            SELECT DISTINCT {', '.join(VALUES)} FROM _deals_view
            WHERE deal_id IN ({differing}) AND NOT {_problems(src)})
        GROUP BY deal_id HAVING count(*) > 1""")
    con.execute(f"CREATE TABLE _bad AS {_bad_rows_sql(con, src)}")
    if not con.execute("SELECT count(*) FROM (SELECT i FROM _bad UNION ALL "
                       "SELECT deal_id FROM _conflicts)").fetchone()[0]:
        return
    # a bad row of a repeated deal: every row of the deal (the row reader compares them too)
    involved = ("SELECT i FROM _bad UNION ALL SELECT i FROM _rows WHERE deal_id IN "
                "(SELECT deal_id FROM _conflicts UNION SELECT r.deal_id FROM _rows r "
                "JOIN _repeated p ON p.deal_id = r.deal_id WHERE r.i IN (SELECT i FROM _bad))")
    if src.settings.on_error == "skip":
        raise NotColumnar("bad rows, set aside")
    rows = csv.rows_where(f"i IN ({involved})")
    table = replace(csv.table, rows=rows)
    subset = Source(table, src.columns, src.settings, src.profile, choices["decimal"],
                    choices["date_format"], serial={"close_date": choices["serial"]})
    try:
        deals_from_source(subset)
    except ImportRejected as exc:
        raise Rejected(exc.errors) from None
    raise NotColumnar("bad rows the row rules do not confirm")


HASH_RULES = 1  # raise when a change to the reading rules must make every row count as changed


def _seed(src: Source, cols: DealColumns, choices: dict) -> str:
    """Everything besides a row's cells that decides the deal it gives."""
    from kvot import __version__

    return repr((HASH_RULES, __version__, src.settings, src.profile.name, cols.basis,
                 sorted(cols.won_stages), cols.currency, src.table.headers,
                 sorted(src.columns.found.items()), sorted(choices.items())))


class Rejected(ImportRejected):
    """The file's bad rows, as the row reader lists them."""


VALUES = ("deal_id", "name", "owner", "stage", "is_won", "kind", "closed_at", "close_on",
          "coalesce(ai, 0)", "coalesce(af, 0)", "months_exact", "months_used", "mi", "mf",
          "currency")


def _one_per_deal(scratch: Scratch, basis: str, rows: int) -> tuple[Staged, int]:
    """The first row of each deal (identical repeats dropped), staged, and how many were
    dropped."""
    con, q = scratch.con, scratch.qualified
    extra = int(con.execute("SELECT coalesce(sum(n - 1), 0) FROM _repeated").fetchone()[0])
    con.execute("CREATE TABLE _later AS SELECT r.i FROM _rows r JOIN _repeated p "
                "ON p.deal_id = r.deal_id WHERE r.i > p.first")
    select = f"""SELECT deal_id, name, owner, stage, is_won, kind, closed_at, close_on,
            {money('coalesce(ai, 0)', 'coalesce(af, 0)', 'amount')}, '{basis}' AS amount_basis,
            months_used AS months, {money('mi', 'mf', 'mrr')}, currency, line
        FROM {q('_deals_view')} d WHERE d.i NOT IN (SELECT i FROM {q('_later')})"""
    owners = f"SELECT owner, min(line) AS first_line FROM {q('_rows')} GROUP BY owner"
    return Staged(scratch, select, rows - extra, {"owner": owners}), extra


def _kind_notes(con, src: Source) -> list[str]:
    """``kind_conflicts.kind_conflict_notes``, counted in DuckDB over the same rows."""
    if not src.has("kind"):
        return []
    names = distinct(con, "name", "regexp_matches(name, '(?i)new|existing|renewal|upsell|"
                     "expansion|[^\\x00-\\x7f]')")
    said = [next((k for w, k in NAME_KINDS.items() if w in " ".join(n.casefold().split())),
                 None) for n in names]
    register(con, "_names", {"t": (pa.string(), names), "said": (pa.string(), said)})
    word = src.profile.renewal_pipeline_word
    cases = []
    if word and src.has("pipeline"):
        cases += [("p.renewal AND k.kind IS NOT NULL AND k.kind <> 'renewal'",
                   "deal(s) in a renewal pipeline have another deal type",
                   "read as renewals (the pipeline wins)"),
                  ("NOT p.renewal AND k.kind = 'renewal'",
                   "deal(s) with a renewal deal type are in a pipeline that is not for "
                   "renewals", "read as renewals (the deal type)")]
    cases.append(("n.said IS NOT NULL AND k.kind IS NOT NULL AND k.kind <> n.said",
                  "deal(s) whose name says another kind than their deal type",
                  "read by the deal type" + (" and pipeline" if word else "")))
    notes = []
    for where, what, rule in cases:
        count, lines = con.execute(
            f"SELECT count(*), list(r.line ORDER BY r.i)[1:{EXAMPLE_LINES + 1}] FROM _rows r "
            "LEFT JOIN _kinds k ON k.t = r.kind LEFT JOIN _pipes p ON p.t = r.pipeline "
            f"LEFT JOIN _names n ON n.t = r.name WHERE {where}").fetchone()
        notes += note(count, lines or [], what, rule)
    return notes
