"""The whole job on the public data sets in ../shared/data, as a user would run it.

Every expected figure is computed here, independently of kvot, with the ``csv`` module (or taken
from the totals stated in the data sets' PROVENANCE.md). Skipped when ../shared/data is absent.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kvot
from kvot.cli.main import app
from tests.conftest import need_shared

CENT = Decimal("0.01")
ZERO = Decimal(0)
NO_DEAL_AGENTS = ("Carl Lin", "Carol Thompson", "Elizabeth Anderson", "Mei-Mei Johns",
                  "Natalya Ivanova")


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def quarter_of(month: str) -> str:
    """'2017-05' -> '2017-Q2'."""
    year, m = month.split("-")
    return f"{year}-Q{(int(m) - 1) // 3 + 1}"


def cli(*args: str) -> None:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, (args, result.exception, result.stderr)


def by_key(report) -> dict[tuple[str, str], object]:
    return {(r.id, r.period): r for r in report.rows}


def make_workspace(tmp_path_factory, name: str, commands: list[list[str]]):
    """Run the user's ``kvot import`` commands on a fresh workspace file; open it for reading."""
    folder = tmp_path_factory.mktemp(name)
    config = folder / "empty.toml"  # so a kvot.toml in the working directory never leaks in
    config.write_text("", encoding="utf-8")
    location = str(folder / f"{name}.duckdb")
    for command in commands:
        cli(*command, "-w", location, "-c", str(config))
    return kvot.open_workspace(location), config


# --------------------------------------------------------------------------------------------
# crm-sales-opportunities: the README's walk-through
# --------------------------------------------------------------------------------------------

class CrmFacts:
    """What the files say, computed with the csv module only."""

    def __init__(self, folder: Path):
        pipeline = read_csv(folder / "sales_pipeline.csv")
        teams = read_csv(folder / "sales_teams.csv")
        wide = read_csv(folder / "quotas_2017_wide.csv")
        self.manager = {r["sales_agent"]: r["manager"] for r in teams}
        self.region = {r["sales_agent"]: r["regional_office"] for r in teams}
        self.region_of_manager = {r["manager"]: r["regional_office"] for r in teams}
        self.won = [r for r in pipeline if r["deal_stage"] == "Won"]
        self.lost = [r for r in pipeline if r["deal_stage"] == "Lost"]
        self.closed_by_month: dict[str, Decimal] = defaultdict(Decimal)
        self.closed_by_rep: dict[str, Decimal] = defaultdict(Decimal)
        self.closed_by_rep_month: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        self.closed_by_region: dict[str, Decimal] = defaultdict(Decimal)
        self.closed_by_manager: dict[str, Decimal] = defaultdict(Decimal)
        for r in self.won:
            value, month, agent = Decimal(r["close_value"]), r["close_date"][:7], r["sales_agent"]
            self.closed_by_month[month] += value
            self.closed_by_rep[agent] += value
            self.closed_by_rep_month[(agent, month)] += value
            self.closed_by_region[self.region[agent]] += value
            self.closed_by_manager[self.manager[agent]] += value
        self.months = [h for h in wide[0] if h not in ("sales_agent", "Total")]
        # (agent, month) -> quota; a blank cell is "no quota" and has no entry
        self.monthly_quota = {(r["sales_agent"], m): Decimal(r[m])
                              for r in wide for m in self.months if r[m].strip()}
        self.quarterly_quota: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for (agent, month), amount in self.monthly_quota.items():
            self.quarterly_quota[(agent, quarter_of(month))] += amount
        self.manager_quarter_quota: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for (agent, quarter), amount in self.quarterly_quota.items():
            self.manager_quarter_quota[(self.manager[agent], quarter)] += amount
        self.year_quota = sum(self.monthly_quota.values(), ZERO)
        self.agents = [r["sales_agent"] for r in teams]


@pytest.fixture(scope="module")
def crm(tmp_path_factory):
    folder = need_shared("crm-sales-opportunities")
    ws, config = make_workspace(tmp_path_factory, "crm", [
        ["import", "reps", str(folder / "sales_teams.csv"), "--profile", "crm-opportunities",
         "--team-path", "regional_office>manager"],
        ["import", "deals", str(folder / "sales_pipeline.csv"), "--profile", "crm-opportunities",
         "--currency", "USD", "--reporting-currency", "USD"],
        ["import", "quotas", str(folder / "quotas_2017_wide.csv"), "--currency", "USD"],
    ])

    def report(by: str, period: str):
        return kvot.attainment(ws, by=by, period=period, config=config)

    reports = {(by, period): report(by, period) for by, period in [
        ("company", "year"), ("company", "month"), ("company", "quarter"), ("team", "year"),
        ("team", "quarter"), ("rep", "month"), ("rep", "quarter"), ("rep", "year")]}
    yield CrmFacts(folder), reports, ws, config
    ws.close()


def test_crm_company_mrr_closed_over_the_year_is_the_sum_of_won_close_values(crm):
    facts, reports, _, _ = crm
    [row] = reports[("company", "year")].rows
    # PROVENANCE.md: 4,238 won deals, total close_value 10,005,534
    assert sum(Decimal(r["close_value"]) for r in facts.won) == Decimal("10005534")
    assert (row.period, row.mrr_closed, row.deals) == ("2017", Decimal("10005534"), 4238)
    assert row.quota == facts.year_quota
    assert reports[("company", "year")].currency == "USD"


def test_crm_lost_deals_do_not_count(crm):
    facts, reports, _, _ = crm
    [row] = reports[("company", "year")].rows
    assert len(facts.lost) == 2473 and all(r["close_date"] for r in facts.lost)
    assert row.deals == len(facts.won)  # not won + lost (6 711)


def test_crm_region_totals_match_provenance(crm):
    facts, reports, _, _ = crm
    rows = by_key(reports[("team", "year")])
    stated = {"Central": Decimal("3346293"), "East": Decimal("3090594"), "West": Decimal("3568647")}
    assert dict(facts.closed_by_region) == stated
    for region, total in stated.items():
        assert rows[(region, "2017")].mrr_closed == total
        assert rows[(region, "2017")].parent is None


def test_crm_manager_teams_sum_their_agents_closed_and_quota(crm):
    facts, reports, _, _ = crm
    year = by_key(reports[("team", "year")])
    quarter = by_key(reports[("team", "quarter")])
    for manager, closed in facts.closed_by_manager.items():
        assert year[(manager, "2017")].mrr_closed == closed
        assert year[(manager, "2017")].parent == facts.region_of_manager[manager]
    for (manager, q), amount in facts.manager_quarter_quota.items():
        assert quarter[(manager, q)].quota == amount, (manager, q)
    assert len(facts.manager_quarter_quota) == 6 * 4


def test_crm_region_quota_is_the_sum_of_its_agents_and_attainment_a_ratio_of_sums(crm):
    facts, reports, _, _ = crm
    rows = by_key(reports[("team", "year")])
    for region in ("Central", "East", "West"):
        quota = sum((a for (agent, _), a in facts.monthly_quota.items()
                     if facts.region[agent] == region), ZERO)
        row = rows[(region, "2017")]
        assert row.quota == quota
        expected = (100 * facts.closed_by_region[region] / quota).quantize(CENT)
        assert row.attainment_pct.quantize(CENT) == expected


def test_crm_company_mrr_closed_per_month_matches_the_files(crm):
    facts, reports, _, _ = crm
    got = {r.period: r.mrr_closed for r in reports[("company", "month")].rows}
    assert got == dict(facts.closed_by_month)
    assert sorted(got) == [f"2017-{m:02d}" for m in range(3, 13)]


def test_crm_company_quota_per_quarter_is_the_sum_of_the_sheet(crm):
    facts, reports, _, _ = crm
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for (_, q), amount in facts.quarterly_quota.items():
        expected[q] += amount
    got = {r.period: r.quota for r in reports[("company", "quarter")].rows}
    assert got == dict(expected)


def test_crm_every_agent_closed_over_the_year_matches_the_files(crm):
    facts, reports, _, _ = crm
    rows = by_key(reports[("rep", "year")])
    assert {r.id for r in reports[("rep", "year")].rows} == set(facts.agents)
    for agent in facts.agents:
        assert rows[(agent, "2017")].mrr_closed == facts.closed_by_rep.get(agent, ZERO), agent


@pytest.mark.parametrize("agent", NO_DEAL_AGENTS)
def test_crm_agents_without_deals_show_zero_closed_and_zero_percent(crm, agent):
    facts, reports, _, _ = crm
    assert agent not in facts.closed_by_rep
    rows = [r for r in reports[("rep", "month")].rows if r.id == agent]
    assert [r.period for r in rows] == facts.months
    for r in rows:
        assert r.mrr_closed == 0 and r.deals == 0
        assert r.quota == facts.monthly_quota[(agent, r.period)]
        assert r.attainment_pct == 0  # 0 %, not "no quota": the quota exists


def test_crm_rep_quarter_quota_is_the_sum_of_the_sheets_months(crm):
    facts, reports, _, _ = crm
    rows = reports[("rep", "quarter")].rows
    got = {(r.id, r.period): r.quota for r in rows if r.quota is not None}
    assert got == dict(facts.quarterly_quota)


def test_crm_rep_monthly_figures_match_the_files(crm):
    facts, reports, _, _ = crm
    for r in reports[("rep", "month")].rows:
        key = (r.id, r.period)
        assert r.mrr_closed == facts.closed_by_rep_month.get(key, ZERO), key
        assert r.quota == facts.monthly_quota.get(key), key


@pytest.mark.parametrize("agent, blank_months", [
    ("Wilburn Farren", ["2017-03", "2017-04", "2017-05"]),
    ("Hayden Neloms", ["2017-03", "2017-04", "2017-05", "2017-06", "2017-07", "2017-08"]),
])
def test_crm_blank_quota_cells_are_no_quota_not_zero(crm, agent, blank_months):
    facts, reports, _, _ = crm
    assert all((agent, m) not in facts.monthly_quota for m in blank_months)
    rows = by_key(reports[("rep", "month")])
    for month in blank_months:
        row = rows[(agent, month)]
        assert row.quota is None and row.attainment_pct is None, month
        assert row.mrr_closed == facts.closed_by_rep_month[(agent, month)] > 0  # still shown
    first_quota_month = facts.months[len(blank_months)]
    assert rows[(agent, first_quota_month)].quota == facts.monthly_quota[(agent, first_quota_month)]


def test_crm_a_quarter_with_only_blank_months_has_no_quota(crm):
    rows = by_key(crm[1][("rep", "quarter")])
    assert rows[("Hayden Neloms", "2017-Q1")].quota is None
    assert rows[("Hayden Neloms", "2017-Q2")].quota is None
    assert rows[("Hayden Neloms", "2017-Q3")].quota == Decimal("36000")  # September only
    assert rows[("Wilburn Farren", "2017-Q1")].quota is None
    assert rows[("Wilburn Farren", "2017-Q2")].quota == Decimal("18000")  # June only


def test_crm_explain_a_region_quarter_adds_up(crm):
    facts, reports, ws, config = crm
    e = kvot.explain(ws, team="Central", period="2017-Q3", config=config)
    expected_closed = sum((Decimal(r["close_value"]) for r in facts.won
                           if facts.region[r["sales_agent"]] == "Central"
                           and quarter_of(r["close_date"][:7]) == "2017-Q3"), ZERO)
    expected_quota = sum((a for (agent, q), a in facts.quarterly_quota.items()
                          if facts.region[agent] == "Central" and q == "2017-Q3"), ZERO)
    assert e.mrr_closed == expected_closed
    assert e.quota == expected_quota
    row = by_key(reports[("team", "quarter")])[("Central", "2017-Q3")]
    assert (row.mrr_closed, row.quota) == (expected_closed, expected_quota)


# --------------------------------------------------------------------------------------------
# revops-portfolio: closed deals with MRR and deal_type, quarterly quota targets
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def revops(tmp_path_factory):
    folder = need_shared("revops-portfolio")
    # closed_deals.csv: no amount column but `mrr` (read as monthly), `deal_type` new/renewal
    # as the kind, no stage column (a closed-won export), no currency column.
    ws, config = make_workspace(tmp_path_factory, "revops", [
        ["import", "deals", str(folder / "closed_deals.csv"), "--currency", "USD",
         "--reporting-currency", "USD"],
        ["import", "quotas", str(folder / "quota_targets.csv"), "--currency", "USD"],
    ])
    report = kvot.attainment(ws, by="company", period="quarter", config=config)
    yield folder, report
    ws.close()


def test_revops_renewals_are_excluded_from_mrr_closed(revops):
    folder, report = revops
    deals = read_csv(folder / "closed_deals.csv")
    new = [d for d in deals if d["deal_type"] == "new"]
    assert len(new) == 38 and len(deals) - len(new) == 6
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for d in new:
        expected[quarter_of(d["close_date"][:7])] += Decimal(d["mrr"])
    got = {r.period: r.mrr_closed for r in report.rows if r.mrr_closed}
    assert got == dict(expected)
    assert sum(r.mrr_closed for r in report.rows) == sum(Decimal(d["mrr"]) for d in new)
    assert sum(r.deals for r in report.rows) == 38


def test_revops_quarterly_quota_is_the_sum_of_the_reps_targets(revops):
    folder, report = revops
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for q in read_csv(folder / "quota_targets.csv"):
        expected[q["quarter"]] += Decimal(q["quota_amount"])
    got = {r.period: r.quota for r in report.rows if r.quota is not None}
    assert got == dict(expected)


def test_revops_2025_quarters_have_mrr_but_no_quota(revops):
    _, report = revops
    rows = {r.period: r for r in report.rows}
    for quarter in ("2025-Q1", "2025-Q2"):
        assert rows[quarter].mrr_closed > 0
        assert rows[quarter].quota is None
        assert rows[quarter].attainment_pct is None  # "no quota": not 0 %, not infinity


# --------------------------------------------------------------------------------------------
# saas-quotas-eur-ramp: quarterly EUR quotas with ramp, roster with managers, FX table
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def saas(tmp_path_factory):
    folder = need_shared("saas-quotas-eur-ramp")
    ws, config = make_workspace(tmp_path_factory, "saas", [
        ["import", "reps", str(folder / "sales_reps.csv")],
        ["import", "quotas", str(folder / "quotas.csv"), "--currency", "EUR"],
        ["import", "fx", str(folder / "fx_rates.csv")],
    ])
    yield folder, ws, config
    ws.close()


def saas_quotas(folder: Path) -> list[dict]:
    return read_csv(folder / "quotas.csv")


def test_saas_rep_quarter_quota_is_the_files_quota_eur_not_ramped_again(saas):
    folder, ws, config = saas
    report = kvot.attainment(ws, by="rep", period="quarter", config=config,
                             reporting_currency="EUR")
    got = {(r.id, r.period): r.quota for r in report.rows if r.quota is not None}
    expected = {(q["rep_id"], q["fiscal_quarter"]): Decimal(q["quota_eur"])
                for q in saas_quotas(folder)}
    assert len(expected) == 187
    assert sum(expected.values()) == Decimal("51365000")  # PROVENANCE.md
    assert got == expected
    # a ramped quarter: 005A0012 2024-Q2 has ramp_pct 0.25 and quota_eur 171 000
    assert got[("005A0012", "2024-Q2")] == Decimal("171000")


def test_saas_team_quota_is_the_sum_of_its_members_rows(saas):
    folder, ws, config = saas
    manager = {r["rep_id"]: r["manager_id"] for r in read_csv(folder / "sales_reps.csv")}
    expected: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for q in saas_quotas(folder):
        expected[(manager[q["rep_id"]], q["fiscal_quarter"])] += Decimal(q["quota_eur"])
    report = kvot.attainment(ws, by="team", period="quarter", config=config,
                             reporting_currency="EUR")
    got = {(r.id, r.period): r.quota for r in report.rows if r.quota is not None}
    assert got == dict(expected)
    assert {team for team, _ in got} == {"005M0000", "005M0001", "005M0002"}


def test_saas_monthly_report_never_shows_a_quarterly_quota_per_month(saas):
    _, ws, config = saas
    report = kvot.attainment(ws, by="company", period="month", start="2025-01", end="2025-03",
                             config=config, reporting_currency="EUR")
    assert [r.quota for r in report.rows] == [None, None, None]


def test_saas_quota_in_eur_is_converted_into_usd_at_the_inverted_rate(saas):
    folder, ws, config = saas
    report = kvot.attainment(ws, by="rep", period="quarter", start="2024-Q2", end="2024-Q2",
                             config=config, reporting_currency="USD")
    got = {r.id: r.quota for r in report.rows if r.quota is not None}
    # fx_rates.csv: 1 USD = 0.92 EUR, so 1 EUR = 1/0.92 USD; 221 000 EUR = 240 217.39 USD
    assert got["005A0000"].quantize(CENT) == (Decimal("221000") / Decimal("0.92")).quantize(CENT)
