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
