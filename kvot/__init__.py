"""kvot: MRR closed vs quota, per rep, team and company, from CRM exports and quota sheets."""
from kvot.api import attainment, explain, import_file, imports, load_demo, profiles, workspace_for
from kvot.api import check
from kvot.checks import CheckReport
from kvot.config import Settings
from kvot.errors import ImportRejected, KvotError, RowError, SettingsError
from kvot.metrics.attainment import AttainmentRow, Report, attainment_pct
from kvot.metrics.explain import Explanation
from kvot.store.workspace import Workspace, open_workspace

__all__ = [
    "AttainmentRow", "Explanation", "ImportRejected", "KvotError", "Report", "RowError",
    "Settings", "SettingsError", "Workspace", "attainment", "attainment_pct", "explain",
    "import_file", "imports", "load_demo", "open_workspace", "profiles", "workspace_for",
]
__all__ += ["CheckReport", "check"]  # the data-quality gate (kvot.checks)
__version__ = "0.1.0"
