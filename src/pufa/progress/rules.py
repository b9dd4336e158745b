"""The status rules of progress (进度): pure functions of recorded values, thresholds and today's date.

Kept free of the ORM so the rules can be pinned by small hand-built cases and reused by the dashboard, the
reminders and the reports alike. The five statuses, worst first:

- 逾期 overdue: the last period has ended and some period's threshold was not reached;
- 滞后 lagging: a period that has already ended fell short, or the current period is behind its pace;
- 未开始 not started: nothing recorded yet and nothing was due yet;
- 按期推进 on track: every ended period met its threshold and the current one keeps pace;
- 已完成 done: every period met its threshold.

A plan whose period has ended is *closed*: its tasks' outcomes are final — 已完成 if every period met its
threshold, else 未完成 (unfinished) — and shown as history, never as 逾期 or 滞后 for ever (nobody can still
catch up on a finished plan, and a current circular must not be flooded with it).

Pace: within the running period the expected value is ⌊threshold × elapsed share of the period⌋, so
"5 场次 a year" expects 3 by mid-August, while "1 次 a year" expects nothing before the year ends.
Recurring targets are strict per period: "每季度一堂法制课" needs a lecture in *each* quarter; a missed
quarter cannot be made up by two in the next, because the seeds ask for regularity, not a yearly total.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Status(StrEnum):
    OVERDUE = "overdue"
    LAGGING = "lagging"
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    DONE = "done"
    UNFINISHED = "unfinished"  # the final outcome of a closed plan's task that fell short

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def severity(self) -> int:
        """Higher is worse; the worst status of several targets is the task's status."""
        return SEVERITY[self]


STATUS_LABELS = {
    Status.DONE: "已完成",
    Status.ON_TRACK: "按期推进",
    Status.LAGGING: "滞后",
    Status.OVERDUE: "逾期",
    Status.NOT_STARTED: "未开始",
    Status.UNFINISHED: "未完成",
}
SEVERITY = {
    Status.DONE: 0,
    Status.ON_TRACK: 1,
    Status.NOT_STARTED: 2,
    Status.LAGGING: 3,
    Status.OVERDUE: 4,
    Status.UNFINISHED: 5,
}
#: The statuses for which a unit is named as lagging behind (a running plan's; a closed plan's tasks are final).
BEHIND = (Status.LAGGING, Status.OVERDUE)
STATUS_CHOICES = [(s.value, s.label) for s in sorted(Status, key=lambda s: SEVERITY[s], reverse=True)]


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def label(self) -> str:
        if self.start.month == 1 and self.end.month == 12 and self.start.year == self.end.year:
            return f"{self.start.year}年"
        if self.start.day == 1 and self.end == month_end(self.end.year, self.end.month):
            months = self.end.month - self.start.month + 1
            if self.start.year == self.end.year and months == 3 and self.start.month % 3 == 1:
                return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
            if self.start.year == self.end.year and months == 6:
                return f"{self.start.year}年{'上' if self.start.month == 1 else '下'}半年"
            if months == 1:
                return f"{self.start.year}年{self.start.month}月"
        return f"{self.start:%Y.%m.%d}—{self.end:%Y.%m.%d}"


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


PERIOD_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


def expand_periods(period: str, *, start: dt.date, end: dt.date) -> list[Period]:
    """The checks a target makes between `start` and `end`: 每季度 over a year → four quarters.

    Calendar-aligned periods are clipped to [start, end]; `by_date` is one period over the whole span.
    """
    if end < start:
        return []
    if period == "by_date" or period not in PERIOD_MONTHS:
        return [Period(start, end)]
    step = PERIOD_MONTHS[period]
    periods = []
    month0 = ((start.month - 1) // step) * step + 1
    cursor = dt.date(start.year, month0, 1)
    while cursor <= end:
        last_month = cursor.month + step - 1
        p_end = month_end(cursor.year, last_month)
        periods.append(Period(max(cursor, start), min(p_end, end)))
        next_month = last_month + 1
        cursor = dt.date(cursor.year + (next_month - 1) // 12, (next_month - 1) % 12 + 1, 1)
    return periods


@dataclass(frozen=True)
class Check:
    """One period's check of one target for one unit."""

    period: Period
    value: Decimal
    threshold: Decimal

    @property
    def met(self) -> bool:
        return self.value >= self.threshold


def expected_by(period: Period, threshold: Decimal, today: dt.date) -> int:
    """⌊threshold × elapsed share⌋ of the running period (see the module docstring)."""
    if today < period.start:
        return 0
    if today >= period.end:
        return math.ceil(threshold)
    elapsed = (today - period.start).days + 1
    return math.floor(threshold * Decimal(elapsed) / Decimal(period.days))


def is_closed(plan_end: dt.date | None, today: dt.date) -> bool:
    """Has the plan ended (its last day is before today)? Its outcomes are then final."""
    return plan_end is not None and plan_end < today


def status_of(checks: Sequence[Check], today: dt.date, *, plan_end: dt.date | None = None) -> Status:
    """The status of one target for one unit from its period checks (ordered by period).

    With `plan_end` before today the plan is closed and the outcome final: DONE or UNFINISHED."""
    if is_closed(plan_end, today):
        return Status.DONE if checks and all(c.met for c in checks) else Status.UNFINISHED
    if not checks:
        return Status.NOT_STARTED
    if all(c.met for c in checks):
        return Status.DONE
    ended = [c for c in checks if c.period.end < today]
    if len(ended) == len(checks):
        return Status.OVERDUE
    if any(not c.met for c in ended):
        return Status.LAGGING
    current = next((c for c in checks if c.period.start <= today <= c.period.end), None)
    if current is None:  # between periods or before the first one
        return Status.NOT_STARTED if not ended else Status.ON_TRACK
    if current.met:
        return Status.ON_TRACK
    if current.value < expected_by(current.period, current.threshold, today):
        return Status.LAGGING
    if current.value == 0 and not ended:
        return Status.NOT_STARTED
    return Status.ON_TRACK


def worst(statuses: Sequence[Status]) -> Status | None:
    return max(statuses, key=lambda s: s.severity) if statuses else None
