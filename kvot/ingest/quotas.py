"""Read a quota sheet into ``QuotaRecord``s, long or wide.

**Long** (one row per rep or team and period): a ``rep`` or ``team`` column; the period as a
``period`` label (see ``kvot.ingest.period_text``), or ``start`` and ``end`` dates, or a
``start`` date with a ``period`` length (``quarterly``) or label (which must start on that
date); an ``amount``; optionally a ``currency``. A row with a rep is a rep quota; a row with
only a team is a team quota.

**Wide** (one row per rep, one column per period): chosen when the file has no period or
start column and some headers name periods (``2017-03``, ``Mar 2017``, ``2017-Q1``, Excel
dates or serials). The rep column is the ``rep`` (or ``team``) column, else the first column.
One record per non-blank cell; columns and rows headed ``Total``/``Sum``/``Totalt``/``Summa``
are ignored; other columns are ignored with a note.

Both: a blank amount is "no quota" (no record), ``0`` is a quota of 0. Amounts may not be
negative. Currency: the column, else ``Settings.currency``, else the reporting currency; an
amount column named like ``quota_eur`` must agree with that currency.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from kvot.config import Settings
from kvot.ingest.period_text import month_header
from kvot.ingest.quotas_long import long_quotas
from kvot.ingest.quotas_wide import wide_quotas
from kvot.ingest.records import QuotaRecord, ReadResult, drop_repeats
from kvot.ingest.source import Source, open_source

FIELD_COLUMNS = {"rep": "rep", "team": "team", "starts_on": "period", "ends_on": "period",
                 "amount": "amount", "currency": "currency"}


def read_quotas(path: Path, settings: Settings, *, sheet: str | None = None,
                decimal: str | None = None, date_format: str | None = None,
                encoding: str | None = None) -> ReadResult[QuotaRecord]:
    """Read a quota sheet (long or wide); raise ImportRejected listing every bad row."""
    src = open_source(path, settings, "quotas", sheet=sheet, decimal=decimal,
                      date_format=date_format, encoding=encoding)
    wide = _wide_columns(src)
    currency = _default_currency(src)
    records = wide_quotas(src, wide, currency) if wide else long_quotas(src, currency)
    columns = {f: src.columns.header(c) or c for f, c in FIELD_COLUMNS.items()}
    records, dropped = drop_repeats(records, _quota_key, src.file, columns, src.errors)
    if dropped:
        src.notes.append(f"{dropped} repeated identical quota row(s) dropped")
    return src.finish(records)


def _quota_key(q: QuotaRecord) -> tuple:
    """One quota per rep or team and period; reps and teams are matched ignoring case, as
    the workspace matches them."""
    return (q.rep and q.rep.casefold(), q.team and q.team.casefold(), q.starts_on, q.ends_on)


def _default_currency(src: Source) -> str:
    currency = src.settings.currency or src.settings.reporting_currency
    if not src.has("currency"):
        which = "settings.currency" if src.settings.currency else "settings.reporting_currency"
        src.notes.append(f"no currency column: every quota in {currency} ({which})")
    return currency


def _wide_columns(src: Source) -> dict[str, tuple[date, date]]:
    """Header → period of each column that names a period, when the sheet is wide."""
    if src.has("period") or src.has("start"):
        return {}
    fy = src.settings.fiscal_year_start_month
    return {h: p for h in src.table.headers if (p := month_header(h, fy)) is not None}
