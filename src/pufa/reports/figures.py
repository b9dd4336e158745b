"""The figures of a report (seed 002's kind: 活动场次, 参与人次, 资料份数, 培训班数 …), computed from the records.

DESIGN.md principle 1 and 3: nobody types a number the system can count, and every number links to the
records behind it. The rules are the ledger's metric rules (pufa.ledger.metrics), so a report never
disagrees with a target or a dashboard:

- a unit's figures count the activities it organised *and* those it co-organised (one record, counted for
  every unit that ran it); a region's figures count each activity once, whichever of its units ran it;
- only submitted and confirmed records count (`Activity.COUNTED`), and only those dated inside the period;
- 参与人次 = people on site + online; 培训 is the activity kind 培训 (px), 以案释法 the kind yasf, 学法考试 xfks;
- tasks and targets come from progress (TargetCheck per period): each target is judged with progress's own
  rules (`progress.rules.status_of`) as at the end of the report period — or today, while it runs — and a
  period reaching beyond the report (a yearly target in a half-year report) is counted up to the report's
  last day only, through the target's registered metric;
- roster figures (法律明白人 …) come from any cumulative metric other apps register, valued at the period end.

`compute()` needs no acting user: figures are facts about a unit; who may see a report is decided by the
report's own scoping. The result is plain data (`ReportData.to_dict()`), which is what a submitted report
freezes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from pufa.ledger.models import Activity, ActivityUnit
from pufa.org.models import Region, Unit
from pufa.plans import metrics
from pufa.plans.models import Target, Task
from pufa.progress.models import TargetCheck
from pufa.progress.rules import Check, Status, status_of, worst
from pufa.progress.rules import Period as CheckPeriod
from pufa.progress.services import TASK_ACTIVITY_METRIC

TRAINING, CASES, EXAMS = "px", "yasf", "xfks"
HIGHLIGHT_LIMIT = 12


@dataclass
class Figure:
    """One number of a report, with where it comes from."""

    key: str
    label: str
    value: int | float
    measure: str
    url: str = ""
    group: str = "基本情况"


@dataclass
class TaskRow:
    """One task of a unit (or, in a region, one task across its units) with its targets and status."""

    task_id: int
    section: str
    title: str
    plan: str
    targets: list[str]
    done: list[str]  # per target: "2/4期" or "3/5场"
    status: str
    status_label: str
    url: str = ""
    units: dict[str, int] = field(default_factory=dict)  # region only: status → number of units
    lagging_units: list[str] = field(default_factory=list)  # region only: names of lagging/overdue units


@dataclass
class Highlight:
    activity_id: int
    title: str
    date: str
    kind: str
    unit: str
    place: str
    people: int
    materials: int
    description: str
    url: str = ""


@dataclass
class Issue:
    text: str
    url: str = ""


@dataclass
class ReportData:
    """Everything a report is drafted from; `to_dict()` is what a submitted report freezes."""

    subject: str
    scope: str  # "unit" or "region"
    unit_id: int | None
    region_id: int | None
    period: str
    year: int
    start: str
    end: str
    computed_at: str
    figures: list[Figure] = field(default_factory=list)
    tasks: list[TaskRow] = field(default_factory=list)
    highlights: list[Highlight] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    silent_units: list[str] = field(default_factory=list)  # region only: units with no counted activity

    def get(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)

    def value(self, key: str) -> int | float:
        figure = self.get(key)
        return figure.value if figure else 0

    def group(self, name: str) -> list[Figure]:
        return [f for f in self.figures if f.group == name]

    @property
    def start_date(self) -> dt.date:
        return dt.date.fromisoformat(self.start)

    @property
    def end_date(self) -> dt.date:
        return dt.date.fromisoformat(self.end)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportData:
        data = dict(data)
        data["figures"] = [Figure(**f) for f in data.get("figures", [])]
        data["tasks"] = [TaskRow(**t) for t in data.get("tasks", [])]
        data["highlights"] = [Highlight(**h) for h in data.get("highlights", [])]
        data["issues"] = [Issue(**i) for i in data.get("issues", [])]
        return cls(**data)


# ---------------------------------------------------------------- links


def ledger_url(*, unit_id: int | None, region_id: int | None, start: dt.date, end: dt.date, **filters: Any) -> str:
    """The ledger list filtered to exactly the counted records behind a figure.

    For a unit: `participant` (organised or co-organised by exactly this unit), as the ledger's metrics link.
    For a region: `region` — the activities with a participant in the region.
    """
    params: list[tuple[str, Any]] = []
    if unit_id is not None:
        params.append(("participant", unit_id))
    elif region_id is not None:
        params.append(("region", region_id))
    params += [("status", "counted"), ("start", start.isoformat()), ("end", end.isoformat())]
    for name, value in filters.items():
        values = value if isinstance(value, list | tuple) else [value]
        params.extend((name, v) for v in values)
    return f"{reverse('ledger:activity-list')}?{urlencode(params)}"


# ---------------------------------------------------------------- the records


def counted_activity_ids(*, unit: Unit | None, region: Region | None, start: dt.date, end: dt.date) -> QuerySet:
    """The ids of the counted activities of a unit (organised or co-organised) or of a region, in the period."""
    rows = ActivityUnit.objects.filter(status__in=Activity.COUNTED, is_deleted=False, date__gte=start, date__lte=end)
    rows = rows.filter(consent=ActivityUnit.Consent.ACCEPTED)  # a co-organiser counts once it accepted
    if unit is not None:
        rows = rows.filter(unit=unit)
    elif region is not None:
        rows = rows.filter(region_path__startswith=region.path)
    else:
        raise ValueError("unit or region is required")
    return rows.values("activity_id")


def _activities(ids: QuerySet) -> QuerySet[Activity]:
    # deleted_at is checked on the activity too: the participation copies follow it, but a figure must
    # never count a deleted record even if a copy were stale.
    return Activity.objects.filter(pk__in=ids, status__in=Activity.COUNTED)


def _int(value: Any) -> int:
    return int(value or 0)


def _activity_figures(acts: QuerySet[Activity], link: Any) -> list[Figure]:
    totals = acts.aggregate(
        n=Count("id"), onsite=Sum("people_onsite"), online=Sum("people_online"), mats=Sum("materials")
    )
    by_kind = list(
        acts.order_by()
        .values("kind__code", "kind__name", "kind__sort_order")
        .annotate(n=Count("id"), onsite=Sum("people_onsite"), online=Sum("people_online"))
        .order_by("kind__sort_order", "kind__name")
    )
    kinds = {row["kind__code"]: row for row in by_kind}

    def kind_n(code: str) -> int:
        return _int(kinds.get(code, {}).get("n"))

    def kind_people(code: str) -> int:
        row = kinds.get(code, {})
        return _int(row.get("onsite")) + _int(row.get("online"))

    figures = [
        Figure("activities", "开展普法活动", _int(totals["n"]), "场次", link()),
        Figure("people", "参与群众", _int(totals["onsite"]) + _int(totals["online"]), "人次", link()),
        Figure("people_onsite", "其中现场参与", _int(totals["onsite"]), "人次", link()),
        Figure("people_online", "其中线上参与", _int(totals["online"]), "人次", link()),
        Figure("materials", "发放宣传资料", _int(totals["mats"]), "份", link()),
        Figure("trainings", "举办培训班", kind_n(TRAINING), "期", link(kind=TRAINING)),
        Figure("training_people", "培训", kind_people(TRAINING), "人次", link(kind=TRAINING)),
        Figure("cases", "开展以案释法", kind_n(CASES), "场次", link(kind=CASES)),
        Figure("exams", "组织学法考试", kind_n(EXAMS), "场次", link(kind=EXAMS)),
        Figure("exam_people", "参加学法考试", kind_people(EXAMS), "人次", link(kind=EXAMS)),
        Figure("highlights", "典型做法", acts.filter(is_highlight=True).count(), "项", link(highlight=1)),
    ]
    for row in by_kind:
        code = row["kind__code"]
        figures.append(Figure(f"kind.{code}", row["kind__name"], _int(row["n"]), "场次", link(kind=code), "活动形式"))
    for model_name, field_name, group, param in (
        ("domains", "domain", "普法领域", "domain"),
        ("audiences", "audience", "普法对象", "audience"),
    ):
        through = getattr(Activity, model_name).through
        rows = (
            through.objects.filter(activity_id__in=acts.values("pk"))
            .values(f"{field_name}__code", f"{field_name}__name", f"{field_name}__sort_order")
            .annotate(n=Count("activity_id", distinct=True))
            .order_by(f"{field_name}__sort_order", f"{field_name}__name")
        )
        for row in rows:
            code = row[f"{field_name}__code"]
            figures.append(
                Figure(
                    f"{field_name}.{code}",
                    row[f"{field_name}__name"],
                    _int(row["n"]),
                    "场次",
                    link(**{param: code}),
                    group,
                )
            )
    return figures


def _roster_figures(unit_ids: list[int], end: dt.date, unit: Unit | None) -> list[Figure]:
    """Cumulative metrics other apps register (法律明白人 rosters, venues …), valued at the period's end."""
    figures = []
    for metric in metrics.all_metrics():
        if not metric.cumulative or not unit_ids:
            continue
        values = metrics.compute(metric.code, unit_ids=unit_ids, start=None, end=end)
        total = sum(values.values(), Decimal(0))
        url = ""
        if unit is not None and metric.records_url is not None:
            url = metric.records_url(unit.pk, metrics.MetricQuery(unit_ids=(unit.pk,), start=None, end=end))
        value: int | float = int(total) if total == total.to_integral_value() else float(total)
        figures.append(Figure(f"roster.{metric.code}", metric.label, value, metric.measure, url, "队伍与阵地"))
    return figures


def _highlights(acts: QuerySet[Activity]) -> list[Highlight]:
    rows = acts.filter(is_highlight=True).select_related("kind", "unit").order_by("date", "id")[:HIGHLIGHT_LIMIT]
    return [
        Highlight(
            activity_id=a.pk,
            title=a.title,
            date=a.date.isoformat(),
            kind=a.kind.name,
            unit=a.unit.name,
            place=a.place,
            people=a.people_onsite + a.people_online,
            materials=a.materials,
            description=a.description,
            url=reverse("ledger:activity-detail", args=[a.pk]),
        )
        for a in rows
    ]


# ---------------------------------------------------------------- tasks and targets


def _fmt(value: Decimal) -> str:
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.1f}"


def _target_text(target: Target | None) -> str:
    if target is None:
        return "每期至少开展1次关联活动"
    if target.text:
        return target.text
    try:
        label = metrics.get(target.metric).label
    except KeyError:
        label = target.metric
    return f"{label}（{target.get_period_display()}）≥{_fmt(Decimal(target.threshold))}{target.measure}"


def _done_text(checks: list[Check], target: Target | None, measure: str) -> str:
    if len(checks) > 1:
        return f"{sum(1 for c in checks if c.met)}/{len(checks)}期达标"
    if not checks:
        return "—"
    c = checks[0]
    return f"{_fmt(c.value)}/{_fmt(c.threshold)}{measure}"


@dataclass
class _Spec:
    """One (task, target) judged for one unit in the report period."""

    task: Task
    target: Target | None
    unit_id: int
    checks: list[tuple[dt.date, dt.date, Decimal, Decimal]]


def _load_checks(unit_ids: list[int] | None, region: Region | None, start: dt.date, end: dt.date) -> list[_Spec]:
    rows = TargetCheck.objects.filter(
        period_start__lte=end,
        period_end__gte=start,
        task__deleted_at__isnull=True,
        task__plan__deleted_at__isnull=True,
    )
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    elif region is not None:
        rows = rows.filter(unit__region__path__startswith=region.path, unit__deleted_at__isnull=True)
    rows = rows.select_related("task__plan", "target").order_by(
        "task__plan_id", "task__order", "task_id", "period_start"
    )
    grouped: dict[tuple[int, int | None, int], _Spec] = {}
    for row in rows:
        key = (row.task_id, row.target_id, row.unit_id)
        spec = grouped.get(key)
        if spec is None:
            spec = grouped[key] = _Spec(row.task, row.target, row.unit_id, [])
        spec.checks.append((row.period_start, row.period_end, Decimal(row.value), Decimal(row.threshold)))
    return list(grouped.values())


def _clip_values(specs: list[_Spec], end: dt.date) -> dict[tuple[int, int | None, int, dt.date], Decimal]:
    """Values of periods reaching past the report's end, recounted up to that end — many units per query."""
    groups: dict[tuple[int, int | None, dt.date], tuple[str, dict[str, Any], set[int]]] = {}
    for spec in specs:
        target = spec.target
        for p_start, p_end, _value, _threshold in spec.checks:
            if p_end <= end:
                continue
            key = (spec.task.pk, target.pk if target else None, p_start)
            if key not in groups:
                metric = target.metric if target is not None else TASK_ACTIVITY_METRIC
                filters = dict(target.filters or {}) if target is not None else {"task": [spec.task.pk]}
                groups[key] = (metric, filters, set())
            groups[key][2].add(spec.unit_id)
    values: dict[tuple[int, int | None, int, dt.date], Decimal] = {}
    for (task_id, target_id, p_start), (metric, filters, unit_ids) in groups.items():
        try:
            cumulative = metrics.get(metric).cumulative
            computed = metrics.compute(
                metric,
                unit_ids=sorted(unit_ids),
                start=None if cumulative else p_start,
                end=end,
                filters=filters,
                task_id=task_id,
            )
        except (KeyError, ValueError):  # a metric no longer registered: keep the stored value
            continue
        for uid, v in computed.items():
            values[(task_id, target_id, uid, p_start)] = v
    return values


def _judge(
    spec: _Spec, clipped: dict[tuple[int, int | None, int, dt.date], Decimal], as_of: dt.date
) -> tuple[Status, list[Check]]:
    checks = []
    for p_start, p_end, value, threshold in spec.checks:
        key = (spec.task.pk, spec.target.pk if spec.target else None, spec.unit_id, p_start)
        checks.append(Check(CheckPeriod(p_start, p_end), clipped.get(key, value), threshold))
    return status_of(checks, as_of), checks


def _task_link(task: Task, unit: Unit | None, region: Region | None, start: dt.date, end: dt.date) -> str:
    return ledger_url(
        unit_id=unit.pk if unit else None, region_id=region.pk if region else None, start=start, end=end, task=task.pk
    )


def _unit_tasks(unit: Unit, start: dt.date, end: dt.date, as_of: dt.date) -> list[TaskRow]:
    specs = _load_checks([unit.pk], None, start, end)
    clipped = _clip_values(specs, end)
    by_task: dict[int, list[tuple[_Spec, Status, list[Check]]]] = defaultdict(list)
    order: list[Task] = []
    for spec in specs:
        status, checks = _judge(spec, clipped, as_of)
        if spec.task.pk not in by_task:
            order.append(spec.task)
        by_task[spec.task.pk].append((spec, status, checks))
    rows = []
    for task in order:
        items = by_task[task.pk]
        status = worst([s for _, s, _ in items]) or Status.NOT_STARTED
        rows.append(
            TaskRow(
                task_id=task.pk,
                section=task.section,
                title=task.title,
                plan=task.plan.title,
                targets=[_target_text(spec.target) for spec, _, _ in items],
                done=[
                    _done_text(checks, spec.target, spec.target.measure if spec.target else "次")
                    for spec, _, checks in items
                ],
                status=status.value,
                status_label=status.label,
                url=_task_link(task, unit, None, start, end),
            )
        )
    return rows


def _region_tasks(region: Region, start: dt.date, end: dt.date, as_of: dt.date) -> list[TaskRow]:
    specs = _load_checks(None, region, start, end)
    clipped = _clip_values(specs, end)
    per_unit: dict[tuple[int, int], list[Status]] = defaultdict(list)
    tasks: dict[int, Task] = {}
    targets: dict[int, list[Target | None]] = defaultdict(list)
    for spec in specs:
        status, _checks = _judge(spec, clipped, as_of)
        per_unit[(spec.task.pk, spec.unit_id)].append(status)
        tasks.setdefault(spec.task.pk, spec.task)
        if spec.target not in targets[spec.task.pk]:
            targets[spec.task.pk].append(spec.target)
    names = dict(Unit.all_objects.filter(pk__in={u for _, u in per_unit}).values_list("pk", "name"))
    rows = []
    for task_id, task in tasks.items():
        counts: dict[str, int] = defaultdict(int)
        lagging: list[str] = []
        statuses = []
        for (t_id, unit_id), unit_statuses in per_unit.items():
            if t_id != task_id:
                continue
            status = worst(unit_statuses) or Status.NOT_STARTED
            statuses.append(status)
            counts[status.value] += 1
            if status in (Status.LAGGING, Status.OVERDUE):
                lagging.append(names.get(unit_id, ""))
        overall = worst(statuses) or Status.NOT_STARTED
        total = sum(counts.values())
        rows.append(
            TaskRow(
                task_id=task_id,
                section=task.section,
                title=task.title,
                plan=task.plan.title,
                targets=[_target_text(t) for t in targets[task_id]],
                done=[f"{counts.get(Status.DONE, 0)}/{total}个单位已完成"],
                status=overall.value,
                status_label=overall.label,
                url=_task_link(task, None, region, start, end),
                units=dict(counts),
                lagging_units=sorted(lagging),
            )
        )
    return rows


def _task_figures(rows: list[TaskRow], scope: str) -> list[Figure]:
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        if scope == "region":
            for status, n in row.units.items():
                counts[status] += n
        else:
            counts[row.status] += 1
    measure = "项" if scope == "unit" else "单位·项"
    figures = [Figure("tasks", "承担普法任务", len(rows), "项", group="任务完成情况")]
    for status in (Status.DONE, Status.ON_TRACK, Status.NOT_STARTED, Status.LAGGING, Status.OVERDUE):
        figures.append(
            Figure(f"tasks.{status.value}", status.label, counts.get(status.value, 0), measure, group="任务完成情况")
        )
    return figures


def _issues(rows: list[TaskRow], scope: str) -> list[Issue]:
    """One line per lagging or overdue task; tasks of the same wording in several plans are named once."""
    issues: list[Issue] = []
    for row in rows:
        if row.status not in (Status.LAGGING, Status.OVERDUE):
            continue
        if scope == "unit":
            done = "；".join(d for d in row.done if d and d != "—")
            text = f"“{row.title}”{row.status_label}（{done}）"
            if all(i.text != text for i in issues):
                issues.append(Issue(text, row.url))
        else:
            names = "、".join(row.lagging_units[:8]) + ("等" if len(row.lagging_units) > 8 else "")
            issues.append(Issue(f"“{row.title}”有{len(row.lagging_units)}个单位进度滞后或逾期（{names}）", row.url))
    return issues


# ---------------------------------------------------------------- entry point


def compute(
    *,
    unit: Unit | None = None,
    region: Region | None = None,
    period: str,
    year: int,
    today: dt.date | None = None,
) -> ReportData:
    """The figures, tasks, highlights and issues of a unit's (or a region's) report for a period."""
    from pufa.reports.models import period_bounds

    if (unit is None) == (region is None):
        raise ValueError("compute() needs exactly one of unit or region")
    start, end = period_bounds(period, year)
    today = today or timezone.localdate()
    as_of = min(today, end)
    ids = counted_activity_ids(unit=unit, region=region, start=start, end=end)
    acts = _activities(ids)

    def link(**filters: Any) -> str:
        return ledger_url(
            unit_id=unit.pk if unit else None, region_id=region.pk if region else None, start=start, end=end, **filters
        )

    figures = _activity_figures(acts, link)
    if unit is not None:
        unit_ids = [unit.pk]
        tasks = _unit_tasks(unit, start, end, as_of)
        scope = "unit"
    else:
        assert region is not None
        unit_ids = list(Unit.objects.filter(region__path__startswith=region.path).values_list("pk", flat=True))
        tasks = _region_tasks(region, start, end, as_of)
        scope = "region"
    figures += _roster_figures(unit_ids, end, unit)
    figures += _task_figures(tasks, scope)
    issues = _issues(tasks, scope)
    silent: list[str] = []
    if region is not None:
        active = ActivityUnit.objects.filter(
            region_path__startswith=region.path,
            status__in=Activity.COUNTED,
            is_deleted=False,
            date__gte=start,
            date__lte=min(end, today),
        ).values("unit_id")
        silent = list(
            Unit.objects.filter(region__path__startswith=region.path, is_responsible_subject=True)
            .exclude(pk__in=active)
            .order_by("pinyin")
            .values_list("name", flat=True)
        )
        if silent:
            names = "、".join(silent[:10]) + ("等" if len(silent) > 10 else "")
            issues.append(Issue(f"{len(silent)}个单位本期尚未登记普法活动（{names}）"))
    return ReportData(
        subject=unit.name if unit is not None else region.name,  # type: ignore[union-attr]
        scope=scope,
        unit_id=unit.pk if unit is not None else None,
        region_id=region.pk if region is not None else None,
        period=period,
        year=year,
        start=start.isoformat(),
        end=end.isoformat(),
        computed_at=timezone.now().isoformat(timespec="seconds"),
        figures=figures,
        tasks=tasks,
        highlights=_highlights(acts),
        issues=issues,
        silent_units=silent,
    )


def summary_sentence(data: ReportData, period_text: str) -> str:
    """The figures woven into one sentence, as seed 002 writes them (only the figures that are not zero).

    Numbers are written without thousands separators, as official documents write counts ("11000册")."""
    v = data.value
    head = f"{period_text}，共开展普法活动{v('activities')}场次"
    kinds = [f for f in data.group("活动形式") if f.value]
    if kinds:
        head += "（其中" + "、".join(f"{f.label}{f.value}场次" for f in kinds[:6]) + "）"
    if v("people"):
        head += f"，参与群众{v('people')}人次"
        if v("people_onsite") and v("people_online"):
            head += f"（现场{v('people_onsite')}人次、线上{v('people_online')}人次）"
    rest = []
    if v("materials"):
        rest.append(f"发放宣传资料{v('materials')}份")
    if v("trainings"):
        rest.append(f"举办培训班{v('trainings')}期、培训{v('training_people')}人次")
    if v("cases"):
        rest.append(f"开展以案释法活动{v('cases')}场次")
    if v("exams"):
        rest.append(f"组织学法考试{v('exams')}场次、参考{v('exam_people')}人次")
    rest.extend(f"{f.label}{f.value}{f.measure}" for f in data.group("队伍与阵地") if f.value)
    sentence = "；".join([head, *rest]) + "。"
    if data.tasks:
        counts = {f.key: f.value for f in data.group("任务完成情况")}
        if data.scope == "unit":
            behind = counts.get("tasks.lagging", 0) + counts.get("tasks.overdue", 0)
            sentence += (
                f"承担普法任务{len(data.tasks)}项，已完成{counts.get('tasks.done', 0)}项、"
                f"按期推进{counts.get('tasks.on_track', 0)}项" + (f"、滞后或逾期{behind}项。" if behind else "。")
            )
        else:
            sentence += f"涉及普法任务{len(data.tasks)}项。"
    return sentence
