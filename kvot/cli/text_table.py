"""A box-drawn text table, written line by line: Rich's look at any number of rows.

Rich lays out every cell of a table before printing it, about a millisecond a row: a year of a
2 000-rep team by month took 17 seconds. Report tables can have a hundred thousand rows, so
they are drawn here instead: column widths from the longest cell (in terminal cells, so wide
characters line up), the same heavy-headed box Rich draws, the caption below.
"""
from __future__ import annotations

from rich.cells import cell_len


def _fit(text: str, width: int, justify: str) -> str:
    pad = " " * (width - cell_len(text))
    return pad + text if justify == "right" else text + pad


def _rule(left: str, line: str, cross: str, right: str, widths: list[int]) -> str:
    return left + cross.join(line * (w + 2) for w in widths) + right


def _line(edge: str, cells: list[str], widths: list[int], justify: list[str]) -> str:
    parts = (f" {_fit(c, w, j)} " for c, w, j in zip(cells, widths, justify))
    return edge + edge.join(parts) + edge


def draw_table(columns: list[tuple[str, str]], rows: list[list[str]], caption: str = "",
               title: str = "") -> str:
    """``columns``: (header, "left" | "right"); ``rows``: cell texts. The table as text, with
    ``title`` above it and ``caption`` below when given."""
    headers = [h for h, _ in columns]
    justify = [j for _, j in columns]
    widths = [cell_len(h) for h in headers]
    for row in rows:
        widths = [max(w, cell_len(c)) for w, c in zip(widths, row)]
    lines = [title] if title else []
    lines += [_rule("┏", "━", "┳", "┓", widths), _line("┃", headers, widths, justify),
             _rule("┡", "━", "╇", "┩", widths)]
    lines += [_line("│", row, widths, justify) for row in rows]
    lines.append(_rule("└", "─", "┴", "┘", widths))
    if caption:
        lines.append(caption)
    return "\n".join(lines) + "\n"
