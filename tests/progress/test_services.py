"""Evaluation of targets and tasks from the metric registry, with a metric the test controls."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from pufa.core import events
from pufa.org.access import SYSTEM
from pufa.org.models import Unit
from pufa.plans import metrics
from pufa.plans.models import Plan, Target, Task, TaskUnit
from pufa.progress import services
from pufa.progress.models import ProgressStatus, TargetCheck

D = dt.date
RECORDS: list[tuple[int, dt.date, int | None]] = []  # (unit_id, date, task_id)


def _count(query: metrics.MetricQuery) -> dict[int, Decimal]:
    out: dict[int, Decimal] = {}
    tasks = set(query.filters.get("task", []))
    for unit_id, day, task_id in RECORDS:
        if unit_id not in query.unit_ids or day > query.end or (query.start and day < query.start):
            continue
        if tasks and task_id not in tasks:
            continue
        out[unit_id] = out.get(unit_id, Decimal(0)) + 1
    return out


@pytest.fixture(autouse=True)
def fake_metric():
    RECORDS.clear()
    saved = {
        code: metrics.get(code)
        for code in ("test.lectures", services.TASK_ACTIVITY_METRIC)
        if code in dict(metrics.choices())
    }
    metrics.register(
        metrics.Metric("test.lectures", "法治课", "堂", _count, filters=(metrics.MetricFilter("task", "任务", list),))
    )
    metrics.register(
        metrics.Metric(
            services.TASK_ACTIVITY_METRIC,
            "活动次数",
            "次",
            _count,
            filters=(metrics.MetricFilter("task", "任务", list),),
        )
    )
    yield
    metrics.unregister("test.lectures")
    metrics.unregister(services.TASK_ACTIVITY_METRIC)
    for metric in saved.values():
        metrics.register(metric)


@pytest.fixture
def plan(world) -> Plan:
    return Plan.objects.create(
        title="沱河街道2024年普法工作要点",
        kind=Plan.Kind.ANNUAL_POINTS,
        issuing_unit=world.office_unit,
        period_start=D(2024, 1, 1),
        period_end=D(2024, 12, 31),
    )


def make_task(plan: Plan, units: list[Unit], **kwargs) -> Task:
    task = Task.objects.create(plan=plan, title=kwargs.pop("title", "每季度一堂法制课"), **kwargs)
    for unit in units:
        TaskUnit.objects.create(task=task, unit=unit, role=TaskUnit.Role.RESPONSIBLE)
    return task


def announce(codes: set[str], unit_ids: list[int], dates: list[dt.date]) -> None:
    events.publish(
        events.RecordsChanged(
            metrics=frozenset(codes), unit_ids=frozenset(unit_ids), dates=frozenset(dates), source="test"
        )
    )


def status(task: Task, unit: Unit, target: Target | None = None) -> str:
    return ProgressStatus.objects.get(task=task, unit=unit, target=target).status


def test_quarterly_target_per_unit(world, plan):
    task = make_task(plan, [world.committee_a, world.committee_b])
    target = Target.objects.create(task=task, metric="test.lectures", period=Target.Period.QUARTER, threshold=1)
    RECORDS.extend(
        [
            (world.committee_a.pk, D(2024, 2, 1), None),
            (world.committee_b.pk, D(2024, 2, 1), None),
            (world.committee_b.pk, D(2024, 5, 1), None),
        ]
    )
    services.refresh(today=D(2024, 8, 15))
    assert status(task, world.committee_a, target) == "lagging"  # Q2 missed
    assert status(task, world.committee_b, target) == "on_track"
    assert status(task, world.committee_a) == "lagging"  # the task takes its worst target
    checks = TargetCheck.objects.filter(target=target, unit=world.committee_b).order_by("period_start")
    assert [c.value for c in checks] == [1, 1, 0, 0]
    row = ProgressStatus.objects.get(task=task, unit=world.committee_b, target=target)
    assert (row.periods_met, row.periods_total, row.next_due) == (2, 4, D(2024, 9, 30))


def test_each_unit_of_kind_scope(world, plan):
    task = make_task(plan, [world.office_unit], title="每个社区每年组织开展1次以上基层法治文化活动")
    Target.objects.create(
        task=task,
        metric="test.lectures",
        period=Target.Period.YEAR,
        threshold=1,
        scope=Target.Scope.EACH_OF_KIND,
        scope_kind=Unit.Kind.COMMUNITY_COMMITTEE,
    )
    RECORDS.append((world.committee_a.pk, D(2024, 6, 1), None))
    services.refresh(today=D(2024, 8, 15))
    assert status(task, world.committee_a) == "done"
    assert status(task, world.committee_b) == "not_started"
    assert not ProgressStatus.objects.filter(task=task, unit=world.other_office_unit).exists()
    assert not ProgressStatus.objects.filter(task=task, unit=world.office_unit).exists()


def test_task_without_targets_uses_linked_activities(world, plan):
    task = make_task(
        plan,
        [world.committee_a],
        deadline_kind=Task.DeadlineKind.DATE,
        deadline=D(2024, 3, 31),
        title="3月底前制定普法责任清单",
    )
    services.refresh(today=D(2024, 4, 2))
    assert status(task, world.committee_a) == "overdue"
    RECORDS.append((world.committee_a.pk, D(2024, 3, 20), task.pk))
    services.refresh(today=D(2024, 4, 2))
    assert status(task, world.committee_a) == "done"


def test_recurring_task_without_targets(world, plan):
    task = make_task(
        plan,
        [world.committee_a],
        deadline_kind=Task.DeadlineKind.RECURRING,
        recurrence=Task.Recurrence.MONTHLY,
        title="每月一期宣传栏",
    )
    RECORDS.extend([(world.committee_a.pk, D(2024, m, 5), task.pk) for m in (1, 2)])
    services.refresh(today=D(2024, 3, 10))
    assert status(task, world.committee_a) == "on_track"
    services.refresh(today=D(2024, 4, 10))
    assert status(task, world.committee_a) == "lagging"  # March had none


def test_by_date_target_with_due(world, plan):
    plan.period_start, plan.period_end = D(2022, 1, 1), D(2025, 12, 31)
    plan.save()
    task = make_task(plan, [world.committee_a], title="2025年底各社区法律明白人不少于6个")
    target = Target.objects.create(
        task=task, metric="test.lectures", period=Target.Period.BY_DATE, threshold=6, due=D(2025, 12, 31)
    )
    RECORDS.extend([(world.committee_a.pk, D(2022, 5, 1), None)] * 2)
    services.refresh(today=D(2024, 1, 1))
    assert status(task, world.committee_a, target) == "lagging"


def test_activity_event_refreshes_only_affected_period(world, plan):
    task = make_task(plan, [world.committee_a])
    target = Target.objects.create(task=task, metric="test.lectures", period=Target.Period.QUARTER, threshold=1)
    services.refresh(today=D(2024, 5, 15))
    assert status(task, world.committee_a, target) == "lagging"
    RECORDS.append((world.committee_a.pk, D(2024, 2, 10), None))
    announce({"test.lectures"}, [world.committee_a.pk], [D(2024, 2, 10)])
    q1 = TargetCheck.objects.get(target=target, unit=world.committee_a, period_start=D(2024, 1, 1))
    assert q1.value == 1
    assert TargetCheck.objects.filter(target=target, unit=world.committee_a).count() == 4


def test_activity_outside_plan_period_touches_nothing(world, plan):
    make_task(plan, [world.committee_a])
    assert services.affected_tasks(unit_ids=[world.committee_a.pk], dates=[D(2023, 6, 1)]) == []


def test_refresh_statuses_follows_the_calendar(world, plan):
    task = make_task(plan, [world.committee_a])
    Target.objects.create(task=task, metric="test.lectures", period=Target.Period.YEAR, threshold=1)
    dated = make_task(
        plan, [world.committee_a], title="6月底前报送", deadline_kind=Task.DeadlineKind.DATE, deadline=D(2024, 6, 30)
    )
    services.refresh(today=D(2024, 6, 1))
    assert status(task, world.committee_a) == status(dated, world.committee_a) == "not_started"
    services.refresh_statuses(today=D(2024, 7, 2))
    assert status(dated, world.committee_a) == "overdue"  # its deadline passed while the plan runs
    # Once the plan has ended it is closed: the outcomes are final, never overdue for ever.
    services.refresh_statuses(today=D(2025, 1, 2))
    assert status(task, world.committee_a) == status(dated, world.committee_a) == "unfinished"
    assert services.ensure_fresh(region_path=world.street_a.path, today=D(2025, 1, 3)) is True
    assert services.ensure_fresh(region_path=world.street_a.path, today=D(2025, 1, 3)) is False


def test_unregistered_metric_is_skipped_not_invented(world, plan):
    task = make_task(plan, [world.committee_a])
    Target.objects.create(task=task, metric="nobody.registered", period=Target.Period.YEAR, threshold=1)
    services.refresh(today=D(2024, 6, 1))
    assert not ProgressStatus.objects.filter(task=task).exists()


@dataclass(frozen=True)
class Pinged:
    n: int


@dataclass(frozen=True)
class Ponged:
    n: int


def test_bus_calls_listeners_of_the_event_type_only():
    seen: list[object] = []
    with events.listening(Pinged, seen.append), events.listening(Ponged, lambda e: seen.append(("pong", e))):
        events.publish(Pinged(1))
    events.publish(Pinged(2))  # no longer subscribed
    assert seen == [Pinged(1)]
    assert events.listeners(Pinged) == []


def test_records_of_another_metric_leave_a_target_alone(world, plan):
    task = make_task(plan, [world.committee_a])
    target = Target.objects.create(task=task, metric="test.lectures", period=Target.Period.QUARTER, threshold=1)
    services.refresh(today=D(2024, 5, 15))
    RECORDS.append((world.committee_a.pk, D(2024, 2, 10), None))
    announce({services.TASK_ACTIVITY_METRIC}, [world.committee_a.pk], [D(2024, 2, 10)])
    assert TargetCheck.objects.get(target=target, unit=world.committee_a, period_start=D(2024, 1, 1)).value == 0
    announce({"test.lectures"}, [world.committee_a.pk], [D(2024, 2, 10)])
    assert TargetCheck.objects.get(target=target, unit=world.committee_a, period_start=D(2024, 1, 1)).value == 1


def test_plan_changes_reach_progress_through_the_hook(world, plan):
    from pufa.plans import services as plan_services

    task = make_task(plan, [world.committee_a])
    target = plan_services.target_create(
        actor=SYSTEM,
        task=task,
        data=plan_services.TargetData(
            metric="test.lectures", period=Target.Period.YEAR, threshold=Decimal(1), filters={}
        ),
    )
    assert ProgressStatus.objects.filter(task=task, unit=world.committee_a, target=target).exists()
    plan_services.task_units_set(actor=SYSTEM, task=task, units={"responsible": [world.committee_b]})
    assert set(ProgressStatus.objects.filter(task=task).values_list("unit_id", flat=True)) == {world.committee_b.pk}
    plan_services.plan_delete(actor=SYSTEM, plan=plan)
    assert not ProgressStatus.objects.filter(task=task).exists()


def _counts_match_statuses():
    from django.db.models import Count, Q, Sum

    from pufa.progress.models import UnitStatusCount

    keys = ("unit_id", "region_path", "plan_start", "plan_end", "status")
    direct = {
        (*row[:-2], row[-2]): row[-1]
        for row in ProgressStatus.objects.annotate(is_target=Q(target__isnull=False))
        .values(*keys, "is_target")
        .annotate(n=Count("id"))
        .values_list(*keys, "is_target", "n")
    }
    counted = {
        (*row[:-2], row[-2]): row[-1]
        for row in UnitStatusCount.objects.values(*keys, "is_target")
        .annotate(total=Sum("n"))
        .values_list(*keys, "is_target", "total")
    }
    assert counted == direct
    return counted


def test_status_counts_follow_every_kind_of_refresh(world, plan):
    """The dashboard's status figures come from UnitStatusCount: after an event, a plan change, the daily pass
    and a region's on-demand pass it equals a direct count of the statuses."""
    from pufa.plans import services as plan_services

    task = make_task(plan, [world.committee_a, world.committee_b])
    Target.objects.create(task=task, metric="test.lectures", period=Target.Period.QUARTER, threshold=1)
    other = make_task(plan, [world.committee_a], title="开展宪法宣传")
    services.refresh(today=D(2024, 5, 15))
    counts = _counts_match_statuses()
    assert sum(counts.values()) == ProgressStatus.objects.count() == 5
    RECORDS.append((world.committee_a.pk, D(2024, 5, 10), None))
    announce({"test.lectures"}, [world.committee_a.pk], [D(2024, 5, 10)])
    _counts_match_statuses()
    plan_services.task_units_set(actor=SYSTEM, task=task, units={"responsible": [world.committee_b]})
    assert not ProgressStatus.objects.filter(task=task, unit=world.committee_a).exists()
    _counts_match_statuses()
    services.refresh_statuses(today=D(2025, 1, 2), region_path=world.street_a.path)
    counts = _counts_match_statuses()
    assert {k[4] for k in counts} == {"unfinished"}  # the plan has ended: closed, not overdue
    services.refresh_statuses(today=D(2024, 7, 2))
    _counts_match_statuses()
    plan_services.plan_delete(actor=SYSTEM, plan=plan)
    assert other.pk and _counts_match_statuses() == {}


def test_an_event_on_a_metric_no_target_uses_costs_one_query(world, plan, django_assert_num_queries):
    """A survey answered from a phone announces its metrics hundreds of times a minute at peak; when no target
    uses them, the listener looks once at the target table and stops, whatever the units and tasks."""
    make_task(plan, [world.committee_a, world.committee_b])
    with django_assert_num_queries(1):
        services.on_records_changed(
            events.RecordsChanged(
                metrics=frozenset({"test.lectures"}),
                unit_ids=frozenset({world.committee_a.pk, world.committee_b.pk}),
                dates=frozenset({D(2024, 2, 1)}),
                source="test",
            )
        )
