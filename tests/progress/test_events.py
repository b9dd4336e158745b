"""The event bus seen from progress: targets on any registered metric follow its announcements, the daily
pass recomputes what the calendar alone changes, pages never write, and cached figures are stamped per
region."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import models
from django.urls import reverse
from django.utils import timezone

import pufa.progress
from pufa.core import events
from pufa.org import freshness
from pufa.plans.models import Plan, Target, Task, TaskUnit
from pufa.progress import cache, services, tasks
from pufa.progress.models import ProgressStatus, TargetCheck
from tests.factories import make_activity
from tests.progress import area_for_tests as area

D = dt.date


@pytest.fixture(autouse=True)
def _area():
    area.install()
    yield
    area.uninstall()


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo(settings.TIME_ZONE)), tick=False
    )


def make_plan(world, year: int) -> Plan:
    return Plan.objects.create(
        title=f"沱河街道{year}年普法工作要点",
        kind=Plan.Kind.ANNUAL_POINTS,
        issuing_unit=world.office_unit,
        period_start=D(year, 1, 1),
        period_end=D(year, 12, 31),
    )


def make_task(plan: Plan, unit, title: str = "每个社区建成法治阵地") -> Task:
    task = Task.objects.create(plan=plan, title=title)
    TaskUnit.objects.create(task=task, unit=unit, role=TaskUnit.Role.RESPONSIBLE)
    return task


def value(target: Target, unit, start: dt.date) -> Decimal:
    return TargetCheck.objects.get(target=target, unit=unit, period_start=start).value


def test_a_target_on_another_areas_metric_follows_its_announcements(world):
    """Issue 11's done-when: a metric registered outside the apps progress knows, a target on it, a change
    announced through the bus — and the target's status changes."""
    task = make_task(make_plan(world, 2024), world.committee_a)
    target = Target.objects.create(task=task, metric=area.VENUES, period=Target.Period.YEAR, threshold=1)
    with at(D(2024, 8, 15)):
        services.refresh()
        before = ProgressStatus.objects.get(task=task, unit=world.committee_a, target=target).status
        area.venue_open(unit_id=world.committee_a.pk, on=D(2024, 8, 14))
    after = ProgressStatus.objects.get(task=task, unit=world.committee_a, target=target)
    assert before != "done" and after.status == "done" and after.value == 1
    assert ProgressStatus.objects.get(task=task, unit=world.committee_a, target=None).status == "done"
    for source in Path(pufa.progress.__file__).parent.rglob("*.py"):
        assert "testarea" not in source.read_text(encoding="utf-8"), source


def test_a_cumulative_metric_moves_every_later_period_a_count_only_its_own(world):
    task = make_task(make_plan(world, 2024), world.committee_a)
    venues = Target.objects.create(task=task, metric=area.VENUES, period=Target.Period.QUARTER, threshold=1)
    inspections = Target.objects.create(task=task, metric=area.INSPECTIONS, period=Target.Period.QUARTER, threshold=1)
    quarters = [D(2024, 1, 1), D(2024, 4, 1), D(2024, 7, 1)]
    with at(D(2024, 8, 15)):
        services.refresh()
        area.venue_open(unit_id=world.committee_a.pk, on=D(2024, 2, 1))
        area.inspection_record(unit_id=world.committee_a.pk, on=D(2024, 2, 1))
    unit = world.committee_a
    assert [value(venues, unit, q) for q in quarters] == [1, 1, 1]  # a venue opened in Q1 still stands
    assert [value(inspections, unit, q) for q in quarters] == [1, 0, 0]


def test_an_announcement_for_other_units_or_metrics_changes_nothing(world):
    task = make_task(make_plan(world, 2024), world.committee_a)
    target = Target.objects.create(task=task, metric=area.VENUES, period=Target.Period.YEAR, threshold=1)
    with at(D(2024, 8, 15)):
        services.refresh()
        area.venue_open(unit_id=world.committee_b.pk, on=D(2024, 8, 1))
        area.inspection_record(unit_id=world.committee_a.pk, on=D(2024, 8, 1))
    assert value(target, world.committee_a, D(2024, 1, 1)) == 0


def test_the_daily_pass_recomputes_values_that_depend_on_the_date(world):
    task = make_task(make_plan(world, 2024), world.committee_a)
    venues = Target.objects.create(task=task, metric=area.VENUES, period=Target.Period.QUARTER, threshold=1)
    inspections = Target.objects.create(task=task, metric=area.INSPECTIONS, period=Target.Period.QUARTER, threshold=1)
    unit = world.committee_a
    with at(D(2024, 6, 20)):
        services.refresh()
        area.venue_open(unit_id=unit.pk, on=D(2024, 6, 25))  # registered ahead of its opening
        area.inspection_record(unit_id=unit.pk, on=D(2024, 7, 5))  # planned for the next quarter
    assert value(venues, unit, D(2024, 4, 1)) == 0 and value(inspections, unit, D(2024, 7, 1)) == 0
    results: dict[str, int] = {}
    with at(D(2024, 7, 6)):
        events.publish(events.DailyPass(today=D(2024, 7, 6), results=results))
    assert value(venues, unit, D(2024, 4, 1)) == 1  # open by the end of Q2
    assert value(inspections, unit, D(2024, 7, 1)) == 1  # Q3 has begun
    assert results["进度状态重新计算"] > 0
    assert set(ProgressStatus.objects.values_list("computed_on", flat=True)) == {D(2024, 7, 6)}


@pytest.fixture
def queued(settings):
    """Tasks are queued, not run (as with the database backend and no worker yet)."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    yield default_task_backend.results
    django_cache.clear()  # the dedupe marks of tasks that never ran


def test_pages_never_write_statuses_and_ask_once_for_a_refresh(client_for, world, office_user, queued):
    today = timezone.localdate()
    make_task(make_plan(world, today.year), world.committee_a, title="开展宪法宣传")
    services.refresh(today=today - dt.timedelta(days=1))  # as if the daily pass had not run yet today
    before = list(ProgressStatus.objects.values_list("pk", "computed_on", "status"))
    c = client_for(office_user)
    for _ in range(2):
        page = c.get(reverse("progress:dashboard")).content.decode()
        assert "任务状态计算于" in page
    assert list(ProgressStatus.objects.values_list("pk", "computed_on", "status")) == before
    asked = [r for r in queued if r.task.name == tasks.refresh_region.name]
    assert [r.kwargs for r in asked] == [{"region_path": world.street_a.path, "today": today.isoformat()}]
    assert "状态计算于" in c.get(reverse("progress:unit", args=[world.committee_a.pk])).content.decode()
    # The worker runs the task: the region is brought up to today and the page stops saying otherwise.
    assert tasks.refresh_region.call(region_path=world.street_a.path, today=today.isoformat()) is True
    assert set(ProgressStatus.objects.values_list("computed_on", flat=True)) == {today}
    assert "任务状态计算于" not in c.get(reverse("progress:dashboard")).content.decode()


def test_a_write_changes_the_stamps_of_its_regions_only(world, liaison):
    regions = [world.district, world.street_a, world.street_b, world.community_a, world.community_b]
    before = {r.name: freshness.stamp(r.path) for r in regions}
    make_activity(world.committee_a)
    after = {r.name: freshness.stamp(r.path) for r in regions}
    assert {name for name in before if before[name] != after[name]} == {"测试区", "沱河街道", "沱河社区"}


def test_another_areas_records_move_the_stamps_only_through_a_target_on_them(world):
    """The dashboard reads the ledger itself; another app's records reach it only through target statuses. So a
    record no target uses (a survey answered from a phone) leaves every stamp as it was, and one a target uses
    moves its unit's regions when the statuses are rewritten."""
    regions = [world.district, world.street_a, world.community_a, world.community_b]

    def stamps() -> dict[str, str]:
        return {r.name: freshness.stamp(r.path) for r in regions}

    with at(D(2024, 8, 15)):
        before = stamps()
        area.venue_open(unit_id=world.committee_a.pk, on=D(2024, 8, 14))
        assert stamps() == before
        task = make_task(make_plan(world, 2024), world.committee_a)
        Target.objects.create(task=task, metric=area.VENUES, period=Target.Period.YEAR, threshold=2)
        services.refresh()
        before = stamps()
        area.venue_open(unit_id=world.committee_a.pk, on=D(2024, 8, 15))
    after = stamps()
    assert {name for name in before if before[name] != after[name]} == {"测试区", "沱河街道", "沱河社区"}


def test_the_cached_dashboard_is_plain_data(client_for, world, office_user):
    make_activity(world.committee_a, date=timezone.localdate())
    c = client_for(office_user)
    shown = c.get(reverse("progress:dashboard")).context["d"]
    today = timezone.localdate()
    _, plain = cache.get(f"dashboard:{world.street_a.pk}:{today.year}:{today.isoformat()}", world.street_a.path)
    assert plain is not None and plain["totals"][0]["value"] == shown.totals[0].value == 1

    def walk(value: object) -> None:
        assert not isinstance(value, models.Model | models.QuerySet), value
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        else:
            assert isinstance(value, str | int | Decimal | dt.date | type(None)), type(value)

    walk(plain)
    # Served from the cache on the next request, the same figures come back.
    again = c.get(reverse("progress:dashboard")).context["d"]
    assert [f.value for f in again.totals] == [f.value for f in shown.totals]
    assert [ch.region.name for ch in again.children] == [ch.region.name for ch in shown.children]
