"""A year of the demo company's deals (won, lost, open) and their credit splits."""
from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from kvot.demo.company import (
    OVERLAY_REP, REGION_OF, REPS, REPS_BY_ID, TIMEZONE, Rep, month_bounds, monthly_quota,
)

DEAL_HEADER = ("deal_id", "name", "owner", "stage", "close_date", "amount", "currency", "kind",
               "billing_period")
CREDIT_HEADER = ("deal_id", "rep", "share", "credit_type")

STOCKHOLM = ZoneInfo(TIMEZONE)
WON, LOST = "Closed Won", "Closed Lost"
OPEN_STAGES = ("Proposal", "Negotiation")
WON_PCT = 62  # of closed deals
KINDS = {"new": 60, "expansion": 25, "renewal": 12, "contraction": 3}
BILLING = {"annual": 70, "quarterly": 15, "monthly": 15}
MONTHS_IN = {"monthly": 1, "quarterly": 3, "annual": 12}
CURRENCY_MIX = {
    "nordics": {"SEK": 92, "EUR": 5, "USD": 3},
    "dach": {"SEK": 40, "EUR": 57, "USD": 3},
    "uk": {"SEK": 50, "EUR": 15, "USD": 35},
}
LIST_PRICE_SEK = {"SEK": Decimal(1), "EUR": Decimal(11), "USD": Decimal(10)}  # per unit
MRR_MIN, MRR_MAX = 2_000, 60_000  # SEK per month
SEK_PER_DEAL = 16_000  # monthly quota per expected closed deal
OPEN_DEALS = 45
# Swedish public holidays of 2025 on weekdays (and the eves offices close): no deals close
HOLIDAYS = {date(2025, 1, 1), date(2025, 1, 6), date(2025, 4, 18), date(2025, 4, 21),
            date(2025, 5, 1), date(2025, 5, 29), date(2025, 6, 6), date(2025, 6, 20),
            date(2025, 12, 24), date(2025, 12, 25), date(2025, 12, 26), date(2025, 12, 31)}
OPEN_FROM = date(2025, 12, 15)  # open deals' expected close: from here on (stale ones included)
REPEAT_PERMILLE = 25  # identical repeated export rows
SPLIT_PCT = 5  # of won deals
OVERLAYS = 8
PRODUCTS = ("Norrsken Core", "Norrsken Analytics", "Norrsken Field", "Norrsken Payroll")
KIND_LABEL = {"new": "", "expansion": " – more seats", "renewal": " – renewal",
              "contraction": " – downgrade"}
CUSTOMER_WORDS = {
    "nordics": (("Fjäll", "Sjö", "Björk", "Älv", "Norr", "Strand", "Ek", "Gran", "Lind"),
                ("byn", "dalen", "vik", "holm", "berga", "näs"),
                ("Logistik AB", "Bygg AB", "Fastigheter AB", "Vård AB", "Energi AB",
                 "Revision, Skatt & Juridik AB")),
    "dach": (("Berg", "Wald", "Stein", "Rhein", "Alpen", "Sonnen", "Hafen", "Grün"),
             ("haus", "feld", "bach", "hof", "tal"),
             ("Logistik GmbH", "Bau GmbH", "Handel GmbH", "Technik AG", "Beratung GmbH")),
    "uk": (("Ash", "Brook", "Kings", "Thames", "Harbour", "Oak", "Mill"),
           ("field", "wood", "gate", "ford", "bridge"),
           ("Logistics Ltd", "Builders Ltd", "Consulting Ltd", "Health plc", "Retail Ltd")),
}
# Timestamps near midnight: the date in Stockholm is what counts.
MIDNIGHT_CLOSES = (
    ("karin.svensson", "2025-03-31T23:30:00Z"),  # 2025-04-01 01:30 in Stockholm: Q2
    ("oliver.smith", "2025-06-30T22:15:00Z"),  # 2025-07-01 00:15: July
    ("lukas.schmidt", "2025-09-30T23:05:00Z"),  # 2025-10-01 01:05: Q4
    ("james.taylor", "2025-10-31T20:10:00-04:00"),  # 2025-11-01 01:10: November
    ("erik.johansson", "2025-01-31T22:45:00Z"),  # 2025-01-31 23:45: stays in January
)


@dataclass(frozen=True)
class Deal:
    deal_id: str
    name: str
    owner: str
    stage: str
    closed_on: date  # the close date in Stockholm
    close_date: str  # as written in the export
    amount: Decimal  # per billing period, in the deal's currency
    currency: str
    kind: str
    billing_period: str

    def row(self) -> list[str]:
        return [self.deal_id, self.name, self.owner, self.stage, self.close_date,
                f"{self.amount:.2f}", self.currency, self.kind, self.billing_period]


def make_deals(rng: random.Random) -> list[Deal]:
    """Won and lost deals through 2025, month-end heavy, plus open deals; ids by close date."""
    form = {rep.rep_id: rng.randint(70, 130) for rep in REPS}  # % of quota a rep tends to close
    drafts = []
    for rep in REPS:
        for month in range(1, 13):
            target = monthly_quota(rep, month) * form[rep.rep_id] // 100
            drafts += _rep_month(rng, rep, month, target)
    drafts += _midnight_deals(rng) + _open_deals(rng)
    drafts.sort(key=lambda d: (d.closed_on, d.owner, d.name))
    return [replace(d, deal_id=f"D25-{i:04d}") for i, d in enumerate(drafts, 1)]


def with_repeats(rng: random.Random, deals: list[Deal]) -> list[Deal]:
    """The export as a CRM gives it: a few deals appear twice, identically."""
    rows = list(deals)
    for deal in rng.sample(deals, len(deals) * REPEAT_PERMILLE // 1000):
        rows.insert(rng.randint(rows.index(deal) + 1, len(rows)), deal)
    return rows


def _rep_month(rng: random.Random, rep: Rep, month: int, target: int) -> list[Deal]:
    if not target:
        return []
    count = max(1, target // SEK_PER_DEAL + rng.randint(-1, 1))
    deals = []
    for _ in range(count):
        day = _close_day(rng, rep, month)
        stage = WON if rng.randint(1, 100) <= WON_PCT else LOST
        deals.append(_deal(rng, rep, stage, day, _close_text(rng, day), _mrr(rng, target, count)))
    return deals


def _deal(rng: random.Random, rep: Rep, stage: str, day: date, close_text: str, mrr: int,
          kind: str | None = None) -> Deal:
    region = REGION_OF[rep.team_on(day)]
    currency = _pick(rng, CURRENCY_MIX[region])
    kind = kind or _pick(rng, KINDS)
    billing = _pick(rng, BILLING)
    name = _customer(rng, region) + " – " + rng.choice(PRODUCTS) + KIND_LABEL[kind]
    return Deal("", name, rep.rep_id, stage, day, close_text, _amount(mrr, currency, billing),
                currency, kind, billing)


def _mrr(rng: random.Random, target: int, count: int) -> int:
    """A deal's MRR in SEK, so that won new and expansion deals roughly meet the target."""
    mean = target * 10_000 // (count * WON_PCT * (KINDS["new"] + KINDS["expansion"]))
    mrr = mean * rng.randint(10, 190) // 100 // 100 * 100
    return min(max(mrr, MRR_MIN), MRR_MAX)


def _amount(mrr_sek: int, currency: str, billing_period: str) -> Decimal:
    """Amount per billing period in the deal's currency (list prices in whole units)."""
    per_month = (Decimal(mrr_sek) / LIST_PRICE_SEK[currency]).quantize(Decimal(1), ROUND_HALF_UP)
    return (per_month * MONTHS_IN[billing_period]).quantize(Decimal("0.01"))


def _close_day(rng: random.Random, rep: Rep, month: int) -> date:
    """A working day of the month when the rep was employed; month and quarter ends peak."""
    first, last = month_bounds(month)
    days = [first + timedelta(n) for n in range((last - first).days + 1)]
    days = [d for d in days if d.weekday() < 5 and d not in HOLIDAYS and rep.is_active(d)]
    peak = 8 if month % 3 == 0 else 4
    weights = [peak if i >= len(days) - 3 else 1 for i in range(len(days))]
    return rng.choices(days, weights)[0]


def _close_text(rng: random.Random, day: date) -> str:
    """Mostly a bare date; sometimes a UTC or offset timestamp during office hours."""
    roll = rng.randint(1, 100)
    if roll <= 75:
        return day.isoformat()
    at = datetime.combine(day, time(rng.randint(8, 17), rng.choice((0, 15, 30, 45))), STOCKHOLM)
    if roll <= 90:
        return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return at.isoformat()


def _midnight_deals(rng: random.Random) -> list[Deal]:
    deals = []
    for owner, text in MIDNIGHT_CLOSES:
        rep, day = REPS_BY_ID[owner], datetime.fromisoformat(text).astimezone(STOCKHOLM).date()
        mrr = _mrr(rng, monthly_quota(rep, day.month), 3)
        deals.append(_deal(rng, rep, WON, day, text, mrr, kind="new"))
    return deals


def _open_deals(rng: random.Random) -> list[Deal]:
    """Pipeline at year end: expected closes from mid-December into Q1 2026."""
    reps = [rep for rep in REPS if rep.quota and rep.left_on is None]
    deals = []
    for _ in range(OPEN_DEALS):
        rep, day = rng.choice(reps), OPEN_FROM + timedelta(rng.randint(0, 105))
        mrr = _mrr(rng, rep.quota, 3)
        deals.append(_deal(rng, rep, rng.choice(OPEN_STAGES), day, day.isoformat(), mrr))
    return deals


def _customer(rng: random.Random, region: str) -> str:
    first, second, kind = CUSTOMER_WORDS[region]
    return f"{rng.choice(first)}{rng.choice(second)} {rng.choice(kind)}"


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def make_credits(rng: random.Random, deals: list[Deal]) -> list[list[str]]:
    """Revenue splits (two reps, 60/40 or 50/50) on ~5 % of won deals; a few overlay credits."""
    won = [d for d in deals if d.stage == WON]
    split = rng.sample(won, len(won) * SPLIT_PCT // 100)
    rows = []
    for deal in split:
        first, second = rng.choice(((60, 40), (50, 50)))
        rows.append([deal.deal_id, deal.owner, str(first), "revenue"])
        rows.append([deal.deal_id, _partner(rng, deal), str(second), "revenue"])
    enterprise = [d for d in won if d not in split
                  and REPS_BY_ID[d.owner].team_on(d.closed_on) == "nordics-enterprise"]
    for deal in rng.sample(enterprise, min(OVERLAYS, len(enterprise))):
        rows.append([deal.deal_id, deal.owner, "100", "revenue"])
        rows.append([deal.deal_id, OVERLAY_REP, "100", "overlay"])
    return sorted(rows, key=lambda r: (r[0], r[3] != "revenue"))


def _partner(rng: random.Random, deal: Deal) -> str:
    """Another rep employed on the close date, usually from the owner's team that day."""
    team = REPS_BY_ID[deal.owner].team_on(deal.closed_on)
    others = [r for r in REPS if r.quota and r.rep_id != deal.owner and r.is_active(deal.closed_on)]
    same = [r for r in others if r.team_on(deal.closed_on) == team]
    pool = same if same and rng.randint(1, 100) <= 80 else others
    return rng.choice(pool).rep_id
