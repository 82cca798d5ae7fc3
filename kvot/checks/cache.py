"""The last check report, kept in the workspace for the same data, settings and day.

Every change to the workspace tables is an import or an undo, logged in ``_kvot_imports``; the
log's state (last import id, undone imports) is the data's version. A report is kept under a
key of that version, kvot's version, the settings and the day, so the gate before figures
(``kvot attainment``) reuses the report the import's summary made instead of running the checks
again: on ten million deals, or on a PostgreSQL workspace whose tables the checks copy first,
that is most of the time a report takes. ``kvot check`` always runs the checks (and keeps what
it found). A workspace that cannot keep a report (Spark's Parquet files) runs them each time.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date

from kvot.checks.model import BLOCKING, CheckReport, Example, Finding
from kvot.config import Settings

TABLE = "_kvot_check_cache"
ENGINES = ("duckdb", "postgres")  # engines whose workspace can keep a report


def cache_key(workspace, settings: Settings, today: date) -> str | None:
    """What the report depends on, hashed; None where reports are not kept."""
    if getattr(workspace, "engine", None) not in ENGINES:
        return None
    from kvot import __version__

    version = workspace.execute(
        "SELECT coalesce(max(import_id), 0), count(undone_at), "
        "CAST(max(undone_at) AS VARCHAR) FROM _kvot_imports")[0]
    text = repr((__version__, tuple(version), settings, today.isoformat()))
    return hashlib.sha256(text.encode()).hexdigest()


def cached(workspace, key: str | None, only_blocking: bool) -> CheckReport | None:
    """The kept report for ``key`` (a full one also answers for the blocking checks alone)."""
    if key is None:
        return None
    rows = workspace.execute(f"SELECT only_blocking, report FROM {TABLE} WHERE cache_key = ?",
                             [key])
    for blocking_only, text in sorted(rows):  # a full report first
        if only_blocking or not blocking_only:
            report = _loads(text, workspace.location)
            return _blocking_part(report) if only_blocking else report
    return None


def keep(workspace, key: str | None, report: CheckReport, only_blocking: bool) -> None:
    """Keep ``report`` as the one report of the workspace."""
    if key is None:
        return
    with workspace.transaction():
        workspace.execute(f"DELETE FROM {TABLE}")
        workspace.execute(f"INSERT INTO {TABLE} VALUES (?, ?, ?)",
                          [key, only_blocking, _dumps(report)])


def _blocking_part(report: CheckReport) -> CheckReport:
    from kvot.checks import CHECKS

    blocking = {c.code for c in CHECKS if c.severity == BLOCKING}
    return CheckReport(report.workspace, report.today, report.blocking,
                       tuple(c for c in report.checked if c in blocking))


def _dumps(report: CheckReport) -> str:
    return json.dumps({
        "today": report.today.isoformat(), "checked": list(report.checked),
        "findings": [{"code": f.code, "severity": f.severity, "title": f.title, "count": f.count,
                      "fix": f.fix, "examples": [[e.file, e.line, e.detail] for e in f.examples]}
                     for f in report.findings]})


def _loads(text: str, location: str) -> CheckReport:
    doc = json.loads(text)
    findings = [Finding(f["code"], f["severity"], f["title"], f["count"],
                        [Example(*e) for e in f["examples"]], f["fix"]) for f in doc["findings"]]
    return CheckReport(location, date.fromisoformat(doc["today"]), findings,
                       tuple(doc["checked"]))
