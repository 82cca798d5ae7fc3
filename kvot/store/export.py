"""Write the workspace tables out as Parquet files, one per table, for Spark or a lake."""
from __future__ import annotations

from pathlib import Path

from kvot import progress
from kvot.store.spark import OPTIONAL, TABLES, file_name

EXPORTED = TABLES + OPTIONAL


def export_parquet(workspace, folder: Path) -> list[Path]:
    """``folder/<table>.parquet`` for every workspace table; returns the files written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with progress.task("exporting tables", len(EXPORTED), "tables") as exporting:
        for name in EXPORTED:
            exporting.update(description=f"exporting {name}")
            path = folder / file_name(name)
            workspace.table(name).to_parquet(path)
            written.append(path)
            exporting.advance()
    return written
