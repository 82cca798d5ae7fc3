"""Figures beyond what an engine's DECIMAL can hold exactly, told in words.

Money is DECIMAL(38, 10) and rates DECIMAL(38, 14); their exact product has 24 decimal places,
which leaves 14 digits before the point: a converted amount must stay below 10^14 in the
reporting currency. Beyond that DuckDB and Spark stop with an error of their own (PostgreSQL's
NUMERIC has room and computes it); :func:`explained_overflow` turns any engine's overflow into
one :class:`FiguresTooLarge`.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from kvot.errors import KvotError

# what each engine's error says (by name: psycopg and pyspark are optional)
OVERFLOW_NAMES = ("OutOfRangeException", "NumericValueOutOfRange")
OVERFLOW_WORDS = ("NUMERIC_VALUE_OUT_OF_RANGE", "ARITHMETIC_OVERFLOW", "Overflow in multiplication")
LIMIT = "100 000 000 000 000 (10^14)"


class FiguresTooLarge(KvotError):
    """An amount, converted into the reporting currency, too large to compute to the cent."""


def _is_overflow(exc: Exception) -> bool:
    return type(exc).__name__ in OVERFLOW_NAMES or any(w in str(exc) for w in OVERFLOW_WORDS)


@contextmanager
def explained_overflow(what: str) -> Iterator[None]:
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - only an engine's overflow is translated
        if not _is_overflow(exc):
            raise
        raise FiguresTooLarge(
            f"{what}: an amount converted into the reporting currency reaches {LIMIT} or more, "
            "beyond what kvot computes to the cent. Check the largest amounts and their exchange "
            "rates; such an amount is usually in minor units (cents, öre) or in another currency "
            "than its column says") from None
