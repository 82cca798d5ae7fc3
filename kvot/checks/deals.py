"""Checks on stored deals: duplicates, missing close date or owner, MRR, outliers, names, dates,
stages. Each is one query (see :mod:`kvot.checks.sql`)."""
from __future__ import annotations

from kvot.checks.model import BLOCKING, WARNING, Check, CheckQuery
from kvot.checks.sql import (counted, file_of, is_counted_kind, literal, money, quotient,
                             ratio, text)

OUTLIER_FACTOR = 10  # a deal's MRR over this many times the median of its currency
# Words that make a deal name say what kind of deal it is (whole words, any case), checked in
# this order.
NAME_KINDS = (
    ("renewal", ("renew", "renewal", "renewals", "renewed")),
    ("contraction", ("downgrade", "downsell", "contraction")),
    ("churn", ("churn", "churned", "cancel", "cancelled", "canceled", "cancellation")),
    ("expansion", ("upsell", "up-sell", "upgrade", "expansion", "add-on", "cross-sell")),
)
# A stage name that reads as closed-won: "won" at the end of a word (Won, Closed Won, closedwon),
# "signed", "booked", or "closed" without "lost".
WON_LOOKING = r"(won\b|\bsigned\b|\bbooked\b|\bclosed\b)"
LOST_WORDS = r"(lost|dead|disqualified)"


def _duplicate_ids(ws, settings, today):
    return CheckQuery(f"""
        WITH repeated AS (SELECT deal_id, count(*) AS n FROM deals GROUP BY deal_id
                          HAVING count(*) > 1)
        SELECT {file_of('d')} AS file, d.line,
               {text('deal {} is stored {} times', 'd.deal_id', 'r.n')} AS detail
        FROM deals d JOIN repeated r ON r.deal_id = d.deal_id""")


def _case_variant_ids(ws, settings, today):
    return CheckQuery(f"""
        WITH clash AS (SELECT lower(trim(deal_id)) AS k, min(deal_id) AS one, max(deal_id) AS other,
                              count(DISTINCT deal_id) AS spellings
                       FROM deals GROUP BY lower(trim(deal_id))
                       HAVING min(deal_id) <> max(deal_id))
        SELECT {file_of('d')} AS file, d.line,
               {text('deal id {} also appears {}', 'd.deal_id', _other_ids())} AS detail
        FROM deals d JOIN clash v ON v.k = lower(trim(d.deal_id))""")


def _other_ids() -> str:
    """The other spelling of a deal id, or how many others there are."""
    return ("CASE WHEN v.spellings > 2 THEN "
            f"{text('in {} other spellings', 'v.spellings - 1')} "
            "WHEN d.deal_id = v.one THEN 'as ' || v.other ELSE 'as ' || v.one END")


def _won_without_date_or_owner(ws, settings, today):
    return CheckQuery(f"""
        SELECT {file_of('d')} AS file, d.line,
               {text('deal {} ({}): {}', 'd.deal_id', 'd.stage', _missing_what())} AS detail
        FROM deals d
        WHERE d.is_won AND {is_counted_kind(settings, 'd.kind')}
          AND (d.close_on IS NULL OR (coalesce(d.owner_id, '') = '' AND NOT EXISTS (
               SELECT 1 FROM credits c WHERE c.deal_id = d.deal_id
               AND c.credit_type = 'revenue')))""")


def _missing_what() -> str:
    return ("CASE WHEN d.close_on IS NULL THEN 'no close date' "
            "ELSE 'no owner and no revenue credits' END")


def _nonpositive_mrr(ws, settings, today):
    return CheckQuery(f"""
        SELECT {file_of('d')} AS file, d.line,
               {text('deal {} ({}): MRR {} {}', 'd.deal_id', 'd.kind', money('d.mrr'),
                     'd.currency')} AS detail
        FROM deals d WHERE {counted(settings)} AND d.mrr <= 0""")


def _outliers(ws, settings, today):
    return CheckQuery(f"""
        WITH won AS (SELECT * FROM deals d WHERE {counted(settings)} AND d.mrr > 0),
             med AS (SELECT currency, CAST(median(mrr) AS DECIMAL(38, 10)) AS median
                     FROM won GROUP BY currency)
        SELECT {file_of('d')} AS file, d.line,
               {text('deal {}: MRR {} {} is {} x the median {}', 'd.deal_id', money('d.mrr'),
                     'd.currency', ratio(quotient('d.mrr', 'm.median')),
                     money('m.median'))} AS detail
        FROM won d JOIN med m ON m.currency = d.currency
        WHERE d.mrr > {OUTLIER_FACTOR} * m.median""")


def _name_vs_kind(ws, settings, today):
    said = " ".join(f"WHEN regexp_matches(lower(d.name), '\\b({'|'.join(words)})\\b') "
                    f"THEN '{kind}'" for kind, words in NAME_KINDS)
    # the words as plain text first: a regular expression only for the names holding one
    mentions = " OR ".join(f"lower(d.name) LIKE '%{word}%'"
                           for _, words in NAME_KINDS for word in words)
    return CheckQuery(f"""
        SELECT {file_of('n')} AS file, n.line,
               {text('deal {} "{}": the name says {}, the type says {}',
                     'n.deal_id', 'n.name', 'n.name_kind', 'n.kind')} AS detail
        FROM (SELECT d.import_id, d.line, d.deal_id, d.name, d.kind, CASE {said} END AS name_kind
              FROM deals d WHERE d.is_won AND d.name IS NOT NULL AND ({mentions})) n
        WHERE n.name_kind IS NOT NULL AND n.name_kind <> n.kind""")


def _future_won(ws, settings, today):
    return CheckQuery(f"""
        SELECT {file_of('d')} AS file, d.line,
               {text('deal {} won, closes {}', 'd.deal_id', 'd.close_on')} AS detail
        FROM deals d WHERE d.is_won AND d.close_on > {literal(today)}""")


def _unmapped_stages(ws, settings, today):
    looks_won = (f"NOT d.is_won AND regexp_matches(lower(d.stage), '{WON_LOOKING}') "
                 f"AND NOT regexp_matches(lower(d.stage), '{LOST_WORDS}')")
    return CheckQuery(f"""
        WITH s AS (SELECT d.stage, count(*) AS n, min(d.import_id) AS import_id FROM deals d
                   WHERE {looks_won} GROUP BY d.stage),
             first_lines AS (SELECT d.stage, min(d.line) AS line FROM deals d
                       JOIN s ON s.stage = d.stage AND s.import_id = d.import_id
                       WHERE {looks_won} GROUP BY d.stage)
        SELECT {file_of('s')} AS file, f.line, s.n,
               {text('stage "{}": {} deal(s), not a won stage', 's.stage', 's.n')} AS detail
        FROM s JOIN first_lines f ON f.stage = s.stage""", weighted=True)


DUPLICATE_IDS = Check(
    "duplicate-deal-ids", BLOCKING, "Deal ids stored more than once",
    "re-import the deals file; one deal id must be one deal (rows of one deal: give a line_id column)",
    _duplicate_ids)
CASE_VARIANT_IDS = Check(
    "deal-id-case-variants", WARNING, "Deal ids that differ only in case or spaces",
    "check whether these are the same deal exported twice; if so, keep one id and re-import",
    _case_variant_ids)
WON_WITHOUT_DATE_OR_OWNER = Check(
    "won-without-close-date-or-owner", BLOCKING, "Won deals without a close date or an owner",
    "fill in the close date and owner in the CRM export and re-import, or import credits for them",
    _won_without_date_or_owner)
NONPOSITIVE_MRR = Check(
    "nonpositive-mrr", WARNING, "Won new or expansion deals with zero or negative MRR",
    "fix the amount; a decrease is kind contraction, a free plan is not a won deal",
    _nonpositive_mrr)
OUTLIERS = Check(
    "outlier-deals", WARNING, f"Deals over {OUTLIER_FACTOR} x the median MRR",
    "check the amount and what it means (--amount arr/tcv, minor units, currency)", _outliers)
NAME_VS_KIND = Check(
    "deal-name-vs-kind", WARNING, "Won deals whose name contradicts their type",
    "correct the deal type in the CRM (or the kind column) and re-import", _name_vs_kind)
FUTURE_WON = Check(
    "future-won-deals", WARNING, "Won deals dated in the future",
    "correct the close date; a deal that has not closed is not won yet", _future_won)
UNMAPPED_STAGES = Check(
    "unmapped-stages", WARNING, "Stages that look won but are not won stages",
    "if these deals are won, re-import with --won-stages listing every won stage", _unmapped_stages)
