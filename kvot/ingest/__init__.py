"""Turn a user's file into validated canonical records, or reject it whole.

Each ``read_<kind>(path, settings, *, sheet=None, decimal=None, date_format=None,
encoding=None)`` returns a ``ReadResult`` (records, notes, rows_read) or raises
``kvot.errors.ImportRejected`` listing every bad row (file, line, column, value, reason, fix).
Nothing here touches a workspace. See docs/import.md.
"""
from __future__ import annotations

from pathlib import Path

from kvot.config import Settings
from kvot.errors import SettingsError
from kvot.ingest.credits import read_credits
from kvot.ingest.deals import read_deals
from kvot.ingest.fx import read_fx
from kvot.ingest.profiles import list_profiles
from kvot.ingest.quotas import read_quotas
from kvot.ingest.records import (CreditRecord, DealRecord, FxRecord, QuotaRecord, ReadResult,
                                 RepRecord, TeamRecord)
from kvot.ingest.reps import read_reps
from kvot.ingest.teams import read_teams

READERS = {"deals": read_deals, "quotas": read_quotas, "reps": read_reps,
           "teams": read_teams, "credits": read_credits, "fx": read_fx}


def read_records(kind: str, path: Path, settings: Settings, *,
                 sheet: str | None = None) -> ReadResult:
    """Read ``path`` as ``kind`` (deals, quotas, reps, teams, credits, fx)."""
    try:
        reader = READERS[kind]
    except KeyError:
        raise SettingsError(f"cannot read {kind!r}; choose one of {', '.join(READERS)}") from None
    return reader(Path(path), settings, sheet=sheet)


__all__ = [
    "CreditRecord", "DealRecord", "FxRecord", "QuotaRecord", "READERS", "ReadResult",
    "RepRecord", "TeamRecord", "list_profiles", "read_credits", "read_deals", "read_fx",
    "read_quotas", "read_records", "read_reps", "read_teams",
]
