"""Read a CSV file column-wise with DuckDB, for the columnar importers (``kvot.ingest.columnar``).

It reads exactly what ``kvot.ingest.readers`` reads, or refuses with ``NotColumnar`` (the
reason says why) so that the caller uses the row reader, which then also gives the error
messages. Refused: anything that is not plain UTF-8 CSV (XLSX, UTF-16, bytes that are not
UTF-8, NUL bytes, a lone carriage return as a line break), rows with too few or too many
fields, whitespace-only lines, a header without rows, a field longer than the csv module's
limit, a cell that looks like a spreadsheet formula, empty columns left of the table.

Cells are trimmed with Python's ``str.strip`` set of white space, so a cell is the same text
as the row reader's. Each data row keeps its physical line number (the header is line 1),
found from the file's bytes (``kvot.ingest.file_bytes``). Blank rows and total rows (``Total``, ``Summa``, ...) are left out, as the row
reader leaves them out.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from kvot.ingest.file_bytes import WHITESPACE, FileFacts, NotColumnar, file_facts, scan
from kvot.ingest.readers import (EXCEL_SUFFIXES, FORMULA, ZIP_MAGIC, Row, Table, _headers,
                                 excel_sep, is_total, is_total_row, repeated_headers,
                                 sniff_delimiter)

UTF8_NAMES = ("utf-8", "utf8", "utf-8-sig", "utf_8")


def trimmed(column: str) -> str:
    """SQL for a cell as the row reader sees it: ``str.strip()``ed, '' when empty."""
    return f"coalesce(trim({column}, '{WHITESPACE}'), '')"


def _edge_space(column: str) -> str:
    """SQL: the cell starts or ends with white space (by Python's ``str.isspace``)."""
    chars = "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE)
    return f"regexp_matches({column}, '^[{chars}]|[{chars}]$')"


def _edge_plain_space(column: str) -> str:
    """SQL: the cell starts or ends with a space (enough where no cell holds a line break)."""
    return f"{column} LIKE ' %' OR {column} LIKE '% '"


def _edge_common_space(column: str) -> str:
    """SQL: the cell starts or ends with a space, line feed or carriage return."""
    return " OR ".join(f"{column} LIKE {p}" for p in (
        "' %'", "'% '", "chr(10) || '%'", "'%' || chr(10)", "chr(13) || '%'", "'%' || chr(13)"))


@dataclass
class CsvTable:
    """A CSV file loaded into DuckDB: view ``_records`` (``i``, ``line`` and a column ``c<k>``
    per header, the header record first) and view ``_data`` (``i``, ``line`` and the cells of the data rows: no
    blank rows, no total rows)."""

    con: duckdb.DuckDBPyConnection
    table: Table  # header and file name only (rows is empty)
    columns: dict[str, str] = field(default_factory=dict)  # header -> SQL column name
    spaced: frozenset[str] = frozenset()  # SQL columns with a cell to trim
    rows: int = 0

    def cell(self, header: str | None) -> str:
        """SQL for a trimmed cell of ``header`` ('' when the file lacks the column)."""
        if header is None:
            return "''"
        column = self.columns[header]
        return trimmed(column) if column in self.spaced else f"coalesce({column}, '')"

    def rows_where(self, condition: str) -> list[Row]:
        """The data rows matching an SQL ``condition`` on ``_data``, as the row reader's Rows."""
        headers = self.table.headers
        cells = ", ".join(self.cell(h) for h in headers)
        return [Row(line, dict(zip(headers, values))) for line, *values in self.con.execute(
            f"SELECT line, {cells} FROM _data WHERE {condition} ORDER BY i").fetchall()]


def read_csv_table(path: Path, con: duckdb.DuckDBPyConnection,
                   encoding: str | None = None) -> CsvTable:
    """Load ``path`` into tables of ``con`` (a scratch, see ``kvot.ingest.staged``); raise
    NotColumnar when it cannot."""
    path = Path(path)
    if path.suffix.lower() in EXCEL_SUFFIXES + (".xls",):
        raise NotColumnar("not a CSV file")
    if encoding and encoding.lower() not in UTF8_NAMES:
        raise NotColumnar(f"encoding {encoding}")
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 16)
    except OSError:
        raise NotColumnar("cannot be read") from None  # the row reader says why
    if head.startswith(ZIP_MAGIC) or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotColumnar("not UTF-8 CSV")
    if b"\x00" in head or not head.strip():
        raise NotColumnar("binary or empty file")
    text = head.decode("utf-8-sig", errors="replace")
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if excel_sep(first):
        raise NotColumnar("an Excel sep= line")
    delimiter = sniff_delimiter(first)
    ncols = len(next(csv.reader(io.StringIO(first), delimiter=delimiter), []))
    return _load(con, path, delimiter, ncols, file_facts(path, delimiter))


def _load(con, path: Path, delimiter: str, ncols: int, facts: FileFacts) -> CsvTable:
    names = [f"c{k}" for k in range(ncols)]
    records, one_line_each = _read_records(con, path, delimiter, names, facts)
    header_cells = [c or "" for c in con.execute(
        f"SELECT {', '.join(names)} FROM _records WHERE i = 0").fetchone()]
    headers = _headers(header_cells)
    if len(headers) != ncols or not header_cells[0].strip():
        raise NotColumnar("header with blank cells")
    spaced = _check_cells(con, names, facts, one_line_each)
    cells = {n: trimmed(n) if n in spaced else f"coalesce({n}, '')" for n in names}
    blank = " AND ".join(f"{cells[n]} = ''" for n in names)
    blank_rows = _blank_rows(con, names, blank)
    totals = _total_rows(con, names)
    keep = (f" AND NOT ({blank})" if blank_rows else "") + (
        f" AND line NOT IN ({', '.join(map(str, totals))})" if totals else "")
    con.execute(f"""CREATE VIEW _data AS SELECT i, line, {', '.join(names)}
                    FROM _records WHERE i > 0{keep}""")
    rows = records - 1 - blank_rows - len(totals)
    if rows <= 0:
        raise NotColumnar("no data rows")
    first_line = con.execute("SELECT line FROM _records WHERE i = 0").fetchone()[0]
    table = Table(str(path), headers, [], int(first_line), "utf-8", tuple(totals), facts.checksum,
                  repeated_headers=repeated_headers(header_cells))
    return CsvTable(con, table, dict(zip(headers, names)), spaced, rows)


def _read_records(con, path: Path, delimiter: str, names: list[str],
                  facts: FileFacts) -> tuple[int, bool]:
    """Table ``_file`` (the records as DuckDB reads them) and view ``_records`` (``i`` from 0,
    ``line``, the cells); the number of records, and whether each is one line."""
    spec = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    source = (f"read_csv(?, delim = ?, quote = '\"', escape = '\"', header = false, "
              f"auto_detect = false, columns = {spec}, max_line_size = 4000000)")
    try:
        con.execute(f"CREATE TABLE _file AS SELECT * FROM {source}", [str(path), delimiter])
    except duckdb.Error as exc:
        raise NotColumnar(f"DuckDB cannot read it ({type(exc).__name__})") from None
    records = con.execute("SELECT count(*) FROM _file").fetchone()[0]
    if records < 2:
        raise NotColumnar("no data rows")
    cells = ", ".join(names)
    if records == facts.lines:  # every record is one line
        con.execute(f"CREATE VIEW _records AS SELECT rowid AS i, rowid + 1 AS line, {cells} "
                    "FROM _file")
        return records, True
    lines = scan(path)
    if len(lines) != records:
        raise NotColumnar("records and line breaks disagree")
    con.register("_lines", pa.table({"i": np.arange(records, dtype=np.int64), "line": lines}))
    con.execute("CREATE TABLE _line_of AS SELECT * FROM _lines")
    con.unregister("_lines")
    con.execute(f"CREATE VIEW _records AS SELECT f.rowid AS i, l.line, {cells} FROM _file f "
                "JOIN _line_of l ON l.i = f.rowid")
    return records, False


def _check_cells(con, names: list[str], facts: FileFacts, one_line_each: bool) -> frozenset:
    """The columns with a cell to trim, in one pass over the data rows. Refuse a file with a
    formula or an over-long field: the row reader reports them."""
    limit = csv.field_size_limit()
    edge = (_edge_space if facts.rare else _edge_plain_space if one_line_each
            else _edge_common_space)
    checks = ", ".join(f"max(strlen({n})), bool_or({edge(n)})" for n in names)
    found = con.execute(f"SELECT {checks} FROM _records WHERE i > 0").fetchone()
    longest, spaced = found[0::2], found[1::2]
    if any((n or 0) > limit for n in longest):
        raise NotColumnar("an over-long field")
    if facts.formulas:
        _refuse_formulas(con, names)
    return frozenset(n for n, s in zip(names, spaced) if s)


def _refuse_formulas(con, names: list[str]) -> None:
    """NotColumnar when a cell looks like a spreadsheet formula (``readers.FORMULA``)."""
    where = " OR ".join(f"((contains({n}, '=') OR contains({n}, '(') OR contains({n}, '|')) AND "
                        f"regexp_matches({n}, '^[^A-Za-z0-9]*[=+\\-@]'))" for n in names)
    for cells in con.execute(f"SELECT {', '.join(names)} FROM _records "
                             f"WHERE i > 0 AND ({where})").fetchall():
        if any(c is not None and FORMULA.match(c.strip()) for c in cells):
            raise NotColumnar("a formula")


def _blank_rows(con, names: list[str], blank: str) -> int:
    """Data rows whose every cell is blank (the first cell found blank-looking first)."""
    c0 = names[0]
    return con.execute(f"SELECT count(*) FROM _records WHERE i > 0 AND ({c0} IS NULL OR "
                       f"unicode({c0}) <= 32 OR unicode({c0}) >= 128) AND {blank}").fetchone()[0]


TOTAL_INITIALS = [ord(c) for c in "tTgGsS"] + [ord(c) for c in WHITESPACE if ord(c) < 128]


def _total_rows(con, names: list[str]) -> list[int]:
    """Lines that are total rows (``is_total_row``): first cells that are total labels found
    from a superset given by SQL, then their rows checked whole."""
    initials = ", ".join(map(str, TOTAL_INITIALS))
    rows = con.execute(f"SELECT line, c0 FROM _records WHERE i > 0 AND "
                       f"(unicode(c0) IN ({initials}) OR unicode(c0) >= 128)").fetchall()
    labelled = [line for line, c0 in rows if is_total(c0)]
    if not labelled:
        return []
    cells = ", ".join(f"coalesce({n}, '')" for n in names)
    whole = con.execute(f"SELECT line, {cells} FROM _records WHERE line IN "
                        f"({', '.join(map(str, labelled))}) ORDER BY line").fetchall()
    return [line for line, *row in whole if is_total_row(row)]
