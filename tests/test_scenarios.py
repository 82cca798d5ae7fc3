"""Hand-computed scenarios: small inputs, the figure a RevOps analyst works out on paper."""
from __future__ import annotations

from decimal import Decimal

import kvot
from tests.conftest import D, figures

import pytest


@pytest.fixture
def build(build_on_every_engine):
    """Every scenario runs on every engine and must give the same figures."""
    return build_on_every_engine


def report(ws, tmp_path, **kw):
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    return kvot.attainment(ws, config=empty, **kw)


def test_10000_closed_against_12000_quota_is_83_33_percent(build, tmp_path):
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount,currency
        D1,Anna,Closed Won,2025-03-10,10000,SEK
        """, quotas="""
        rep,period,amount,currency
        Anna,2025-03,12000,SEK
        """, settings={"reporting_currency": "SEK"})
    row = report(ws, tmp_path).rows[0]
    assert (row.mrr_closed, row.quota) == (D("10000"), D("12000"))
    assert row.attainment_pct.quantize(D("0.01")) == D("83.33")
    assert row.met is False


def test_annual_and_multi_year_terms_are_normalised_to_monthly(build, tmp_path):
    # 120 000 a year = 10 000 a month; TCV 240 000 over 24 months = 10 000; 360 000 over 36 = 10 000
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount,currency,billing_period,term_months
        A,Anna,Won,2025-01-10,120000,SEK,annual,
        B,Anna,Won,2025-01-11,30000,SEK,quarterly,
        """, settings={"reporting_currency": "SEK", "amount": "per_billing_period"})
    tcv = build(deals="""
        deal_id,owner,stage,close_date,amount,currency,term_months
        C,Bo,Won,2025-01-12,240000,SEK,24
        D,Bo,Won,2025-01-13,360000,SEK,36
        """, settings={"reporting_currency": "SEK", "amount": "tcv"})
    assert figures(report(ws, tmp_path))[("Anna", "2025-01")][0] == D("20000")
    assert figures(report(tcv, tmp_path))[("Bo", "2025-01")][0] == D("20000")


def test_renewals_and_contraction_are_not_mrr_closed(build, tmp_path):
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount,currency,kind
        N,Anna,Won,2025-02-01,1000,SEK,new
        E,Anna,Won,2025-02-02,300,SEK,expansion
        R,Anna,Won,2025-02-03,5000,SEK,renewal
        C,Anna,Won,2025-02-04,-200,SEK,contraction
        L,Anna,Lost,2025-02-05,9000,SEK,new
        """, settings={"reporting_currency": "SEK"})
    row = report(ws, tmp_path).rows[0]
    assert (row.mrr_closed, row.deals) == (D("1300"), 2)


def test_a_repeated_deal_row_counts_once(build, tmp_path):
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount,currency
        D1,Anna,Won,2025-02-01,1000,SEK
        D1,Anna,Won,2025-02-01,1000,SEK
        D2,Anna,Won,2025-02-02,500,SEK
        """, settings={"reporting_currency": "SEK"})
    assert figures(report(ws, tmp_path))[("Anna", "2025-02")][0] == D("1500")


def test_a_60_40_split_credits_each_rep_its_share_and_the_team_once(build, tmp_path):
    ws = build(reps="""
        rep_id,name,team
        anna,Anna,North
        bo,Bo,North
        """, deals="""
        deal_id,owner,stage,close_date,amount,currency
        S,anna,Won,2025-04-15,10000,SEK
        """, credits="""
        deal_id,rep,share
        S,anna,60
        S,bo,40
        """, settings={"reporting_currency": "SEK"})
    reps = figures(report(ws, tmp_path))
    assert reps[("anna", "2025-04")][0] == D("6000")
    assert reps[("bo", "2025-04")][0] == D("4000")
    team = report(ws, tmp_path, by="team").rows[0]
    assert (team.mrr_closed, team.deals) == (D("10000"), 1)
    company = report(ws, tmp_path, by="company").rows[0]
    assert company.mrr_closed == D("10000")


MOVE = dict(
    reps="""
        rep_id,name,team,team_from
        bo,Bo,North,
        bo,Bo,South,2025-02-15
        cy,Cy,South,
        """,
    deals="""
        deal_id,owner,stage,close_date,amount,currency
        D1,bo,Won,2025-01-20,1000,SEK
        D2,bo,Won,2025-02-14,2000,SEK
        D3,bo,Won,2025-02-15,4000,SEK
        D4,bo,Won,2025-03-03,8000,SEK
        """,
    quotas="""
        rep,period,amount,currency
        bo,2025-01,3100,SEK
        bo,2025-02,2800,SEK
        bo,2025-03,3100,SEK
        cy,2025-Q1,9000,SEK
        """)


def test_a_deal_stays_with_the_team_the_rep_was_in_on_the_close_date(build, tmp_path):
    ws = build(settings={"reporting_currency": "SEK"}, **MOVE)
    teams = figures(report(ws, tmp_path, by="team", period="quarter"))
    # North: D1 + D2 (closed before the 15th); South: D3 + D4
    assert teams[("North", "2025-Q1")][0] == D("3000")
    assert teams[("South", "2025-Q1")][0] == D("12000")


def test_team_quota_weights_a_moving_rep_by_days_in_the_team(build, tmp_path):
    ws = build(settings={"reporting_currency": "SEK"}, **MOVE)
    teams = figures(report(ws, tmp_path, by="team", period="quarter"))
    # North: January 3100 + February 2800 x 14/28 = 4500
    # South: February 2800 x 14/28 + March 3100 + Cy 9000 = 13500
    assert teams[("North", "2025-Q1")][1] == D("4500")
    assert teams[("South", "2025-Q1")][1] == D("13500")
    assert teams[("South", "2025-Q1")][2] == D("88.89")  # 12000 / 13500


def test_team_attainment_is_ratio_of_sums_not_mean_of_percentages(build, tmp_path):
    # Anna 1000/1000 = 100 %, Bo 0/9000 = 0 %: the mean would be 50 %, the team is 10 %
    ws = build(reps="""
        rep_id,name,team
        anna,Anna,T
        bo,Bo,T
        """, deals="""
        deal_id,owner,stage,close_date,amount,currency
        D1,anna,Won,2025-05-05,1000,SEK
        """, quotas="""
        rep,period,amount,currency
        anna,2025-05,1000,SEK
        bo,2025-05,9000,SEK
        """, settings={"reporting_currency": "SEK"})
    team = report(ws, tmp_path, by="team").rows[0]
    assert (team.mrr_closed, team.quota, team.attainment_pct) == (D("1000"), D("10000"), D("10"))
    bo = figures(report(ws, tmp_path))[("bo", "2025-05")]
    assert bo == (D("0"), D("9000"), D("0.00"))  # a rep with no deals counts, with 0 closed


def test_zero_and_missing_quota_give_no_quota(build, tmp_path):
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount,currency
        D1,Anna,Won,2025-06-05,700,SEK
        D2,Bo,Won,2025-06-06,800,SEK
        """, quotas="""
        rep,period,amount,currency
        Anna,2025-06,0,SEK
        """, settings={"reporting_currency": "SEK"})
    rows = figures(report(ws, tmp_path))
    assert rows[("Anna", "2025-06")] == (D("700"), D("0"), None)
    assert rows[("Bo", "2025-06")] == (D("800"), None, None)


def test_utc_2330_on_the_last_day_of_a_month_lands_in_the_next_month_in_stockholm(build, tmp_path):
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount,currency
        late,Anna,Won,2025-01-31T23:30:00Z,1000,SEK
        early,Anna,Won,2025-01-31T22:30:00Z,10,SEK
        """, settings={"reporting_currency": "SEK", "timezone": "Europe/Stockholm"})
    rows = figures(report(ws, tmp_path))
    assert rows[("Anna", "2025-01")][0] == D("10")  # 23:30 Stockholm time
    assert rows[("Anna", "2025-02")][0] == D("1000")  # 00:30 on 1 February


def test_utc_2330_stays_in_its_month_when_reporting_in_utc(build, tmp_path):
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount,currency
        late,Anna,Won,2025-01-31T23:30:00Z,1000,SEK
        """, settings={"reporting_currency": "SEK"})
    assert figures(report(ws, tmp_path))[("Anna", "2025-01")][0] == D("1000")


def test_a_quarterly_quota_shows_no_quota_in_monthly_report_and_counts_in_the_quarter(build, tmp_path):
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount,currency
        D1,Anna,Won,2025-02-10,3000,SEK
        """, quotas="""
        rep,period,amount,currency
        Anna,2025-Q1,9000,SEK
        """, settings={"reporting_currency": "SEK"})
    months = figures(report(ws, tmp_path))
    assert [months[("Anna", m)][1] for m in ("2025-01", "2025-02", "2025-03")] == [None] * 3
    quarter = figures(report(ws, tmp_path, period="quarter"))[("Anna", "2025-Q1")]
    assert quarter == (D("3000"), D("9000"), D("33.33"))


def test_monthly_quotas_sum_into_the_quarter(build, tmp_path):
    ws = build(quotas="""
        rep,period,amount,currency
        Anna,2025-01,1000,SEK
        Anna,2025-02,2000,SEK
        Anna,2025-03,3000,SEK
        """, settings={"reporting_currency": "SEK"})
    assert figures(report(ws, tmp_path, period="quarter"))[("Anna", "2025-Q1")][1] == D("6000")


def test_three_currencies_are_converted_at_the_close_date_before_summing(build, tmp_path):
    # 1000 SEK + 100 EUR x 11.50 (rate of 2025-03-01, in force on the 3rd) + 100 USD x 10.00
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount,currency
        S,Anna,Won,2025-03-03,1000,SEK
        E,Anna,Won,2025-03-03,100,eur
        U,Anna,Won,2025-03-04,100,USD
        """, fx="""
        currency,base,date,rate
        EUR,SEK,2025-02-01,11.00
        EUR,SEK,2025-03-01,11.50
        EUR,SEK,2025-03-04,12.00
        USD,SEK,2025-03-04,10.00
        """, settings={"reporting_currency": "SEK"})
    assert figures(report(ws, tmp_path))[("Anna", "2025-03")][0] == D("3150")


def test_a_missing_rate_is_an_error_not_a_rate_of_one(build, tmp_path):
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount,currency
        U,Anna,Won,2025-03-04,100,USD
        """, settings={"reporting_currency": "SEK"})
    try:
        report(ws, tmp_path)
    except kvot.KvotError as exc:
        assert "USD" in str(exc) and "kvot import fx" in str(exc)
    else:
        raise AssertionError("a deal without a rate was converted")


def test_quota_in_another_currency_is_converted_at_its_first_day(build, tmp_path):
    ws = build(quotas="""
        rep,period,amount,currency
        Anna,2025-03,1000,EUR
        """, fx="""
        currency,base,date,rate
        EUR,SEK,2025-02-28,11.00
        EUR,SEK,2025-03-01,11.50
        """, settings={"reporting_currency": "SEK"})
    assert figures(report(ws, tmp_path))[("Anna", "2025-03")][1] == D("11500")


def test_a_fiscal_year_starting_in_february(build, tmp_path):
    # FY2026 runs 2025-02-01 .. 2026-01-31; its Q1 is Feb-Apr 2025
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount,currency
        jan,Anna,Won,2025-01-31,1,SEK
        feb,Anna,Won,2025-02-01,10,SEK
        apr,Anna,Won,2025-04-30,100,SEK
        may,Anna,Won,2025-05-01,1000,SEK
        """, settings={"reporting_currency": "SEK", "fiscal_year_start_month": 2})
    quarters = figures(report(ws, tmp_path, period="quarter"))
    assert quarters[("Anna", "FY2025-Q4")][0] == D("1")
    assert quarters[("Anna", "FY2026-Q1")][0] == D("110")
    assert quarters[("Anna", "FY2026-Q2")][0] == D("1000")
    years = figures(report(ws, tmp_path, period="year"))
    assert years[("Anna", "FY2026")][0] == D("1110")


def test_long_decimals_times_a_rate_with_decimals_stay_exact(build, tmp_path):
    # 36 000 EUR over 36 months = 1 000 EUR a month; 1 000 / 3 = 333.3333333333 (kept to 10 places)
    # x 11.123456 = 3707.8186666663 (x3 deals = 11123.4559999989 -> 11 123.46)
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount,currency,term_months
        A,Anna,Won,2025-03-03,36000,EUR,36
        B,Anna,Won,2025-03-04,1000,EUR,3
        C,Anna,Won,2025-03-05,1000,EUR,3
        E,Anna,Won,2025-03-06,1000,EUR,3
        """, fx="""
        currency,base,date,rate
        EUR,SEK,2025-03-01,11.123456
        """, settings={"reporting_currency": "SEK", "amount": "tcv"})
    closed = figures(report(ws, tmp_path))[("Anna", "2025-03")][0]
    assert closed == D("11123.456") + D("3") * D("3707.8186666663")


def test_a_rep_hired_mid_month_brings_the_whole_final_quota_row_to_the_team(build, tmp_path):
    # Sara joins on 2 June; her June row (15 000, already ramped) is final: the team gets all of it
    ws = build(reps="""
        rep_id,name,team,team_from,hired_on
        sara,Sara,North,2025-06-02,2025-06-02
        per,Per,North,,
        """, quotas="""
        rep,period,amount,currency
        sara,2025-06,15000,SEK
        per,2025-06,40000,SEK
        """, settings={"reporting_currency": "SEK"})
    team = figures(report(ws, tmp_path, by="team"))[("North", "2025-06")]
    company = figures(report(ws, tmp_path, by="company"))[("company", "2025-06")]
    assert team[1] == company[1] == D("55000")


def test_from_after_the_data_reports_that_period_and_from_after_to_is_an_error(build, tmp_path):
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount,currency
        D1,Anna,Won,2025-01-10,100,SEK
        """, settings={"reporting_currency": "SEK"})
    later = report(ws, tmp_path, start="2025-03")
    assert [r.period for r in later.rows] == ["2025-03"]
    assert later.rows[0].mrr_closed == D("0")
    with pytest.raises(kvot.KvotError, match="--from 2025-03 is after --to 2025-02"):
        report(ws, tmp_path, start="2025-03", end="2025-02")


def test_a_deal_closed_after_the_reps_leave_date_still_shows_on_the_reps_row(build, tmp_path):
    ws = build(reps="""
        rep_id,name,team,hired_on,left_on
        lena,Lena,North,2024-01-01,2025-01-31
        """, deals="""
        deal_id,owner,stage,close_date,amount,currency
        D1,lena,Won,2025-02-10,50,SEK
        """, settings={"reporting_currency": "SEK"})
    reps = figures(report(ws, tmp_path))
    assert reps[("lena", "2025-02")][0] == D("50")  # rep rows add up to the team and company
    assert figures(report(ws, tmp_path, by="team"))[("North", "2025-02")][0] == D("50")


def test_small_exchange_rates_keep_their_digits(build, tmp_path):
    # 1 000 000 000 IDR x 0.000061234567 = 61 234.567 USD -> 61 234.57
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount,currency
        D1,Anna,Won,2025-01-10,1000000000,IDR
        """, fx="""
        currency,base,date,rate
        IDR,USD,2025-01-01,0.000061234567
        """, settings={"reporting_currency": "USD"})
    assert figures(report(ws, tmp_path))[("Anna", "2025-01")][0] == D("61234.567")


def test_a_cross_rate_through_a_third_currency_is_exact_to_the_cent(build, tmp_path):
    # VND->SEK = 0.0000393 / 0.0917 = 0.000428571428571...; 50 000 000 000 VND = 21 428 571.43 SEK
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount,currency
        D1,Anna,Won,2025-01-10,50000000000,VND
        """, fx="""
        currency,base,date,rate
        VND,USD,2025-01-01,0.0000393
        SEK,USD,2025-01-01,0.0917
        """, settings={"reporting_currency": "SEK"})
    closed = figures(report(ws, tmp_path))[("Anna", "2025-01")][0]
    assert closed.quantize(D("0.01")) == D("21428571.43")


def test_a_direct_rate_that_starts_later_leaves_the_cross_rate_for_the_days_before(build, tmp_path):
    # 2024-01-05: no USD->EUR rate yet, so USD->SEK / EUR->SEK = 10.5 / 11.25 = 0.93333333333333
    # (14 places): 100 USD = 93.333333333333 EUR, 93.3333333333 to 10 places. 2024-04-10: the
    # direct rate, 0.91: 91 EUR.
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount,currency
        D1,Anna,Won,2024-01-05,100,USD
        D2,Anna,Won,2024-04-10,100,USD
        """, fx="""
        currency,base,date,rate
        USD,SEK,2024-01-01,10.5
        EUR,SEK,2024-01-01,11.25
        USD,EUR,2024-03-31,0.91
        """, settings={"reporting_currency": "EUR"})
    closed = figures(report(ws, tmp_path))
    assert closed[("Anna", "2024-01")][0] == D("93.3333333333")
    assert closed[("Anna", "2024-04")][0] == D("91")


def test_one_team_name_under_two_parents_is_two_teams(build, tmp_path):
    ws = build(reps="""
        rep_id,name,region,team
        r1,Ann,EMEA,Enterprise
        r2,Bob,US,Enterprise
        r3,Cid,US,SMB
        """, deals="""
        deal_id,owner,stage,close_date,amount,currency
        D1,r1,Won,2025-01-10,100,SEK
        D2,r2,Won,2025-01-10,10,SEK
        D3,r3,Won,2025-01-10,1,SEK
        """, settings={"reporting_currency": "SEK", "team_path": "region>team"})
    teams = {(r.path, r.mrr_closed) for r in report(ws, tmp_path, by="team").rows}
    assert teams == {(("EMEA",), D("100")), (("EMEA", "Enterprise"), D("100")),
                     (("US",), D("11")), (("US", "Enterprise"), D("10")), (("US", "SMB"), D("1"))}


def test_a_name_two_reps_share_is_an_error_naming_both_not_a_silent_pick(tmp_path):
    from tests.conftest import make_builder

    build = make_builder("duckdb", tmp_path, [])
    with pytest.raises(kvot.ImportRejected) as caught:
        build(reps="""
            rep_id,name,email,team
            r1,John Smith,js1@x.com,A
            r2,John Smith,js2@x.com,B
            """, deals="""
            deal_id,owner,stage,close_date,amount,currency
            D1,John Smith,Won,2025-01-10,100,SEK
            D2,JS2@X.COM,Won,2025-01-10,1,SEK
            """)
    [error] = caught.value.errors
    assert (error.line, error.column, error.value) == (2, "owner", "John Smith")
    assert "names 2 (r1, r2)" in str(error) and "use the id or the e-mail" in str(error)


def test_a_quarterly_team_quota_gives_no_quota_in_the_months_not_the_members_sum(build, tmp_path):
    ws = build(reps="""
        rep_id,name,team
        anna,Anna,North
        """, quotas="""
        rep,team,period,amount,currency
        anna,,2025-01,1000,SEK
        ,North,2025-Q1,7777,SEK
        """, settings={"reporting_currency": "SEK"})
    months = figures(report(ws, tmp_path, by="team", end="2025-03"))
    assert [months[("North", m)][1] for m in ("2025-01", "2025-02", "2025-03")] == [None] * 3
    quarter = figures(report(ws, tmp_path, by="team", period="quarter"))[("North", "2025-Q1")]
    assert quarter[1] == D("7777")
    assert figures(report(ws, tmp_path))[("anna", "2025-01")][1] == D("1000")


def test_explaining_a_month_of_a_quarterly_team_quota_shows_no_quota_as_the_report_does(build, tmp_path):
    ws = build(reps="""
        rep_id,name,team
        anna,Anna,North
        """, quotas="""
        rep,team,period,amount,currency
        anna,,2025-01,1000,SEK
        ,North,2025-Q1,7777,SEK
        """, settings={"reporting_currency": "SEK"})
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    month = kvot.explain(ws, team="North", period="2025-01", config=empty)
    assert (month.quota, month.quota_source) == (None, "team")
    quarter = kvot.explain(ws, team="North", period="2025-Q1", config=empty)
    assert quarter.quota == D("7777")


def test_split_shares_and_foreign_deals_round_per_credit_beside_whole_local_deals(build, tmp_path):
    # S (SEK, owner 100 %): 1000.0000000001 as is. E: 333.3333333333 EUR x 30 % = 99.99999999999
    # -> 100.0000000000, x 11.1111 SEK = 1111.1100000000; y 70 % = 233.33333333331 ->
    # 233.3333333333 x 11.1111 = 2592.5899999996 (to 10 places: 2592.58999999962963 rounded)
    ws = build(deals="""
        deal_id,owner,stage,close_date,amount,currency
        S,ann,Won,2025-05-02,1000.0000000001,SEK
        E,ann,Won,2025-05-03,333.3333333333,EUR
        """, credits="""
        deal_id,rep,share
        E,ann,30
        E,bea,70
        """, fx="""
        currency,base,date,rate
        EUR,SEK,2025-05-01,11.1111
        """, reps="""
        rep_id,name,team
        ann,Ann,North
        bea,Bea,North
        """, settings={"reporting_currency": "SEK"})
    reps = figures(report(ws, tmp_path))
    assert reps[("ann", "2025-05")][0] == D("1000.0000000001") + D("1111.1100000000")
    assert reps[("bea", "2025-05")][0] == D("2592.5899999996")


def test_rows_are_ordered_by_name_ignoring_case_then_id_then_period(build, tmp_path):
    ws = build(reps="""
        rep_id,name,team
        r3,bo,North
        r1,Cy,North
        r2,Bo,North
        r4,Ann,North
        """, quotas="""
        rep,period,amount,currency
        r1,2025-02,100,SEK
        r1,2025-01,100,SEK
        r2,2025-01,100,SEK
        r3,2025-01,100,SEK
        r4,2025-02,100,SEK
        """, settings={"reporting_currency": "SEK"})
    rows = report(ws, tmp_path).rows
    assert [(r.id, r.period) for r in rows] == [
        ("r4", "2025-01"), ("r4", "2025-02"), ("r2", "2025-01"), ("r2", "2025-02"),
        ("r3", "2025-01"), ("r3", "2025-02"), ("r1", "2025-01"), ("r1", "2025-02")]
