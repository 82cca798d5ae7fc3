"""Periods: the one place where dates become months, quarters and years.

A period is identified by the index of its first month, ``year * 12 + month - 1`` (a "month
index"), so deals and quotas are bucketed by the same integer arithmetic on every engine.

Labels: months ``2025-03``; calendar quarters and years ``2025-Q1``, ``2025``; with a fiscal
year that starts in another month than January, ``FY2026-Q1`` and ``FY2026``. A fiscal year is
named after the calendar year in which it ends (a year starting 2025-02-01 is ``FY2026``).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from kvot.errors import UsageError

GRAINS = ("month", "quarter", "year")
MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period: its first month index, grain and fiscal-year start month."""

    key: int
    grain: str
    fy_start: int = 1

    @property
    def starts_on(self) -> date:
        return month_start(self.key)

    @property
    def ends_on(self) -> date:
        return month_start(self.key + MONTHS_IN[self.grain]) - timedelta(days=1)

    @property
    def last_month(self) -> int:
        return self.key + MONTHS_IN[self.grain] - 1

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    @property
    def label(self) -> str:
        if self.grain == "month":
            return f"{self.key // 12:04d}-{self.key % 12 + 1:02d}"
        fiscal_year = fiscal_year_of(self.key, self.fy_start)
        prefix = f"{fiscal_year}" if self.fy_start == 1 else f"FY{fiscal_year}"
        if self.grain == "year":
            return prefix
        quarter = (self.key - fiscal_year_first_month(fiscal_year, self.fy_start)) // 3 + 1
        return f"{prefix}-Q{quarter}"

    def next(self) -> "Period":
        return Period(self.key + MONTHS_IN[self.grain], self.grain, self.fy_start)

    def __str__(self) -> str:
        return self.label


def month_index(day: date) -> int:
    """``year * 12 + month - 1``: consecutive months have consecutive indexes."""
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def fiscal_year_first_month(fiscal_year: int, fy_start: int) -> int:
    """Month index of the first month of a fiscal year named after its ending calendar year."""
    start_year = fiscal_year if fy_start == 1 else fiscal_year - 1
    return start_year * 12 + fy_start - 1


def fiscal_year_of(index: int, fy_start: int) -> int:
    shifted = index - (fy_start - 1)
    return shifted // 12 + (0 if fy_start == 1 else 1)


def period_start_index(index: int, grain: str, fy_start: int = 1) -> int:
    """Month index of the first month of the period (of ``grain``) containing month ``index``."""
    size = MONTHS_IN[grain]
    offset = (fy_start - 1) if grain != "month" else 0
    return (index - offset) // size * size + offset


def period_of(day: date, grain: str, fy_start: int = 1) -> Period:
    check_grain(grain)
    return Period(period_start_index(month_index(day), grain, fy_start), grain, fy_start)


def periods_between(first: Period, last: Period) -> list[Period]:
    """Every period from ``first`` to ``last`` inclusive."""
    out, current = [], first
    while current <= last:
        out.append(current)
        current = current.next()
    return out


def check_grain(grain: str) -> None:
    if grain not in GRAINS:
        raise UsageError(f"period {grain!r} is not one of {', '.join(GRAINS)}")


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(FY)?(\d{4})-?Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(FY)?(\d{4})$", re.IGNORECASE)


def parse_label(text: str, grain: str, fy_start: int = 1, last: bool = False) -> Period:
    """The period of ``grain`` that contains the period written as ``text`` (its first month;
    with ``last``, its last month: ``--to 2025-Q1`` in a monthly report ends with March).

    ``2025-03``, ``2025-Q1``, ``FY2026-Q1``, ``2025`` and ``FY2026`` are understood; quarter and
    year labels are read as fiscal when the fiscal year does not start in January.
    """
    check_grain(grain)
    first_month, months = _months_of_label(text.strip(), fy_start)
    month = first_month + months - 1 if last else first_month
    return Period(period_start_index(month, grain, fy_start), grain, fy_start)


def _months_of_label(text: str, fy_start: int) -> tuple[int, int]:
    """The first month index of a labelled period and how many months it has."""
    if m := _MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return year * 12 + month - 1, 1
    if m := _QUARTER.match(text):
        return fiscal_year_first_month(int(m[2]), fy_start) + (int(m[3]) - 1) * 3, 3
    if m := _YEAR.match(text):
        return fiscal_year_first_month(int(m[2]), fy_start), 12
    raise UsageError(
        f"period {text!r} is not a period label; write a month 2025-03, a quarter 2025-Q1 "
        f"(FY2026-Q1 for a fiscal year) or a year 2025")


def days_in_month(index: int) -> int:
    return calendar.monthrange(index // 12, index % 12 + 1)[1]
