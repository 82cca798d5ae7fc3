"""Read a CSV or XLSX file into text rows: ``Row(line, {header: text})``.

Every cell becomes text, so one set of parsers (``kvot.ingest.parse``) serves both formats.

CSV
    UTF-8 with or without a BOM; when the bytes are not valid UTF-8, Windows-1252 (what Excel
    writes on a Swedish or US Windows). ``encoding=`` overrides both. The delimiter is the one
    of ``,`` ``;`` and tab that occurs most often in the header line. A quoted field may hold
    newlines; a row's line number is the physical line where its record starts.
XLSX
    The first sheet, or ``sheet=``. Values as Excel stores them (``data_only``: formulas give
    their cached result). The header row is the first row with at least two non-empty cells
    (title rows above it, which have one cell or none, are skipped); a sheet whose rows all
    have one cell uses its first non-empty row. Empty columns left of the table are dropped.
    Line numbers are spreadsheet row numbers.
    Numbers become exact decimal text (``12000.5``, never ``12000.499999``), dates ISO text
    (``2024-03-01``; a time of day is kept as ``2024-03-01T10:30:00``).

Blank rows are skipped, and so are rows whose first cell is a total label (``Total``,
``Grand Totals (12 records)``, ``Summa``, ...: ``Table.total_lines``). A cell holding a
spreadsheet formula (``=HYPERLINK(...)``, ``=cmd|...``) is an error. An empty file, a header without data rows, or bytes that are not
text are rejected with an error naming the file.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from kvot.errors import ImportRejected, RowError

DELIMITERS = (",", ";", "\t")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
ZIP_MAGIC = b"PK\x03\x04"
TOTAL_WORDS = ("total", "totals", "grand total", "grand totals", "sum", "totalt", "summa")
TOTAL_LABEL = re.compile(rf"^(?:{'|'.join(TOTAL_WORDS)})(?:\s*\(.*\))?:?$", re.IGNORECASE)
# A cell a spreadsheet would run: =SUM(...), +HYPERLINK(...), @cmd(...), =cmd|' /C calc'!A0
FORMULA = re.compile(r"^(?:=.+|[+\-@]\s*[A-Za-z_][\w.]*\s*(?:\(|\|))")  # any =..., or +f( -f( @f(


class Row(NamedTuple):
    """One data row: its line (CSV) or row number (XLSX) and its cells by header."""

    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class Table:
    """A file's header and data rows, all text."""

    file: str
    headers: tuple[str, ...]
    rows: list[Row]
    header_line: int = 1
    encoding: str | None = None  # None for XLSX
    total_lines: tuple[int, ...] = ()  # rows labelled Total, Summa, ... (skipped)
    checksum: str | None = None  # SHA-256 of the file, when the reader computed it
    short_rows: tuple[tuple[int, int], ...] = ()  # CSV (line, fields) with fewer fields than headers
    repeated_headers: tuple[str, ...] = ()  # header names given to more than one column
    hidden_lines: tuple[int, ...] = ()  # XLSX data rows hidden in the sheet (read all the same)


def read_rows(path: Path, *, sheet: str | None = None, encoding: str | None = None) -> Table:
    """Read a CSV or XLSX file into a ``Table``; reject an empty or unreadable one."""
    path = Path(path)
    file = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _reject(file, f"cannot be read ({exc.strerror})", "check the path") from None
    if path.suffix.lower() == ".xls":
        raise _reject(file, "is an old binary Excel file (.xls)", "save it as .xlsx or CSV")
    if path.suffix.lower() in EXCEL_SUFFIXES or data.startswith(ZIP_MAGIC):
        grid, header_at, hidden = _xlsx_grid(file, data, sheet)
        encoding_used = None
    else:
        text, encoding_used = _decode(file, data, encoding)
        grid, header_at, hidden = _csv_grid(file, text), 0, set()
    return _table(file, grid, header_at, encoding_used, hidden)


def _reject(file: str, reason: str, fix: str = "") -> ImportRejected:
    return ImportRejected([RowError(file, None, None, None, reason, fix)])


# --- CSV -------------------------------------------------------------------------------------

def _without_bom(encoding: str) -> str:
    """The codec for ``encoding``: UTF-8 drops a leading byte order mark, as Excel writes one."""
    try:
        return "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    except LookupError:
        return encoding  # the decoding says it is unknown


def _decode(file: str, data: bytes, encoding: str | None) -> tuple[str, str]:
    if not data.strip():
        raise _reject(file, "is empty", "export the data again with a header row")
    if encoding:
        try:
            return data.decode(_without_bom(encoding)), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise _reject(file, f"cannot be read as {encoding} ({exc})",
                          "pass the file's encoding, e.g. utf-8 or cp1252") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if _utf16_without_bom(data[:8192]):
        raise _reject(file, "looks like UTF-16 text without a byte order mark",
                      'pass encoding = "utf-16-le" (or "utf-16-be"), or export it as CSV (UTF-8)')
    if b"\x00" in data[:8192]:
        raise _reject(file, "is not a text file (it contains binary bytes)",
                      "export it as CSV (UTF-8) or .xlsx")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise _reject(file, "is neither UTF-8 nor Windows-1252 text",
                      "pass the file's encoding, or export it as CSV (UTF-8)") from None


def _utf16_without_bom(head: bytes) -> bool:
    """Every other byte is 0 (ASCII text in UTF-16)."""
    return len(head) >= 4 and (head[1::2].count(0) > len(head) // 4 or
                               head[0::2].count(0) > len(head) // 4) and b"\x00\x00" not in head


SEP_LINE = re.compile(r"^\ufeff?sep=([^\"\r\n])\r?$", re.IGNORECASE)


def excel_sep(first_line: str) -> str | None:
    """The delimiter named by a first line such as ``sep=;`` (Excel writes and reads it)."""
    match = SEP_LINE.match(first_line)
    return match.group(1) if match else None


def sniff_delimiter(header_line: str) -> str:
    """The delimiter among ``,`` ``;`` and tab that occurs most often in the header line."""
    counts = {d: _count_unquoted(header_line, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_unquoted(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


def _csv_grid(file: str, text: str) -> list[tuple[int, list[str]]]:
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    sep = excel_sep(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep or sniff_delimiter(first),
                        strict=True)
    grid, previous_end = [], 0
    try:
        for cells in reader:
            grid.append((previous_end + 1, cells))
            previous_end = reader.line_num
    except csv.Error as exc:
        raise ImportRejected([RowError(file, previous_end + 1, None, None, _csv_problem(exc),
                                       "check the file is a complete CSV export")]) from None
    if sep:  # the sep= line is not the header
        grid = grid[next(i for i, (_, cells) in enumerate(grid) if any(cells)) + 1:]
    return grid


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "field limit" in text:
        return f"has a field longer than {csv.field_size_limit()} characters"
    if "unexpected end of data" in text:
        return "has a quoted field that is never closed (is the file cut short?)"
    return f"is not valid CSV ({text})"


# --- XLSX ------------------------------------------------------------------------------------

def _xlsx_grid(file: str, data: bytes,
               sheet: str | None) -> tuple[list[tuple[int, list[str]]], int, set[int]]:
    values, hidden = _xlsx_rows(file, data, sheet, data_only=True)
    if any(v is None for _, row in values for v in row):
        formulas, _ = _xlsx_rows(file, data, sheet, data_only=False)
        values = [(n, [_unsaved(v, f) for v, f in zip(row, frow)])
                  for (n, row), (_, frow) in zip(values, formulas)]
    grid = [(number, [cell_text(v) for v in row]) for number, row in values]
    return grid, _header_index(grid), hidden


def _unsaved(value: Any, formula: Any) -> Any:
    """A formula cell whose result was never saved (a workbook written by a program) reads as
    its formula, so it is rejected like any formula instead of passing as a blank cell."""
    if value is None and isinstance(formula, str) and formula.startswith("="):
        return formula
    return value


def _xlsx_rows(file: str, data: bytes, sheet: str | None,
               data_only: bool) -> tuple[list[tuple[int, list]], set[int]]:
    """The sheet's rows (row number, cell values) and the numbers of its hidden rows."""
    import openpyxl  # imported here: only XLSX imports pay for it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise _reject(file, f"cannot be opened as an Excel workbook ({type(exc).__name__})",
                      "save it again as .xlsx, or export it as CSV") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise _reject(file, f"has no sheet {sheet!r}",
                          f"use one of: {', '.join(book.sheetnames)}")
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        rows = [(number, list(row))
                for number, row in enumerate(ws.iter_rows(min_row=1, values_only=True), 1)]
        return rows, _hidden_rows(data, getattr(ws, "_worksheet_path", None))
    finally:
        book.close()


ROW_TAG = re.compile(rb"<(?:\w+:)?row\b[^>]*>")
HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
ROW_NUMBER = re.compile(rb'\br="(\d+)"')


def _hidden_rows(data: bytes, sheet_path: str | None) -> set[int]:
    """Row numbers marked hidden in the sheet's XML (openpyxl's read-only mode does not read
    row properties); none when the sheet's part is not known."""
    if sheet_path is None:
        return set()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read(sheet_path)
    return {int(number.group(1)) for tag in ROW_TAG.finditer(xml)
            if HIDDEN.search(tag.group()) and (number := ROW_NUMBER.search(tag.group()))}


def _header_index(grid: list[tuple[int, list[str]]]) -> int:
    """Index of the first row with >= 2 non-empty cells (else the first non-empty row)."""
    filled = [sum(1 for c in cells if c.strip()) for _, cells in grid]
    for i, n in enumerate(filled):
        if n >= 2:
            return i
    return next((i for i, n in enumerate(filled) if n), 0)


def cell_text(value: Any) -> str:
    """A spreadsheet cell as text: exact decimals, ISO dates, ``True``/``False``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


# --- both ------------------------------------------------------------------------------------

def _table(file: str, grid: list[tuple[int, list[str]]], header_at: int,
           encoding: str | None, hidden: set[int]) -> Table:
    grid = [(line, cells) for line, cells in grid[header_at:] if any(c.strip() for c in cells)]
    if not grid:
        raise _reject(file, "is empty", "export the data again with a header row")
    margin = min(next(i for i, c in enumerate(cells) if c.strip()) for _, cells in grid)
    grid = [(line, cells[margin:]) for line, cells in grid]  # empty columns on the left
    header_line, header_cells = grid[0]
    headers = _headers(header_cells)
    rows, errors, totals, short = [], [], [], []
    for line, cells in grid[1:]:
        if is_total_row(cells):
            totals.append(line)
            continue
        problems = _row_errors(file, line, cells, headers)
        errors += problems
        if any(e.column is None for e in problems):  # more fields than headers
            continue
        if encoding is not None and len(cells) < len(headers):
            short.append((line, len(cells)))
        cells = cells + [""] * (len(headers) - len(cells))
        rows.append(Row(line, dict(zip(headers, (c.strip() for c in cells)))))
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise _reject(file, "has a header but no data rows", "export the data rows too")
    return Table(file, headers, rows, header_line, encoding, tuple(totals), short_rows=tuple(short),
                 repeated_headers=repeated_headers(header_cells),
                 hidden_lines=tuple(r.line for r in rows if r.line in hidden))


def _row_errors(file: str, line: int, cells: list[str], headers: tuple[str, ...]) -> list[RowError]:
    """A row's formulas, and its fields beyond the header's."""
    errors = [RowError(file, line, headers[i] if i < len(headers) else None, c.strip(),
                       "is a spreadsheet formula, not a value",
                       "export the values, not the formulas (in Excel: open the file, "
                       "save it, and copy-paste the cells as values)")
              for i, c in enumerate(cells) if FORMULA.match(c.strip())]
    extra = [c for c in cells[len(headers):] if c.strip()]
    if extra:
        errors.append(RowError(file, line, None, extra[0],
                               f"has {len(cells)} fields but the header has {len(headers)}",
                               "check the delimiter and quoting of this line"))
    return errors


# A cell of a total row besides its label: a number, perhaps with separators, sign, percent
# or currency mark (an ISO currency code alone: ``_currencies``).
TOTAL_CELL = re.compile(r"[-−+(]?\s*(?:[$€£¥]|kr\.?|[A-Za-z]{3})?\s*\d[\d\s.,'\u00a0\u202f\u2009]*"
                        r"\s*(?:%|[$€£¥]|kr\.?|:-|[A-Za-z]{3})?\s*\)?")


def is_total_row(cells: list[str]) -> bool:
    """A row of totals: the first cell a total label (``is_total``), every other cell blank, a
    number or an ISO currency code (a row with text besides, such as a deal with the id ``Sum``,
    is data)."""
    return is_total(cells[0]) and all(_total_cell(c.strip()) for c in cells[1:])


def _total_cell(text: str) -> bool:
    return not text or TOTAL_CELL.fullmatch(text) is not None or text.upper() in _currencies()


@cache
def _currencies() -> frozenset[str]:
    from babel.numbers import list_currencies  # imported here: only files with total rows pay

    return frozenset(list_currencies())


def is_total(text: str) -> bool:
    """``Total``, ``Totals``, ``Grand Totals (12 records)``, ``Summa``, ``Totalt``, ``Sum``."""
    return TOTAL_LABEL.match(" ".join(text.split())) is not None


def repeated_headers(cells: Iterable[str]) -> tuple[str, ...]:
    """The header names (as ``_headers`` gives the first) that more than one column has."""
    names = [c.strip().lstrip("\ufeff") for c in cells]
    folded = [n.casefold() for n in names]
    first = {f: n for n, f in reversed(list(zip(names, folded)))}
    return tuple(dict.fromkeys(first[f] for f in folded if f and folded.count(f) > 1))


def _headers(cells: Iterable[str]) -> tuple[str, ...]:
    """Trimmed header names; blanks named ``column N``, repeats ``name (2)``."""
    out: list[str] = []
    seen: set[str] = set()
    for i, cell in enumerate(cells, start=1):
        name = cell.strip().lstrip("\ufeff") or f"column {i}"
        base, n = name, 1
        while name.casefold() in seen:
            n += 1
            name = f"{base} ({n})"
        seen.add(name.casefold())
        out.append(name)
    while out and out[-1].startswith("column "):  # trailing empty header cells
        out.pop()
    return tuple(out)
