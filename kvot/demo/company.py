"""The demo company, Norrsken Software AB: its teams, its reps and their 2025 quotas.

The organisation is fixed (the same for every seed), so the docs can name its special cases:
a team move, a ramping new hire, a leaver, a missing quota month, a quarterly quota and an
explicit team quota.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

COMPANY = "Norrsken Software AB"
EMAIL_DOMAIN = "norrsken.example"
YEAR = 2025
CURRENCY = "SEK"
TIMEZONE = "Europe/Stockholm"

TEAM_HEADER = ("team_id", "name", "parent", "level")
REP_HEADER = ("rep_id", "name", "email", "team", "team_from", "hired_on", "left_on")
QUOTA_HEADER = ("rep", "team", "period", "amount", "currency")

# The company is the implicit root; regions hang under it, teams under the regions.
TEAMS = (
    ("nordics", "Nordics", "", "region"),
    ("dach", "DACH", "", "region"),
    ("uk", "UK & Ireland", "", "region"),
    ("nordics-smb", "Nordics SMB", "nordics", "team"),
    ("nordics-enterprise", "Nordics Enterprise", "nordics", "team"),
    ("dach-mid", "DACH Mid-Market", "dach", "team"),
    ("uk-mid", "UK Mid-Market", "uk", "team"),
)

RAMP_PCT = (25, 50, 75, 100)  # a new hire's quota in the first four months, % of full
NO_QUOTA = ("magnus.ekstrom", "2025-07")  # on parental leave in July: no quota row
QUARTERLY_REP = "emily.clarke"  # has quarterly quota rows instead of monthly ones
TEAM_QUOTA = ("dach-mid", 200_000)  # explicit monthly team quota, SEK
OVERLAY_REP = "ingrid.dahl"  # solutions specialist: overlay credit only, no quota


@dataclass(frozen=True)
class Rep:
    rep_id: str
    name: str
    team: str
    hired_on: date
    quota: int  # full monthly MRR quota in SEK; 0 for a rep who carries none
    left_on: date | None = None
    moved: tuple[str, date] | None = None  # (new team, first day in it)

    @property
    def email(self) -> str:
        return f"{self.rep_id}@{EMAIL_DOMAIN}"

    def team_on(self, day: date) -> str:
        if self.moved and day >= self.moved[1]:
            return self.moved[0]
        return self.team

    def is_active(self, day: date) -> bool:
        return self.hired_on <= day and (self.left_on is None or day <= self.left_on)


REPS = (
    Rep("anna.lindqvist", "Anna Lindqvist", "nordics-smb", date(2022, 2, 1), 45_000),
    Rep("erik.johansson", "Erik Johansson", "nordics-smb", date(2021, 9, 1), 55_000),
    Rep("oskar.holm", "Oskar Holm", "nordics-smb", date(2024, 1, 15), 40_000),
    Rep("johan.berg", "Johan Berg", "nordics-smb", date(2023, 3, 1), 70_000,
        moved=("nordics-enterprise", date(2025, 5, 16))),
    Rep("sara.nilsson", "Sara Nilsson", "nordics-smb", date(2025, 6, 2), 60_000),
    Rep("karin.svensson", "Karin Svensson", "nordics-enterprise", date(2019, 4, 1), 120_000),
    Rep("magnus.ekstrom", "Magnus Ekström", "nordics-enterprise", date(2020, 8, 17), 110_000),
    Rep("ingrid.dahl", "Ingrid Dahl", "nordics-enterprise", date(2021, 1, 11), 0),
    Rep("lukas.schmidt", "Lukas Schmidt", "dach-mid", date(2022, 5, 2), 80_000),
    Rep("anna.mueller", "Anna Müller", "dach-mid", date(2023, 1, 9), 75_000),
    Rep("felix.wagner", "Felix Wagner", "dach-mid", date(2021, 3, 1), 70_000,
        left_on=date(2025, 9, 30)),
    Rep("oliver.smith", "Oliver Smith", "uk-mid", date(2022, 10, 3), 80_000),
    Rep("emily.clarke", "Emily Clarke", "uk-mid", date(2023, 6, 12), 75_000),
    Rep("james.taylor", "James Taylor", "uk-mid", date(2024, 9, 2), 65_000),
)
REPS_BY_ID = {rep.rep_id: rep for rep in REPS}
REGION_OF = {team_id: parent or team_id for team_id, _, parent, _ in TEAMS}


def month_bounds(month: int) -> tuple[date, date]:
    """First and last day of a month of the demo year."""
    first = date(YEAR, month, 1)
    following = date(YEAR + month // 12, month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def monthly_quota(rep: Rep, month: int) -> int:
    """The rep's ramped monthly quota in SEK; 0 when not employed that month or without quota."""
    first, last = month_bounds(month)
    if not rep.quota or rep.hired_on > last or (rep.left_on and rep.left_on < first):
        return 0
    months_in = (YEAR - rep.hired_on.year) * 12 + month - rep.hired_on.month
    pct = RAMP_PCT[months_in] if months_in < len(RAMP_PCT) else 100
    return rep.quota * pct // 100


def team_rows() -> list[list[str]]:
    return [list(team) for team in TEAMS]


def rep_rows() -> list[list[str]]:
    """One row per rep and team membership: a team move gives a second row."""
    rows = []
    for rep in REPS:
        left_on = rep.left_on.isoformat() if rep.left_on else ""
        memberships = [(rep.team, rep.hired_on)] + ([rep.moved] if rep.moved else [])
        for team, team_from in memberships:
            rows.append([rep.rep_id, rep.name, rep.email, team, team_from.isoformat(),
                         rep.hired_on.isoformat(), left_on])
    return rows


def quota_rows() -> list[list[str]]:
    """Final quota rows (ramp applied); a missing row means "no quota"."""
    rows = []
    for rep in REPS:
        monthly = [monthly_quota(rep, m) for m in range(1, 13)]
        amounts = {f"{YEAR}-{m:02d}": amount for m, amount in enumerate(monthly, 1)}
        if rep.rep_id == QUARTERLY_REP:
            amounts = {f"{YEAR}-Q{q}": sum(monthly[3 * q - 3:3 * q]) for q in range(1, 5)}
        for period, amount in amounts.items():
            if amount and (rep.rep_id, period) != NO_QUOTA:
                rows.append([rep.rep_id, "", period, _money(amount), CURRENCY])
    team, amount = TEAM_QUOTA
    rows += [["", team, f"{YEAR}-{m:02d}", _money(amount), CURRENCY] for m in range(1, 13)]
    return rows


def _money(amount: int | Decimal) -> str:
    return f"{Decimal(amount):.2f}"
