"""Deadline reminders of the daily pass: due within 7 days, and overdue. Sent once per task, unit and date."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.urls import reverse

from pufa.core.events import DailyPass
from pufa.core.notifications import notify
from pufa.org.models import Membership
from pufa.progress import services
from pufa.progress.models import ProgressStatus
from pufa.progress.rules import Status

DUE_SOON_DAYS = 7


def recipients(unit_ids: set[int]) -> dict[int, list[Any]]:
    """The liaisons of each unit (the people who act on its tasks)."""
    people: dict[int, list[Any]] = defaultdict(list)
    memberships = Membership.objects.filter(
        unit_id__in=unit_ids, role=Membership.Role.LIAISON, is_active=True, user__is_active=True
    ).select_related("user")
    for membership in memberships:
        people[membership.unit_id].append(membership.user)
    return people


def send_deadline_reminders(*, today: dt.date) -> int:
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    rows = list(
        ProgressStatus.objects.filter(target__isnull=True)
        .exclude(status=Status.DONE.value)
        .filter(next_due__gte=today, next_due__lte=soon)
        .select_related("task")
    )
    overdue = list(
        ProgressStatus.objects.filter(target__isnull=True, status=Status.OVERDUE.value).select_related("task")
    )
    people = recipients({r.unit_id for r in rows} | {r.unit_id for r in overdue})
    sent = 0
    for row in rows:
        days = (row.next_due - today).days
        for user in people.get(row.unit_id, []):
            if notify(
                user=user,
                key=f"progress:due:{row.task_id}:{row.unit_id}:{row.next_due:%Y%m%d}",
                title=f"任务将于{days}天后到期：{row.task.title[:60]}",
                body=f"截止日期 {row.next_due.year}年{row.next_due.month}月{row.next_due.day}日，"
                f"已完成 {row.periods_met}/{row.periods_total} 期。",
                url=reverse("plans:task-detail", args=[row.task_id]),
                email=True,
            ):
                sent += 1
    for row in overdue:
        for user in people.get(row.unit_id, []):
            if notify(
                user=user,
                key=f"progress:overdue:{row.task_id}:{row.unit_id}",
                title=f"任务已逾期：{row.task.title[:60]}",
                body="请尽快完成并在工作台账中登记。",
                url=reverse("plans:task-detail", args=[row.task_id]),
                email=True,
            ):
                sent += 1
    return sent


def daily(event: DailyPass) -> None:
    """The progress part of `pufa remind`: values and statuses for the day first, then the reminders."""
    event.results["进度状态重新计算"] = services.daily(today=event.today)
    event.results["任务到期/逾期提醒"] = send_deadline_reminders(today=event.today)
