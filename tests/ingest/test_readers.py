from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest

from kvot.config import Settings
from kvot.errors import ImportRejected
from kvot.ingest import read_deals, read_quotas
from kvot.ingest.columnar import try_columnar
from kvot.ingest.readers import Row, cell_text, read_rows, sniff_delimiter


def test_cp1252_semicolon_csv_with_crlf_is_read(write):
    path = write("affärer.csv", "Affär;Ägare;Belopp\r\nA1;Åsa Öberg;12 000,50 kr\r\n", "cp1252")
    table = read_rows(path)
    assert table.encoding == "cp1252"
    assert table.headers == ("Affär", "Ägare", "Belopp")
    assert table.rows[0].line == 2
    assert table.rows[0].values == {"Affär": "A1", "Ägare": "Åsa Öberg", "Belopp": "12 000,50 kr"}


def test_utf8_bom_is_not_part_of_the_first_header(write):
    path = write("d.csv", "\ufeffdeal_id,amount\n1,5\n")
    assert read_rows(path).headers == ("deal_id", "amount")


def test_quoted_newline_keeps_physical_line_numbers(write):
    path = write("d.csv", 'id\tnote\n1\t"two\nlines"\n\n3\tlast\n')
    table = read_rows(path)
    assert [r.line for r in table.rows] == [2, 5]
    assert table.rows[0].values["note"] == "two\nlines"


def test_delimiter_is_sniffed_from_the_header_only():
    assert sniff_delimiter('a;b;"c,d"') == ";"
    assert sniff_delimiter("a,b") == ","
    assert sniff_delimiter("a\tb\tc,d") == "\t"
    assert sniff_delimiter("single") == ","


def test_encoding_argument_overrides_detection(write):
    path = write("d.csv", "name\nÅsa\n", "cp1252")
    assert read_rows(path, encoding="latin-1").rows[0].values["name"] == "Åsa"


@pytest.mark.parametrize("content, message", [
    (b"", "d.csv: is empty; export the data again with a header row"),
    (b"deal_id,amount\n", "d.csv: has a header but no data rows; export the data rows too"),
    (b"\x00\x01\x02binary", "d.csv: is not a text file (it contains binary bytes); "
                            "export it as CSV (UTF-8) or .xlsx"),
])
def test_unusable_files_are_rejected_naming_the_file(tmp_path, monkeypatch, content, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.csv").write_bytes(content)
    with pytest.raises(ImportRejected) as exc:
        read_rows("d.csv")
    assert [str(e) for e in exc.value.errors] == [message]


def test_row_with_extra_fields_is_rejected(write):
    path = write("d.csv", "a,b\n1,2,3\n")
    with pytest.raises(ImportRejected, match="line 2: '3' has 3 fields but the header has 2"):
        read_rows(path)


def test_xlsx_skips_title_rows_and_keeps_exact_numbers_and_dates(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Quotas 2017"])
    ws.append([])
    ws.append(["rep", datetime(2017, 3, 1), "closed"])
    ws.append(["Anna", 12000.5, datetime(2017, 3, 2, 10, 30)])
    book.create_sheet("Other").append(["x", "y"])
    path = tmp_path / "q.xlsx"
    book.save(path)
    table = read_rows(path)
    assert table.headers == ("rep", "2017-03-01", "closed")
    assert table.header_line == 3
    assert table.rows[0] == (4, {"rep": "Anna", "2017-03-01": "12000.5",
                                 "closed": "2017-03-02T10:30:00"})
    with pytest.raises(ImportRejected, match="has no sheet 'Nope'; use one of: Sheet, Other"):
        read_rows(path, sheet="Nope")


def test_cell_text_round_trips_floats():
    assert cell_text(0.1 + 0.2) == str(Decimal(repr(0.1 + 0.2)))
    assert cell_text(12000.0) == "12000"
    assert cell_text(1e-05) == "0.00001"
    assert cell_text(True) == "True"
    assert cell_text(None) == ""


def test_xlsx_table_away_from_the_corner_keeps_row_numbers(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws["B3"], ws["C3"], ws["B5"], ws["C5"] = "rep", "amount", "Ann", 5
    path = tmp_path / "x.xlsx"
    book.save(path)
    table = read_rows(path)
    assert (table.header_line, table.headers) == (3, ("rep", "amount"))
    assert table.rows == [(5, {"rep": "Ann", "amount": "5"})]


def test_an_excel_sep_line_names_the_delimiter_and_is_not_the_header(write):
    path = write("d.csv", "sep=;\r\ndeal_id;name\r\nD1;Acme, AB\r\n")
    table = read_rows(path)
    assert table.headers == ("deal_id", "name") and table.header_line == 2
    assert table.rows == [Row(3, {"deal_id": "D1", "name": "Acme, AB"})]


def test_an_excel_sep_line_is_read_row_by_row(write):
    path = write("d.csv", "sep=,\ndeal_id,owner,stage,close_date,amount\nD1,Ann,Won,2024-03-01,5\n")
    assert try_columnar("deals", path, Settings()) == (None, "an Excel sep= line")
    assert [d.deal_id for d in read_deals(path, Settings(currency="SEK")).records] == ["D1"]


def test_a_bad_row_with_too_few_fields_says_so_before_its_other_errors(write):
    path = write("d.csv", "deal_id,owner,stage,close_date,amount,kind,note\n"
                          "D1,Ann,Won,2024-03-01,100,new\n"  # the note left out: fine
                          "D2,Ann,2024-03-01,100,new,x\n"  # the stage left out: cells shift
                          "D3,Bo,Won,2024-03-01,200,new,x\n")
    assert read_rows(path).short_rows == ((2, 6), (3, 6))
    with pytest.raises(ImportRejected) as exc:
        read_deals(path, Settings(currency="SEK"))
    assert [(e.line, e.column, e.value, e.reason) for e in exc.value.errors] == [
        (3, None, None, "has 6 fields but the header has 7"),
        (3, "amount", "new", "is not an amount"),
        (3, "close_date", "100", "is not a date (use 2024-01-31 or 2024-01-31T10:00:00Z)"),
        (3, "kind", "x", "is not a deal kind kvot knows")]


def test_a_column_name_given_twice_is_an_error_when_kvot_reads_that_field(write):
    path = write("d.csv", "deal_id,owner,stage,close_date,Amount,amount,note,note\n"
                          "D1,Ann,Won,2024-03-01,5,6,x,y\n")
    assert read_rows(path).repeated_headers == ("Amount", "note")
    with pytest.raises(ImportRejected) as exc:
        read_deals(path, Settings(currency="SEK"))
    [error] = exc.value.errors
    assert (error.line, error.column, error.reason, error.fix) == (
        1, "Amount", "names 2 columns: kvot cannot tell which one holds the amount",
        'rename the others, or map the field to one: [mapping] amount = "Amount (2)"')


def test_hidden_xlsx_rows_are_read_and_named_in_a_note(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    for row in (["Hidden title"], ["rep", "period", "amount"], ["Anna", "2025-01", 100],
                ["Bo", "2025-01", 200], ["Cia", "2025-01", 300]):
        ws.append(row)
    for number in (1, 4):  # a hidden title row above the header is not a data row
        ws.row_dimensions[number].hidden = True
    book.create_sheet("Second")
    book.move_sheet("Second", offset=-1)  # the sheet read is not the first part in the file
    book.active = 1
    path = tmp_path / "quotas.xlsx"
    book.save(path)
    assert read_rows(path, sheet="Sheet").hidden_lines == (4,)
    result = read_quotas(path, Settings(currency="SEK"), sheet="Sheet")
    assert sorted((q.rep, q.amount) for q in result.records) == [
        ("Anna", 100), ("Bo", 200), ("Cia", 300)]
    assert ("row(s) hidden in the sheet imported like the others (line 4); delete them from "
            "the sheet if they should not count") in result.notes


def test_one_field_under_two_spellings_is_an_error_not_the_last_column(write):
    path = write("d.csv", "deal_id,owner,stage,close_date,amount,Close Date\n"
                          "D1,Ann,Won,2024-03-01,5,2024-04-01\n")
    with pytest.raises(ImportRejected) as exc:
        read_deals(path, Settings(currency="SEK"))
    [error] = exc.value.errors
    assert (error.line, error.column, error.reason, error.fix) == (
        1, "Close Date", "and 'close_date' are the same name to kvot: it cannot tell which column "
                         "holds the close_date", "rename or remove all but one of them")


@pytest.mark.parametrize("row, total", [
    ("Total,,,,,1970.57,USD", True), ("Total,,,,,1970.57,usd", True),
    ("Total,,,,,1970.57,ABC", False),  # not a currency: data (and a bad row)
    ("Summa,,,,,(1970.57 kr),", True), ("Total,,,,,12 %,", True),
])
def test_a_total_rows_other_cells_are_numbers_or_iso_currency_codes(row, total):
    from kvot.ingest.readers import is_total_row

    assert is_total_row(row.split(",")) is total
