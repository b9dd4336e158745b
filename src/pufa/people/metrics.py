"""The rosters' metrics for targets (registered in PeopleConfig.ready into pufa.plans.metrics).

- `people.roster_count` 队伍人数 (cumulative): the people on a unit's rosters on the target's date, optionally
  of some team kinds — "2025年底各社区法律明白人不少于6个" = roster_count with kind 法律明白人, each
  community committee, due 2025-12-31, ≥ 6. A person on two of the kinds counts once.
- `people.households` 学法用法示范户 (cumulative): households of a household kind on the roster on that date.
- `people.trained` 参训人次 (per period): attendances of roster people at counted ledger activities (submitted or
  confirmed, not deleted) dated in the period — optionally only trainings (kind filter on the activity form).
- `people.trained_share` 队伍参训率 (per period, %, not additive): of the people on a unit's roster on the
  period's last day (team-kind filter), the share who attended a counted activity in the period — "本季度已
  培训" when the target's periods are quarters. A unit with nobody on the roster has no value.
- `people.spotcheck_pass_rate` 电话抽查通过率 (per period, %, not additive): of the calls recorded in the period
  to a unit's people, the share that passed (reached, knows the role). A unit nobody called has no value.

Whose figure: a person counts for the unit that keeps their roster (`Person.unit`), exactly — so figures of
many units add up without counting anyone twice, and a community's figure is its committee's roster. On the
roster on day D means joined on or before D and not yet left (`TeamMembership.active_q`). Deleted people
leave every figure.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from pufa.core.models import ActivityKind
from pufa.ledger.models import ActivityUnit
from pufa.people.models import Attendance, TeamKind, TeamMembership
from pufa.plans import metrics as registry
from pufa.plans.metrics import Metric, MetricFilter, MetricQuery

ROSTER = "people.roster_count"
HOUSEHOLDS = "people.households"
TRAINED = "people.trained"
TRAINED_SHARE = "people.trained_share"
SPOT_RATE = "people.spotcheck_pass_rate"
CHUNK = 2000


def _as_list(value: Any) -> list[Any]:
    if value in (None, "", []):
        return []
    return list(value) if isinstance(value, list | tuple | set) else [value]


def _choices(queryset: Callable[[], QuerySet]) -> Callable[[], list[tuple[str, str]]]:
    return lambda: list(queryset().values_list("code", "name"))


TEAM_FILTER = MetricFilter("kind", "队伍类别", _choices(lambda: TeamKind.objects.filter(is_active=True)))
ACTIVITY_KIND_FILTER = MetricFilter(
    "activity_kind", "活动形式", _choices(lambda: ActivityKind.objects.filter(is_active=True))
)


def memberships_on(query: MetricQuery, unit_ids: list[int] | tuple[int, ...]) -> QuerySet[TeamMembership]:
    """The memberships on the rosters of these units on the query's end date, in its team-kind filter."""
    rows = TeamMembership.objects.filter(
        TeamMembership.active_q(query.end),
        person__unit_id__in=unit_ids,
        person__deleted_at__isnull=True,
    )
    kinds = _as_list(query.filters.get("kind"))
    if kinds:
        rows = rows.filter(kind__code__in=kinds)
    return rows


def _grouped(query: MetricQuery, rows_for: Callable[[list[int]], QuerySet], value: Any) -> dict[int, Decimal]:
    result: dict[int, Decimal] = {}
    ids = list(query.unit_ids)
    for i in range(0, len(ids), CHUNK):
        rows = (
            rows_for(ids[i : i + CHUNK]).values("person__unit_id").annotate(v=value).values_list("person__unit_id", "v")
        )
        result.update({unit_id: Decimal(v or 0) for unit_id, v in rows})
    return result


def roster_count(query: MetricQuery) -> dict[int, Decimal]:
    return _grouped(query, lambda ids: memberships_on(query, ids), Count("person", distinct=True))


def households(query: MetricQuery) -> dict[int, Decimal]:
    def rows(ids: list[int]) -> QuerySet:
        return memberships_on(query, ids).filter(kind__shape=TeamKind.Shape.HOUSEHOLD, household__isnull=False)

    return _grouped(query, rows, Count("household", distinct=True))


def attendances(query: MetricQuery, unit_ids: list[int] | tuple[int, ...]) -> QuerySet[Attendance]:
    """Counted attendances of these units' people in the period: the activity is counted (ledger rule) and
    dated in the period; one row per person and activity whoever co-organised it."""
    counted = ActivityUnit.objects.counted(start=query.start, end=query.end).filter(is_organiser=True)
    kinds = _as_list(query.filters.get("activity_kind"))
    if kinds:
        counted = counted.filter(kind__code__in=kinds)
    rows = Attendance.objects.filter(
        person__unit_id__in=unit_ids, person__deleted_at__isnull=True, activity_id__in=counted.values("activity_id")
    )
    team_kinds = _as_list(query.filters.get("kind"))
    if team_kinds:
        on_team = TeamMembership.objects.filter(TeamMembership.active_q(query.end), kind__code__in=team_kinds)
        rows = rows.filter(person_id__in=on_team.values("person_id"))
    return rows


def trained(query: MetricQuery) -> dict[int, Decimal]:
    return _grouped(query, lambda ids: attendances(query, ids), Count("id"))


def trained_share(query: MetricQuery) -> dict[int, Decimal]:
    """100 × (roster people with a counted attendance in the period) / (roster people), per unit."""
    result: dict[int, Decimal] = {}
    ids = list(query.unit_ids)
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        on_roster = memberships_on(query, chunk).values_list("person_id", "person__unit_id").distinct()
        roster: dict[int, set[int]] = {}
        for pid, uid in on_roster:
            roster.setdefault(uid, set()).add(pid)
        went = set(attendances(query, chunk).values_list("person_id", flat=True).distinct())
        for uid, people in roster.items():
            result[uid] = (Decimal(100 * len(people & went)) / len(people)).quantize(Decimal("0.1"))
    return result


def spot_pass_rate(query: MetricQuery) -> dict[int, Decimal]:
    """100 × passed / recorded calls of the period, per keeping unit of the person called."""
    from pufa.people.models import SpotCheckItem

    result: dict[int, Decimal] = {}
    ids = list(query.unit_ids)
    for i in range(0, len(ids), CHUNK):
        rows = SpotCheckItem.objects.filter(person__unit_id__in=ids[i : i + CHUNK], recorded_at__date__lte=query.end)
        if query.start is not None:
            rows = rows.filter(recorded_at__date__gte=query.start)
        grouped = (
            rows.exclude(outcome="")
            .values("person__unit_id")
            .annotate(n=Count("id"), ok=Count("id", filter=Q(outcome__in=SpotCheckItem.PASSED)))
            .values_list("person__unit_id", "n", "ok")
        )
        for uid, n, ok in grouped:
            result[uid] = (Decimal(100 * ok) / n).quantize(Decimal("0.1"))
    return result


def spot_url(unit_id: int, query: MetricQuery) -> str:
    return f"{reverse('people:spotcheck-list')}?{urlencode([('unit', unit_id)])}"


def records_url(unit_id: int, query: MetricQuery) -> str:
    """The roster list filtered to exactly the people behind a figure (DESIGN.md: every figure traceable)."""
    params: list[tuple[str, Any]] = [("unit", unit_id), ("on", query.end.isoformat())]
    params.extend(("kind", code) for code in _as_list(query.filters.get("kind")))
    return f"{reverse('people:person-list')}?{urlencode(params)}"


def households_url(unit_id: int, query: MetricQuery) -> str:
    params = [("unit", unit_id), ("on", query.end.isoformat()), ("shape", TeamKind.Shape.HOUSEHOLD)]
    return f"{reverse('people:person-list')}?{urlencode(params)}"


def trained_url(unit_id: int, query: MetricQuery) -> str:
    params: list[tuple[str, Any]] = [("unit", unit_id), ("trained_end", query.end.isoformat())]
    if query.start is not None:
        params.append(("trained_start", query.start.isoformat()))
    params.extend(("kind", code) for code in _as_list(query.filters.get("kind")))
    params.extend(("activity_kind", code) for code in _as_list(query.filters.get("activity_kind")))
    return f"{reverse('people:person-list')}?{urlencode(params)}"


def register() -> None:
    registry.register(
        Metric(ROSTER, "队伍人数", "人", roster_count, filters=(TEAM_FILTER,), records_url=records_url, cumulative=True)
    )
    registry.register(
        Metric(HOUSEHOLDS, "学法用法示范户", "户", households, records_url=households_url, cumulative=True)
    )
    registry.register(
        Metric(
            TRAINED, "参训人次", "人次", trained, filters=(TEAM_FILTER, ACTIVITY_KIND_FILTER), records_url=trained_url
        )
    )
    registry.register(
        Metric(
            TRAINED_SHARE,
            "队伍参训率",
            "%",
            trained_share,
            filters=(TEAM_FILTER, ACTIVITY_KIND_FILTER),
            records_url=trained_url,
            additive=False,
        )
    )
    registry.register(Metric(SPOT_RATE, "电话抽查通过率", "%", spot_pass_rate, records_url=spot_url, additive=False))
