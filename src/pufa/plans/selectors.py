"""Every read of plans, tasks and targets that a page, command or later app needs, scoped by the acting user.

Visibility (models.PLAN_SCOPE): a plan is seen by everyone acting at or below its issuing unit's region
("above" scoping) and by the offices of regions above it; tasks and targets are seen through their plan,
and nothing of a deleted plan or task is shown.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from pufa.core.models import Audience, Domain
from pufa.org.access import acting_unit_ids, scope, visible_or_404
from pufa.org.models import Region, Unit
from pufa.plans.models import Plan, PlanImportDraft, Target, Task, TaskUnit

SOON_DAYS = 30


def _today() -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------- plans


def plan_list(*, actor: Any, kind: str = "", year: int | None = None, q: str = "") -> QuerySet[Plan]:
    """Visible plans, newest period first, each with its number of tasks."""
    plans = scope(Plan.objects.all(), actor, "plans.view").select_related(
        "issuing_unit", "issuing_unit__region", "parent"
    )
    if kind:
        plans = plans.filter(kind=kind)
    if year:
        plans = plans.filter(period_start__year__lte=year, period_end__year__gte=year)
    if q:
        plans = plans.filter(Q(title__icontains=q) | Q(issuing_unit__name__icontains=q))
    return plans.annotate(task_count=Count("tasks", filter=Q(tasks__deleted_at__isnull=True))).order_by(
        "-period_start", "title", "pk"
    )


def plan_years(*, actor: Any) -> list[int]:
    """The years any visible plan covers, newest first, for the year filter."""
    spans = scope(Plan.objects.all(), actor).order_by().values_list("period_start__year", "period_end__year").distinct()
    years: set[int] = set()
    for start, end in spans:
        years.update(range(start, min(end, start + 10) + 1))
    return sorted(years, reverse=True)


def plan_get(*, actor: Any, pk: int) -> Plan:
    return visible_or_404(
        Plan.objects.select_related("issuing_unit", "issuing_unit__region", "parent", "parent__issuing_unit"),
        actor,
        action="plans.view",
        pk=pk,
    )


def plan_children(*, actor: Any, plan: Plan) -> QuerySet[Plan]:
    return scope(Plan.objects.filter(parent=plan), actor).select_related("issuing_unit").order_by("period_start")


def plan_parent_visible(*, actor: Any, plan: Plan) -> Plan | None:
    """The parent plan if the actor may see it (an office's plan may hang under a plan issued above)."""
    if plan.parent_id is None:
        return None
    return scope(Plan.objects.filter(pk=plan.parent_id), actor).select_related("issuing_unit").first()


def parent_choices(*, actor: Any, exclude: Plan | None = None) -> QuerySet[Plan]:
    plans = scope(Plan.objects.all(), actor).select_related("issuing_unit")
    if exclude is not None and exclude.pk:
        plans = plans.exclude(pk=exclude.pk)
    return plans.order_by("-period_start", "title")


# ---------------------------------------------------------------- units


def manageable_units(*, actor: Any) -> QuerySet[Unit]:
    """Units the actor may issue plans for (an office: every unit of its region)."""
    return scope(Unit.objects.all(), actor, "plans.manage").select_related("region").order_by("region__path", "pinyin")


def default_issuing_unit(*, actor: Any) -> Unit | None:
    """The unit an office issues plans for by default: its own (not the first of its region by pinyin)."""
    own = acting_unit_ids(actor, "plans.manage")
    units = manageable_units(actor=actor)
    return units.filter(pk__in=own).first() or units.first()


def assignable_units(*, actor: Any, region: Region) -> QuerySet[Unit]:
    """Units a plan issued in `region` may give tasks to: the region's units that the actor can see.

    `SYSTEM` (import-plan --save, seed-demo) sees the whole region.
    """
    units = scope(Unit.objects.filter(region__path__startswith=region.path), actor)
    return units.select_related("region").order_by("region__path", "pinyin")


def domain_choices() -> QuerySet[Domain]:
    return Domain.objects.filter(is_active=True)


def audience_choices() -> QuerySet[Audience]:
    return Audience.objects.filter(is_active=True)


# ---------------------------------------------------------------- tasks


@dataclass
class UnitGroup:
    """Units of one role that the document named together ("各社区" → six committees), or one unit."""

    label: str
    units: list[Unit]

    @property
    def names(self) -> str:
        return "、".join(u.name for u in self.units)


@dataclass
class RoleUnits:
    role: str
    label: str
    groups: list[UnitGroup]
    unresolved: list[str] = field(default_factory=list)


def units_by_role(task: Task) -> list[RoleUnits]:
    """The task's units per role, collective phrases kept together, unresolved names listed.

    Reads `task.task_units.all()`, so callers prefetch `task_units__unit` to stay at a fixed query count.
    """
    by_role: dict[str, list[TaskUnit]] = defaultdict(list)
    for tu in task.task_units.all():
        by_role[tu.role].append(tu)
    unresolved: dict[str, list[str]] = defaultdict(list)
    for item in task.unresolved_units or []:
        unresolved[item.get("role", TaskUnit.Role.PARTICIPANT)].append(item.get("name", ""))
    result = []
    for role, label in TaskUnit.Role.choices:
        rows = by_role.get(role, [])
        if not rows and not unresolved.get(role):
            continue
        groups: dict[str, list[Unit]] = {}
        singles: list[UnitGroup] = []
        for tu in rows:
            groups.setdefault(tu.written_name or f"#{tu.unit_id}", []).append(tu.unit)
        for written, units in groups.items():
            if len(units) > 1:
                singles.append(UnitGroup(f"{written}（{len(units)}个单位）", units))
            else:
                singles.append(UnitGroup(units[0].name, units))
        result.append(RoleUnits(role, label, singles, unresolved.get(role, [])))
    return result


def _task_queryset() -> QuerySet[Task]:
    return Task.objects.filter(plan__deleted_at__isnull=True)


def plan_tasks(*, actor: Any, plan: Plan) -> list[Task]:
    """The plan's tasks in document order with units and targets, in a fixed number of queries; each task
    gets `.roles` (units_by_role)."""
    tasks = list(
        scope(_task_queryset().filter(plan=plan), actor)
        .select_related("plan")
        .prefetch_related(
            Prefetch("task_units", queryset=TaskUnit.objects.select_related("unit").order_by("role", "id")),
            Prefetch("targets", queryset=Target.objects.order_by("id")),
        )
        .order_by("order", "pk")
    )
    for task in tasks:
        task.roles = units_by_role(task)
    return tasks


@dataclass
class OutlineRow:
    """One row of a plan's outline: a section heading (level 0, 1, …) or a task."""

    heading: str = ""
    level: int = 0
    task: Task | None = None


def plan_outline(*, actor: Any, plan: Plan) -> list[OutlineRow]:
    """The plan as an outline: each section heading (一、 / （一）) once, before its first task."""
    rows: list[OutlineRow] = []
    previous: list[str] = []
    for task in plan_tasks(actor=actor, plan=plan):
        path = list(task.path or [])
        common = 0
        while common < min(len(path), len(previous)) and path[common] == previous[common]:
            common += 1
        for level in range(common, len(path)):
            rows.append(OutlineRow(heading=path[level], level=level))
        rows.append(OutlineRow(task=task, level=len(path)))
        previous = path
    return rows


def task_get(*, actor: Any, pk: int) -> Task:
    task = visible_or_404(
        _task_queryset()
        .select_related("plan", "plan__issuing_unit", "plan__issuing_unit__region")
        .prefetch_related(
            Prefetch("task_units", queryset=TaskUnit.objects.select_related("unit", "unit__region").order_by("id")),
            Prefetch("targets", queryset=Target.objects.select_related("scope_unit").order_by("id")),
            "domains",
            "audiences",
        ),
        actor,
        action="plans.view",
        pk=pk,
    )
    task.roles = units_by_role(task)
    return task


def target_get(*, actor: Any, pk: int) -> Target:
    return visible_or_404(
        Target.objects.filter(task__deleted_at__isnull=True, task__plan__deleted_at__isnull=True).select_related(
            "task", "task__plan", "task__plan__issuing_unit", "task__plan__issuing_unit__region", "scope_unit"
        ),
        actor,
        action="plans.view",
        pk=pk,
    )


# ---------------------------------------------------------------- due dates and "my tasks"


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_end(recurrence: str, day: dt.date, anchor: dt.date | None = None) -> dt.date:
    """The end of the period of `recurrence` that contains `day` (每月 → month end, 每季度 → quarter end …).

    A yearly task with an anchor date ("每年3月底前") is due on that month and day; once it has passed, the
    next year's.
    """
    if recurrence == Task.Recurrence.MONTHLY:
        return _month_end(day.year, day.month)
    if recurrence == Task.Recurrence.QUARTERLY:
        return _month_end(day.year, ((day.month - 1) // 3 + 1) * 3)
    if recurrence == Task.Recurrence.HALF_YEARLY:
        return _month_end(day.year, 6 if day.month <= 6 else 12)
    if anchor is not None:
        month, last = anchor.month, calendar.monthrange(day.year, anchor.month)[1]
        due = dt.date(day.year, month, min(anchor.day, last))
        if due < day:
            last = calendar.monthrange(day.year + 1, month)[1]
            due = dt.date(day.year + 1, month, min(anchor.day, last))
        return due
    return dt.date(day.year, 12, 31)


@dataclass
class Due:
    """When a task is next due and how urgent that is: overdue, soon, upcoming, open (no deadline), ended."""

    date: dt.date | None
    status: str

    @property
    def label(self) -> str:
        return DUE_LABELS[self.status]

    @property
    def badge(self) -> str:
        return DUE_BADGES[self.status]


#: Date facts only: whether a task is done, lagging or overdue is progress's status (progress.rules), which
#: every page showing a status reads; "overdue" here just says the deadline date has passed.
DUE_LABELS = {
    "overdue": "截止日已过",
    "soon": "即将到期",
    "upcoming": "未到期",
    "open": "未设时限",
    "ended": "规划已结束",
}
DUE_BADGES = {
    "overdue": "text-bg-danger",
    "soon": "text-bg-warning",
    "upcoming": "text-bg-success",
    "open": "text-bg-secondary",
    "ended": "text-bg-light border",
}


def next_due(task: Task, today: dt.date | None = None) -> Due:
    """The task's next due date: its deadline; for recurring work the end of the current period (每月 → this
    month's end); for 贯穿全年 this year's end — never past the plan's end. A task of a plan whose period is
    over is 'ended', not overdue: nobody owes work to a finished plan."""
    today = today or _today()
    plan = task.plan
    if plan.period_end < today:
        return Due(task.deadline if task.deadline_kind == Task.DeadlineKind.DATE else plan.period_end, "ended")
    start = max(today, plan.period_start)
    due: dt.date | None
    if task.deadline_kind == Task.DeadlineKind.DATE:
        due = task.deadline
    elif task.deadline_kind == Task.DeadlineKind.RECURRING:
        due = min(period_end(task.recurrence or Task.Recurrence.YEARLY, start, task.deadline), plan.period_end)
    elif task.deadline_kind == Task.DeadlineKind.ALL_YEAR:
        due = min(dt.date(start.year, 12, 31), plan.period_end)
    else:
        due = None
    if due is None:
        return Due(None, "open")
    if due < today:
        return Due(due, "overdue")
    if (due - today).days <= SOON_DAYS:
        return Due(due, "soon")
    return Due(due, "upcoming")


@dataclass
class MyTask:
    task: Task
    roles: list[str]
    units: list[Unit]
    due: Due


_STATUS_ORDER = {"overdue": 0, "soon": 1, "upcoming": 1, "open": 2, "ended": 3}


def my_tasks(*, actor: Any, today: dt.date | None = None, role: str = "") -> list[MyTask]:
    """Tasks in which one of the actor's own units is lead, participant or responsible: overdue first, then
    by next due date, then those without a deadline, then those of finished plans (latest first)."""
    today = today or _today()
    unit_ids = sorted(set(acting_unit_ids(actor)))
    if not unit_ids:
        return []
    mine = TaskUnit.objects.filter(unit_id__in=unit_ids).select_related("unit").order_by("role", "id")
    if role:
        mine = mine.filter(role=role)
    tasks = (
        scope(_task_queryset(), actor)
        .filter(pk__in=mine.values("task_id"))
        .select_related("plan", "plan__issuing_unit")
        .prefetch_related(Prefetch("task_units", queryset=mine, to_attr="my_units"))
    )
    rows = []
    for task in tasks:
        roles = list(dict.fromkeys(TaskUnit.Role(tu.role).label for tu in task.my_units))
        units = list({tu.unit_id: tu.unit for tu in task.my_units}.values())
        rows.append(MyTask(task=task, roles=roles, units=units, due=next_due(task, today)))

    def key(row: MyTask) -> tuple[Any, ...]:
        rank = _STATUS_ORDER[row.due.status]
        ordinal = row.due.date.toordinal() if row.due.date else 0
        return (rank, -ordinal if rank == 3 else ordinal, row.task.plan_id, row.task.order)

    return sorted(rows, key=key)


# ---------------------------------------------------------------- import drafts and repeats


def import_draft_get(*, actor: Any, token: str) -> PlanImportDraft | None:
    """The actor's own unexpired import draft with this token, or None (another user's draft is never found)."""
    if not getattr(actor, "is_authenticated", False):
        return None
    return PlanImportDraft.objects.filter(owner=actor, token=token, expires_at__gt=timezone.now()).first()


def import_repeats(
    *, actor: Any, source_text: str, title: str, issuing_unit_id: int, period: tuple[dt.date, dt.date]
) -> list[Plan]:
    """Plans the actor can manage that an import would copy: the same document (the same text read from
    it), or the same title from the same issuing unit for an overlapping period."""
    same_title = Q(title=title.strip(), issuing_unit_id=issuing_unit_id) & Q(
        period_start__lte=period[1], period_end__gte=period[0]
    )
    same_text = Q(source_text=source_text) if source_text.strip() else Q(pk__in=[])
    plans = scope(Plan.objects.all(), actor, "plans.manage") if actor is not None else Plan.objects.all()
    return list(plans.filter(same_title | same_text).select_related("issuing_unit").order_by("-period_start")[:5])
