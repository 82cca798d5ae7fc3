"""The Python face of kvot: everything the command line does, as functions.

>>> import kvot
>>> ws = kvot.open_workspace("kvot.duckdb")
>>> kvot.import_file(ws, "deals", "deals.csv", profile="salesforce", amount="arr")
>>> report = kvot.attainment(ws, by="team", period="quarter")
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Callable, Iterator

from kvot import progress
from kvot.checks import CheckReport
from kvot.checks import run_checks as _run_checks
from kvot.config import check_timezone
from kvot.errors import SettingsError
from kvot.ingest import list_profiles
from kvot.metrics.attainment import Report
from kvot.metrics.attainment import attainment as _attainment
from kvot.metrics.attainment import attainment_sql as _attainment_sql
from kvot.metrics.explain import Explanation
from kvot.metrics.explain import explain as _explain
from kvot.store.imports import KINDS as IMPORT_KINDS
from kvot.store.imports import ImportResult
from kvot.store.imports import import_file as _import_file
from kvot.store.export import export_parquet as _export_parquet
from kvot.store.history import Undone
from kvot.store.history import undo_import as _undo_import
from kvot.store.imports import imports as _imports
from kvot.store.imports import rejects as _rejects
from kvot.store.settings import effective_settings
from kvot.store.workspace import POSTGRES_PREFIXES, Workspace, open_workspace, resolve_location

ONE_SHOT_ORDER = ("teams", "reps", "deals", "credits", "quotas", "fx")


def _report_settings(workspace: Workspace, config, overrides: dict):
    stored_tz = workspace.settings().get("timezone")
    asked_tz = overrides.get("timezone")
    if asked_tz:
        check_timezone(asked_tz)
    if asked_tz and stored_tz and asked_tz != stored_tz:
        raise SettingsError(
            f"the workspace's dates were read in time zone {stored_tz}; --timezone {asked_tz} "
            f"would relabel them without moving them. Re-import the deals with --timezone {asked_tz}")
    return effective_settings(workspace, config, overrides)


def attainment(workspace: Workspace, *, by: str = "rep", period: str = "month",
               start: str | None = None, end: str | None = None, team: str | None = None,
               rep: str | None = None, config: Path | None = None, as_of: date | None = None,
               **overrides) -> Report:
    """MRR closed vs quota per ``by`` (rep, team, company) and ``period`` (month, quarter, year).

    ``as_of``: recompute from what the workspace held at the end of that day.
    """
    settings = _report_settings(workspace, config, overrides)
    return _attainment(workspace, by=by, period=period, start=start, end=end, team=team,
                       rep=rep, settings=settings, as_of=as_of)


def attainment_sql(workspace: Workspace, *, by: str = "rep", period: str = "month",
                   start: str | None = None, end: str | None = None, team: str | None = None,
                   rep: str | None = None, config: Path | None = None, as_of: date | None = None,
                   **overrides) -> str:
    """The SQL :func:`attainment` runs on this workspace's engine, without running it."""
    settings = _report_settings(workspace, config, overrides)
    return _attainment_sql(workspace, by=by, period=period, start=start, end=end, team=team,
                           rep=rep, settings=settings, as_of=as_of)


def explain(workspace: Workspace, *, period: str, rep: str | None = None, team: str | None = None,
            config: Path | None = None, as_of: date | None = None, **overrides) -> Explanation:
    """The deals, shares, rates and quota rows behind one rep's or team's figure."""
    settings = _report_settings(workspace, config, overrides)
    return _explain(workspace, period=period, rep=rep, team=team, settings=settings, as_of=as_of)


def import_file(workspace: Workspace, kind: str, path: str | os.PathLike, *,
                config: Path | None = None, sheet: str | None = None, **options) -> ImportResult:
    """Import ``path`` as ``kind`` (deals, quotas, reps, teams, credits, fx); all or nothing.

    ``options`` are settings (profile, amount, currency, won_stages, decimal, date_format, ...).
    The report settings in force (currency, time zone, fiscal year, counted kinds) are kept in
    the workspace, so later reports use them.
    """
    if kind not in IMPORT_KINDS:
        raise SettingsError(f"cannot import {kind!r}; choose one of {', '.join(IMPORT_KINDS)}")
    settings = effective_settings(workspace, config, options)
    result = _import_file(workspace, kind, Path(path), settings, sheet=sheet)
    workspace.save_settings(settings.stored())
    return result


def imports(workspace: Workspace) -> list[dict]:
    """Every import: file, rows read, changed and set aside, when, and whether it was undone."""
    return _imports(workspace)


def undo_import(workspace: Workspace, import_id: int) -> Undone:
    """Take an import back: its rows go and the rows it replaced return."""
    return _undo_import(workspace, import_id)


def rejects(workspace: Workspace, import_id: int | None = None) -> list[dict]:
    """Rows set aside by imports made with ``on_error="skip"``, with file, line and reason."""
    return _rejects(workspace, import_id)


def export_parquet(workspace: Workspace, folder: str | os.PathLike) -> list[Path]:
    """Write every workspace table to ``folder`` as Parquet (for ``engine="spark"``)."""
    return _export_parquet(workspace, Path(folder))


def profiles() -> list[tuple[str, str]]:
    return list_profiles()


@contextmanager
def workspace_for(location: str | None, files: dict | None = None, config: Path | None = None,
                  report_opts: dict | None = None, import_opts: dict | None = None,
                  note: Callable[[str], None] = lambda s: None, engine: str | None = None,
                  create: bool = False, **engine_options) -> Iterator[Workspace]:
    """The workspace at ``location``; or, when ``files`` are given, a throw-away one holding them.

    ``create``: open a workspace that does not exist yet as a new one (imports, the demo);
    otherwise that is an error, so a mistyped name never reports on an empty workspace.
    """
    given = {k: v for k, v in (files or {}).items() if v is not None}
    if given and not {"deals", "quotas"} <= set(given):
        raise SettingsError("one-shot use needs both --deals and --quotas")
    if given and location:
        note(f"note: the one-shot files are read into a throw-away workspace; {location} "
             "(--workspace / KVOT_WORKSPACE) is left alone")
    if given and engine == "spark":
        raise SettingsError("one-shot files are read into DuckDB; --engine spark reads a Parquet folder")
    new_file = _new_duckdb_file(location) if create and not given and engine != "spark" else None
    workspace = open_workspace(":memory:" if given else location, engine,
                               create=create or bool(given), **engine_options)
    failed = True
    try:
        options = {**(import_opts or {}), **(report_opts or {})}
        for kind in ONE_SHOT_ORDER:
            if kind in given:
                result = import_file(workspace, kind, given[kind], config=config, **options)
                note(f"read {kind}: {result.rows_read} rows from {result.file}")
                for line in result.notes:
                    note(f"  note: {line}")
        yield workspace
        failed = False
    finally:
        workspace.close()
        if failed and new_file is not None:  # a failed first import leaves no empty workspace
            for path in (new_file, new_file.with_name(new_file.name + ".wal")):
                path.unlink(missing_ok=True)


def _new_duckdb_file(location: str | None) -> Path | None:
    """The DuckDB file a command would create at ``location``, when it does not exist yet."""
    where = resolve_location(location)
    if where == ":memory:" or where.startswith(POSTGRES_PREFIXES):
        return None
    path = Path(where)
    return None if path.exists() else path


def load_demo(workspace: Workspace, directory: Path) -> list[ImportResult]:
    """Write the demo company's files to ``directory`` and import them."""
    from kvot.demo import write_demo_files

    files = write_demo_files(Path(directory))
    results = []
    with progress.task("importing demo files", len(ONE_SHOT_ORDER), "files") as importing:
        for kind in ONE_SHOT_ORDER:
            importing.update(description=f"importing demo {kind}")
            results.append(import_file(workspace, kind, getattr(files, kind), config=files.config))
            importing.advance()
    return results


def check(workspace: Workspace, *, today=None, only_blocking: bool = False, reuse: bool = False,
          config: Path | None = None, **overrides) -> CheckReport:
    """The data-quality findings on the workspace (blocking ones make figures wrong).

    ``today`` (a date, default today) judges future-dated deals; ``only_blocking`` runs only the
    checks that can block, which is what ``kvot attainment`` does before showing figures;
    ``reuse`` answers with the report kept for the same imports, settings and day, if any.
    """
    settings = _report_settings(workspace, config, overrides)
    return _run_checks(workspace, settings, today=today, only_blocking=only_blocking,
                       reuse=reuse)
