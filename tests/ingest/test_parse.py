from datetime import date, datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kvot.config import Settings
from kvot.errors import ImportRejected
from kvot.ingest import read_deals
from kvot.ingest.dates import FormatAmbiguous, column_is_serial, date_order
from kvot.ingest.parse import (decimal_style, parse_amount, parse_bool, parse_date, parse_share,
                               share_style)


@pytest.mark.parametrize("text, expected", [
    ("12000.50", "12000.50"),
    ("12 000,50", "12000.50"),
    ("12\u00a0000,50 kr", "12000.50"),
    ("12\u202f000,50 kr", "12000.50"),
    ("SEK 1 200", "1200"),
    ("€1,200.50", "1200.50"),
    ("$1,200", "1200"),
    ("1.200,50", "1200.50"),
    ("-5", "-5"),
    ("-1 234,5 kr", "-1234.5"),
    ("(300)", "-300"),
    ("1,000,000", "1000000"),
    ("0", "0"),
])
def test_parse_amount_understands_common_spellings(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "12a", "1.2.3,4", "--", "kr"])
def test_parse_amount_rejects_garbage_with_a_reason(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_a_single_thousands_like_value_is_ambiguous_and_names_the_setting():
    with pytest.raises(FormatAmbiguous) as exc:
        parse_amount("1,000")
    assert str(exc.value) == ("'1,000' could be a thousands separator or a decimal separator; "
                              'pass --decimal comma or --decimal point (decimal = "comma" in kvot.toml)')


def test_decimal_style_is_decided_once_per_column():
    assert decimal_style(["1,000", "12,5"]) == "comma"
    assert decimal_style(["1,000", "2,000.75"]) == "point"
    assert decimal_style(["1 000", "250"]) == "point"
    assert decimal_style(["1.200.000", "3"]) == "comma"
    assert decimal_style(["0.095"]) == "point"  # a leading 0 never groups thousands
    assert decimal_style(["0,500"]) == "comma"
    assert parse_amount("1,000", decimal_style(["1,000", "12,5"])) == Decimal("1.000")


def test_a_column_of_only_thousands_like_values_is_ambiguous():
    with pytest.raises(FormatAmbiguous, match='pass --decimal comma or --decimal point'):
        decimal_style(["1,000", "2,500", "700"])


def test_a_column_mixing_styles_is_an_error_on_a_value_of_the_rarer_style():
    with pytest.raises(FormatAmbiguous) as one_each:
        decimal_style(["12,5", "3.25"])
    assert (one_each.value.value, one_each.value.reason) == (
        "12,5", "has a decimal comma but 1 other value in the same column has a decimal point "
                "(such as '3.25')")
    with pytest.raises(FormatAmbiguous) as mostly_point:
        decimal_style(["2303.17", "1.5", "1.234,50", "7.25"])
    assert (mostly_point.value.value, mostly_point.value.reason) == (
        "1.234,50", "has a decimal comma but 3 other values in the same column have a decimal "
                    "point (such as '2303.17')")


def test_a_column_mixing_styles_names_the_line_of_the_rarer_value(write):
    path = write("d.csv", "deal_id,owner,stage,close_date,amount,kind\n"
                          "D1,Ann,Won,2024-03-01,2303.17,new\nD2,Ann,Won,2024-03-01,\"1.234,50\",new\n"
                          "D3,Ann,Won,2024-03-01,7.25,new\n")
    with pytest.raises(ImportRejected) as exc:
        read_deals(path, Settings(currency="SEK"))
    [error] = exc.value.errors
    assert (error.line, error.column, error.value) == (3, "amount", "1.234,50")


def test_value_not_matching_the_column_style_is_rejected():
    with pytest.raises(ValueError, match="misplaced point for a decimal-comma number"):
        parse_amount("1.5", "comma")


def test_dates_and_timestamps():
    assert parse_date("2017-03-01") == date(2017, 3, 1)
    assert parse_date("2024-01-31T23:30:00Z") == datetime(2024, 1, 31, 23, 30, tzinfo=timezone.utc)
    aware = parse_date("2024-01-31 23:30:00+01:00")
    assert aware.utcoffset().total_seconds() == 3600
    naive = parse_date("2024-01-31 23:30", tz="Europe/Stockholm")
    assert naive == datetime(2024, 1, 31, 23, 30, tzinfo=ZoneInfo("Europe/Stockholm"))
    assert parse_date("31/01/2024") == date(2024, 1, 31)
    assert parse_date("01/02/2024", "month-first") == date(2024, 1, 2)
    assert parse_date("01.02.2024", "day-first") == date(2024, 2, 1)


def test_date_order_is_decided_per_column():
    assert date_order(["01/02/2024", "31/01/2024"]) == "day-first"
    assert date_order(["01/02/2024", "01/31/2024"]) == "month-first"
    assert date_order(["2024-01-02"]) is None
    with pytest.raises(FormatAmbiguous, match='pass --date-format day-first'):
        date_order(["01/02/2024", "03/04/2024"])
    with pytest.raises(FormatAmbiguous, match="is month-first but '31/01/2024'"):
        date_order(["31/01/2024", "01/31/2024"])


def test_excel_serial_numbers_when_the_column_is_all_numbers():
    assert column_is_serial(["42795", "", "42796.5"])
    assert not column_is_serial(["42795", "2017-03-02"])
    assert parse_date("42795", serial=True) == date(2017, 3, 1)
    assert parse_date("42795.5", serial=True) == datetime(2017, 3, 1, 12, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize("text, expected", [("True", True), ("false", False), ("1", True),
                                            ("0", False), ("yes", True), ("NO", False)])
def test_booleans(text, expected):
    assert parse_bool(text) is expected


def test_shares_are_percent_when_any_value_is_above_one_or_has_a_percent_sign():
    assert share_style(["0.6", "0.4"]) == "fraction"
    assert share_style(["60", "40"]) == "percent"
    assert share_style(["0,5 %", "0.5"]) == "percent"
    assert parse_share("60,5 %", "percent", "comma") == Decimal("0.605")
    assert parse_share("60", "percent") == Decimal("0.6")
    assert parse_share("0.6", "fraction") == Decimal("0.6")


def _grouped(whole: int, sep: str) -> str:
    return f"{whole:,}".replace(",", sep)


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=99),
       st.sampled_from([("comma", " ", ","), ("comma", ".", ","), ("point", ",", ".")]))
def test_formatted_amounts_round_trip_in_their_column_style(whole, cents, style):
    name, thousands, point = style
    text = f"{_grouped(whole, thousands)}{point}{cents:02d}"
    assert parse_amount(text, decimal_style([text, f"1{point}5"])) == Decimal(f"{whole}.{cents:02d}")
