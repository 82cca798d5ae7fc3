"""Exchange rates into the reporting currency, as validity ranges.

The workspace keeps rates as given (1 ``currency`` = ``rate`` ``base``, on ``rate_on``). Here they
become one series per currency into the reporting currency. On each day the first way that has
a rate in force gives it: the direct rate, else the inverted one, else a cross rate through
another currency (alphabetically), its direct legs before inverted ones; the other currency may
stand on either side of either pair (EUR,DKK and EUR,USD give DKK into USD). So a direct rate that
starts later does not take away the cross rate that covers the days before it. Division happens
in Python with Decimal (once per cross rate), so the engines only ever multiply money.
A rate applies from its date until the next rate of the same series ("the latest rate on or
before the close date"). A missing rate is an error, never 1.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal, localcontext

from kvot.errors import FxMissingError

RATE_PLACES = Decimal("1e-14")
BEGINNING = date(1, 1, 1)
END_OF_TIME = date(9999, 12, 31)
ONE_DAY = timedelta(days=1)

Series = list[tuple[date, Decimal]]


def _quantize(value: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 40
        return value.quantize(RATE_PLACES)


def _series_by_pair(rows: list[tuple[str, str, date, Decimal]]) -> dict[tuple[str, str], Series]:
    pairs: dict[tuple[str, str], dict[date, Decimal]] = defaultdict(dict)
    for currency, base, rate_on, rate in rows:
        pairs[(currency.upper(), base.upper())][rate_on] = Decimal(rate)
    return {pair: sorted(points.items()) for pair, points in pairs.items()}


def _latest_point(series: Series, day: date) -> tuple[date, Decimal] | None:
    """The point in force on ``day``: the latest on or before it."""
    at = bisect_right(series, day, key=lambda point: point[0])
    return series[at - 1] if at else None


def _latest(series: Series, day: date) -> Decimal | None:
    point = _latest_point(series, day)
    return point[1] if point else None


def _combine(left: Series, right: Series, op) -> Series:
    """A series defined where both are: op(latest left, latest right) at every change date."""
    out: Series = []
    for day in sorted({d for d, _ in left} | {d for d, _ in right}):
        a, b = _latest(left, day), _latest(right, day)
        if a is not None and b is not None:
            out.append((day, _quantize(op(a, b))))
    return out


def series_into(reporting: str, rows: list[tuple[str, str, date, Decimal]]) -> dict[str, Series]:
    """For each currency with a usable rate, its series of rates into ``reporting``."""
    reporting = reporting.upper()
    pairs = _series_by_pair(rows)
    currencies = {c for pair in pairs for c in pair} - {reporting}
    out = {reporting: [(BEGINNING, Decimal(1))]}
    for currency in sorted(currencies):
        found = _series_for(currency, reporting, pairs)
        if found:
            out[currency] = found
    return out


def _series_for(currency: str, reporting: str, pairs: dict[tuple[str, str], Series]) -> Series:
    return _first_in_force(_ways(currency, reporting, pairs))


def _ways(currency: str, reporting: str, pairs: dict[tuple[str, str], Series]) -> list[Series]:
    """Every series from ``currency`` into ``reporting``, the preferred first: direct, inverted,
    then through each other currency (alphabetically), direct legs before inverted ones."""
    ways = [way if not inverted else [(d, _quantize(Decimal(1) / r)) for d, r in way]
            for way, inverted in _legs(pairs, currency, reporting)]
    for base in sorted({c for pair in pairs for c in pair} - {currency, reporting}):
        for leg, leg_inverted in _legs(pairs, currency, base):
            for onward, onward_inverted in _legs(pairs, base, reporting):
                ways.append(_combine(leg, onward, CROSS[(leg_inverted, onward_inverted)]))
    return [way for way in ways if way]


def _legs(pairs: dict[tuple[str, str], Series], a: str, b: str) -> list[tuple[Series, bool]]:
    """The series from ``a`` to ``b`` as kept, and whether each is kept the other way round."""
    return ([(pairs[(a, b)], False)] if (a, b) in pairs else []) + (
        [(pairs[(b, a)], True)] if (b, a) in pairs else [])


# a cross rate from two legs (each as kept, and whether kept the other way), divided once
CROSS = {(False, False): lambda a, b: a * b, (False, True): lambda a, b: a / b,
         (True, False): lambda a, b: b / a, (True, True): lambda a, b: 1 / (a * b)}


def _first_in_force(ways: list[Series]) -> Series:
    """One series: on each day the rate of the first way that has one in force. A point is
    kept where the rate in force, or the way and date it comes from, changes."""
    if len(ways) <= 1:
        return ways[0] if ways else []
    out: Series = []
    source = None
    for day in sorted({d for way in ways for d, _ in way}):
        found = next(((n, p) for n, way in enumerate(ways) if (p := _latest_point(way, day))), None)
        if found is not None and found != source:
            out.append((day, found[1][1]))
            source = found
    return out


def daily_rows(series: dict[str, Series], first: date, last: date) -> list[tuple[str, date, Decimal]]:
    """``(currency, day, rate)`` for every day from ``first`` to ``last`` that has a rate in force,
    so engines join deals to rates on equal keys instead of a range."""
    rows = []
    for currency, points in series.items():
        for i, (start, rate) in enumerate(points):
            end = points[i + 1][0] if i + 1 < len(points) else END_OF_TIME
            day = max(start, first)
            while day < end and day <= last:
                rows.append((currency, day, rate))
                day += ONE_DAY
    return rows


def check_covered(series: dict[str, Series], needs: dict[str, date], what: str, reporting: str) -> None:
    """Raise when a currency has no rate on or before the earliest date that needs one."""
    problems = []
    for currency, earliest in sorted(needs.items()):
        points = series.get(currency.upper())
        if not points:
            problems.append(f"{what} in {currency} (from {earliest}): no {currency}->{reporting} rate")
        elif points[0][0] > earliest:
            problems.append(
                f"{what} in {currency} closed {earliest}: the first {currency}->{reporting} "
                f"rate is dated {points[0][0]}")
    if problems:
        raise FxMissingError(
            "missing exchange rates:\n  " + "\n  ".join(problems)
            + "\n  import rates with: kvot import fx FILE (columns currency, base, date, rate); or, "
            f"if the figures should be in that currency, set --reporting-currency (now {reporting})")
