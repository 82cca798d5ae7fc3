"""Figures beyond what an engine computes exactly are an error in words, never a traceback."""
from __future__ import annotations

from decimal import Decimal, localcontext

import pytest

import kvot
from kvot.cli.render import rounded
from kvot.store.overflow import FiguresTooLarge

# 9 999 999 999 999.99 EUR x 11.12345678901234 = 111 234 567 890 123.4 - 0.1112345678901234
# = 111 234 567 890 123.2887654321098766 SEK,
# past 10^14: DuckDB and Spark (exact products to 24 places in 38 digits) cannot hold it;
# PostgreSQL's NUMERIC can, and rounds it to 10 places.
DEALS = """
    deal_id,owner,stage,close_date,amount,currency
    A,Anna,Won,2024-01-05,9999999999999.99,EUR
    """
FX = """
    currency,base,date,rate
    EUR,SEK,2023-12-31,11.12345678901234
    """


def test_an_amount_converted_past_10_14_is_an_error_where_the_engine_cannot_hold_it(
        build_on_every_engine, tmp_path):
    ws = build_on_every_engine(deals=DEALS, fx=FX, settings={"reporting_currency": "SEK"})
    config = tmp_path / "empty.toml"
    config.write_text("")
    if ws.engine == "postgres":
        [row] = kvot.attainment(ws, config=config).rows
        assert row.mrr_closed == Decimal("111234567890123.2887654321")
        return
    with pytest.raises(FiguresTooLarge) as exc:
        kvot.attainment(ws, config=config)
    assert str(exc.value).startswith(
        "the attainment figures: an amount converted into the reporting currency reaches "
        "100 000 000 000 000 (10^14) or more, beyond what kvot computes to the cent.")


def test_a_figure_of_38_digits_is_rounded_to_the_cent_whatever_the_context():
    with localcontext() as ctx:
        ctx.prec = 28
        assert rounded(Decimal("1234567890123456789012345678.905")) == Decimal(
            "1234567890123456789012345678.91")
