"""Quota per rep, team and company for each report period (SPEC section 3).

Grain: a quota row counts in the report period that contains its whole span; a quarterly quota
in a monthly report counts nowhere (the months show "no quota"). Team quota: an explicit team
quota wins; otherwise the members' quota rows, each weighted by the share of the row's days the
rep was in the team. Pure expression builders.
"""
from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt

from kvot.metrics.context import MONEY, MetricContext, month_index_of, nullable, times, to_money

# Day-weighting divides, and engines differ on decimal division (DuckDB answers in binary
# float), so the engines only multiply: by the number of days, and by 1/days taken from a small
# table computed in Python with Decimal to 20 places (see ``context.day_inverses``).
WEIGHT_OPERAND = dt.Decimal(18, 6)


def prorate(ctx: MetricContext, rows: ibis.Table, amount: str, part: str, whole: str) -> ibis.Table:
    """``rows`` with ``weighted = amount x part / whole``, exact to far below a cent."""
    inv = ctx.day_inverses
    joined = rows.join(inv, rows[whole] == inv.inverse_of)
    weighted = (joined[amount].cast(WEIGHT_OPERAND) * joined[part].cast(dt.Decimal(10, 0))
                * joined.inverse)
    return joined.mutate(weighted=to_money(weighted)).drop("inverse", "inverse_of")


def quota_rows(ctx: MetricContext) -> ibis.Table:
    """MRR quota rows inside one report period each, converted at the rate of their first day."""
    q = ctx.tables.quotas
    q = q.filter(q.kind == "mrr", q.starts_on >= ctx.first_day, q.ends_on <= ctx.last_day)
    cal_start = ctx.calendar.rename(start_key="period_key", start_month="month_index")
    cal_end = ctx.calendar.rename(end_key="period_key", end_month="month_index")
    q = q.mutate(start_month=month_index_of(q.starts_on), end_month=month_index_of(q.ends_on))
    q = q.join(cal_start, "start_month").join(cal_end, "end_month")
    q = q.filter(q.start_key == q.end_key).mutate(period_key=ibis._.start_key)
    r = ctx.rates
    q = q.join(r, [q.currency == r.currency, q.starts_on == r.rate_on])
    return q.select("rep_id", "team_id", "starts_on", "ends_on", "period_key", "amount", "rate",
                    "line", currency=q.currency, quota=times(q.amount, q.rate))


def quota_by_rep(ctx: MetricContext) -> ibis.Table:
    q = quota_rows(ctx)
    q = q.filter(q.rep_id.notnull())
    return q.group_by(["rep_id", "period_key"]).aggregate(quota=q.quota.sum())


def member_quota_rows(ctx: MetricContext) -> ibis.Table:
    """Rep quota rows for every team (and ancestor) the rep was in, weighted by days in it.

    The weight is the rep's days in the team over the rep's days in any team within the row's
    span (``days``): a rep who moves mid-month splits that month's row between the two teams,
    and a rep hired on the 2nd, whose final quota row covers the whole month, brings it whole.
    """
    q = quota_rows(ctx)
    q = q.filter(q.rep_id.notnull()).drop("team_id")
    m = ctx.tables.memberships.select("rep_id", "team_id", "valid_from", "valid_to")
    joined = q.join(m, [q.rep_id == m.rep_id,
                        m.valid_from.isnull() | (m.valid_from <= q.ends_on),
                        m.valid_to.isnull() | (m.valid_to > q.starts_on)]).drop("rep_id_right")
    overlap_from = ibis.greatest(joined.starts_on, joined.valid_from.fill_null(joined.starts_on))
    day_after = joined.ends_on + ibis.interval(days=1)
    overlap_to = ibis.least(day_after, joined.valid_to.fill_null(day_after))
    joined = joined.mutate(days_in_team=overlap_to.delta(overlap_from, unit="day"))
    in_teams = joined.days_in_team.sum().over(group_by=["rep_id", "starts_on", "ends_on"])
    joined = prorate(ctx, joined.mutate(days=in_teams), "quota", "days_in_team", "days")
    c = ctx.tables.closure
    joined = joined.mutate(in_team=joined.team_id)  # the team the rep was in, for explain
    joined = joined.join(c, joined.team_id == c.team_id)
    return joined.mutate(team_id=joined.ancestor_id).drop("ancestor_id", "depth")


def explicit_touching(ctx: MetricContext) -> ibis.Table:
    """(team_id, period_key) for every report period that an explicit team quota row overlaps,
    whether or not the row fits inside it."""
    q = ctx.tables.quotas
    q = q.filter(q.team_id.notnull(), q.kind == "mrr")
    q = q.mutate(start_month=month_index_of(q.starts_on), end_month=month_index_of(q.ends_on))
    cal = ctx.calendar
    hit = q.join(cal, [cal.month_index >= q.start_month, cal.month_index <= q.end_month])
    return hit.select("team_id", "period_key").distinct()


def quota_by_team(ctx: MetricContext) -> ibis.Table:
    """An explicit team quota wins; a period it only partly covers (a month of a quarterly team
    quota) has no quota rather than the members' sum; elsewhere the members' rows, weighted."""
    none = ibis.null(MONEY)
    members = member_quota_rows(ctx)
    derived = members.group_by(["team_id", "period_key"]).aggregate(amount=members.weighted.sum())
    q = quota_rows(ctx)
    q = q.filter(q.team_id.notnull())
    explicit = q.group_by(["team_id", "period_key"]).aggregate(amount=q.quota.sum())
    parts = ibis.union(
        nullable(derived.mutate(explicit=none, touched=ibis.literal(False)).rename(derived="amount")),
        nullable(explicit.mutate(derived=none, touched=ibis.literal(True)).rename(explicit="amount")
                 .select("team_id", "period_key", "derived", "explicit", "touched")),
        nullable(explicit_touching(ctx).mutate(derived=none, explicit=none,
                                                touched=ibis.literal(True))))
    both = parts.group_by(["team_id", "period_key"]).aggregate(
        derived=parts.derived.max(), explicit=parts.explicit.max(), touched=parts.touched.any())
    return both.select(
        "team_id", "period_key",
        quota=both.explicit.fill_null(ibis.ifelse(both.touched, none, both.derived)),
        quota_source=ibis.ifelse(both.explicit.notnull(), "team", "members"))


def quota_by_company(ctx: MetricContext) -> ibis.Table:
    q = quota_rows(ctx)
    q = q.filter(q.rep_id.notnull())
    return q.group_by("period_key").aggregate(quota=q.quota.sum())
