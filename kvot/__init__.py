"""kvot: MRR closed vs quota, per rep, team and company, from CRM exports and quota sheets."""
from kvot.api import (attainment, check, explain, export_parquet, import_file, imports, load_demo,
                      profiles, rejects, undo_import, workspace_for)
from kvot.checks import CheckReport
from kvot.config import Settings
from kvot.errors import ImportRejected, KvotError, RowError, SettingsError
from kvot.metrics.attainment import AttainmentRow, Report, attainment_pct
from kvot.metrics.explain import Explanation
from kvot.store.workspace import Workspace, open_workspace

__all__ = [
    "AttainmentRow", "CheckReport", "Explanation", "ImportRejected", "KvotError", "Report",
    "RowError", "Settings", "SettingsError", "Workspace", "attainment", "attainment_pct", "check",
    "explain", "export_parquet", "import_file", "imports", "load_demo", "open_workspace",
    "profiles", "rejects", "undo_import", "workspace_for",
]
__version__ = "0.1.0"
