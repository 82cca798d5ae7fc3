"""Checks on quota rows: overlaps, period boundaries, reps without quota or without deals,
late starts and targets far above a rep's history."""
from __future__ import annotations

from kvot.checks.model import BLOCKING, WARNING, Check
from kvot.checks.sql import credited, file_of, found, money, ratio

HISTORY_FACTOR = 3  # a monthly quota over this many times the rep's best month
MONTHS = "(date_diff('month', {a}.starts_on, {a}.ends_on) + 1)"
REP_QUOTAS = "SELECT * FROM quotas q WHERE q.rep_id IS NOT NULL AND q.kind = 'mrr'"
FIRST_QUOTA = """(SELECT rep_id, min(starts_on) AS first_on,
                         arg_min(line, starts_on) AS line, arg_min(import_id, starts_on) AS import_id
                  FROM quotas WHERE rep_id IS NOT NULL AND kind = 'mrr' GROUP BY rep_id)"""


def _overlapping(ws, settings, today):
    return found(ws, f"""
        SELECT {file_of('b')} AS file, b.line,
               format('{{}}: {{}} to {{}} overlaps {{}} to {{}} ({{}} line {{}})',
                      coalesce(b.rep_id, 'team ' || b.team_id), b.starts_on, b.ends_on,
                      a.starts_on, a.ends_on, {file_of('a')}, a.line) AS detail
        FROM quotas a JOIN quotas b
          ON a.rep_id IS NOT DISTINCT FROM b.rep_id AND a.team_id IS NOT DISTINCT FROM b.team_id
         AND a.kind = b.kind AND a.rowid < b.rowid
         AND a.starts_on <= b.ends_on AND b.starts_on <= a.ends_on""")


def _off_boundaries(ws, settings, today):
    return found(ws, f"""
        SELECT {file_of('q')} AS file, q.line,
               format('{{}}: {{}} to {{}}', coalesce(q.rep_id, 'team ' || q.team_id),
                      q.starts_on, q.ends_on) AS detail
        FROM quotas q WHERE day(q.starts_on) <> 1 OR q.ends_on <> last_day(q.ends_on)""")


def _active_without_quota(ws, settings, today):
    return found(ws, f"""
        WITH {credited(settings)},
        span AS (SELECT min(starts_on) AS lo, max(ends_on) AS hi FROM ({REP_QUOTAS})),
        active AS (
            SELECT c.rep_id, {file_of('c')} AS file, c.line FROM credited c, span
            WHERE c.close_on BETWEEN span.lo AND span.hi
            UNION ALL
            SELECT r.rep_id, {file_of('r')}, NULL FROM reps r, span
            WHERE EXISTS (SELECT 1 FROM memberships m WHERE m.rep_id = r.rep_id)
              AND coalesce(r.hired_on, span.lo) <= span.hi AND coalesce(r.left_on, span.hi) >= span.lo)
        SELECT min(a.file) AS file, min(a.line) AS line,
               format('rep {{}}: active {{}} to {{}}, no quota row', a.rep_id, any_value(s.lo),
                      any_value(s.hi)) AS detail
        FROM active a, span s
        WHERE a.rep_id NOT IN (SELECT rep_id FROM quotas WHERE rep_id IS NOT NULL)
        GROUP BY a.rep_id""")


def _starts_late(ws, settings, today):
    return found(ws, f"""
        WITH f AS {FIRST_QUOTA}, {credited(settings)},
        start AS (SELECT min(first_on) AS lo FROM f)
        SELECT {file_of('f')} AS file, f.line,
               format('rep {{}}: first quota {{}}, others from {{}}; {{}} won deal(s) before it',
                      f.rep_id, f.first_on, start.lo,
                      (SELECT count(*) FROM credited c
                       WHERE c.rep_id = f.rep_id AND c.close_on < f.first_on)) AS detail
        FROM f JOIN reps r USING (rep_id), start
        WHERE f.first_on > greatest(start.lo, date_trunc('month', coalesce(r.hired_on, start.lo)))""")


def _quota_without_deals(ws, settings, today):
    return found(ws, f"""
        WITH f AS {FIRST_QUOTA}
        SELECT {file_of('f')} AS file, f.line,
               format('rep {{}}: quota from {{}}, no won deals', f.rep_id, f.first_on) AS detail
        FROM f WHERE f.rep_id NOT IN (
            SELECT owner_id FROM deals WHERE is_won AND owner_id IS NOT NULL
            UNION SELECT c.rep_id FROM credits c JOIN deals d USING (deal_id) WHERE d.is_won)""")


def _far_from_history(ws, settings, today):
    return found(ws, f"""
        WITH {credited(settings)},
        months AS (SELECT rep_id, currency, date_trunc('month', close_on) AS month,
                          sum(mrr * share) AS closed
                   FROM credited GROUP BY ALL),
        best AS (SELECT rep_id, currency, max(closed) AS best FROM months GROUP BY ALL),
        q AS (SELECT q.*, q.amount / {MONTHS.format(a='q')} AS monthly FROM ({REP_QUOTAS}) q)
        SELECT {file_of('q')} AS file, q.line,
               format('rep {{}}: quota {{}} {{}} a month from {{}} is {{}} x their best month ({{}})',
                      q.rep_id, {money('q.monthly')}, q.currency, q.starts_on,
                      {ratio('q.monthly / b.best')}, {money('b.best')}) AS detail
        FROM q JOIN best b ON b.rep_id = q.rep_id AND b.currency = q.currency
        WHERE b.best > 0 AND q.monthly > {HISTORY_FACTOR} * b.best
        QUALIFY row_number() OVER (PARTITION BY q.rep_id ORDER BY q.monthly DESC, q.starts_on) = 1""")


OVERLAPPING = Check(
    "overlapping-quotas", BLOCKING, "Quota rows that overlap for the same rep or team",
    "keep one quota row per rep and period (e.g. monthly or quarterly, not both) and re-import",
    _overlapping)
OFF_BOUNDARIES = Check(
    "quotas-off-period-boundaries", WARNING, "Quotas that do not start on a month's first day or end on its last",
    "give quotas as whole months, quarters or years (a period label such as 2025-03 or 2025-Q1)",
    _off_boundaries)
ACTIVE_WITHOUT_QUOTA = Check(
    "active-reps-without-quota", WARNING, "Active reps without any quota",
    "add their quota rows to the quota sheet (a rep who carries no quota can be left out of the "
    "reps file)", _active_without_quota)
STARTS_LATE = Check(
    "quota-starts-late", WARNING, "Reps whose quota starts later than the others'",
    "add quota rows for the earlier months, or set hired_on in the reps file if they joined late",
    _starts_late)
QUOTA_WITHOUT_DEALS = Check(
    "quota-without-deals", WARNING, "Reps with quota and no won deals",
    "check that their deals are in the deals file under the same name; a new or inactive rep may "
    "be expected", _quota_without_deals)
FAR_FROM_HISTORY = Check(
    "quota-far-from-history", WARNING,
    f"Quotas over {HISTORY_FACTOR} x the rep's best month", "check the target (a yearly figure "
    "entered as monthly, an extra zero, the currency)", _far_from_history)
