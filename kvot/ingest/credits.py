"""Read a credit (split) file into ``CreditRecord``s.

Columns: ``deal_id``, ``rep``, ``share``, ``credit_type`` (``revenue``, the default, or
``overlay``). Shares are percentages when any value in the column is above 1 or has a ``%``
(``60``, ``60 %``, ``60,5 %``), else fractions (``0.6``); they are kept as fractions. The
revenue shares of one deal must total 100 % (± 0.01 %); overlay shares may total anything.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from kvot.config import Settings
from kvot.ingest.parse import decimal_style, parse_share, share_style
from kvot.ingest.readers import Row
from kvot.ingest.records import CreditRecord, ReadResult, drop_repeats
from kvot.ingest.source import Source, open_source

CREDIT_TYPES = ("revenue", "overlay")
SHARE_TOLERANCE = Decimal("0.0001")  # 0.01 percentage points
FIELD_COLUMNS = {"deal_id": "deal_id", "rep": "rep", "share": "share",
                 "credit_type": "credit_type"}


def read_credits(path: Path, settings: Settings, *, sheet: str | None = None,
                 decimal: str | None = None, date_format: str | None = None,
                 encoding: str | None = None) -> ReadResult[CreditRecord]:
    """Read a credit file; raise ImportRejected listing every bad row."""
    src = open_source(path, settings, "credits", ("deal_id", "rep", "share"), sheet=sheet,
                      decimal=decimal, date_format=date_format, encoding=encoding)
    return credits_from_source(src)


def credits_from_source(src: Source) -> ReadResult[CreditRecord]:
    """The credits of an opened file (``kvot.ingest.credits_table`` also passes some of a
    file's rows, with the file-wide choices made)."""
    shares = _shares(src)
    records = [r for row in src.rows if (r := _credit(src, row, shares))]
    columns = {f: src.columns.header(c) or c for f, c in FIELD_COLUMNS.items()}
    records, dropped = drop_repeats(
        records, lambda c: (c.deal_id, c.rep.casefold(), c.credit_type), src.file, columns,
        src.errors)
    if dropped:
        src.notes.append(f"{dropped} repeated identical credit row(s) dropped")
    _check_totals(src, records)
    return src.finish(records)


def _shares(src: Source) -> dict[int, Decimal]:
    texts = [src.text(r, "share") for r in src.rows if src.text(r, "share")]
    decimal = src.decimal or src.column_format(
        "share", lambda values: decimal_style([v.replace("%", "") for v in values]))
    if decimal is None:
        return {}
    style = src.share_style or share_style(texts, decimal)
    src.notes.append("shares read as percentages" if style == "percent" else
                     "shares read as fractions (no value above 1 and no %)")
    return src.parsed("share", lambda t: parse_share(t, style, decimal))


def _credit(src: Source, row: Row, shares: dict[int, Decimal]) -> CreditRecord | None:
    errors_before = len(src.errors)
    deal_id, rep = src.text(row, "deal_id"), src.text(row, "rep")
    for name, value in (("deal_id", deal_id), ("rep", rep), ("share", src.text(row, "share"))):
        if not value:
            src.fail(row.line, name, None, f"is blank: every credit needs a {name}")
    share = shares.get(row.line)
    if share is not None and share < 0:
        src.fail(row.line, "share", src.text(row, "share"), "is negative")
    credit_type = (src.text(row, "credit_type") or "revenue").casefold()
    if credit_type not in CREDIT_TYPES:
        src.fail(row.line, "credit_type", src.text(row, "credit_type"),
                 "is not a credit type", "use revenue or overlay")
    if len(src.errors) > errors_before or share is None:
        return None
    return CreditRecord(deal_id, rep, share, credit_type, row.line)


def _check_totals(src: Source, records: list[CreditRecord]) -> None:
    by_deal: dict[str, list[CreditRecord]] = defaultdict(list)
    for record in records:
        if record.credit_type == "revenue":
            by_deal[record.deal_id].append(record)
    for deal_id, credits in by_deal.items():
        total = sum(c.share for c in credits)
        if abs(total - 1) > SHARE_TOLERANCE:
            percent = f"{(total * 100).normalize():f} %"
            alike = [d for d in by_deal if d != deal_id and d.casefold() == deal_id.casefold()]
            also = f" (deal {alike[0]} in this file differs only in case)" if alike else ""
            for c in credits:
                src.fail(c.line, "share", _share_text(src, c), f"revenue shares of deal {deal_id} "
                         f"total {percent}, not 100 %{also}", "make the deal's revenue splits add up")


def _share_text(src: Source, record: CreditRecord) -> str:
    row = next(r for r in src.rows if r.line == record.line)
    return src.text(row, "share")
