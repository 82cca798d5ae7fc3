"""What a metric needs besides the workspace tables: periods, rates, settings.

Built once at the edge (small look-ups of the workspace), then handed to the pure expression
builders in this package.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.operations as ops
import pyarrow as pa

from kvot.config import Settings
from kvot.errors import UsageError
from kvot.metrics import fx
from kvot.periods import Period, month_index, parse_label, period_of, periods_between

MONEY = dt.Decimal(38, 10)
MONEY_ARROW = pa.decimal128(38, 10)


@dataclass(frozen=True)
class Tables:
    """The workspace tables as Ibis expressions."""

    deals: ibis.Table
    credits: ibis.Table
    reps: ibis.Table
    teams: ibis.Table
    closure: ibis.Table
    memberships: ibis.Table
    quotas: ibis.Table
    fx_rates: ibis.Table

    @classmethod
    def of(cls, workspace, as_of: int | None = None) -> "Tables":
        """The current tables, or as they stood right after import ``as_of``."""
        if as_of is None:
            t = workspace.table
            closure = t("_kvot_team_closure")
        else:
            from kvot.store.history import closure_as_of, table_as_of

            def t(name: str) -> ibis.Table:
                return table_as_of(workspace, name, as_of)
            closure = closure_as_of(t("teams"))
        return cls(t("deals"), t("credits"), t("reps"), t("teams"), closure,
                   t("memberships"), t("quotas"), t("fx_rates"))


@dataclass(frozen=True)
class MetricContext:
    tables: Tables
    settings: Settings
    periods: list[Period]
    rates: ibis.Table  # currency, rate_on, rate into the reporting currency, one row a day
    calendar: ibis.Table  # month_index -> period_key for every month in the range
    day_inverses: ibis.Table  # days -> 1/days, for day-weighting without division

    @property
    def currency(self) -> str:
        return self.settings.reporting_currency

    @property
    def first_day(self) -> date:
        return self.periods[0].starts_on

    @property
    def last_day(self) -> date:
        return self.periods[-1].ends_on


def calendar_table(periods: list[Period]) -> ibis.Table:
    months = [(m, p.key) for p in periods for m in range(p.key, p.last_month + 1)]
    return ibis.memtable(pa.table({
        "month_index": pa.array([m for m, _ in months], pa.int64()),
        "period_key": pa.array([k for _, k in months], pa.int64()),
    }))


MAX_PERIOD_DAYS = 366
INVERSE_PLACES = Decimal("1e-20")


def day_inverses_table() -> ibis.Table:
    """``inverse_of, inverse`` = 1/days to 20 decimal places, for every length a period can have."""
    days = list(range(1, MAX_PERIOD_DAYS + 1))
    with localcontext() as ctx:
        ctx.prec = 40
        inverses = [(Decimal(1) / d).quantize(INVERSE_PLACES) for d in days]
    return ibis.memtable(pa.table({"inverse_of": pa.array(days, pa.int64()),
                                   "inverse": pa.array(inverses, pa.decimal128(38, 20))}))


RATE_ARROW = pa.decimal128(38, 14)


def rates_table(rows: list[tuple]) -> ibis.Table:
    """``currency, rate_on, rate``: the rate into the reporting currency in force on each day."""
    return ibis.memtable(pa.table({
        "currency": pa.array([r[0] for r in rows], pa.string()),
        "rate_on": pa.array([r[1] for r in rows], pa.date32()),
        "rate": pa.array([r[2] for r in rows], RATE_ARROW),
    }))


def month_index_of(day: ibis.Value) -> ibis.Value:
    """The Ibis twin of :func:`kvot.periods.month_index`."""
    return day.year().cast("int64") * 12 + day.month().cast("int64") - 1


def data_range(tables: Tables, settings: Settings) -> tuple[date, date] | None:
    """First and last day that has a counted won deal or a quota."""
    deals = nullable(counted_won(tables.deals, settings))
    q = nullable(tables.quotas)
    spans = [deals.aggregate(lo=deals.close_on.min(), hi=deals.close_on.max()),
             q.aggregate(lo=q.starts_on.min(), hi=q.ends_on.max())]
    found = [r for s in spans for r in s.to_pyarrow().to_pylist() if r["lo"] is not None]
    if not found:
        return None
    return min(r["lo"] for r in found), max(r["hi"] for r in found)


def counted_won(deals: ibis.Table, settings: Settings) -> ibis.Table:
    """Won deals of a counted kind that have a close date."""
    return deals.filter(
        deals.is_won, deals.kind.isin(list(settings.counted_kinds)), deals.close_on.notnull())


def report_periods(tables: Tables, settings: Settings, grain: str,
                   start: str | None, end: str | None) -> list[Period]:
    """The periods from ``start`` to ``end`` (labels); a bound not given comes from the data."""
    fy = settings.fiscal_year_start_month
    first = parse_label(start, grain, fy) if start else None
    last = parse_label(end, grain, fy, last=True) if end else None
    if first is None or last is None:
        found = data_range(tables, settings)
        if found is not None:  # a bound the user gave wins over the data's
            first = first or min(period_of(found[0], grain, fy), last or period_of(found[0], grain, fy))
            last = last or max(period_of(found[1], grain, fy), first)
        first, last = first or last, last or first
    if first is None or last is None:
        return []
    if first > last:
        raise UsageError(f"--from {first.label} is after --to {last.label}")
    return periods_between(first, last)


def needed_rates(tables: Tables, settings: Settings, first: date, last: date) -> dict[str, dict[str, date]]:
    """Earliest date each currency needs a rate for, among counted deals and quotas in range."""
    deals = counted_won(tables.deals, settings)
    deals = deals.filter(deals.close_on.between(first, last))
    q = tables.quotas
    needs = {
        "deals": deals.group_by("currency").aggregate(earliest=deals.close_on.min()),
        "quotas": q.filter(q.starts_on.between(first, last)).group_by("currency").aggregate(
            earliest=q.starts_on.min()),
    }
    out = {}
    for what, expr in needs.items():
        frame = expr.to_pyarrow().to_pylist()
        out[what] = {r["currency"]: r["earliest"] for r in frame}
    return out


def build_context(workspace, settings: Settings, grain: str = "month",
                  start: str | None = None, end: str | None = None,
                  as_of: int | None = None) -> MetricContext:
    tables = Tables.of(workspace, as_of)
    periods = report_periods(tables, settings, grain, start, end)
    reporting = settings.reporting_currency
    rate_rows = tables.fx_rates.select("currency", "base", "rate_on", "rate").to_pyarrow().to_pylist()
    series = fx.series_into(reporting, [tuple(r.values()) for r in rate_rows])
    if periods:
        for what, needs in needed_rates(tables, settings, periods[0].starts_on, periods[-1].ends_on).items():
            fx.check_covered(series, needs, what, reporting)
    first, last = (periods[0].starts_on, periods[-1].ends_on) if periods else (None, None)
    daily = fx.daily_rows(series, first, last) if periods else []
    return MetricContext(tables, settings, periods, rates_table(daily),
                         calendar_table(periods), day_inverses_table())


def nullable(table: ibis.Table) -> ibis.Table:
    """The same columns, all nullable, so tables of one shape can be stacked with ``union``."""
    return table.cast({name: typ.copy(nullable=True) for name, typ in table.schema().items()})


def to_money(value: ibis.Value) -> ibis.Value:
    """``value`` as DECIMAL(38,10), always as an explicit cast.

    Ibis types a product of two DECIMAL(38,10) as DECIMAL(38,10) and would drop the cast, while
    engines widen the scale (DuckDB: DECIMAL(38,20)); the cast keeps sums exact and in range.
    """
    return ops.Cast(value, to=MONEY).to_expr()


ONE = ibis.literal(Decimal(1), type=MONEY)


def times(money: ibis.Value, factor: ibis.Value) -> ibis.Value:
    """``money`` x ``factor`` rounded to money places; ``money`` itself when the factor is 1.

    The same number either way (``money`` already has money places), but a 38-digit rounding
    costs microseconds per row on DuckDB, and most credits are 100 % shares and many deals are
    in the reporting currency (rate 1).
    """
    return ibis.cases((factor == 1, money), else_=to_money(money * factor))
