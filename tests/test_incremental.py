"""Re-importing an export touches only the deals that changed, and never skips one that did.

A column-wise import into a DuckDB workspace stores a hash of the row behind each deal
(``kvot.store.deal_hashes``); the next import of that export reads, parses and writes only the
rows whose hash it does not hold. What else decides a deal — the settings, the rep an owner
resolves to, a deal written another way, an undone import — must make the row count as changed.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import kvot
from tests.conftest import D

EXPORT = """
    deal_id,owner,stage,close_date,amount,currency
    D1,Anna,Won,2025-03-10,1200,SEK
    D2,Anna,Won,2025-03-11,240,SEK
    D2,Anna,Won,2025-03-11,240,SEK
    D3,Bo,Won,2025-03-12,36,SEK
    """
ONE_CHANGED = EXPORT.replace("D3,Bo,Won,2025-03-12,36", "D3,Bo,Won,2025-03-12,48")


@pytest.fixture
def ws(tmp_path):
    workspace = kvot.open_workspace(str(tmp_path / "ws.duckdb"))
    yield workspace
    workspace.close()


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip())
    return path


def _import(ws, path: Path, **settings):
    return kvot.import_file(ws, "deals", path, reporting_currency="SEK", **settings)


def _mrr(ws) -> dict[str, tuple]:
    return {d: (mrr, owner) for d, mrr, owner in ws.execute(
        "SELECT deal_id, mrr, owner_id FROM deals ORDER BY deal_id")}


def _hashes(ws) -> int:
    return ws.execute("SELECT count(*) FROM _kvot_deal_hashes")[0][0]


def test_a_hash_is_kept_for_each_deal_of_a_column_wise_import(ws, tmp_path):
    first = _import(ws, _file(tmp_path, "deals.csv", EXPORT))
    assert (first.rows_changed, _hashes(ws)) == (3, 3)  # D2's repeat is one deal


def _count_staged(monkeypatch) -> list[int]:
    """The number of deals left to write after each import's narrowing."""
    from kvot.store import deal_hashes

    real, left = deal_hashes.narrow, []

    def narrow(workspace, staged):
        narrowed = real(workspace, staged)
        left.append(len(narrowed))
        return narrowed

    monkeypatch.setattr(deal_hashes, "narrow", narrow)
    return left


def test_importing_the_same_export_again_reads_no_deal(ws, tmp_path, monkeypatch):
    left = _count_staged(monkeypatch)
    path = _file(tmp_path, "deals.csv", EXPORT)
    _import(ws, path)
    again = _import(ws, path)
    assert left == [3, 0] and again.rows_changed == 0
    assert _mrr(ws)["D1"] == (D("1200"), "Anna")
    assert ws.execute("SELECT count(*) FROM _kvot_history_deals")[0][0] == 0


def test_only_the_changed_deal_is_written_and_its_old_row_kept(ws, tmp_path, monkeypatch):
    left = _count_staged(monkeypatch)
    _import(ws, _file(tmp_path, "deals.csv", EXPORT))
    second = _import(ws, _file(tmp_path, "deals-2.csv", ONE_CHANGED))
    assert left == [3, 1] and second.rows_changed == 1
    assert _mrr(ws)["D3"] == (D("48"), "Bo")
    history = ws.execute("SELECT deal_id, mrr, superseded_by FROM _kvot_history_deals")
    assert history == [("D3", D("36"), second.import_id)]
    assert ws.execute("SELECT import_id FROM deals WHERE deal_id = 'D1'")[0][0] == 1


def test_other_settings_make_every_row_count_as_changed(ws, tmp_path):
    path = _file(tmp_path, "deals.csv", EXPORT)
    _import(ws, path)
    as_arr = _import(ws, path, amount="arr")
    assert as_arr.rows_changed == 3
    assert _mrr(ws)["D1"] == (D("100"), "Anna")  # 1 200 a year is 100 a month


def test_an_owner_who_now_names_another_rep_changes_the_deal(ws, tmp_path):
    reps = "rep_id,name\nR1,Anna\nR2,Bo\n"
    _import_reps = lambda text: kvot.import_file(ws, "reps", _file(tmp_path, "reps.csv", text))  # noqa: E731
    _import_reps(reps)
    path = _file(tmp_path, "deals.csv", EXPORT)
    _import(ws, path)
    assert _mrr(ws)["D1"][1] == "R1"
    _import_reps("rep_id,name\nR1,Anna Berg\nR2,Bo\nR3,Anna\n")  # "Anna" is R3 now
    again = _import(ws, path)
    assert again.rows_changed == 2
    assert (_mrr(ws)["D1"][1], _mrr(ws)["D3"][1]) == ("R3", "R2")


def test_a_deal_written_row_by_row_is_read_again_next_time(ws, tmp_path):
    path = _file(tmp_path, "deals.csv", EXPORT)
    _import(ws, path)
    changed = _file(tmp_path, "deals-2.csv", ONE_CHANGED)
    kvot.import_file(ws, "deals", changed, reporting_currency="SEK", on_error="skip")
    assert _hashes(ws) == 3  # on_error=skip with no bad row still reads column-wise
    from kvot.config import Settings
    from kvot.store.imports import import_file
    import_file(ws, "deals", changed, Settings(reporting_currency="SEK"), columnar=False)
    assert _hashes(ws) == 0
    back = _import(ws, path)
    assert back.rows_changed == 1 and _mrr(ws)["D3"] == (D("36"), "Bo")


def test_an_undone_import_takes_its_hashes_with_it(ws, tmp_path):
    path = _file(tmp_path, "deals.csv", EXPORT)
    _import(ws, path)
    second = _import(ws, _file(tmp_path, "deals-2.csv", ONE_CHANGED))
    kvot.undo_import(ws, second.import_id)
    assert _mrr(ws)["D3"] == (D("36"), "Bo")
    again = _import(ws, _file(tmp_path, "deals-3.csv", ONE_CHANGED))
    assert again.rows_changed == 1 and _mrr(ws)["D3"] == (D("48"), "Bo")


def test_a_deal_edited_back_to_an_earlier_version_is_written(ws, tmp_path):
    path = _file(tmp_path, "deals.csv", EXPORT)
    _import(ws, path)
    _import(ws, _file(tmp_path, "deals-2.csv", ONE_CHANGED))
    back = _import(ws, path)  # the first export again: D3 goes back to 36
    assert back.rows_changed == 1 and _mrr(ws)["D3"] == (D("36"), "Bo")


def test_a_setting_that_only_changes_what_a_cell_means_counts_too(ws, tmp_path):
    path = _file(tmp_path, "deals.csv", "deal_id,owner,stage,close_date,amount,kind\n"
                                        "D1,Anna,Won,2025-03-10,100,Ny\n")
    _import(ws, path, kinds={"Ny": "new"})
    again = _import(ws, path, kinds={"Ny": "expansion"})
    assert again.rows_changed == 1
    assert ws.execute("SELECT kind FROM deals")[0][0] == "expansion"


def test_a_hash_goes_with_the_import_that_wrote_the_row_not_the_one_that_read_it(ws, tmp_path):
    a = _file(tmp_path, "a.csv", EXPORT)
    from kvot.config import Settings
    from kvot.store.imports import import_file
    first = import_file(ws, "deals", a, Settings(reporting_currency="SEK"), columnar=False)
    _import(ws, a)  # reads the rows, finds the deals as they are, writes nothing
    kvot.undo_import(ws, first.import_id)  # the deals go
    again = _import(ws, a)
    assert again.rows_changed == 3 and set(_mrr(ws)) == {"D1", "D2", "D3"}


def test_a_setting_of_the_reports_only_neither_skips_nor_strands_a_deal(ws, tmp_path):
    a, b = _file(tmp_path, "a.csv", EXPORT), _file(tmp_path, "b.csv", ONE_CHANGED)
    _import(ws, a)
    second = _import(ws, b)
    _import(ws, b, fiscal_year_start_month=4)  # another seed: read again, nothing written
    kvot.undo_import(ws, second.import_id)  # D3 back to 36
    again = _import(ws, b)
    assert again.rows_changed == 1 and _mrr(ws)["D3"] == (D("48"), "Bo")


# --- A sequence of edited exports: with hashes, the workspace ends as it would without them ---

OWNERS = ("Anna", "Bo", "Cecilia")
STAGES = ("Won", "Won", "Lost", "Proposal")


def _row(rng, deal: int) -> list[str]:
    stage = rng.choice(STAGES)
    return [f"D{deal}", f"Kund {rng.randint(1, 9)} AB", rng.choice(OWNERS), stage,
            f"2025-0{rng.randint(1, 9)}-{rng.randint(10, 28)}", str(rng.randint(1, 999) * 12),
            "SEK", rng.choice(("monthly", "quarterly", "annual"))]


def _edited(rng, rows: list[list[str]], next_id: int) -> tuple[list[list[str]], int]:
    """The next export: some cells changed, rows added, repeated, dropped and moved."""
    rows = [list(r) for r in {r[0]: r for r in reversed(rows)}.values()]  # one row per deal
    for row in rng.sample(rows, k=max(1, len(rows) // 4)):
        column = rng.choice((1, 2, 3, 4, 5, 7))
        row[column] = _row(rng, 0)[column]
    rows += [_row(rng, next_id + k) for k in range(rng.randint(0, 3))]
    rows += [list(r) for r in rng.sample(rows, k=2)]  # identical repeats
    for _ in range(rng.randint(0, 2)):
        rows.pop(rng.randrange(len(rows)))  # a deal left out is kept, as without hashes
    rng.shuffle(rows)
    return rows, next_id + 3


def _export(tmp_path: Path, step: int, rows: list[list[str]]) -> Path:
    header = "deal_id,name,owner,stage,close_date,amount,currency,billing_period"
    path = tmp_path / f"export-{step}.csv"
    path.write_text("\n".join([header] + [",".join(r) for r in rows]) + "\n")
    return path


def _state(ws) -> dict[str, list]:
    tables = ("deals", "_kvot_history_deals")
    state = {t: ws.execute(f"SELECT * FROM {t} ORDER BY ALL") for t in tables}
    state["imports"] = ws.execute(
        "SELECT import_id, rows_read, rows_changed FROM _kvot_imports ORDER BY import_id")
    return state


@pytest.mark.parametrize("seed", range(6))
def test_imports_that_use_the_hashes_leave_what_full_comparisons_leave(tmp_path, seed):
    import random

    rng = random.Random(seed)
    hashed = kvot.open_workspace(str(tmp_path / "hashed.duckdb"))
    compared = kvot.open_workspace(str(tmp_path / "compared.duckdb"))
    rows, next_id = [_row(rng, k) for k in range(1, 13)], 13
    used = 0
    for step in range(5):
        path = _export(tmp_path, step, rows)
        amount = rng.choice(("per_billing_period", "per_billing_period", "arr"))
        before = _hashes(hashed)
        _import(hashed, path, amount=amount)
        used += before > 0
        compared.execute("DELETE FROM _kvot_deal_hashes")  # every deal compared in full
        _import(compared, path, amount=amount)
        assert _state(hashed) == _state(compared), (seed, step)
        rows, next_id = _edited(rng, rows, next_id)
    assert used == 4  # every import after the first had hashes to go by
    hashed.close()
    compared.close()
