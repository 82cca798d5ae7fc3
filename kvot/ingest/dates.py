"""Parse dates and timestamps.

- ISO dates ``2017-03-01`` (also ``2017/03/01``) give a ``date``.
- ISO timestamps give an aware ``datetime``: ``2024-01-31T23:30:00Z``,
  ``2024-01-31 23:30:00+00:00``; a naive timestamp is taken in the reporting time zone.
- ``31/01/2024`` (day first) or ``01/31/2024`` (month first), also with ``.`` or ``-``: the
  order is decided once per column (``date_order``); a column where every value fits both is
  an error naming the setting ``date_format`` = ``day-first`` | ``month-first``.
- Excel serial numbers (``42795`` is 2017-03-01) when every value of the column is a number
  (``column_is_serial``).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Iterable
from zoneinfo import ZoneInfo

DATE_FORMATS = {"day-first": "day-first", "dmy": "day-first", "dd/mm/yyyy": "day-first",
                "month-first": "month-first", "mdy": "month-first", "mm/dd/yyyy": "month-first"}
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's 1900 leap-year bug kept)
SERIAL_RANGE = (1, 2958465)  # 1900-01-01 .. 9999-12-31
ISO_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T](.+))?$")
SERIAL = re.compile(r"^\d+(?:\.\d+)?$")


DATE_FIX = ('pass --date-format day-first or --date-format month-first '
            '(date_format = "day-first" in kvot.toml)')
DECIMAL_FIX = 'pass --decimal comma or --decimal point (decimal = "comma" in kvot.toml)'


class FormatAmbiguous(ValueError):
    """A column's number or date format cannot be decided from its values.

    ``value`` is the text that shows it, ``reason`` why, ``fix`` the setting to use.
    """

    def __init__(self, value: str, reason: str, fix: str):
        self.value, self.reason, self.fix = value, reason, fix
        super().__init__(f"{value!r} {reason}; {fix}")


def normalize_date_format(value: str | None) -> str | None:
    """``day-first`` / ``month-first`` from the accepted spellings of ``date_format``."""
    if value is None:
        return None
    try:
        return DATE_FORMATS[value.strip().lower()]
    except KeyError:
        raise ValueError(f"date_format = {value!r}: use day-first or month-first") from None


def parse_date(text: str, order: str | None = None, tz: str = "UTC",
               serial: bool = False) -> date | datetime:
    """A ``date`` for a bare date, an aware ``datetime`` for a timestamp.

    ``order`` (``day-first``/``month-first``) is needed for ``dd/mm/yyyy``-like values that
    do not settle it themselves; ``serial`` reads numbers as Excel serial days.
    Raises ValueError with the reason.
    """
    s = text.strip()
    if not s:
        raise ValueError("is blank")
    if serial and SERIAL.match(s):
        return _from_serial(s, tz)
    if m := ISO_DATE.match(s):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if m := NUMERIC_DATE.match(s):
        return _numeric(m, order, tz)
    return _timestamp(s, tz)


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"is not a date ({exc})") from None


def _timestamp(s: str, tz: str) -> datetime:
    try:
        value = datetime.fromisoformat(s)
    except ValueError:
        raise ValueError("is not a date (use 2024-01-31 or 2024-01-31T10:00:00Z)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz))
    return value


def _numeric(m: re.Match, order: str | None, tz: str) -> date | datetime:
    first, second, year = int(m[1]), int(m[2]), int(m[3])
    own = _order_of(first, second)
    if own is None and order is None:
        raise FormatAmbiguous(m[0], "could be day-first or month-first", DATE_FIX)
    use = own or order
    if own and order and own != order:
        raise ValueError(f"is not a {order} date")
    day, month = (first, second) if use == "day-first" else (second, first)
    day_on = _date(year, month, day)
    if m[4]:
        return _timestamp(f"{day_on.isoformat()}T{m[4].strip()}", tz)
    return day_on


def _order_of(first: int, second: int) -> str | None:
    if first > 12 and second <= 12:
        return "day-first"
    if second > 12 and first <= 12:
        return "month-first"
    return None


def date_order(values: Iterable[str]) -> str | None:
    """``day-first``/``month-first`` settled by a column's values; None when nothing needs it.

    Raises FormatAmbiguous when values need an order and none settles it or they disagree.
    """
    seen: dict[str, str] = {}
    undecided = None
    for text in values:
        m = NUMERIC_DATE.match(text.strip())
        if not m:
            continue
        own = _order_of(int(m[1]), int(m[2]))
        if own is None:
            undecided = undecided or text
        else:
            seen.setdefault(own, text)
    if len(seen) == 2:
        raise FormatAmbiguous(seen["month-first"], f"is month-first but {seen['day-first']!r} "
                              "in the same column is day-first", DATE_FIX)
    if seen:
        return next(iter(seen))
    if undecided is not None:
        raise FormatAmbiguous(undecided, "could be day-first or month-first and no value in "
                              "the column settles it", DATE_FIX)
    return None


def column_is_serial(values: Iterable[str]) -> bool:
    """True when every non-blank value is a number (an Excel serial day)."""
    filled = [v.strip() for v in values if v.strip()]
    return bool(filled) and all(SERIAL.match(v) for v in filled)


def _from_serial(s: str, tz: str) -> date | datetime:
    try:
        number = Decimal(s)
    except InvalidOperation:
        raise ValueError("is not an Excel serial date") from None
    if not SERIAL_RANGE[0] <= number <= SERIAL_RANGE[1]:
        raise ValueError("is not an Excel serial date (out of range)")
    days = int(number)
    day_on = EXCEL_EPOCH + timedelta(days=days)
    fraction = number - days
    if not fraction:
        return day_on
    seconds = round(fraction * 86400)
    naive = datetime.combine(day_on, datetime.min.time()) + timedelta(seconds=seconds)
    return naive.replace(tzinfo=ZoneInfo(tz))


def as_utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)


def local_date(value: date | datetime, tz: str) -> date:
    """The calendar date in ``tz``: a timestamp is converted first; a bare date is itself."""
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo(tz)).date()
    return value
