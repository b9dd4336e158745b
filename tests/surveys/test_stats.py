"""The statistics against values computed by hand and from printed t tables."""

from __future__ import annotations

import math

import pytest

from pufa.surveys import stats


@pytest.mark.parametrize(("df", "expected"), [(1, 12.7062), (5, 2.5706), (10, 2.2281), (30, 2.0423), (1000, 1.9623)])
def test_t_quantile_matches_the_printed_table(df, expected):
    assert stats.t_quantile(0.975, df) == pytest.approx(expected, abs=1e-4)


def test_summary_uses_the_sample_standard_deviation():
    s = stats.summarise([50, 60, 70])
    assert (s.n, s.mean, s.sd) == (3, 60.0, 10.0)
    assert stats.summarise([]).mean is None
    assert stats.summarise([4]).sd is None


def test_welch_interval_by_hand():
    # before: mean 60, s² = 100, n = 3 → 33.33; after: mean 85, s² = 500/3, n = 4 → 41.67; se = √75
    # df = 75² / (33.33²/2 + 41.67²/3) = 4.959; t(0.975, 4.959), interpolated in 1/df between the table's
    # t(4) = 2.7764 and t(5) = 2.5706, is 2.5774; half = 2.5774 × 8.660 = 22.32
    c = stats.welch([50, 60, 70], [70, 80, 90, 100])
    assert c.difference == 25.0
    assert c.df == pytest.approx(4.959, abs=1e-3)
    assert c.low == pytest.approx(25 - 22.32, abs=0.01)
    assert c.high == pytest.approx(25 + 22.32, abs=0.01)
    assert c.significant
    assert math.isclose(c.high - c.difference, c.difference - c.low)


def test_welch_without_enough_answers_gives_no_interval():
    c = stats.welch([60], [70, 80])
    assert c.difference == 15.0 and c.low is None and not c.significant
    assert stats.welch([], [1, 2]).difference is None


def test_no_change_is_not_significant():
    c = stats.welch([1, 2, 3, 4, 5], [1, 2, 3, 4, 5])
    assert c.difference == 0 and c.low < 0 < c.high and not c.significant
