"""Progress of long work, told to whoever listens (the CLI's progress bar), or to no one.

Library code says what it is doing and how far it got; it never knows who is watching::

    with progress.task("reading deals.csv", total=size, unit="bytes") as reading:
        ...
        reading.update(completed=size)

A face that shows progress installs a reporter for the length of the work::

    with progress.reporting(reporter):
        kvot.import_file(ws, "deals", "deals.csv")

A reporter is any object with ``start(task)``, ``update(task)`` and ``stop(task)``; each gets
the :class:`Task`, whose ``description``, ``total``, ``unit`` and ``completed`` say where the
work is. Without a reporter (Python use, tests, a piped or CI run of the CLI) ``task`` returns
one shared handle whose methods do nothing. The reporter lives in a context variable, so
threads and asyncio tasks each see their own. Nothing here prints.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

__all__ = ["Reporter", "Task", "active", "reporting", "task"]


class Reporter(Protocol):
    def start(self, task: Task) -> None: ...
    def update(self, task: Task) -> None: ...
    def stop(self, task: Task) -> None: ...


_reporter: ContextVar[Reporter | None] = ContextVar("kvot_progress_reporter", default=None)


class Task:
    """One piece of work: ``total`` units (None: unknown), ``completed`` so far.

    Use it as a context manager: the reporter hears ``start`` on entry and ``stop`` on exit,
    also when the work fails."""

    __slots__ = ("description", "total", "unit", "completed", "_reporter")

    def __init__(self, reporter: Reporter | None, description: str, total: float | None,
                 unit: str) -> None:
        self.description, self.total, self.unit = description, total, unit
        self.completed: float = 0
        self._reporter = reporter

    def advance(self, n: float = 1) -> None:
        """``n`` more units done."""
        if self._reporter is not None:
            self.completed += n
            self._reporter.update(self)

    def update(self, completed: float | None = None, description: str | None = None) -> None:
        """Set how much is done, or say what the work is doing now (a new stage)."""
        if self._reporter is not None:
            self.completed = self.completed if completed is None else completed
            self.description = description or self.description
            self._reporter.update(self)

    def __enter__(self) -> Task:
        if self._reporter is not None:
            self._reporter.start(self)
        return self

    def __exit__(self, *exc) -> None:
        if self._reporter is not None:
            self._reporter.stop(self)


_SILENT = Task(None, "", None, "")


def task(description: str, total: float | None = None, unit: str = "steps") -> Task:
    """A context-managed handle on a piece of work, e.g. ``task("exporting", 7, "tables")``.

    ``unit`` names what is counted (``"bytes"`` lets a bar show sizes). Costs nothing when
    no reporter listens."""
    reporter = _reporter.get()
    if reporter is None:
        return _SILENT
    return Task(reporter, description, total, unit)


def active() -> bool:
    """True while a reporter listens (to skip counting what no one will see)."""
    return _reporter.get() is not None


@contextmanager
def reporting(reporter: Reporter) -> Iterator[Reporter]:
    """Tell ``reporter`` about every task started in this context until the block ends."""
    token = _reporter.set(reporter)
    try:
        yield reporter
    finally:
        _reporter.reset(token)
