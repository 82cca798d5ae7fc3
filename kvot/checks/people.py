"""Checks on reps, teams, memberships and credits."""
from __future__ import annotations

from kvot.checks.model import BLOCKING, WARNING, Check
from kvot.checks.sql import credited, file_of, found, money

SHARE_TOLERANCE = "0.0001"  # revenue shares total 1 +- 0.0001 (100 % +- 0.01), as at import
# The first row naming a rep that was added automatically: a deal it owns, a credit, a quota.
FIRST_MENTION = """coalesce(
    (SELECT min(line) FROM deals x WHERE x.owner_id = r.rep_id AND x.import_id = r.import_id),
    (SELECT min(line) FROM credits x WHERE x.rep_id = r.rep_id AND x.import_id = r.import_id),
    (SELECT min(line) FROM quotas x WHERE x.rep_id = r.rep_id AND x.import_id = r.import_id))"""


def _unknown_reps(ws, settings, today):
    return found(ws, f"""
        SELECT i.file, {FIRST_MENTION} AS line,
               format('rep "{{}}" comes from a {{}} file, not from a reps file', r.name, i.kind) AS detail
        FROM reps r JOIN _kvot_imports i USING (import_id)
        WHERE i.kind <> 'reps' AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.rep_id = r.rep_id)""")


def _unknown_teams(ws, settings, today):
    return found(ws, f"""
        SELECT {file_of('m')} AS file, NULL AS line,
               format('rep {{}} is in team "{{}}", which is not a team', m.rep_id, m.team_id) AS detail
        FROM memberships m WHERE m.team_id NOT IN (SELECT team_id FROM teams)
        UNION ALL
        SELECT i.file, NULL, format('team "{{}}" comes from a reps file, not from the teams file', t.name)
        FROM teams t JOIN _kvot_imports i USING (import_id)
        WHERE i.kind = 'reps' AND EXISTS (SELECT 1 FROM _kvot_imports WHERE kind = 'teams')""")


def _splits(ws, settings, today):
    return found(ws, f"""
        SELECT {file_of('c')} AS file, min(c.line) AS line,
               format('deal {{}}: revenue shares total {{}} %', c.deal_id, {money('sum(c.share) * 100')}) AS detail
        FROM credits c WHERE c.credit_type = 'revenue'
        GROUP BY c.deal_id, c.import_id HAVING abs(sum(c.share) - 1) > {SHARE_TOLERANCE}""")


def _outside_employment(ws, settings, today):
    return found(ws, f"""
        WITH {credited(settings)}
        SELECT {file_of('c')} AS file, c.line,
               format('deal {{}} closed {{}}, {{}} {{}} {{}}', c.deal_id, c.close_on, r.name,
                      CASE WHEN c.close_on < r.hired_on THEN 'hired' ELSE 'left' END,
                      CASE WHEN c.close_on < r.hired_on THEN r.hired_on ELSE r.left_on END) AS detail
        FROM credited c JOIN reps r USING (rep_id)
        WHERE c.close_on < r.hired_on OR c.close_on > r.left_on""")


def _overlapping_memberships(ws, settings, today):
    return found(ws, f"""
        SELECT {file_of('b')} AS file, NULL AS line,
               format('rep {{}}: team "{{}}" ({{}}) and team "{{}}" ({{}}) overlap', a.rep_id,
                      a.team_id, {_span('a')}, b.team_id, {_span('b')}) AS detail
        FROM memberships a JOIN memberships b
          ON a.rep_id = b.rep_id AND a.rowid < b.rowid
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
