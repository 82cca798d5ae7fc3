"""The columnar deals and credits readers give exactly what the row readers give, or step aside.

``columnar_corpus/cases.json`` lists every deals and credits CSV the rest of the suite reads or
imports (recorded from a run of the suite: the file, or a shared data set, and its settings).
Each is imported into one workspace row by row and into another column-wise; the workspaces
must hold the same rows, notes and errors. Credits are imported into a workspace holding a deal
for each of their deal ids, and into one without deals.
"""
from __future__ import annotations

import json
import random
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from kvot.config import Settings, from_mapping
from kvot.errors import ImportRejected, KvotError
from kvot.ingest.amounts_table import mrr_sql, split
from kvot.ingest import read_credits, read_deals
from kvot.ingest.columnar import try_columnar
from kvot.ingest.mrr import monthly_amount
from kvot.ingest.parse import parse_amount
from kvot.store.imports import import_file
from kvot.store.workspace import open_workspace

CORPUS = Path(__file__).parent / "columnar_corpus"
CASES = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))
from tests.conftest import SHARED_DATA as SHARED  # noqa: E402
TABLES = ("deals", "credits", "reps", "_kvot_imports", "_kvot_rejects")
COLUMNAR_USED: list[str] = []


def _case_file(case: dict, tmp_path: Path) -> Path:
    """The case's file, copied under its own name (errors name the file)."""
    if "shared" in case:
        source = SHARED / case["shared"]
        if not source.exists():
            pytest.skip(f"public data file {source} is not present (it lives beside the "
                        "repository, or set KVOT_SHARED_DATA to its folder)")
        name = source.name
    else:
        source = CORPUS / case["file"]
        name = case["file"].split("-", 1)[1]
    path = tmp_path / name
    shutil.copy(source, path)
    return path


def _deal_ids(path: Path, settings: Settings) -> list[str]:
    try:
        return sorted({r.deal_id for r in read_credits(path, settings).records})
    except KvotError:
        return []


def _import(kind: str, path: Path, settings: Settings, workspace: Path, columnar: bool,
            deals: list[str]):
    ws = open_workspace(str(workspace))
    ws.executemany("INSERT INTO deals VALUES (?, NULL, NULL, 'Won', true, 'new', NULL, "
                   "DATE '2024-01-01', 0, 'mrr', 1, 0, 'USD', 0, 1)", [(d,) for d in deals])
    try:
        import_file(ws, kind, path, settings, columnar=columnar)
        outcome = None
    except ImportRejected as exc:
        outcome = ("rejected", exc.errors)
    except KvotError as exc:
        outcome = (type(exc).__name__, str(exc))
    rows = {t: ws.execute(f"SELECT * EXCLUDE ({'imported_at' if t == '_kvot_imports' else 'import_id'})"
                          f" FROM {t} ORDER BY ALL") for t in TABLES}
    ws.close()
    return outcome, rows


@pytest.mark.parametrize("case", CASES, ids=[f"{c['kind']}-{c.get('file') or c['shared']}"
                                             for c in CASES])
def test_columnar_import_equals_row_import(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = _case_file(case, tmp_path)
    settings, kind = from_mapping(case["settings"]), case["kind"]
    for deals in ([], _deal_ids(path, settings)) if kind == "credits" else ([],):
        for n, columnar in enumerate((False, True)):
            (tmp_path / f"{n}.duckdb").unlink(missing_ok=True)
        by_rows = _import(kind, path, settings, tmp_path / "0.duckdb", False, deals)
        by_columns = _import(kind, path, settings, tmp_path / "1.duckdb", True, deals)
        assert by_columns == by_rows
    try:
        if try_columnar(kind, path, settings)[0] is not None:
            COLUMNAR_USED.append((kind, path.name))
    except ImportRejected:  # bad rows found column-wise, listed by the row rules
        COLUMNAR_USED.append((kind, path.name))


def test_most_corpus_files_are_read_column_wise():
    """Guard against a vacuous equivalence: the clean files do take the columnar path."""
    if len(COLUMNAR_USED) < 5:
        pytest.skip("run with the corpus cases")
    assert sum(kind == "deals" for kind, _ in COLUMNAR_USED) >= 30
    assert sum(kind == "credits" for kind, _ in COLUMNAR_USED) >= 5


def _csv(tmp_path: Path, text: str, name: str = "deals.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


GOOD = "deal_id,owner,stage,close_date,amount,kind\nD1,Ann,Won,2024-03-01,1200,new\n"
LOOSE_QUOTES = "a quote inside a field, or white space around a quoted one"


@pytest.mark.parametrize("kind, text, settings, name, reason", [
    ("quotas", GOOD, {}, "deals.csv", "quotas files are read row by row"),
    ("deals", GOOD, {}, "deals.xlsx", "not a .csv file"),
    ("deals", GOOD, {"profile": "stripe"}, "deals.csv", "a subscription export"),
    ("deals", GOOD, {"minor_units": True}, "deals.csv", "amounts in minor units"),
    ("deals", GOOD.replace("kind\n", "kind,line_id\n").replace("new\n", "new,1\n"), {},
     "deals.csv", "line items"),
    ("deals", GOOD.replace("Won,", ",", 1), {"on_error": "skip"}, "deals.csv",
     "bad rows, set aside"),
    ("deals", GOOD.replace("Ann", "=HYPERLINK(A1)"), {}, "deals.csv", "a formula"),
    ("deals", GOOD.replace("Ann", "=A1*2"), {}, "deals.csv", "a formula"),
    *[("deals", GOOD.replace(",Ann,", f",{cell},"), {}, "deals.csv", LOOSE_QUOTES)
      for cell in ('5" screen', ' "Ann"', '"Ann" ', '27"', ' ""', '"" ', ' """x"""')],
    ("deals", GOOD.replace("1200", "\"1,200\""), {}, "deals.csv", "a column's format is ambiguous"),
    ("deals", GOOD + "D2,Ann,Won,2024-03-01\n", {}, "deals.csv",
     "DuckDB cannot read it (InvalidInputException)"),
    ("deals", GOOD.replace("\n", "\r"), {}, "deals.csv", "carriage returns without line feeds"),
    ("deals", GOOD, {"encoding": "cp1252"}, "deals.csv", "encoding cp1252"),
])
def test_the_row_reader_takes_what_the_columnar_reader_refuses(tmp_path, kind, text, settings,
                                                               name, reason):
    path = _csv(tmp_path, text, name)
    assert try_columnar(kind, path, from_mapping(settings)) == (None, reason)


def test_bad_rows_found_column_wise_are_listed_by_the_row_rules(tmp_path):
    text = GOOD + ("D2,Bo,Won,2024-02-30,5,new\nD3,,Won,2024-03-01,x,new\n"
                   "D1,Ann,Won,2024-03-01,1300,new\n")
    path = _csv(tmp_path, text)
    with pytest.raises(ImportRejected) as columnar:
        try_columnar("deals", path, Settings())
    with pytest.raises(ImportRejected) as rows:
        read_deals(path, Settings())
    assert columnar.value.errors == rows.value.errors
    assert [(e.line, e.column) for e in rows.value.errors] == [
        (2, "amount"), (3, "close_date"), (4, "amount"), (4, "owner"), (5, "amount")]


@pytest.mark.parametrize("rows", [
    "D1,Per,Won,2024-02-30,100,new\nD1,Ola,Won,2024-03-01,100,new\n",  # a bad date
    "D1,Per,Won,2024-03-01,100,new\nD1,Ola,Won,2024-03-01,1.2.3,new\n",  # a bad amount
])
def test_a_bad_row_of_a_deal_that_repeats_with_other_values_is_listed_with_the_conflict(
        tmp_path, rows):
    path = _csv(tmp_path, "deal_id,owner,stage,close_date,amount,kind\n" + rows)
    with pytest.raises(ImportRejected) as columnar:
        try_columnar("deals", path, Settings())
    with pytest.raises(ImportRejected) as by_rows:
        read_deals(path, Settings())
    assert columnar.value.errors == by_rows.value.errors
    assert sum("conflicts with line" in e.reason for e in by_rows.value.errors) == 2


def test_a_bom_quoted_fields_doubled_quotes_and_crlf_are_read_column_wise(tmp_path):
    path = tmp_path / "deals.csv"
    path.write_bytes(b'\xef\xbb\xbf"deal_id","name","owner","stage","close_date","amount"\r\n'
                     b'"D1","Acme ""Best"" AB","Ann","Won","2024-03-01","1200"\r\n'
                     b'D2,"","Ann",Won,2024-03-01,"1,5"\r\n')
    result, why = try_columnar("deals", path, Settings(decimal="comma"))
    assert why is None
    deals = result.records.sort_by("line")
    assert deals.column("name").to_pylist() == ['Acme "Best" AB', None]
    assert deals.column("amount").to_pylist() == [Decimal(1200), Decimal("1.5")]


def test_quoted_newlines_blank_and_total_rows_are_read_column_wise(tmp_path):
    text = ('deal_id,name,owner,stage,close_date,amount,kind\n'
            'D1,"Acme\nAB",Ann,Won,2024-03-01,1200,new\n\n,,,,,,\n'
            'D2,Beta,Bo,Won,2024-03-02," 12 000,50",new\nTotal,,,,,,\n')
    path = _csv(tmp_path, text)
    result, why = try_columnar("deals", path, Settings(decimal="comma"))
    assert why is None
    deals = result.records.sort_by("line")
    assert deals.column("line").to_pylist() == [2, 6]
    assert deals.column("amount").to_pylist() == [Decimal(1200), Decimal("12000.5")]
    assert result.rows_read == 2 and "total row(s) ignored (line 7)" in result.notes


def test_currency_marks_in_amounts_are_read_row_by_row_where_each_row_is_checked(tmp_path):
    path = _csv(tmp_path, "deal_id,owner,stage,close_date,amount,currency\n"
                          "D1,Ann,Won,2024-03-01,12 000 kr,SEK\n")
    assert try_columnar("deals", path, Settings(decimal="comma")) == (None, "currency marks in amounts")


AMOUNTS = ["0", "-0", "5", "-5", "12000.50", "-12000.5", "0.0000000001", "999999999999999.9999999999",
           "123456789012345", "1.5", "-0.05", "00012.30"]


def _random_amounts(rng: random.Random, places: int, count: int) -> list[str]:
    return [f"{rng.choice(['', '-'])}{rng.randrange(10 ** rng.randrange(1, 16))}"
            + (f".{rng.randrange(10 ** places):0{rng.randrange(1, places + 1)}d}"[:places + 1]
               if places and rng.random() < 0.8 else "")
            for _ in range(count)]


@pytest.mark.parametrize("style", ["point", "comma"])
@pytest.mark.parametrize("places", [10, 3])  # 15 + 3 digits: read through DECIMAL(18, 3)
def test_amounts_split_by_duckdb_equal_parse_amount(tmp_path, style, places):
    rng = random.Random(7 + places)
    fixed = AMOUNTS if places == 10 else [a for a in AMOUNTS if len(a.partition(".")[2]) <= places]
    texts = fixed + _random_amounts(rng, places, 3000)
    if style == "comma":
        texts = [t.replace(".", ",") for t in texts]
    path = _csv(tmp_path, "deal_id;owner;stage;close_date;amount;kind\n" + "".join(
        f"D{i};Ann;Won;2024-03-01;{t};new\n" for i, t in enumerate(texts)))
    result, why = try_columnar("deals", path, Settings(decimal=style))
    assert why is None
    expected = [parse_amount(t, style).quantize(Decimal("1e-10")) for t in texts]
    assert result.records.sort_by("line").column("amount").to_pylist() == expected


def test_mrr_in_integers_equals_monthly_amount():
    rng = random.Random(11)
    cases = [(Decimal(rng.randrange(-10 ** 25, 10 ** 25)).scaleb(-10), rng.randrange(1, 1000))
             for _ in range(20000)]
    cases += [(Decimal("0.0000000005"), 1), (Decimal("0.0000000015"), 3), (Decimal("-7.5"), 2),
              (Decimal("999999999999999.9999999999"), 999), (Decimal("0.0000000001"), 2)]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (n INTEGER, ai BIGINT, af BIGINT, m BIGINT)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?)",
                    [(n, *split(a), m) for n, (a, m) in enumerate(cases)])
    whole, fraction = mrr_sql("ai", "af", "m")
    got = con.execute(f"SELECT {whole}, {fraction} FROM t ORDER BY n").fetchall()
    assert got == [split(monthly_amount(a, Decimal(m))) for a, m in cases]


def test_bad_credits_found_column_wise_are_listed_by_the_row_rules(tmp_path):
    text = ("deal_id,rep,share,credit_type\nD1,Ann,60,revenue\nD1,Bo,30,revenue\n"
            "D2,Ann,100,revenue\nD2,ann,90,revenue\nD3,Cy,x,revenue\nD4,Di,100,lead\n"
            "D5,Ed,100,revenue\n")
    path = _csv(tmp_path, text, "credits.csv")
    with pytest.raises(ImportRejected) as columnar:
        try_columnar("credits", path, Settings())
    with pytest.raises(ImportRejected) as rows:
        read_credits(path, Settings())
    assert columnar.value.errors == rows.value.errors
    assert [e.line for e in rows.value.errors] == [2, 3, 4, 5, 6, 7]


def _errors_both_ways(path: Path) -> list:
    """The errors of a deals file that both readers reject, the same from each."""
    with pytest.raises(ImportRejected) as columnar:
        try_columnar("deals", path, Settings())
    with pytest.raises(ImportRejected) as by_rows:
        read_deals(path, Settings())
    assert columnar.value.errors == by_rows.value.errors
    return by_rows.value.errors


def test_a_repeat_closed_on_the_same_day_with_a_time_names_the_dates_as_written(tmp_path):
    path = _csv(tmp_path, "deal_id,owner,stage,close_date,amount,kind\n"
                          "D1,Ann,Won,2023-12-08,5,new\nD1,Ann,Won,2023-12-08T00:00:00Z,5,new\n")
    twice = "deal D1 appears twice with different values"
    assert [(e.line, e.value, e.reason) for e in _errors_both_ways(path)] == [
        (2, "2023-12-08", f"conflicts with line 3 ('2023-12-08T00:00:00+00:00'): {twice}"),
        (3, "2023-12-08T00:00:00+00:00", f"conflicts with line 2 ('2023-12-08'): {twice}")]


def test_a_deal_whose_id_is_a_total_word_is_a_deal_and_a_row_of_numbers_is_a_total(tmp_path):
    path = _csv(tmp_path, "deal_id,name,owner,stage,close_date,amount,currency,kind\n"
                          "D1,Acme,Ann,Won,2024-03-01,1200,USD,new\n"
                          "Sum,Some Co,Ann,Won,2024-03-02,770.57,USD,new\n"
                          "Total,,,,,1970.57,USD,\n"
                          "\"Grand Totals (2 records)\",,,,,\"$1,970.57\",,\n"
                          "Summa,,,,,\"(1 970,57 kr)\",,\n")
    by_columns, why = try_columnar("deals", path, Settings())
    by_rows = read_deals(path, Settings())
    assert why is None and by_columns.notes == by_rows.notes
    assert sorted(by_columns.records.column("deal_id").to_pylist()) == ["D1", "Sum"]
    assert sorted(d.deal_id for d in by_rows.records) == ["D1", "Sum"]
    assert "total row(s) ignored (line 4, 5, 6)" in by_rows.notes


def test_a_bad_currency_is_named_as_written(tmp_path):
    path = _csv(tmp_path, "deal_id,owner,stage,close_date,amount,currency,kind\n"
                          "D1,Ann,Won,2024-03-01,1200,sekk,new\n")
    assert [(e.line, e.column, e.value) for e in _errors_both_ways(path)] == [(2, "currency", "sekk")]
