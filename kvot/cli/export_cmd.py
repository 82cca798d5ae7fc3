"""``kvot export parquet DIR``."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kvot import api
from kvot.cli import options as o
from kvot.cli.output import note, working

export_app = typer.Typer(help="Write the workspace out for other engines.", no_args_is_help=True)


@export_app.command()
def parquet(folder: Annotated[Path, typer.Argument(help="Folder for the .parquet files")],
            workspace: o.Workspace = None) -> None:
    """Every workspace table as a Parquet file in FOLDER, for --engine spark.

    Example: kvot export parquet lake/ && kvot attainment --engine spark -w lake/
    """
    with api.workspace_for(workspace) as ws, working("exporting"):
        written = api.export_parquet(ws, folder)
    note(f"wrote {len(written)} tables to {folder}")
