"""Every import is a version: as-of figures, undo, and rows set aside with --on-error skip."""
from __future__ import annotations

import textwrap
from datetime import date

import pytest

import kvot
from tests.conftest import D, figures, new_workspace

V1 = """
    deal_id,owner,stage,close_date,amount,currency
    D1,Anna,Won,2025-03-10,1000,SEK
    D2,Anna,Won,2025-03-11,200,SEK
    """
V2 = """
    deal_id,owner,stage,close_date,amount,currency
    D1,Anna,Closed Lost,2025-03-10,1000,SEK
    D2,Anna,Won,2025-03-11,200,SEK
    D3,Anna,Won,2025-03-12,30,SEK
    """


@pytest.fixture(params=["duckdb", "postgres"])
def workspace(request):
    cleanups: list = []
    yield new_workspace(request.param, cleanups)
    for cleanup in cleanups:
        cleanup()


@pytest.fixture
def imported(tmp_path, workspace):
    """Import V1 (dated 2025-04-01), then V2 (today): D1 is lost later, D3 is new."""
    config = tmp_path / "empty.toml"
    config.write_text("")

    def load(name, text):
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip())
        return kvot.import_file(workspace, "deals", path, config=config, reporting_currency="SEK")

    first = load("v1.csv", V1)
    workspace.execute("UPDATE _kvot_imports SET imported_at = ? WHERE import_id = ?",
                      [date(2025, 4, 1), first.import_id])
    second = load("v2.csv", V2)
    return workspace, config, first, second


def march(workspace, config, **kw):
    return figures(kvot.attainment(workspace, config=config, **kw))[("Anna", "2025-03")][0]


def test_a_deal_lost_later_leaves_mrr_closed_and_as_of_recomputes_what_was_known(imported):
    workspace, config, first, second = imported
    assert second.rows_changed == 2  # D1 changed, D3 new; D2 identical
    assert march(workspace, config) == D("230")
    assert march(workspace, config, as_of=date(2025, 4, 2)) == D("1200")


def test_as_of_before_any_import_is_an_error(imported):
    workspace, config, _, _ = imported
    with pytest.raises(kvot.KvotError, match="nothing had been imported by 2025-03-01"):
        kvot.attainment(workspace, config=config, as_of=date(2025, 3, 1))


def test_undo_takes_an_import_back_and_restores_the_rows_it_replaced(imported):
    workspace, config, first, second = imported
    done = kvot.undo_import(workspace, second.import_id)
    assert (done.removed, done.restored) == (2, 1)  # D1 (lost) and D3 go; D1 (won) returns
    assert march(workspace, config) == D("1200")
    undone = [i for i in kvot.imports(workspace) if i["import_id"] == second.import_id][0]
    assert undone["undone_at"] is not None


def test_an_import_partly_replaced_later_cannot_be_undone_first(imported):
    workspace, _, first, second = imported
    with pytest.raises(kvot.KvotError, match=f"replaced by later import\\(s\\) #{second.import_id}"):
        kvot.undo_import(workspace, first.import_id)


def test_reimporting_the_same_file_adds_no_history(imported, tmp_path):
    workspace, config, _, second = imported
    before = workspace.execute("SELECT count(*) FROM _kvot_history_deals")[0][0]
    again = kvot.import_file(workspace, "deals", tmp_path / "v2.csv", config=config)
    assert again.rows_changed == 0
    assert workspace.execute("SELECT count(*) FROM _kvot_history_deals")[0][0] == before == 1


BAD_ROWS = """
    deal_id,owner,stage,close_date,amount,currency
    D1,Anna,Won,2025-03-10,1000,SEK
    D2,Anna,Won,2025-03-32,200,SEK
    D3,Anna,Won,2025-03-12,lots,SEK
    D4,Anna,Won,2025-03-13,40,SEK
    """


def test_on_error_skip_sets_bad_rows_aside_and_imports_the_rest(tmp_path, workspace):
    path = tmp_path / "deals.csv"
    path.write_text(textwrap.dedent(BAD_ROWS).lstrip())
    config = tmp_path / "empty.toml"
    config.write_text("")
    with pytest.raises(kvot.ImportRejected):
        kvot.import_file(workspace, "deals", path, config=config)
    assert workspace.execute("SELECT count(*) FROM deals")[0][0] == 0
    result = kvot.import_file(workspace, "deals", path, config=config, on_error="skip",
                              reporting_currency="SEK")
    assert result.rows_rejected == 2
    assert march(workspace, config) == D("1040")
    rejects = kvot.rejects(workspace)
    assert [(r["line"], r["column"], r["value"]) for r in rejects] == [
        (3, "close_date", "2025-03-32"), (4, "amount", "lots")]
    assert all(r["file"].endswith("deals.csv") and r["reason"] for r in rejects)


def test_a_row_with_two_bad_cells_is_one_row_set_aside_with_both_reasons(tmp_path, workspace):
    path = tmp_path / "deals.csv"
    path.write_text(textwrap.dedent("""
        deal_id,owner,stage,close_date,amount,currency
        D1,Anna,Won,2025-03-10,1000,SEK
        D2,Anna,Won,2025-03-32,lots,SEK
        """).lstrip())
    result = kvot.import_file(workspace, "deals", path, on_error="skip", reporting_currency="SEK")
    assert result.rows_rejected == 1
    assert sorted((r["line"], r["column"]) for r in kvot.rejects(workspace)) == [
        (3, "amount"), (3, "close_date")]
    [logged] = [i for i in kvot.imports(workspace) if i["import_id"] == result.import_id]
    assert logged["rows_rejected"] == 1


@pytest.mark.parametrize("odd_row, column", [
    ('D2,Anna,Won,2025-03-11,"12,5",SEK', "amount"),  # the other decimal mark
    ("D2,Anna,Won,03/04/2025,12.5,SEK", "close_date"),  # day-first or month-first
])
def test_on_error_skip_rejects_the_whole_file_when_a_columns_format_is_not_settled(
        tmp_path, workspace, odd_row, column):
    path = tmp_path / "deals.csv"
    path.write_text("deal_id,owner,stage,close_date,amount,currency\n"
                    f"D1,Anna,Won,2025-03-10,10.50,SEK\n{odd_row}\nD3,Anna,Won,2025-03-12,7.25,SEK\n")
    with pytest.raises(kvot.ImportRejected) as exc:
        kvot.import_file(workspace, "deals", path, on_error="skip", reporting_currency="SEK")
    assert [(e.line, e.column) for e in exc.value.errors] == [(3, column)]
    assert exc.value.errors[0].fix.endswith("; --on-error skip sets bad rows aside, but this "
                                            "decides how every row of the column reads")
    assert workspace.execute("SELECT count(*) FROM deals")[0][0] == 0


def test_as_of_on_spark_says_the_parquet_export_has_no_history(tmp_path):
    from tests.conftest import make_builder

    cleanups: list = []
    ws = make_builder("spark", tmp_path, cleanups)(deals=V1, settings={"reporting_currency": "SEK"})
    with pytest.raises(kvot.errors.KvotError) as exc:
        kvot.attainment(ws, by="company", as_of=date(2025, 4, 1))
    assert str(exc.value) == ("--as-of recomputes from the imports log and the replaced rows, "
                              "which Parquet exports do not hold: run it on the DuckDB or "
                              "PostgreSQL workspace")
    for cleanup in cleanups:
        cleanup()
