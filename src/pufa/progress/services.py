"""Evaluating tasks and targets from the metric registry, and keeping the stored figures fresh.

`refresh()` recomputes values (metric queries, grouped over many units at once) and statuses;
`refresh_statuses()` recomputes statuses from stored values only. Three things call them:

- `on_records_changed`, the listener of `RecordsChanged` (`pufa.core.events`): any app that registers a
  metric announces which of its metrics changed for which units on which dates, and the targets on those
  metrics are recomputed for those units and the periods the dates can move — without this module knowing
  the app;
- `on_plans_changed`, the listener of `PlansChanged`: a task's units, targets or deadline changed;
- `daily`, the daily pass: values whose inputs depend on the date (a period that has just begun; the as-of
  value of a cumulative metric) and then every status (pace and overdue depend on the date).

Writes here are derived data, not business records, so they are not audited; the records they are computed
from are. Page loads never call these (see `request_refresh` and `pufa.progress.tasks`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Min, Prefetch, Q
from django.utils import timezone

from pufa.core import locks
from pufa.core.bulk import insert_instances
from pufa.core.events import PlansChanged, RecordsChanged
from pufa.core.prepared import FixedRow
from pufa.org import freshness
from pufa.org.access import ancestor_paths
from pufa.org.models import Unit
from pufa.plans import metrics
from pufa.plans.models import Target, Task, TaskUnit
from pufa.progress.models import ProgressStatus, TargetCheck, UnitStatusCount
from pufa.progress.rules import Check, Period, Status, expand_periods, status_of, worst

#: Tasks without targets are checked as "at least one linked activity per period" with this metric.
TASK_ACTIVITY_METRIC = "ledger.activity_count"

RECURRENCE_PERIOD = {
    Task.Recurrence.MONTHLY: "month",
    Task.Recurrence.QUARTERLY: "quarter",
    Task.Recurrence.HALF_YEARLY: "half_year",
    Task.Recurrence.YEARLY: "year",
}


@dataclass
class Spec:
    """What to check for one target (or a task without targets): metric, filters, periods, threshold."""

    task: Task
    target: Target | None
    metric: str
    filters: dict[str, Any]
    periods: list[Period]
    threshold: Decimal
    unit_ids: list[int] = field(default_factory=list)

    @property
    def cumulative(self) -> bool:
        return metrics.get(self.metric).cumulative


def _task_unit_ids(task: Task) -> list[int]:
    return sorted({tu.unit_id for tu in task.task_units.all()})


def _units_of_kind(kind: str, region_path: str, among: Collection[int] | None = None) -> list[int]:
    units = Unit.objects.filter(kind=kind, region__path__startswith=region_path)
    if among is not None:
        # A write for a few units asks only about them: "each community of the city" is not read whole.
        units = units.filter(pk__in=sorted(among))
    return list(units.values_list("pk", flat=True))


def target_unit_ids(target: Target, among: Collection[int] | None = None) -> list[int]:
    """Who is checked: each unit of the task, each unit of a kind in the plan's region, or one named unit
    (`among`: only those of these units — the cost of a write must not follow the size of the region)."""
    if target.scope == Target.Scope.UNIT:
        return [target.scope_unit_id] if target.scope_unit_id else []
    if target.scope == Target.Scope.EACH_OF_KIND and target.scope_kind:
        return _units_of_kind(target.scope_kind, target.task.plan.issuing_unit.region.path, among)
    return _task_unit_ids(target.task)


def target_spec(target: Target, among: Collection[int] | None = None) -> Spec | None:
    plan = target.task.plan
    try:
        metrics.get(target.metric)
    except KeyError:
        return None
    start, end = plan.period_start, target.due or plan.period_end
    return Spec(
        task=target.task,
        target=target,
        metric=target.metric,
        filters=dict(target.filters or {}),
        periods=expand_periods(target.period, start=start, end=end),
        threshold=Decimal(target.threshold),
        unit_ids=target_unit_ids(target, among),
    )


def task_spec(task: Task) -> Spec | None:
    """The implicit check of a task without targets: ≥1 linked activity in each period of its deadline."""
    try:
        metrics.get(TASK_ACTIVITY_METRIC)
    except KeyError:
        return None
    plan = task.plan
    if task.deadline_kind == Task.DeadlineKind.RECURRING and task.recurrence:
        periods = expand_periods(RECURRENCE_PERIOD[task.recurrence], start=plan.period_start, end=plan.period_end)
    elif task.deadline_kind == Task.DeadlineKind.ALL_YEAR:
        periods = expand_periods("year", start=plan.period_start, end=plan.period_end)
    elif task.deadline_kind == Task.DeadlineKind.DATE and task.deadline:
        periods = [Period(plan.period_start, max(task.deadline, plan.period_start))]
    else:
        periods = [Period(plan.period_start, plan.period_end)]
    return Spec(
        task=task,
        target=None,
        metric=TASK_ACTIVITY_METRIC,
        filters={"task": [task.pk]},
        periods=periods,
        threshold=Decimal(1),
        unit_ids=_task_unit_ids(task),
    )


def specs_for(task: Task, among: Collection[int] | None = None) -> list[Spec]:
    targets = list(task.targets.all())
    if targets:
        return [s for s in (target_spec(t, among) for t in targets) if s is not None]
    spec = task_spec(task)
    return [spec] if spec else []


def _tasks_queryset() -> Any:
    """Living tasks of living plans (a deleted plan's tasks leave every figure)."""
    return (
        Task.objects.filter(plan__deleted_at__isnull=True)
        .select_related("plan__issuing_unit__region")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.select_related("scope_unit")),
            Prefetch("task_units", queryset=TaskUnit.objects.only("id", "task_id", "unit_id")),
        )
    )


def _compute_checks(spec: Spec, unit_ids: list[int], today: dt.date, periods: list[Period]) -> list[TargetCheck]:
    rows: list[TargetCheck] = []
    for period in periods:
        if period.start > today:
            values: dict[int, Decimal] = {}
        elif spec.cumulative:
            values = metrics.compute(
                spec.metric,
                unit_ids=unit_ids,
                start=None,
                end=min(period.end, today),
                filters=spec.filters,
                task_id=spec.task.pk,
            )
        else:
            values = metrics.compute(
                spec.metric,
                unit_ids=unit_ids,
                start=period.start,
                end=period.end,
                filters=spec.filters,
                task_id=spec.task.pk,
            )
        rows.extend(
            TargetCheck(
                task=spec.task,
                target=spec.target,
                unit_id=uid,
                period_start=period.start,
                period_end=period.end,
                value=values.get(uid, Decimal(0)),
                threshold=spec.threshold,
            )
            for uid in unit_ids
        )
    return rows


#: Which periods of a spec to recompute (None: every period).
PeriodFilter = Callable[[Spec, Period], bool]


@transaction.atomic
def refresh(
    *,
    tasks: Iterable[Task] | None = None,
    unit_ids: Iterable[int] | None = None,
    on: Iterable[dt.date] | None = None,
    today: dt.date | None = None,
    metric_codes: Collection[str] | None = None,
    select: PeriodFilter | None = None,
) -> int:
    """Recompute stored values and statuses.

    `tasks` limits the work to those tasks (default: every task); `unit_ids` to those units; `metric_codes`
    to the targets on those metrics; `on` to the periods containing those dates (what recorded activities
    can change) and `select` to the periods it accepts. Returns the number of checks written.
    """
    locks.hold()
    today = today or timezone.localdate()
    units_filter = set(unit_ids) if unit_ids is not None else None
    dates = set(on) if on is not None else None
    partial = dates is not None or select is not None

    def chosen(spec: Spec, period: Period) -> bool:
        if dates is not None and not any(period.start <= d <= period.end for d in dates):
            return False
        return select is None or select(spec, period)

    task_list = list(tasks) if tasks is not None else list(_tasks_queryset())
    new_checks: list[TargetCheck] = []
    touched_tasks: list[Task] = []
    touched_units: set[int] = set()
    written = 0
    for task in task_list:
        touched = False
        specs = specs_for(task, units_filter)
        # Checks of targets the task no longer has (or of the implicit check once it has targets) go first.
        current = [s.target.pk for s in specs if s.target is not None]
        leftovers = TargetCheck.objects.filter(task=task).exclude(target_id__in=current)
        if any(s.target is None for s in specs):
            leftovers = leftovers.exclude(target__isnull=True)
        if units_filter is not None:
            leftovers = leftovers.filter(unit_id__in=units_filter)
        gone = set(leftovers.values_list("unit_id", flat=True).distinct())
        if gone:
            touched_units |= gone
            touched = True
            leftovers.delete()
        for spec in specs:
            if metric_codes is not None and spec.metric not in metric_codes:
                continue
            ids = [u for u in spec.unit_ids if units_filter is None or u in units_filter]
            periods = [p for p in spec.periods if chosen(spec, p)]
            if not ids or not periods:
                continue
            touched_units.update(ids)
            touched = True
            stale = TargetCheck.objects.filter(task=task, target=spec.target, unit_id__in=ids)
            if partial:
                stale = stale.filter(period_start__in=[p.start for p in periods])
            stale.delete()
            new_checks.extend(_compute_checks(spec, ids, today, periods))
        if touched:
            touched_tasks.append(task)
        if len(new_checks) >= 5000:
            insert_instances(TargetCheck, new_checks)
            written += len(new_checks)
            new_checks = []
    insert_instances(TargetCheck, new_checks)
    written += len(new_checks)
    # Statuses are rewritten for all touched tasks at once, for the union of touched units: rewriting a
    # (task, unit) pair nothing changed for yields the same status from the same stored checks.
    recount_units: set[int] = set()
    for start in range(0, len(touched_tasks), 200):
        chunk = touched_tasks[start : start + 200]
        recount_units |= _write_statuses(chunk, None if units_filter is None else touched_units, today)[1]
    everything = tasks is None and units_filter is None
    recount(None if everything else recount_units)
    if everything:
        freshness.bump_tree()
    else:
        freshness.bump_units(recount_units)
    return written


def _write_statuses(tasks: list[Task], unit_ids: set[int] | None, today: dt.date) -> tuple[int, set[int]]:
    """Statuses of these tasks (for these units) from the stored checks; returns how many were written and
    the units whose statuses were written or removed (their counts need `recount`)."""
    checks = TargetCheck.objects.filter(task__in=tasks)
    if unit_ids is not None:
        checks = checks.filter(unit_id__in=unit_ids)
    grouped: dict[tuple[int, int | None, int], list[Check]] = defaultdict(list)
    for row in checks.order_by("period_start").values_list(
        "task_id", "target_id", "unit_id", "period_start", "period_end", "value", "threshold"
    ):
        task_id, target_id, unit_id, start, end, value, threshold = row
        grouped[(task_id, target_id, unit_id)].append(Check(Period(start, end), value, threshold))
    periods = {t.pk: (t.plan.period_start, t.plan.period_end) for t in tasks}
    units = Unit.all_objects.filter(pk__in={k[2] for k in grouped}).values_list("pk", "path", "region__path")
    paths, region_paths = {}, {}
    for pk, path, region_path in units:
        paths[pk], region_paths[pk] = path, region_path

    rows: list[ProgressStatus] = []
    per_task_unit: dict[tuple[int, int], list[tuple[Status, list[Check]]]] = defaultdict(list)
    for (task_id, target_id, unit_id), unit_checks in grouped.items():
        status = status_of(unit_checks, today, plan_end=periods[task_id][1])
        per_task_unit[(task_id, unit_id)].append((status, unit_checks))
        if target_id is not None:
            rows.append(
                _status_row(
                    task_id, target_id, unit_id, status, unit_checks, today, paths, region_paths, periods[task_id]
                )
            )
    for (task_id, unit_id), items in per_task_unit.items():
        status = worst([s for s, _ in items]) or Status.NOT_STARTED
        all_checks = [c for _, cs in items for c in cs]
        rows.append(
            _status_row(task_id, None, unit_id, status, all_checks, today, paths, region_paths, periods[task_id])
        )

    stale = ProgressStatus.objects.filter(task__in=tasks)
    if unit_ids is not None:
        stale = stale.filter(unit_id__in=unit_ids)
        touched = set(unit_ids)
    else:
        touched = set(stale.values_list("unit_id", flat=True).distinct())
    stale.delete()
    insert_instances(ProgressStatus, rows)
    return len(rows), touched | {row.unit_id for row in rows}


def recount(unit_ids: Iterable[int] | None) -> None:
    """Recount `UnitStatusCount` from the statuses of these units (None: of every unit)."""
    groups = ("unit_id", "region_path", "plan_start", "plan_end", "is_target", "status")

    def counted(statuses: Any) -> list[UnitStatusCount]:
        rows = (
            statuses.annotate(is_target=Q(target__isnull=False))
            .values(*groups)
            .annotate(count=Count("id"))
            .values_list(*groups, "count")
        )
        return [UnitStatusCount(**dict(zip(groups, row[:-1], strict=True)), n=row[-1]) for row in rows]

    if unit_ids is None:
        UnitStatusCount.objects.all().delete()
        insert_instances(UnitStatusCount, counted(ProgressStatus.objects.all()))
        return
    ids = sorted(set(unit_ids))
    for i in range(0, len(ids), 2000):
        chunk = ids[i : i + 2000]
        UnitStatusCount.objects.filter(unit_id__in=chunk).delete()
        insert_instances(UnitStatusCount, counted(ProgressStatus.objects.filter(unit_id__in=chunk)))


def _status_row(
    task_id: int,
    target_id: int | None,
    unit_id: int,
    status: Status,
    checks: list[Check],
    today: dt.date,
    paths: dict[int, str],
    region_paths: dict[int, str],
    plan_period: tuple[dt.date, dt.date],
) -> ProgressStatus:
    unmet_ahead = [c.period.end for c in checks if not c.met and c.period.end >= today]
    return ProgressStatus(
        task_id=task_id,
        target_id=target_id,
        unit_id=unit_id,
        status=status.value,
        computed_on=today,
        value=sum((c.value for c in checks), Decimal(0)),
        threshold=sum((c.threshold for c in checks), Decimal(0)),
        periods_met=sum(1 for c in checks if c.met),
        periods_total=len(checks),
        next_due=min(unmet_ahead) if unmet_ahead else None,
        plan_start=plan_period[0],
        plan_end=plan_period[1],
        unit_path=paths.get(unit_id, ""),
        region_path=region_paths.get(unit_id, ""),
    )


@transaction.atomic
def refresh_statuses(*, today: dt.date | None = None, region_path: str | None = None) -> int:
    """Recompute statuses from stored values (no metric queries): the daily pass, or one region on demand."""
    locks.hold()
    today = today or timezone.localdate()
    tasks = Task.objects.all()
    if region_path:
        task_ids = ProgressStatus.objects.filter(region_path__startswith=region_path).values("task_id")
        tasks = tasks.filter(pk__in=task_ids)
    ids = list(tasks.values_list("pk", flat=True))
    freshness.bump_tree(region_path or "")
    total, touched = 0, set()
    for start in range(0, len(ids), 200):
        written, units = _write_statuses(
            list(Task.objects.filter(pk__in=ids[start : start + 200]).select_related("plan")), None, today
        )
        total += written
        touched |= units
    recount(touched if region_path else None)
    return total


def ensure_fresh(*, region_path: str, today: dt.date | None = None) -> bool:
    """Recompute the statuses of a region if any was computed on an earlier day; True if it did.

    A write under the city-wide lock: run by the background task `pufa.progress.tasks.refresh_region`
    (which pages enqueue through `request_refresh`) and by the daily pass, never by a page load."""
    today = today or timezone.localdate()
    stale = ProgressStatus.objects.filter(region_path__under=region_path, computed_on__lt=today).exists()
    if stale:
        refresh_statuses(today=today, region_path=region_path)
    return stale


def affected_tasks(
    *,
    unit_ids: Iterable[int],
    dates: Iterable[dt.date],
    metric_codes: Collection[str] | None = None,
) -> list[Task]:
    """Tasks whose figures records of these units on these dates can change: tasks covering a unit, of a
    plan running on one of the dates (or on a later day, for a cumulative metric), with a target on one of
    `metric_codes` (or without targets, when the activity metric is among them). None: any metric."""
    unit_ids, dates = list(unit_ids), list(dates)
    if not unit_ids or not dates:
        return []
    # Targets scoped "each unit of a kind" in a region that contains one of these units: one condition per
    # kind (not per unit), so an import touching a thousand units stays a small query.
    regions_of_kind: dict[str, set[str]] = defaultdict(set)
    for kind, region_path in Unit.all_objects.filter(pk__in=unit_ids).values_list("kind", "region__path"):
        regions_of_kind[kind].update(ancestor_paths(region_path))
    kind_region = Q()
    for kind, paths in regions_of_kind.items():
        kind_region |= Q(
            targets__scope=Target.Scope.EACH_OF_KIND,
            targets__scope_kind=kind,
            plan__issuing_unit__region__path__in=sorted(paths),
        )
    cover = Q(task_units__unit_id__in=unit_ids) | Q(targets__scope_unit_id__in=unit_ids) | kind_region
    running = Q(plan__period_start__lte=max(dates))
    tasks = Task.objects.filter(cover)
    if metric_codes is not None:
        codes = sorted(metric_codes)
        cumulative = [c for c in codes if _cumulative(c)]
        if cumulative:
            running |= Q(targets__metric__in=cumulative)
        on_metric = Q(targets__metric__in=codes)
        if TASK_ACTIVITY_METRIC in codes:
            on_metric |= Q(targets__isnull=True)
        tasks = tasks.filter(on_metric)
    ids = tasks.filter(running, plan__period_end__gte=min(dates)).values("pk").distinct()
    return list(_tasks_queryset().filter(pk__in=ids))


def _cumulative(code: str) -> bool:
    try:
        return metrics.get(code).cumulative
    except KeyError:
        return False


#: A target on one of these metrics (its SQL compiled once per process and set of codes: every survey response
#: and hotline order asks, and building the queryset cost ten times the query).
_TARGET_ON: FixedRow[tuple[str, ...]] = FixedRow(lambda codes: Target.objects.filter(metric__in=codes).values("pk")[:1])


def on_records_changed(event: RecordsChanged) -> None:
    """Listener of `RecordsChanged`: recompute the targets on the event's metrics for its units.

    A count within a period moves only in the periods containing the dates; the as-of value of a cumulative
    metric (a roster, venues) moves in every period ending on or after the first date."""
    codes = {c for c in event.metrics if _registered(c)}
    if not codes or not event.unit_ids or not event.dates:
        return
    first = min(event.dates)

    def moved(spec: Spec, period: Period) -> bool:
        if spec.cumulative:
            return period.end >= first
        return any(period.start <= d <= period.end for d in event.dates)

    # Frequent small events (a survey answered from a phone, a hotline order) on metrics no target uses: one
    # indexed look at the (small) target table instead of finding the tasks covering the units.
    if TASK_ACTIVITY_METRIC not in codes and _TARGET_ON.get(tuple(sorted(codes))) is None:
        return
    tasks = affected_tasks(unit_ids=event.unit_ids, dates=event.dates, metric_codes=codes)
    if tasks:
        refresh(tasks=tasks, unit_ids=event.unit_ids, metric_codes=codes, select=moved)


def _registered(code: str) -> bool:
    try:
        metrics.get(code)
    except KeyError:
        return False
    return True


def on_plans_changed(event: PlansChanged) -> None:
    """Listener of `PlansChanged`: a task's units, targets or deadline changed; recompute it entirely."""
    locks.hold()
    task_ids = sorted(event.task_ids)
    gone = ProgressStatus.objects.filter(task_id__in=task_ids)
    units = set(gone.values_list("unit_id", flat=True).distinct())
    gone.delete()
    TargetCheck.objects.filter(task_id__in=task_ids).delete()
    refresh(tasks=list(_tasks_queryset().filter(pk__in=task_ids)))
    recount(units)
    freshness.bump_units(units)


def refresh_dated(*, today: dt.date | None = None, since: dt.date | None = None) -> int:
    """The values that change with the calendar alone, for the days after `since` up to `today`: the first
    figures of a period that has begun (activities recorded ahead for it count from its first day) and the
    as-of values of cumulative metrics. `since` defaults to the day statuses were last computed."""
    today = today or timezone.localdate()
    if since is None:
        since = ProgressStatus.objects.aggregate(day=Min("computed_on"))["day"] or today - dt.timedelta(days=1)
    since = max(min(since, today), today - dt.timedelta(days=366))

    def dated(spec: Spec, period: Period) -> bool:
        if period.start > today:
            return False
        if spec.cumulative:
            return period.end >= since
        return since < period.start

    running = _tasks_queryset().filter(plan__period_end__gte=since, plan__period_start__lte=today)
    # Only tasks with such a period are handed on (most days, a few or none: no query for the others).
    tasks = [t for t in running if any(dated(spec, p) for spec in specs_for(t) for p in spec.periods)]
    return refresh(tasks=tasks, today=today, select=dated) if tasks else 0


def daily(*, today: dt.date) -> int:
    """The progress part of the daily pass: date-dependent values, then every status, for `today`."""
    refresh_dated(today=today)
    return refresh_statuses(today=today)
