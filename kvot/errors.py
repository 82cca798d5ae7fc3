"""Errors a user can act on: each says what, where, and how to fix it."""
from __future__ import annotations

from dataclasses import dataclass


class KvotError(Exception):
    """Base of every error kvot reports to a user (exit code 1, no traceback)."""


class SettingsError(KvotError):
    """A setting or option has a value kvot cannot use."""


class UsageError(SettingsError):
    """An option's value, or a combination of options, that kvot cannot use (exit code 2)."""


class WorkspaceError(KvotError):
    """The workspace cannot be opened or is of an unknown schema version."""


class FxMissingError(KvotError):
    """A deal or quota needs an exchange rate that the workspace does not have."""


@dataclass(frozen=True)
class RowError:
    """One bad value in one row of one input file."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    reason: str
    fix: str = ""
    header: bool = False  # the problem is in the file's header (its columns), not in a row

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f" line {self.line}"
        if self.column is not None:
            where += f', column "{self.column}"'
        value = f" {self.value!r}" if self.value is not None else ""
        fix = f"; {self.fix}" if self.fix else ""
        return f"{where}:{value} {self.reason}{fix}"


class ImportRejected(KvotError):
    """A file had bad rows; nothing from it was imported."""

    def __init__(self, errors: list[RowError], limit: int = 50):
        self.errors = errors
        shown = "\n".join(f"  {e}" for e in errors[:limit])
        more = f"\n  ... and {len(errors) - limit} more" if len(errors) > limit else ""
        super().__init__(f"{_headline(errors)}; nothing was imported:\n{shown}{more}")


def _headline(errors: list[RowError]) -> str:
    """``3 bad rows``; ``the file's columns do not fit`` when the problems are in its header;
    ``the file cannot be imported`` when they are in no line."""
    rows = len({(e.file, e.line) for e in errors if e.line is not None and not e.header})
    if rows:
        return f"{rows} bad row" + ("" if rows == 1 else "s")
    if any(e.header for e in errors):
        return "the file's columns do not fit"
    return "the file cannot be imported"
