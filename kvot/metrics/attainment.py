"""Attainment = 100 x MRR closed / quota, per rep, team or company and period (SPEC section 1).

The sums come from one Ibis expression per level, executed here, at the edge; the ratio is taken
in Python with Decimal on the few aggregated rows. No quota, or a quota of 0, gives ``None``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from kvot import progress
from kvot.config import Settings
from kvot.metrics import closed, quota
from kvot.metrics.context import MetricContext, build_context
from kvot.metrics.select import Selection, select_entities, team_paths
from kvot.periods import Period
from kvot.store.history import import_as_of
from kvot.store.overflow import explained_overflow

LEVELS = ("rep", "team", "company")
STAGES = ("attainment: building the query", "attainment: computing on the engine",
          "attainment: building rows")  # what the progress bar says
ZERO = Decimal(0)


def attainment_pct(mrr_closed: Decimal, quota_amount: Decimal | None) -> Decimal | None:
    """100 x closed / quota, unrounded; ``None`` ("no quota") when the quota is missing or 0."""
    if quota_amount is None or quota_amount == 0:
        return None
    return Decimal(100) * mrr_closed / quota_amount


@dataclass(frozen=True)
class AttainmentRow:
    level: str
    id: str
    name: str
    parent: str | None
    period: str
    period_start: object
    period_end: object
    mrr_closed: Decimal
    quota: Decimal | None
    attainment_pct: Decimal | None
    currency: str
    deals: int
    overlay_mrr: Decimal = ZERO
    quota_source: str | None = None
    path: tuple[str, ...] = ()  # teams: names from the top of the hierarchy down

    @property
    def met(self) -> bool | None:
        return None if self.attainment_pct is None else self.attainment_pct >= 100


@dataclass(frozen=True)
class Report:
    """Rows plus what every output must state: range, time zone, currency."""

    level: str
    grain: str
    periods: list[Period]
    currency: str
    timezone: str
    fiscal_year_start_month: int
    rows: list[AttainmentRow] = field(default_factory=list)
    as_of: date | None = None

    @property
    def range_label(self) -> str:
        if not self.periods:
            return "no data"
        return f"{self.periods[0].label} .. {self.periods[-1].label}"


def _periods_table(ctx: MetricContext) -> ibis.Table:
    return ibis.memtable(pa.table({
        "period_key": pa.array([p.key for p in ctx.periods], pa.int64()),
        "period_start": pa.array([p.starts_on for p in ctx.periods], pa.date32()),
        "period_end": pa.array([p.ends_on for p in ctx.periods], pa.date32()),
    }))


def _level_expr(ctx: MetricContext, level: str, entities: ibis.Table) -> ibis.Table:
    periods = _periods_table(ctx)
    if level == "company":
        base = periods.mutate(id=ibis.literal("company"), name=ibis.literal("Company"),
                              parent=ibis.null("string"))
        closed_t, quota_t, key = closed.closed_by_company(ctx), quota.quota_by_company(ctx), ["period_key"]
    else:
        base = entities.cross_join(periods)
        base = base.mutate(active=(base.active_from.isnull() | (base.active_from <= base.period_end))
                           & (base.active_to.isnull() | (base.active_to >= base.period_start)))
        if level == "rep":
            closed_t = closed.closed_by_rep(ctx).rename(id="rep_id")
            quota_t = quota.quota_by_rep(ctx).rename(id="rep_id")
        else:
            closed_t = closed.closed_by_team(ctx).rename(id="team_id")
            quota_t = quota.quota_by_team(ctx).rename(id="team_id")
        key = ["id", "period_key"]
    out = base.left_join(closed_t, key).drop(*[f"{k}_right" for k in key])
    out = out.left_join(quota_t, key).drop(*[f"{k}_right" for k in key])
    if level == "company":
        return out
    # listed while employed (or in the team asked for), and whenever there is a figure to show:
    # a deal closed after a rep's leave date still shows on the rep's row
    has_figures = out.mrr_closed.notnull() | out.quota.notnull()
    return out.filter(out.active | (has_figures & ~out.strict))


COLUMNS = ("id", "name", "parent", "period_key", "mrr_closed", "quota", "deals", "overlay_mrr",
           "quota_source")


def _in_order(level: str, table: pa.Table, paths: dict) -> pa.Table:
    """Rows by hierarchy path (teams) or name (reps), then id, then period: each id's place is
    found once, in Python, and the table sorted by it."""
    names = dict(zip(table.column("id").to_pylist(), table.column("name").to_pylist()))
    order = sorted(names, key=lambda i: (tuple(p.lower() for p in paths.get(i, ()))
                                         or (names[i].lower(),), i))
    place = pc.index_in(table.column("id"), value_set=pa.array(order, pa.string()))
    return table.append_column("_place", place).sort_by(
        [("_place", "ascending"), ("period_key", "ascending")])


def _rows(level: str, ctx: MetricContext, table: pa.Table, paths: dict) -> list[AttainmentRow]:
    """Rows from the executed table, column by column (fast on many rows)."""
    present = set(table.column_names)
    columns = [table.column(c).to_pylist() if c in present else [None] * table.num_rows
               for c in COLUMNS]
    periods = {p.key: (p.label, p.starts_on, p.ends_on) for p in ctx.periods}
    currency, out = ctx.currency, []
    for id_, name, parent, key, mrr, quota_amount, deals, overlay, source in zip(*columns):
        mrr = mrr or ZERO
        label, start, end = periods[key]
        out.append(AttainmentRow(
            level, id_, name, parent, label, start, end, mrr, quota_amount,
            attainment_pct(mrr, quota_amount), currency, deals or 0, overlay or ZERO,
            source if quota_amount is not None else None, paths.get(id_, ())))
    return out


def attainment_query(workspace, *, by: str = "rep", period: str = "month",
                     start: str | None = None, end: str | None = None, team: str | None = None,
                     rep: str | None = None, settings: Settings | None = None,
                     as_of: date | None = None) -> tuple[MetricContext, ibis.Table | None]:
    """The context and the (unexecuted) Ibis expression of an attainment table; the expression
    is None when there is no period to report on."""
    from kvot.errors import UsageError
    from kvot.store.settings import effective_settings

    settings = settings or effective_settings(workspace)
    if by not in LEVELS:
        raise UsageError(f"--by {by!r} is not one of {', '.join(LEVELS)}")
    as_of_import = import_as_of(workspace, as_of) if as_of is not None else None
    ctx = build_context(workspace, settings, period, start, end, as_of_import)
    if not ctx.periods:
        return ctx, None
    entities = select_entities(ctx, Selection(by, team, rep))
    return ctx, _level_expr(ctx, by, entities)


def attainment(workspace, *, by: str = "rep", period: str = "month", start: str | None = None,
               end: str | None = None, team: str | None = None, rep: str | None = None,
               settings: Settings | None = None, as_of: date | None = None) -> Report:
    """MRR closed against quota for every rep, team or the company in every period of a range.

    ``start``/``end`` are period labels (``2025-03``, ``2025-Q1``, ``2025``); without them the
    range covers every counted deal and quota. ``team`` narrows to a team and its sub-teams (and,
    for reps, to reps who were in them during the period); ``rep`` to one rep. ``as_of``
    recomputes from what the workspace held at the end of that day (see kvot.store.history).
    """
    with progress.task(STAGES[0], len(STAGES), "steps") as steps:
        ctx, expr = attainment_query(workspace, by=by, period=period, start=start, end=end,
                                     team=team, rep=rep, settings=settings, as_of=as_of)
        report = Report(by, period, ctx.periods, ctx.currency, ctx.settings.timezone,
                        ctx.settings.fiscal_year_start_month, as_of=as_of)
        if expr is None:
            return report
        steps.update(completed=1, description=STAGES[1])
        with workspace.watching(STAGES[1]), explained_overflow("the attainment figures"):
            table = expr.to_pyarrow()
        steps.update(completed=2, description=STAGES[2])
        paths = team_paths(ctx.tables) if by == "team" else {}
        report.rows.extend(_rows(by, ctx, _in_order(by, table, paths), paths))
        steps.update(completed=3)
    return report


def attainment_sql(workspace, **query) -> str:
    """The SQL that :func:`attainment` runs, in the workspace engine's dialect (for ``--sql``).

    The in-memory look-up tables (periods, rates, 1/days) appear by their generated names."""
    _, expr = attainment_query(workspace, **query)
    return "" if expr is None else str(ibis.to_sql(expr, dialect=workspace.ibis.name))
