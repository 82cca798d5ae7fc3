"""The data-quality gate: checks on the workspace tables, each a finding or nothing.

``run_checks(workspace, settings)`` runs every check in :data:`CHECKS` (one query each) and
returns a :class:`CheckReport`; blocking findings mean the figures would be wrong. The queries
run on the workspace's own engine, DuckDB, PostgreSQL or Spark (:mod:`kvot.checks.engine`).
The same checks run after every import and before ``kvot attainment``. See docs/checks.md.
"""
from __future__ import annotations

from datetime import date

from kvot.checks import deals, fx, people, quotas
from kvot.checks.cache import cache_key, cached, keep
from kvot.checks.engine import check_tables
from kvot.checks.model import (BLOCKING, EXAMPLES, SEVERITIES, WARNING, Check, CheckQuery,
                               CheckReport, Example, Finding)
from kvot.config import Settings
from kvot.store.overflow import explained_overflow

CHECKS: tuple[Check, ...] = (
    deals.DUPLICATE_IDS, deals.CASE_VARIANT_IDS, deals.WON_WITHOUT_DATE_OR_OWNER,
    people.UNKNOWN_REPS, people.UNKNOWN_TEAMS, people.SPLITS, deals.NONPOSITIVE_MRR,
    fx.MISSING_FX, people.OUTSIDE_EMPLOYMENT, people.OVERLAPPING_MEMBERSHIPS,
    quotas.OVERLAPPING, quotas.OFF_BOUNDARIES, quotas.ACROSS_PERIODS, quotas.ACTIVE_WITHOUT_QUOTA,
    quotas.STARTS_LATE, quotas.QUOTA_WITHOUT_DEALS, quotas.FAR_FROM_HISTORY, deals.OUTLIERS,
    deals.NAME_VS_KIND, deals.FUTURE_WON, deals.UNMAPPED_STAGES,
)


def run_checks(workspace, settings: Settings, today: date | None = None,
               only_blocking: bool = False, reuse: bool = False) -> CheckReport:
    """Every check (or only the blocking ones, for a quick gate) on the workspace's tables.

    ``reuse``: answer with the report kept for the same data, settings and day when there is
    one (:mod:`kvot.checks.cache`). Either way the report is kept for the next caller."""
    today = today or date.today()
    key = cache_key(workspace, settings, today)
    report = cached(workspace, key, only_blocking) if reuse else None
    if report is None:
        report = _run(workspace, settings, today, only_blocking)
        keep(workspace, key, report, only_blocking)
    return report


def _run(workspace, settings: Settings, today: date, only_blocking: bool) -> CheckReport:
    chosen = [c for c in CHECKS if c.severity == BLOCKING or not only_blocking]
    tables = check_tables(workspace)
    findings = []
    for check in chosen:  # the count, then (only when something is found) the first examples
        query = check.run(tables, settings, today)
        with explained_overflow(f"check {check.code}"):
            count = tables.count(query)
            if count:
                examples = [Example(*row) for row in tables.examples(query, EXAMPLES)]
                findings.append(check.finding(count, examples))
    findings.sort(key=lambda f: f.severity != BLOCKING)
    return CheckReport(workspace.location, today, findings, tuple(c.code for c in chosen))


__all__ = ["BLOCKING", "CHECKS", "Check", "CheckQuery", "CheckReport", "Example", "Finding",
           "SEVERITIES", "WARNING", "run_checks"]
