"""Team hierarchies given as several columns of a rep file (top first).

The columns come from ``Settings.team_path`` (``team_path = "regional_office>manager"``),
else a ``team_path`` key in ``[mapping]`` (same syntax, ``>`` or ``,`` between columns),
else the profile's default (used only when the file has all its columns). The crm-opportunities
profile reads ``sales_teams.csv`` as company > ``regional_office`` > ``manager`` > rep.
"""
from __future__ import annotations

from kvot.errors import ImportRejected, RowError
from kvot.ingest.columns import column_key
from kvot.ingest.readers import Row
from kvot.ingest.source import Source


def team_path_headers(src: Source) -> tuple[str, ...]:
    """The source headers that name a rep's teams, top first; () when there are none."""
    by_key = {column_key(h): h for h in src.table.headers}
    asked = _asked(src)
    if asked:
        missing = [c for c in asked if column_key(c) not in by_key]
        if missing:
            raise ImportRejected([RowError(
                src.file, src.table.header_line, None, missing[0],
                f"is in team_path but the file has no such column (it has: "
                f"{', '.join(src.table.headers)})", "fix the team_path setting", header=True)])
        return tuple(by_key[column_key(c)] for c in asked)
    default = src.profile.team_path
    if default and all(column_key(c) in by_key for c in default):
        return tuple(by_key[column_key(c)] for c in default)
    return ()


def _asked(src: Source) -> tuple[str, ...]:
    if getattr(src.settings, "team_path", None):
        return tuple(src.settings.team_path)
    mapped = src.settings.mapping.get(f"{src.columns.kind}.team_path") \
        or src.settings.mapping.get("team_path")
    if not mapped:
        return ()
    separator = ">" if ">" in mapped else ","
    return tuple(c.strip() for c in mapped.split(separator) if c.strip())


def path_of(row: Row, headers: tuple[str, ...]) -> tuple[str, ...]:
    """The team names of a row along the path (blank levels skipped)."""
    return tuple(v for h in headers if (v := row.values.get(h, "").strip()))
