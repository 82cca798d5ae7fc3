"""Checks on reps, teams, memberships and credits."""
from __future__ import annotations

from kvot.checks.model import BLOCKING, WARNING, Check, CheckQuery
from kvot.checks.sql import bytewise, credited, file_of, money, text

SHARE_TOLERANCE = "0.0001"  # revenue shares total 1 +- 0.0001 (100 % +- 0.01), as at import
# The first line naming a rep in the import that added it: a deal it owns, a credit, a quota.
FIRST_LINE = "(SELECT u.rep_id, min(x.line) AS line FROM {table} x JOIN unlisted u " \
    "ON u.rep_id = x.{column} AND u.import_id = x.import_id GROUP BY u.rep_id)"


def _unknown_reps(ws, settings, today):
    return CheckQuery(f"""
        WITH unlisted AS (
            SELECT r.rep_id, r.name, r.import_id, i.file, i.kind FROM reps r
            JOIN _kvot_imports i ON i.import_id = r.import_id
            WHERE i.kind <> 'reps' AND NOT EXISTS (
                SELECT 1 FROM memberships m WHERE m.rep_id = r.rep_id))
        SELECT u.file, coalesce(dl.line, cl.line, ql.line) AS line,
               {text('rep "{}" comes from a {} file, not from a reps file', 'u.name', 'u.kind')} AS detail
        FROM unlisted u
        LEFT JOIN {FIRST_LINE.format(table='deals', column='owner_id')} dl ON dl.rep_id = u.rep_id
        LEFT JOIN {FIRST_LINE.format(table='credits', column='rep_id')} cl ON cl.rep_id = u.rep_id
        LEFT JOIN {FIRST_LINE.format(table='quotas', column='rep_id')} ql ON ql.rep_id = u.rep_id""")


def _unknown_teams(ws, settings, today):
    return CheckQuery(f"""
        SELECT {file_of('m')} AS file, CAST(NULL AS INTEGER) AS line,
               {text('rep {} is in team "{}", which is not a team', 'm.rep_id', 'm.team_id')} AS detail
        FROM memberships m WHERE NOT EXISTS (SELECT 1 FROM teams t WHERE t.team_id = m.team_id)
        UNION ALL
        SELECT i.file, CAST(NULL AS INTEGER),
               {text('team "{}" comes from a reps file, not from the teams file', 't.name')}
        FROM teams t JOIN _kvot_imports i ON i.import_id = t.import_id
        WHERE i.kind = 'reps' AND EXISTS (SELECT 1 FROM _kvot_imports WHERE kind = 'teams')""")


def _splits(ws, settings, today):
    return CheckQuery(f"""
        SELECT {file_of('s')} AS file, s.line,
               {text('deal {}: revenue shares total {} %', 's.deal_id', money('s.total * 100'))} AS detail
        FROM (SELECT c.deal_id, c.import_id, min(c.line) AS line, sum(c.share) AS total
              FROM credits c WHERE c.credit_type = 'revenue' GROUP BY c.deal_id, c.import_id
              HAVING abs(sum(c.share) - 1) > {SHARE_TOLERANCE}) s""")


def _outside_employment(ws, settings, today):
    before = "c.close_on < r.hired_on"
    return CheckQuery(f"""
        WITH {credited(settings)}
        SELECT {file_of('c')} AS file, c.line,
               {text('deal {} closed {}, {} {} {}', 'c.deal_id', 'c.close_on', 'r.name',
                     f"CASE WHEN {before} THEN 'hired' ELSE 'left' END",
                     f"CASE WHEN {before} THEN r.hired_on ELSE r.left_on END")} AS detail
        FROM credited c JOIN reps r ON r.rep_id = c.rep_id
        WHERE c.close_on < r.hired_on OR c.close_on > r.left_on""")


# Memberships in a fixed order (what was imported first, then by rep and dates): each
# overlapping pair is listed once, the earlier membership first.
NUMBERED_MEMBERSHIPS = f"""SELECT m.*, row_number() OVER (ORDER BY m.import_id,
        {bytewise('m.rep_id')}, m.valid_from NULLS FIRST, m.valid_to NULLS LAST,
        {bytewise('m.team_id')}) AS k FROM memberships m"""


def _overlapping_memberships(ws, settings, today):
    return CheckQuery(f"""
        WITH m AS ({NUMBERED_MEMBERSHIPS})
        SELECT {file_of('b')} AS file, CAST(NULL AS INTEGER) AS line,
               {text('rep {}: team "{}" ({}) and team "{}" ({}) overlap', 'a.rep_id',
                     'a.team_id', _span('a'), 'b.team_id', _span('b'))} AS detail
        FROM m a JOIN m b
          ON a.rep_id = b.rep_id AND a.k < b.k
         AND coalesce(a.valid_from, DATE '0001-01-01') < coalesce(b.valid_to, DATE '9999-12-31')
         AND coalesce(b.valid_from, DATE '0001-01-01') < coalesce(a.valid_to, DATE '9999-12-31')""")


def _span(alias: str) -> str:
    return (f"coalesce(CAST({alias}.valid_from AS VARCHAR), 'always') || ' to ' || "
            f"coalesce(CAST({alias}.valid_to AS VARCHAR), 'now')")


UNKNOWN_REPS = Check(
    "unknown-reps", WARNING, "Reps not in any reps file",
    "add them to the reps file (with their team) and import it; if a rep is known under another "
    "name or e-mail, use that in the deals or quotas", _unknown_reps)
UNKNOWN_TEAMS = Check(
    "unknown-teams", WARNING, "Teams not in the teams file",
    "add the teams to the teams file (with their parent) and import it", _unknown_teams)
SPLITS = Check(
    "splits-not-100", BLOCKING, "Deals whose revenue splits do not total 100 %",
    "correct the shares so each deal's revenue credits total 100 % and import the credits again",
    _splits)
OUTSIDE_EMPLOYMENT = Check(
    "deals-outside-employment", WARNING, "Deals closed before the rep's hire or after their exit",
    "check the close date, the owner, and the rep's hired_on and left_on in the reps file",
    _outside_employment)
OVERLAPPING_MEMBERSHIPS = Check(
    "overlapping-memberships", BLOCKING, "Reps in two teams at the same time",
    "give each team row of the rep a team_from date (the day they joined that team) in the reps file",
    _overlapping_memberships)
