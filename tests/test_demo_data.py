"""The demo company's files: deterministic, well-formed, and showing each special case."""
from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kvot.config import load_file
from kvot.demo import DemoFiles, write_demo_files

STOCKHOLM = ZoneInfo("Europe/Stockholm")
HEADERS = {
    "deals": "deal_id,name,owner,stage,close_date,amount,currency,kind,billing_period",
    "credits": "deal_id,rep,share,credit_type",
    "reps": "rep_id,name,email,team,team_from,hired_on,left_on",
    "teams": "team_id,name,parent,level",
    "quotas": "rep,team,period,amount,currency",
    "fx": "currency,base,date,rate",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> DemoFiles:
    return write_demo_files(tmp_path_factory.mktemp("demo"))


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def stockholm_date(text: str) -> date:
    if "T" not in text:
        return date.fromisoformat(text)
    return datetime.fromisoformat(text).astimezone(STOCKHOLM).date()


def test_same_seed_gives_byte_identical_files(demo, tmp_path):
    again = write_demo_files(tmp_path, seed=7)
    for name in ("deals", "credits", "reps", "teams", "quotas", "fx", "config"):
        assert getattr(again, name).read_bytes() == getattr(demo, name).read_bytes(), name


def test_another_seed_gives_other_deals_in_the_same_company(demo, tmp_path):
    other = write_demo_files(tmp_path, seed=8)
    assert other.deals.read_bytes() != demo.deals.read_bytes()
    assert other.reps.read_bytes() == demo.reps.read_bytes()
    assert other.quotas.read_bytes() == demo.quotas.read_bytes()


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_every_file_has_its_header(demo, name):
    first_line = getattr(demo, name).read_text(encoding="utf-8").split("\n", 1)[0]
    assert first_line == HEADERS[name]


def test_config_is_valid_kvot_settings(demo):
    settings = load_file(demo.config)
    assert (settings.reporting_currency, settings.timezone) == ("SEK", "Europe/Stockholm")
    assert (settings.fiscal_year_start_month, settings.amount) == (1, "per_billing_period")


def test_teams_are_regions_under_an_implicit_company(demo):
    teams = {t["team_id"]: t for t in read(demo.teams)}
    assert {t for t, row in teams.items() if row["level"] == "region"} == {"nordics", "dach", "uk"}
    assert all(teams[row["parent"]]["level"] == "region"
               for row in teams.values() if row["level"] == "team")


def test_revenue_shares_total_100_per_deal(demo):
    totals = defaultdict(Decimal)
    for credit in read(demo.credits):
        if credit["credit_type"] == "revenue":
            totals[credit["deal_id"]] += Decimal(credit["share"])
    assert totals and set(totals.values()) == {Decimal(100)}
    assert {c["credit_type"] for c in read(demo.credits)} == {"revenue", "overlay"}


def test_credits_name_won_deals_and_known_reps(demo):
    won = {d["deal_id"] for d in read(demo.deals) if d["stage"] == "Closed Won"}
    reps = {r["rep_id"] for r in read(demo.reps)}
    credits = read(demo.credits)
    assert {c["deal_id"] for c in credits} <= won
    assert {c["rep"] for c in credits} <= reps


def test_missing_quota_month_is_missing(demo):
    periods = {q["period"] for q in read(demo.quotas) if q["rep"] == "magnus.ekstrom"}
    assert "2025-07" not in periods
    assert {"2025-06", "2025-08"} <= periods


def test_quota_rows_name_a_rep_or_a_team(demo):
    rows = read(demo.quotas)
    assert all(bool(q["rep"]) != bool(q["team"]) for q in rows)
    assert {q["team"] for q in rows if q["team"]} == {"dach-mid"}
    quarterly = [q["period"] for q in rows if q["rep"] == "emily.clarke"]
    assert quarterly == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]


def test_new_hire_quota_ramps_25_50_75_100(demo):
    ramp = [q["amount"] for q in read(demo.quotas) if q["rep"] == "sara.nilsson"]
    assert ramp[:5] == ["15000.00", "30000.00", "45000.00", "60000.00", "60000.00"]


def test_team_move_rep_has_two_rows(demo):
    rows = [r for r in read(demo.reps) if r["rep_id"] == "johan.berg"]
    assert [(r["team"], r["team_from"]) for r in rows] == [
        ("nordics-smb", "2023-03-01"), ("nordics-enterprise", "2025-05-16")]


def test_leaver_closes_nothing_after_leaving(demo):
    (leaver,) = [r for r in read(demo.reps) if r["left_on"]]
    closed = [stockholm_date(d["close_date"]) for d in read(demo.deals)
              if d["owner"] == leaver["rep_id"]]
    assert closed and max(closed) <= date.fromisoformat(leaver["left_on"])


def test_repeated_deal_rows_are_identical(demo):
    rows = read(demo.deals)
    by_id = defaultdict(set)
    for row in rows:
        by_id[row["deal_id"]].add(tuple(row.values()))
    assert all(len(versions) == 1 for versions in by_id.values())
    repeats = len(rows) - len(by_id)
    assert 0.02 <= repeats / len(by_id) <= 0.03


def test_deal_mix_is_realistic(demo):
    deals = list({d["deal_id"]: d for d in read(demo.deals)}.values())
    assert 550 <= len(deals) <= 700
    currencies = Counter(d["currency"] for d in deals)
    assert 0.6 <= currencies["SEK"] / len(deals) <= 0.8
    kinds = Counter(d["kind"] for d in deals)
    assert 0.08 <= kinds["renewal"] / len(deals) <= 0.16
    assert all(len(d["amount"].split(".")[1]) == 2 for d in deals)


def test_utc_close_just_before_midnight_is_next_day_in_stockholm(demo):
    deal = next(d for d in read(demo.deals) if d["close_date"] == "2025-03-31T23:30:00Z")
    assert stockholm_date(deal["close_date"]) == date(2025, 4, 1)
    assert deal["stage"] == "Closed Won"


def test_fx_covers_every_deal_close_date(demo):
    rates = {(r["currency"], date.fromisoformat(r["date"])) for r in read(demo.fx)}
    days = {day for _, day in rates}
    assert min(days) < date(2025, 1, 1) and max(days) == date(2025, 12, 31)
    for deal in read(demo.deals):
        closed_on = stockholm_date(deal["close_date"])
        if deal["currency"] != "SEK" and closed_on.year == 2025:
            assert (deal["currency"], closed_on) in rates, deal["deal_id"]
        elif deal["currency"] != "SEK":  # open deals expected in 2026: the latest rate applies
            assert deal["stage"] in ("Proposal", "Negotiation")


def test_fx_rates_stay_in_realistic_ranges(demo):
    for row in read(demo.fx):
        low, high = {"EUR": ("11.0", "11.6"), "USD": ("9.5", "11.0")}[row["currency"]]
        assert Decimal(low) <= Decimal(row["rate"]) <= Decimal(high)
        assert len(row["rate"].split(".")[1]) == 4
