"""The ledger's metrics for targets (registered in LedgerConfig.ready into pufa.plans.metrics).

- `ledger.activity_count` 活动场次: "每季度一堂法制课" = count with kind 专题讲座/法治课 per quarter ≥ 1;
  "普法演出5场次" = count with kind 法治文艺演出 per year ≥ 5.
- `ledger.people_reached` 受众人次: people on site plus online (filter `channel` to take one of them).
- `ledger.materials` 发放资料份数.

Rules, the same for all three:
- an activity counts for its organiser AND for each co-organiser (one record, counted for every unit that
  ran it — never typed twice);
- what counts is the ledger's one rule, `ActivityUnit.objects.counted()` (submitted or confirmed, not
  deleted, dated in the period start..end, both inclusive);
- filters (each a code or a list of codes, any of which matches): `kind` (ActivityKind codes), `domain`
  (Domain codes), `audience` (Audience codes), `task` (task ids, or "this" for the target's own task).

Each metric is computed for many units at once with one grouped query per 2,000 units.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Exists, F, OuterRef, QuerySet, Sum
from django.urls import reverse

from pufa.core.models import ActivityKind, Audience, Domain
from pufa.ledger.models import Activity, ActivityUnit
from pufa.plans import metrics as registry
from pufa.plans.metrics import Metric, MetricFilter, MetricQuery

CHUNK = 2000
COUNT = "ledger.activity_count"
PEOPLE = "ledger.people_reached"
MATERIALS = "ledger.materials"


def _as_list(value: Any) -> list[Any]:
    if value in (None, "", []):
        return []
    return list(value) if isinstance(value, list | tuple | set) else [value]


def _task_ids(query: MetricQuery) -> list[int]:
    ids = []
    for value in _as_list(query.filters.get("task")):
        if value == "this":
            if query.task_id is not None:
                ids.append(query.task_id)
        else:
            ids.append(int(value))
    return ids


def _taxonomy_choices(model: type) -> Callable[[], list[tuple[str, str]]]:
    def choices() -> list[tuple[str, str]]:
        return list(model.objects.filter(is_active=True).values_list("code", "name"))

    return choices


FILTERS = (
    MetricFilter("kind", "活动形式", _taxonomy_choices(ActivityKind)),
    MetricFilter("domain", "普法领域", _taxonomy_choices(Domain)),
    MetricFilter("audience", "普法对象", _taxonomy_choices(Audience)),
    MetricFilter("task", "关联任务", lambda: [("this", "仅计关联本任务的活动")]),
)
CHANNEL = MetricFilter("channel", "受众渠道", lambda: [("onsite", "现场"), ("online", "线上")])


def participations(query: MetricQuery, unit_ids: tuple[int, ...] | list[int]) -> QuerySet[ActivityUnit]:
    """The counted (activity, unit) pairs of these units in the query's period and filters.

    Every filter is checked per participation row — the form on the row's own copy, domains and audiences
    with one probe of the link table's (activity, …) index (`EXISTS`) — so the cost follows the units'
    own rows, never the city: `activity_id IN (SELECT … WHERE domain = …)` would first collect every activity
    of the city with that domain (SQLite materialises the subquery), and a street's write would grow with the
    city. Evaluating every target reads every row once (PostgreSQL turns the EXISTS into a semi-join)."""
    rows = ActivityUnit.objects.counted(start=query.start, end=query.end).filter(unit_id__in=unit_ids)
    kinds = _as_list(query.filters.get("kind"))
    if kinds:
        rows = rows.filter(kind__code__in=kinds)
    links: tuple[tuple[str, Any, str], ...] = (
        ("domain", Activity.domains.through, "domain__code__in"),
        ("audience", Activity.audiences.through, "audience__code__in"),
    )
    for name, through, lookup in links:
        codes = _as_list(query.filters.get(name))
        if codes:
            rows = rows.filter(Exists(through.objects.filter(activity_id=OuterRef("activity_id"), **{lookup: codes})))
    if "task" in query.filters:
        # A task's few activities are collected first and their participations found by the (activity, unit)
        # index: the cost follows the task, not its units' whole ledgers.
        through = Activity.tasks.through.objects.filter(task_id__in=_task_ids(query))
        rows = rows.filter(activity_id__in=through.values("activity_id"))
    return rows


def _grouped(query: MetricQuery, value: Any) -> dict[int, Decimal]:
    result: dict[int, Decimal] = {}
    ids = list(query.unit_ids)
    for i in range(0, len(ids), CHUNK):
        rows = participations(query, ids[i : i + CHUNK]).values("unit_id").annotate(v=value).values_list("unit_id", "v")
        result.update({unit_id: Decimal(v or 0) for unit_id, v in rows})
    return result


def activity_count(query: MetricQuery) -> dict[int, Decimal]:
    return _grouped(query, Count("id"))


def people_reached(query: MetricQuery) -> dict[int, Decimal]:
    channel = _as_list(query.filters.get("channel"))
    if channel == ["onsite"]:
        return _grouped(query, Sum("activity__people_onsite"))
    if channel == ["online"]:
        return _grouped(query, Sum("activity__people_online"))
    return _grouped(query, Sum(F("activity__people_onsite") + F("activity__people_online")))


def materials(query: MetricQuery) -> dict[int, Decimal]:
    return _grouped(query, Sum("activity__materials"))


def records_url(unit_id: int, query: MetricQuery) -> str:
    """The ledger list filtered to exactly the records behind a figure (DESIGN.md: every figure traceable)."""
    params: list[tuple[str, Any]] = [("participant", unit_id), ("status", "counted"), ("end", query.end.isoformat())]
    if query.start is not None:
        params.append(("start", query.start.isoformat()))
    for name in ("kind", "domain", "audience"):
        params.extend((name, code) for code in _as_list(query.filters.get(name)))
    if "task" in query.filters:
        params.extend(("task", task_id) for task_id in _task_ids(query))
    return f"{reverse('ledger:activity-list')}?{urlencode(params)}"


def register() -> None:
    registry.register(
        Metric(COUNT, "活动场次", "场", activity_count, filters=FILTERS, records_url=records_url),
    )
    registry.register(
        Metric(PEOPLE, "受众人次", "人次", people_reached, filters=(*FILTERS, CHANNEL), records_url=records_url),
    )
    registry.register(
        Metric(MATERIALS, "发放资料份数", "份", materials, filters=FILTERS, records_url=records_url),
    )
