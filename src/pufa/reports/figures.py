"""The figures of a report (seed 002's kind: 活动场次, 参与人次, 资料份数, 培训班数 …), computed from the records.

DESIGN.md principle 1 and 3: nobody types a number the system can count, and every number links to the
records behind it. The rules are the ledger's metric rules (pufa.ledger.metrics), so a report never
disagrees with a target or a dashboard:

- a unit's figures count the activities it organised *and* those it co-organised (one record, counted for
  every unit that ran it); a region's figures count each activity once, whichever of its units ran it;
- what counts is the ledger's one rule (`pufa.ledger.counting`: submitted or confirmed, not deleted, dated
  inside the period);
- 参与人次 = people on site + online; 培训 is the activity kind 培训 (px), 以案释法 the kind yasf, 学法考试 xfks;
- tasks and targets are progress's stored statuses (`ProgressStatus`, one per task, target and unit), of
  the plans running in the report period (`progress.selectors.covered`), as computed on the day the report
  is computed — the very rows the dashboard, unit pages and circulars read; a closed plan's tasks carry
  their final outcome (已完成 / 未完成). A target's "done" text reads the stored checks (`TargetCheck`) of
  the periods within the report: a period reaching beyond it (a yearly target in a half-year report) shows
  its value so far, as the unit page does;
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

from pufa.ledger import counting
from pufa.ledger.models import Activity
from pufa.org.models import Region, Unit
from pufa.plans import metrics
from pufa.plans.models import Target, Task
from pufa.progress.models import ProgressStatus, TargetCheck
from pufa.progress.rules import BEHIND, Status, worst
from pufa.progress.selectors import covered

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


def counted_activities(*, unit: Unit | None, region: Region | None, start: dt.date, end: dt.date) -> QuerySet[Activity]:
    """The counted activities of a unit (organised or co-organised) or of a region (each once), in the period —
    the ledger's one counting rule (`pufa.ledger.counting`)."""
    if unit is not None:
        return counting.counted_activities(unit_ids=[unit.pk], start=start, end=end)
    if region is not None:
        return counting.counted_activities(region=region, start=start, end=end)
    raise ValueError("unit or region is required")


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
        if not metric.cumulative or not metric.reported or not unit_ids:
            continue
        if not metric.additive and (unit is None or len(unit_ids) > 1):
            continue  # a maximum or a share summed over units would be a number that means nothing
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


#: What one period of a target is called in a sentence ("6个月中1个月达标", "2个季度均已达标").
PERIOD_WORDS = {"month": "个月", "quarter": "个季度", "half_year": "个半年", "year": "年"}


def _target_text(target: Target | None) -> str:
    """The target as an office writes it: its own wording, else "每季度不少于1堂"; "" for a task without
    a target (its progress is judged by the activities linked to it, which needs no sentence)."""
    if target is None:
        return ""
    if target.text:
        return target.text
    period = "" if target.period == Target.Period.BY_DATE else target.get_period_display()
    return f"{period}不少于{_fmt(Decimal(target.threshold))}{target.measure or '次'}"


def _done_of(checks: list[TargetCheck], target: Target | None, measure: str) -> str:
    """What was done against the target, in words: "已完成4场，超过目标1场", "6个月中1个月达标",
    "尚未开展（目标1场）" — never "4/1场" or "1/6期达标". `checks` are the stored checks of the periods
    within the report, oldest first."""
    if not checks:
        return "—"
    if len(checks) > 1:
        word = PERIOD_WORDS.get(target.period if target is not None else "", "期")
        met = sum(1 for c in checks if c.value >= c.threshold)
        n = len(checks)
        if met == n:
            return f"{n}{word}均已达标"
        if met == 0:
            return f"{n}{word}均未达标"
        return f"{n}{word}中{met}{word}达标"
    c = checks[0]
    value, threshold = _fmt(Decimal(c.value)), _fmt(Decimal(c.threshold))
    if target is None:  # a task without a target: the activities linked to it
        return f"已开展相关活动{value}{measure}" if c.value else "尚未登记相关活动"
    if not c.value:
        return f"尚未开展（目标{threshold}{measure}）"
    if c.value > c.threshold:
        return f"已完成{value}{measure}，超过目标{threshold}{measure}"
    if c.value >= c.threshold:
        return f"已完成{value}{measure}，达到目标"
    return f"已完成{value}{measure}，目标{threshold}{measure}"


def units_done_text(units: dict[str, int]) -> str:
    """A task across a region's units in words: "2个单位中，已完成1个、未开始1个", "6个单位均已完成"."""
    total = sum(units.values())
    if not total:
        return "—"
    order = (Status.DONE, Status.ON_TRACK, Status.NOT_STARTED, Status.LAGGING, Status.OVERDUE, Status.UNFINISHED)
    present = [s for s in order if units.get(s.value)]
    if len(present) == 1:
        return f"{total}个单位均{present[0].label}"
    return f"{total}个单位中，" + "、".join(f"{s.label}{units[s.value]}个" for s in present)


def _statuses(*, unit: Unit | None, region: Region | None, start: dt.date, end: dt.date) -> QuerySet[ProgressStatus]:
    """Progress's stored statuses (task rows and target rows) of the tasks a report covers: those of plans
    running in the report period (`progress.selectors.covered`) — the same rows every page reads."""
    rows = covered(ProgressStatus.objects.all(), start=start, end=end)
    if unit is not None:
        rows = rows.filter(unit=unit)
    elif region is not None:
        rows = rows.filter(region_path__startswith=region.path)
    return rows.select_related("task__plan", "target").order_by("task__plan_id", "task__order", "task_id", "target_id")


def _task_link(task: Task, unit: Unit | None, region: Region | None, start: dt.date, end: dt.date) -> str:
    return ledger_url(
        unit_id=unit.pk if unit else None, region_id=region.pk if region else None, start=start, end=end, task=task.pk
    )


def _unit_tasks(unit: Unit, start: dt.date, end: dt.date) -> list[TaskRow]:
    task_rows: list[ProgressStatus] = []
    target_rows: dict[int, list[ProgressStatus]] = defaultdict(list)
    for row in _statuses(unit=unit, region=None, start=start, end=end):
        if row.target_id is None:
            task_rows.append(row)
        else:
            target_rows[row.task_id].append(row)
    checks: dict[tuple[int, int | None], list[TargetCheck]] = defaultdict(list)
    for check in TargetCheck.objects.filter(
        unit=unit, task_id__in=[r.task_id for r in task_rows], period_start__lte=end, period_end__gte=start
    ).order_by("period_start"):
        checks[(check.task_id, check.target_id)].append(check)
    result = []
    for row in task_rows:
        task, status = row.task, Status(row.status)
        targets = target_rows.get(task.pk, [])
        result.append(
            TaskRow(
                task_id=task.pk,
                section=task.section,
                title=task.title,
                plan=task.plan.title,
                targets=[_target_text(t.target) for t in targets] or [_target_text(None)],
                done=[_done_of(checks[(task.pk, t.target_id)], t.target, t.target.measure) for t in targets if t.target]
                or [_done_of(checks[(task.pk, None)], None, "次")],
                status=status.value,
                status_label=status.label,
                url=_task_link(task, unit, None, start, end),
            )
        )
    return result


def _region_tasks(region: Region, start: dt.date, end: dt.date) -> list[TaskRow]:
    rows = [r for r in _statuses(unit=None, region=region, start=start, end=end) if r.target_id is None]
    tasks: dict[int, Task] = {}
    per_task: dict[int, list[tuple[int, Status]]] = defaultdict(list)
    for row in rows:
        tasks.setdefault(row.task_id, row.task)
        per_task[row.task_id].append((row.unit_id, Status(row.status)))
    targets: dict[int, list[Target]] = defaultdict(list)
    for target in Target.objects.filter(task_id__in=list(tasks)).order_by("id"):
        targets[target.task_id].append(target)
    names = dict(Unit.all_objects.filter(pk__in={u for v in per_task.values() for u, _ in v}).values_list("pk", "name"))
    result = []
    for task_id, task in tasks.items():
        counts: dict[str, int] = defaultdict(int)
        for _unit_id, status in per_task[task_id]:
            counts[status.value] += 1
        lagging = sorted(names.get(u, "") for u, status in per_task[task_id] if status in BEHIND)
        overall = worst([status for _, status in per_task[task_id]]) or Status.NOT_STARTED
        result.append(
            TaskRow(
                task_id=task_id,
                section=task.section,
                title=task.title,
                plan=task.plan.title,
                targets=[_target_text(t) for t in targets[task_id]],
                done=[units_done_text(counts)],
                status=overall.value,
                status_label=overall.label,
                url=_task_link(task, None, region, start, end),
                units=dict(counts),
                lagging_units=lagging,
            )
        )
    return result


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
    for status in (Status.DONE, Status.ON_TRACK, Status.NOT_STARTED, Status.LAGGING, Status.OVERDUE, Status.UNFINISHED):
        figures.append(
            Figure(f"tasks.{status.value}", status.label, counts.get(status.value, 0), measure, group="任务完成情况")
        )
    return figures


def _issues(rows: list[TaskRow], scope: str) -> list[Issue]:
    """One line per lagging or overdue task; tasks of the same wording in several plans are named once."""
    issues: list[Issue] = []
    for row in rows:
        if row.status not in (Status.LAGGING, Status.OVERDUE, Status.UNFINISHED):
            continue
        if scope == "unit":
            done = "；".join(d for d in row.done if d and d != "—")
            text = f"“{row.title}”{row.status_label}，{done}" if done else f"“{row.title}”{row.status_label}"
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
    acts = counted_activities(unit=unit, region=region, start=start, end=end)

    def link(**filters: Any) -> str:
        return ledger_url(
            unit_id=unit.pk if unit else None, region_id=region.pk if region else None, start=start, end=end, **filters
        )

    figures = _activity_figures(acts, link)
    if unit is not None:
        unit_ids = [unit.pk]
        tasks = _unit_tasks(unit, start, end)
        scope = "unit"
    else:
        assert region is not None
        unit_ids = list(Unit.objects.filter(region__path__startswith=region.path).values_list("pk", flat=True))
        tasks = _region_tasks(region, start, end)
        scope = "region"
    figures += _roster_figures(unit_ids, end, unit)
    figures += _task_figures(tasks, scope)
    issues = _issues(tasks, scope)
    silent: list[str] = []
    if region is not None:
        active = counting.participations(region=region, start=start, end=min(end, today)).values("unit_id")
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


#: Each activity kind in a sentence, with its own verb and measure word (宣传栏 are updated by 期, not 场次).
KIND_PHRASES = {
    "jzxc": "开展集中宣传{n}场次",
    "ztjz": "举办专题讲座和法治课{n}场",
    "yasf": "开展以案释法{n}场次",
    "px": "举办培训班{n}期",
    "xfks": "组织学法考试{n}场",
    "wyyc": "开展法治文艺演出{n}场",
    "flzx": "开展法律咨询{n}场次",
    "xmt": "推送新媒体普法信息{n}条",
    "xcl": "更新宣传栏{n}期",
    "zxzxf": "组织中心组学法{n}次",
    "sspf": "在执法中开展实时普法{n}次",
    "whhd": "开展法治文化活动{n}场",
    "sfsm": "送法上门{n}次",
    "qt": "开展其他普法活动{n}场次",
}
KINDS_IN_SENTENCE = 6


def kind_phrase(code: str, name: str, n: int | float) -> str:
    """An activity kind and its count as a person writes them."""
    template = KIND_PHRASES.get(code)
    return template.format(n=n) if template else f"开展{name}{n}场次"


def summary_sentence(data: ReportData, period_text: str) -> str:
    """The figures woven into prose, as seed 002 writes them: only figures that are not zero, each kind with
    its own measure word, and a plain sentence when nothing was recorded.

    Numbers are written without thousands separators, as official documents write counts ("11000册")."""
    v = data.value
    if not v("activities"):
        sentence = f"{period_text}，普法工作台账中没有登记普法活动。"
    else:
        head = [f"{period_text}，共开展普法活动{v('activities')}场次"]
        if v("people"):
            people = f"参与群众{v('people')}人次"
            if v("people_onsite") and v("people_online"):
                people += f"（现场{v('people_onsite')}人次、线上{v('people_online')}人次）"
            head.append(people)
        if v("materials"):
            head.append(f"发放宣传资料{v('materials')}份")
        sentence = "，".join(head) + "。"
        kinds = sorted((f for f in data.group("活动形式") if f.value), key=lambda f: -f.value)
        phrases = []
        for f in kinds[:KINDS_IN_SENTENCE]:
            code = f.key.split(".", 1)[1]
            phrase = kind_phrase(code, f.label, f.value)
            if code == TRAINING and v("training_people"):
                phrase += f"、培训{v('training_people')}人次"
            elif code == EXAMS and v("exam_people"):
                phrase += f"、参考{v('exam_people')}人次"
            phrases.append(phrase)
        if phrases:
            more = "等" if len(kinds) > KINDS_IN_SENTENCE else ""
            sentence += "其中，" + "，".join(phrases) + more + "。"
    roster = [f"{f.label}{f.value}{f.measure}" for f in data.group("队伍与阵地") if f.value]
    if roster:
        sentence += "现有" + "、".join(roster) + "。"
    if data.tasks:
        counts = {f.key: f.value for f in data.group("任务完成情况")}
        if data.scope == "unit":
            parts = [
                f"{label}{counts[key]}项"
                for key, label in (
                    ("tasks.done", "已完成"),
                    ("tasks.on_track", "按期推进"),
                    ("tasks.not_started", "未开始"),
                    ("tasks.lagging", "滞后"),
                    ("tasks.overdue", "逾期"),
                )
                if counts.get(key)
            ]
            sentence += f"承担普法任务{len(data.tasks)}项" + ("，其中" + "、".join(parts) if parts else "") + "。"
        else:
            sentence += f"本区域分解普法任务{len(data.tasks)}项。"
    return sentence
