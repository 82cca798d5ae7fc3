"""Read a CSV file column-wise with DuckDB, for the columnar importers (``kvot.ingest.columnar``).

It reads exactly what ``kvot.ingest.readers`` reads, or refuses with ``NotColumnar`` (the
reason says why) so that the caller uses the row reader, which then also gives the error
messages. Refused: anything that is not plain UTF-8 CSV (XLSX, UTF-16, bytes that are not
UTF-8, NUL bytes, a lone carriage return as a line break), rows with too few or too many
fields, whitespace-only lines, a header without rows, a field longer than the csv module's
limit, a cell that looks like a spreadsheet formula, empty columns left of the table.

Cells are trimmed with Python's ``str.strip`` set of white space, so a cell is the same text
as the row reader's. Each data row keeps its physical line number (the header is line 1),
found from the file's bytes: a line break ends a record when an even number of quotes came
before it. Blank rows and total rows (``Total``, ``Summa``, ...) are left out, as the row
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

from kvot.ingest.readers import (EXCEL_SUFFIXES, FORMULA, ZIP_MAGIC, Row, Table, _headers,
                                 is_total, sniff_delimiter)

WHITESPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
UTF8_NAMES = ("utf-8", "utf8", "utf-8-sig", "utf_8")
CHUNK = 1 << 26  # bytes scanned at a time for line breaks


class NotColumnar(Exception):
    """The columnar reader does not take this file; the row reader will (the reason says why)."""


def trimmed(column: str) -> str:
    """SQL for a cell as the row reader sees it: ``str.strip()``ed, '' when empty."""
    return f"coalesce(trim({column}, '{WHITESPACE}'), '')"


def _edge_space(column: str) -> str:
    """SQL: the cell starts or ends with white space (by Python's ``str.isspace``)."""
    chars = "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE)
    return f"regexp_matches({column}, '^[{chars}]|[{chars}]$')"


def _edge_common_space(column: str) -> str:
    """SQL: the cell starts or ends with a space, line feed or carriage return."""
    return " OR ".join(f"{column} LIKE {p}" for p in (
        "' %'", "'% '", "chr(10) || '%'", "'%' || chr(10)", "chr(13) || '%'", "'%' || chr(13)"))


@dataclass
class CsvTable:
    """A CSV file loaded into DuckDB: table ``_file`` (column ``c<k>`` per header, the header
    record first) and view ``_data`` (``i``, ``line`` and the cells of the data rows: no
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

    def close(self) -> None:
        self.con.close()


def read_csv_table(path: Path, encoding: str | None = None) -> CsvTable:
    """Load ``path`` into a fresh in-memory DuckDB; raise NotColumnar when it cannot."""
    path = Path(path)
    if path.suffix.lower() in EXCEL_SUFFIXES + (".xls",):
        raise NotColumnar("not a CSV file")
    if encoding and encoding.lower() not in UTF8_NAMES:
        raise NotColumnar(f"encoding {encoding}")
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    if head.startswith(ZIP_MAGIC) or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotColumnar("not UTF-8 CSV")
    if b"\x00" in head or not head.strip():
        raise NotColumnar("binary or empty file")
    text = head.decode("utf-8-sig", errors="replace")
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = sniff_delimiter(first)
    ncols = len(next(csv.reader(io.StringIO(first), delimiter=delimiter), []))
    lines, rare = scan(path)
    con = duckdb.connect()
    try:
        return _load(con, path, delimiter, ncols, lines, rare)
    except BaseException:
        con.close()
        raise


def _load(con, path: Path, delimiter: str, ncols: int, lines: np.ndarray,
          rare: bool) -> CsvTable:
    names = [f"c{k}" for k in range(ncols)]
    spec = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    source = (f"read_csv(?, delim = ?, quote = '\"', escape = '\"', header = false, "
              f"auto_detect = false, columns = {spec}, max_line_size = 100000000)")
    con.register("_lines", pa.table({"line": pa.array(lines, pa.int32())}))
    try:
        con.execute(f"CREATE TABLE _file AS SELECT f.*, l.line FROM {source} f "
                    "POSITIONAL JOIN _lines l", [str(path), delimiter])
    except duckdb.Error as exc:
        raise NotColumnar(f"DuckDB cannot read it ({type(exc).__name__})") from None
    con.unregister("_lines")
    header_cells = [c or "" for c in con.execute(
        f"SELECT {', '.join(names)} FROM _file WHERE rowid = 0").fetchone()]
    headers = _headers(header_cells)
    if len(headers) != ncols or not header_cells[0].strip():
        raise NotColumnar("header with blank cells")
    spaced, blank_rows = _check_cells(con, names, rare, len(lines))
    cells = {n: trimmed(n) if n in spaced else f"coalesce({n}, '')" for n in names}
    blank = " AND ".join(f"{cells[n]} = ''" for n in names)
    totals = _total_rows(con)
    skip = f" AND line NOT IN ({', '.join(map(str, totals))})" if totals else ""
    con.execute(f"""CREATE VIEW _data AS SELECT rowid AS i, line, {', '.join(names)}
                    FROM _file WHERE rowid > 0 AND NOT ({blank}){skip}""")
    rows = len(lines) - 1 - blank_rows - len(totals)
    if rows <= 0:
        raise NotColumnar("no data rows")
    table = Table(str(path), headers, [], int(lines[0]), "utf-8", tuple(totals))
    return CsvTable(con, table, dict(zip(headers, names)), spaced, rows)


def _check_cells(con, names: list[str], rare: bool, records: int) -> tuple[frozenset, int]:
    """(columns with a cell to trim, blank rows), in one pass over the data rows. Refuse a
    file whose records DuckDB counts otherwise, a formula or an over-long field: the row
    reader reports them."""
    limit = csv.field_size_limit()
    edge = _edge_space if rare else _edge_common_space
    checks = ", ".join(
        f"max(strlen({n})), count(*) FILTER (CASE WHEN contains({n}, '(') OR contains({n}, '|') "
        f"THEN regexp_matches({n}, '^[^A-Za-z0-9]*[=+\\-@]') ELSE false END), bool_or({edge(n)})"
        for n in names)
    blank = " AND ".join(f"(CASE WHEN {n} IS NULL OR {n} = '' THEN true WHEN ascii({n}) > 32 AND "
                         f"ascii({n}) < 128 THEN false ELSE {trimmed(n)} = '' END)"
                         for n in names)
    found = con.execute(f"SELECT count(*) + 1, count(*) FILTER ({blank}), {checks} "
                        "FROM _file WHERE rowid > 0").fetchone()
    if found[0] != records or records < 2:
        raise NotColumnar("records and line breaks disagree")
    longest, formulas, spaced = found[2::3], found[3::3], found[4::3]
    if any((n or 0) > limit for n in longest):
        raise NotColumnar("an over-long field")
    if any(formulas):
        where = " OR ".join(f"regexp_matches({n}, '^[^A-Za-z0-9]*[=+\\-@]')" for n in names)
        for cells in con.execute(f"SELECT {', '.join(names)} FROM _file "
                                 f"WHERE rowid > 0 AND ({where})").fetchall():
            if any(c is not None and FORMULA.match(c.strip()) for c in cells):
                raise NotColumnar("a formula")
    return frozenset(n for n, s in zip(names, spaced) if s), found[1]


def _total_rows(con) -> list[int]:
    """Lines whose first cell is a total label (checked in Python, on a superset from SQL)."""
    rows = con.execute("SELECT line, c0 FROM _file WHERE rowid > 0 AND "
                       "(regexp_matches(c0, '^\\s*[tTgGsS]') OR "
                       "regexp_matches(c0, '[^\\x00-\\x7f]'))").fetchall()
    return [line for line, c0 in rows if is_total(c0)]


RARE_BYTES = [ord(c) for c in WHITESPACE if ord(c) < 128 and c not in " \n\r"]
# UTF-8 of the non-ASCII spaces, by lead byte: the allowed second and third bytes
RARE_SEQUENCES = {0xC2: [(0x85, None), (0xA0, None)], 0xE1: [(0x9A, (0x80,))],
                  0xE2: [(0x80, tuple(range(0x80, 0x8B)) + (0xA8, 0xA9, 0xAF)), (0x81, (0x9F,))],
                  0xE3: [(0x80, (0x80,))]}
assert {c.encode()[0] for c in WHITESPACE if ord(c) >= 128} == set(RARE_SEQUENCES)


def scan(path: Path) -> tuple[np.ndarray, bool]:
    """(the physical line on which each non-empty record starts, whether the file has white
    space that is not a space or line break). A line break ends a record when an even
    number of quote characters came before it."""
    starts: list[np.ndarray] = []
    quotes = lines_before = offset = 0
    record_byte, record_line, last_byte = 0, 1, -1  # where the current record starts
    rare, tail = False, b""
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            buf = np.frombuffer(block, np.uint8)
            rare = rare or _rare_spaces(buf, tail)
            tail = block[-2:]
            breaks = np.flatnonzero(buf == 10)
            returns = np.flatnonzero(buf == 13)
            if len(returns) and _lone_return(buf, returns, f):
                raise NotColumnar("carriage returns without line feeds")
            quote_at = np.flatnonzero(buf == 34)
            parity = (quotes + np.searchsorted(quote_at, breaks)) & 1
            ending = np.flatnonzero(parity == 0)
            if len(ending):
                ends = breaks[ending]
                end_line = lines_before + ending + 1  # the line each record ends on
                begin = np.concatenate(([record_byte - offset], ends[:-1] + 1))
                begin_line = np.concatenate(([record_line], end_line[:-1] + 1))
                length = ends - begin
                one = length == 1
                first = np.full(len(ends), -1)
                first[one] = np.where(begin[one] >= 0, buf[np.maximum(begin[one], 0)], last_byte)
                starts.append(begin_line[(length > 0) & ~(one & (first == 13))])
                record_byte, record_line = offset + int(ends[-1]) + 1, int(end_line[-1]) + 1
            quotes += len(quote_at)
            lines_before += len(breaks)
            offset += len(block)
            last_byte = int(buf[-1])
    if offset > record_byte:  # a last record without a line break
        starts.append(np.array([record_line]))
    lines = np.concatenate(starts).astype(np.int32) if starts else np.array([], np.int32)
    return lines, rare


def _rare_spaces(buf: np.ndarray, tail: bytes) -> bool:
    """Whether the block (after ``tail``, the previous block's last bytes) has a white space
    other than space, line feed or carriage return."""
    low = buf < 32
    if np.any(low) and np.isin(buf[low], RARE_BYTES).any():
        return True
    if any(c in WHITESPACE for c in (tail + buf[:2].tobytes()).decode("utf-8", "ignore")):
        return True
    high = np.flatnonzero(buf >= 0xC2)
    if not len(high):
        return False
    padded = np.concatenate((buf, np.zeros(2, np.uint8)))
    for lead, sequences in RARE_SEQUENCES.items():
        at = high[buf[high] == lead]
        for second, thirds in sequences:
            hit = padded[at + 1] == second
            if thirds is not None:
                hit &= np.isin(padded[at + 2], thirds)
            if hit.any():
                return True
    return False


def _lone_return(buf: np.ndarray, returns: np.ndarray, f) -> bool:
    """A carriage return not followed by a line feed (the row reader breaks lines there)."""
    after = returns + 1
    inside = after < len(buf)
    if np.any(buf[after[inside]] != 10):
        return True
    if not np.all(inside):  # a CR ends the block: peek at the next byte
        here = f.tell()
        following = f.read(1)
        f.seek(here)
        return following != b"\n"
    return False
