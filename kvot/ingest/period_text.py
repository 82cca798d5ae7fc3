"""Periods as people write them in quota sheets, turned into (first day, last day).

Labels are normalised to kvot's canonical labels and read by ``kvot.periods.parse_label``
(so fiscal quarters follow ``Settings.fiscal_year_start_month`` everywhere):

- month: ``2017-03``, ``2017-3``, ``2017/03``, ``03/2017``, ``Mar 2017``, ``March 2017``,
  ``mars 2017``, ``Mar-17``; in a period column also a first-of-month date ``2017-03-01``;
- quarter: ``2017-Q1``, ``2017Q1``, ``Q1 2017``, ``Q1-2017``, ``FY2017-Q1``;
- year: ``2017``, ``FY2017``.

Wide sheets' column headers (``month_header``) also accept a date on the first or last day of
a month (``2017-03-01``, ``2017-03-31``, Excel dates) and Excel serial numbers of such days.
A period length (``period_months``) is ``month``/``monthly``, ``quarter``/``quarterly``,
``year``/``annual`` or ``N months``.
"""
from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from kvot.errors import SettingsError
from kvot.ingest.dates import EXCEL_EPOCH
from kvot.periods import parse_label

MONTH_NAMES = {
    "jan": 1, "january": 1, "januari": 1, "feb": 2, "february": 2, "februari": 2,
    "mar": 3, "march": 3, "mars": 3, "apr": 4, "april": 4, "may": 5, "maj": 5,
    "jun": 6, "june": 6, "juni": 6, "jul": 7, "july": 7, "juli": 7, "aug": 8, "august": 8,
    "augusti": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "okt": 10,
    "oktober": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
PERIOD_LENGTHS = {"month": 1, "monthly": 1, "quarter": 3, "quarterly": 3,
                  "half-year": 6, "half year": 6, "year": 12, "yearly": 12, "annual": 12}
_YM = re.compile(r"^(\d{4})[-/](\d{1,2})$")
_MY = re.compile(r"^(\d{1,2})[-/](\d{4})$")
_NAMED = re.compile(r"^([a-zåäö]+)\.?[\s\-']*(\d{4}|\d{2})$")
_QUARTER = re.compile(r"^(fy)?\s*(\d{4})\s*-?\s*q([1-4])$|^q([1-4])[\s\-/]*(fy)?\s*(\d{4})$")
_YEAR = re.compile(r"^(fy)?\s*(\d{4})$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T00:00(?::00)?)?$")
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")
_N_MONTHS = re.compile(r"^(\d+)\s*(?:months?|mo)$")


def parse_period(text: str, fy_start: int = 1) -> tuple[date, date]:
    """First and last day of a period label; ValueError when it is not one."""
    label, grain = canonical_label(text)
    try:
        period = parse_label(label, grain, fy_start)
    except SettingsError:
        raise ValueError(NOT_A_PERIOD) from None
    return period.starts_on, period.ends_on


NOT_A_PERIOD = "is not a period (write 2025-03, 2025-Q1 or 2025)"


def canonical_label(text: str) -> tuple[str, str]:
    """(canonical label, grain) of a period as written; ValueError when it is not one."""
    s = " ".join(text.strip().lower().split())
    if m := _YM.match(s):
        return _month_label(int(m[1]), int(m[2]))
    if m := _MY.match(s):
        return _month_label(int(m[2]), int(m[1]))
    if (m := _NAMED.match(s)) and m[1] in MONTH_NAMES:
        year = int(m[2]) + (2000 if len(m[2]) == 2 else 0)
        return _month_label(year, MONTH_NAMES[m[1]])
    if m := _QUARTER.match(s):
        fy, year, quarter = (m[1], m[2], m[3]) if m[2] else (m[5], m[6], m[4])
        return f"{'FY' if fy else ''}{year}-Q{quarter}", "quarter"
    if m := _YEAR.match(s):
        return f"{'FY' if m[1] else ''}{m[2]}", "year"
    if (m := _ISO_DAY.match(s)) and m[3] == "01":
        return _month_label(int(m[1]), int(m[2]))
    raise ValueError(NOT_A_PERIOD)


def _month_label(year: int, month: int) -> tuple[str, str]:
    if not 1 <= month <= 12:
        raise ValueError(NOT_A_PERIOD)
    return f"{year:04d}-{month:02d}", "month"


def month_header(text: str, fy_start: int = 1) -> tuple[date, date] | None:
    """The period a wide sheet's column header names, or None when it names none."""
    s = text.strip()
    day = _header_day(s)
    if day is not None:
        last = calendar.monthrange(day.year, day.month)[1]
        if day.day in (1, last):
            return parse_period(f"{day.year:04d}-{day.month:02d}", fy_start)
        return None
    try:
        return parse_period(s, fy_start)
    except ValueError:
        return None


def _header_day(s: str) -> date | None:
    if m := _ISO_DAY.match(s):
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    if _SERIAL.match(s) and 20000 <= float(s) <= 80000:  # 1954 .. 2119
        return EXCEL_EPOCH + timedelta(days=int(float(s)))
    return None


def period_months(text: str) -> int:
    """The length of a period word: ``quarterly`` → 3, ``6 months`` → 6. ValueError."""
    s = " ".join(text.strip().lower().split())
    if s in PERIOD_LENGTHS:
        return PERIOD_LENGTHS[s]
    if m := _N_MONTHS.match(s):
        return int(m[1])
    raise ValueError("is not a period length (month, quarter, year or N months)")


def add_months(day: date, months: int) -> date:
    """The day ``months`` later (clamped to the month's last day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
