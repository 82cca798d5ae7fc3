"""``kvot import KIND FILE``: one command per kind of file."""
from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated, Optional

import typer

from kvot import api
from kvot.cli import options as o
from kvot.cli.check_view import check_summary
from kvot.cli.output import note, working

import_app = typer.Typer(help="Import a CSV or XLSX file into the workspace (all or nothing).",
                         no_args_is_help=True)

OnError = Annotated[Optional[str], typer.Option(
    "--on-error", help="fail: a bad row rejects the file (default); skip: bad rows are set aside "
                       "(see kvot rejects) and the rest imported")]
MinorUnits = Annotated[Optional[bool], typer.Option(
    "--minor-units/--no-minor-units", help="Amounts are in cents/öre (default: the profile's)")]

# What an import's count of changes counts (new or different from what was stored).
CHANGED = {
    "deals": "{} deals changed",
    "credits": "credits of {} deals changed",
    "quotas": "{} quota rows changed",
    "fx": "{} rates changed",
    "teams": "{} teams changed",
    "reps": "{} changed (reps, their team histories, and teams new to the workspace)",
}


# Options that mean something for some kinds only; the other kinds' commands do not offer them.
ONLY_FOR = {"amount": ("deals",), "won_stages": ("deals",), "minor_units": ("deals",),
            "currency": ("deals", "quotas"), "team_path": ("reps", "teams")}


def _offered(command, kind: str):
    """``command`` with only the options that apply to ``kind`` in its signature."""
    signature = inspect.signature(command, eval_str=True)
    kept = [p for name, p in signature.parameters.items() if kind in ONLY_FOR.get(name, (kind,))]
    command.__signature__ = signature.replace(parameters=kept)
    return command


def _command(kind: str):
    def command(
        file: Annotated[Path, typer.Argument(help="CSV or XLSX file")],
        workspace: o.Workspace = None, config: o.Config = None, profile: o.Profile = None,
        amount: o.Amount = None, currency: o.DealCurrency = None, won_stages: o.WonStages = None,
        sheet: o.Sheet = None, decimal: o.Decimal_ = None, date_format: o.DateFormat = None,
        encoding: o.Encoding = None, team_path: o.TeamPath = None, timezone: o.Timezone = None,
        reporting_currency: o.Currency = None, on_error: OnError = None,
        minor_units: MinorUnits = None,
    ) -> None:
        opts = {"profile": profile, "amount": amount, "currency": currency,
                "won_stages": won_stages, "decimal": decimal, "date_format": date_format,
                "encoding": encoding, "team_path": team_path, "timezone": timezone,
                "reporting_currency": reporting_currency, "on_error": on_error,
                "minor_units": minor_units}
        with api.workspace_for(workspace, create=True) as ws, working(f"importing {file.name}"):
            result = api.import_file(ws, kind, file, config=config, sheet=sheet, **opts)
            checked = check_summary(ws, config, opts)
        rejected = f", {result.rows_rejected} set aside" if result.rows_rejected else ""
        changed = CHANGED.get(kind, "{} changed").format(result.rows_changed)
        note(f"import #{result.import_id}: {result.file}: {result.rows_read} rows read, "
             f"{changed}{rejected}")
        for line in result.notes:
            note(f"  note: {line}")
        note(checked)

    command.__doc__ = (f"Import {kind} from FILE (CSV or XLSX).\n\n"
                       f"Example: kvot import {kind} {kind}.csv")
    return _offered(command, kind)


for _kind in api.IMPORT_KINDS:
    import_app.command(_kind)(_command(_kind))
