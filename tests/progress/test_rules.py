"""The status rules, pinned with small hand-built cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pufa.progress.rules import Check, Period, Status, expand_periods, expected_by, status_of, worst

D = dt.date
Y2024 = {"start": D(2024, 1, 1), "end": D(2024, 12, 31)}


def checks(period: str, values: list[int], threshold: int = 1, **span: dt.date) -> list[Check]:
    periods = expand_periods(period, **(span or Y2024))
    return [
        Check(p, Decimal(v), Decimal(threshold)) for p, v in zip(periods, values + [0] * len(periods), strict=False)
    ]


def test_quarterly_expands_to_four_quarters():
    quarters = expand_periods("quarter", **Y2024)
    assert [(p.start, p.end) for p in quarters] == [
        (D(2024, 1, 1), D(2024, 3, 31)),
        (D(2024, 4, 1), D(2024, 6, 30)),
        (D(2024, 7, 1), D(2024, 9, 30)),
        (D(2024, 10, 1), D(2024, 12, 31)),
    ]
    assert [p.label() for p in quarters][1] == "2024年第2季度"


def test_monthly_half_yearly_and_clipping():
    assert len(expand_periods("month", **Y2024)) == 12
    halves = expand_periods("half_year", **Y2024)
    assert [p.label() for p in halves] == ["2024年上半年", "2024年下半年"]
    clipped = expand_periods("quarter", start=D(2024, 5, 10), end=D(2024, 8, 20))
    assert [(p.start, p.end) for p in clipped] == [(D(2024, 5, 10), D(2024, 6, 30)), (D(2024, 7, 1), D(2024, 8, 20))]
    assert expand_periods("by_date", start=D(2022, 1, 1), end=D(2025, 12, 31)) == [
        Period(D(2022, 1, 1), D(2025, 12, 31))
    ]


def test_one_of_four_quarterly_lectures_in_august_is_lagging():
    # The issue's own example: Q1 held, Q2 missed, August.
    assert status_of(checks("quarter", [1, 0, 0, 0]), D(2024, 8, 15)) == Status.LAGGING


def test_quarterly_on_track_when_each_ended_quarter_met():
    assert status_of(checks("quarter", [1, 1, 0, 0]), D(2024, 8, 15)) == Status.ON_TRACK
    assert status_of(checks("quarter", [1, 1, 1, 0]), D(2024, 8, 15)) == Status.ON_TRACK


def test_missed_quarter_is_not_made_up_by_a_double_one():
    assert status_of(checks("quarter", [2, 0, 1, 1]), D(2025, 1, 10)) == Status.OVERDUE


def test_all_periods_met_is_done_even_before_year_end():
    assert status_of(checks("year", [1]), D(2024, 3, 1)) == Status.DONE
    assert status_of(checks("quarter", [1, 1, 1, 1]), D(2024, 12, 31)) == Status.DONE


def test_yearly_single_activity_not_started_until_it_happens():
    assert status_of(checks("year", [0]), D(2024, 8, 15)) == Status.NOT_STARTED
    assert status_of(checks("year", [0]), D(2025, 1, 2)) == Status.OVERDUE


def test_yearly_five_performances_pace():
    # 普法演出5场次: mid-August expects ⌊5 × 228/366⌋ = 3.
    assert expected_by(expand_periods("year", **Y2024)[0], Decimal(5), D(2024, 8, 15)) == 3
    assert status_of(checks("year", [1], threshold=5), D(2024, 8, 15)) == Status.LAGGING
    assert status_of(checks("year", [3], threshold=5), D(2024, 8, 15)) == Status.ON_TRACK
    assert status_of(checks("year", [5], threshold=5), D(2024, 8, 15)) == Status.DONE


def test_before_first_period_is_not_started():
    assert status_of(checks("year", [0], start=D(2025, 1, 1), end=D(2025, 12, 31)), D(2024, 6, 1)) == Status.NOT_STARTED


def test_by_date_roster_target():
    # 2025年底各社区法律明白人不少于6个, counted from 2022.
    span = {"start": D(2022, 1, 1), "end": D(2025, 12, 31)}
    assert status_of(checks("by_date", [2], threshold=6, **span), D(2024, 1, 1)) == Status.LAGGING
    assert status_of(checks("by_date", [4], threshold=6, **span), D(2024, 1, 1)) == Status.ON_TRACK
    assert status_of(checks("by_date", [5], threshold=6, **span), D(2026, 1, 1)) == Status.OVERDUE


def test_monthly_current_month_zero_after_met_months_is_on_track():
    assert status_of(checks("month", [1, 1, 0]), D(2024, 3, 5)) == Status.ON_TRACK


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([Status.DONE, Status.ON_TRACK], Status.ON_TRACK),
        ([Status.DONE, Status.NOT_STARTED], Status.NOT_STARTED),
        ([Status.LAGGING, Status.NOT_STARTED, Status.DONE], Status.LAGGING),
        ([Status.ON_TRACK, Status.OVERDUE], Status.OVERDUE),
        ([], None),
    ],
)
def test_worst(statuses, expected):
    assert worst(statuses) == expected


def test_labels_are_chinese():
    assert [s.label for s in Status] == ["逾期", "滞后", "未开始", "按期推进", "已完成", "未完成"]
