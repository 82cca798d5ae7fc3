"""Checks on quota rows: overlaps, period boundaries, reps without quota or without deals,
late starts and targets far above a rep's history."""
from __future__ import annotations

from calendar import month_name

from kvot.checks.model import BLOCKING, WARNING, Check, CheckQuery
from kvot.checks.sql import bytewise, credited, file_of, money, quotient, ratio, text

HISTORY_FACTOR = 3  # a monthly quota over this many times the rep's best month
MONTHS = ("((EXTRACT(YEAR FROM {a}.ends_on) - EXTRACT(YEAR FROM {a}.starts_on)) * 12 "
          "+ EXTRACT(MONTH FROM {a}.ends_on) - EXTRACT(MONTH FROM {a}.starts_on) + 1)")
REP_QUOTAS = "SELECT * FROM quotas q WHERE q.rep_id IS NOT NULL AND q.kind = 'mrr'"
# Each rep's first quota row: its start, and the line and import it came from.
FIRST_QUOTA = f"""(SELECT q.rep_id, q.starts_on AS first_on, min(q.line) AS line,
                          min(q.import_id) AS import_id
                   FROM ({REP_QUOTAS}) q
                   JOIN (SELECT rep_id, min(starts_on) AS first_on FROM ({REP_QUOTAS}) x
                         GROUP BY rep_id) m ON m.rep_id = q.rep_id AND m.first_on = q.starts_on
                   GROUP BY q.rep_id, q.starts_on)"""
# Quota rows in a fixed order (as imported: import, line, period), keyed by whose they are.
NUMBERED_QUOTAS = f"""SELECT q.*, coalesce('rep ' || q.rep_id, 'team ' || q.team_id) AS whose,
        row_number() OVER (ORDER BY q.import_id, q.line, q.starts_on, q.ends_on,
                           {bytewise("coalesce('rep ' || q.rep_id, 'team ' || q.team_id)")},
                           {bytewise('q.kind')}) AS k FROM quotas q"""


def _overlapping(ws, settings, today):
    return CheckQuery(f"""
        WITH q AS ({NUMBERED_QUOTAS})
        SELECT {file_of('b')} AS file, b.line,
               {text('{}: {} to {} overlaps {} to {} ({} line {})',
                     "coalesce(b.rep_id, 'team ' || b.team_id)", 'b.starts_on', 'b.ends_on',
                     'a.starts_on', 'a.ends_on', file_of('a'), 'a.line')} AS detail
        FROM q a JOIN q b
          ON a.whose = b.whose AND a.kind = b.kind AND a.k < b.k
         AND a.starts_on <= b.ends_on AND b.starts_on <= a.ends_on""")


def _off_boundaries(ws, settings, today):
    return CheckQuery(f"""
        SELECT {file_of('q')} AS file, q.line,
               {text('{}: {} to {}', "coalesce(q.rep_id, 'team ' || q.team_id)",
                     'q.starts_on', 'q.ends_on')} AS detail
        FROM quotas q WHERE day(q.starts_on) <> 1 OR q.ends_on <> last_day(q.ends_on)""")


def _fiscal_index(day: str, start_month: int, months: int) -> str:
    """SQL: which fiscal quarter (``months`` 3) or year (12) ``day`` falls in, as a number."""
    return (f"floor((EXTRACT(YEAR FROM {day}) * 12 + EXTRACT(MONTH FROM {day}) - {start_month})"
            f" / {months})")


def _across_periods(ws, settings, today):
    start = settings.fiscal_year_start_month
    quarter = {d: _fiscal_index(f"q.{d}", start, 3) for d in ("starts_on", "ends_on")}
    year = {d: _fiscal_index(f"q.{d}", start, 12) for d in ("starts_on", "ends_on")}
    months = MONTHS.format(a="q")
    calendar = "the calendar year" if start == 1 else f"the fiscal year from {month_name[start]}"
    return CheckQuery(f"""
        SELECT {file_of('q')} AS file, q.line,
               {text('{}: {} to {} counts in no {} of ' + calendar,
                     "coalesce('rep ' || q.rep_id, 'team ' || q.team_id)", 'q.starts_on',
                     'q.ends_on', f"CASE WHEN {year['starts_on']} = {year['ends_on']} "
                                  "THEN 'quarter' ELSE 'quarter or year' END")} AS detail
        FROM quotas q
        WHERE {months} > 1 AND {quarter['starts_on']} <> {quarter['ends_on']}
          AND NOT ({months} > 3 AND {year['starts_on']} = {year['ends_on']})""")


def _active_without_quota(ws, settings, today):
    return CheckQuery(f"""
        WITH {credited(settings)},
        span AS (SELECT min(starts_on) AS lo, max(ends_on) AS hi FROM ({REP_QUOTAS}) rq),
        active AS (
            SELECT c.rep_id, c.import_id, c.line FROM credited c, span
            WHERE c.close_on BETWEEN span.lo AND span.hi
            UNION ALL
            SELECT r.rep_id, r.import_id, CAST(NULL AS INTEGER) FROM reps r, span
            WHERE EXISTS (SELECT 1 FROM memberships m WHERE m.rep_id = r.rep_id)
              AND coalesce(r.hired_on, span.lo) <= span.hi AND coalesce(r.left_on, span.hi) >= span.lo),
        no_quota AS (SELECT a.rep_id, min(a.import_id) AS import_id, min(a.line) AS line
                    FROM active a WHERE NOT EXISTS (SELECT 1 FROM quotas q WHERE q.rep_id = a.rep_id)
                    GROUP BY a.rep_id)
        SELECT {file_of('w')} AS file, w.line,
               {text('rep {}: active {} to {}, no quota row', 'w.rep_id', 's.lo', 's.hi')} AS detail
        FROM no_quota w, span s""")


def _starts_late(ws, settings, today):
    late = ("f.first_on > greatest(earliest.lo, "
            "CAST(date_trunc('month', coalesce(r.hired_on, earliest.lo)) AS DATE))")
    return CheckQuery(f"""
        WITH f AS {FIRST_QUOTA}, {credited(settings)},
        earliest AS (SELECT min(first_on) AS lo FROM f),
        late AS (SELECT f.* FROM f JOIN reps r ON r.rep_id = f.rep_id, earliest WHERE {late}),
        earlier AS (SELECT c.rep_id, count(*) AS n FROM credited c
                   JOIN late ON late.rep_id = c.rep_id WHERE c.close_on < late.first_on
                   GROUP BY c.rep_id)
        SELECT {file_of('late')} AS file, late.line,
               {text('rep {}: first quota {}, others from {}; {} won deal(s) before it',
                     'late.rep_id', 'late.first_on', 'earliest.lo', 'coalesce(b.n, 0)')} AS detail
        FROM late LEFT JOIN earlier b ON b.rep_id = late.rep_id, earliest""")


def _quota_without_deals(ws, settings, today):
    return CheckQuery(f"""
        WITH f AS {FIRST_QUOTA},
        won AS (SELECT owner_id AS rep_id FROM deals WHERE is_won AND owner_id IS NOT NULL
                UNION SELECT c.rep_id FROM credits c JOIN deals d ON d.deal_id = c.deal_id
                WHERE d.is_won)
        SELECT {file_of('f')} AS file, f.line,
               {text('rep {}: quota from {}, no won deals', 'f.rep_id', 'f.first_on')} AS detail
        FROM f LEFT JOIN won w ON w.rep_id = f.rep_id WHERE w.rep_id IS NULL""")


def _far_from_history(ws, settings, today):
    months = MONTHS.format(a="q")
    return CheckQuery(f"""
        WITH {credited(settings)},
        by_month AS (SELECT rep_id, currency, date_trunc('month', close_on) AS month,
                            sum(mrr * share) AS closed
                     FROM credited GROUP BY rep_id, currency, date_trunc('month', close_on)),
        best AS (SELECT rep_id, currency, max(closed) AS best FROM by_month
                 GROUP BY rep_id, currency),
        q AS (SELECT q.*, {months} AS months, {quotient('q.amount', months)} AS monthly
              FROM ({REP_QUOTAS}) q),
        far AS (SELECT q.*, b.best, row_number() OVER (PARTITION BY q.rep_id
                                                       ORDER BY q.monthly DESC, q.starts_on) AS k
                FROM q JOIN best b ON b.rep_id = q.rep_id AND b.currency = q.currency
                WHERE b.best >= 0.01 AND q.amount > {HISTORY_FACTOR} * q.months * b.best)
        SELECT {file_of('far')} AS file, far.line,
               {text('rep {}: quota {} {} a month from {} is {} x their best month ({})',
                     'far.rep_id', money('far.monthly'), 'far.currency', 'far.starts_on',
                     ratio(quotient('far.monthly', 'far.best')), money('far.best'))} AS detail
        FROM far WHERE far.k = 1""")


OVERLAPPING = Check(
    "overlapping-quotas", BLOCKING, "Quota rows that overlap for the same rep or team",
    "keep one quota row per rep and period (e.g. monthly or quarterly, not both) and re-import",
    _overlapping)
OFF_BOUNDARIES = Check(
    "quotas-off-period-boundaries", WARNING, "Quotas that do not start on a month's first day or end on its last",
    "give quotas as whole months, quarters or years (a period label such as 2025-03 or 2025-Q1)",
    _off_boundaries)
ACROSS_PERIODS = Check(
    "quotas-across-periods", WARNING, "Quota rows that fit in no quarter or year",
    "give quotas as months, or as quarters and years of the fiscal calendar "
    "(fiscal_year_start_month): a row across two of them counts in neither", _across_periods)
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
