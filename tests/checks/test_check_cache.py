"""The gate before figures reuses the report kept for the same imports, settings and day.

Counted here: how often the checks really run (``kvot.checks._run``). A kept report must be the
report the checks give, and anything it depends on — a new import, an undo, other settings,
another day — must make them run again.
"""
from __future__ import annotations

import textwrap
from datetime import date

import pytest

import kvot
import kvot.checks
from tests.conftest import new_workspace

DEALS = """
    deal_id,owner,stage,close_date,amount,currency,billing_period
    D1,Bo,Won,2025-01-10,1000,SEK,monthly
    """
OVERLAPPING = """
    rep,period,amount
    Bo,2025-01,1000
    Bo,2025-Q1,3000
    """
DAY = date(2026, 1, 15)


@pytest.fixture(params=["duckdb", "postgres"])
def ws(request, tmp_path, monkeypatch):
    cleanups: list = []
    workspace = new_workspace(request.param, cleanups)
    for kind, text in (("deals", DEALS), ("quotas", OVERLAPPING)):
        path = tmp_path / f"{kind}.csv"
        path.write_text(textwrap.dedent(text).lstrip())
        kvot.import_file(workspace, kind, path, currency="SEK", reporting_currency="SEK")
    yield workspace
    for cleanup in cleanups:
        cleanup()


@pytest.fixture
def runs(monkeypatch) -> list[bool]:
    """Each real run of the checks: whether it ran the blocking ones only."""
    real, seen = kvot.checks._run, []

    def counted(workspace, settings, today, only_blocking):
        seen.append(only_blocking)
        return real(workspace, settings, today, only_blocking)

    monkeypatch.setattr(kvot.checks, "_run", counted)
    return seen


def _gate(ws, **settings):
    return kvot.check(ws, today=DAY, only_blocking=True, reuse=True, **settings)


def test_the_gate_after_the_import_summary_reuses_its_report(ws, runs):
    full = kvot.check(ws, today=DAY, reuse=True)
    gate = _gate(ws)
    assert runs == [False]  # the summary ran every check; the gate none
    assert [f.code for f in full.findings] == ["overlapping-quotas", "unknown-reps"]
    assert [(f.code, f.count) for f in gate.findings] == [("overlapping-quotas", 1)]
    assert gate.checked == kvot.check(ws, today=DAY, only_blocking=True).checked
    assert gate.findings == kvot.check(ws, today=DAY, only_blocking=True).findings


def test_a_kept_report_reads_back_as_the_report_the_checks_gave(ws, runs):
    ran = kvot.check(ws, today=DAY)
    kept = kvot.check(ws, today=DAY, reuse=True)
    assert runs == [False] and kept == ran  # findings, examples (file, line), fixes, codes


def test_kvot_check_runs_the_checks_every_time(ws, runs):
    kvot.check(ws, today=DAY)
    kvot.check(ws, today=DAY)
    assert runs == [False, False]


def test_a_new_import_an_undo_other_settings_or_another_day_run_the_checks_again(ws, runs, tmp_path):
    _gate(ws)
    path = tmp_path / "more.csv"
    path.write_text(textwrap.dedent(DEALS).replace("D1", "D2").lstrip())
    more = kvot.import_file(ws, "deals", path, currency="SEK", reporting_currency="SEK")
    _gate(ws)
    kvot.undo_import(ws, more.import_id)
    _gate(ws)
    _gate(ws, counted_kinds="new,expansion,renewal")
    next_day = kvot.check(ws, today=date(2026, 1, 16), only_blocking=True, reuse=True)
    assert runs == [True] * 5
    assert kvot.check(ws, today=date(2026, 1, 16), only_blocking=True, reuse=True) == next_day
    assert len(runs) == 5  # the last report is kept for the same again
