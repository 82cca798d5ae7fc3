"""Parse one cell's text: amounts, booleans and credit shares (dates: ``kvot.ingest.dates``).

Formats that a single value cannot settle are decided once per column, from all its values:

- decimal comma or point (``decimal_style``): ``12 000,50`` and ``1.200,50`` say comma,
  ``1,200.50`` and ``12.5`` say point. A column whose only separators look like ``1,000`` or
  ``1.000`` (one separator followed by exactly three digits) cannot be told apart and is an
  error naming the setting ``decimal`` = ``comma`` | ``point``. A value that is ambiguous by
  itself but carries a currency mark follows that currency's usual style (``$1,200`` point,
  ``1.200 kr`` comma), so a column of such values is not ambiguous.
- shares (``share_style``): a column with any value above 1 or with a ``%`` holds percentages
  (``60``, ``60 %``, ``60,5 %``); otherwise fractions (``0.6``). ``1`` alone is 100 %.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Iterable

from kvot.ingest.dates import DECIMAL_FIX, FormatAmbiguous
from kvot.ingest.dates import parse_date  # noqa: F401  (re-exported: one place for parsers)

DECIMAL_STYLES = ("comma", "point")
MAX_DIGITS = 18  # the workspace keeps 28 digits before the point; no real amount comes close
MAX_AMOUNT = Decimal(10) ** MAX_DIGITS
THOUSANDS_SPACES = " \u00a0\u202f\u2009'\u2019"
CURRENCY_MARKS = re.compile(
    r"^(?:[A-Za-z]{3}|kr\.?|[$€£¥])\s*|\s*(?:[A-Za-z]{3}|kr\.?|:-|[$€£¥])$", re.IGNORECASE)
# An amount that is ambiguous by itself (``$1,200``) follows its currency's usual style.
STYLE_OF_MARK = {"$": "point", "£": "point", "usd": "point", "gbp": "point",
                 "kr": "comma", "kr.": "comma", ":-": "comma", "sek": "comma", "nok": "comma",
                 "dkk": "comma"}
# Which currencies a mark written in an amount cell allows (a three-letter code: itself).
CURRENCIES_OF_MARK = {"$": {"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"}, "€": {"EUR"},
                      "£": {"GBP"}, "¥": {"JPY", "CNY"}, "kr": {"SEK", "NOK", "DKK", "ISK"},
                      "kr.": {"SEK", "NOK", "DKK", "ISK"}, ":-": {"SEK"}}


def currencies_of_marks(text: str) -> tuple[str, set[str]] | None:
    """The currency mark written in an amount (``100 EUR``, ``$50``, ``12 000 kr``) and the
    currencies it allows; None when the amount carries no mark."""
    for mark in CURRENCY_MARKS.findall(text.strip()):
        mark = mark.strip()
        allowed = CURRENCIES_OF_MARK.get(mark.lower(), {mark.upper()} if len(mark) == 3 else set())
        return mark, allowed
    return None


NUMBER = re.compile(r"^\d[\d.,]*$|^[.,]\d+$")
AMBIGUOUS_SEPARATOR = "could be a thousands separator or a decimal separator"
BOOLEANS = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False,
            "y": True, "n": False, "t": True, "f": False, "ja": True, "nej": False}


def parse_amount(text: str, decimal: str | None = None) -> Decimal:
    """``12 000,50 kr``, ``SEK 1 200``, ``€1,200.50``, ``1.200,50``, ``-5`` as a Decimal.

    ``decimal`` is the column's style (``comma`` or ``point``); without it the value must
    settle the style by itself. Raises ValueError with the reason.
    """
    sign, digits, hint = _strip_amount(text)
    style = decimal or _style_of(digits) or hint
    if style is None:
        raise FormatAmbiguous(text, AMBIGUOUS_SEPARATOR, DECIMAL_FIX)
    point, thousands = (",", ".") if style == "comma" else (".", ",")
    whole, _, fraction = digits.rpartition(point) if point in digits else (digits, "", "")
    if fraction and point in whole:
        raise ValueError(f"has more than one decimal {_sep_name(point)}")
    if thousands in whole and not _is_grouped(whole, thousands):
        raise ValueError(f"has a misplaced {_sep_name(thousands)} for a decimal-{style} number")
    number = whole.replace(thousands, "") + ("." + fraction if fraction else "")
    try:
        value = sign * Decimal(number or "0")
    except InvalidOperation:
        raise ValueError("is not a number") from None
    if abs(value) >= MAX_AMOUNT:
        raise ValueError(f"is too large for an amount (more than {MAX_DIGITS} digits before "
                         "the decimal separator)")
    return value


def decimal_style(values: Iterable[str]) -> str:
    """``comma`` or ``point`` for a column, from all its values (see the module doc)."""
    votes: dict[str, list[str]] = {}  # style -> the values that say it
    ambiguous = None
    for text in values:
        try:
            _, digits, hint = _strip_amount(text)
        except ValueError:
            continue  # reported when the value itself is parsed
        style = _style_of(digits) or hint
        if style is None:
            ambiguous = ambiguous or text
        elif style != "none":
            votes.setdefault(style, []).append(text)
    if len(votes) == 2:
        _mixed_styles(votes)
    if votes:
        return next(iter(votes))
    if ambiguous is not None:
        raise FormatAmbiguous(ambiguous, AMBIGUOUS_SEPARATOR + " and no value in the column "
                              "settles it", DECIMAL_FIX)
    return "point"


def _mixed_styles(votes: dict[str, list[str]]) -> None:
    """Raise for a column with both decimal styles, naming a value of the rarer one."""
    odd, usual = sorted(votes, key=lambda style: (len(votes[style]), style))
    others = len(votes[usual])
    raise FormatAmbiguous(votes[odd][0], f"has a decimal {odd} but {others} other "
                          f"value{'s' if others > 1 else ''} in the same column "
                          f"{'have' if others > 1 else 'has'} a decimal {usual} "
                          f"(such as {votes[usual][0]!r})", DECIMAL_FIX)


def _strip_amount(text: str) -> tuple[int, str, str | None]:
    """(sign, digits with separators, style its currency mark implies) of an amount."""
    s = text.strip()
    sign, hint = 1, None
    if s.startswith("(") and s.endswith(")"):
        sign, s = -1, s[1:-1].strip()
    for _ in range(2):
        for mark in CURRENCY_MARKS.findall(s):
            hint = hint or STYLE_OF_MARK.get(mark.strip().lower())
        s = CURRENCY_MARKS.sub("", s).strip()
        if s and s[0] in "-−+":
            sign, s = (sign if s[0] == "+" else -sign), s[1:].strip()
    s = "".join(c for c in s if c not in THOUSANDS_SPACES)
    if not NUMBER.match(s):
        raise ValueError("is not an amount" if s or text.strip() else "is blank")
    return sign, s, hint


def _style_of(digits: str) -> str | None:
    """``comma``/``point`` when the value settles it, ``none`` when it has no separator,
    None when it is ambiguous (``1,000``)."""
    has_comma, has_point = "," in digits, "." in digits
    if has_comma and has_point:
        return "comma" if digits.rfind(",") > digits.rfind(".") else "point"
    if not (has_comma or has_point):
        return "none"
    sep = "," if has_comma else "."
    other = "point" if sep == "," else "comma"
    if digits.count(sep) > 1:
        return other if _is_grouped(digits, sep) else ("comma" if sep == "," else "point")
    grouped = _is_grouped(digits, sep)
    if grouped:
        return None
    return "comma" if sep == "," else "point"


def _is_grouped(digits: str, sep: str) -> bool:
    """``1,000`` / ``12,345,678``: the separator groups thousands."""
    return re.fullmatch(rf"[1-9]\d{{0,2}}(?:{re.escape(sep)}\d{{3}})+", digits) is not None


def _sep_name(sep: str) -> str:
    return "comma" if sep == "," else "point"


def parse_bool(text: str) -> bool:
    """``True/False``, ``1/0``, ``yes/no`` (any case)."""
    try:
        return BOOLEANS[text.strip().lower()]
    except KeyError:
        raise ValueError("is not true/false (use True/False, 1/0 or yes/no)") from None


SHARE_STYLES = ("percent", "fraction")


def share_style(values: Iterable[str], decimal: str = "point") -> str:
    """``percent`` when any value has ``%`` or is above 1, else ``fraction``."""
    for text in values:
        if "%" in text:
            return "percent"
        try:
            if parse_amount(text.replace("%", ""), decimal) > 1:
                return "percent"
        except ValueError:
            continue
    return "fraction"


def parse_share(text: str, style: str, decimal: str = "point") -> Decimal:
    """A credit share as a fraction: ``60 %`` and ``60`` (percent column) or ``0.6`` → 0.6."""
    number = parse_amount(text.replace("%", ""), decimal)
    return number / 100 if style == "percent" else number
