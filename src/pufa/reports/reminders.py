"""Report reminders of the daily pass (`pufa remind`): the half-year report due by 30 June and the annual one
by 31 December (seed 004 十四), or by the date an office set for its region.

A unit's liaisons are reminded 7 days before the due date and once it has passed (for 30 days), while the
unit has not submitted; each reminder is sent once (notification keys).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.urls import reverse

from pufa.core.chinese import cn_date
from pufa.core.events import DailyPass
from pufa.core.notifications import notify
from pufa.org.models import Membership, Unit
from pufa.reports.models import DEFAULT_DUE, Period, Report, ReportDeadline, period_label
from pufa.reports.selectors import due_date

DUE_SOON_DAYS = 7
OVERDUE_DAYS = 30


def _candidates(today: dt.date) -> list[tuple[str, int]]:
    """The (period, year) pairs whose deadline may fall near today."""
    pairs = [(str(Period.H1), today.year), (str(Period.YEAR), today.year), (str(Period.YEAR), today.year - 1)]
    near = []
    for period, year in pairs:
        month, day = DEFAULT_DUE[Period(period)]
        dues = {dt.date(year, month, day)}
        dues.update(ReportDeadline.objects.filter(period=period, year=year).values_list("due", flat=True))
        if any(d - dt.timedelta(days=DUE_SOON_DAYS) <= today <= d + dt.timedelta(days=OVERDUE_DAYS) for d in dues):
            near.append((period, year))
    return near


def send_report_reminders(*, today: dt.date) -> int:
    sent = 0
    for period, year in _candidates(today):
        done = set(
            Report.objects.filter(
                kind=Report.Kind.UNIT, period=period, year=year, status__in=Report.FROZEN
            ).values_list("unit_id", flat=True)
        )
        liaisons: dict[int, list[Any]] = defaultdict(list)
        for m in Membership.objects.filter(
            role=Membership.Role.LIAISON, is_active=True, user__is_active=True, unit__is_responsible_subject=True
        ).select_related("user", "unit__region"):
            if m.unit_id not in done:
                liaisons[m.unit_id].append(m)
        dues: dict[int, dt.date] = {}
        for unit_id, memberships in liaisons.items():
            unit: Unit = memberships[0].unit
            if unit.region_id not in dues:
                dues[unit.region_id] = due_date(region=unit.region, period=period, year=year)
            due = dues[unit.region_id]
            label = period_label(period, year)
            if due - dt.timedelta(days=DUE_SOON_DAYS) <= today <= due:
                key = f"reports:due:{period}:{year}:{unit_id}"
                title = f"{label}普法工作报告请于{cn_date(due)}前报送"
                body = "系统已根据工作台账生成报告初稿，补充做法和下一步打算后即可报送。"
            elif due < today <= due + dt.timedelta(days=OVERDUE_DAYS):
                key = f"reports:overdue:{period}:{year}:{unit_id}"
                title = f"{label}普法工作报告已逾期未报送"
                body = f"报送截止日期为{cn_date(due)}，请尽快报送。"
            else:
                continue
            for membership in memberships:
                if notify(user=membership.user, key=key, title=title, body=body, url=reverse("reports:report-list")):
                    sent += 1
    return sent


def daily(event: DailyPass) -> None:
    event.results["工作报告报送提醒"] = send_report_reminders(today=event.today)
