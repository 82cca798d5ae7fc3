"""Read a team file into ``TeamRecord``s.

Columns: ``team_id`` (defaults to the name), ``name`` (defaults to the id), ``parent`` (the
parent team's id or name), ``level``. A file without team columns but with a team hierarchy
in several columns (``kvot.ingest.hierarchy``, e.g. ``sales_teams.csv`` with ``regional_office``
and ``manager``) gives one team per distinct name on each level, its parent the level above and
its level the column name. A team with two parents, its own parent, or a cycle is an error; a
parent that is not in the file must already be in the workspace.
"""
from __future__ import annotations

from pathlib import Path

from kvot.config import Settings
from kvot.errors import ImportRejected
from kvot.ingest.columns import missing_column
from kvot.ingest.hierarchy import team_path_headers
from kvot.ingest.readers import Row
from kvot.ingest.records import ReadResult, TeamRecord, drop_repeats
from kvot.ingest.source import Source, open_source

FIELD_COLUMNS = {"team_id": "team_id", "name": "name", "parent": "parent", "level": "level"}


def read_teams(path: Path, settings: Settings, *, sheet: str | None = None,
               decimal: str | None = None, date_format: str | None = None,
               encoding: str | None = None) -> ReadResult[TeamRecord]:
    """Read a team file; raise ImportRejected listing every bad row."""
    src = open_source(path, settings, "teams", sheet=sheet, decimal=decimal,
                      date_format=date_format, encoding=encoding)
    if src.has("team_id") or src.has("name"):
        records = [r for row in src.rows if (r := _team(src, row))]
    else:
        headers = team_path_headers(src)
        if not headers:
            error = missing_column(src.table, "teams", src.profile, "name")
            raise ImportRejected([error])
        src.notes.append(f"teams from the hierarchy columns {' > '.join(headers)}")
        records = [t for row in src.rows for t in _path_teams(row, headers)]
    columns = {f: src.columns.header(c) or c for f, c in FIELD_COLUMNS.items()}
    records, _ = drop_repeats(records, lambda t: t.team_id.casefold(), src.file, columns,
                              src.errors)
    _check_parents(src, records)
    return src.finish(records)


def _team(src: Source, row: Row) -> TeamRecord | None:
    team_id = src.text(row, "team_id") or src.text(row, "name")
    if not team_id:
        src.fail(row.line, "team_id" if src.has("team_id") else "name", None,
                 "is blank: every team needs an id or a name")
        return None
    parent = src.text(row, "parent") or None
    if parent is not None and parent.casefold() in (team_id.casefold(),
                                                    src.text(row, "name").casefold()):
        src.fail(row.line, "parent", parent, "is the team itself")
        return None
    return TeamRecord(team_id, src.text(row, "name") or team_id, parent,
                      src.text(row, "level") or None, row.line)


def _path_teams(row: Row, headers: tuple[str, ...]) -> list[TeamRecord]:
    teams, parent = [], None
    for header in headers:
        name = row.values.get(header, "").strip()
        if not name:
            continue
        teams.append(TeamRecord(name, name, parent, header, row.line))
        parent = name
    return teams


def _check_parents(src: Source, records: list[TeamRecord]) -> None:
    """No cycles; a note for parents that must already be in the workspace."""
    parents = {t.team_id.casefold(): t.parent for t in records}
    names = {t.name.casefold(): t.team_id.casefold() for t in records}
    outside: set[str] = set()
    for team in records:
        seen, current = {team.team_id.casefold()}, team.parent
        while current is not None:
            key = current.casefold()
            key = key if key in parents else names.get(key)
            if key is None:
                outside.add(current)
                break
            if key in seen:
                src.fail(team.line, "parent", team.parent, "makes a cycle of parent teams")
                break
            seen.add(key)
            current = parents[key]
    if outside:
        src.notes.append(f"parent team(s) not in this file, expected in the workspace: "
                         f"{', '.join(sorted(outside))}")
