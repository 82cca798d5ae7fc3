"""How far DuckDB got with the query running now, told to a progress task.

DuckDB estimates a running query's progress (``query_progress()``, in percent) when its
progress bar is on; ``watching`` turns it on without printing, asks every fifth of a second
from a second thread while the block runs, and tells ``task``. Nothing runs when no one
listens (``kvot.progress.active()`` is false).
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from kvot import progress

POLL_SECONDS = 0.2


def _poll(db: duckdb.DuckDBPyConnection, task: progress.Task, done: threading.Event) -> None:
    while not done.wait(POLL_SECONDS):
        try:
            percent = db.query_progress()
        except duckdb.Error:
            return
        if percent >= 0:
            task.update(completed=min(percent, 100.0))


@contextmanager
def watching(db: duckdb.DuckDBPyConnection, description: str) -> Iterator[None]:
    """Report the progress of the queries run on ``db`` inside the block, in percent."""
    if not progress.active():
        yield
        return
    db.execute("SET enable_progress_bar = true; SET enable_progress_bar_print = false; "
               "SET progress_bar_time = 0")
    done = threading.Event()
    with progress.task(description, 100, "%") as task:
        poller = threading.Thread(target=_poll, args=(db, task, done), daemon=True)
        poller.start()
        try:
            yield
        finally:
            done.set()
            poller.join()
            db.execute("RESET enable_progress_bar")
            task.update(completed=100)
