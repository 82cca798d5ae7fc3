"""One small workspace per finding, expectations set by hand: the count and the first example's
file and line (the CSV header is line 1)."""
from __future__ import annotations

from datetime import date

import pytest

from kvot.checks import BLOCKING, CHECKS, WARNING, run_checks
from kvot.store.settings import effective_settings

TODAY = date(2025, 6, 15)
SEK = {"reporting_currency": "SEK", "currency": "SEK"}
TEAMS = """
    rep_id,name,team,hired_on
    anna,Anna,North,
    bo,Bo,North,
    """


def check(ws, code: str, today: date = TODAY):
    """The finding ``code`` (or None) from all checks on ``ws``."""
    report = run_checks(ws, effective_settings(ws), today=today)
    found = {f.code: f for f in report.findings}
    return found.get(code)


def first(finding) -> tuple[str, int | None]:
    example = finding.examples[0]
    return example.file.rsplit("/", 1)[-1], example.line


def test_a_clean_workspace_has_no_findings(build):
    ws = build(reps=TEAMS, deals="""
        deal_id,name,owner,stage,close_date,amount
        D1,Acme,Anna,Won,2025-01-10,1000
        D2,Beta,Bo,Won,2025-01-12,900
        D3,Gamma,Bo,Lost,2025-01-13,0
        """, quotas="""
        rep,period,amount
        Anna,2025-01,1500
        Bo,2025-01,1500
        """, settings=SEK)
    report = run_checks(ws, effective_settings(ws), today=TODAY)
    assert report.findings == [] and report.exit_code == 0
    assert len(report.checked) == len(CHECKS)


def test_a_deal_id_stored_twice_is_blocking(build):
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount
        D1,Anna,Won,2025-01-10,1000
        D2,Anna,Won,2025-01-11,500
        """, settings=SEK)
    ws.execute("INSERT INTO deals SELECT * REPLACE (900 AS amount) FROM deals WHERE deal_id = 'D2'")
    f = check(ws, "duplicate-deal-ids")
    assert (f.severity, f.count, first(f)) == (BLOCKING, 2, ("deals.csv", 3))
    assert f.examples[0].detail == "deal D2 is stored 2 times"


def test_deal_ids_differing_only_in_case_are_a_warning(build):
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount
        D-1,Anna,Won,2025-01-10,1000
        X,Anna,Won,2025-01-10,1000
        d-1,Anna,Won,2025-01-10,1000
        """, settings=SEK)
    f = check(ws, "deal-id-case-variants")
    assert (f.severity, f.count, first(f)) == (WARNING, 2, ("deals.csv", 2))


def test_a_won_deal_without_owner_or_credits_is_blocking(build):
    ws = build(deals="""
        deal_id,stage,close_date,amount
        D1,Won,2025-01-10,1000
        D2,Lost,2025-01-11,0
        """, settings=SEK)
    f = check(ws, "won-without-close-date-or-owner")
    assert (f.severity, f.count, first(f)) == (BLOCKING, 1, ("deals.csv", 2))
    assert f.examples[0].detail == "deal D1 (Won): no owner and no revenue credits"


def test_a_won_deal_without_close_date_in_the_workspace_is_blocking(build):
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount
        D1,Anna,Won,2025-01-10,1000
        """, settings=SEK)
    ws.execute("UPDATE deals SET close_on = NULL, closed_at = NULL")
    f = check(ws, "won-without-close-date-or-owner")
    assert f.count == 1 and f.examples[0].detail == "deal D1 (Won): no close date"


def test_reps_only_named_in_deals_are_unknown(build):
    ws = build(reps=TEAMS, deals="""
        deal_id,owner,stage,close_date,amount
        D1,Anna,Won,2025-01-10,1000
        D2,Cecilia,Won,2025-01-11,500
        """, settings=SEK)
    f = check(ws, "unknown-reps")
    assert (f.severity, f.count, first(f)) == (WARNING, 1, ("deals.csv", 3))
    assert f.examples[0].detail == 'rep "Cecilia" comes from a deals file, not from a reps file'


def test_teams_made_up_by_a_reps_file_are_unknown_when_there_is_a_teams_file(build):
    ws = build(teams="""
        team_id,name
        north,North
        """, reps="""
        rep_id,name,team
        anna,Anna,North
        bo,Bo,South
        """)
    f = check(ws, "unknown-teams")
    assert (f.severity, f.count, first(f)) == (WARNING, 1, ("reps.csv", None))
    assert f.examples[0].detail == 'team "South" comes from a reps file, not from the teams file'


def test_revenue_splits_not_totalling_100_are_blocking(build):
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount
        D1,Anna,Won,2025-01-10,1000
        """, credits="""
        deal_id,rep,share
        D1,Anna,60 %
        D1,Bo,40 %
        """, settings=SEK)
    ws.execute("UPDATE credits SET share = 0.5 WHERE rep_id = 'Anna'")
    f = check(ws, "splits-not-100")
    assert (f.severity, f.count, first(f)) == (BLOCKING, 1, ("credits.csv", 2))
    assert f.examples[0].detail == "deal D1: revenue shares total 90.00 %"


def test_won_new_deals_with_zero_or_negative_mrr_are_a_warning(build):
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount,kind
        D1,Anna,Won,2025-01-10,1000,new
        D2,Anna,Won,2025-01-11,0,new
        D3,Anna,Won,2025-01-12,-50,new
        D4,Anna,Won,2025-01-13,-80,contraction
        """, settings=SEK)
    f = check(ws, "nonpositive-mrr")
    assert (f.severity, f.count, first(f)) == (WARNING, 2, ("deals.csv", 3))
    assert f.examples[1].detail == "deal D3 (new): MRR -50.00 SEK"


def test_deals_and_quotas_without_a_rate_are_blocking(build):
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount,currency
        D1,Anna,Won,2025-01-10,1000,SEK
        D2,Anna,Won,2025-01-11,100,EUR
        D3,Anna,Won,2025-03-11,100,EUR
        D4,Anna,Won,2025-03-12,100,NOK
        """, quotas="""
        rep,period,amount,currency
        Anna,2025-01,100,EUR
        """, fx="""
        currency,base,date,rate
        EUR,SEK,2025-02-01,11.5
        """, settings={"reporting_currency": "SEK"})
    f = check(ws, "missing-fx")
    assert (f.severity, f.count, first(f)) == (BLOCKING, 3, ("deals.csv", 3))
    assert [e.detail for e in f.examples] == [
        "deal D2 in EUR closed 2025-01-11: first rate dated 2025-02-01",
        "deal D4 in NOK closed 2025-03-12: no rate into SEK",
        "quota of Anna in EUR from 2025-01-01: first rate dated 2025-02-01"]


def test_deals_closed_before_hire_or_after_exit_are_a_warning(build):
    ws = build(reps="""
        rep_id,name,team,hired_on,left_on
        anna,Anna,North,2025-02-01,2025-04-30
        """, deals="""
        deal_id,owner,stage,close_date,amount
        D1,Anna,Won,2025-01-31,1000
        D2,Anna,Won,2025-02-01,1000
        D3,Anna,Won,2025-04-30,1000
        D4,Anna,Won,2025-05-01,1000
        """, settings=SEK)
    f = check(ws, "deals-outside-employment")
    assert (f.severity, f.count, first(f)) == (WARNING, 2, ("deals.csv", 2))
    assert [e.detail for e in f.examples] == [
        "deal D1 closed 2025-01-31, Anna hired 2025-02-01",
        "deal D4 closed 2025-05-01, Anna left 2025-04-30"]


def test_a_rep_in_two_teams_at_once_is_blocking(build):
    ws = build(reps="""
        rep_id,name,team,team_from
        anna,Anna,North,2025-01-01
        anna,Anna,South,2025-03-01
        """)
    assert check(ws, "overlapping-memberships") is None  # a history: one team after the other
    ws.execute("UPDATE memberships SET valid_to = DATE '2025-04-01' WHERE team_id = 'North'")
    f = check(ws, "overlapping-memberships")
    assert (f.severity, f.count, first(f)) == (BLOCKING, 1, ("reps.csv", None))
    assert "North" in f.examples[0].detail and "South" in f.examples[0].detail


def test_a_monthly_and_a_quarterly_quota_for_the_same_months_are_blocking(build):
    ws = build(quotas="""
        rep,period,amount
        Anna,2025-01,1000
        Anna,2025-Q1,3000
        Bo,2025-01,1000
        Bo,2025-02,1000
        """, settings=SEK)
    f = check(ws, "overlapping-quotas")
    assert (f.severity, f.count, first(f)) == (BLOCKING, 1, ("quotas.csv", 3))
    assert f.examples[0].detail.startswith("Anna: 2025-01-01 to 2025-03-31 overlaps 2025-01-01 to 2025-01-31")


def test_quotas_off_month_boundaries_are_a_warning(build):
    ws = build(quotas="""
        rep,start,end,amount
        Anna,2025-01-01,2025-01-31,1000
        Anna,2025-02-15,2025-03-14,1000
        """, settings=SEK)
    f = check(ws, "quotas-off-period-boundaries")
    assert (f.severity, f.count, first(f)) == (WARNING, 1, ("quotas.csv", 3))


def test_an_active_rep_without_any_quota_is_a_warning(build):
    ws = build(reps=TEAMS, deals="""
        deal_id,owner,stage,close_date,amount
        D1,Anna,Won,2025-01-10,1000
        """, quotas="""
        rep,period,amount
        Anna,2025-01,1000
        """, settings=SEK)
    f = check(ws, "active-reps-without-quota")
    assert (f.severity, f.count, first(f)) == (WARNING, 1, ("reps.csv", None))
    assert f.examples[0].detail == "rep bo: active 2025-01-01 to 2025-01-31, no quota row"


def test_a_quota_that_starts_after_the_others_is_a_warning(build):
    ws = build(reps="""
        rep_id,name,team,hired_on
        anna,Anna,North,
        bo,Bo,North,
        cy,Cy,North,2025-03-10
        """, deals="""
        deal_id,owner,stage,close_date,amount
        D1,Bo,Won,2025-01-10,1000
        """, quotas="""
        rep,period,amount
        Anna,2025-01,1000
        Anna,2025-02,1000
        Anna,2025-03,1000
        Bo,2025-03,1000
        Cy,2025-03,1000
        """, settings=SEK)
    f = check(ws, "quota-starts-late")  # Cy was hired in March: a March start is on time
    assert (f.severity, f.count, first(f)) == (WARNING, 1, ("quotas.csv", 5))
    assert f.examples[0].detail == (
        "rep bo: first quota 2025-03-01, others from 2025-01-01; 1 won deal(s) before it")


def test_a_rep_with_quota_and_no_won_deals_is_a_warning(build):
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount
        D1,Anna,Won,2025-01-10,1000
        D2,Bo,Lost,2025-01-10,0
        """, quotas="""
        rep,period,amount
        Anna,2025-01,1000
        Bo,2025-01,1000
        """, settings=SEK)
    f = check(ws, "quota-without-deals")
    assert (f.severity, f.count, first(f)) == (WARNING, 1, ("quotas.csv", 3))


def test_a_quota_over_three_times_the_best_month_is_a_warning(build):
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount
        D1,Anna,Won,2025-01-10,600
        D2,Anna,Won,2025-01-20,400
        D3,Anna,Won,2025-02-10,500
        """, quotas="""
        rep,period,amount
        Anna,2025-03,3000
        Anna,2025-04,3001
        Anna,2025-Q3,9000
        """, settings=SEK)
    f = check(ws, "quota-far-from-history")
    assert (f.severity, f.count, first(f)) == (WARNING, 1, ("quotas.csv", 3))
    assert f.examples[0].detail == (
        "rep Anna: quota 3001.00 SEK a month from 2025-04-01 is 3.0 x their best month (1000.00)")


def test_quota_rows_that_fit_in_no_fiscal_quarter_or_year_are_a_warning(build):
    ws = build(quotas="""
        rep,start,end,amount
        Anna,2025-01-01,2025-03-31,3000
        Bo,2025-04-01,2025-06-30,3000
        Cy,2025-02-01,2025-07-31,6000
        Dan,2025-05-01,2025-07-31,3000
        Eva,2025-03-01,2025-03-31,1000
        """, settings={**SEK, "fiscal_year_start_month": 2})
    f = check(ws, "quotas-across-periods")  # fiscal quarters Feb-Apr, May-Jul, ...
    assert (f.severity, f.count) == (WARNING, 2)
    assert [(e.line, e.detail) for e in f.examples] == [
        (2, "rep Anna: 2025-01-01 to 2025-03-31 counts in no quarter or year of the fiscal year "
            "from February"),
        (3, "rep Bo: 2025-04-01 to 2025-06-30 counts in no quarter of the fiscal year from February")]


def test_a_best_month_under_a_cent_is_no_history_to_compare_a_quota_with(build):
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount
        D1,Anna,Won,2025-01-10,0.004
        D2,Bo,Won,2025-01-10,0.01
        """, quotas="""
        rep,period,amount
        Anna,2025-03,3000
        Bo,2025-03,3000
        """, settings=SEK)
    f = check(ws, "quota-far-from-history")  # Anna's 0.004 is no history; Bo's cent is
    assert (f.count, first(f)) == (1, ("quotas.csv", 3))
    assert f.examples[0].detail == (
        "rep Bo: quota 3000.00 SEK a month from 2025-03-01 is 300000.0 x their best month (0.01)")


def test_a_deal_over_ten_times_the_median_is_an_outlier(build):
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount
        D1,Anna,Won,2025-01-10,100
        D2,Anna,Won,2025-01-11,120
        D3,Anna,Won,2025-01-12,1000
        D4,Anna,Won,2025-01-13,1300
        D5,Anna,Won,2025-01-14,90
        """, settings=SEK)
    f = check(ws, "outlier-deals")  # median 120: 1300 is over 10x, 1000 is not
    assert (f.severity, f.count, first(f)) == (WARNING, 1, ("deals.csv", 5))


def test_a_deal_named_renewal_but_typed_new_is_a_warning(build):
    ws = build(deals="""
        deal_id,name,owner,stage,close_date,amount,kind
        D1,Acme renewal 2025,Anna,Won,2025-01-10,100,new
        D2,Beta Renewal,Anna,Won,2025-01-10,100,renewal
        D3,Gamma upsell,Anna,Won,2025-01-10,100,new
        D4,Renewable Energy AB,Anna,Won,2025-01-10,100,new
        """, settings=SEK)
    f = check(ws, "deal-name-vs-kind")
    assert (f.severity, f.count, first(f)) == (WARNING, 2, ("deals.csv", 2))
    assert f.examples[0].detail == 'deal D1 "Acme renewal 2025": the name says renewal, the type says new'


def test_won_deals_dated_after_today_are_a_warning(build):
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount
        D1,Anna,Won,2025-06-15,100
        D2,Anna,Won,2025-06-16,100
        D3,Anna,Negotiation,2025-07-01,100
        """, settings=SEK)
    f = check(ws, "future-won-deals", today=date(2025, 6, 15))
    assert (f.severity, f.count, first(f)) == (WARNING, 1, ("deals.csv", 3))


@pytest.mark.parametrize("stage", ["Closed Won - Pending", "Contract Signed", "closedwon", "Closed"])
def test_a_stage_that_looks_won_but_is_not_a_won_stage_is_a_warning(build, stage):
    ws = build(deals=f"""
        deal_id,owner,stage,close_date,amount
        D1,Anna,Closed Won,2025-01-10,100
        D2,Anna,{stage},2025-01-11,100
        D3,Anna,{stage},2025-01-12,100
        D4,Anna,Closed Lost,2025-01-12,0
        D5,Anna,Negotiation,,
        """, settings=SEK)
    f = check(ws, "unmapped-stages")
    assert (f.severity, f.count, first(f)) == (WARNING, 2, ("deals.csv", 3))
    assert f.examples[0].detail == f'stage "{stage}": 2 deal(s), not a won stage'


def test_only_blocking_runs_just_the_checks_that_can_block(build):
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount
        D1,Anna,Won,2030-01-10,100
        """, settings=SEK)
    report = run_checks(ws, effective_settings(ws), today=TODAY, only_blocking=True)
    assert report.findings == []
    assert set(report.checked) == {c.code for c in CHECKS if c.severity == BLOCKING}
