"""The venues' metrics for targets (registered in VenuesConfig.ready into pufa.plans.metrics).

- `venues.count` 阵地数量 (as of a date): the venues the unit looks after (管理单位), open on that day
  (`Venue.open_on`: opened on or before it, not closed by then). "每个社区一个普法大讲堂" = a target on each
  community's committee with filter kind=大讲堂, value ≥ 1.
- `venues.board_area` 宣传版面面积 (m², as of a date): the area of the open boards (`VenueKind.is_board`) there.
  "每个行政村法治宣传版面不少于2平方米" = ≥ 2.
- `venues.board_stale_months` 宣传栏最长未更新月数 (as of a date): over the open boards there, the largest
  number of whole months since the last content update (an upkeep of kind 内容更新/新增展板 on or before the
  day; before any, the opening day). "宣传栏每月一期" = ≤ 1. No board: 0.
- `venues.activities` 在阵地开展的活动场次 (in a period): the unit's counted ledger participations
  (`pufa.ledger.metrics.participations`, the one counting rule) whose activity names a venue (`VenueUse`).

A unit's venues are those it looks after (the owning unit), so a venue counts for exactly one unit and a
region's figure, the sum over its units, counts each venue once (reports add units up). Where a venue stands
is what the coverage page shows per community (`selectors.coverage`). Each metric is one grouped query per
2,000 units.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse

from pufa.ledger.metrics import participations
from pufa.ledger.models import ActivityUnit
from pufa.plans import metrics as registry
from pufa.plans.metrics import Metric, MetricFilter, MetricQuery
from pufa.venues.models import Upkeep, Venue, VenueKind, VenueUse

COUNT = "venues.count"
BOARD_AREA = "venues.board_area"
STALE_MONTHS = "venues.board_stale_months"
ACTIVITIES = "venues.activities"
#: Everything a venue write can move (announced on every venue or upkeep change).
CHUNK = 2000
VENUE_METRICS = frozenset({COUNT, BOARD_AREA, STALE_MONTHS})
#: Upkeep that renews a board's content (a repair does not).
RENEWING = (Upkeep.Kind.CONTENT, Upkeep.Kind.PANELS)


def _as_list(value: Any) -> list[Any]:
    if value in (None, "", []):
        return []
    return list(value) if isinstance(value, list | tuple | set) else [value]


def open_on(day: dt.date) -> Q:
    """The condition of a venue existing on `day` — the SQL form of `Venue.open_on`, read by every count "as
    of". A condition on the venue's own row, so a scoped read (`stale_boards` for a liaison) stays one
    unit's rows; as an `IN (…)` of every open venue it read the whole city's first."""
    return Q(status__in=(Venue.Status.OPEN, Venue.Status.CLOSED), opened_on__isnull=False, opened_on__lte=day) & (
        Q(closed_on__isnull=True) | Q(closed_on__gt=day)
    )


def open_venues(day: dt.date) -> QuerySet[Venue]:
    """The venues that exist on `day` (`open_on`)."""
    return Venue.objects.filter(open_on(day))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end` (0 when `end` is before a month has passed)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)
    return max(months, 0)


def last_updates(venue_ids: Iterable[int], day: dt.date) -> dict[int, dt.date]:
    """The last renewing upkeep on or before `day` of each venue (venues without one are absent)."""
    rows = (
        Upkeep.objects.filter(venue_id__in=list(venue_ids), kind__in=RENEWING, date__lte=day)
        .values("venue_id")
        .annotate(last=Max("date"))
        .values_list("venue_id", "last")
    )
    return dict(rows)


def _filtered(qs: QuerySet[Venue], query: MetricQuery) -> QuerySet[Venue]:
    kinds = _as_list(query.filters.get("kind"))
    if kinds:
        qs = qs.filter(kind__code__in=kinds)
    levels = _as_list(query.filters.get("level"))
    if levels:
        qs = qs.filter(level__in=levels)
    return qs


def _chunks(unit_ids: Iterable[int]) -> Iterable[list[int]]:
    ids = list(unit_ids)
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def venue_count(query: MetricQuery) -> dict[int, Decimal]:
    result: dict[int, Decimal] = {}
    for ids in _chunks(query.unit_ids):
        rows = (
            _filtered(open_venues(query.end), query)
            .filter(unit_id__in=ids)
            .values("unit_id")
            .annotate(n=Count("id"))
            .values_list("unit_id", "n")
        )
        result.update({unit_id: Decimal(n) for unit_id, n in rows})
    return result


def _boards(query: MetricQuery, ids: list[int]) -> QuerySet[Venue]:
    return _filtered(open_venues(query.end), query).filter(kind__is_board=True, unit_id__in=ids)


def board_area(query: MetricQuery) -> dict[int, Decimal]:
    result: dict[int, Decimal] = defaultdict(Decimal)
    for ids in _chunks(query.unit_ids):
        for unit_id, area in _boards(query, ids).values_list("unit_id", "area_m2"):
            result[unit_id] += area or Decimal(0)
    return dict(result)


def board_stale_months(query: MetricQuery) -> dict[int, Decimal]:
    result: dict[int, Decimal] = {}
    for ids in _chunks(query.unit_ids):
        boards = list(_boards(query, ids).values_list("pk", "unit_id", "opened_on"))
        updates = last_updates([pk for pk, _, _ in boards], query.end)
        for pk, unit_id, opened in boards:
            since = updates.get(pk, opened) or query.end  # open boards always have an opening day
            result[unit_id] = max(result.get(unit_id, Decimal(0)), Decimal(months_between(since, query.end)))
    return result


def participations_at_venues(
    unit_ids: Iterable[int], start: dt.date | None, end: dt.date, kinds: Iterable[str] = ()
) -> QuerySet[ActivityUnit]:
    """The units' counted ledger participations (the ledger's one rule) whose activity took place at a venue."""
    uses = VenueUse.objects.filter(venue__deleted_at__isnull=True)
    kinds = list(kinds)
    if kinds:
        uses = uses.filter(venue__kind__code__in=kinds)
    ledger_query = MetricQuery(unit_ids=tuple(unit_ids), start=start, end=end)
    return participations(ledger_query, list(ledger_query.unit_ids)).filter(activity_id__in=uses.values("activity_id"))


def activities_at_venues(query: MetricQuery) -> dict[int, Decimal]:
    rows = (
        participations_at_venues(query.unit_ids, query.start, query.end, _as_list(query.filters.get("kind")))
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    return {unit_id: Decimal(n) for unit_id, n in rows}


def _kind_choices() -> list[tuple[str, str]]:
    return list(VenueKind.objects.filter(is_active=True).values_list("code", "name"))


KIND = MetricFilter("kind", "阵地类型", _kind_choices)
LEVEL = MetricFilter("level", "阵地级别", lambda: list(Venue.Level.choices))


def venue_records_url(unit_id: int, query: MetricQuery) -> str:
    """The venue list filtered to exactly the venues behind a figure (the unit's own, kinds, day)."""
    params: list[tuple[str, Any]] = [("unit", unit_id), ("as_of", query.end.isoformat())]
    params.extend(("kind", code) for code in _as_list(query.filters.get("kind")))
    params.extend(("level", code) for code in _as_list(query.filters.get("level")))
    return f"{reverse('venues:venue-list')}?{urlencode(params)}"


def board_records_url(unit_id: int, query: MetricQuery) -> str:
    return f"{venue_records_url(unit_id, query)}&boards=1"


def activities_records_url(unit_id: int, query: MetricQuery) -> str:
    """The list of activities held at venues, for the unit and period (the venues app's own page)."""
    params: list[tuple[str, Any]] = [("unit", unit_id), ("end", query.end.isoformat())]
    if query.start is not None:
        params.append(("start", query.start.isoformat()))
    params.extend(("kind", code) for code in _as_list(query.filters.get("kind")))
    return f"{reverse('venues:use-list')}?{urlencode(params)}"


def register() -> None:
    registry.register(
        Metric(
            COUNT, "阵地数量", "个", venue_count, filters=(KIND, LEVEL), records_url=venue_records_url, cumulative=True
        )
    )
    registry.register(
        Metric(
            BOARD_AREA,
            "宣传版面面积",
            "平方米",
            board_area,
            filters=(KIND,),
            records_url=board_records_url,
            cumulative=True,
            additive=False,  # the longest wait of a unit's boards: a sum over units would mean nothing
        )
    )
    registry.register(
        Metric(
            STALE_MONTHS,
            "宣传栏最长未更新月数",
            "个月",
            board_stale_months,
            filters=(KIND,),
            records_url=board_records_url,
            cumulative=True,
        )
    )
    registry.register(
        Metric(
            ACTIVITIES,
            "在阵地开展的活动场次",
            "场",
            activities_at_venues,
            filters=(KIND,),
            records_url=activities_records_url,
        )
    )
