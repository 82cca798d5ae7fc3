"""Missing exchange rates: a counted deal or a quota whose currency has no rate into the
reporting currency on or before its date (the rule of :mod:`kvot.metrics.fx`)."""
from __future__ import annotations

from kvot.checks.model import BLOCKING, Check, CheckQuery
from kvot.checks.sql import counted, file_of, literal, text
from kvot.metrics import fx


def first_rates(ws, reporting: str) -> dict[str, object]:
    """Each currency that can be converted into ``reporting``, with the date of its first rate."""
    rows = ws.execute("SELECT currency, base, rate_on, rate FROM fx_rates")
    return {c: points[0][0] for c, points in fx.series_into(reporting, rows).items() if points}


def _covered_sql(first: dict) -> str:
    rows = [f"SELECT {literal(c)} AS currency, {literal(d)} AS first_on" for c, d in first.items()]
    return " UNION ALL ".join(rows) or (
        "SELECT CAST(NULL AS VARCHAR) AS currency, CAST(NULL AS DATE) AS first_on WHERE false")


def _missing_fx(ws, settings, today):
    reporting = settings.reporting_currency.upper()
    covered = _covered_sql(first_rates(ws, reporting))
    return CheckQuery(f"""
        WITH r AS ({covered}),
        needs AS (
            SELECT d.import_id, d.line, d.currency, d.close_on AS day,
                   {text('deal {} in {} closed {}', 'd.deal_id', 'd.currency', 'd.close_on')} AS what
            FROM deals d WHERE {counted(settings)}
            UNION ALL
            SELECT q.import_id, q.line, q.currency, q.starts_on,
                   {text('quota of {} in {} from {}', 'coalesce(q.rep_id, q.team_id)',
                         'q.currency', 'q.starts_on')}
            FROM quotas q)
        SELECT {file_of('n')} AS file, n.line,
               n.what || ': ' || CASE WHEN r.first_on IS NULL THEN {literal(f"no rate into {reporting}")}
                                      ELSE {text('first rate dated {}', 'r.first_on')} END AS detail
        FROM needs n LEFT JOIN r ON upper(n.currency) = r.currency
        WHERE r.first_on IS NULL OR r.first_on > n.day""")


MISSING_FX = Check(
    "missing-fx", BLOCKING, "Deals or quotas without an exchange rate",
    "import rates on or before these dates: kvot import fx FILE (columns currency, base, date, "
    "rate); or, if the figures should be in the deals' own currency, set it as the reporting "
    "currency: --reporting-currency CODE (reporting_currency in kvot.toml)",
    _missing_fx)
