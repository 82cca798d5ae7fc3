"""The README's Python example runs as written, on the workspace `kvot demo` makes."""
from __future__ import annotations

import contextlib
import io
import re
from decimal import Decimal

from typer.testing import CliRunner

from kvot.cli.main import app
from tests.conftest import REPO


def readme_python() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    return block


def test_the_readme_python_example_prints_team_rows_and_an_explanation(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KVOT_WORKSPACE", raising=False)
    assert CliRunner().invoke(app, ["demo"]).exit_code == 0
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(readme_python(), "README.md", "exec"), {})
    lines = printed.getvalue().splitlines()
    # DACH's first quarter, as docs/demo.md shows it: 613 325.61 of 675 000.00 = 90.86 %
    dach = next(line for line in lines if line.startswith("DACH 2025-Q1 "))
    _, period, mrr, quota, pct = dach.split(" ")
    assert (period, round(Decimal(mrr), 2), round(Decimal(quota), 2), round(Decimal(pct), 2)) == (
        "2025-Q1", Decimal("613325.61"), Decimal("675000.00"), Decimal("90.86"))
    # Anna Lindqvist's March: her 40 % of D25-0133 (8 100 SEK a month) against 45 000 SEK
    assert lines[-1] == "3240.0000000000 45000.0000000000 1"
