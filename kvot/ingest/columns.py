"""Find the source column of each canonical field in a file's header.

Header names are compared by ``column_key``: case, surrounding spaces and the separators
space, ``_`` and ``-`` do not matter (``Close Date`` = ``close_date``).

``Settings.mapping`` wins over the profile. A key may name a field (``owner``), applying to
every kind of file that has the field, or a kind and a field (``deals.owner``), applying to one
kind. A kind-qualified mapping to a column the file does not have is an error; an unqualified
one is skipped (with a note) when the file lacks the column, since one ``[mapping]`` table
serves every kind of file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kvot.errors import ImportRejected, RowError, SettingsError
from kvot.ingest.profiles import GENERIC_COLUMNS, SPECIAL_MAPPING_KEYS, Profile
from kvot.ingest.readers import Table

ALL_FIELDS = {f for fields in GENERIC_COLUMNS.values() for f in fields}


def column_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", " ", name.strip().casefold()).strip()


@dataclass
class Columns:
    """Canonical field → source header for one file, and notes about the choice."""

    kind: str
    found: dict[str, str]
    notes: list[str] = field(default_factory=list)

    def has(self, name: str) -> bool:
        return name in self.found

    def header(self, name: str) -> str | None:
        return self.found.get(name)


def find_columns(table: Table, kind: str, profile: Profile, mapping: dict[str, str],
                 required: tuple[str, ...] = ()) -> Columns:
    """Resolve every field of ``kind``; reject the file when a required field has no column."""
    by_key = {column_key(h): h for h in table.headers}
    explicit, notes = _mapped(table, kind, mapping, by_key)
    found = dict(explicit)
    for name in GENERIC_COLUMNS[kind]:
        if name not in found:
            free = {k: h for k, h in by_key.items() if h not in found.values()}
            if (header := _first_present(profile.candidates(kind, name), free)) is not None:
                found[name] = header
    missing = [n for n in required if n not in found]
    if missing:
        raise ImportRejected([missing_column(table, kind, profile, n) for n in missing])
    repeated = [repeated_column(table, n, h) for n, h in found.items() if h in table.repeated_headers]
    repeated += _spelled_twice(table, found)
    if repeated:
        raise ImportRejected(repeated)
    return Columns(kind, found, notes)


def _spelled_twice(table: Table, found: dict[str, str]) -> list[RowError]:
    """A field read from a header that another column spells differently (``close_date`` and
    ``Close Date``): kvot matches names ignoring case, spaces, ``_`` and ``-``, so both are it."""
    errors = []
    for name, header in found.items():
        alike = [h for h in table.headers if column_key(h) == column_key(header)]
        if len(alike) > 1:
            errors.append(RowError(
                table.file, table.header_line, header, None,
                f"and {', '.join(repr(h) for h in alike if h != header)} are the same name to kvot: "
                f"it cannot tell which column holds the {name}",
                "rename or remove all but one of them", header=True))
    return errors


def repeated_column(table: Table, name: str, header: str) -> RowError:
    same = re.compile(re.escape(header) + r"(?: \(\d+\))?", re.IGNORECASE)
    count = sum(same.fullmatch(h) is not None for h in table.headers)
    return RowError(table.file, table.header_line, header, None,
                    f"names {count} columns: kvot cannot tell which one holds the {name}",
                    f'rename the others, or map the field to one: [mapping] {name} = "{header} (2)"',
                    header=True)


def missing_column(table: Table, kind: str, profile: Profile, name: str) -> RowError:
    looked = ", ".join(profile.candidates(kind, name))
    return RowError(
        table.file, table.header_line, None, None,
        f"no column for {name} (looked for: {looked}; the file has: {', '.join(table.headers)})",
        f'rename the column or map it: [mapping] {name} = "<column>"', header=True)


def _first_present(candidates: tuple[str, ...], by_key: dict[str, str]) -> str | None:
    for candidate in candidates:
        if (header := by_key.get(column_key(candidate))) is not None:
            return header
    return None


def _mapped(table: Table, kind: str, mapping: dict[str, str],
            by_key: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    explicit: dict[str, str] = {}
    notes: list[str] = []
    errors: list[RowError] = []
    for key, column in mapping.items():
        scope, _, name = key.rpartition(".")
        check_mapping_key(key)
        if name in SPECIAL_MAPPING_KEYS or (scope and scope != kind):
            continue
        if name not in GENERIC_COLUMNS[kind]:
            continue
        header = by_key.get(column_key(column))
        if header is not None:
            explicit[name] = header
        elif scope:
            errors.append(RowError(table.file, table.header_line, None, column,
                                   f"is mapped to {key} but the file has no such column "
                                   f"(it has: {', '.join(table.headers)})",
                                   f"fix [mapping] {key}", header=True))
        else:
            notes.append(f"mapping {key} = {column!r} not used: {table.file} has no such column")
    if errors:
        raise ImportRejected(errors)
    return explicit, notes


def check_mapping_key(key: str) -> None:
    scope, _, name = key.rpartition(".")
    if scope and scope not in GENERIC_COLUMNS:
        raise SettingsError(f"mapping key {key!r}: {scope!r} is not one of "
                            f"{', '.join(GENERIC_COLUMNS)}")
    if name not in ALL_FIELDS and name not in SPECIAL_MAPPING_KEYS:
        raise SettingsError(f"mapping key {key!r} is not a field kvot reads; "
                            f"known: {', '.join(sorted(ALL_FIELDS | set(SPECIAL_MAPPING_KEYS)))}")
