from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from kvot.config import Settings
from kvot.errors import ImportRejected
from kvot.ingest import read_quotas

WIDE = (
    "Säljare;2024-01;2024-02;Mar 2024;Totalt\n"
    "Åsa;10 000;10 000,50;0;20 000,50\n"
    "Per;;5 000;5 000;10 000\n"
    "Totalt;10 000;15 000,50;5 000;30 000,50\n"
)


def test_wide_sheet_with_total_column_total_row_and_blank_cell(write):
    path = write("kvoter.csv", WIDE, "cp1252")
    result = read_quotas(path, Settings(currency="SEK", mapping={"rep": "Säljare"}))
    got = [(q.rep, q.starts_on, q.ends_on, q.amount) for q in result.records]
    assert got == [
        ("Åsa", date(2024, 1, 1), date(2024, 1, 31), Decimal("10000")),
        ("Åsa", date(2024, 2, 1), date(2024, 2, 29), Decimal("10000.50")),
        ("Åsa", date(2024, 3, 1), date(2024, 3, 31), Decimal("0")),  # 0 is a quota of 0
        ("Per", date(2024, 2, 1), date(2024, 2, 29), Decimal("5000")),  # blank Jan: no quota
        ("Per", date(2024, 3, 1), date(2024, 3, 31), Decimal("5000")),
    ]
    assert {q.currency for q in result.records} == {"SEK"}
    assert "column(s) Totalt ignored: totals are not quotas" in result.notes


def test_wide_xlsx_with_date_headers_and_a_title_row(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Quota plan FY2017"])
    ws.append(["rep", datetime(2017, 3, 1), datetime(2017, 4, 1), 42856, "Sum"])
    ws.append(["Anna", 26500, 26500.5, None, 53000.5])
    path = tmp_path / "plan.xlsx"
    book.save(path)
    result = read_quotas(path, Settings())
    got = [(q.rep, q.starts_on, q.amount, q.line) for q in result.records]
    assert got == [("Anna", date(2017, 3, 1), Decimal("26500"), 3),
                   ("Anna", date(2017, 4, 1), Decimal("26500.5"), 3)]


@pytest.mark.parametrize("period, start, end", [
    ("2017-03", date(2017, 3, 1), date(2017, 3, 31)),
    ("2017-Q1", date(2017, 1, 1), date(2017, 3, 31)),
    ("Q2 2017", date(2017, 4, 1), date(2017, 6, 30)),
    ("2017Q4", date(2017, 10, 1), date(2017, 12, 31)),
    ("2017", date(2017, 1, 1), date(2017, 12, 31)),
])
def test_long_sheet_period_labels(write, period, start, end):
    path = write("q.csv", f"rep,period,amount\nAnn,{period},100\n")
    quota, = read_quotas(path, Settings()).records
    assert (quota.rep, quota.team, quota.starts_on, quota.ends_on) == ("Ann", None, start, end)


def test_long_sheet_with_start_and_end_or_start_and_length(write):
    path = write("q.csv", "team,start,end,amount,currency\nNordics,2024-01-01,2024-06-30,9,eur\n")
    quota, = read_quotas(path, Settings()).records
    assert (quota.rep, quota.team, quota.ends_on, quota.currency) == (
        None, "Nordics", date(2024, 6, 30), "EUR")
    path = write("q2.csv", "rep,start_date,period,amount\nAnn,2024-02-01,quarterly,9\n")
    assert read_quotas(path, Settings()).records[0].ends_on == date(2024, 4, 30)


def test_start_date_must_agree_with_the_period_label(write):
    path = write("q.csv", "rep,quarter,quota_start_date,amount\nAnn,2024-Q2,2024-05-01,9\n")
    with pytest.raises(ImportRejected) as exc:
        read_quotas(path, Settings())
    assert str(exc.value.errors[0]) == (
        "q.csv line 2, column \"quota_start_date\": '2024-05-01' is not the first day of "
        "period 2024-Q2 (2024-04-01)")


def test_blank_long_amount_is_no_quota_and_negative_is_an_error(write):
    path = write("q.csv", "rep,period,amount\nAnn,2024-01,\nBo,2024-01,-5\n")
    with pytest.raises(ImportRejected, match="'-5' is negative"):
        read_quotas(path, Settings())
    path = write("q2.csv", "rep,period,amount\nAnn,2024-01,\nBo,2024-01,5\n")
    result = read_quotas(path, Settings())
    assert [q.rep for q in result.records] == ["Bo"]
    assert "1 row(s) with a blank amount: no quota (not 0)" in result.notes


def test_amount_column_named_for_a_currency_must_match_the_setting(write):
    path = write("q.csv", "rep_id,fiscal_quarter,quota_eur\n005A,2024-Q2,100.00\n")
    with pytest.raises(ImportRejected) as exc:
        read_quotas(path, Settings())
    assert str(exc.value.errors[0]) == (
        'q.csv line 1, column "quota_eur": names EUR but quotas would be read in USD; '
        'set currency = "EUR" (or add a currency column)')
    assert read_quotas(path, Settings(currency="EUR")).records[0].currency == "EUR"


def test_conflicting_quota_rows_are_rejected(write):
    path = write("q.csv", "rep,period,amount\nAnn,2024-01,5\nAnn,2024-01,6\nAnn,2024-01,5\n")
    with pytest.raises(ImportRejected) as exc:
        read_quotas(path, Settings())
    assert [e.line for e in exc.value.errors] == [2, 3]


def test_two_quotas_for_one_rep_written_in_other_case_conflict_at_import(write):
    path = write("q.csv", "rep,period,amount,currency\nr3,2024,12000,SEK\nR3,2024,1200,SEK\n"
                          "r4,2024,500,SEK\n")
    with pytest.raises(ImportRejected) as exc:
        read_quotas(path, Settings())
    assert [(e.line, e.column, e.value) for e in exc.value.errors] == [
        (2, "rep", "r3"), (3, "rep", "R3")]
    assert all("appears twice with different values" in e.reason for e in exc.value.errors)
