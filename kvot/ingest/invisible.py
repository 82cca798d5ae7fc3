"""Characters that show as nothing: Unicode's format characters (category Cf), such as the
byte-order mark, zero-width spaces and joiners, direction marks and the soft hyphen.

An id holding one looks like another id but is not equal to it, so a deal exported twice, once
with a copied-in zero-width space, would count twice. Deal ids holding one are refused at
import (``kvot.ingest.deals``; column-wise by :func:`invisible_sql`). The joiners and tags inside
an emoji that shows, such as a family or a regional flag, are part of what is seen: allowed."""
from __future__ import annotations

import unicodedata

FIX = ("delete the invisible character in the file or the CRM (it comes with a copied id), "
       "then import again")

# Unicode 15.1's format characters, as (first, last) code points; tests/ingest/test_invisible.py
# checks that they hold every one the running Python's Unicode data knows.
RANGES = ((0xAD, 0xAD), (0x600, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD), (0x70F, 0x70F),
          (0x890, 0x891), (0x8E2, 0x8E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
          (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB),
          (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3),
          (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F))
INVISIBLE = frozenset(chr(c) for first, last in RANGES for c in range(first, last + 1))


def invisible_reason(text: str) -> str | None:
    """What is wrong with ``text`` when it holds an invisible character, else None."""
    if text.isascii():
        return None
    for position, char in enumerate(text, 1):
        if char in INVISIBLE and not _in_emoji(text, position - 1):
            name = unicodedata.name(char, "a format character")
            return f"holds an invisible character (U+{ord(char):04X} {name}) at position {position}"
    return None


ZWJ = "\u200d"  # joins emoji into one picture (a family, a profession)
BLACK_FLAG = "\U0001f3f4"  # tag characters after it spell a region's flag (Scotland, Wales)
TAGS = range(0xE0020, 0xE0080)


def _in_emoji(text: str, at: int) -> bool:
    """The format character at ``at`` is part of an emoji that shows: a joiner between two
    pictures, or a tag of a flag."""
    char, before = text[at], text[at - 1] if at else ""
    if char == ZWJ:
        after = text[at + 1] if at + 1 < len(text) else ""
        return all(c and ord(c) >= 0x2000 and c not in INVISIBLE for c in (before, after))
    return ord(char) in TAGS and (before == BLACK_FLAG or (before != "" and ord(before) in TAGS))


def invisible_sql(column: str) -> str:
    """DuckDB SQL: ``column`` holds an invisible character (the regular expression runs only
    on text that is not plain ASCII)."""
    ranges = "".join(f"\\x{{{first:x}}}" + (f"-\\x{{{last:x}}}" if last != first else "")
                     for first, last in RANGES)
    return f"(strlen({column}) <> length({column}) AND regexp_matches({column}, '[{ranges}]'))"
