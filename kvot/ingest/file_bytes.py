"""What the columnar CSV reader needs to know of a file's bytes, found without parsing it.

``file_facts`` reads the file once (memory-mapped): its SHA-256, how many physical lines it
has, whether a carriage return stands without a line feed, whether any white space other than
space and line breaks occurs (only then must cells be checked for it), and whether a cell could
be a spreadsheet formula (only then are cells checked for one). When DuckDB reads as many
records as there are lines, each record is its line: no quoted line breaks, no blank lines
(DuckDB skips those). Otherwise ``scan`` finds the physical line each record starts on.
"""
from __future__ import annotations

import hashlib
import mmap
from dataclasses import dataclass
from pathlib import Path

import numpy as np

WHITESPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
CHUNK = 1 << 26  # bytes looked at a time


class NotColumnar(Exception):
    """The columnar reader does not take this file; the row reader will (the reason says why)."""


@dataclass(frozen=True)
class FileFacts:
    checksum: str  # SHA-256, hex
    lines: int  # physical lines (a last line without a line break counts)
    rare: bool  # white space other than space, line feed and carriage return
    formulas: bool  # a "=", "(" or "|": a cell might be a formula (see readers.FORMULA)


# Bytes that start every UTF-8 white space outside ASCII (U+0085, U+00A0, U+1680, U+2000..)
RARE_LEADS = sorted({c.encode()[0] for c in WHITESPACE if ord(c) >= 128})


def file_facts(path: Path, delimiter: str) -> FileFacts:
    """The facts of :class:`FileFacts`; NotColumnar for a lone carriage return or a quote
    that DuckDB and Python's csv module read differently."""
    with open(path, "rb") as f:
        if not f.seek(0, 2):
            raise NotColumnar("binary or empty file")
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            facts, refusal = _facts(mm, ord(delimiter))
    if refusal:
        raise NotColumnar(refusal)
    return facts


def _facts(mm: mmap.mmap, delimiter: int) -> tuple[FileFacts, str | None]:
    buf = np.frombuffer(mm, np.uint8)
    lines = sum(int(np.count_nonzero(buf[at:at + CHUNK] == 10)) for at in range(0, len(buf), CHUNK))
    lines += mm[-1:] != b"\n"
    refusal = None
    if mm.find(b"\r") >= 0 and _lone_returns(buf):
        refusal = "carriage returns without line feeds"
    elif mm.find(b'"') >= 0 and _loose_quotes(buf, delimiter, 3 if mm[:3] == BOM else 0):
        refusal = "a quote inside a field, or white space around a quoted one"

    def found(codes) -> bool:
        return any(mm.find(bytes([c])) >= 0 for c in codes)

    rare = found(RARE_BYTES) or (found(RARE_LEADS) and _rare_in(buf))
    facts = FileFacts(hashlib.sha256(mm).hexdigest(), lines, rare, found(b"=(|"))
    return facts, refusal


def _lone_returns(buf: np.ndarray) -> bool:
    """A carriage return not followed by a line feed (the row reader breaks lines there)."""
    for at in range(0, len(buf), CHUNK):
        block = buf[at:at + CHUNK + 1]
        returns = np.flatnonzero(block[:CHUNK] == 13)
        after = returns + 1
        if len(after) and (after[-1] >= len(block) or np.any(block[after] != 10)):
            return True
    return False


BOM = b"\xef\xbb\xbf"


def _loose_quotes(buf: np.ndarray, delimiter: int, start: int) -> bool:
    """A quote that does not open or close a quoted field as the CSV rules have it: one in an
    unquoted field (``5" screen``, ``27"``), white space before an opening quote (`` "D-1"``)
    or after a closing one (``"Acme" ,``). Python's csv module keeps such quotes as text where
    DuckDB unquotes, so the row reader must read the file.

    The quotes are taken in runs of adjacent ones; a run starts outside a quoted field when an
    even number of quotes came before it, and ends outside one when an even number came up to
    its end. Outside, a run must follow a delimiter or a line break (or start the file); a run
    that ends a field must be followed by one (or end the file). Runs inside a field are its
    doubled quotes."""
    quotes = np.concatenate([np.flatnonzero(buf[at:at + CHUNK] == 34) + at
                             for at in range(0, len(buf), CHUNK)])
    if not len(quotes):
        return False
    first = np.flatnonzero(np.diff(quotes, prepend=-2) != 1)  # index of each run's first quote
    length = np.diff(first, append=len(quotes))
    begin, end = quotes[first], quotes[first] + length - 1
    before_out, after_out = first % 2 == 0, (first + length) % 2 == 0
    prev = np.where(begin > start, buf[np.maximum(begin - 1, 0)], delimiter)
    following = np.where(end < len(buf) - 1, buf[np.minimum(end + 1, len(buf) - 1)], delimiter)
    opens_ok = (prev == delimiter) | (prev == 10)
    closes_ok = (following == delimiter) | (following == 10) | (following == 13)
    return bool(np.any((before_out & ~opens_ok) | (after_out & ~closes_ok)))


def _rare_in(buf: np.ndarray) -> bool:
    tail = b""
    for at in range(0, len(buf), CHUNK):
        block = buf[at:at + CHUNK]
        if _rare_spaces(block, tail):
            return True
        tail = block[-2:].tobytes()
    return False


RARE_BYTES = [ord(c) for c in WHITESPACE if ord(c) < 128 and c not in " \n\r"]
# UTF-8 of the non-ASCII spaces, by lead byte: the allowed second and third bytes
RARE_SEQUENCES = {0xC2: [(0x85, None), (0xA0, None)], 0xE1: [(0x9A, (0x80,))],
                  0xE2: [(0x80, tuple(range(0x80, 0x8B)) + (0xA8, 0xA9, 0xAF)), (0x81, (0x9F,))],
                  0xE3: [(0x80, (0x80,))]}
assert {c.encode()[0] for c in WHITESPACE if ord(c) >= 128} == set(RARE_SEQUENCES)


def scan(path: Path) -> np.ndarray:
    """The physical line on which each non-empty record starts. A line break ends a record
    when an even number of quote characters came before it."""
    starts: list[np.ndarray] = []
    quotes = lines_before = offset = 0
    record_byte, record_line, last_byte = 0, 1, -1  # where the current record starts
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            buf = np.frombuffer(block, np.uint8)
            breaks = np.flatnonzero(buf == 10)
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
    return np.concatenate(starts).astype(np.int32) if starts else np.array([], np.int32)


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
