"""The ``kvot`` command: parse options, call the library, render. Nothing is computed here."""
from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer

from kvot import __version__, api
from kvot.cli import options as o
from kvot.cli.render import FORMATS, render_report
from kvot.cli.check_view import CHECK_FORMATS, check_summary, gate, mark_allowed, render_check
from kvot.cli.explain_view import render_explanation
from kvot.cli.export_cmd import export_app
from kvot.cli.history_cmd import imports_app, rejects
from kvot.cli.import_cmd import import_app
from kvot.cli.output import chosen_format, emit, fail, note, working
from kvot.errors import KvotError, UsageError
from kvot.metrics.attainment import LEVELS
from kvot.periods import GRAINS

app = typer.Typer(help="MRR closed vs quota, per rep, team and company.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
app.add_typer(import_app, name="import")
app.add_typer(imports_app, name="imports")
app.add_typer(export_app, name="export")
app.command("rejects")(rejects)


def _show_version(value: bool) -> None:
    if value:
        emit(f"kvot {__version__}\n", None)
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option(
        "--version", callback=_show_version, is_eager=True, help="Print kvot's version and stop")] = False) -> None:
    """MRR closed vs quota, per rep, team and company."""


def _report_options(currency, timezone, fiscal_start, counted) -> dict:
    return {"reporting_currency": currency, "timezone": timezone,
            "fiscal_year_start_month": fiscal_start, "counted_kinds": counted}


def _engine_options(engine: str | None, spark_master: str | None) -> dict:
    return {"master": spark_master} if engine == "spark" else {}


def _day(value: datetime | None):
    """A bare day (midnight) means that whole day; a time of day is taken as it is."""
    if value is None:
        return None
    return value.date() if value.time() == datetime.min.time() else value


def _check_choice(value: str, choices: tuple[str, ...], option: str) -> None:
    if value not in choices:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(choices)}", param_hint=option)


@app.command()
def attainment(
    by: Annotated[str, typer.Option(help="rep, team or company")] = "rep",
    period: Annotated[str, typer.Option(help="month, quarter or year")] = "month",
    start: Annotated[Optional[str], typer.Option("--from", help="First period, e.g. 2025-01 or 2025-Q1")] = None,
    end: Annotated[Optional[str], typer.Option("--to", help="Last period")] = None,
    team: Annotated[Optional[str], typer.Option(help="Only this team and its sub-teams")] = None,
    rep: Annotated[Optional[str], typer.Option(help="Only this rep")] = None,
    fmt: o.Format = None, output: o.Output = None, workspace: o.Workspace = None,
    config: o.Config = None, currency: o.Currency = None, timezone: o.Timezone = None,
    fiscal_start: o.FiscalStart = None, counted: o.CountedKinds = None,
    deals: Annotated[Optional[Path], typer.Option(help="One-shot: deals file (no workspace)")] = None,
    quotas: Annotated[Optional[Path], typer.Option(help="One-shot: quota file")] = None,
    reps: Annotated[Optional[Path], typer.Option(help="One-shot: reps file")] = None,
    teams: Annotated[Optional[Path], typer.Option(help="One-shot: teams file")] = None,
    credits: Annotated[Optional[Path], typer.Option(help="One-shot: credit splits file")] = None,
    fx: Annotated[Optional[Path], typer.Option(help="One-shot: exchange rates file")] = None,
    profile: o.Profile = None, amount: o.Amount = None, deal_currency: o.DealCurrency = None,
    won_stages: o.WonStages = None, team_path: o.TeamPath = None, decimal: o.Decimal_ = None,
    date_format: o.DateFormat = None, encoding: o.Encoding = None,
    allow: Annotated[bool, typer.Option("--allow", help="Show figures even over blocking data-quality findings (marked)")] = False,
    engine: o.Engine = None, spark_master: o.SparkMaster = None, as_of: o.AsOf = None,
    sql: Annotated[bool, typer.Option("--sql", help=(
        "Print the SQL that would run, and stop (its look-up tables of periods and rates live "
        "in kvot's process, named ibis_pyarrow_memtable_*: read it, or run it from Python with "
        "their data)"))] = False,
) -> None:
    """MRR closed against quota per rep, team or company and period.

    Examples: kvot attainment --by team --period quarter;
    kvot attainment --deals deals.csv --quotas quotas.csv -f json
    """
    _check_choice(by, LEVELS, "--by")
    _check_choice(period, GRAINS, "--period")
    report_opts = _report_options(currency, timezone, fiscal_start, counted)
    import_opts = {"profile": profile, "amount": amount, "currency": deal_currency,
                   "won_stages": won_stages, "team_path": team_path, "decimal": decimal,
                   "date_format": date_format, "encoding": encoding}
    files = {"reps": reps, "teams": teams, "deals": deals, "credits": credits, "quotas": quotas, "fx": fx}
    with working("computing"), api.workspace_for(
            workspace, files, config, report_opts, import_opts, note, engine,
            **_engine_options(engine, spark_master)) as ws:  # one-shot files show progress too
        if sql:
            emit(api.attainment_sql(ws, by=by, period=period, start=start, end=end, team=team,
                                    rep=rep, config=config, as_of=_day(as_of), **report_opts) + "\n", output)
            return
        blocking = gate(ws, allow, config, report_opts, one_shot=any(files.values()))
        report = api.attainment(ws, by=by, period=period, start=start, end=end, team=team,
                                rep=rep, config=config, as_of=_day(as_of), **report_opts)
    fmt = chosen_format(fmt, output, FORMATS)
    if blocking:  # shown because of --allow: marked as such
        emit(mark_allowed(render_report(report, fmt), fmt, blocking), output)
        return
    emit(render_report(report, fmt), output)


@app.command()
def explain(
    period: Annotated[str, typer.Option(help="The period, e.g. 2025-03, 2025-Q1 or 2025")],
    rep: Annotated[Optional[str], typer.Option(help="The rep")] = None,
    team: Annotated[Optional[str], typer.Option(help="The team")] = None,
    fmt: o.Format = None, output: o.Output = None, workspace: o.Workspace = None,
    config: o.Config = None, currency: o.Currency = None, timezone: o.Timezone = None,
    fiscal_start: o.FiscalStart = None, counted: o.CountedKinds = None,
    engine: o.Engine = None, spark_master: o.SparkMaster = None, as_of: o.AsOf = None,
) -> None:
    """The deals, shares, rates and quota rows behind one figure, adding up to it.

    Example: kvot explain --rep "Anna Snelling" --period 2017-03
    """
    if (rep is None) == (team is None):
        raise typer.BadParameter("explain needs exactly one of --rep or --team", param_hint="--rep / --team")
    with api.workspace_for(workspace, engine=engine, **_engine_options(engine, spark_master)) as ws:
        result = api.explain(ws, period=period, rep=rep, team=team, config=config,
                             as_of=_day(as_of),
                             **_report_options(currency, timezone, fiscal_start, counted))
    emit(render_explanation(result, chosen_format(fmt, output, FORMATS)), output)


@app.command()
def demo(
    workspace: o.Workspace = None,
    directory: Annotated[Path, typer.Option("--dir", help="Where to write the demo's CSV files")] = Path("kvot-demo"),
    by: Annotated[str, typer.Option(help="Level of the printed report")] = "team",
    period: Annotated[str, typer.Option(help="Grain of the printed report")] = "quarter",
) -> None:
    """Write a demo company (Norrsken Software AB) to a workspace and print its report.

    Example: kvot demo && kvot attainment --by rep --period month
    """
    with api.workspace_for(workspace, create=True) as ws, working("building the demo company"):
        for result in api.load_demo(ws, directory):
            note(f"imported {result.kind}: {result.rows_read} rows from {result.file}")
        report = api.attainment(ws, by=by, period=period)
    emit(render_report(report, "table"), None)


@app.command()
def profiles() -> None:
    """List the built-in source profiles."""
    for name, description in api.profiles():
        emit(f"{name:20} {description}\n", None)


@app.command()
def check(
    fmt: Annotated[Optional[str], typer.Option(
        "--format", "-f", help="table, json or html (default: the -o file's suffix, else table)")] = None,
    output: o.Output = None, workspace: o.Workspace = None, config: o.Config = None,
    currency: o.Currency = None, counted: o.CountedKinds = None,
    today: Annotated[Optional[datetime], typer.Option(
        formats=["%Y-%m-%d"], metavar="DATE", help="Judge future-dated deals against this day (default: today)")] = None,
    engine: o.Engine = None, spark_master: o.SparkMaster = None,
) -> None:
    """Data-quality findings on the workspace; exit code 1 when any is blocking.

    Examples: kvot check; kvot check -f html -o check.html; kvot check --engine spark -w lake/
    """
    fmt = chosen_format(fmt, output, CHECK_FORMATS)
    if fmt not in CHECK_FORMATS:
        raise typer.BadParameter(f"{fmt!r} is not one of {', '.join(CHECK_FORMATS)}", param_hint="--format")
    with api.workspace_for(workspace, engine=engine, **_engine_options(engine, spark_master)) as ws:
        report = api.check(ws, today=today.date() if today else None, config=config,
                           reporting_currency=currency, counted_kinds=counted)
    emit(render_check(report, fmt), output)
    raise typer.Exit(report.exit_code)


def main() -> None:
    try:
        app()
    except UsageError as exc:
        fail(str(exc), 2)
    except KvotError as exc:
        fail(str(exc))
    except OSError as exc:  # a file or folder the system refuses: say which, no traceback
        fail(f"{exc.filename}: {exc.strerror}" if exc.filename else str(exc))


if __name__ == "__main__":
    main()
