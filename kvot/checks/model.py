"""What a check reports: findings with a severity, a count, examples (file, line) and the fix."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

BLOCKING = "blocking"
WARNING = "warning"
SEVERITIES = (BLOCKING, WARNING)
EXAMPLES = 5  # examples kept per finding


@dataclass(frozen=True)
class Example:
    """One instance of a finding: the file and line it comes from (when known) and what is wrong."""

    file: str | None
    line: int | None
    detail: str

    @property
    def where(self) -> str:
        if self.file is None:
            return ""
        return self.file if self.line is None else f"{self.file} line {self.line}"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    title: str
    count: int
    examples: list[Example]
    fix: str

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCKING


@dataclass(frozen=True)
class CheckQuery:
    """What a check looks for: SQL giving a row (``file, line, detail``) per thing found, and
    ``n``, how many things a row stands for, when ``weighted`` (see :mod:`kvot.checks.sql`)."""

    sql: str
    weighted: bool = False

    def count_sql(self) -> str:
        """SQL: one row, ``n``, how many things the query finds."""
        return (f"SELECT {'sum(n)' if self.weighted else 'count(*)'} AS n "
                f"FROM ({self.sql}) AS found")


@dataclass(frozen=True)
class Check:
    """A check's fixed description; ``run(tables, settings, today)`` returns its CheckQuery."""

    code: str
    severity: str
    title: str
    fix: str
    run: Callable[..., CheckQuery]

    def finding(self, count: int, examples: list[Example]) -> Finding | None:
        if not count:
            return None
        return Finding(self.code, self.severity, self.title, count, examples, self.fix)


@dataclass(frozen=True)
class CheckReport:
    workspace: str
    today: date
    findings: list[Finding] = field(default_factory=list)
    checked: tuple[str, ...] = ()  # codes of the checks that ran

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.blocking]

    @property
    def exit_code(self) -> int:
        return 1 if self.blocking else 0

    def summary(self) -> str:
        """One line: ``check: 1 blocking (overlapping-quotas 2), 1 warning (outlier-deals 3)``."""
        if not self.findings:
            return f"check: nothing found ({len(self.checked)} checks)"
        parts = []
        for label, found in (("blocking", self.blocking), ("warning", self.warnings)):
            if found:
                noun = label if label == "blocking" or len(found) == 1 else "warnings"
                items = ", ".join(f"{f.code} {f.count}" for f in found)
                parts.append(f"{len(found)} {noun} ({items})")
        return "check: " + ", ".join(parts)
