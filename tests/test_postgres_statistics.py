"""On PostgreSQL every import and undo refreshes the planner's statistics of what it changed.

Without them the planner takes a freshly filled table for empty and plans the attainment query
as nested loops over every deal (at a million deals: more than ten minutes instead of ten
seconds). ``pg_class.reltuples`` is what ANALYZE sets: -1 for a table never analysed.
"""
from __future__ import annotations

import textwrap

import pytest

import kvot
from tests.conftest import new_workspace

DEALS = """
    deal_id,owner,stage,close_date,amount,currency,billing_period
    D1,Anna,Won,2025-03-10,1200,SEK,monthly
    D2,Anna,Won,2025-03-11,200,SEK,monthly
    D3,Bo,Lost,2025-03-12,30,SEK,monthly
    """


@pytest.fixture
def pg():
    cleanups: list = []
    yield new_workspace("postgres", cleanups)
    for cleanup in cleanups:
        cleanup()


def _rows_planned(ws, table: str) -> float:
    return ws.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(?)", [table])[0][0]


def test_an_import_leaves_the_statistics_of_the_tables_it_wrote_up_to_date(pg, tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text(textwrap.dedent(DEALS).lstrip())
    assert _rows_planned(pg, "deals") == -1  # made by the migrations, never analysed
    kvot.import_file(pg, "deals", path, reporting_currency="SEK")
    assert (_rows_planned(pg, "deals"), _rows_planned(pg, "reps")) == (3, 2)
    assert _rows_planned(pg, "quotas") == -1  # not written: left alone


def test_an_undo_refreshes_them_too(pg, tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text(textwrap.dedent(DEALS).lstrip())
    first = kvot.import_file(pg, "deals", path, reporting_currency="SEK")
    kvot.undo_import(pg, first.import_id)
    assert _rows_planned(pg, "deals") == 0
