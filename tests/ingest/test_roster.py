from datetime import date
from decimal import Decimal

import pytest

from kvot.config import Settings
from kvot.errors import ImportRejected
from kvot.ingest import read_credits, read_fx, read_reps, read_teams


def test_rep_team_history_with_hierarchy_columns(write):
    path = write("reps.csv", "rep_id,name,email,region,team,team_from,hired_on,left_on\n"
                             "r1,Ann,ann@x.se,North,Sales A,2024-01-01,2023-06-01,\n"
                             "r1,Ann,ann@x.se,North,Sales B,2024-07-01,2023-06-01,\n"
                             "r2,Bo,,South,Sales C,,2024-02-01,2024-09-30\n")
    result = read_reps(path, Settings(team_path=("region",)))
    r1a, r1b, r2 = result.records
    assert (r1a.team, r1a.team_from, r1a.team_path) == ("Sales A", date(2024, 1, 1),
                                                         ("North", "Sales A"))
    assert (r1b.team, r1b.team_from) == ("Sales B", date(2024, 7, 1))
    assert (r2.email, r2.hired_on, r2.left_on, r2.team_path) == (
        None, date(2024, 2, 1), date(2024, 9, 30), ("South", "Sales C"))


def test_rep_rows_must_agree_on_the_person(write):
    path = write("reps.csv", "rep_id,name,team,team_from\nr1,Ann,A,2024-01-01\nr1,Anna,B,2024-07-01\n")
    with pytest.raises(ImportRejected, match="rep r1 appears twice with different values"):
        read_reps(path, Settings())


def test_teams_with_parents_and_cycles(write):
    path = write("teams.csv", "team_id,name,parent,level\nall,Company,,company\n"
                              "nord,Nordics,all,region\n")
    records = read_teams(path, Settings()).records
    assert [(t.team_id, t.parent, t.level) for t in records] == [
        ("all", None, "company"), ("nord", "all", "region")]
    path = write("cycle.csv", "team_id,parent\na,b\nb,a\n")
    with pytest.raises(ImportRejected, match="makes a cycle of parent teams"):
        read_teams(path, Settings())


def test_teams_from_hierarchy_columns(write):
    path = write("t.csv", "agent,office,manager\nA,East,M1\nB,East,M1\nC,West,M2\n")
    records = read_teams(path, Settings(mapping={"team_path": "office>manager"})).records
    assert [(t.name, t.parent, t.level) for t in records] == [
        ("East", None, "office"), ("M1", "East", "manager"),
        ("West", None, "office"), ("M2", "West", "manager")]


def test_credit_shares_in_percent_and_their_total(write):
    path = write("c.csv", "deal_id;rep;share;credit_type\nD1;Ann;60 %;\nD1;Bo;40%;revenue\n"
                          "D1;Cy;25,5 %;overlay\n")
    records = read_credits(path, Settings()).records
    assert [(c.rep, c.share, c.credit_type) for c in records] == [
        ("Ann", Decimal("0.6"), "revenue"), ("Bo", Decimal("0.4"), "revenue"),
        ("Cy", Decimal("0.255"), "overlay")]


def test_revenue_shares_not_totalling_100_percent_are_rejected(write):
    path = write("c.csv", "deal_id,rep,share\nD1,Ann,0.6\nD1,Bo,0.3\nD2,Cy,1\n")
    with pytest.raises(ImportRejected) as exc:
        read_credits(path, Settings())
    assert [str(e) for e in exc.value.errors] == [
        "c.csv line 2, column \"share\": '0.6' revenue shares of deal D1 total 90 %, not 100 %; "
        "make the deal's revenue splits add up",
        "c.csv line 3, column \"share\": '0.3' revenue shares of deal D1 total 90 %, not 100 %; "
        "make the deal's revenue splits add up",
    ]


def test_shares_split_between_ids_differing_in_case_say_so(write):
    path = write("c.csv", "deal_id,rep,share\nD1,Ann,0.6\nd1,Bo,0.4\n")
    with pytest.raises(ImportRejected) as exc:
        read_credits(path, Settings())
    assert [e.reason for e in exc.value.errors] == [
        "revenue shares of deal D1 total 60 %, not 100 % (deal d1 in this file differs only in case)",
        "revenue shares of deal d1 total 40 %, not 100 % (deal D1 in this file differs only in case)"]


def test_fx_by_date_and_by_month(write):
    path = write("fx.csv", "currency,base,date,rate\nsek,usd,2024-03-15,0.095\n")
    rate, = read_fx(path, Settings()).records
    assert (rate.currency, rate.base, rate.rate_on, rate.rate) == (
        "SEK", "USD", date(2024, 3, 15), Decimal("0.095"))
    path = write("fx2.csv", "currency,month,rate\nEUR,2024-03,1.08\nEUR,2024-04,0\n")
    with pytest.raises(ImportRejected, match="'0' is not above 0"):
        read_fx(path, Settings())
    path = write("fx3.csv", "currency,month,rate\nEUR,2024-03,1.08\n")
    rate, = read_fx(path, Settings(reporting_currency="SEK")).records
    assert (rate.base, rate.rate_on) == ("SEK", date(2024, 3, 1))
