"""Amounts and MRR of a deals table in DuckDB, by the rules of ``parse`` and ``mrr``.

An amount is held as two BIGINTs of the same sign: whole units ``*_i`` and the fraction in
1e-10 units ``*_f`` (``-12.5`` is ``-12`` and ``-5000000000``). Plain numbers (``-12000.50`` in
a decimal-point column, ``-12000,50`` in a decimal-comma one; at most 15 digits before the
separator and 10 after) are split by DuckDB; every other distinct text goes through
``parse.parse_amount``. The column's style is ``parse.decimal_style`` over the first value of
each shape (digits 1–9 alike: the style of a value depends only on its shape).

MRR = amount ÷ months, half-even to 10 places (``mrr_sql``), in integers when the months are a
whole number up to 999, else by ``mrr.monthly_amount`` per distinct (amount, months) pair.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal

import pyarrow as pa

from kvot.ingest.csv_table import NotColumnar
from kvot.ingest.mrr import monthly_amount
from kvot.ingest.parse import currencies_of_marks, decimal_style, parse_amount

PLACES = Decimal("1e-10")
UNITS = 10 ** 10
MAX_WHOLE = 10 ** 15  # amounts from 1e15 on are left to the row reader
SQL_MAX_MONTHS = 999


def register(con, name: str, columns: dict[str, tuple[pa.DataType, list]]) -> None:
    """A small table ``name`` in ``con``'s catalog (so views over it can be read from the
    workspace's connection too)."""
    con.register("_kvot_arrow_in", pa.table({k: pa.array(v, t) for k, (t, v) in columns.items()}))
    try:
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _kvot_arrow_in")
    finally:
        con.unregister("_kvot_arrow_in")


def split(value: Decimal) -> tuple[int, int]:
    """(whole, fraction in 1e-10) of a Decimal with at most 10 places, both of its sign."""
    whole = int(value)
    return whole, int((value - whole).scaleb(10))


# A plain number in a column of the given separator (``{sep}``): DuckDB splits it.
PLAIN_RE = "-?[0-9]{{1,15}}({sep}[0-9]{{1,10}})?"
PLAIN = "regexp_matches(amount_text, '^-?[0-9]{{1,15}}(\\{sep}[0-9]{{1,10}})?$')"
SIMPLE = "regexp_matches(amount_text, '^-?[0-9]{1,15}([.,][0-9]{1,10})?$')"


def style_separator(style: str) -> str:
    return "," if style == "comma" else "."


def amount_sql(con, style: str | None, decide) -> tuple[str, str, str]:
    """(style, SQL whole part, SQL fraction) of ``r.amount_text``, NULL when blank, given
    ``r.plain`` (``PLAIN``); registers ``_amounts(t, ai, af)`` for the texts parse_amount
    reads. Refuses a bad amount."""
    shapes = _shapes(con)
    style = style or decide(shapes, decimal_style)
    sep = style_separator(style)
    plain = PLAIN.format(sep=sep)
    others = [t for (t,) in con.execute(
        f"SELECT DISTINCT amount_text FROM _rows WHERE amount_text <> '' AND NOT {plain}"
    ).fetchall()]
    if any(currencies_of_marks(t) for t in others):  # checked against each row's currency
        raise NotColumnar("currency marks in amounts")
    parts = [_parsed_amount(t, style) for t in others]  # (None, None): a bad amount
    register(con, "_amounts", {"t": (pa.string(), others),
                               "ai": (pa.int64(), [p[0] for p in parts]),
                               "af": (pa.int64(), [p[1] for p in parts])})
    whole, fraction = _plain_parts(shapes, sep)
    return (style, f"CASE WHEN r.amount_text = '' THEN NULL WHEN r.plain THEN {whole} ELSE a.ai END",
            f"CASE WHEN r.amount_text = '' THEN NULL WHEN r.plain THEN {fraction} ELSE a.af END")


NARROW_DIGITS = 18  # DuckDB casts text to DECIMAL(18, s) quickly (an int64), wider ones slowly


def _plain_parts(shapes: list[str], sep: str) -> tuple[str, str]:
    """SQL (whole, fraction in 1e-10) of a plain ``r.amount_text``: through DECIMAL(18, s)
    when every plain amount fits one (s = the most decimals any has), else by splitting the
    text at the separator."""
    widths = [_digits(t, sep) for t in shapes if re.fullmatch(PLAIN_RE.format(sep=re.escape(sep)), t)]
    places = max((f for _, f in widths), default=0)
    if all(i + places <= NARROW_DIGITS for i, _ in widths):
        text = "r.amount_text" if sep == "." else "replace(r.amount_text, ',', '.')"
        value = f"CAST({text} AS DECIMAL({NARROW_DIGITS},{places}))"
        return (f"CAST(trunc({value}) AS BIGINT)",
                f"(CAST(({value} - trunc({value})) * {10 ** places} AS BIGINT) * {10 ** (10 - places)})")
    body, sign = "ltrim(r.amount_text, '-')", "(CASE WHEN starts_with(r.amount_text, '-') " \
        "THEN -1 ELSE 1 END)"
    return (f"{sign} * CAST(split_part({body}, '{sep}', 1) AS BIGINT)",
            f"{sign} * CAST(rpad(split_part({body}, '{sep}', 2), 10, '0') AS BIGINT)")


def _digits(text: str, sep: str) -> tuple[int, int]:
    """(digits before, digits after the separator) of a plain amount."""
    whole, _, fraction = text.lstrip("-").partition(sep)
    return len(whole), len(fraction)


def _shapes(con) -> list[str]:
    """One amount of each shape: the column's style depends only on the shapes. A simple
    number's shape is its length, sign, leading zero and where its separator is; another
    text's is the text with the digits 1-9 alike."""
    return [v for (v,) in con.execute(f"""
        SELECT any_value(amount_text) FROM (SELECT amount_text, {SIMPLE} AS simple
                                            FROM _rows WHERE amount_text <> '')
        GROUP BY simple, CASE WHEN simple THEN length(amount_text) END,
                 CASE WHEN simple THEN strpos(amount_text, '.') END,
                 CASE WHEN simple THEN strpos(amount_text, ',') END,
                 CASE WHEN simple THEN starts_with(ltrim(amount_text, '-'), '0') END,
                 CASE WHEN simple THEN starts_with(amount_text, '-') END,
                 CASE WHEN NOT simple THEN regexp_replace(amount_text, '[1-9]', '1', 'g') END
        """).fetchall()]


def _parsed_amount(text: str, style: str) -> tuple[int | None, int | None]:
    try:
        value = parse_amount(text, style)
    except ValueError:
        return None, None
    if value.as_tuple().exponent < -10 or abs(value) >= MAX_WHOLE:
        raise NotColumnar("an amount of 1e15 or more, or with more than 10 decimals")
    return split(value)


def whole_months(months: Decimal | None) -> int | None:
    """The months as an int when ``mrr_sql`` can divide by them, else None."""
    if months is None or months != months.to_integral_value() or not 1 <= months <= SQL_MAX_MONTHS:
        return None
    return int(months)


def mrr_sql(ai: str, af: str, m: str) -> tuple[str, str]:
    """SQL (whole, fraction) of (ai, af) ÷ m (a whole number 1..999), half-even to 1e-10.

    Equal to ``mrr.monthly_amount``, which rounds to 28 significant digits and then to 10
    places: the quotient is below 1e15, so the first rounding keeps at least 13 decimals, and
    r/m (m <= 999) is never within 1e-3 of a half without being one, so the first rounding
    never makes (or breaks) a tie that the second then rounds another way.
    """
    sign = f"(CASE WHEN {ai} < 0 OR {af} < 0 THEN -1 ELSE 1 END)"
    rest = f"((abs({ai}) % {m}) * {UNITS} + abs({af}))"
    qf = f"({rest} // {m})"
    up = f"(CASE WHEN 2 * ({rest} % {m}) > {m} OR (2 * ({rest} % {m}) = {m} AND {qf} % 2 = 1) " \
         "THEN 1 ELSE 0 END)"
    return (f"{sign} * (abs({ai}) // {m} + ({qf} + {up}) // {UNITS})",
            f"{sign} * (({qf} + {up}) % {UNITS})")


def python_mrr(con, style: str, source: str) -> None:
    """``_mrr(t, m, mi, mf)``: MRR by ``monthly_amount`` for the pairs ``mrr_sql`` leaves
    (``source``: FROM ... WHERE ... giving r.amount_text and m.exact)."""
    pairs = con.execute(f"SELECT DISTINCT r.amount_text, m.exact FROM {source}").fetchall()
    pairs = [(t, m) for t, m in pairs if _is_amount(t, style)]
    parts = [split(_mrr(t, m, style)) for t, m in pairs]
    register(con, "_mrr", {"t": (pa.string(), [t for t, _ in pairs]),
                           "m": (pa.string(), [m for _, m in pairs]),
                           "mi": (pa.int64(), [p[0] for p in parts]),
                           "mf": (pa.int64(), [p[1] for p in parts])})


def _is_amount(text: str, style: str) -> bool:
    """A blank or valid amount (a bad one makes the row bad, refused elsewhere)."""
    try:
        return not text or parse_amount(text, style) is not None
    except ValueError:
        return False


def _mrr(text: str, months: str, style: str) -> Decimal:
    try:
        mrr = monthly_amount(parse_amount(text, style) if text else Decimal(0), Decimal(months))
    except ValueError:  # the row reader says it, in full
        raise NotColumnar("an MRR of 1e18 or more") from None
    if abs(mrr) >= MAX_WHOLE * 1000:
        raise NotColumnar("an MRR of 1e18 or more")
    return mrr


def money(whole: str, fraction: str, name: str) -> str:
    """SQL: DECIMAL(38,10) from a whole part and a fraction in 1e-10 units."""
    return (f"CAST(CAST(CAST({whole} AS HUGEINT) * {UNITS} + {fraction} AS DECIMAL(38,0)) * "
            f"CAST(0.0000000001 AS DECIMAL(38,10)) AS DECIMAL(38,10)) AS {name}")


def quantized(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_EVEN)
