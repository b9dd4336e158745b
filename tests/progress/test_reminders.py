"""`pufa remind`: deadline and overdue reminders reach the unit's liaisons once, not twice."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from pufa.core.models import Notification
from pufa.plans.models import Target
from pufa.progress import services
from pufa.progress.models import ProgressStatus
from tests.progress.test_services import RECORDS, fake_metric, make_task, plan  # noqa: F401

D = dt.date


def test_remind_sends_due_soon_once(world, plan, liaison, other_liaison, capsys):  # noqa: F811
    task = make_task(plan, [world.committee_a, world.committee_b])
    Target.objects.create(task=task, metric="test.lectures", period=Target.Period.QUARTER, threshold=1)
    RECORDS.append((world.committee_b.pk, D(2024, 9, 1), None))
    services.refresh(today=D(2024, 9, 25))
    call_command("remind", "--date", "2024-09-25")
    mine = Notification.objects.filter(user=liaison, key__startswith="progress:")
    assert mine.count() == 1 and "5天后到期" in mine.get().title
    assert not Notification.objects.filter(user=other_liaison, key__startswith="progress:").exists()  # Q3 held
    call_command("remind", "--date", "2024-09-25")
    assert Notification.objects.filter(user=liaison, key__startswith="progress:").count() == 1
    assert "任务到期/逾期提醒: 0" in capsys.readouterr().out


def test_remind_sends_overdue_once(world, plan, liaison):  # noqa: F811
    task = make_task(plan, [world.committee_a])
    Target.objects.create(
        task=task, metric="test.lectures", period=Target.Period.BY_DATE, threshold=1, due=D(2024, 6, 30)
    )
    services.refresh(today=D(2024, 6, 1))
    call_command("remind", "--date", "2024-07-05")
    call_command("remind", "--date", "2024-07-06")
    titles = list(
        Notification.objects.filter(user=liaison, key__startswith="progress:").values_list("title", flat=True)
    )
    assert titles == [f"任务已逾期：{task.title}"]


def test_no_overdue_reminder_once_the_plan_has_ended(world, plan, liaison):  # noqa: F811
    """A closed plan's unfinished task is history: nobody is told for ever that it is overdue."""
    task = make_task(plan, [world.committee_a])
    Target.objects.create(task=task, metric="test.lectures", period=Target.Period.YEAR, threshold=1)
    services.refresh(today=D(2024, 6, 1))
    call_command("remind", "--date", "2025-01-05")
    assert not Notification.objects.filter(user=liaison, key__startswith="progress:").exists()
    assert ProgressStatus.objects.get(task=task, target__isnull=True).status == "unfinished"


def test_remind_rejects_bad_date(db):
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("remind", "--date", "2024/01/01")
