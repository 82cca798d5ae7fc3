"""docs/checks.md describes every check kvot runs, with the severity it has."""
from __future__ import annotations

from kvot.checks import CHECKS
from tests.conftest import REPO


def test_every_check_is_in_docs_checks_md_with_its_severity():
    table = [line for line in (REPO / "docs" / "checks.md").read_text(encoding="utf-8").splitlines()
             if line.startswith("|")]
    for check in CHECKS:
        line = next((r for r in table if f"`{check.code}`" in r), None)
        assert line is not None, f"{check.code} is not in docs/checks.md"
        assert f"| {check.severity} |" in line, f"{check.code}: docs/checks.md gives another severity"
