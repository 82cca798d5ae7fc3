from decimal import Decimal

import pytest

from kvot.ingest.mrr import (MONTHS_PER_BILLING_PERIOD, billing_months, monthly_amount,
                             months_for, term_months)


def test_arr_is_divided_by_twelve_to_ten_places_half_even():
    assert monthly_amount(Decimal("1000"), months_for("arr")) == Decimal("83.3333333333")
    assert monthly_amount(Decimal("8393.57"), Decimal(12)) == Decimal("699.4641666667")


def test_contract_terms_of_two_and_three_years():
    assert months_for("tcv", term="24") == 24
    assert months_for("tcv", term="3 years") == 36
    assert monthly_amount(Decimal("36000"), term_months("36")) == Decimal("1000.0000000000")
    assert monthly_amount(Decimal("24000"), billing_months("2-year")) == Decimal("1000.0000000000")


@pytest.mark.parametrize("period, months", [
    ("monthly", 1), ("Quarterly", 3), ("semi-annual", 6), ("half-yearly", 6), ("annual", 12),
    ("yearly", 12), ("biennial", 24), ("3-year", 36), ("triennial", 36), ("6", 6),
])
def test_billing_periods(period, months):
    assert billing_months(period) == months


def test_quarterly_invoice_amount_is_divided_by_three():
    assert monthly_amount(Decimal("3000"), months_for("per_billing_period", "quarterly")) == 1000


def test_weekly_is_times_52_over_12():
    assert MONTHS_PER_BILLING_PERIOD["weekly"] == Decimal(12) / Decimal(52)
    assert monthly_amount(Decimal("120"), billing_months("weekly")) == Decimal("520.0000000000")


@pytest.mark.parametrize("basis, period, term", [
    ("per_billing_period", "fortnightly", None), ("per_billing_period", None, None),
    ("tcv", None, None), ("tcv", None, "0"),
])
def test_unknown_period_or_missing_term_is_an_error_never_monthly(basis, period, term):
    with pytest.raises(ValueError):
        months_for(basis, period, term)
