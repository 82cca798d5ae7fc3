"""Canonical records: what every importer produces, whatever the source looked like.

Money is ``Decimal``; dates are ``date``; timestamps are aware ``datetime`` in UTC; ``line`` is
the source line (CSV) or row (XLSX) the record came from.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Callable, Generic, Hashable, TypeVar

from kvot.errors import RowError

T = TypeVar("T")


@dataclass(frozen=True)
class DealRecord:
    deal_id: str
    name: str | None
    owner: str
    stage: str
    is_won: bool
    kind: str
    closed_at: datetime | None  # aware, UTC; None for a bare close date
    close_on: date | None  # the close date in the reporting time zone
    amount: Decimal
    amount_basis: str  # mrr | arr | per_billing_period | tcv
    months: Decimal  # the divisor: mrr = amount / months
    mrr: Decimal
    currency: str
    line: int


@dataclass(frozen=True)
class QuotaRecord:
    rep: str | None
    team: str | None
    starts_on: date
    ends_on: date  # inclusive
    amount: Decimal
    currency: str
    line: int


@dataclass(frozen=True)
class RepRecord:
    rep_id: str
    name: str
    email: str | None
    team: str | None
    team_from: date | None
    hired_on: date | None
    left_on: date | None
    team_path: tuple[str, ...]  # top of the hierarchy first, the rep's team last
    line: int


@dataclass(frozen=True)
class TeamRecord:
    team_id: str
    name: str
    parent: str | None
    level: str | None
    line: int


@dataclass(frozen=True)
class CreditRecord:
    deal_id: str
    rep: str
    share: Decimal  # a fraction: 0.6 for 60 %
    credit_type: str  # revenue | overlay
    line: int


@dataclass(frozen=True)
class FxRecord:
    currency: str
    base: str
    rate_on: date  # 1900-01-01: a rate without a date, valid always
    rate: Decimal  # 1 currency = rate base
    line: int


@dataclass(frozen=True)
class ReadResult(Generic[T]):
    """The records of one file, notes for the user, and how many data rows were read."""

    records: list[T]
    notes: list[str]
    rows_read: int
    file: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # canonical field -> source column
    rejects: list[RowError] = field(default_factory=list)  # rows set aside (on_error = "skip")
    checksum: str | None = None  # SHA-256 of the file, when the reader computed it


def drop_repeats(records: list[T], key: Callable[[T], Hashable], file: str,
                 columns: dict[str, str], errors: list[RowError]) -> tuple[list[T], int]:
    """Keep one of each group of records with the same key.

    Identical repeats (every field but ``line``) are dropped and counted; a repeat that
    differs is a RowError on each of its lines, naming the other line. ``columns`` maps a
    record field to its source column, for the error.
    """
    first: dict[Hashable, T] = {}
    kept, dropped = [], 0
    for record in records:
        k = key(record)
        if k not in first:
            first[k] = record
            kept.append(record)
        elif _same(first[k], record):
            dropped += 1
        else:
            errors.extend(conflict_errors(first[k], record, file, columns))
    return kept, dropped


def _same(a, b) -> bool:
    return replace(a, line=0) == replace(b, line=0)


def differing_field(a, b) -> str:
    return next(f.name for f in fields(a) if f.name != "line"
                and getattr(a, f.name) != getattr(b, f.name))


def conflict_errors(a, b, file: str, columns: dict[str, str], what: str = "") -> list[RowError]:
    """A RowError on each of two conflicting lines, each naming the other."""
    name = differing_field(a, b)
    column = columns.get(name, name)
    subject = what or f"{type(a).__name__.removesuffix('Record').lower()} {_key_text(a)}"
    return [RowError(file, x.line, column, _shown(x, name),
                     f"conflicts with line {y.line} ({_shown(y, name)!r}): "
                     f"{subject} appears twice with different values",
                     "keep one row per " + subject.split(" ")[0] + ", or correct one of them")
            for x, y in ((a, b), (b, a))]


def _key_text(record) -> str:
    """The record's first non-empty field: the deal id, the rep (or team) of a quota, ..."""
    return next(str(v) for f in fields(record) if (v := getattr(record, f.name)) is not None)


def _shown(record, name: str) -> str:
    """A field of a record as the conflict names it: a close given as a date alone (no time
    kept) shows as that date."""
    value = getattr(record, name)
    if name == "closed_at" and value is None:
        value = getattr(record, "close_on", None)
    return _text(value)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)
