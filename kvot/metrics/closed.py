"""MRR closed: counted won deals, credited to reps, converted, bucketed into periods.

Pure expression builders: nothing here executes a query.
"""
from __future__ import annotations

import ibis

from kvot.metrics.context import ONE, MetricContext, counted_won, month_index_of, nullable, times

REVENUE = "revenue"
OVERLAY = "overlay"


def _credits(ctx: MetricContext, deals: ibis.Table) -> ibis.Table:
    """Every credit row; a deal without revenue credits gives its owner 100 %."""
    credits = ctx.tables.credits.select("deal_id", "rep_id", "share", "credit_type")
    split = credits.filter(credits.credit_type == REVENUE).select("deal_id").distinct()
    owner = deals.anti_join(split, "deal_id").select(
        "deal_id", rep_id=deals.owner_id, share=ONE, credit_type=ibis.literal(REVENUE))
    return ibis.union(nullable(credits), nullable(owner))


def credited_deals(ctx: MetricContext) -> ibis.Table:
    """One row per (deal, credited rep) in the report range, with its MRR in reporting currency.

    Columns: deal_id, rep_id, credit_type, share, close_on, period_key, currency, mrr, rate,
    mrr_closed (= mrr x share x rate).
    """
    deals = counted_won(ctx.tables.deals, ctx.settings)
    deals = deals.filter(deals.close_on.between(ctx.first_day, ctx.last_day))
    deals = deals.mutate(month_index=month_index_of(deals.close_on))
    deals = deals.join(ctx.calendar, "month_index")
    credits = _credits(ctx, deals)
    rows = deals.join(credits, "deal_id")
    rates = ctx.rates
    rows = rows.join(rates, [rows.currency == rates.currency, rows.close_on == rates.rate_on])
    return rows.select(
        "deal_id", "rep_id", "credit_type", "share", "close_on", "period_key", "name", "kind",
        "amount", "amount_basis", "months", "mrr", "rate", currency=rows.currency,
        mrr_closed=times(times(rows.mrr, rows.share), rows.rate))


def with_teams(ctx: MetricContext, rows: ibis.Table, day: str) -> ibis.Table:
    """Rows joined to the rep's team on ``day`` and every ancestor of it (column ``team_id``)."""
    m = ctx.tables.memberships
    c = ctx.tables.closure
    joined = rows.join(m, [rows.rep_id == m.rep_id,
                           m.valid_from.isnull() | (m.valid_from <= rows[day]),
                           m.valid_to.isnull() | (m.valid_to > rows[day])])
    joined = joined.join(c, joined.team_id == c.team_id)
    return joined.mutate(team_id=joined.ancestor_id).drop("ancestor_id", "depth")


def closed_by_rep(ctx: MetricContext) -> ibis.Table:
    rows = credited_deals(ctx)
    revenue = rows.credit_type == REVENUE
    return rows.group_by(["rep_id", "period_key"]).aggregate(
        mrr_closed=rows.mrr_closed.sum(where=revenue),
        overlay_mrr=rows.mrr_closed.sum(where=~revenue),
        deals=rows.deal_id.nunique(where=revenue))


def closed_by_team(ctx: MetricContext) -> ibis.Table:
    rows = credited_deals(ctx)
    rows = with_teams(ctx, rows.filter(rows.credit_type == REVENUE), "close_on")
    return rows.group_by(["team_id", "period_key"]).aggregate(
        mrr_closed=rows.mrr_closed.sum(), deals=rows.deal_id.nunique())


def closed_by_company(ctx: MetricContext) -> ibis.Table:
    rows = credited_deals(ctx)
    rows = rows.filter(rows.credit_type == REVENUE)
    return rows.group_by("period_key").aggregate(
        mrr_closed=rows.mrr_closed.sum(), deals=rows.deal_id.nunique())
