"""The progress bar: counts on a terminal, nothing at all when piped or in CI.

The bar is drawn by Rich on a console forced to be a terminal and writing to a string; what it
shows comes from a real import. The commands run through typer's CliRunner, whose stderr is
not a terminal, as when piped.
"""
from __future__ import annotations

import io
import re
import sys
import textwrap
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import kvot
from kvot import progress
from kvot.cli.main import app
from kvot.cli.output import interactive, working
from kvot.cli.progress_bar import progress_bar
from tests.test_progress import DEALS, QUOTAS

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
BAR = "[━╸╺]+"  # done, the tip, to do


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def files(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KVOT_WORKSPACE", raising=False)
    for name, text in (("deals.csv", DEALS), ("quotas.csv", QUOTAS), ("empty.toml", "")):
        (tmp_path / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return tmp_path


def shown(console: Console) -> str:
    return ANSI.sub("", console.file.getvalue())


def terminal() -> Console:
    return Console(force_terminal=True, file=io.StringIO(), width=120)


def test_the_bar_shows_the_bytes_read_and_rows_written_of_a_real_import(files):
    console, size = terminal(), (files / "deals.csv").stat().st_size
    with progress_bar("importing deals.csv", console):
        ws = kvot.open_workspace(":memory:")
        kvot.import_file(ws, "deals", files / "deals.csv", config=files / "empty.toml")
        ws.close()
    text = shown(console)
    assert "importing deals.csv" in text
    assert re.search(rf"reading deals\.csv +{BAR} {size}/{size} bytes", text)
    assert re.search(rf"writing deals to the workspace +{BAR} 4/4 rows", text)


def test_the_bar_shows_stages_and_file_sizes_as_counts():
    console = terminal()
    with progress_bar("computing", console):
        with progress.task("attainment: computing on the engine", 3) as steps:
            steps.update(completed=2)
        with progress.task("reading big.csv", 48_300_000, "bytes") as reading:
            reading.update(completed=12_500_000)
        with progress.task("querying", 100, "%") as querying:
            querying.update(completed=37.4)
    text = shown(console)
    assert re.search(rf"querying +{BAR} 37 %", text)
    assert re.search(rf"attainment: computing on the engine +{BAR} 2/3 steps", text)
    assert re.search(rf"reading big\.csv +{BAR} 12\.5/48\.3 MB", text)
    assert not progress.active()  # the bar listens only while it runs


def test_stdout_still_carries_only_data_while_the_bar_runs(capsys):
    console = terminal()
    with progress_bar("computing", console):
        print("level,id,name")
    assert capsys.readouterr().out == "level,id,name\n"
    assert "level,id" not in console.file.getvalue()


def test_a_terminal_shows_the_bar_and_ci_or_a_pipe_shows_nothing(monkeypatch):
    monkeypatch.setattr(sys, "stderr", Terminal())
    monkeypatch.delenv("CI", raising=False)
    assert interactive()
    with working("exporting"):
        assert progress.active()
    assert "exporting" in sys.stderr.getvalue()

    monkeypatch.setenv("CI", "true")
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert not interactive()
    with working("exporting"):
        assert not progress.active()
    assert sys.stderr.getvalue() == ""


NOTES = ["  note: no kind column: every deal is new business",
         "  note: 2 rep(s) not in the roster were added: anna, bo"]


def test_a_piped_import_prints_its_summary_and_no_progress(files):
    result = CliRunner().invoke(app, ["import", "deals", "deals.csv", "-w", "ws.duckdb",
                                      "--config", "empty.toml"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "import #1: deals.csv: 4 rows read, 4 deals changed", *NOTES,
        "check: 1 blocking (missing-fx 3), 1 warning (unknown-reps 2); details: kvot check"]


def test_a_piped_one_shot_report_in_ci_prints_its_notes_and_no_progress(files):
    result = CliRunner().invoke(app, [
        "attainment", "--deals", "deals.csv", "--quotas", "quotas.csv", "--config", "empty.toml",
        "--reporting-currency", "SEK", "--by", "company", "-f", "csv"], env={"CI": "true"})
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == ["read deals: 4 rows from deals.csv", *NOTES,
                                          "read quotas: 1 rows from quotas.csv"]
    assert result.stdout.startswith("level,id,name,")
