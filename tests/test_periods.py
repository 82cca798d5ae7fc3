"""Period labels and bucketing: the one place dates become months, quarters and years."""
from __future__ import annotations

from datetime import date

import pytest

from kvot.errors import SettingsError
from kvot.periods import parse_label, period_of, periods_between


@pytest.mark.parametrize("day, grain, fy_start, label, starts, ends", [
    (date(2025, 3, 31), "month", 1, "2025-03", date(2025, 3, 1), date(2025, 3, 31)),
    (date(2025, 3, 31), "quarter", 1, "2025-Q1", date(2025, 1, 1), date(2025, 3, 31)),
    (date(2024, 2, 29), "year", 1, "2024", date(2024, 1, 1), date(2024, 12, 31)),
    (date(2025, 2, 1), "quarter", 2, "FY2026-Q1", date(2025, 2, 1), date(2025, 4, 30)),
    (date(2025, 1, 31), "quarter", 2, "FY2025-Q4", date(2024, 11, 1), date(2025, 1, 31)),
    (date(2024, 12, 1), "year", 12, "FY2025", date(2024, 12, 1), date(2025, 11, 30)),
    (date(2025, 6, 30), "quarter", 7, "FY2025-Q4", date(2025, 4, 1), date(2025, 6, 30)),
])
def test_a_day_falls_in_the_right_labelled_period(day, grain, fy_start, label, starts, ends):
    period = period_of(day, grain, fy_start)
    assert (period.label, period.starts_on, period.ends_on) == (label, starts, ends)


@pytest.mark.parametrize("text, grain, fy_start, first, last", [
    ("2025-Q1", "month", 1, "2025-01", "2025-03"),
    ("2025", "quarter", 1, "2025-Q1", "2025-Q4"),
    ("FY2025-Q1", "month", 12, "2024-12", "2025-02"),
    ("FY2025", "month", 12, "2024-12", "2025-11"),
    ("2025-05", "quarter", 1, "2025-Q2", "2025-Q2"),
])
def test_a_label_as_from_starts_at_its_first_month_and_as_to_ends_at_its_last(
        text, grain, fy_start, first, last):
    assert parse_label(text, grain, fy_start).label == first
    assert parse_label(text, grain, fy_start, last=True).label == last


def test_periods_between_counts_every_period():
    first, last = parse_label("2024-11", "month"), parse_label("2025-02", "month")
    assert [p.label for p in periods_between(first, last)] == ["2024-11", "2024-12", "2025-01", "2025-02"]


def test_a_label_that_is_no_period_names_the_forms_to_use():
    with pytest.raises(SettingsError, match="write a month 2025-03, a quarter 2025-Q1"):
        parse_label("March", "month")
