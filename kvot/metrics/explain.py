"""The rows behind one figure: deals, credit shares, rates and quota rows, adding up to it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from kvot.config import Settings
from kvot.errors import UsageError
from kvot.metrics import closed, quota
from kvot.metrics.attainment import attainment_pct
from kvot.metrics.context import build_context
from kvot.metrics.select import find_rep, find_team
from kvot.store.overflow import explained_overflow

ZERO = Decimal(0)


@dataclass(frozen=True)
class Explanation:
    level: str
    id: str
    period: str
    currency: str
    timezone: str
    deals: list[dict] = field(default_factory=list)
    overlay: list[dict] = field(default_factory=list)
    quotas: list[dict] = field(default_factory=list)
    quota_source: str = "rep"

    @property
    def mrr_closed(self) -> Decimal:
        return sum((d["mrr_closed"] for d in self.deals), ZERO)

    @property
    def quota(self) -> Decimal | None:
        if not self.quotas:
            return None
        key = "weighted" if self.quota_source == "members" else "quota"
        return sum((q[key] for q in self.quotas), ZERO)

    @property
    def attainment_pct(self) -> Decimal | None:
        return attainment_pct(self.mrr_closed, self.quota)


def grain_of(label: str) -> str:
    text = label.strip().upper()
    if re.search(r"Q[1-4]$", text):
        return "quarter"
    if re.fullmatch(r"(FY)?\d{4}", text):
        return "year"
    return "month"


def explain(workspace, *, period: str, rep: str | None = None, team: str | None = None,
            settings: Settings | None = None, as_of=None) -> Explanation:
    """Why a rep's or team's figure for ``period`` is what it is (``as_of``: as known then)."""
    from kvot.store.history import import_as_of

    from kvot.store.settings import effective_settings

    if (rep is None) == (team is None):
        raise UsageError("explain needs exactly one of --rep or --team")
    settings = settings or effective_settings(workspace)
    as_of_import = import_as_of(workspace, as_of) if as_of is not None else None
    ctx = build_context(workspace, settings, grain_of(period), period, period, as_of_import)
    if rep is not None:
        return _explain_rep(ctx, find_rep(ctx.tables, rep), period)
    return _explain_team(ctx, find_team(ctx.tables, team), period)


def _rows(expr, order: list[str]) -> list[dict]:
    with explained_overflow("the explanation"):
        return expr.order_by(order).to_pyarrow().to_pylist()


DEAL_COLUMNS = ["deal_id", "name", "close_on", "kind", "amount", "amount_basis", "months", "mrr",
                "currency", "rate", "rep_id", "share", "mrr_closed"]


def _explain_rep(ctx, rep_id: str, period: str) -> Explanation:
    rows = closed.credited_deals(ctx)
    rows = rows.filter(rows.rep_id == rep_id).select(*DEAL_COLUMNS, "credit_type")
    deals = _rows(rows, ["close_on", "deal_id"])
    q = quota.quota_rows(ctx)
    quotas = _rows(q.filter(q.rep_id == rep_id), ["starts_on"])
    return Explanation(
        "rep", rep_id, ctx.periods[0].label, ctx.currency, ctx.settings.timezone,
        deals=[d for d in deals if d["credit_type"] == closed.REVENUE],
        overlay=[d for d in deals if d["credit_type"] != closed.REVENUE], quotas=quotas)


def _explain_team(ctx, team_id: str, period: str) -> Explanation:
    rows = closed.credited_deals(ctx)
    rows = closed.with_teams(ctx, rows.filter(rows.credit_type == closed.REVENUE), "close_on")
    deals = _rows(rows.filter(rows.team_id == team_id).select(*DEAL_COLUMNS), ["close_on", "deal_id", "rep_id"])
    q = quota.quota_rows(ctx)
    explicit = _rows(q.filter(q.team_id == team_id), ["starts_on"])
    touched = quota.explicit_touching(ctx)
    if explicit or _rows(touched.filter(touched.team_id == team_id), ["period_key"]):
        # an explicit team quota wins; one that only partly covers the period means no quota
        return Explanation("team", team_id, ctx.periods[0].label, ctx.currency,
                           ctx.settings.timezone, deals=deals, quotas=explicit, quota_source="team")
    members = quota.member_quota_rows(ctx)
    members = members.filter(members.team_id == team_id).select(
        "rep_id", "in_team", "starts_on", "ends_on", "amount", "currency", "rate", "quota",
        "days_in_team", "days", "weighted")
    return Explanation("team", team_id, ctx.periods[0].label, ctx.currency, ctx.settings.timezone,
                       deals=deals, quotas=_rows(members, ["rep_id", "starts_on", "in_team"]),
                       quota_source="members")
