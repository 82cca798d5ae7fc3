"""One input file being read: its rows, its columns, and every problem found so far.

Columns are parsed whole, so a format that a single value cannot settle (decimal comma or
point, day-first or month-first dates, Excel serial numbers) is decided once per column.
Problems are collected, not raised one at a time: ``finish`` rejects the file with all of
them, so the user fixes a file in one round.

Import options (keyword arguments of every ``read_*``; else a ``Settings`` attribute of the
same name when there is one): ``decimal`` = comma | point, ``date_format`` = day-first |
month-first, ``encoding`` (CSV only).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Callable, TypeVar

from kvot.config import Settings
from kvot.errors import ImportRejected, RowError, SettingsError
from kvot.ingest.columns import Columns, find_columns
from kvot.ingest.dates import (FormatAmbiguous, column_is_serial, date_order,
                               normalize_date_format, parse_date)
from kvot.ingest.parse import DECIMAL_STYLES, decimal_style, parse_amount
from kvot.ingest.profiles import Profile, get_profile
from kvot.ingest.readers import Row, Table, read_rows
from kvot.ingest.records import ReadResult

AMOUNT_FIX = "write an amount such as 12000.50, 12 000,50 kr or $1,200.50"
DATE_VALUE_FIX = "write a date such as 2025-01-31, 31/01/2025 or 2025-01-31T10:00:00Z"

T = TypeVar("T")
V = TypeVar("V")


@dataclass
class Source:
    table: Table
    columns: Columns
    settings: Settings
    profile: Profile
    decimal: str | None = None
    date_format: str | None = None
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    serial: dict[str, bool] = field(default_factory=dict)  # column -> Excel serial days (decided)
    share_style: str | None = None  # credits: percent | fraction, when decided already
    undecided: list[str] = field(default_factory=list)  # columns whose format is not settled

    @property
    def file(self) -> str:
        return self.table.file

    @property
    def rows(self) -> list[Row]:
        return self.table.rows

    def has(self, name: str) -> bool:
        return self.columns.has(name)

    def text(self, row: Row, name: str) -> str:
        header = self.columns.header(name)
        return row.values.get(header, "") if header else ""

    def fail(self, line: int | None, name: str | None, value: str | None, reason: str,
             fix: str = "") -> None:
        column = self.columns.header(name) if name else None
        self.errors.append(RowError(self.file, line, column or name, value, reason, fix,
                                    header=line is not None and line == self.table.header_line))

    def parsed(self, name: str, parse: Callable[[str], V], fix: str = "") -> dict[int, V]:
        """Line → value for every non-blank cell of a column; bad cells become errors."""
        out: dict[int, V] = {}
        for row in self.rows:
            text = self.text(row, name)
            if not text:
                continue
            try:
                out[row.line] = parse(text)
            except FormatAmbiguous as exc:
                self.fail(row.line, name, exc.value, exc.reason, exc.fix)
            except ValueError as exc:
                self.fail(row.line, name, text, str(exc), fix)
        return out

    def column_format(self, name: str, decide: Callable[[list[str]], V]) -> V | None:
        """A column-wide format decision; None (and one error) when it cannot be made."""
        try:
            return decide([self.text(r, name) for r in self.rows if self.text(r, name)])
        except FormatAmbiguous as exc:
            line = next((r.line for r in self.rows if self.text(r, name) == exc.value), None)
            skip = ("; --on-error skip sets bad rows aside, but this decides how every row of "
                    "the column reads" if self.settings.on_error == "skip" else "")
            self.fail(line, name, exc.value, exc.reason, exc.fix + skip)
            self.undecided.append(name)
            return None

    def amounts(self, name: str) -> dict[int, Decimal]:
        style = self.decimal or self.column_format(name, decimal_style)
        if style is None:
            return {}
        return self.parsed(name, lambda t: parse_amount(t, style), AMOUNT_FIX)

    def dates(self, name: str) -> dict[int, date | datetime]:
        serial = self.serial[name] if name in self.serial else \
            column_is_serial([self.text(r, name) for r in self.rows])
        errors_before = len(self.errors)
        order = self.date_format or self.column_format(name, date_order)
        if len(self.errors) > errors_before:
            return {}
        tz = "UTC" if self.profile.naive_utc else self.settings.timezone
        return self.parsed(name, lambda t: parse_date(t, order, tz, serial), DATE_VALUE_FIX)

    def deal_kind(self, value: str) -> str | None:
        """The canonical kind of a deal-type value: the ``[kinds]`` setting, then the profile."""
        own = {k.strip().casefold(): v for k, v in self.settings.kinds.items()}
        return own.get(value.strip().casefold()) or self.profile.deal_kind(value)

    @property
    def minor_units(self) -> bool:
        """Amounts are in minor units (cents, öre): the setting, else the profile's default."""
        setting = self.settings.minor_units
        return self.profile.minor_units if setting is None else setting

    def bare_dates(self, name: str) -> dict[int, date]:
        """Dates where a time of day makes no sense (hired on, rate on, quota start)."""
        good: dict[int, date] = {}
        for line, value in self.dates(name).items():
            if isinstance(value, datetime):
                self.fail(line, name, value.isoformat(),
                          "is a timestamp; give a date such as 2024-03-01")
            else:
                good[line] = value
        return good

    def finish(self, records: list[T], rows_read: int | None = None) -> ReadResult[T]:
        records = self._set_aside(records)
        if self.table.total_lines:
            lines = ", ".join(map(str, self.table.total_lines))
            self.notes.append(f"total row(s) ignored (line {lines})")
        if self.table.hidden_lines:
            lines = ", ".join(map(str, self.table.hidden_lines))
            self.notes.append(f"row(s) hidden in the sheet imported like the others (line "
                              f"{lines}); delete them from the sheet if they should not count")
        return ReadResult(records, self.columns.notes + self.notes,
                          len(self.rows) if rows_read is None else rows_read,
                          self.file, dict(self.columns.found), self.errors, self.table.checksum)

    def _set_aside(self, records: list[T]) -> list[T]:
        """Records of good rows. Bad rows reject the file, unless ``on_error = "skip"`` and
        every problem is in a row (not in a column's format, which every row is read by, nor
        in the whole file)."""
        if not self.errors:
            return records
        self.errors[:0] = short_row_errors(self.table, {e.line for e in self.errors})
        self.errors.sort(key=lambda e: (e.line or 0))
        if (self.settings.on_error != "skip" or self.undecided
                or any(e.line is None for e in self.errors)):
            raise ImportRejected(self.errors)
        bad = {e.line for e in self.errors}
        self.notes.append(f"{len(bad)} bad row(s) set aside, the rest imported: see kvot rejects")
        return [r for r in records if r.line not in bad]


def short_row_errors(table: Table, bad_lines: set[int | None]) -> list[RowError]:
    """For each bad row with fewer fields than the header: an error saying so (its cells may
    have been read into the wrong columns; the fields missing at its end were read as blank)."""
    return [RowError(table.file, line, None, None,
                     f"has {fields} fields but the header has {len(table.headers)}",
                     "check the delimiter and quoting of this line (the errors below may "
                     "follow from it: missing fields at its end are read as blank)")
            for line, fields in table.short_rows if line in bad_lines]


def open_source(path: Path, settings: Settings, kind: str, required: tuple[str, ...] = (), *,
                sheet: str | None = None, decimal: str | None = None,
                date_format: str | None = None, encoding: str | None = None) -> Source:
    """Read a file and find its columns; reject it when a required column is missing."""
    profile = get_profile(settings.profile)
    decimal = decimal or getattr(settings, "decimal", None)
    if decimal is not None and decimal not in DECIMAL_STYLES:
        raise SettingsError(f"decimal = {decimal!r}: use comma or point")
    try:
        date_format = normalize_date_format(date_format or getattr(settings, "date_format", None))
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    table = read_rows(Path(path), sheet=sheet,
                      encoding=encoding or getattr(settings, "encoding", None))
    columns = find_columns(table, kind, profile, settings.mapping, required)
    return Source(table, columns, settings, profile, decimal, date_format)
