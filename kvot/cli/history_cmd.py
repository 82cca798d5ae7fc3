"""``kvot imports`` (list, undo) and ``kvot rejects``."""
from __future__ import annotations

from typing import Annotated, Optional

import typer

from kvot import api
from kvot.cli import options as o
from kvot.cli.output import chosen_format, emit, note
from kvot.cli.render import FORMATS, render_rows
from kvot.store.imports import IMPORT_COLUMNS, REJECT_COLUMNS

imports_app = typer.Typer(help="The imports made into the workspace; take one back.",
                          invoke_without_command=True)


@imports_app.callback()
def imports(ctx: typer.Context, workspace: o.Workspace = None, fmt: o.Format = None,
            output: o.Output = None) -> None:
    """List the imports made into the workspace. Example: kvot imports -f csv"""
    if ctx.invoked_subcommand is not None:
        return
    with api.workspace_for(workspace) as ws:
        rows = api.imports(ws)
    emit(render_rows(rows, chosen_format(fmt, output, FORMATS), "Imports", IMPORT_COLUMNS), output)


@imports_app.command()
def undo(import_id: Annotated[int, typer.Argument(help="The import's number (see kvot imports)")],
         workspace: o.Workspace = None) -> None:
    """Take an import back: its rows go and the rows it replaced return.

    Example: kvot imports undo 7
    """
    with api.workspace_for(workspace) as ws:
        done = api.undo_import(ws, import_id)
    note(f"import #{done.import_id} undone: {done.removed} rows removed, {done.restored} restored")


def rejects(workspace: o.Workspace = None, fmt: o.Format = None, output: o.Output = None,
            import_id: Annotated[Optional[int], typer.Option("--import", help="Only this import")] = None,
            ) -> None:
    """Rows set aside by imports made with --on-error skip: file, line, column, value, why.

    Example: kvot rejects -f csv -o rejects.csv
    """
    with api.workspace_for(workspace) as ws:
        rows = api.rejects(ws, import_id)
    emit(render_rows(rows, chosen_format(fmt, output, FORMATS), "Rejected rows", REJECT_COLUMNS),
         output)
