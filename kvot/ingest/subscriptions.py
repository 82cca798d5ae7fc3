"""Read a billing system's subscription export (the ``stripe`` profile) as deals.

One subscription is one deal (``deal_id`` = the subscription id, every one ``new`` unless a
kind column says otherwise). Rules, each a note when it applies:

- **MRR** = unit amount × quantity ÷ the months of (interval × interval count): ``month`` 1,
  ``year`` 12, ``week`` 12/52, ``day`` 12/365. Unit amounts are in minor units (cents, öre:
  ÷ 100; zero-decimal currencies such as JPY ÷ 1) unless ``minor_units = false``.
  A blank quantity is 1.
- **Discounts**: a coupon whose duration is ``forever`` or ``repeating`` lowers the amount
  (``percent_off`` %, or ``amount_off`` per invoice, in minor units like the price); a ``once``
  coupon does not. A discount without a duration is an error.
- **Won**: status ``active``, ``past_due`` or ``unpaid`` (the subscription has been paid at
  least once). ``trialing``, ``incomplete``, ``incomplete_expired`` and ``paused`` are not won.
  ``canceled`` is won when it had no trial or was canceled after its trial ended (it was paid);
  canceled during its trial it was never paid and is not won.
- **Close date**: the trial end when the subscription had a trial (a trial counts in the month
  it converts), else the start date. Timestamps without an offset are UTC (Stripe's
  ``(UTC)`` columns), then dated in the reporting time zone.
- **Free**: a subscription whose amount after discounts is 0 is not won (not MRR).
- **Owner**: Stripe has no sales owner. A column mapped to ``owner`` (e.g.
  ``owner = "sales_rep (metadata)"``) credits reps; without one, deals have no owner and
  credits (``deal_id`` = subscription id) say who closed them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

from kvot.config import Settings
from kvot.ingest.dates import as_utc, local_date
from kvot.ingest.deals import (note_minor_units, one_per_deal, row_currency, row_kind,
                               row_owner)
from kvot.ingest.mrr import (MONTHS_PER_YEAR, MRR_CONTEXT, WEEKS_PER_YEAR, from_minor_units,
                             monthly_amount)
from kvot.ingest.parse import decimal_style, parse_amount
from kvot.ingest.readers import Row
from kvot.ingest.records import DealRecord, ReadResult
from kvot.ingest.source import Source, open_source

DAYS_PER_YEAR = Decimal(365)
MONTHS_PER_INTERVAL = {
    "day": MRR_CONTEXT.divide(MONTHS_PER_YEAR, DAYS_PER_YEAR),
    "week": MRR_CONTEXT.divide(MONTHS_PER_YEAR, WEEKS_PER_YEAR),
    "month": Decimal(1),
    "year": MONTHS_PER_YEAR,
}
PAID_STATUSES = ("active", "past_due", "unpaid")
UNPAID_STATUSES = ("trialing", "incomplete", "incomplete_expired", "paused")
CANCELED = "canceled"
RECURRING_DURATIONS = ("forever", "repeating")
DURATIONS = RECURRING_DURATIONS + ("once",)
REQUIRED = ("deal_id", "stage", "close_date", "amount", "interval")


@dataclass
class SubscriptionColumns:
    """The parsed columns of a subscription export."""

    amounts: dict[int, Decimal]
    quantities: dict[int, Decimal]
    counts: dict[int, Decimal]
    starts: dict[int, date | datetime]
    trial_ends: dict[int, date | datetime]
    canceled: dict[int, date | datetime]
    percent_off: dict[int, Decimal]
    amount_off: dict[int, Decimal]
    currency: str


def read_subscriptions(path: Path, settings: Settings, *, sheet: str | None = None,
                       decimal: str | None = None, date_format: str | None = None,
                       encoding: str | None = None) -> ReadResult[DealRecord]:
    """Read a subscription export as deals; raise ImportRejected listing every bad row."""
    src = open_source(path, settings, "deals", REQUIRED, sheet=sheet, decimal=decimal,
                      date_format=date_format, encoding=encoding)
    cols = _columns(src)
    counts = {"trial": 0, "free": 0, "unpaid": 0}
    records = [r for row in src.rows if (r := _subscription(src, cols, row, counts))]
    records = one_per_deal(src, records)
    _notes(src, counts)
    return src.finish(records)


def _columns(src: Source) -> SubscriptionColumns:
    def numbers(name: str) -> dict[int, Decimal]:
        return src.amounts(name) if src.has(name) else {}

    def percents() -> dict[int, Decimal]:
        if not src.has("percent_off"):
            return {}
        style = src.decimal or src.column_format(
            "percent_off", lambda values: decimal_style([v.replace("%", "") for v in values]))
        if style is None:
            return {}
        return src.parsed("percent_off", lambda t: parse_amount(t.replace("%", ""), style))

    def dates(name: str) -> dict[int, date | datetime]:
        return src.dates(name) if src.has(name) else {}

    currency = src.settings.currency or src.settings.reporting_currency
    return SubscriptionColumns(
        numbers("amount"), numbers("quantity"), numbers("interval_count"),
        dates("close_date"), dates("trial_end"), dates("canceled_at"),
        percents(), numbers("amount_off"), currency)


def _subscription(src: Source, cols: SubscriptionColumns, row: Row,
                  counts: dict[str, int]) -> DealRecord | None:
    errors_before = len(src.errors)
    deal_id = src.text(row, "deal_id")
    if not deal_id:
        src.fail(row.line, "deal_id", None, "is blank: every subscription needs an id")
    status = src.text(row, "stage").casefold()
    currency = row_currency(src, cols.currency, row)
    months = _months(src, cols, row)
    amount = _amount(src, cols, row, currency)
    trial_end = cols.trial_ends.get(row.line)
    paid = _was_paid(src, cols, row, status, trial_end)
    is_won = paid and amount is not None and amount > 0
    owner = row_owner(src, row, is_won)
    kind = row_kind(src, row, is_won)
    close = trial_end or cols.starts.get(row.line)
    if close is None and is_won:
        src.fail(row.line, "close_date", None, "is blank: a paid subscription needs a start date")
    if len(src.errors) > errors_before or months is None or amount is None:
        return None
    counts["trial"] += status == "trialing"
    counts["free"] += paid and amount == 0
    counts["unpaid"] += status == CANCELED and not paid
    closed_at = as_utc(close) if isinstance(close, datetime) else None
    close_on = local_date(close, src.settings.timezone) if close is not None else None
    try:
        mrr = monthly_amount(amount, months)
    except ValueError as exc:
        src.fail(row.line, "amount", src.text(row, "amount"), str(exc), TOO_LARGE_FIX)
        return None
    return DealRecord(deal_id, src.text(row, "name") or None, owner, src.text(row, "stage"),
                      is_won, kind, closed_at, close_on, amount, "per_billing_period", months,
                      mrr, currency, row.line)


def _months(src: Source, cols: SubscriptionColumns, row: Row) -> Decimal | None:
    """Months of one billing period: interval × interval count."""
    interval = src.text(row, "interval").casefold()
    count = cols.counts.get(row.line, Decimal(1))
    if interval not in MONTHS_PER_INTERVAL:
        src.fail(row.line, "interval", interval or None,
                 "is not a billing interval kvot knows" if interval else "is blank",
                 f"use one of {', '.join(MONTHS_PER_INTERVAL)}; kvot never assumes monthly")
        return None
    if count <= 0 or count != count.to_integral_value():
        src.fail(row.line, "interval_count", src.text(row, "interval_count"),
                 "is not a whole number of intervals above 0")
        return None
    return MONTHS_PER_INTERVAL[interval] * count


def _amount(src: Source, cols: SubscriptionColumns, row: Row, currency: str) -> Decimal | None:
    """Amount per billing period after recurring discounts, in major units."""
    unit = cols.amounts.get(row.line)
    if unit is None:
        if not src.text(row, "amount"):
            src.fail(row.line, "amount", None, "is blank: a subscription needs a unit amount")
        return None
    gross = unit * cols.quantities.get(row.line, Decimal(1))
    percent, off = cols.percent_off.get(row.line), cols.amount_off.get(row.line)
    if percent is None and off is None:
        return _major(src, gross, currency)
    duration = src.text(row, "discount_duration").casefold()
    if duration not in DURATIONS:
        src.fail(row.line, "discount_duration", duration or None,
                 "is not a coupon duration" if duration else
                 "is blank: a discount needs a duration to tell whether it lowers MRR",
                 f"use one of {', '.join(DURATIONS)}")
        return None
    if duration in RECURRING_DURATIONS:
        if percent is not None:
            gross = gross * (100 - percent) / 100
        if off is not None:
            gross = max(gross - off, Decimal(0))
    return _major(src, gross, currency)


def _major(src: Source, amount: Decimal, currency: str) -> Decimal:
    return from_minor_units(amount, currency) if src.minor_units else amount


def _was_paid(src: Source, cols: SubscriptionColumns, row: Row, status: str,
              trial_end: date | datetime | None) -> bool:
    if status in PAID_STATUSES or status in UNPAID_STATUSES:
        return status in PAID_STATUSES
    if status != CANCELED:
        src.fail(row.line, "stage", src.text(row, "stage") or None,
                 "is not a subscription status kvot knows" if status else "is blank",
                 f"use one of {', '.join(PAID_STATUSES + UNPAID_STATUSES + (CANCELED,))}")
        return False
    if trial_end is None:
        return True
    canceled = cols.canceled.get(row.line)
    if canceled is None:
        src.fail(row.line, "canceled_at", None, "is blank: a subscription canceled after a trial "
                 "needs its cancel date to tell whether it was ever paid")
        return False
    return _instant(canceled) > _instant(trial_end)


def _instant(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return as_utc(value)
    return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)


def _notes(src: Source, counts: dict[str, int]) -> None:
    src.notes.append("one subscription, one deal: MRR = unit amount × quantity ÷ months of "
                     "(interval × interval count); a trial closes on its trial end")
    note_minor_units(src)
    if counts["trial"]:
        src.notes.append(f"{counts['trial']} subscription(s) in trial: not MRR until they convert")
    if counts["free"]:
        src.notes.append(f"{counts['free']} free (0-priced) subscription(s): not MRR")
    if counts["unpaid"]:
        src.notes.append(f"{counts['unpaid']} subscription(s) canceled in their trial, never "
                         "paid: not won")
    if not src.has("owner"):
        src.notes.append('no owner column: subscriptions have no owner; map one ([mapping] '
                         'owner = "sales_rep (metadata)") or import credits with the '
                         "subscription id as deal_id")
    if not src.has("kind"):
        src.notes.append("no kind column: every subscription is new business")
