"""Rates into the reporting currency: on each day the first way with a rate in force."""
from datetime import date
from decimal import Decimal as D

from kvot.metrics.fx import series_into


def test_the_direct_rate_takes_over_from_the_cross_rate_on_its_first_day():
    rows = [("USD", "SEK", date(2024, 1, 1), D("10.5")), ("EUR", "SEK", date(2024, 1, 1), D("11.25")),
            ("USD", "SEK", date(2024, 2, 1), D("9")), ("USD", "EUR", date(2024, 3, 31), D("0.91")),
            ("USD", "SEK", date(2024, 5, 1), D("12"))]  # after the direct rate: not used
    assert series_into("EUR", rows)["USD"] == [
        (date(2024, 1, 1), D("0.93333333333333")),  # 10.5 / 11.25
        (date(2024, 2, 1), D("0.80000000000000")),  # 9 / 11.25
        (date(2024, 3, 31), D("0.91"))]


def test_an_inverted_rate_fills_the_days_before_the_direct_one():
    rows = [("SEK", "USD", date(2024, 1, 1), D("0.1")), ("USD", "SEK", date(2024, 6, 1), D("9.5"))]
    assert series_into("SEK", rows)["USD"] == [(date(2024, 1, 1), D("10.00000000000000")),
                                              (date(2024, 6, 1), D("9.5"))]


def test_one_way_alone_is_its_series_as_given():
    rows = [("USD", "SEK", date(2024, 1, 1), D("10.5")), ("USD", "SEK", date(2024, 2, 1), D("10.5"))]
    assert series_into("SEK", rows)["USD"] == [(date(2024, 1, 1), D("10.5")),
                                              (date(2024, 2, 1), D("10.5"))]


def test_a_cross_rate_takes_the_direct_onward_leg_where_it_is_in_force():
    rows = [("SEK", "EUR", date(2024, 1, 1), D("0.088")), ("USD", "EUR", date(2024, 2, 1), D("0.91")),
            ("EUR", "USD", date(2024, 3, 15), D("1.085"))]
    assert series_into("USD", rows)["SEK"] == [
        (date(2024, 2, 1), D("0.09670329670330")),  # 0.088 / 0.91: only the inverted leg yet
        (date(2024, 3, 15), D("0.09548000000000"))]  # 0.088 x 1.085, the direct leg


def test_a_cross_rate_through_a_currency_both_pairs_are_quoted_in():
    rows = [("EUR", "DKK", date(2024, 1, 1), D("7.46")), ("EUR", "USD", date(2024, 1, 1), D("1.085"))]
    assert series_into("USD", rows)["DKK"] == [(date(2024, 1, 1), D("0.14544235924933"))]  # 1.085 / 7.46
