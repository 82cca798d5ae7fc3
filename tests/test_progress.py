"""kvot.progress: library code reports its work to whoever listens, and to no one by default."""
from __future__ import annotations

import pytest

from kvot import progress


class Recorder:
    """Every call a reporter gets: (event, description, completed, total, unit)."""

    def __init__(self) -> None:
        self.events: list[tuple] = []

    def _hear(self, event: str, task: progress.Task) -> None:
        self.events.append((event, task.description, task.completed, task.total, task.unit))

    def start(self, task):
        self._hear("start", task)

    def update(self, task):
        self._hear("update", task)

    def stop(self, task):
        self._hear("stop", task)


def test_without_a_reporter_every_call_does_nothing():
    assert not progress.active()
    with progress.task("reading deals.csv", 100, "bytes") as reading:
        reading.advance(40)
        reading.update(completed=90, description="still reading")
    assert (reading.description, reading.completed, reading.total) == ("", 0, None)
    assert progress.task("one") is progress.task("another")  # one shared handle, no allocation


def test_a_reporter_hears_start_advances_updates_and_stop():
    recorder = Recorder()
    with progress.reporting(recorder):
        with progress.task("exporting", 3, "tables") as exporting:
            exporting.advance()
            exporting.advance(2)
            exporting.update(description="exported")
    assert recorder.events == [
        ("start", "exporting", 0, 3, "tables"),
        ("update", "exporting", 1, 3, "tables"),
        ("update", "exporting", 3, 3, "tables"),
        ("update", "exported", 3, 3, "tables"),
        ("stop", "exported", 3, 3, "tables"),
    ]


def test_a_failing_task_is_stopped_and_the_reporter_goes_with_its_block():
    outer, inner = Recorder(), Recorder()
    with progress.reporting(outer):
        with pytest.raises(ValueError), progress.reporting(inner), progress.task("failing"):
            raise ValueError
        assert progress.active()
        with progress.task("after"):
            pass
    assert not progress.active()
    assert inner.events == [("start", "failing", 0, None, "steps"),
                            ("stop", "failing", 0, None, "steps")]
    assert [e[:2] for e in outer.events] == [("start", "after"), ("stop", "after")]
