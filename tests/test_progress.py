"""kvot.progress: library code reports its work to whoever listens, and to no one by default.

A recording reporter listens to real imports, reports and exports on a DuckDB workspace;
the counts it hears are the file's size in bytes, rows written, stages and tables.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import kvot
from kvot import progress
from kvot.metrics.attainment import STAGES
from kvot.store.export import EXPORTED

REPS = """
    rep_id,name,team
    anna,Anna Berg,North
    bo,Bo Ek,North
    """
DEALS = """
    deal_id,owner,stage,close_date,amount,currency
    D1,anna,Won,2025-03-10,1000,SEK
    D2,bo,Won,2025-03-12,5000,SEK
    D3,anna,Lost,2025-03-14,9000,SEK
    D4,bo,Won,2025-04-02,7000,SEK
    """
QUOTAS = """
    rep,period,amount,currency
    anna,2025-03,20000,SEK
    """


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


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


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


def test_an_import_reports_the_file_read_in_bytes_then_the_rows_written(
        build, tmp_path, config):
    workspace, deals = build(reps=REPS), write(tmp_path, "deals.csv", DEALS)
    recorder, size = Recorder(), deals.stat().st_size
    with progress.reporting(recorder):
        result = kvot.import_file(workspace, "deals", deals, config=config)
    assert result.rows_read == 4
    assert recorder.events == [
        ("start", "reading deals.csv", 0, size, "bytes"),
        ("update", "reading deals.csv", size, size, "bytes"),
        ("stop", "reading deals.csv", size, size, "bytes"),
        ("start", "writing deals to the workspace", 0, 4, "rows"),
        ("update", "writing deals to the workspace", 4, 4, "rows"),
        ("stop", "writing deals to the workspace", 4, 4, "rows"),
    ]


def test_a_rejected_file_stops_its_reading_task_and_writes_nothing(build, tmp_path, config):
    bad = write(tmp_path, "deals.csv", DEALS.replace("5000", "five thousand"))
    recorder = Recorder()
    with progress.reporting(recorder), pytest.raises(kvot.ImportRejected):
        kvot.import_file(build(), "deals", bad, config=config)
    assert [e[:2] for e in recorder.events] == [("start", "reading deals.csv"),
                                                ("stop", "reading deals.csv")]


def test_attainment_reports_its_three_stages_and_the_engine_in_percent(build):
    workspace = build(reps=REPS, deals=DEALS, quotas=QUOTAS)
    recorder = Recorder()
    with progress.reporting(recorder):
        report = kvot.attainment(workspace, by="rep", period="month", reporting_currency="SEK")
    assert len(report.rows) == 4  # 2 reps x 2 months
    assert [e for e in recorder.events if e[4] == "steps"] == [
        ("start", STAGES[0], 0, 3, "steps"),
        ("update", STAGES[1], 1, 3, "steps"),
        ("update", STAGES[2], 2, 3, "steps"),
        ("update", STAGES[2], 3, 3, "steps"),
        ("stop", STAGES[2], 3, 3, "steps"),
    ]
    engine = [e for e in recorder.events if e[4] == "%"]
    assert engine[0] == ("start", STAGES[1], 0, 100, "%")
    assert engine[-1] == ("stop", STAGES[1], 100, 100, "%")
    done = [e[2] for e in engine]
    assert done == sorted(done)


def test_a_long_duckdb_query_reports_how_far_it_got(tmp_path):
    import duckdb

    from kvot.store.query_progress import watching

    db = duckdb.connect()
    db.execute("CREATE TABLE t AS SELECT range AS i FROM range(30000000)")
    recorder = Recorder()
    with progress.reporting(recorder), watching(db, "summing"):
        db.execute("SELECT sum(i * i % 7), count(DISTINCT i % 1000003) FROM t").fetchall()
    done = [e[2] for e in recorder.events]
    assert done[0] == 0 and done[-1] == 100 and done == sorted(done)
    assert any(0 < d < 100 for d in done), done  # the query ran for a second or more


def test_an_export_counts_the_tables_it_writes(build, tmp_path):
    workspace = build(reps=REPS)
    recorder = Recorder()
    with progress.reporting(recorder):
        written = kvot.export_parquet(workspace, tmp_path / "lake")
    assert len(written) == len(EXPORTED) == 10
    advances = [e[2] for e in recorder.events if e[0] == "update" and e[1] == "exporting fx_rates"]
    assert advances == [EXPORTED.index("fx_rates"), EXPORTED.index("fx_rates") + 1]
    assert recorder.events[0] == ("start", "exporting tables", 0, 10, "tables")
    assert recorder.events[-1] == ("stop", "exporting _kvot_imports", 10, 10, "tables")


def test_the_demo_counts_the_files_it_imports(build, tmp_path):
    recorder = Recorder()
    with progress.reporting(recorder):
        kvot.load_demo(build(), tmp_path / "demo")
    demo = [e for e in recorder.events if e[1].startswith("importing demo")]
    assert demo[0] == ("start", "importing demo files", 0, 6, "files")
    assert [(e[1], e[2]) for e in demo if e[0] == "update"][-2:] == [
        ("importing demo fx", 5), ("importing demo fx", 6)]
    assert demo[-1] == ("stop", "importing demo fx", 6, 6, "files")
    reads = [e[1] for e in recorder.events if e[0] == "stop" and e[1].startswith("reading")]
    assert reads == ["reading teams.csv", "reading reps.csv", "reading deals.csv",
                     "reading credits.csv", "reading quotas.csv", "reading fx.csv"]
