"""Read a rep file (roster, with optional team history) into ``RepRecord``s.

Columns: ``rep_id`` (defaults to the name), ``name`` (defaults to the id), ``email``, ``team``,
``team_from`` (the day the rep joined that team), ``hired_on``, ``left_on``; and optionally the
team hierarchy as several columns (``kvot.ingest.hierarchy``). A rep may have several rows, one
per team they have been in; the rows of one rep must agree on name, e-mail, hired and left
dates, and one rep cannot join two teams on the same day.

``team_path`` is the hierarchy from the top down to the rep's team: the hierarchy columns,
then the ``team`` column when it adds a level. ``team`` is the rep's team: the ``team``
column, else the last level of the path.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from kvot.config import Settings
from kvot.errors import ImportRejected
from kvot.ingest.columns import missing_column
from kvot.ingest.hierarchy import path_of, team_path_headers
from kvot.ingest.readers import Row
from kvot.ingest.records import ReadResult, RepRecord, conflict_errors, drop_repeats
from kvot.ingest.source import Source, open_source

FIELD_COLUMNS = {"rep_id": "rep_id", "name": "name", "email": "email", "team": "team",
                 "team_from": "team_from", "hired_on": "hired_on", "left_on": "left_on"}


@dataclass
class RepDates:
    team_from: dict[int, date]
    hired_on: dict[int, date]
    left_on: dict[int, date]


def read_reps(path: Path, settings: Settings, *, sheet: str | None = None,
              decimal: str | None = None, date_format: str | None = None,
              encoding: str | None = None) -> ReadResult[RepRecord]:
    """Read a rep file; raise ImportRejected listing every bad row."""
    src = open_source(path, settings, "reps", sheet=sheet, decimal=decimal,
                      date_format=date_format, encoding=encoding)
    if not (src.has("rep_id") or src.has("name")):
        raise ImportRejected([missing_column(src.table, "reps", src.profile, "name")])
    if not src.has("rep_id"):
        src.notes.append(f"no rep_id column: each rep's id is the name ({src.columns.header('name')})")
    path_headers = team_path_headers(src)
    if path_headers:
        src.notes.append(f"team hierarchy from columns {' > '.join(path_headers)}")
    dates = RepDates(*(src.bare_dates(n) if src.has(n) else {}
                       for n in ("team_from", "hired_on", "left_on")))
    records = [r for row in src.rows if (r := _rep(src, row, dates, path_headers))]
    columns = {f: src.columns.header(c) or c for f, c in FIELD_COLUMNS.items()}
    records, dropped = drop_repeats(records, lambda r: (r.rep_id.casefold(), r.team_from),
                                    src.file, columns, src.errors)
    if dropped:
        src.notes.append(f"{dropped} repeated identical rep row(s) dropped")
    _check_history(src, records, columns)
    return src.finish(records)


def _rep(src: Source, row: Row, dates: RepDates, path_headers: tuple[str, ...]) -> RepRecord | None:
    rep_id = src.text(row, "rep_id") or src.text(row, "name")
    name = src.text(row, "name") or rep_id
    if not rep_id:
        src.fail(row.line, "name" if src.has("name") else "rep_id", None,
                 "is blank: every rep needs an id or a name")
        return None
    hired, left = dates.hired_on.get(row.line), dates.left_on.get(row.line)
    if hired and left and left < hired:
        src.fail(row.line, "left_on", left.isoformat(), f"is before the hire date {hired}")
    team_path = path_of(row, path_headers)
    team = src.text(row, "team") or (team_path[-1] if team_path else None)
    if team and team_path and team_path[-1] != team:
        team_path += (team,)
    if team and not team_path:
        team_path = (team,)
    return RepRecord(rep_id, name, src.text(row, "email") or None, team,
                     dates.team_from.get(row.line), hired, left, team_path, row.line)


def _check_history(src: Source, records: list[RepRecord], columns: dict[str, str]) -> None:
    """The rows of one rep (a team history) agree on everything but the team."""
    first: dict[str, RepRecord] = {}
    for record in records:
        key = record.rep_id.casefold()
        seen = first.setdefault(key, record)
        same_person = replace(record, team=seen.team, team_from=seen.team_from,
                              team_path=seen.team_path, line=seen.line)
        if same_person != seen:
            src.errors.extend(conflict_errors(seen, record, src.file, columns,
                                              f"rep {record.rep_id}"))
