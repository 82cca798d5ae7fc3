"""Options shared by several commands, declared once."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer

from kvot.cli.render import FORMATS

Workspace = Annotated[Optional[str], typer.Option(
    "--workspace", "-w", envvar="KVOT_WORKSPACE", show_envvar=True,
    help="Workspace: a DuckDB file or a postgresql:// URL. Default: ./kvot.duckdb")]
Config = Annotated[Optional[Path], typer.Option(
    "--config", "-c", help="Settings file (TOML). Default: ./kvot.toml when present")]


def _format_choice(value: str | None) -> str | None:
    if value is not None and value not in FORMATS:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(FORMATS)}")
    return value


Format = Annotated[Optional[str], typer.Option(
    "--format", "-f", callback=_format_choice,
    help="table, csv or json (default: the -o file's suffix, e.g. report.csv, else table)")]
Output = Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to FILE instead of stdout")]
Currency = Annotated[Optional[str], typer.Option(
    "--reporting-currency", help="Currency of every figure (ISO code, e.g. SEK)")]
Timezone = Annotated[Optional[str], typer.Option(
    "--timezone", help="Reporting time zone (IANA name, e.g. Europe/Stockholm)")]
FiscalStart = Annotated[Optional[int], typer.Option(
    "--fiscal-year-start", help="Month (1-12) the fiscal year starts in")]
CountedKinds = Annotated[Optional[str], typer.Option(
    "--counted-kinds", help="Deal kinds that count as MRR closed, comma-separated (default new,expansion)")]
Profile = Annotated[Optional[str], typer.Option("--profile", "-p", help="Source profile (see: kvot profiles)")]
Amount = Annotated[Optional[str], typer.Option(
    "--amount", help="What the amount means: mrr, arr, per_billing_period or tcv")]
DealCurrency = Annotated[Optional[str], typer.Option(
    "--currency", help="Currency of amounts when the file has no currency column")]
WonStages = Annotated[Optional[str], typer.Option(
    "--won-stages", help="Stages that mean closed-won, comma-separated (default: the profile's)")]
Sheet = Annotated[Optional[str], typer.Option("--sheet", help="XLSX sheet to read (default: the first)")]
Decimal_ = Annotated[Optional[str], typer.Option("--decimal", help="Decimal mark: comma or point")]
DateFormat = Annotated[Optional[str], typer.Option("--date-format", help="day-first or month-first")]
Encoding = Annotated[Optional[str], typer.Option("--encoding", help="CSV encoding, e.g. cp1252")]
TeamPath = Annotated[Optional[str], typer.Option(
    "--team-path", help="Rep files: columns naming the teams, top first, e.g. region>manager")]
Engine = Annotated[Optional[str], typer.Option(
    "--engine", help="auto (DuckDB file or PostgreSQL URL), or spark (a folder of Parquet files)")]
SparkMaster = Annotated[Optional[str], typer.Option(
    "--spark-master", envvar="KVOT_SPARK_MASTER", help="Spark master URL (default local[*])")]
AsOf = Annotated[Optional[datetime], typer.Option(
    "--as-of", formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
                        "%Y-%m-%d %H:%M:%S.%f"], metavar="DATE",
    help="Recompute from what was imported by then: a day (its end) or a time as kvot imports shows")]
