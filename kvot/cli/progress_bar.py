"""The progress bar on stderr: a Rich ``Progress`` that listens to :mod:`kvot.progress`.

One line for the command's work (spinner, what, time elapsed), and under it one line per task
the library is running: what it does, a bar, its counts (``3/6 files``, ``12.5/48.3 MB``).
A finished task's line goes; the whole bar goes when the work ends. Only stderr is redirected
while it runs: stdout still carries the data alone.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (BarColumn, DownloadColumn, Progress, ProgressColumn, SpinnerColumn,
                           TaskID, TextColumn, TimeElapsedColumn)
from rich.progress import Task as BarTask
from rich.text import Text

from kvot import progress


class CountsColumn(ProgressColumn):
    """``M/N unit``, sizes for bytes (``12.5/48.3 MB``), ``37 %`` for percent; nothing while
    the total is unknown."""

    sizes = DownloadColumn()

    def render(self, task: BarTask) -> Text:
        if task.total is None:
            return Text("")
        if task.fields.get("unit") == "bytes":
            return self.sizes.render(task)
        if task.fields.get("unit") == "%":
            return Text(f"{task.completed:.0f} %", style="progress.download")
        return Text(f"{int(task.completed):,}/{int(task.total):,} {task.fields.get('unit', '')}",
                    style="progress.download")


class BarReporter:
    """A :class:`kvot.progress.Reporter` that shows every task as a line of ``bar``."""

    def __init__(self, bar: Progress) -> None:
        self._bar = bar
        self._lines: dict[progress.Task, TaskID] = {}

    def start(self, task: progress.Task) -> None:
        self._lines[task] = self._bar.add_task(task.description, total=task.total,
                                               completed=task.completed, unit=task.unit)

    def update(self, task: progress.Task) -> None:
        self._bar.update(self._lines[task], completed=task.completed,
                         description=task.description)

    def stop(self, task: progress.Task) -> None:
        self._bar.update(self._lines[task], completed=task.completed, refresh=True)
        self._bar.remove_task(self._lines.pop(task))


def new_bar(console: Console) -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    CountsColumn(), TimeElapsedColumn(), console=console, transient=True,
                    redirect_stdout=False)


@contextmanager
def progress_bar(message: str, console: Console) -> Iterator[None]:
    """Show ``message`` and the library's tasks on ``console`` while the block runs."""
    with new_bar(console) as bar, progress.reporting(BarReporter(bar)):
        bar.add_task(message, total=None)
        yield
