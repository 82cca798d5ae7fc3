"""Quota sheets in long layout: one row per rep or team and period (see ``kvot.ingest.quotas``)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from kvot.errors import ImportRejected
from kvot.ingest.columns import missing_column
from kvot.ingest.period_text import add_months, parse_period, period_months
from kvot.ingest.readers import Row
from kvot.ingest.records import QuotaRecord
from kvot.ingest.source import Source

CURRENCY_SUFFIXES = {"eur", "usd", "gbp", "sek", "nok", "dkk", "chf", "jpy", "cad", "aud"}


def check_amount_suffix(src: Source, header: str, currency: str) -> None:
    """``quota_eur`` read as SEK is an error: the column name says otherwise."""
    suffix = header.strip().lower().rpartition("_")[2]
    if suffix in CURRENCY_SUFFIXES and suffix.upper() != currency and not src.has("currency"):
        src.fail(src.table.header_line, header, None,
                 f"names {suffix.upper()} but quotas would be read in {currency}",
                 f'set currency = "{suffix.upper()}" (or add a currency column)')



def long_quotas(src: Source, currency: str) -> list[QuotaRecord]:
    """One record per row with an amount; rows with a blank amount are no quota."""
    for name in ("amount",) + (() if src.has("team") else ("rep",)):
        if not src.has(name):
            raise ImportRejected([missing_column(src.table, "quotas", src.profile, name)])
    if not src.has("period") and not src.has("start"):
        raise ImportRejected([missing_column(src.table, "quotas", src.profile, "period")])
    check_amount_suffix(src, src.columns.header("amount") or "", currency)
    amounts = src.amounts("amount")
    starts = src.bare_dates("start") if src.has("start") else {}
    ends = src.bare_dates("end") if src.has("end") else {}
    records, blank = [], 0
    for row in src.rows:
        if not src.text(row, "amount"):
            blank += 1
            continue
        span = _span(src, row, starts.get(row.line), ends.get(row.line))
        record = _long_quota(src, row, span, amounts.get(row.line), currency)
        if record is not None:
            records.append(record)
    if blank:
        src.notes.append(f"{blank} row(s) with a blank amount: no quota (not 0)")
    return records


def _long_quota(src: Source, row: Row, span: tuple[date, date] | None,
                amount: Decimal | None, currency: str) -> QuotaRecord | None:
    rep, team = src.text(row, "rep") or None, src.text(row, "team") or None
    if rep is None and team is None:
        src.fail(row.line, "rep" if src.has("rep") else "team", None,
                 "is blank: a quota needs a rep or a team")
    if amount is not None and amount < 0:
        src.fail(row.line, "amount", src.text(row, "amount"), "is negative")
    row_currency = (src.text(row, "currency") or currency).upper()
    if span is None or amount is None or amount < 0 or (rep is None and team is None):
        return None
    return QuotaRecord(rep, None if rep else team, span[0], span[1], amount, row_currency,
                       row.line)


def _span(src: Source, row: Row, start: date | None,
          end: date | None) -> tuple[date, date] | None:
    period = src.text(row, "period")
    if src.has("start") and start is None:
        if not src.text(row, "start"):
            src.fail(row.line, "start", None, "is blank: a quota needs its start date")
        return None
    if start is None:
        return _labelled_span(src, row, period)
    if end is not None:
        if end < start:
            src.fail(row.line, "end", end.isoformat(), f"is before the start {start.isoformat()}")
            return None
        return start, end
    return _start_and_period(src, row, start, period)


def _labelled_span(src: Source, row: Row, period: str) -> tuple[date, date] | None:
    if not period:
        src.fail(row.line, "period", None, "is blank: a quota needs a period")
        return None
    try:
        return parse_period(period, src.settings.fiscal_year_start_month)
    except ValueError as exc:
        src.fail(row.line, "period", period, str(exc))
        return None


def _start_and_period(src: Source, row: Row, start: date, period: str) -> tuple[date, date] | None:
    if not period:
        src.fail(row.line, "period" if src.has("period") else "end", None,
                 "is blank: a quota with a start date needs an end date or a period")
        return None
    try:
        months = period_months(period)
        return start, add_months(start, months) - timedelta(days=1)
    except ValueError:
        pass
    span = _labelled_span(src, row, period)
    if span is not None and span[0] != start:
        src.fail(row.line, "start", start.isoformat(),
                 f"is not the first day of period {period} ({span[0].isoformat()})")
        return None
    return span
