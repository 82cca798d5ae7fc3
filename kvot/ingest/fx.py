"""Read an exchange-rate file into ``FxRecord``s: 1 ``currency`` = ``rate`` ``base``.

Columns: ``currency``, ``base`` (else the reporting currency), ``date`` (``2024-03-15``) or
``month`` (``2024-03``: the rate from the first day of that month), ``rate``. A file without a
date or month has one rate per currency, valid always (``rate_on`` 1900-01-01). A rate column
named ``rate_to_<ccy>`` (``rate_to_eur``) gives the base. Rates must be above 0; a currency's
rate to itself must be 1.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from kvot.config import Settings
from kvot.errors import ImportRejected
from kvot.ingest.columns import missing_column
from kvot.ingest.period_text import parse_period
from kvot.ingest.readers import Row
from kvot.ingest.records import FxRecord, ReadResult, drop_repeats
from kvot.ingest.source import Source, open_source

ALWAYS = date(1900, 1, 1)
RATE_TO_PREFIX = "rate_to_"
FIELD_COLUMNS = {"currency": "currency", "base": "base", "rate_on": "date", "rate": "rate"}


def read_fx(path: Path, settings: Settings, *, sheet: str | None = None,
            decimal: str | None = None, date_format: str | None = None,
            encoding: str | None = None) -> ReadResult[FxRecord]:
    """Read a rate file; raise ImportRejected listing every bad row."""
    src = open_source(path, settings, "fx", ("currency",), sheet=sheet, decimal=decimal,
                      date_format=date_format, encoding=encoding)
    rate_header, base = _rate_column(src)
    rates = _parsed_rates(src, rate_header)
    days = _days(src)
    records = [r for row in src.rows if (r := _rate(src, row, rates, days, base))]
    columns = {f: src.columns.header(c) or c for f, c in FIELD_COLUMNS.items()}
    columns["rate"] = rate_header
    records, dropped = drop_repeats(records, lambda r: (r.currency, r.base, r.rate_on),
                                    src.file, columns, src.errors)
    if dropped:
        src.notes.append(f"{dropped} repeated identical rate row(s) dropped")
    return src.finish(records)


def _rate_column(src: Source) -> tuple[str, str | None]:
    """The rate column's header and the base its name gives (``rate_to_eur`` → EUR)."""
    if src.has("rate"):
        return src.columns.header("rate"), None
    for header in src.table.headers:
        key = header.strip().lower().replace(" ", "_")
        code = key.removeprefix(RATE_TO_PREFIX)
        if key.startswith(RATE_TO_PREFIX) and len(code) == 3 and code.isalpha():
            src.notes.append(f"base currency {code.upper()} from the column name {header!r}")
            return header, code.upper()
    raise ImportRejected([missing_column(src.table, "fx", src.profile, "rate")])


def _parsed_rates(src: Source, header: str) -> dict[int, Decimal]:
    src.columns.found.setdefault("rate", header)
    return src.amounts("rate")


def _days(src: Source) -> dict[int, date]:
    if src.has("date"):
        return src.bare_dates("date")
    if src.has("month"):
        fy = src.settings.fiscal_year_start_month
        return src.parsed("month", lambda t: _month_start(t, fy))
    src.notes.append("no date or month column: each rate applies to every day")
    return {row.line: ALWAYS for row in src.rows}


def _month_start(text: str, fy: int) -> date:
    start, end = parse_period(text, fy)
    if (end - start).days > 31:
        raise ValueError("is not a month (write 2024-03)")
    return start


def _rate(src: Source, row: Row, rates: dict[int, Decimal], days: dict[int, date],
          name_base: str | None) -> FxRecord | None:
    errors_before = len(src.errors)
    currency = _code(src, row, "currency", None)
    base = _code(src, row, "base", name_base or src.settings.reporting_currency)
    rate, day = rates.get(row.line), days.get(row.line)
    for name, value in (("rate", rate), ("date" if src.has("date") else "month", day)):
        if value is None and not src.text(row, name):
            src.fail(row.line, name, None, f"is blank: every rate needs a {name}")
    if rate is not None and rate <= 0:
        src.fail(row.line, "rate", src.text(row, "rate"), "is not above 0")
    if rate is not None and currency == base and rate != 1:
        src.fail(row.line, "rate", src.text(row, "rate"),
                 f"is the rate of {currency} to itself, which must be 1")
    if len(src.errors) > errors_before or rate is None or day is None:
        return None
    return FxRecord(currency, base, day, rate, row.line)


def _code(src: Source, row: Row, name: str, default: str | None) -> str:
    written = src.text(row, name).strip()
    text = written.upper()
    if not text and default:
        return default
    if len(text) != 3 or not text.isalpha():
        src.fail(row.line, name, written or None, "is not a three-letter currency code such as SEK")
    return text
