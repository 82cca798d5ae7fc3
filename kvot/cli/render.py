"""Render reports as a terminal table, CSV or JSON. Money and percentages are rounded here only.

Rounding: half-up to 2 decimals, for money and percentages alike, at display time only.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import fields
from decimal import ROUND_HALF_UP, Decimal, localcontext

from rich.console import Console
from rich.table import Table
from rich.text import Text

from kvot.cli.text_table import draw_table
from kvot.metrics.attainment import AttainmentRow

CENT = Decimal("0.01")
FORMATS = ("table", "csv", "json")
NO_QUOTA = "no quota"
QUOTA_SOURCES = {"team": "team quota", "members": "sum of reps"}
ROW_FIELDS = tuple(f.name for f in fields(AttainmentRow))


def rounded(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    with localcontext() as ctx:  # room for every digit of a DECIMAL(38) figure, and its cents
        ctx.prec = 80
        return value.quantize(CENT, rounding=ROUND_HALF_UP)


def text(value: Decimal | None) -> str | None:
    """Exact decimal text with 2 places (``"10000.00"``); None stays None."""
    r = rounded(value)
    return None if r is None else f"{r:.2f}"


def grouped(value: Decimal | None, empty: str = "") -> str:
    r = rounded(value)
    return empty if r is None else f"{r:,.2f}".replace(",", "\u202f")


def percent(value: Decimal | None) -> str:
    r = rounded(value)
    return NO_QUOTA if r is None else f"{r:.2f} %"


def row_dict(row, timezone: str) -> dict:
    d = {name: getattr(row, name) for name in ROW_FIELDS}  # shallow: asdict deep-copies
    for key in ("mrr_closed", "quota", "attainment_pct", "overlay_mrr"):
        d[key] = text(d[key])
    d["period_start"] = str(d["period_start"])
    d["period_end"] = str(d["period_end"])
    d["path"] = " > ".join(row.path) if row.path else None
    d["status"] = _status(row)
    d["timezone"] = timezone
    return d


def _status(row) -> str:
    if row.met is None:
        return NO_QUOTA
    return "met" if row.met else "not met"


def report_json(report) -> str:
    doc = {"level": report.level, "grain": report.grain, "periods": report.range_label,
           "currency": report.currency, "timezone": report.timezone,
           "fiscal_year_start_month": report.fiscal_year_start_month,
           "rounding": "half-up to 2 decimals",
           "rows": [row_dict(r, report.timezone) for r in report.rows]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


CSV_COLUMNS = ["level", "id", "name", "parent", "path", "period", "period_start", "period_end",
               "mrr_closed", "quota", "attainment_pct", "status", "deals", "overlay_mrr",
               "quota_source", "currency", "timezone"]


def safe_cell(value) -> str:
    """Text for a spreadsheet cell; a leading = + - @ is escaped so it is never a formula."""
    s = "" if value is None else str(value)
    if s[:1] in ("=", "+", "@", "\t", "\r") or (s[:1] == "-" and not _is_number(s)):
        return "'" + s
    return s


def _is_number(s: str) -> bool:
    try:
        Decimal(s)
    except ArithmeticError:
        return False
    return True


def report_csv(report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        d = row_dict(row, report.timezone)
        writer.writerow([safe_cell(d[c]) for c in CSV_COLUMNS])
    return out.getvalue()


def report_table(report) -> str:
    """The terminal table (drawn by ``text_table``: Rich is too slow for long reports)."""
    title = (f"MRR closed vs quota by {report.level}, {report.grain} {report.range_label}, "
             f"{report.currency}, time zone {report.timezone}")
    columns = [("Name", "left"), ("Period", "left"), ("MRR closed", "right"), ("Quota", "right"),
               ("Attainment", "right"), ("Deals", "right")]
    show_overlay = any(r.overlay_mrr for r in report.rows)
    if show_overlay:
        columns.append(("Overlay (apart)", "right"))
    show_source = report.level == "team"
    if show_source:
        columns.append(("Quota from", "left"))
    rows, shared = [], _shared_names(report.rows)
    for r in report.rows:
        mark = "" if r.met is None else (" ✓" if r.met else "")
        shown = f"{r.name} ({r.id})" if r.name in shared else r.name
        name = "  " * (len(r.path) - 1) + shown if r.path else shown
        cells = [name, r.period, grouped(r.mrr_closed), grouped(r.quota, NO_QUOTA),
                 percent(r.attainment_pct) + mark, str(r.deals)]
        if show_overlay:
            cells.append(grouped(r.overlay_mrr))
        if show_source:
            cells.append(QUOTA_SOURCES.get(r.quota_source, ""))
        rows.append(cells)
    return draw_table(columns, rows, title)


def _shared_names(rows) -> set[str]:
    """Names that more than one rep or team in the report has: shown with the id."""
    ids: dict[str, set[str]] = {}
    for r in rows:
        ids.setdefault(r.name, set()).add(r.id)
    return {name for name, found in ids.items() if len(found) > 1}


def render_report(report, fmt: str) -> str:
    if fmt == "json":
        return report_json(report)
    if fmt == "csv":
        return report_csv(report)
    return report_table(report)


def to_text(renderable, width: int | None = None) -> str:
    console = Console(file=io.StringIO(), width=width or 120, force_terminal=False,
                      color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def render_rows(rows: list[dict], fmt: str, title: str, columns: tuple[str, ...] = ()) -> str:
    """Any list of plain rows (imports, rejects ...) in the chosen format; ``columns`` name
    them when there may be none (a CSV file still gets its header)."""
    if fmt == "json":
        return json.dumps(rows, indent=2, default=str, ensure_ascii=False) + "\n"
    columns = list(columns or (rows[0] if rows else []))
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow([safe_cell(r[c]) for c in columns])
        return out.getvalue()
    table = Table(title=title, title_justify="left")
    for c in columns:
        table.add_column(c)
    for r in rows:
        table.add_row(*[Text("" if r[c] is None else str(r[c])) for c in columns])  # no markup
    return to_text(table)
