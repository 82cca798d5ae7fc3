"""Read a deals (opportunities) file into ``DealRecord``s.

Rules, each stated to the user when it applies (``ReadResult.notes``):

- **Won**: the stage is one of the won stages (``Settings.won_stages``, else the profile's),
  compared ignoring case. A file without a stage column is a closed-won export: every row is
  won. A won deal needs a close date, an owner and an amount; an open or lost deal may lack
  them (amount 0, owner "", no close date).
- **Amount meaning**: an ``amount`` column means ``Settings.amount``; a file without one
  is read from an ``mrr`` column (monthly) or else an ``arr`` column (annual).
  ``per_billing_period`` needs a ``billing_period`` column, ``tcv`` a ``term_months`` column;
  see ``kvot.ingest.mrr``. A deal with amount 0 or blank needs neither (its MRR is 0).
- **Kind**: from the kind column (canonical words or the profile's CRM words); no kind
  column → every deal is new; a blank kind is an error on a won deal and ``other`` otherwise.
- **Currency**: the currency column, else ``Settings.currency``, else the reporting currency.
- **One deal, one row**: identical repeats are dropped; a repeat with other values is an error
  on both lines. With a ``line_id`` column, the rows of a deal are its line items: amount and
  MRR are summed and every other field must agree.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from kvot.config import DEAL_KINDS, Settings
from kvot.errors import ImportRejected
from kvot.ingest.columns import missing_column
from kvot.ingest.dates import as_utc, local_date
from kvot.ingest.invisible import FIX as INVISIBLE_FIX, invisible_reason
from kvot.ingest.kind_conflicts import kind_conflict_notes
from kvot.ingest.mrr import TOO_LARGE_FIX, from_minor_units, months_for, monthly_amount
from kvot.ingest.parse import currencies_of_marks
from kvot.ingest.profiles import get_profile
from kvot.ingest.readers import Row
from kvot.ingest.records import DealRecord, ReadResult, conflict_errors, drop_repeats
from kvot.ingest.source import Source, open_source

AMOUNT_FIELDS = {"amount": None, "mrr": "mrr", "arr": "arr"}  # field -> basis (None: setting)
FIELD_COLUMNS = {"deal_id": "deal_id", "name": "name", "owner": "owner", "stage": "stage",
                 "kind": "kind", "closed_at": "close_date", "close_on": "close_date",
                 "currency": "currency", "months": "billing_period"}


@dataclass
class DealColumns:
    """The parsed columns of a deals file and the file-wide choices."""

    amount_field: str
    basis: str
    amounts: dict[int, Decimal]
    closes: dict[int, date | datetime]
    won_stages: set[str]
    currency: str
    open_without_term: list[int] = field(default_factory=list)  # lines of open/lost deals


def read_deals(path: Path, settings: Settings, *, sheet: str | None = None,
               decimal: str | None = None, date_format: str | None = None,
               encoding: str | None = None) -> ReadResult[DealRecord]:
    """Read a deals file; raise ImportRejected listing every bad row."""
    if get_profile(settings.profile).subscriptions:
        from kvot.ingest.subscriptions import read_subscriptions
        return read_subscriptions(path, settings, sheet=sheet, decimal=decimal,
                                  date_format=date_format, encoding=encoding)
    src = open_source(path, settings, "deals", ("deal_id", "close_date"), sheet=sheet,
                      decimal=decimal, date_format=date_format, encoding=encoding)
    return deals_from_source(src)


def deals_from_source(src: Source) -> ReadResult[DealRecord]:
    """The deals of an opened file (``kvot.ingest.deals_table`` also passes some of a file's
    rows, with the file-wide choices made)."""
    cols = _deal_columns(src)
    records = [r for row in src.rows if (r := _deal(src, cols, row)) is not None]
    records = one_per_deal(src, records)
    if cols.open_without_term:
        src.notes.append(f"{len(cols.open_without_term)} open or lost deal(s) without a usable "
                         f"term or billing period (first on line {cols.open_without_term[0]}): "
                         "their MRR is unknown (0); they are not MRR closed")
    _note_kinds(src)
    note_minor_units(src)
    return src.finish(records)


def note_minor_units(src: Source) -> None:
    if src.minor_units:
        src.notes.append("amounts in minor units: ÷ 100 (÷ 1 for zero-decimal currencies "
                         "such as JPY, ÷ 1000 for KWD, BHD, ...)")


def _deal_columns(src: Source) -> DealColumns:
    field, basis, won, currency = deal_choices(src)
    return DealColumns(field, basis, src.amounts(field), src.dates("close_date"), won, currency)


def deal_choices(src: Source) -> tuple[str, str, set[str], str]:
    """(amount column, amount basis, won stages casefolded, default currency), with notes."""
    field = next((f for f in AMOUNT_FIELDS if src.has(f)), None)
    if field is None:
        raise ImportRejected([missing_column(src.table, "deals", src.profile, "amount")])
    basis = AMOUNT_FIELDS[field] or src.settings.amount
    _require_basis_column(src, basis)
    if field != "amount":
        src.notes.append(f"amount from column {src.columns.header(field)!r}, read as {basis}")
    won = src.settings.won_stages or src.profile.won_stages
    if not src.has("stage"):
        src.notes.append("no stage column: every deal is read as won")
    currency = src.settings.currency or src.settings.reporting_currency
    if not src.has("currency"):
        which = "settings.currency" if src.settings.currency else "settings.reporting_currency"
        src.notes.append(f"no currency column: every deal in {currency} ({which})")
    if not src.has("owner"):
        src.notes.append("no owner column: deals have no owner; import credits to credit reps")
    return field, basis, {s.casefold() for s in won}, currency


def _require_basis_column(src: Source, basis: str) -> None:
    needed = {"per_billing_period": "billing_period", "tcv": "term_months"}.get(basis)
    if needed and not src.has(needed):
        error = missing_column(src.table, "deals", src.profile, needed)
        raise ImportRejected([replace(error, reason=f"amount = {basis} needs a {needed} column; "
                                      + error.reason)])


def _deal(src: Source, cols: DealColumns, row: Row) -> DealRecord | None:
    errors_before = len(src.errors)
    deal_id = src.text(row, "deal_id")
    if not deal_id:
        src.fail(row.line, "deal_id", None, "is blank: every deal needs an id")
    elif reason := invisible_reason(deal_id):
        src.fail(row.line, "deal_id", deal_id, reason, INVISIBLE_FIX)
    stage = src.text(row, "stage") if src.has("stage") else "Won"
    if src.has("stage") and not stage:
        src.fail(row.line, "stage", None, "is blank: every deal needs a stage")
    is_won = stage.casefold() in cols.won_stages or not src.has("stage")
    owner = row_owner(src, row, is_won)
    kind = row_kind(src, row, is_won)
    closed_at, close_on = _close(src, cols, row, is_won)
    currency = row_currency(src, cols.currency, row)
    _check_mark(src, cols, row, currency)
    amount, months, mrr = _money(src, cols, row, is_won, currency)
    if len(src.errors) > errors_before:
        return None
    return DealRecord(deal_id, src.text(row, "name") or None, owner, stage, is_won, kind,
                      closed_at, close_on, amount, cols.basis, months, mrr, currency, row.line)


def _check_mark(src: Source, cols: DealColumns, row: Row, currency: str) -> None:
    """A currency written in the amount cell must be the deal's currency: ``100 EUR`` on a
    deal in SEK is an error, never 100 SEK."""
    text = src.text(row, cols.amount_field)
    found = currencies_of_marks(text) if row.line in cols.amounts else None
    if found and currency.upper() not in found[1]:
        src.fail(row.line, cols.amount_field, text,
                 f"says {found[0]} but the deal's currency is {currency}",
                 "give the deal's currency in a currency column or with --currency, "
                 "or correct the amount")


def row_owner(src: Source, row: Row, is_won: bool) -> str:
    owner = src.text(row, "owner")
    if is_won and src.has("owner") and not owner:
        src.fail(row.line, "owner", None, "is blank: a won deal needs an owner")
    return owner


def row_kind(src: Source, row: Row, is_won: bool) -> str:
    if not src.has("kind"):
        return _pipeline_kind(src, row) or "new"
    text = src.text(row, "kind")
    kind = src.deal_kind(text) if text else None
    if text and kind is None:
        src.fail(row.line, "kind", text, "is not a deal kind kvot knows",
                 f"use one of {', '.join(DEAL_KINDS)}, or map it in kvot.toml: "
                 f"[kinds] \"{text}\" = \"new\"")
    elif not text and is_won:
        src.fail(row.line, "kind", None, "is blank: a won deal needs a kind",
                 f"use one of {', '.join(DEAL_KINDS)}")
    return _pipeline_kind(src, row) or kind or "other"


def _pipeline_kind(src: Source, row: Row) -> str | None:
    word = src.profile.renewal_pipeline_word
    if word and word in src.text(row, "pipeline").casefold():
        return "renewal"
    return None


def _close(src: Source, cols: DealColumns, row: Row,
           is_won: bool) -> tuple[datetime | None, date | None]:
    value = cols.closes.get(row.line)
    if value is None:
        if is_won and not src.text(row, "close_date"):
            src.fail(row.line, "close_date", None, "is blank: a won deal needs a close date")
        return None, None
    closed_at = as_utc(value) if isinstance(value, datetime) else None
    return closed_at, local_date(value, src.settings.timezone)


def _money(src: Source, cols: DealColumns, row: Row, is_won: bool,
           currency: str) -> tuple[Decimal, Decimal, Decimal]:
    amount = cols.amounts.get(row.line)
    if amount is None:
        if is_won and not src.text(row, cols.amount_field):
            src.fail(row.line, cols.amount_field, None, "is blank: a won deal needs an amount")
        amount = Decimal(0)
    if src.minor_units:
        amount = from_minor_units(amount, currency)
    period, term = src.text(row, "billing_period"), src.text(row, "term_months")
    if not amount and not (period or term):
        return amount, Decimal(1), Decimal(0)
    try:
        months = months_for(cols.basis, period, term)
    except ValueError as exc:
        name = "term_months" if cols.basis == "tcv" else "billing_period"
        if is_won:
            src.fail(row.line, name, src.text(row, name) or None, str(exc),
                     "fill it in; kvot never assumes monthly")
        else:  # an open or lost deal is never MRR closed: its MRR is left unknown (0)
            cols.open_without_term.append(row.line)
        return amount, Decimal(0), Decimal(0)
    try:
        return amount, months, monthly_amount(amount, months)
    except ValueError as exc:
        src.fail(row.line, cols.amount_field, src.text(row, cols.amount_field), str(exc),
                 TOO_LARGE_FIX)
        return amount, months, Decimal(0)


def row_currency(src: Source, default: str, row: Row) -> str:
    written = src.text(row, "currency")
    text = written.upper()
    if not text:
        return default
    if len(text) != 3 or not text.isalpha():
        src.fail(row.line, "currency", written, "is not a three-letter currency code such as SEK")
    return text


def one_per_deal(src: Source, records: list[DealRecord]) -> list[DealRecord]:
    columns = {f: src.columns.header(c) or c for f, c in FIELD_COLUMNS.items()}
    columns["amount"] = columns["mrr"] = src.columns.header(
        next(f for f in AMOUNT_FIELDS if src.has(f))) or "amount"
    if src.has("line_id"):
        return _sum_line_items(src, records, columns)
    kept, dropped = drop_repeats(records, lambda r: r.deal_id, src.file, columns, src.errors)
    if dropped:
        src.notes.append(f"{dropped} repeated identical row(s) dropped (one deal, one row)")
    return kept


def _sum_line_items(src: Source, records: list[DealRecord],
                    columns: dict[str, str]) -> list[DealRecord]:
    line_ids = {row.line: src.text(row, "line_id") for row in src.rows}
    items, dropped = drop_repeats(records, lambda r: (r.deal_id, line_ids[r.line]),
                                  src.file, columns, src.errors)
    deals: dict[str, DealRecord] = {}
    for item in items:
        first = deals.get(item.deal_id)
        if first is None:
            deals[item.deal_id] = item
            continue
        other = replace(item, amount=first.amount, mrr=first.mrr, line=first.line)
        if other != first:
            src.errors.extend(conflict_errors(first, item, src.file, columns,
                                              f"deal {item.deal_id}"))
            continue
        deals[item.deal_id] = replace(first, amount=first.amount + item.amount,
                                      mrr=first.mrr + item.mrr)
    if dropped:
        src.notes.append(f"{dropped} repeated identical line item row(s) dropped")
    return list(deals.values())


def _note_kinds(src: Source) -> None:
    if not src.has("kind"):
        src.notes.append("no kind column: every deal is new business")
    src.notes.extend(kind_conflict_notes(src))
