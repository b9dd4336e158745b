"""Reads for the progress pages: the office dashboard, the status lists and a unit's progress.

Region figures come from the rollups (cities, districts, streets) or, for a community, straight from the
ledger; statuses from ProgressStatus. Reads never write: statuses computed on an earlier day (before the
daily pass has run) are shown with that day (`statuses_date`) while a background refresh is asked for
(`pufa.progress.tasks`). Every figure carries the URL of the records behind it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, IntegerField, Min, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from pufa.core.models import ActivityKind, Audience, Domain
from pufa.ledger import counting
from pufa.ledger.fields import Unindexed
from pufa.ledger.models import Activity
from pufa.ledger.selectors import key_date_list
from pufa.org.access import grants, scope, scope_q, visible_or_404
from pufa.org.models import Region, Unit
from pufa.plans import metrics
from pufa.progress import cache, tasks
from pufa.progress.models import ProgressStatus, RegionMonthStat, TargetCheck, UnitActivity, UnitStatusCount
from pufa.progress.rollups import ROLLUP_LEVELS, counted_participations
from pufa.progress.rules import STATUS_LABELS, Status

SILENT_DAYS = 60
STATUS_ORDER = [Status.OVERDUE, Status.LAGGING, Status.NOT_STARTED, Status.ON_TRACK, Status.DONE, Status.UNFINISHED]


def ledger_url(**params: Any) -> str:
    """The ledger list filtered to the records behind a figure (counted records only)."""
    pairs: list[tuple[str, Any]] = [("status", "counted")]
    for key, value in params.items():
        if value in (None, ""):
            continue
        if isinstance(value, list | tuple):
            pairs.extend((key, v) for v in value)
        else:
            pairs.append((key, value.isoformat() if isinstance(value, dt.date) else value))
    return f"{reverse('ledger:activity-list')}?{urlencode(pairs)}"


def status_list_url(**params: Any) -> str:
    return f"{reverse('progress:status-list')}?{urlencode({k: v for k, v in params.items() if v not in (None, '')})}"


def _region_wide_roots(actor: Any) -> list[str]:
    return [g.region_path for g in grants(actor) if g.region_wide]


def default_region(*, actor: Any) -> Region | None:
    roots = sorted(_region_wide_roots(actor), key=len)
    if roots:
        return Region.objects.filter(path=roots[0]).first()
    if getattr(actor, "is_superuser", False):
        return Region.objects.filter(parent__isnull=True).order_by("path").first()
    return None


def dashboard_region_get(*, actor: Any, pk: int) -> Region:
    """A region the actor may see a dashboard of: at or below one of their region-wide grants."""
    region = Region.objects.filter(pk=pk).first()
    if region is None:
        raise Http404("未找到该区划")
    if getattr(actor, "is_superuser", False):
        return region
    if not any(region.path.startswith(root) for root in _region_wide_roots(actor)):
        raise Http404("未找到该区划")
    return region


def statuses_date(*, region_path: str, today: dt.date | None = None) -> dt.date | None:
    """None if the region's statuses were computed today; otherwise the earliest day they were computed on,
    once a background refresh has been asked for (pages say "状态计算于…" instead of writing)."""
    today = today or timezone.localdate()
    # Asked on every dashboard load: through the (computed_on) index, empty on a day the statuses are fresh
    # (`__under`: SQLite may not take the path index, which would walk a whole city's statuses instead).
    stale = ProgressStatus.objects.filter(region_path__under=region_path, computed_on__lt=today)
    if not stale.exists():
        return None
    tasks.request_refresh(region_path=region_path, today=today)
    # Read again: a backend running tasks at once (tests, PUFA_TASKS_BACKEND=immediate) has refreshed them.
    day: dt.date | None = stale.aggregate(day=Min("computed_on"))["day"]
    return day


@dataclass(frozen=True)
class RegionRef:
    """A region as the dashboard shows it (plain data, cached)."""

    pk: int
    name: str


@dataclass(frozen=True)
class UnitRef:
    """A unit as the dashboard shows it (plain data, cached)."""

    pk: int
    name: str
    region_name: str = ""


@dataclass
class Figure:
    label: str
    value: Decimal | int
    url: str = ""
    extra: str = ""


@dataclass
class ChildRow:
    region: RegionRef
    activities: int
    people: int
    lagging: int
    overdue: int
    url: str
    records_url: str


@dataclass
class UnitRow:
    unit: UnitRef
    activities: int
    people: int
    lagging: int
    overdue: int
    last_date: dt.date | None
    url: str
    records_url: str


@dataclass
class Dashboard:
    region: Region
    year: int
    start: dt.date
    end: dt.date
    totals: list[Figure]
    statuses: list[Figure]
    by_month: list[Figure]
    by_kind: list[Figure]
    by_domain: list[Figure]
    by_audience: list[Figure]
    lagging_units: list[UnitRow]
    children: list[ChildRow]
    units: list[UnitRow]
    silent_units: list[UnitRef]
    silent_count: int
    key_dates: list[tuple[dt.date, str]]
    breadcrumbs: list[Region] = field(default_factory=list)
    plans: list[CoveredPlan] = field(default_factory=list)  # the plans whose tasks the status figures cover
    statuses_on: dt.date | None = None  # the day the statuses were computed, if not today
    # The cache key of these figures (with their region's stamps): the page caches its drawing of them under it.
    figures_key: str = ""


#: Filled per request, never cached: the region object, what the actor sees above it, the staleness note.
PER_REQUEST = ("region", "key_dates", "breadcrumbs", "statuses_on", "figures_key")


def _labels(model: type[ActivityKind] | type[Domain] | type[Audience]) -> dict[str, str]:
    return dict(model.objects.values_list("code", "name"))


def _activity_figures(region: Region, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Totals and breakdowns of counted activities in a region and period (each activity counted once)."""
    months = [dt.date(start.year, m, 1) for m in range(1, 13) if dt.date(start.year, m, 1) <= end]
    out: dict[str, Any] = {
        "months": dict.fromkeys(months, (0, 0)),
        "kind": {},
        "domain": {},
        "audience": {},
        "total": (0, 0, 0, 0),
    }
    if region.level in ROLLUP_LEVELS:
        rows = RegionMonthStat.objects.filter(region=region, month__gte=start, month__lte=end)
        total = [0, 0, 0, 0]
        by: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        for dim, code, month, n, onsite, online, materials in rows.values_list(
            "dim", "code", "month", "activities", "people_onsite", "people_online", "materials"
        ):
            if dim == "":
                out["months"][month] = (n, onsite + online)
                total = [total[0] + n, total[1] + onsite, total[2] + online, total[3] + materials]
            else:
                by[dim][code][0] += n
                by[dim][code][1] += onsite + online
        out["total"] = tuple(total)
        for dim in ("kind", "domain", "audience"):
            out[dim] = {code: tuple(v) for code, v in by[dim].items()}
        return out
    participations = counting.participations(region=region, start=start, end=end)
    activities = Activity.objects.filter(pk__in=participations.values("activity_id"))
    people = Sum("people_onsite") + Sum("people_online")
    t = activities.aggregate(n=Count("id"), on=Sum("people_onsite"), ol=Sum("people_online"), m=Sum("materials"))
    out["total"] = (t["n"] or 0, t["on"] or 0, t["ol"] or 0, t["m"] or 0)
    for row in activities.values("date__month").annotate(n=Count("id"), p=people):
        out["months"][dt.date(start.year, row["date__month"], 1)] = (row["n"], row["p"] or 0)
    for dim, lookup in (("kind", "kind__code"), ("domain", "domains__code"), ("audience", "audiences__code")):
        for row in activities.exclude(**{f"{lookup}__isnull": True}).values(lookup).annotate(n=Count("id"), p=people):
            out[dim][row[lookup]] = (row["n"], row["p"] or 0)
    return out


def covered(rows: QuerySet[Any], *, start: dt.date, end: dt.date) -> QuerySet[Any]:
    """THE rule of which statuses a current figure covers: the tasks of plans running at some day of
    start..end, for living units. A 2022–2025 plan is not part of 2026's picture; a circular "截至某日" covers
    the plans running on that day (start = end). Applies to `ProgressStatus` and `UnitStatusCount` alike, so
    the dashboard's counts and every page or document reading statuses cover the same tasks."""
    # Deleted units are few: their ids are excluded as a list. As a join on the units' deletion mark, SQLite
    # drives the query from every living unit of the city instead of from a region's rows.
    gone = list(Unit.all_objects.filter(deleted_at__isnull=False).order_by().values_list("pk", flat=True))
    return rows.filter(plan_start__lte=end, plan_end__gte=start).exclude(unit_id__in=gone)


def in_year(rows: QuerySet[Any], year: int | None) -> QuerySet[Any]:
    """Statuses (or their counts) of tasks whose plan runs in `year` (see `covered`)."""
    if not year:
        return rows
    return covered(rows, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))


@dataclass(frozen=True)
class CoveredPlan:
    """A plan a page or document covers, so that it can say which ("本页涵盖的规划计划")."""

    id: int
    title: str
    start: dt.date
    end: dt.date
    closed: bool


def covered_plans(
    *,
    region_path: str = "",
    unit_ids: list[int] | None = None,
    start: dt.date,
    end: dt.date,
    today: dt.date | None = None,
) -> list[CoveredPlan]:
    """The plans whose tasks' statuses a figure for this region (or these units) and period covers."""
    from pufa.plans.models import Plan
    from pufa.progress.rules import is_closed

    today = today or timezone.localdate()
    broad = unit_ids is None and _is_root(region_path)
    rows = ProgressStatus.objects.all()
    rows = _task_statuses(rows, indexed=broad)
    rows = covered(rows, start=start, end=end)
    if region_path:
        rows = rows.filter(region_path__startswith=region_path)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    if broad or unit_ids is not None:
        plans = Plan.objects.filter(pk__in=rows.values("task__plan_id"))
    else:
        # The district's or street's own task ids first, then their plans: as one query SQLite drives it from
        # the city's tasks and probes each task's statuses.
        plans = Plan.objects.filter(tasks__in=set(rows.values_list("task_id", flat=True).distinct())).distinct()
    plans = plans.order_by("period_start", "title")
    return [
        CoveredPlan(p.pk, p.title, p.period_start, p.period_end, is_closed(p.period_end, today))
        for p in plans.only("id", "title", "period_start", "period_end")
    ]


def _is_root(path: str) -> bool:
    """Is this the whole tree (no path, or a top-level region's "/1/")?"""
    return path.count("/") <= 2


def _task_statuses(rows: QuerySet[ProgressStatus], *, indexed: bool) -> QuerySet[ProgressStatus]:
    """Task statuses (target NULL) among `rows`. Task statuses are most of the table: through their target index
    SQLite walks every one of the city's. So unless the rows are the whole city's (`indexed`), target NULL is
    checked on each row the path or unit index found (`Unindexed`): a district's, street's or liaison's
    statuses cost their own size, not the city's."""
    if indexed:
        return rows.filter(target__isnull=True)
    rows = rows.alias(task_status=Unindexed("target_id", output_field=IntegerField()))
    return rows.filter(task_status__isnull=True)


def _sees_whole_tree(actor: Any) -> bool:
    """Does the actor's progress scope hold a whole tree (a top-level region's office, or everything)?"""
    if scope_q(ProgressStatus, actor, "progress.view") is None:
        return True
    return any(_is_root(g.region_path) for g in grants(actor) if g.region_wide)


def _lagging_counts(year: int, **where: Any) -> QuerySet[UnitStatusCount]:
    """Counts of lagging and overdue statuses (a figure of the dashboard reads a few thousand count rows for a
    whole city, never its 150,000 statuses)."""
    return in_year(
        UnitStatusCount.objects.filter(status__in=[Status.LAGGING.value, Status.OVERDUE.value], **where), year
    )


def _status_counts(region_path: str, year: int) -> dict[str, int]:
    rows = in_year(UnitStatusCount.objects.filter(is_target=False, region_path__startswith=region_path), year)
    return dict(rows.values("status").annotate(total=Sum("n")).values_list("status", "total"))


def region_dashboard(*, actor: Any, region: Region, year: int | None = None) -> Dashboard:
    """The dashboard's figures computed afresh (pages read `cached_dashboard`, which also checks that the
    statuses are today's)."""
    today = timezone.localdate()
    year = year or today.year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    figures = _activity_figures(region, start, end)
    n, onsite, online, materials = figures["total"]
    rid = region.pk
    totals = [
        Figure("活动场次", n, ledger_url(region=rid, start=start, end=end)),
        Figure("受众人次", onsite + online, ledger_url(region=rid, start=start, end=end), f"其中线上 {online}"),
        Figure("发放资料（份）", materials, ledger_url(region=rid, start=start, end=end)),
    ]
    counts = _status_counts(region.path, year)
    statuses = [
        Figure(s.label, counts.get(s.value, 0), status_list_url(region=rid, status=s.value, year=year), s.value)
        for s in STATUS_ORDER
    ]
    by_month = [
        Figure(f"{m.month}月", v[0], ledger_url(region=rid, start=m, end=_month_end(m)), str(v[1]))
        for m, v in sorted(figures["months"].items())
    ]
    kinds, domains, audiences = _labels(ActivityKind), _labels(Domain), _labels(Audience)

    def breakdown(dim: str, labels: dict[str, str], param: str) -> list[Figure]:
        items = sorted(figures[dim].items(), key=lambda kv: -kv[1][0])
        return [
            Figure(
                labels.get(code, code), v[0], ledger_url(region=rid, start=start, end=end, **{param: code}), str(v[1])
            )
            for code, v in items
        ]

    tally: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for unit_id, st, n in _lagging_counts(year, is_target=True, region_path__startswith=region.path).values_list(
        "unit_id", "status", "n"
    ):
        tally[unit_id][0 if st == Status.LAGGING.value else 1] += n
    worst_units = sorted(tally.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))[:10]
    lag_rows = [{"unit_id": u, "lagging": v[0], "overdue": v[1]} for u, v in worst_units]
    lag_ids = [r["unit_id"] for r in lag_rows]
    lag_units = {pk: UnitRef(pk, name) for pk, name in Unit.objects.filter(pk__in=lag_ids).values_list("pk", "name")}
    lagging_units = [
        UnitRow(
            lag_units[r["unit_id"]],
            0,
            0,
            r["lagging"],
            r["overdue"],
            None,
            reverse("progress:unit", args=[r["unit_id"]]),
            "",
        )
        for r in lag_rows
        if r["unit_id"] in lag_units
    ]
    # Driven from the region's own regions (a short list subquery) through the units' region index: as a join
    # on the region path, SQLite walks every unit of the city in name order.
    silent_qs = (
        Unit.objects.filter(
            region__in=Region.objects.filter(path__startswith=region.path).values("pk"), is_responsible_subject=True
        )
        .exclude(latest_activity__last_date__gte=today - dt.timedelta(days=SILENT_DAYS))
        .order_by("pinyin")
    )
    return Dashboard(
        region=region,
        year=year,
        start=start,
        end=end,
        totals=totals,
        statuses=statuses,
        by_month=by_month,
        by_kind=breakdown("kind", kinds, "kind"),
        by_domain=breakdown("domain", domains, "domain"),
        by_audience=breakdown("audience", audiences, "audience"),
        lagging_units=lagging_units,
        children=_children(region, start, end),
        units=_units(region, start, end),
        silent_units=[UnitRef(*row) for row in silent_qs.values_list("pk", "name", "region__name")[:20]],
        silent_count=silent_qs.count(),
        key_dates=_key_dates(actor, today),
        breadcrumbs=_breadcrumbs(actor, region),
        plans=covered_plans(region_path=region.path, start=start, end=end, today=today),
    )


def cached_dashboard(*, actor: Any, region: Region, year: int | None = None) -> Dashboard:
    """The dashboard, reused until a write under this region changes its stamp (see progress.cache).

    The figures depend on the region and the year only — who may open which region is checked before — so
    offices of the same region share one entry. Statuses depend on the date, which is part of the key. The
    entry is plain data (dicts, lists, numbers, dates), rebuilt into a `Dashboard` on every read.
    """
    today = timezone.localdate()
    year = year or today.year
    statuses_on = statuses_date(region_path=region.path, today=today)
    key, plain = cache.get(f"dashboard:{region.pk}:{year}:{today.isoformat()}", region.path)
    if plain is None:
        plain = _plain(region_dashboard(actor=actor, region=region, year=year))
        cache.put(key, plain)
    data = _from_plain(plain, region)
    data.key_dates = _key_dates(actor, today)
    data.breadcrumbs = _breadcrumbs(actor, region)
    data.statuses_on = statuses_on
    data.figures_key = key
    return data


def _plain(dashboard: Dashboard) -> dict[str, Any]:
    return {
        f.name: [asdict(v) for v in value] if isinstance(value, list) else value
        for f in fields(Dashboard)
        if f.name not in PER_REQUEST
        for value in [getattr(dashboard, f.name)]
    }


def _from_plain(plain: dict[str, Any], region: Region) -> Dashboard:
    def figures(name: str) -> list[Figure]:
        return [Figure(**row) for row in plain[name]]

    def unit_rows(name: str) -> list[UnitRow]:
        return [UnitRow(**{**row, "unit": UnitRef(**row["unit"])}) for row in plain[name]]

    return Dashboard(
        region=region,
        year=plain["year"],
        start=plain["start"],
        end=plain["end"],
        totals=figures("totals"),
        statuses=figures("statuses"),
        by_month=figures("by_month"),
        by_kind=figures("by_kind"),
        by_domain=figures("by_domain"),
        by_audience=figures("by_audience"),
        lagging_units=unit_rows("lagging_units"),
        children=[ChildRow(**{**row, "region": RegionRef(**row["region"])}) for row in plain["children"]],
        units=unit_rows("units"),
        silent_units=[UnitRef(**row) for row in plain["silent_units"]],
        silent_count=plain["silent_count"],
        key_dates=[],
        plans=[CoveredPlan(**row) for row in plain["plans"]],
    )


def _month_end(month: dt.date) -> dt.date:
    nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _children(region: Region, start: dt.date, end: dt.date) -> list[ChildRow]:
    children = list(Region.objects.filter(parent=region).order_by("pinyin"))
    if not children:
        return []
    rolled = {c.pk for c in children if c.level in ROLLUP_LEVELS}
    totals: dict[int, tuple[int, int]] = {}
    for row in (
        RegionMonthStat.objects.filter(region_id__in=rolled, dim="", month__gte=start, month__lte=end)
        .values("region_id")
        .annotate(n=Sum("activities"), on=Sum("people_onsite"), ol=Sum("people_online"))
    ):
        totals[row["region_id"]] = (row["n"] or 0, (row["on"] or 0) + (row["ol"] or 0))
    direct = [c for c in children if c.pk not in rolled]
    if direct:
        path_to_child = {c.path: c.pk for c in direct}
        per_activity: dict[int, set[int]] = defaultdict(set)
        for activity_id, path in counting.participations(region=region, start=start, end=end).values_list(
            "activity_id", "region_path"
        ):
            child = next((cid for cpath, cid in path_to_child.items() if path.startswith(cpath)), None)
            if child is not None:
                per_activity[child].add(activity_id)
        people = {
            pk: onsite + online
            for pk, onsite, online in Activity.objects.filter(
                pk__in={a for s in per_activity.values() for a in s}
            ).values_list("pk", "people_onsite", "people_online")
        }
        for child, ids in per_activity.items():
            totals[child] = (len(ids), sum(people[a] for a in ids))
    status: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    grouped = (
        _lagging_counts(start.year, is_target=False, region_path__startswith=region.path)
        .values("region_path", "status")
        .annotate(total=Sum("n"))
    )
    for row in grouped:
        child = next((c for c in children if row["region_path"].startswith(c.path)), None)
        if child is not None:
            status[child.pk][0 if row["status"] == Status.LAGGING.value else 1] += row["total"]
    return [
        ChildRow(
            RegionRef(c.pk, c.name),
            totals.get(c.pk, (0, 0))[0],
            totals.get(c.pk, (0, 0))[1],
            status[c.pk][0],
            status[c.pk][1],
            f"{reverse('progress:dashboard')}?region={c.pk}&year={start.year}",
            ledger_url(region=c.pk, start=start, end=end),
        )
        for c in children
    ]


def _units(region: Region, start: dt.date, end: dt.date) -> list[UnitRow]:
    """Units directly in this region (departments of a street, a community's committee): one grouped query."""
    units = list(Unit.objects.filter(region=region).order_by("pinyin"))
    if not units:
        return []
    ids = [u.pk for u in units]
    counts: dict[int, int] = {}
    people: dict[int, int] = defaultdict(int)
    for row in (
        counted_participations()
        .filter(unit_id__in=ids, date__gte=start, date__lte=end)
        .values("unit_id")
        .annotate(n=Count("id"), on=Sum("activity__people_onsite"), ol=Sum("activity__people_online"))
    ):
        counts[row["unit_id"]] = row["n"]
        people[row["unit_id"]] = (row["on"] or 0) + (row["ol"] or 0)
    status = defaultdict(lambda: [0, 0])
    for unit_id, st, n in _lagging_counts(start.year, is_target=False, unit_id__in=ids).values_list(
        "unit_id", "status", "n"
    ):
        status[unit_id][0 if st == Status.LAGGING.value else 1] += n
    latest = dict(UnitActivity.objects.filter(unit_id__in=ids).values_list("unit_id", "last_date"))
    return [
        UnitRow(
            UnitRef(u.pk, u.name),
            counts.get(u.pk, 0),
            people[u.pk],
            status[u.pk][0],
            status[u.pk][1],
            latest.get(u.pk),
            reverse("progress:unit", args=[u.pk]),
            ledger_url(participant=u.pk, start=start, end=end),
        )
        for u in units
    ]


def _key_dates(actor: Any, today: dt.date) -> list[tuple[dt.date, str]]:
    coming = []
    # Three columns, not the records with their regions and domains: this runs on every dashboard request.
    dates = key_date_list(actor=actor).select_related(None).prefetch_related(None)
    for month, day_of_month, name in dates.values_list("month", "day", "name"):
        for year in (today.year, today.year + 1):
            try:
                day = dt.date(year, month, day_of_month)
            except ValueError:
                continue
            if today <= day <= today + dt.timedelta(days=45):
                coming.append((day, name))
    return sorted(coming)[:8]


def _breadcrumbs(actor: Any, region: Region) -> list[Region]:
    roots = _region_wide_roots(actor)
    chain = []
    node: Region | None = region
    while node is not None:
        chain.append(node)
        if node.path in roots:
            break
        node = node.parent
    return list(reversed(chain))


# ---------------------------------------------------------------- status lists and a unit's progress


def status_list(
    *,
    actor: Any,
    region: Region | None = None,
    unit: Unit | None = None,
    status: str = "",
    task_id: int | None = None,
    year: int | None = None,
    due_within: int | None = None,
) -> QuerySet[ProgressStatus]:
    """Task statuses in scope; `due_within`: not done and next due in the coming `due_within` days (即将到期)."""
    narrowed = region is not None or unit is not None or not _sees_whole_tree(actor)
    rows = in_year(
        _task_statuses(scope(ProgressStatus.objects.all(), actor, "progress.view"), indexed=not narrowed), year
    )
    if due_within is not None:
        today = timezone.localdate()
        rows = rows.exclude(status=Status.DONE.value).filter(
            next_due__gte=today, next_due__lte=today + dt.timedelta(days=due_within)
        )
    if region is not None:
        rows = rows.filter(region_path__startswith=region.path)
    if unit is not None:
        rows = rows.filter(unit=unit)
    if status:
        rows = rows.filter(status=status)
    if task_id:
        rows = rows.filter(task_id=task_id)
    return rows.select_related("task", "task__plan", "unit").order_by("next_due", "task__plan", "task__order")


def status_labels() -> dict[str, str]:
    return {s.value: label for s, label in STATUS_LABELS.items()}


@dataclass
class CheckRow:
    label: str
    value: Decimal
    threshold: Decimal
    met: bool
    url: str


@dataclass
class TargetProgress:
    title: str
    status: str
    status_label: str
    measure: str
    checks: list[CheckRow]


@dataclass
class TaskProgress:
    status: ProgressStatus
    targets: list[TargetProgress]
    closed: bool = False  # the plan has ended: the status is its final outcome (已完成 / 未完成)


def unit_progress(*, actor: Any, unit: Unit, year: int | None = None, history: bool = False) -> list[TaskProgress]:
    """A unit's tasks with the status of each and the per-period checks behind it, linked to the records.

    The tasks of plans running in `year` (default: this year; see `covered`), the same the dashboard, the
    home panel and "my tasks" count; with `history`, instead those of plans that ended before that year."""
    from pufa.progress.rules import Period, is_closed

    today = timezone.localdate()
    year = year or today.year
    if history:
        rows = status_list(actor=actor, unit=unit).filter(plan_end__lt=dt.date(year, 1, 1))
        statuses = list(rows.order_by("-plan_end", "task__plan", "task__order"))
    else:
        statuses = list(status_list(actor=actor, unit=unit, year=year))
    task_ids = [s.task_id for s in statuses]
    target_status = {
        (r.task_id, r.target_id): r
        for r in ProgressStatus.objects.filter(unit=unit, task_id__in=task_ids, target__isnull=False).select_related(
            "target"
        )
    }
    checks: dict[tuple[int, int | None], list[TargetCheck]] = defaultdict(list)
    for check in TargetCheck.objects.filter(unit=unit, task_id__in=task_ids).select_related("target"):
        checks[(check.task_id, check.target_id)].append(check)
    result = []
    for row in statuses:
        targets = []
        keys = sorted({k for k in checks if k[0] == row.task_id}, key=lambda k: (k[1] is not None, k[1] or 0))
        for key in keys:
            items = sorted(checks[key], key=lambda c: c.period_start)
            target = items[0].target
            code = target.metric if target else "ledger.activity_count"
            filters = dict(target.filters) if target else {"task": [row.task_id]}
            try:
                metric = metrics.get(code)
            except KeyError:
                continue
            check_rows: list[CheckRow] = []
            for c in items:
                query = metrics.MetricQuery(
                    unit_ids=(unit.pk,),
                    start=None if metric.cumulative else c.period_start,
                    end=c.period_end,
                    filters=filters,
                    task_id=row.task_id,
                )
                url = metric.records_url(unit.pk, query) if metric.records_url else ""
                check_rows.append(
                    CheckRow(
                        Period(c.period_start, c.period_end).label(), c.value, c.threshold, c.value >= c.threshold, url
                    )
                )
            st = target_status.get(key) if target else row
            targets.append(
                TargetProgress(
                    title=str(target) if target else "关联活动（每期至少1次）",
                    status=st.status if st else "",
                    status_label=STATUS_LABELS[Status(st.status)] if st else "",
                    measure=metric.measure,
                    checks=check_rows,
                )
            )
        result.append(TaskProgress(row, targets, is_closed(row.plan_end, today)))
    return result


def unit_for_actor(*, actor: Any, pk: int, action: str = "progress.view") -> Unit:
    """A unit whose progress the actor may see (or act on, with `action`): invisible → 404, visible without
    the action → 403."""
    return visible_or_404(Unit.objects.select_related("region"), actor, action=action, pk=pk)


def home_panel(request: Any) -> dict[str, Any] | None:
    """The home page's progress summary: an office's region, or a liaison's own units, and what is due next."""
    actor = request.user
    region = default_region(actor=actor)
    whole = region is not None and _is_root(region.path)
    rows = in_year(
        _task_statuses(scope(ProgressStatus.objects.all(), actor, "progress.view"), indexed=whole),
        timezone.localdate().year,
    )
    if region is not None:
        rows = rows.filter(region_path__startswith=region.path)
        title, url = f"{region.name}任务进度", reverse("progress:dashboard")
    else:
        units = [g.unit_id for g in grants(actor)]
        if not units:
            return None
        rows = rows.filter(unit_id__in=units)
        title, url = "本单位任务进度", reverse("progress:unit", args=[units[0]])
    counts = dict(rows.values("status").annotate(n=Count("id")).values_list("status", "n"))
    statuses = [
        Figure(
            s.label,
            counts.get(s.value, 0),
            status_list_url(region=region.pk if region else "", status=s.value, year=timezone.localdate().year),
            s.value,
        )
        for s in STATUS_ORDER
    ]
    today = timezone.localdate()
    due = list(
        rows.exclude(status=Status.DONE.value)
        .filter(next_due__gte=today)
        .select_related("task", "unit")
        .order_by("next_due")[:5]
    )
    return {"title": title, "url": url, "statuses": statuses, "due": due}


# ---------------------------------------------------------------- 待办 on the home page

#: A task is "due soon" in the home inbox when its next deadline falls within this many days.
TODO_DUE_DAYS = 14


def todos(actor: Any) -> list[Any] | None:
    """Tasks in the home inbox: overdue tasks of the actor's scope (for 督办 and for the units themselves) and,
    for those acting for units, tasks due in the next two weeks."""
    from pufa.core.home import Todo
    from pufa.org.access import can

    if not can(actor, "progress.view"):
        return None
    overdue = status_list(actor=actor, status=Status.OVERDUE.value).count()
    lines = [Todo("项任务已逾期", overdue, status_list_url(status=Status.OVERDUE.value), order=60)]
    if any(not g.region_wide for g in grants(actor)):
        soon = status_list(actor=actor, due_within=TODO_DUE_DAYS).count()
        lines.append(Todo(f"项任务{TODO_DUE_DAYS}天内到期", soon, status_list_url(due=TODO_DUE_DAYS), order=55))
    return lines


# ---------------------------------------------------------------- my tasks


@dataclass
class MyTaskStatus:
    """A task of one of the actor's own units with progress's status of it — the same row the unit page, the
    home panel, the dashboard and the documents read (never a status decided by date alone)."""

    task: Any
    roles: list[str]
    units: list[Unit]
    status: str  # a Status value; "" while progress has not evaluated the task yet
    status_label: str
    next_due: dt.date | None
    closed: bool


def my_tasks(*, actor: Any, role: str = "", year: int | None = None) -> tuple[list[MyTaskStatus], list[MyTaskStatus]]:
    """The actor's tasks of plans running in `year` (see `covered`) and, second, those of plans that ended
    before it (history). A task of several of the actor's units shows the worst of their statuses."""
    from pufa.org.access import acting_unit_ids
    from pufa.plans.selectors import my_tasks as plan_tasks
    from pufa.progress.rules import SEVERITY, is_closed

    today = timezone.localdate()
    year = year or today.year
    rows = plan_tasks(actor=actor, today=today, role=role)
    unit_ids = acting_unit_ids(actor)
    statuses: dict[int, list[ProgressStatus]] = defaultdict(list)
    for st in ProgressStatus.objects.filter(
        target__isnull=True, task_id__in=[r.task.pk for r in rows], unit_id__in=unit_ids
    ).only("task_id", "unit_id", "status", "next_due", "plan_end"):
        statuses[st.task_id].append(st)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    current, history = [], []
    for row in rows:
        own = statuses.get(row.task.pk, [])
        worst_row = max(own, key=lambda s: SEVERITY[Status(s.status)]) if own else None
        dues = [s.next_due for s in own if s.next_due]
        item = MyTaskStatus(
            task=row.task,
            roles=row.roles,
            units=row.units,
            status=worst_row.status if worst_row else "",
            status_label=STATUS_LABELS[Status(worst_row.status)] if worst_row else "不单独考核",
            next_due=min(dues) if dues else None,
            closed=is_closed(row.task.plan.period_end, today),
        )
        plan = row.task.plan
        if plan.period_start <= end and plan.period_end >= start:
            current.append(item)
        elif plan.period_end < start:
            history.append(item)

    def key(item: MyTaskStatus) -> tuple[Any, ...]:
        severity = SEVERITY[Status(item.status)] if item.status else 2
        due = item.next_due.toordinal() if item.next_due else 10**7
        return (item.closed, -severity, due, item.task.plan_id, item.task.order)

    current.sort(key=key)
    history.sort(key=lambda i: (-i.task.plan.period_end.toordinal(), i.task.plan_id, i.task.order))
    return current, history
