"""Every write to plans, tasks, their units and targets (STYLE.md: one service per write).

Who may write: the office (`plans.manage`) whose region contains the plan's issuing unit; `SYSTEM` is the
trusted command line (seed-demo, `pufa import-plan --save`). Every service checks that with `require`,
validates (ValidationError keyed by field, Chinese messages), writes inside a transaction and records its
audit entry there, so a write and its trail land together or not at all.

Rules kept here, not in forms, so the upload page, the command line and the demo obey the same ones:
- a plan's parent is higher in the chain 五年规划 → 年度要点 → 年度计划/行动方案 (专项方案 may hang anywhere)
  and was issued in the same region or above;
- the units of a task, and a target's unit, lie in the region of the plan's issuing unit;
- a target counts with a registered metric and only with filters that metric accepts.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from pufa.core import audit, events
from pufa.core.models import Audience, Domain
from pufa.org.access import Actor, require
from pufa.org.models import Unit, User
from pufa.plans import metrics
from pufa.plans.models import Plan, PlanImportDraft, Target, Task, TaskUnit

Role = TaskUnit.Role

#: The plan chain: a parent must rank strictly higher (a smaller number) than its child.
KIND_RANK = {
    Plan.Kind.FIVE_YEAR: 0,
    Plan.Kind.ANNUAL_POINTS: 1,
    Plan.Kind.ANNUAL_PLAN: 2,
    Plan.Kind.ACTION: 2,
    Plan.Kind.SPECIAL: 3,
}

#: The metric an imported target counts with until the office corrects it in review (see plan_import_save).
DEFAULT_IMPORT_METRIC = "ledger.activity_count"
NO_METRIC_WARNING = "未注册可用指标，量化指标未保存"


def _changed(task_ids: list[int]) -> None:
    """Tell the apps above (progress) that these tasks' units, targets or deadlines changed; they recompute
    inside this transaction, so no figure disagrees with the plan."""
    if task_ids:
        events.publish(events.PlansChanged(task_ids=frozenset(task_ids)))


def _in_region(unit: Unit, plan: Plan) -> bool:
    return unit.region.path.startswith(plan.issuing_unit.region.path)


# ---------------------------------------------------------------- plans


@dataclass
class PlanData:
    title: str
    kind: str
    issuing_unit: Unit
    period_start: dt.date
    period_end: dt.date
    parent: Plan | None = None
    source_name: str = ""
    source_text: str = ""


def _validate_plan(plan: Plan) -> None:
    errors: dict[str, str] = {}
    if not plan.title.strip():
        errors["title"] = "请填写标题。"
    if plan.kind not in Plan.Kind.values:
        errors["kind"] = "规划类型无效。"
    if plan.period_start and plan.period_end and plan.period_end < plan.period_start:
        errors["period_end"] = "结束日期不能早于开始日期。"
    parent = plan.parent
    if parent is not None and "kind" not in errors:
        if parent.pk == plan.pk or parent.is_deleted:
            errors["parent"] = "上级规划无效。"
        elif plan.pk and _is_descendant(parent, plan):
            errors["parent"] = "不能把规划挂在它自己的下级规划之下。"
        elif plan.kind != Plan.Kind.SPECIAL and KIND_RANK[Plan.Kind(parent.kind)] >= KIND_RANK[Plan.Kind(plan.kind)]:
            errors["parent"] = (
                f"“{parent.get_kind_display()}”不能作为“{plan.get_kind_display()}”的上级"
                "（顺序为：五年规划 → 年度要点 → 年度计划/行动方案）。"
            )
        elif not plan.issuing_unit.region.path.startswith(parent.issuing_unit.region.path):
            errors["parent"] = "上级规划须由本区划或上级区划的单位印发。"
    if errors:
        raise ValidationError(errors)
    plan.full_clean(exclude=["parent", "issuing_unit"])


def _is_descendant(candidate: Plan, plan: Plan) -> bool:
    """Is `candidate` below `plan` in the chain? Walks up from the candidate (chains are a few levels deep)."""
    seen: set[int] = set()
    node: Plan | None = candidate
    while node is not None and node.pk not in seen:
        if node.pk == plan.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


def _require_parent_visible(actor: Actor, parent: Plan | None) -> None:
    if parent is not None:
        require(actor, "plans.view", parent)


@transaction.atomic
def plan_create(*, actor: Actor, data: PlanData) -> Plan:
    require(actor, "plans.manage", data.issuing_unit)
    _require_parent_visible(actor, data.parent)
    plan = Plan(
        title=data.title.strip()[:200],
        kind=data.kind,
        issuing_unit=data.issuing_unit,
        period_start=data.period_start,
        period_end=data.period_end,
        parent=data.parent,
        source_name=data.source_name.strip()[:200],
        source_text=data.source_text,
    )
    _validate_plan(plan)
    plan.save()
    audit.log_create(actor=actor, obj=plan, code="plans.plan.create")
    return plan


_PLAN_FIELDS = ["title", "kind", "issuing_unit", "period_start", "period_end", "parent", "source_name"]


@transaction.atomic
def plan_update(*, actor: Actor, plan: Plan, data: PlanData) -> Plan:
    """Edit a plan. Moving it to another issuing unit needs the right to manage both units."""
    require(actor, "plans.manage", plan)
    if data.issuing_unit.pk != plan.issuing_unit_id:
        require(actor, "plans.manage", data.issuing_unit)
    if data.parent is not None and data.parent.pk != plan.parent_id:
        _require_parent_visible(actor, data.parent)
    before = audit.snapshot(plan, _PLAN_FIELDS)
    moved = data.issuing_unit.pk != plan.issuing_unit_id
    plan.title, plan.kind = data.title.strip()[:200], data.kind
    plan.issuing_unit, plan.parent = data.issuing_unit, data.parent
    plan.period_start, plan.period_end = data.period_start, data.period_end
    plan.source_name = data.source_name.strip()[:200]
    if data.source_text:
        plan.source_text = data.source_text
    _validate_plan(plan)
    if moved:
        outside = TaskUnit.objects.filter(task__plan=plan).exclude(
            unit__region__path__startswith=plan.issuing_unit.region.path
        )
        if outside.exists():
            raise ValidationError({"issuing_unit": "任务中有单位不在新印发单位的区划内，不能这样修改。"})
    plan.save()
    audit.log_update(actor=actor, obj=plan, before=before, code="plans.plan.update")
    _changed(list(plan.tasks.values_list("pk", flat=True)))
    return plan


@transaction.atomic
def plan_delete(*, actor: Actor, plan: Plan) -> Plan:
    """Soft-delete: the plan and its tasks leave every page; the rows and the trail stay (principle 4)."""
    require(actor, "plans.manage", plan)
    if plan.children.filter(deleted_at__isnull=True).exists():
        raise ValidationError("该规划还有下级规划，请先删除或改挂下级规划。")
    plan.deleted_at = timezone.now()
    plan.save(update_fields=["deleted_at", "updated_at"])
    audit.log(actor=actor, action=audit.Action.DELETE, obj=plan, code="plans.plan.delete")
    _changed(list(plan.tasks.values_list("pk", flat=True)))
    return plan


# ---------------------------------------------------------------- tasks


@dataclass
class TaskData:
    title: str
    section: str = ""
    number: str = ""
    path: list[str] = field(default_factory=list)
    text: str = ""
    deadline_kind: str = Task.DeadlineKind.NONE
    deadline: dt.date | None = None
    recurrence: str = ""
    deadline_text: str = ""
    domains: list[Domain] = field(default_factory=list)
    audiences: list[Audience] = field(default_factory=list)
    order: int | None = None


def _apply_deadline(task: Task, data: TaskData) -> None:
    """Keep the deadline fields consistent with their kind, so 'next due' is never computed from leftovers."""
    kind = data.deadline_kind or Task.DeadlineKind.NONE
    errors: dict[str, str] = {}
    if kind not in Task.DeadlineKind.values:
        errors["deadline_kind"] = "时限类型无效。"
    elif kind == Task.DeadlineKind.DATE and data.deadline is None:
        errors["deadline"] = "请填写截止日期。"
    elif kind == Task.DeadlineKind.RECURRING and data.recurrence not in Task.Recurrence.values:
        errors["recurrence"] = "请选择周期（每月、每季度、每半年或每年）。"
    if errors:
        raise ValidationError(errors)
    task.deadline_kind = kind
    # A recurring task may keep a date as its yearly anchor ("每年3月底前" → 3月31日).
    task.deadline = data.deadline if kind in {Task.DeadlineKind.DATE, Task.DeadlineKind.RECURRING} else None
    task.recurrence = data.recurrence if kind == Task.DeadlineKind.RECURRING else ""
    task.deadline_text = (data.deadline_text or "").strip()[:300]


def _fill_task(task: Task, data: TaskData) -> None:
    task.title = data.title.strip()[:300]
    if not task.title:
        raise ValidationError({"title": "请填写任务标题。"})
    task.section = data.section.strip()[:60]
    task.number = data.number.strip()[:20]
    task.path = [str(p)[:200] for p in data.path]
    task.text = data.text.strip()
    _apply_deadline(task, data)


@transaction.atomic
def task_create(*, actor: Actor, plan: Plan, data: TaskData) -> Task:
    require(actor, "plans.manage", plan)
    task = Task(plan=plan)
    _fill_task(task, data)
    if data.order is None:
        last = plan.tasks.order_by("-order").values_list("order", flat=True).first()
        task.order = (last or 0) + 1
    else:
        task.order = data.order
    task.full_clean(exclude=["plan"])
    task.save()
    task.domains.set(data.domains)
    task.audiences.set(data.audiences)
    audit.log_create(actor=actor, obj=task, code="plans.task.create")
    return task


_TASK_FIELDS = [
    "title",
    "section",
    "number",
    "text",
    "deadline_kind",
    "deadline",
    "recurrence",
    "deadline_text",
    "domains",
    "audiences",
]


@transaction.atomic
def task_update(*, actor: Actor, task: Task, data: TaskData) -> Task:
    require(actor, "plans.manage", task.plan)
    before = audit.snapshot(task, _TASK_FIELDS)
    path = data.path or task.path
    _fill_task(task, data)
    task.path = path
    if data.order is not None:
        task.order = data.order
    task.full_clean(exclude=["plan"])
    task.save()
    task.domains.set(data.domains)
    task.audiences.set(data.audiences)
    audit.log_update(actor=actor, obj=task, before=before, code="plans.task.update")
    _changed([task.pk])
    return task


@transaction.atomic
def task_delete(*, actor: Actor, task: Task) -> Task:
    require(actor, "plans.manage", task.plan)
    task.deleted_at = timezone.now()
    task.save(update_fields=["deleted_at", "updated_at"])
    audit.log(actor=actor, action=audit.Action.DELETE, obj=task, code="plans.task.delete")
    _changed([task.pk])
    return task


def _unit_labels(rows: list[tuple[str, str]]) -> list[str]:
    return sorted(f"{Role(role).label}：{name}" for role, name in rows)


@transaction.atomic
def task_units_set(
    *,
    actor: Actor,
    task: Task,
    units: dict[str, list[Unit]],
    unresolved: list[dict[str, str]] | None = None,
    written: dict[tuple[str, int], str] | None = None,
) -> Task:
    """Replace the task's units by role (`{"lead": [...], "participant": [...], "responsible": [...]}`).

    A role missing from `units` is emptied. Names the office left unresolved are replaced when `unresolved`
    is given. `written` keeps the name as the document wrote it, per (role, unit pk), for the trail.
    """
    require(actor, "plans.manage", task.plan)
    errors = []
    for role in units:
        if role not in Role.values:
            errors.append(f"单位角色“{role}”无效。")
    plan = task.plan
    for role_units in units.values():
        for unit in role_units:
            if unit.is_deleted or not _in_region(unit, plan):
                errors.append(f"“{unit.name}”不在“{plan.issuing_unit.region.name}”区划内，不能承担本规划的任务。")
    if errors:
        raise ValidationError({"units": errors})
    written = written or {}
    before = list(task.task_units.values_list("role", "unit__name"))
    task.task_units.all().delete()
    rows = []
    for role in Role.values:
        seen: set[int] = set()
        for unit in units.get(role, []):
            if unit.pk in seen:
                continue
            seen.add(unit.pk)
            rows.append(TaskUnit(task=task, unit=unit, role=role, written_name=written.get((role, unit.pk), "")[:100]))
    TaskUnit.objects.bulk_create(rows)
    changes: dict[str, list[Any]] = {}
    after = [(row.role, row.unit.name) for row in rows]
    if _unit_labels(before) != _unit_labels(after):
        changes["task_units"] = [_unit_labels(before), _unit_labels(after)]
    if unresolved is not None:
        cleaned = _clean_unresolved(unresolved)
        if cleaned != task.unresolved_units:
            changes["unresolved_units"] = [task.unresolved_units, cleaned]
            task.unresolved_units = cleaned
            task.save(update_fields=["unresolved_units", "updated_at"])
    if changes:
        audit.log(actor=actor, action=audit.Action.UPDATE, obj=task, code="plans.task.units", changes=changes)
        _changed([task.pk])
    return task


def _clean_unresolved(items: list[dict[str, str]]) -> list[dict[str, str]]:
    seen: list[dict[str, str]] = []
    for item in items:
        name = str(item.get("name", "")).strip()
        role = item.get("role", "")
        entry = {"name": name[:100], "role": role if role in Role.values else Role.PARTICIPANT}
        if name and entry not in seen:
            seen.append(entry)
    return seen


# ---------------------------------------------------------------- targets


@dataclass
class TargetData:
    metric: str
    threshold: Decimal | int | float | str
    period: str = Target.Period.YEAR
    filters: dict[str, Any] = field(default_factory=dict)
    scope: str = Target.Scope.RESPONSIBLE
    scope_kind: str = ""
    scope_unit: Unit | None = None
    measure: str = ""
    due: dt.date | None = None
    text: str = ""


def _validate_target_data(task: Task, data: TargetData) -> tuple[Decimal, dict[str, Any]]:
    errors: dict[str, str] = {}
    filters: dict[str, Any] = {}
    try:
        metric = metrics.get(data.metric)
    except KeyError:
        errors["metric"] = f"未注册的指标：{data.metric or '（空）'}。"
    else:
        unknown = set(data.filters or {}) - metric.filter_names()
        if unknown:
            errors["filters"] = f"指标“{metric.label}”不支持筛选条件：{'、'.join(sorted(unknown))}。"
        else:
            for item in metric.filters:
                values = (data.filters or {}).get(item.name)
                if values in (None, "", []):
                    continue
                values = [str(v) for v in (values if isinstance(values, list | tuple) else [values])]
                allowed = {str(code) for code, _ in item.choices()}
                wrong = [v for v in values if v not in allowed]
                if wrong:
                    errors["filters"] = f"“{item.label}”的取值无效：{'、'.join(wrong)}。"
                    break
                filters[item.name] = values
    try:
        threshold = Decimal(str(data.threshold))
    except (InvalidOperation, ValueError):
        errors["threshold"] = "目标值须为数字。"
        threshold = Decimal(0)
    else:
        if not threshold.is_finite() or threshold < 0:
            errors["threshold"] = "目标值须为不小于0的数字。"
        elif threshold >= Decimal(10) ** 10:
            errors["threshold"] = "目标值过大。"
        else:
            threshold = threshold.quantize(Decimal("0.01"))
    if data.scope not in Target.Scope.values:
        errors["scope"] = "考核对象无效。"
    elif data.scope == Target.Scope.EACH_OF_KIND and data.scope_kind not in Unit.Kind.values:
        errors["scope_kind"] = "请选择单位类型。"
    elif data.scope == Target.Scope.UNIT:
        if data.scope_unit is None:
            errors["scope_unit"] = "请选择指定单位。"
        elif data.scope_unit.is_deleted or not _in_region(data.scope_unit, task.plan):
            errors["scope_unit"] = f"指定单位须在“{task.plan.issuing_unit.region.name}”区划内。"
    if data.period not in Target.Period.values:
        errors["period"] = "周期无效。"
    elif data.period == Target.Period.BY_DATE and data.due is None:
        errors["due"] = "“截至日期”的指标须填写截止日期。"
    if errors:
        raise ValidationError(errors)
    return threshold, filters


def _fill_target(target: Target, data: TargetData, threshold: Decimal, filters: dict[str, Any]) -> None:
    target.metric = data.metric
    target.filters = filters
    target.scope = data.scope
    target.scope_kind = data.scope_kind if data.scope == Target.Scope.EACH_OF_KIND else ""
    target.scope_unit = data.scope_unit if data.scope == Target.Scope.UNIT else None
    target.period = data.period
    target.threshold = threshold
    target.measure = (data.measure or "").strip()[:10]
    target.due = data.due
    target.text = (data.text or "").strip()[:300]


@transaction.atomic
def target_create(*, actor: Actor, task: Task, data: TargetData) -> Target:
    require(actor, "plans.manage", task.plan)
    threshold, filters = _validate_target_data(task, data)
    target = Target(task=task)
    _fill_target(target, data, threshold, filters)
    target.full_clean(exclude=["task", "scope_unit"])
    target.save()
    audit.log_create(actor=actor, obj=target, code="plans.target.create")
    _changed([task.pk])
    return target


@transaction.atomic
def target_update(*, actor: Actor, target: Target, data: TargetData) -> Target:
    require(actor, "plans.manage", target.task.plan)
    threshold, filters = _validate_target_data(target.task, data)
    before = audit.snapshot(target)
    _fill_target(target, data, threshold, filters)
    target.full_clean(exclude=["task", "scope_unit"])
    target.save()
    audit.log_update(actor=actor, obj=target, before=before, code="plans.target.update")
    _changed([target.task_id])
    return target


@transaction.atomic
def target_delete(*, actor: Actor, target: Target) -> None:
    """Targets are settings of a task, not records of work: they are removed, with every value kept in the
    trail (the audit entry holds the full before-snapshot), so a deleted target can be re-entered."""
    require(actor, "plans.manage", target.task.plan)
    before = audit.snapshot(target)
    audit.log(
        actor=actor,
        action=audit.Action.DELETE,
        obj=target,
        code="plans.target.delete",
        changes={k: [v, None] for k, v in before.items() if v not in (None, "", [], {})},
    )
    task_id = target.task_id
    target.delete()
    _changed([task_id])


# ---------------------------------------------------------------- import


@dataclass
class TargetDraft:
    """A quantified requirement found in a task's text; the metric comes from the registry, never invented."""

    text: str
    threshold: Decimal
    measure: str = ""
    period: str = Target.Period.YEAR
    due: dt.date | None = None
    scope: str = Target.Scope.RESPONSIBLE
    scope_kind: str = ""
    metric: str = ""
    filters: dict[str, Any] = field(default_factory=dict)


@dataclass
class TaskDraft:
    title: str
    section: str = ""
    number: str = ""
    path: list[str] = field(default_factory=list)
    text: str = ""
    deadline_kind: str = Task.DeadlineKind.NONE
    deadline: dt.date | None = None
    recurrence: str = ""
    deadline_text: str = ""
    units: list[tuple[str, Unit, str]] = field(default_factory=list)
    """(role, unit, name as written) — resolved units, collective phrases already expanded."""
    unresolved: list[dict[str, str]] = field(default_factory=list)
    """{"name", "role"} for every name the office left unresolved; kept on the task, never dropped."""
    domains: list[Domain] = field(default_factory=list)
    audiences: list[Audience] = field(default_factory=list)
    targets: list[TargetDraft] = field(default_factory=list)


@dataclass
class PlanProposal:
    """What the office confirmed in the import review (or the command line accepted as parsed)."""

    title: str
    kind: str
    period_start: dt.date
    period_end: dt.date
    tasks: list[TaskDraft]
    parent: Plan | None = None
    source_name: str = ""
    source_text: str = ""


@dataclass
class PlanImportResult:
    plan: Plan
    skipped: int = 0  # tasks already in the plan an import updated
    tasks: int = 0
    task_units: int = 0
    unresolved: int = 0
    targets: int = 0
    warnings: list[str] = field(default_factory=list)


def import_metric() -> str | None:
    """The metric imported targets count with, if one is registered; None means targets cannot be saved."""
    try:
        metrics.get(DEFAULT_IMPORT_METRIC)
    except KeyError:
        return None
    return DEFAULT_IMPORT_METRIC


@transaction.atomic
def plan_import_save(
    *, actor: Actor, issuing_unit: Unit, proposal: PlanProposal, into: Plan | None = None
) -> PlanImportResult:
    """Save a reviewed import in one transaction: the plan, its tasks, their units, unresolved names and
    proposed targets. Any error leaves nothing behind.

    `into` updates a plan already in pufa (the same document imported again, or a revised one) instead of
    creating a copy: its title, kind, period and source take the import's, and only the tasks it does not
    have yet (by section number and title) are added — tasks already there, with the activities counted for
    them, are left as they are.

    The trail gets the plan's create entry plus one import entry summarising the tasks (not one entry per
    task: the import is one act of the office). A target whose metric is empty takes the registry's
    activity count when the ledger has registered it; otherwise targets are left out with a warning —
    a metric is never invented.
    """
    data = PlanData(
        title=proposal.title,
        kind=proposal.kind,
        issuing_unit=issuing_unit,
        period_start=proposal.period_start,
        period_end=proposal.period_end,
        parent=proposal.parent,
        source_name=proposal.source_name,
        source_text=proposal.source_text,
    )
    drafts, first = proposal.tasks, 1
    if into is None:
        plan = plan_create(actor=actor, data=data)
    else:
        plan = plan_update(actor=actor, plan=into, data=data)
        have = {(s.strip(), t.strip()) for s, t in plan.tasks.values_list("section", "title")}
        drafts = [d for d in proposal.tasks if (d.section.strip(), d.title.strip()) not in have]
        first = (plan.tasks.aggregate(m=models.Max("order"))["m"] or 0) + 1
    result = PlanImportResult(plan=plan, skipped=len(proposal.tasks) - len(drafts))
    default_metric = import_metric()
    errors: list[str] = []
    tasks: list[Task] = []
    for index, draft in enumerate(drafts, start=first):
        task = Task(plan=plan, order=index)
        task_data = TaskData(
            title=draft.title,
            section=draft.section,
            number=draft.number,
            path=draft.path,
            text=draft.text,
            deadline_kind=draft.deadline_kind,
            deadline=draft.deadline,
            recurrence=draft.recurrence,
            deadline_text=draft.deadline_text,
        )
        try:
            _fill_task(task, task_data)
        except ValidationError as exc:
            errors.extend(f"第{index}项任务：{m}" for m in exc.messages)
            continue
        task.unresolved_units = _clean_unresolved(draft.unresolved)
        for role, unit, _written in draft.units:
            if role not in Role.values:
                errors.append(f"第{index}项任务：单位角色“{role}”无效。")
            elif unit.is_deleted or not _in_region(unit, plan):
                errors.append(f"第{index}项任务：“{unit.name}”不在“{issuing_unit.region.name}”区划内。")
        tasks.append(task)
    if errors:
        raise ValidationError({"tasks": errors})
    Task.objects.bulk_create(tasks)
    if not all(t.pk for t in tasks):  # backends without RETURNING on bulk insert
        tasks = list(plan.tasks.filter(order__gte=first).order_by("order"))
    domain_rows, audience_rows, unit_rows, target_rows = [], [], [], []
    for task, draft in zip(tasks, drafts, strict=True):
        domain_rows += [Task.domains.through(task_id=task.pk, domain_id=d.pk) for d in dict.fromkeys(draft.domains)]
        audience_rows += [
            Task.audiences.through(task_id=task.pk, audience_id=a.pk) for a in dict.fromkeys(draft.audiences)
        ]
        seen: set[tuple[str, int]] = set()
        for role, unit, written in draft.units:
            if (role, unit.pk) in seen:
                continue
            seen.add((role, unit.pk))
            unit_rows.append(TaskUnit(task=task, unit=unit, role=role, written_name=(written or "")[:100]))
        result.unresolved += len(task.unresolved_units)
        for t_index, tdraft in enumerate(draft.targets, start=1):
            metric = tdraft.metric or default_metric
            if metric is None:
                continue
            tdata = TargetData(
                metric=metric,
                threshold=tdraft.threshold,
                period=tdraft.period,
                filters=tdraft.filters,
                scope=tdraft.scope,
                scope_kind=tdraft.scope_kind,
                measure=tdraft.measure,
                due=tdraft.due,
                text=tdraft.text,
            )
            try:
                threshold, filters = _validate_target_data(task, tdata)
            except ValidationError as exc:
                errors.extend(f"第{task.order}项任务的第{t_index}个指标：{m}" for m in exc.messages)
                continue
            target = Target(task=task)
            _fill_target(target, tdata, threshold, filters)
            target_rows.append(target)
    if errors:
        raise ValidationError({"tasks": errors})
    Task.domains.through.objects.bulk_create(domain_rows)
    Task.audiences.through.objects.bulk_create(audience_rows)
    TaskUnit.objects.bulk_create(unit_rows)
    Target.objects.bulk_create(target_rows)
    drafted_targets = sum(len(d.targets) for d in drafts)
    if drafted_targets and default_metric is None and len(target_rows) < drafted_targets:
        result.warnings.append(NO_METRIC_WARNING)
    result.tasks, result.task_units, result.targets = len(tasks), len(unit_rows), len(target_rows)
    audit.log(
        actor=actor,
        action=audit.Action.IMPORT,
        obj=plan,
        code="plans.plan.import",
        message=(
            f"从“{proposal.source_name or '粘贴文本'}”导入任务{result.tasks}项、任务单位{result.task_units}个、"
            f"未匹配单位名称{result.unresolved}个、量化指标{result.targets}项"
            + (f"（更新已有规划，已有任务{result.skipped}项未改动）" if into is not None else "")
        ),
    )
    _changed([t.pk for t in tasks])
    return result


# ---------------------------------------------------------------- import drafts
#
# A draft is the owner's scratch pad between the upload and 保存导入; what it becomes is audited by
# plan_import_save, so writing or dropping a draft records no audit entry of its own.

DRAFT_TOO_LARGE = "识别结果过大（超过 4 MB），无法保存待核对的草稿；请删去与任务无关的内容或分成几份导入。"


def _draft_payload(payload: dict[str, Any]) -> dict[str, Any]:
    if len(json.dumps(payload, ensure_ascii=False).encode()) > PlanImportDraft.MAX_BYTES:
        raise ValidationError(DRAFT_TOO_LARGE)
    return payload


@transaction.atomic
def plan_import_draft_create(*, actor: Actor, payload: dict[str, Any]) -> PlanImportDraft:
    """Keep a parsed plan for its owner's review; drop the owner's expired drafts and all but the newest KEEP."""
    require(actor, "plans.manage")
    owner = cast(User, actor)  # a draft is a signed-in person's: only the import page (login required) calls this
    now = timezone.now()
    PlanImportDraft.objects.filter(expires_at__lte=now).delete()
    draft = PlanImportDraft.objects.create(
        token=secrets.token_urlsafe(16),
        owner=owner,
        expires_at=now + dt.timedelta(days=PlanImportDraft.DRAFT_DAYS),
        payload=_draft_payload(payload),
    )
    old = PlanImportDraft.objects.filter(owner=owner).order_by("-created_at", "-pk")[PlanImportDraft.KEEP :]
    PlanImportDraft.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()
    return draft


@transaction.atomic
def plan_import_draft_update(*, actor: Actor, draft: PlanImportDraft, payload: dict[str, Any]) -> PlanImportDraft:
    """Keep the review's edits; the draft lives DRAFT_DAYS from its last edit."""
    if draft.owner_id != actor.pk:
        raise PermissionDenied("这不是您的导入草稿。")
    draft.payload = _draft_payload(payload)
    draft.expires_at = timezone.now() + dt.timedelta(days=PlanImportDraft.DRAFT_DAYS)
    draft.save(update_fields=["payload", "expires_at", "updated_at"])
    return draft


@transaction.atomic
def plan_import_draft_delete(*, actor: Actor, draft: PlanImportDraft) -> None:
    if draft.owner_id != actor.pk:
        raise PermissionDenied("这不是您的导入草稿。")
    draft.delete()
