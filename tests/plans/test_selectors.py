"""Reads of the plans app: who sees which plans and tasks, the outline, due dates and "my tasks"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from pufa.org.access import SYSTEM
from pufa.org.models import Unit
from pufa.plans import selectors, services
from pufa.plans.models import Plan, Task, TaskUnit
from tests.factories import UnitFactory, make_plan, make_task

Role = TaskUnit.Role
TODAY = dt.date(2026, 5, 20)


@pytest.fixture
def plans(world):
    district_office = UnitFactory(name="测试区法宣办", kind=Unit.Kind.OFFICE, region=world.district, code="d-fxb")
    return {
        "district": make_plan(district_office, kind=Plan.Kind.FIVE_YEAR, title="测试区“八五”普法规划"),
        "street_a": make_plan(world.office_unit, title="沱河街道普法工作要点"),
        "street_b": make_plan(world.other_office_unit, title="三八街道普法工作要点"),
        "community_b": make_plan(world.committee_b, kind=Plan.Kind.ANNUAL_PLAN, title="桃园社区普法计划"),
    }


def _titles(qs) -> set[str]:
    return {p.title for p in qs}


def test_office_sees_its_region_and_the_plans_above(world, plans, office_user):
    assert _titles(selectors.plan_list(actor=office_user)) == {
        "测试区“八五”普法规划",
        "沱河街道普法工作要点",
        "桃园社区普法计划",
    }


def test_liaison_sees_plans_issued_at_or_above_its_region_only(world, plans, liaison):
    # 沱河社区's liaison: the district's and the street's plans reach it; 桃园社区's own plan does not.
    assert _titles(selectors.plan_list(actor=liaison)) == {"测试区“八五”普法规划", "沱河街道普法工作要点"}


def test_other_office_does_not_see_the_neighbouring_street(world, plans, other_office):
    titles = _titles(selectors.plan_list(actor=other_office))
    assert "沱河街道普法工作要点" not in titles and "三八街道普法工作要点" in titles
    with pytest.raises(Http404):
        selectors.plan_get(actor=other_office, pk=plans["street_a"].pk)


def test_anonymous_sees_nothing(world, plans):
    from django.contrib.auth.models import AnonymousUser

    assert not selectors.plan_list(actor=AnonymousUser()).exists()


def test_plan_list_filters(world, plans, office_user):
    assert _titles(selectors.plan_list(actor=office_user, kind=Plan.Kind.FIVE_YEAR)) == {"测试区“八五”普法规划"}
    old = make_plan(
        world.office_unit, title="2023年要点", period_start=dt.date(2023, 1, 1), period_end=dt.date(2023, 12, 31)
    )
    assert _titles(selectors.plan_list(actor=office_user, year=2023)) == {old.title}
    assert _titles(selectors.plan_list(actor=office_user, q="桃园")) == {"桃园社区普法计划"}
    assert selectors.plan_years(actor=office_user) == [2026, 2023]


def test_deleted_plan_and_its_tasks_disappear(world, plans, office_user):
    task = make_task(plans["street_a"])
    services.plan_delete(actor=office_user, plan=plans["street_a"])
    assert "沱河街道普法工作要点" not in _titles(selectors.plan_list(actor=office_user))
    with pytest.raises(Http404):
        selectors.task_get(actor=office_user, pk=task.pk)


def test_task_and_target_visibility_follow_the_plan(world, plans, liaison, other_liaison, test_metric):
    task = make_task(plans["street_a"])
    target = services.target_create(
        actor=SYSTEM, task=task, data=services.TargetData(metric="test.activity_count", threshold=1)
    )
    assert selectors.task_get(actor=liaison, pk=task.pk) == task
    assert selectors.target_get(actor=other_liaison, pk=target.pk) == target
    hidden = make_task(plans["community_b"])
    with pytest.raises(Http404):
        selectors.task_get(actor=liaison, pk=hidden.pk)
    services.task_delete(actor=SYSTEM, task=task)
    with pytest.raises(Http404):
        selectors.task_get(actor=liaison, pk=task.pk)
    with pytest.raises(Http404):
        selectors.target_get(actor=liaison, pk=target.pk)


def test_chain_parent_and_children(world, plans, office_user, other_office):
    points = make_plan(world.office_unit, kind=Plan.Kind.ACTION, title="行动方案", parent=plans["street_a"])
    assert selectors.plan_parent_visible(actor=office_user, plan=points) == plans["street_a"]
    assert list(selectors.plan_children(actor=office_user, plan=plans["street_a"])) == [points]
    assert list(selectors.plan_children(actor=other_office, plan=plans["street_a"])) == []


def test_outline_puts_each_heading_once_before_its_tasks(world, plans, office_user):
    plan = plans["street_a"]
    make_task(plan, title="任务甲", path=["一、主要任务", "（一）学习宣传"], section="一、（一）1")
    make_task(plan, title="任务乙", path=["一、主要任务", "（一）学习宣传"], section="一、（一）2")
    make_task(plan, title="任务丙", path=["一、主要任务", "（二）阵地建设"], section="一、（二）1")
    make_task(plan, title="任务丁", path=["二、保障措施"], section="二、1")
    rows = [(r.heading or r.task.title, r.level) for r in selectors.plan_outline(actor=office_user, plan=plan)]
    assert rows == [
        ("一、主要任务", 0),
        ("（一）学习宣传", 1),
        ("任务甲", 2),
        ("任务乙", 2),
        ("（二）阵地建设", 1),
        ("任务丙", 2),
        ("二、保障措施", 0),
        ("任务丁", 1),
    ]


def test_units_by_role_keeps_collective_phrases_together(world, plans, office_user):
    task = make_task(plans["street_a"])
    services.task_units_set(
        actor=SYSTEM,
        task=task,
        units={Role.LEAD: [world.office_unit], Role.PARTICIPANT: [world.committee_a, world.committee_b]},
        written={
            (Role.PARTICIPANT, world.committee_a.pk): "各社区",
            (Role.PARTICIPANT, world.committee_b.pk): "各社区",
        },
        unresolved=[{"name": "团委", "role": Role.PARTICIPANT}],
    )
    roles = selectors.task_get(actor=office_user, pk=task.pk).roles
    assert [(r.label, [g.label for g in r.groups], r.unresolved) for r in roles] == [
        ("牵头", ["沱河街道法治办"], []),
        ("参加/配合", ["各社区（2个单位）"], ["团委"]),
    ]


def test_assignable_units_are_the_regions(world, office_user):
    names = {u.name for u in selectors.assignable_units(actor=office_user, region=world.street_a)}
    assert names == {"沱河街道法治办", "沱河街道司法所", "沱河社区居委会", "桃园社区居委会"}
    assert "三八街道法治办" not in {u.name for u in selectors.assignable_units(actor=SYSTEM, region=world.street_a)}
    assert {u.name for u in selectors.manageable_units(actor=office_user)} == names


# ---------------------------------------------------------------- due dates


def _task(kind, *, deadline=None, recurrence="", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)):
    plan = Plan(period_start=start, period_end=end)
    return Task(plan=plan, deadline_kind=kind, deadline=deadline, recurrence=recurrence)


@pytest.mark.parametrize(
    ("recurrence", "anchor", "expected"),
    [
        ("monthly", None, dt.date(2026, 5, 31)),
        ("quarterly", None, dt.date(2026, 6, 30)),
        ("half_yearly", None, dt.date(2026, 6, 30)),
        ("yearly", None, dt.date(2026, 12, 31)),
        ("yearly", dt.date(2017, 6, 30), dt.date(2026, 6, 30)),  # 每年6月底前
        ("yearly", dt.date(2017, 3, 31), dt.date(2027, 3, 31)),  # 3月底前: this year's has passed
    ],
)
def test_period_end(recurrence, anchor, expected):
    assert selectors.period_end(recurrence, TODAY, anchor) == expected


def test_next_due_statuses():
    D = Task.DeadlineKind
    assert selectors.next_due(_task(D.DATE, deadline=dt.date(2026, 3, 31)), TODAY).status == "overdue"
    soon = selectors.next_due(_task(D.RECURRING, recurrence="monthly"), TODAY)
    assert (soon.date, soon.status, soon.label) == (dt.date(2026, 5, 31), "soon", "即将到期")
    assert selectors.next_due(_task(D.ALL_YEAR), TODAY) == selectors.Due(dt.date(2026, 12, 31), "upcoming")
    assert selectors.next_due(_task(D.NONE), TODAY) == selectors.Due(None, "open")
    # recurring work never falls due after its plan ends
    clipped = selectors.next_due(_task(D.ALL_YEAR, end=dt.date(2026, 9, 30)), TODAY)
    assert clipped.date == dt.date(2026, 9, 30)
    # a plan not yet started: the first period of the plan
    future = selectors.next_due(_task(D.RECURRING, recurrence="quarterly", start=dt.date(2026, 7, 1)), TODAY)
    assert future.date == dt.date(2026, 9, 30)
    ended = selectors.next_due(_task(D.RECURRING, recurrence="monthly", end=dt.date(2025, 12, 31)), TODAY)
    assert ended == selectors.Due(dt.date(2025, 12, 31), "ended")


def test_my_tasks_order_and_roles(world, plans, liaison, other_liaison):
    plan = plans["street_a"]
    D = Task.DeadlineKind
    open_task = make_task(plan, title="未设时限", units={Role.PARTICIPANT: [world.committee_a]})
    upcoming = make_task(
        plan,
        title="年底前",
        deadline_kind=D.DATE,
        deadline=dt.date(2026, 11, 30),
        units={Role.LEAD: [world.committee_a]},
    )
    overdue = make_task(
        plan,
        title="已过期",
        deadline_kind=D.DATE,
        deadline=dt.date(2026, 3, 31),
        units={Role.RESPONSIBLE: [world.committee_a], Role.PARTICIPANT: [world.committee_a]},
    )
    monthly = make_task(
        plan,
        title="每月一期宣传栏",
        deadline_kind=D.RECURRING,
        recurrence="monthly",
        units={Role.PARTICIPANT: [world.committee_a, world.committee_b]},
    )
    make_task(plan, title="别人的任务", units={Role.LEAD: [world.committee_b]})
    old_plan = make_plan(
        world.office_unit, title="2023年要点", period_start=dt.date(2023, 1, 1), period_end=dt.date(2023, 12, 31)
    )
    ended = make_task(old_plan, title="旧任务", units={Role.LEAD: [world.committee_a]})
    rows = selectors.my_tasks(actor=liaison, today=TODAY)
    assert [r.task for r in rows] == [overdue, monthly, upcoming, open_task, ended]
    assert [r.due.status for r in rows] == ["overdue", "soon", "upcoming", "open", "ended"]
    assert rows[0].roles == ["参加/配合", "责任"] and rows[0].units == [world.committee_a]
    assert [r.task.title for r in selectors.my_tasks(actor=liaison, today=TODAY, role=Role.LEAD)] == [
        "年底前",
        "旧任务",
    ]
    assert {r.task.title for r in selectors.my_tasks(actor=other_liaison, today=TODAY)} == {
        "每月一期宣传栏",
        "别人的任务",
    }


def test_my_tasks_empty_for_user_without_units(db):
    from tests.factories import UserFactory

    assert selectors.my_tasks(actor=UserFactory()) == []
