"""Every write of the plans app: happy path, each rule, the audit entry, and who may do it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pufa.core.models import AuditEntry, Domain
from pufa.org.access import SYSTEM
from pufa.plans import services
from pufa.plans.models import Plan, Target, Task, TaskUnit
from tests.factories import UnitFactory, make_plan, make_task

Role = TaskUnit.Role


def _plan_data(unit, **kw):
    base = dict(
        title="沱河街道2026年普法依法治理工作要点",
        kind=Plan.Kind.ANNUAL_POINTS,
        issuing_unit=unit,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    base.update(kw)
    return services.PlanData(**base)


def _entries(obj, code=None):
    entries = AuditEntry.objects.filter(object_id=str(obj.pk), object_repr__isnull=False)
    if code:
        entries = entries.filter(code=code)
    return list(entries)


# ---------------------------------------------------------------- plans


def test_office_creates_plan_with_audit_entry(world, office_user):
    plan = services.plan_create(actor=office_user, data=_plan_data(world.office_unit))
    assert plan.pk and plan.issuing_unit == world.office_unit
    entry = AuditEntry.objects.get(code="plans.plan.create")
    assert entry.actor == office_user and entry.action == AuditEntry.Action.CREATE
    assert entry.changes["title"] == [None, "沱河街道2026年普法依法治理工作要点"]
    assert entry.scope_path == world.street_a.path


def test_office_may_issue_for_a_community_unit_of_its_region(world, office_user):
    plan = services.plan_create(actor=office_user, data=_plan_data(world.committee_a, title="沱河社区普法计划"))
    assert plan.issuing_unit == world.committee_a


@pytest.mark.parametrize("who", ["liaison", "other_office", "inspector"])
def test_others_cannot_create_plan(request, world, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=actor, data=_plan_data(world.office_unit))
    assert not Plan.objects.exists()


def test_plan_period_must_not_end_before_it_starts(world, office_user):
    with pytest.raises(ValidationError) as exc:
        services.plan_create(actor=office_user, data=_plan_data(world.office_unit, period_end=dt.date(2025, 12, 31)))
    assert exc.value.message_dict["period_end"] == ["结束日期不能早于开始日期。"]


def test_plan_needs_a_title(world, office_user):
    with pytest.raises(ValidationError) as exc:
        services.plan_create(actor=office_user, data=_plan_data(world.office_unit, title="  "))
    assert "title" in exc.value.message_dict


def test_parent_must_rank_higher_in_the_chain(world, office_user):
    action = make_plan(world.office_unit, kind=Plan.Kind.ACTION, title="行动方案")
    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            actor=office_user, data=_plan_data(world.office_unit, kind=Plan.Kind.FIVE_YEAR, parent=action)
        )
    assert "不能作为" in exc.value.message_dict["parent"][0]


def test_chain_five_year_points_action_is_accepted(world, office_user):
    district_office = UnitFactory(name="测试区法宣办", kind="office", region=world.district, code="district-fxb")
    five = make_plan(district_office, kind=Plan.Kind.FIVE_YEAR, title="测试区“八五”普法规划")
    points = services.plan_create(
        actor=office_user, data=_plan_data(world.office_unit, kind=Plan.Kind.ANNUAL_POINTS, parent=five)
    )
    action = services.plan_create(
        actor=office_user, data=_plan_data(world.office_unit, kind=Plan.Kind.ACTION, title="行动方案", parent=points)
    )
    assert action.parent.parent == five


def test_parent_must_be_issued_in_same_region_or_above(world, other_office):
    street_a_points = make_plan(world.office_unit, kind=Plan.Kind.FIVE_YEAR)
    with pytest.raises((ValidationError, PermissionDenied)):
        services.plan_create(
            actor=other_office,
            data=_plan_data(world.other_office_unit, kind=Plan.Kind.ACTION, parent=street_a_points),
        )
    # from the command line (which may see everything) the region rule still holds
    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            actor=SYSTEM, data=_plan_data(world.other_office_unit, kind=Plan.Kind.ACTION, parent=street_a_points)
        )
    assert exc.value.message_dict["parent"] == ["上级规划须由本区划或上级区划的单位印发。"]


def test_plan_cannot_hang_under_its_own_child(world, office_user):
    five = make_plan(world.office_unit, kind=Plan.Kind.FIVE_YEAR, title="五年规划")
    points = make_plan(world.office_unit, kind=Plan.Kind.ANNUAL_POINTS, title="要点", parent=five)
    with pytest.raises(ValidationError) as exc:
        services.plan_update(
            actor=office_user, plan=five, data=_plan_data(world.office_unit, kind=Plan.Kind.SPECIAL, parent=points)
        )
    assert "下级" in exc.value.message_dict["parent"][0]


def test_plan_update_records_changed_fields(world, office_user):
    plan = make_plan(world.office_unit)
    services.plan_update(actor=office_user, plan=plan, data=_plan_data(world.office_unit, title="改后的标题"))
    entry = AuditEntry.objects.get(code="plans.plan.update")
    assert entry.changes["title"] == ["沱河街道法治办普法工作要点", "改后的标题"]
    assert "kind" not in entry.changes and "period_start" not in entry.changes


def test_plan_update_refuses_moving_tasks_out_of_region(world, office_user):
    plan = make_plan(world.office_unit)
    make_task(plan, units={Role.LEAD: [world.judicial_office]})
    with pytest.raises(ValidationError) as exc:
        services.plan_update(actor=office_user, plan=plan, data=_plan_data(world.committee_a))
    assert "issuing_unit" in exc.value.message_dict


def test_other_office_cannot_update_or_delete(world, other_office):
    plan = make_plan(world.office_unit)
    with pytest.raises(PermissionDenied):
        services.plan_update(actor=other_office, plan=plan, data=_plan_data(world.office_unit, title="x"))
    with pytest.raises(PermissionDenied):
        services.plan_delete(actor=other_office, plan=plan)


def test_plan_delete_is_soft_and_audited(world, office_user):
    plan = make_plan(world.office_unit)
    services.plan_delete(actor=office_user, plan=plan)
    assert not Plan.objects.filter(pk=plan.pk).exists()
    assert Plan.all_objects.get(pk=plan.pk).deleted_at is not None
    assert AuditEntry.objects.filter(code="plans.plan.delete", action=AuditEntry.Action.DELETE).count() == 1


def test_plan_with_living_children_cannot_be_deleted(world, office_user):
    five = make_plan(world.office_unit, kind=Plan.Kind.FIVE_YEAR)
    make_plan(world.office_unit, kind=Plan.Kind.ANNUAL_POINTS, parent=five)
    with pytest.raises(ValidationError, match="下级规划"):
        services.plan_delete(actor=office_user, plan=five)


# ---------------------------------------------------------------- tasks


def test_task_create_orders_and_audits(world, office_user):
    plan = make_plan(world.office_unit)
    domain = Domain.objects.get(name="民法典")
    first = services.task_create(
        actor=office_user, plan=plan, data=services.TaskData(title="民法典进社区", section="一、1", domains=[domain])
    )
    second = services.task_create(actor=office_user, plan=plan, data=services.TaskData(title="宪法宣传周"))
    assert (first.order, second.order) == (1, 2)
    assert list(first.domains.all()) == [domain]
    entry = AuditEntry.objects.get(code="plans.task.create", object_id=str(first.pk))
    assert entry.changes["title"] == [None, "民法典进社区"] and entry.changes["domains"] == [None, ["民法典"]]


def test_task_deadline_rules(world, office_user):
    plan = make_plan(world.office_unit)
    with pytest.raises(ValidationError) as exc:
        services.task_create(
            actor=office_user, plan=plan, data=services.TaskData(title="x", deadline_kind=Task.DeadlineKind.DATE)
        )
    assert exc.value.message_dict == {"deadline": ["请填写截止日期。"]}
    with pytest.raises(ValidationError) as exc:
        services.task_create(
            actor=office_user, plan=plan, data=services.TaskData(title="x", deadline_kind=Task.DeadlineKind.RECURRING)
        )
    assert "recurrence" in exc.value.message_dict
    task = services.task_create(
        actor=office_user,
        plan=plan,
        data=services.TaskData(
            title="贯穿全年的工作",
            deadline_kind=Task.DeadlineKind.ALL_YEAR,
            deadline=dt.date(2026, 3, 31),
            recurrence=Task.Recurrence.MONTHLY,
        ),
    )
    assert task.deadline is None and task.recurrence == ""  # leftovers are cleared, never half-set


def test_task_update_and_delete(world, office_user, liaison):
    plan = make_plan(world.office_unit)
    task = make_task(plan, title="旧标题")
    with pytest.raises(PermissionDenied):
        services.task_update(actor=liaison, task=task, data=services.TaskData(title="新"))
    services.task_update(
        actor=office_user,
        task=task,
        data=services.TaskData(
            title="新标题",
            deadline_kind=Task.DeadlineKind.RECURRING,
            recurrence=Task.Recurrence.QUARTERLY,
            deadline_text="每季度",
        ),
    )
    entry = AuditEntry.objects.get(code="plans.task.update")
    assert entry.changes["title"] == ["旧标题", "新标题"]
    assert entry.changes["recurrence"] == ["", "quarterly"]
    services.task_delete(actor=office_user, task=task)
    assert Task.all_objects.get(pk=task.pk).is_deleted
    assert AuditEntry.objects.filter(code="plans.task.delete").count() == 1


def test_task_units_set_replaces_roles_and_audits(world, office_user):
    plan = make_plan(world.office_unit)
    task = make_task(plan)
    services.task_units_set(
        actor=office_user,
        task=task,
        units={Role.LEAD: [world.office_unit], Role.PARTICIPANT: [world.committee_a, world.committee_b]},
        unresolved=[{"name": "团委", "role": Role.RESPONSIBLE}],
        written={
            (Role.PARTICIPANT, world.committee_a.pk): "各社区",
            (Role.PARTICIPANT, world.committee_b.pk): "各社区",
        },
    )
    rows = sorted(task.task_units.values_list("role", "unit__name", "written_name"))
    assert rows == [
        ("lead", "沱河街道法治办", ""),
        ("participant", "桃园社区居委会", "各社区"),
        ("participant", "沱河社区居委会", "各社区"),
    ]
    task.refresh_from_db()
    assert task.unresolved_units == [{"name": "团委", "role": "responsible"}]
    entry = AuditEntry.objects.get(code="plans.task.units")
    assert entry.changes["task_units"][1] == [
        "参加/配合：桃园社区居委会",
        "参加/配合：沱河社区居委会",
        "牵头：沱河街道法治办",
    ]
    services.task_units_set(actor=office_user, task=task, units={Role.LEAD: [world.office_unit]})
    assert list(task.task_units.values_list("unit__name", flat=True)) == ["沱河街道法治办"]
    # the same units again: nothing changed, nothing logged
    count = AuditEntry.objects.filter(code="plans.task.units").count()
    services.task_units_set(actor=office_user, task=task, units={Role.LEAD: [world.office_unit]})
    assert AuditEntry.objects.filter(code="plans.task.units").count() == count


def test_task_units_must_lie_in_the_plans_region(world, office_user):
    plan = make_plan(world.office_unit)
    task = make_task(plan)
    with pytest.raises(ValidationError) as exc:
        services.task_units_set(actor=SYSTEM, task=task, units={Role.LEAD: [world.other_office_unit]})
    assert "不在“沱河街道”区划内" in exc.value.message_dict["units"][0]
    assert not task.task_units.exists()


# ---------------------------------------------------------------- targets


def _target(**kw):
    base = dict(metric="test.activity_count", threshold=1, period=Target.Period.YEAR, measure="次")
    base.update(kw)
    return services.TargetData(**base)


def test_target_create_with_filters_and_audit(world, office_user, test_metric):
    task = make_task(make_plan(world.office_unit))
    target = services.target_create(
        actor=office_user,
        task=task,
        data=_target(
            filters={"kind": ["whhd"]},
            scope=Target.Scope.EACH_OF_KIND,
            scope_kind="community_committee",
            text="每个社区每年组织开展1次以上基层法治文化活动",
        ),
    )
    assert target.filters == {"kind": ["whhd"]} and target.threshold == Decimal(1)
    assert target.scope_kind == "community_committee" and target.scope_unit is None
    entry = AuditEntry.objects.get(code="plans.target.create")
    assert entry.changes["metric"] == [None, "test.activity_count"]


def test_target_metric_must_be_registered(world, office_user):
    task = make_task(make_plan(world.office_unit))
    with pytest.raises(ValidationError) as exc:
        services.target_create(actor=office_user, task=task, data=_target(metric="ledger.nothing"))
    assert exc.value.message_dict["metric"] == ["未注册的指标：ledger.nothing。"]


def test_target_filters_must_be_accepted_by_metric(world, office_user, test_metric, roster_metric):
    task = make_task(make_plan(world.office_unit))
    with pytest.raises(ValidationError) as exc:
        services.target_create(actor=office_user, task=task, data=_target(filters={"audience": ["qsn"]}))
    assert "不支持筛选条件：audience" in exc.value.message_dict["filters"][0]
    with pytest.raises(ValidationError) as exc:
        services.target_create(actor=office_user, task=task, data=_target(filters={"kind": ["nope"]}))
    assert "取值无效：nope" in exc.value.message_dict["filters"][0]
    with pytest.raises(ValidationError):
        services.target_create(
            actor=office_user, task=task, data=_target(metric="test.roster", filters={"kind": ["whhd"]})
        )


def test_target_scope_rules(world, office_user, test_metric):
    task = make_task(make_plan(world.office_unit))
    with pytest.raises(ValidationError) as exc:
        services.target_create(actor=office_user, task=task, data=_target(scope=Target.Scope.EACH_OF_KIND))
    assert exc.value.message_dict == {"scope_kind": ["请选择单位类型。"]}
    with pytest.raises(ValidationError) as exc:
        services.target_create(actor=office_user, task=task, data=_target(scope=Target.Scope.UNIT))
    assert exc.value.message_dict == {"scope_unit": ["请选择指定单位。"]}
    with pytest.raises(ValidationError) as exc:
        services.target_create(
            actor=office_user, task=task, data=_target(scope=Target.Scope.UNIT, scope_unit=world.other_office_unit)
        )
    assert "区划内" in exc.value.message_dict["scope_unit"][0]
    target = services.target_create(
        actor=office_user, task=task, data=_target(scope=Target.Scope.UNIT, scope_unit=world.committee_b)
    )
    assert target.scope_unit == world.committee_b


def test_target_period_threshold_rules(world, office_user, test_metric):
    task = make_task(make_plan(world.office_unit))
    with pytest.raises(ValidationError) as exc:
        services.target_create(actor=office_user, task=task, data=_target(period=Target.Period.BY_DATE))
    assert "due" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.target_create(actor=office_user, task=task, data=_target(threshold=-1))
    assert "threshold" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.target_create(actor=office_user, task=task, data=_target(threshold="许多"))
    assert exc.value.message_dict["threshold"] == ["目标值须为数字。"]


def test_target_update_and_delete_keep_the_trail(world, office_user, liaison, test_metric):
    task = make_task(make_plan(world.office_unit))
    target = services.target_create(actor=office_user, task=task, data=_target(threshold=2))
    with pytest.raises(PermissionDenied):
        services.target_update(actor=liaison, target=target, data=_target(threshold=3))
    services.target_update(actor=office_user, target=target, data=_target(threshold=3, period=Target.Period.QUARTER))
    update = AuditEntry.objects.get(code="plans.target.update")
    assert update.changes["threshold"] == ["2.00", "3.00"] and update.changes["period"] == ["year", "quarter"]
    with pytest.raises(PermissionDenied):
        services.target_delete(actor=liaison, target=target)
    pk = target.pk
    services.target_delete(actor=office_user, target=target)
    assert not Target.objects.filter(pk=pk).exists()
    deleted = AuditEntry.objects.get(code="plans.target.delete")
    assert deleted.object_id == str(pk) and deleted.changes["threshold"] == ["3.00", None]
