"""Daily EUR→SEK and USD→SEK rates for the demo year: a smooth, bounded random walk."""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

FX_HEADER = ("currency", "base", "date", "rate")
BASE = "SEK"
FX_FROM, FX_TO = date(2024, 12, 20), date(2025, 12, 31)
RATE_PLACES = 4  # rates are walked in whole 1/10 000 SEK

# currency: (first rate, drift target at the end, floor, ceiling, largest daily step),
# all in 1/10 000 SEK
WALKS = {
    "EUR": (115_000, 111_500, 110_000, 116_000, 200),
    "USD": (109_000, 97_500, 95_000, 110_000, 350),
}


def fx_rows(rng: random.Random) -> list[list[str]]:
    """One row per currency and calendar day; weekends repeat Friday's rate."""
    rows = []
    for currency, walk in WALKS.items():
        for day, rate in _walk(rng, *walk):
            rows.append([currency, BASE, day.isoformat(), str(rate)])
    return rows


def _walk(rng: random.Random, start: int, end: int, low: int, high: int, step: int):
    days = (FX_TO - FX_FROM).days + 1
    value = start
    for n in range(days):
        day = FX_FROM + timedelta(n)
        yield day, Decimal(value).scaleb(-RATE_PLACES)
        if (day + timedelta(1)).weekday() < 5:
            drift = start + (end - start) * n // (days - 1)
            value += rng.randint(-step, step) + (drift - value) // 8
            value = min(max(value, low), high)
