"""Deal ids holding a character that shows as nothing are refused, by both readers alike."""
from __future__ import annotations

import sys
import unicodedata

import duckdb
import pytest

from kvot.config import Settings
from kvot.errors import ImportRejected
from kvot.ingest import read_deals
from kvot.ingest.columnar import try_columnar
from kvot.ingest.invisible import FIX, INVISIBLE, invisible_reason, invisible_sql


def test_every_format_character_this_python_knows_is_invisible():
    known = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}
    assert known - INVISIBLE == set(), "add these to kvot.ingest.invisible.RANGES"


TEXTS = ["D1", "Åsa-1", "D2\u200b", "\ufeffD3", "D\u00ad4", "D5\U000e0041", "D6\u2060", "日本-7", ""]


def test_the_sql_finds_exactly_what_python_finds():
    con = duckdb.connect()
    found = con.execute(f"SELECT t, {invisible_sql('t')} FROM unnest(?) AS x(t)", [TEXTS]).fetchall()
    assert dict(found) == {t: invisible_reason(t) is not None for t in TEXTS}
    assert [t for t in TEXTS if invisible_reason(t)] == ["D2\u200b", "\ufeffD3", "D\u00ad4",
                                                         "D5\U000e0041", "D6\u2060"]


def test_a_deal_id_with_a_zero_width_space_or_a_byte_order_mark_is_refused_by_both_readers(tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text("deal_id,owner,stage,close_date,amount,kind\n"
                    "D1,Ann,Won,2024-03-01,1200,new\n"
                    "D1\u200b,Ann,Won,2024-03-01,1200,new\n"
                    "\ufeffD2,Ann,Won,2024-03-01,5,new\n"
                    "Åsa-3,Ann,Won,2024-03-01,5,new\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as columnar:
        try_columnar("deals", path, Settings())
    with pytest.raises(ImportRejected) as by_rows:
        read_deals(path, Settings())
    assert columnar.value.errors == by_rows.value.errors
    assert [(e.line, e.column, e.value, e.reason, e.fix) for e in by_rows.value.errors] == [
        (3, "deal_id", "D1\u200b",
         "holds an invisible character (U+200B ZERO WIDTH SPACE) at position 3", FIX),
        (4, "deal_id", "\ufeffD2",
         "holds an invisible character (U+FEFF ZERO WIDTH NO-BREAK SPACE) at position 1", FIX)]


def test_emoji_made_with_joiners_or_tags_are_ordinary_ids_by_both_readers(tmp_path):
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man, joiner, woman, joiner, girl
    scotland = "\U0001f3f4" + "".join(chr(0xE0000 + ord(c)) for c in "gbsct") + "\U000e007f"
    assert invisible_reason(f"{family}-4") is None and invisible_reason(f"{scotland}-5") is None
    assert invisible_reason("D\u200d6") is not None  # a joiner between letters shows nothing
    path = tmp_path / "deals.csv"
    path.write_text("deal_id,owner,stage,close_date,amount,kind\n"
                    f"{family}-4,Ann,Won,2024-03-01,5,new\n{scotland}-5,Ann,Won,2024-03-01,5,new\n",
                    encoding="utf-8")
    by_rows = read_deals(path, Settings())
    assert sorted(d.deal_id for d in by_rows.records) == sorted([f"{family}-4", f"{scotland}-5"])
    result, why = try_columnar("deals", path, Settings())
    assert result is None and why == "bad rows the row rules do not confirm"  # read row by row
