"""Monthly amount (MRR) of a deal from its amount and what the amount means.

The user states what a source's amount means (``Settings.amount``, or the column it comes
from: a ``mrr`` or ``arr`` column):

- ``mrr``: the amount is monthly already (÷ 1);
- ``arr``: annual (÷ 12);
- ``per_billing_period``: per invoice; ÷ the months of the deal's billing period
  (``MONTHS_PER_BILLING_PERIOD``, or a plain number of months);
- ``tcv``: the whole contract; ÷ the deal's term in months.

An unknown billing period or a missing or zero term is an error, never "monthly".
MRR is computed at 28 significant digits and kept to 10 decimal places (half-even),
the precision of the workspace's money columns.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation

MRR_CONTEXT = Context(prec=28)
MRR_PLACES = Decimal("1E-10")
MONTHS_PER_YEAR = Decimal(12)
WEEKS_PER_YEAR = Decimal(52)
MONTHS_PER_BASIS = {"mrr": Decimal(1), "arr": MONTHS_PER_YEAR}
MONTHS_PER_BILLING_PERIOD: dict[str, Decimal] = {
    "weekly": MRR_CONTEXT.divide(MONTHS_PER_YEAR, WEEKS_PER_YEAR),  # × 52 ÷ 12
    "monthly": Decimal(1),
    "quarterly": Decimal(3),
    "semi-annual": Decimal(6),
    "half-yearly": Decimal(6),
    "annual": Decimal(12),
    "yearly": Decimal(12),
    "biennial": Decimal(24),
    "2-year": Decimal(24),
    "triennial": Decimal(36),
    "3-year": Decimal(36),
}
BILLING_PERIOD_SPELLINGS = {
    "week": "weekly", "month": "monthly", "quarter": "quarterly",
    "semiannual": "semi-annual", "semi-annually": "semi-annual", "semiannually": "semi-annual",
    "half-year": "half-yearly", "halfyearly": "half-yearly", "biannual": "semi-annual",
    "annually": "annual", "year": "annual", "2 years": "2-year", "two-year": "2-year",
    "biannually": "semi-annual", "3 years": "3-year", "three-year": "3-year",
}
_COUNT = re.compile(r"^(\d+(?:\.\d+)?)\s*(m|mo|mos|month|months|y|yr|yrs|year|years)?$")


def billing_months(text: str) -> Decimal:
    """Months in a billing period: ``quarterly`` → 3, ``weekly`` → 12/52, ``6`` → 6."""
    key = " ".join(text.strip().lower().replace("_", "-").split())
    key = BILLING_PERIOD_SPELLINGS.get(key, key)
    if key in MONTHS_PER_BILLING_PERIOD:
        return MONTHS_PER_BILLING_PERIOD[key]
    try:
        return term_months(key)
    except ValueError:
        known = ", ".join(MONTHS_PER_BILLING_PERIOD)
        raise ValueError(f"is not a billing period kvot knows ({known}, or a number of months)") from None


def term_months(text: str) -> Decimal:
    """A contract term in months: ``24``, ``24 months``, ``2 years`` → 24. Must be > 0."""
    m = _COUNT.match(text.strip().lower())
    if not m:
        raise ValueError("is not a number of months")
    months = Decimal(m[1])
    if (m[2] or "m").startswith("y"):
        months *= MONTHS_PER_YEAR
    if months <= 0:
        raise ValueError("is not a positive number of months")
    return months


def months_for(basis: str, billing_period: str | None = None, term: str | None = None) -> Decimal:
    """The divisor that turns an amount of ``basis`` into MRR. Raises ValueError."""
    if basis in MONTHS_PER_BASIS:
        return MONTHS_PER_BASIS[basis]
    if basis == "per_billing_period":
        if not billing_period:
            raise ValueError("has no billing period")
        return billing_months(billing_period)
    if basis == "tcv":
        if not term:
            raise ValueError("has no contract term")
        return term_months(term)
    raise ValueError(f"amount meaning {basis!r} is unknown")


def monthly_amount(amount: Decimal, months: Decimal) -> Decimal:
    """``amount / months`` at 28 digits, kept to 10 decimal places (half-even)."""
    try:
        mrr = MRR_CONTEXT.divide(amount, months)
    except (InvalidOperation, ZeroDivisionError):
        raise ValueError("cannot divide by zero months") from None
    try:
        return mrr.quantize(MRR_PLACES, rounding=ROUND_HALF_EVEN, context=MRR_CONTEXT)
    except InvalidOperation:  # more than 28 digits: an MRR of 10^18 or more
        raise ValueError(TOO_LARGE) from None


TOO_LARGE = "gives an MRR of 10^18 or more a month, more than kvot keeps to 10 decimal places"
TOO_LARGE_FIX = "check the amount, what it means (amount, minor_units) and its billing period or term"


# Digits after the decimal point of a currency's minor unit, as Stripe counts them (its
# zero-decimal and three-decimal currencies);
# every currency not listed has 2 (cents, öre).
MINOR_UNIT_DIGITS = {
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG",
                     "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}
DEFAULT_MINOR_UNIT_DIGITS = 2


def from_minor_units(amount: Decimal, currency: str) -> Decimal:
    """An amount in minor units (cents, öre) in major units: ÷ 100, ÷ 1 for JPY, ÷ 1000 for KWD."""
    digits = MINOR_UNIT_DIGITS.get(currency.upper(), DEFAULT_MINOR_UNIT_DIGITS)
    return amount.scaleb(-digits)
