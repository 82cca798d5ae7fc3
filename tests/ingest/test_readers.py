from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest

from kvot.errors import ImportRejected
from kvot.ingest.readers import cell_text, read_rows, sniff_delimiter


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
