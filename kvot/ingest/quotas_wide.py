"""Quota sheets in wide layout: one row per rep, one column per period.

See ``kvot.ingest.quotas`` for the rules. The decimal style is decided once for all the
period cells of the sheet together.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from kvot.ingest.dates import FormatAmbiguous
from kvot.ingest.parse import decimal_style, parse_amount
from kvot.ingest.readers import Row, is_total
from kvot.ingest.records import QuotaRecord
from kvot.ingest.source import Source

Periods = dict[str, tuple[date, date]]


def wide_quotas(src: Source, periods: Periods, currency: str) -> list[QuotaRecord]:
    """One record per non-blank period cell; totals and blank cells give none."""
    owner = "rep" if src.has("rep") or not src.has("team") else "team"
    owner_header = src.columns.header(owner) or next(
        h for h in src.table.headers if h not in periods)
    _note_layout(src, periods, owner_header)
    style = _sheet_style(src, periods)
    if style is None:
        return []
    records: list[QuotaRecord] = []
    for row in src.rows:
        name = row.values.get(owner_header, "")
        if is_total(name):
            continue
        if not name:
            if any(row.values.get(h) for h in periods):
                src.fail(row.line, owner_header, None, f"is blank: a quota needs a {owner}")
            continue
        row_currency = (src.text(row, "currency") or currency).upper()
        for header, span in periods.items():
            amount = _cell(src, row, header, style)
            if amount is not None:
                rep, team = (name, None) if owner == "rep" else (None, name)
                records.append(QuotaRecord(rep, team, span[0], span[1], amount, row_currency,
                                           row.line))
    return records


def _cell(src: Source, row: Row, header: str, style: str) -> Decimal | None:
    text = row.values.get(header, "")
    if not text:
        return None
    try:
        amount = parse_amount(text, style)
    except ValueError as exc:
        src.fail(row.line, header, text, str(exc))
        return None
    if amount < 0:
        src.fail(row.line, header, text, "is negative")
        return None
    return amount


def _sheet_style(src: Source, periods: Periods) -> str | None:
    if src.decimal:
        return src.decimal
    cells = [(row.line, h, row.values.get(h, "")) for row in src.rows for h in periods]
    try:
        return decimal_style([text for _, _, text in cells if text])
    except FormatAmbiguous as exc:
        line, header = next((ln, h) for ln, h, text in cells if text == exc.value)
        src.fail(line, header, exc.value, exc.reason, exc.fix)
        return None


def _note_layout(src: Source, periods: Periods, owner_header: str) -> None:
    labels = list(periods)
    src.notes.append(f"wide quota sheet: {owner_header!r} per row, {len(labels)} period "
                     f"column(s) {labels[0]!r} … {labels[-1]!r}; blank cells are no quota")
    used = set(periods) | {owner_header, src.columns.header("currency")}
    totals = [h for h in src.table.headers if is_total(h)]
    other = [h for h in src.table.headers if h not in used and not is_total(h)]
    if totals:
        src.notes.append(f"column(s) {', '.join(totals)} ignored: totals are not quotas")
    if other:
        src.notes.append(f"column(s) {', '.join(other)} ignored")
