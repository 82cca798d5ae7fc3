"""Property tests of the parsers and import invariants; a corpus of malformed files.

Malformed files must give a clear error naming the file (``kvot.KvotError``), never another
exception, and leave every table of the workspace as it was.
"""
import io
import random
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kvot
from kvot.config import Settings
from kvot.ingest import read_deals
from kvot.ingest.dates import FormatAmbiguous, date_order, parse_date
from kvot.ingest.parse import decimal_style, parse_amount

FAST = settings(max_examples=60, deadline=None)
SLOW = settings(max_examples=6, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

# (decimal style, thousands separator, decimal mark)
NUMBER_STYLES = [("comma", " ", ","), ("comma", "\u00a0", ","), ("comma", "\u202f", ","),
                 ("comma", ".", ","), ("comma", "", ","), ("point", ",", "."),
                 ("point", " ", "."), ("point", "'", "."), ("point", "", ".")]
MARKS = [("", ""), ("", " kr"), ("", " SEK"), ("SEK ", ""), ("€", ""), ("", " €"), ("$", ""),
         ("USD ", ""), ("", " USD")]


def _format(value: Decimal, thousands: str, point: str) -> str:
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", thousands)
    return sign + grouped + (point + fraction if fraction else "")


amounts = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2,
                      allow_nan=False, allow_infinity=False)


@FAST
@given(amounts, st.sampled_from(NUMBER_STYLES), st.sampled_from(MARKS))
def test_formatted_amounts_round_trip_in_every_style(value, style, mark):
    name, thousands, point = style
    text = mark[0] + _format(value, thousands, point) + mark[1]
    assert parse_amount(text, name) == value


@FAST
@given(st.lists(amounts, min_size=1, max_size=8), st.sampled_from(NUMBER_STYLES))
def test_a_column_with_one_decimal_value_decides_its_style(values, style):
    name, thousands, point = style
    texts = [_format(v, thousands, point) for v in values] + [f"7{point}25"]
    assert decimal_style(texts) == name
    assert [parse_amount(t, name) for t in texts[:-1]] == values


dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


@FAST
@given(st.lists(dates, min_size=1, max_size=10), st.sampled_from(["day-first", "month-first"]),
       st.sampled_from("/.-"))
def test_date_order_is_decided_once_per_column_or_named_as_ambiguous(days, order, sep):
    def text(d):
        first, second = (d.day, d.month) if order == "day-first" else (d.month, d.day)
        return f"{first:02d}{sep}{second:02d}{sep}{d.year}"

    texts = [text(d) for d in days]
    settles = any(d.day > 12 for d in days)
    if settles:
        assert date_order(texts) == order
    else:
        with pytest.raises(FormatAmbiguous, match='pass --date-format day-first'):
            date_order(texts)
    assert [parse_date(t, order) for t in texts] == days


@FAST
@given(dates)
def test_iso_dates_and_excel_serials_round_trip(day):
    assert parse_date(day.isoformat()) == day
    serial = (day - date(1899, 12, 30)).days
    assert parse_date(str(serial), serial=True) == day


# --- import invariants -----------------------------------------------------------------------

deal_rows = st.lists(
    st.tuples(st.sampled_from(["Ann", "Bo", "Cy"]), st.sampled_from(["Won", "Lost", "Open"]),
              st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 12, 31)),
              st.decimals(min_value=0, max_value=100000, places=2)),
    min_size=1, max_size=12)


def _csv(rows, ids) -> str:
    return "deal_id,owner,stage,close_date,amount\n" + "".join(
        f"D{i},{o},{s},{d.isoformat()},{a}\n" for i, (o, s, d, a) in zip(ids, rows))


def _deal_table(ws):
    return sorted(ws.execute("SELECT deal_id, owner_id, is_won, close_on, mrr FROM deals"))


def _all_tables(ws):
    names = [r[0] for r in ws.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_name NOT LIKE '\\_kvot%' "
        "ESCAPE '\\' ORDER BY 1")]
    return {n: sorted(map(repr, ws.execute(f'SELECT * FROM "{n}"'))) for n in names}


@SLOW
@given(deal_rows, st.randoms(use_true_random=False))
def test_row_order_does_not_change_the_records(tmp_path, rows, rnd):
    ids = list(range(len(rows)))
    (tmp_path / "a.csv").write_text(_csv(rows, ids), encoding="utf-8")
    order = ids[:]
    rnd.shuffle(order)
    (tmp_path / "b.csv").write_text(_csv([rows[i] for i in order], order), encoding="utf-8")
    a = read_deals(tmp_path / "a.csv", Settings()).records
    b = read_deals(tmp_path / "b.csv", Settings()).records
    key = lambda r: r.deal_id  # noqa: E731
    strip = lambda rs: [r.__class__(**{**r.__dict__, "line": 0}) for r in sorted(rs, key=key)]  # noqa: E731
    assert strip(a) == strip(b)


@SLOW
@given(deal_rows, st.integers(min_value=1, max_value=11))
def test_chunking_and_importing_twice_change_nothing(tmp_path, rows, cut):
    ids = list(range(len(rows)))
    config = tmp_path / "empty.toml"
    config.write_text("", encoding="utf-8")
    whole, part1, part2 = (tmp_path / n for n in ("whole.csv", "p1.csv", "p2.csv"))
    whole.write_text(_csv(rows, ids), encoding="utf-8")
    cut = min(cut, len(rows))
    part1.write_text(_csv(rows[:cut], ids[:cut]), encoding="utf-8")
    ws1, ws2 = kvot.open_workspace(":memory:"), kvot.open_workspace(":memory:")
    try:
        kvot.import_file(ws1, "deals", whole, config=config)
        once = _all_tables(ws1)
        again = kvot.import_file(ws1, "deals", whole, config=config)
        assert again.rows_changed == 0
        assert _all_tables(ws1) == once
        kvot.import_file(ws2, "deals", part1, config=config)
        if cut < len(rows):
            part2.write_text(_csv(rows[cut:], ids[cut:]), encoding="utf-8")
            kvot.import_file(ws2, "deals", part2, config=config)
        assert _deal_table(ws2) == _deal_table(ws1)
    finally:
        ws1.close()
        ws2.close()


# --- malformed files -------------------------------------------------------------------------

HEADER = "deal_id,owner,stage,close_date,amount\n"
GOOD = HEADER + "D1,Ann,Won,2024-03-01,100\n"


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


CORPUS = {
    "empty.csv": (b"", "is empty"),
    "blank-lines.csv": (b"\r\n \n\n", "is empty"),
    "header-only.csv": (HEADER.encode(), "has a header but no data rows"),
    "truncated.csv": ((HEADER + 'D1,Ann,Won,2024-03-01,"12').encode(),
                      "has a quoted field that is never closed"),
    "binary.csv": (bytes(range(256)) * 4, "is not a text file"),
    "png.csv": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "is not a text file"),
    "utf16.csv": (GOOD.encode("utf-16-le"), "looks like UTF-16 text without a byte order mark"),
    "long-line.csv": ((HEADER + "D1,Ann,Won,2024-03-01," + "9" * 3_000_000 + "\n").encode(),
                      "has a field longer than"),
    "huge-amount.csv": ((HEADER + "D1,Ann,Won,2024-03-01," + "9" * 40 + "\n").encode(),
                        "is too large for an amount"),
    "formula.csv": ((HEADER + 'D1,"=HYPERLINK(""http://x"",""click"")",Won,2024-03-01,1\n'
                     ).encode(), "is a spreadsheet formula, not a value"),
    "dde.csv": ((HEADER + "D1,Ann,Won,2024-03-01,\"=cmd|' /C calc'!A0\"\n").encode(),
                "is a spreadsheet formula, not a value"),
    "old.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old binary Excel file"),
    "fake.xlsx": (b"PK\x03\x04 not really a zip", "cannot be opened as an Excel workbook"),
    "cut.xlsx": (_xlsx([["deal_id", "amount"], ["D1", 1]])[:900],
                 "cannot be opened as an Excel workbook"),
    "header-only.xlsx": (_xlsx([["Deals 2024"], ["deal_id", "owner", "stage", "close_date",
                                                 "amount"]]), "has a header but no data rows"),
}


@pytest.mark.parametrize("name", list(CORPUS))
def test_malformed_file_is_rejected_clearly_and_changes_nothing(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    content, message = CORPUS[name]
    Path("good.csv").write_text(GOOD, encoding="utf-8")
    Path(name).write_bytes(content)
    Path("empty.toml").write_text("", encoding="utf-8")
    ws = kvot.open_workspace(":memory:")
    try:
        kvot.import_file(ws, "deals", "good.csv", config=Path("empty.toml"))
        before = _all_tables(ws), ws.execute("SELECT count(*) FROM _kvot_imports")
        with pytest.raises(kvot.KvotError) as exc:
            kvot.import_file(ws, "deals", name, config=Path("empty.toml"))
        assert name in str(exc.value) and message in str(exc.value)
        assert (_all_tables(ws), ws.execute("SELECT count(*) FROM _kvot_imports")) == before
    finally:
        ws.close()


def test_a_wrong_encoding_option_is_named(write):
    path = write("d.csv", GOOD.replace("Ann", "Åsa"), "cp1252")
    with pytest.raises(kvot.ImportRejected, match="d.csv: cannot be read as utf-8"):
        read_deals(path, Settings(), encoding="utf-8")


def test_total_rows_are_skipped_with_a_note(write):
    path = write("d.csv", GOOD + "Grand Totals (1 record),,,,100\n")
    result = read_deals(path, Settings())
    assert [d.deal_id for d in result.records] == ["D1"]
    assert "total row(s) ignored (line 3)" in result.notes


def test_random_bytes_never_crash(tmp_path):
    rnd = random.Random(7)
    for n in range(40):
        path = tmp_path / f"r{n}.csv"
        path.write_bytes(GOOD.encode()[:rnd.randrange(len(GOOD))] +
                         bytes(rnd.randrange(256) for _ in range(rnd.randrange(40))))
        try:
            read_deals(path, Settings())
        except kvot.KvotError as exc:
            assert str(path) in str(exc)
