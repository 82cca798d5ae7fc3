"""Hand-computed reading rules: delimiters, encodings, line ends, XLSX layouts, per-column
formats. Each test writes the small file it reads."""
from datetime import date, datetime
from decimal import Decimal

import pytest

import openpyxl

from kvot.config import Settings
from kvot.ingest import read_deals
from kvot.ingest.readers import read_rows

HEADER = ["deal_id", "owner", "stage", "close_date", "amount"]


def test_tab_delimited_crlf_file_with_a_quoted_newline(write):
    path = write("d.tsv", "deal_id\tname\towner\tstage\tclose_date\tamount\r\n"
                          "D1\t\"Acme\r\nNordic\"\tAnn\tWon\t2024-03-01\t1 200,50\r\n"
                          "D2\tBeta\tBo\tWon\t2024-03-02\t300\r\n")
    d1, d2 = read_deals(path, Settings()).records
    assert (d1.name, d1.amount, d1.line) == ("Acme\r\nNordic", Decimal("1200.50"), 2)
    assert (d2.amount, d2.line) == (Decimal("300"), 4)  # the quoted newline is line 3


def test_latin_1_is_detected_as_windows_1252_or_set_by_option(write):
    text = "deal_id;owner;stage;close_date;amount\nD1;Åsa Öberg;Won;2024-03-01;12,5\n"
    path = write("d.csv", text, "latin-1")
    deal, = read_deals(path, Settings()).records
    assert (deal.owner, deal.amount) == ("Åsa Öberg", Decimal("12.5"))
    assert read_rows(path).encoding == "cp1252"
    deal, = read_deals(path, Settings(encoding="latin-1")).records
    assert deal.owner == "Åsa Öberg"


def test_semicolon_file_with_decimal_points_and_currency_marks(write):
    path = write("d.csv", "deal_id;owner;stage;close_date;amount;currency\n"
                          "D1;Ann;Won;2024-03-01;€1,200.50;EUR\nD2;Ann;Won;2024-03-01;USD 99.5;USD\n"
                          "D3;Ann;Won;2024-03-01;\"$1,000\";USD\n")
    assert [d.amount for d in read_deals(path, Settings()).records] == [
        Decimal("1200.50"), Decimal("99.5"), Decimal("1000")]


def test_month_first_and_excel_serial_date_columns(write):
    path = write("d.csv", "deal_id,owner,stage,close_date,amount\n"
                          "D1,Ann,Won,03/14/2024,1\nD2,Ann,Won,03/01/2024,1\n")
    assert [d.close_on for d in read_deals(path, Settings()).records] == [
        date(2024, 3, 14), date(2024, 3, 1)]  # 14 settles month-first for the column
    path = write("s.csv", "deal_id,owner,stage,close_date,amount\nD1,Ann,Won,45352,1\n"
                          "D2,Ann,Won,45292.75,1\n")
    d1, d2 = read_deals(path, Settings()).records
    # 45292 = 2024-01-01 (Excel's day 1 is 1900-01-01); + 60 days = 2024-03-01
    assert d1.close_on == date(2024, 3, 1)
    assert d2.closed_at == datetime.fromisoformat("2024-01-01T18:00:00+00:00")


def test_xlsx_sheet_merged_title_header_below_and_total_row(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Summary"
    book.active.append(["not", "these", "rows"])
    sheet = book.create_sheet("Deals")
    sheet.append(["Pipeline report Q1 2024"])
    sheet.merge_cells("A1:E1")
    sheet.append(["Exported 2024-04-01"])
    sheet.merge_cells("A2:C2")
    sheet.append([])
    sheet.append(HEADER + ["Total"])
    sheet.append(["D1", "Ann", "Won", datetime(2024, 3, 1), 1200.5, 1200.5])
    sheet.append(["D2", "Bo", "Won", datetime(2024, 3, 2, 10, 30), 800, 800])
    sheet.append(["Total", None, None, None, 2000.5, 2000.5])
    path = tmp_path / "deals.xlsx"
    book.save(path)
    result = read_deals(path, Settings(), sheet="Deals")
    assert [(d.deal_id, d.line, d.amount, d.close_on) for d in result.records] == [
        ("D1", 5, Decimal("1200.5"), date(2024, 3, 1)),
        ("D2", 6, Decimal("800"), date(2024, 3, 2))]
    assert "total row(s) ignored (line 7)" in result.notes


def test_an_xlsx_formula_without_a_saved_value_is_rejected_not_read_as_blank(tmp_path):
    import openpyxl

    from kvot.config import Settings
    from kvot.errors import ImportRejected
    from kvot.ingest import read_quotas

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["rep", "2025-01", "2025-02"])
    sheet.append(["Per Ek", "=9000+1", 8000])  # written by a program: no cached result
    path = tmp_path / "quotas.xlsx"
    book.save(path)
    with pytest.raises(ImportRejected) as caught:
        read_quotas(path, Settings(currency="SEK"))
    [error] = caught.value.errors
    assert (error.line, error.column, error.value) == (2, "2025-01", "=9000+1")
    assert error.reason == "is a spreadsheet formula, not a value"
