"""The public data sets in ../shared/data read without error (skipped when absent)."""
from decimal import Decimal

from kvot.config import Settings
from kvot.ingest import read_deals, read_fx, read_quotas, read_reps, read_teams
from kvot.ingest.readers import read_rows

CRM = Settings(profile="crm-opportunities")


def test_crm_pipeline_won_deals_total(data_dir):
    result = read_deals(data_dir / "crm-sales-opportunities" / "sales_pipeline.csv", CRM)
    won = [d for d in result.records if d.is_won]
    assert result.rows_read == 8800
    assert len(won) == 4238
    assert sum(d.mrr for d in won) == Decimal("10005534")
    assert {d.kind for d in result.records} == {"new"}


def test_crm_teams_as_reps_and_as_team_hierarchy(data_dir):
    path = data_dir / "crm-sales-opportunities" / "sales_teams.csv"
    reps = read_reps(path, CRM).records
    assert len(reps) == 35
    assert reps[0].team_path == ("Central", "Dustin Brinkmann")
    teams = read_teams(path, CRM).records
    assert sorted(t.name for t in teams if t.parent is None) == ["Central", "East", "West"]
    assert len(teams) == 9


def test_crm_wide_quotas_match_their_total_column(data_dir):
    path = data_dir / "crm-sales-opportunities" / "quotas_2017_wide.csv"
    quotas = read_quotas(path, CRM).records
    totals = {r.values["sales_agent"]: Decimal(r.values["Total"]) for r in read_rows(path).rows}
    for rep, total in totals.items():
        assert sum(q.amount for q in quotas if q.rep == rep) == total


def test_crm_other_files_are_readable(data_dir):
    for name in ("accounts.csv", "products.csv"):
        assert read_rows(data_dir / "crm-sales-opportunities" / name).rows


def test_revops_closed_deals_and_quota_targets(data_dir):
    mapping = {"deal_id": "opp_id", "amount": "mrr", "kind": "deal_type"}
    deals = read_deals(data_dir / "revops-portfolio" / "closed_deals.csv",
                       Settings(mapping=mapping)).records
    assert len(deals) == 44 and all(d.is_won for d in deals)
    assert sum(1 for d in deals if d.kind == "renewal") == 6
    quotas = read_quotas(data_dir / "revops-portfolio" / "quota_targets.csv", Settings()).records
    assert len(quotas) == 80
    opportunities = read_deals(data_dir / "revops-portfolio" / "opportunities.csv",
                               Settings(profile="salesforce")).records
    assert sum(1 for d in opportunities if d.is_won) == 44


def test_saas_quotas_reps_and_rates(data_dir):
    folder = data_dir / "saas-quotas-eur-ramp"
    quotas = read_quotas(folder / "quotas.csv", Settings(currency="EUR")).records
    assert len(quotas) == 187 and sum(q.amount for q in quotas) == Decimal("51365000")
    reps = read_reps(folder / "sales_reps.csv", Settings()).records
    assert len(reps) == 36
    rates = read_fx(folder / "fx_rates.csv", Settings()).records
    assert [(r.currency, r.base, r.rate) for r in rates] == [
        ("EUR", "EUR", Decimal("1.0000")), ("USD", "EUR", Decimal("0.9200")),
        ("GBP", "EUR", Decimal("1.1700"))]


def test_hubspot_deals(data_dir):
    result = read_deals(data_dir / "hubspot-dummy-deals" / "hubspot_deals.csv",
                        Settings(profile="hubspot"))
    won = [d for d in result.records if d.is_won]
    assert len(won) == 71 and sum(d.amount for d in won) == Decimal("8934361.48")
    assert sum(1 for d in won if d.kind == "renewal") == 39


def test_hubspot_deals_import_with_a_roster_of_owner_emails(data_dir, tmp_path):
    import csv

    import kvot

    path = data_dir / "hubspot-dummy-deals" / "hubspot_deals.csv"
    owners = ("michael.scott", "dwight.schrute", "jim.halpert", "pam.beesly", "angela.martin")
    reps = tmp_path / "reps.csv"
    reps.write_text("rep_id,name,email\n" + "".join(
        f"{o},{o.replace('.', ' ').title()},{o}@example.com\n" for o in owners), encoding="utf-8")
    config = tmp_path / "empty.toml"
    config.write_text("", encoding="utf-8")
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    expected: dict[str, Decimal] = {}
    for r in rows:  # won, not in the Renewals pipeline: MRR closed per owner
        if r["Deal Stage"] == "Closed Won" and "Renewal" not in r["Pipeline"]:
            rep = r["Deal Owner"].split("@")[0]
            expected[rep] = expected.get(rep, Decimal(0)) + Decimal(r["Amount"])
    ws = kvot.open_workspace(":memory:")
    try:
        kvot.import_file(ws, "reps", reps, config=config)
        result = kvot.import_file(ws, "deals", path, profile="hubspot", config=config)
        assert not any("not in the roster" in n for n in result.notes)
        assert ws.execute("SELECT count(*) FROM reps")[0][0] == 5
        report = kvot.attainment(ws, by="rep", period="year", config=config)
        closed: dict[str, Decimal] = {}
        for r in report.rows:
            closed[r.id] = closed.get(r.id, Decimal(0)) + r.mrr_closed
        assert closed == expected
        assert sum(closed.values()) < Decimal("8934361.48")  # renewals excluded
    finally:
        ws.close()
