"""The report table's drawing: widths in terminal cells, justification, Rich's box."""
from __future__ import annotations

from kvot.cli.text_table import draw_table


def test_columns_are_as_wide_as_their_longest_cell_and_numbers_align_right():
    text = draw_table([("Name", "left"), ("MRR", "right")],
                      [["Örjan", "1 000.00"], ["Bo", "12.50"]], "by rep")
    assert text == (
        "┏━━━━━━━┳━━━━━━━━━━┓\n"
        "┃ Name  ┃      MRR ┃\n"
        "┡━━━━━━━╇━━━━━━━━━━┩\n"
        "│ Örjan │ 1 000.00 │\n"
        "│ Bo    │    12.50 │\n"
        "└───────┴──────────┘\n"
        "by rep\n")


def test_wide_characters_take_two_cells():
    text = draw_table([("Name", "left")], [["東京"], ["Bo"]])
    assert text.splitlines()[3:5] == ["│ 東京 │", "│ Bo   │"]


def test_reps_of_the_same_name_are_told_apart_by_id_in_the_table(build):
    import kvot
    from kvot.cli.render import render_report

    ws = build(reps="""
        rep_id,name
        r1,Sam Lee
        r2,Sam Lee
        r3,Ann Berg
        """, deals="""
        deal_id,owner,stage,close_date,amount,currency
        D1,r1,Won,2025-01-10,100,SEK
        D2,r2,Won,2025-01-11,200,SEK
        D3,r3,Won,2025-01-12,300,SEK
        """, settings={"reporting_currency": "SEK"})
    table = render_report(kvot.attainment(ws), "table")
    names = [line.split("│")[1].strip() for line in table.splitlines() if line.startswith("│")]
    assert sorted(names) == ["Ann Berg", "Sam Lee (r1)", "Sam Lee (r2)"]
