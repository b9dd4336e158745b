"""Monthly activity rollups for cities, districts and streets, kept in step with the ledger.

A dashboard for a whole city must not scan a million activities per view, and its figures must not be
stale. So every ledger event recomputes, from the ledger itself, the rollup rows of the months it touches
for the (few) city/district/street regions above the units involved; a full rebuild does the same for
everything in one pass (after bulk loads, which bypass services). Communities and single units are small
enough to be read from the ledger directly.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Sum

from pufa.ledger.models import Activity, ActivityUnit
from pufa.org.access import ancestor_paths
from pufa.org.models import Region
from pufa.progress.models import RegionMonthStat, UnitActivity

ROLLUP_LEVELS = (Region.Level.CITY, Region.Level.DISTRICT, Region.Level.STREET)
Dim = RegionMonthStat.Dim


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def counted_participations() -> Any:
    return ActivityUnit.objects.filter(status__in=Activity.COUNTED, is_deleted=False)


def _rollup_regions(region_paths: Iterable[str]) -> list[Region]:
    paths = {p for path in region_paths for p in ancestor_paths(path)}
    return list(Region.objects.filter(path__in=paths, level__in=ROLLUP_LEVELS))


def _rows_for(region: Region, month: dt.date) -> list[RegionMonthStat]:
    participations = counted_participations().filter(date__gte=month, date__lte=month_end(month))
    if region.parent_id is not None:  # a root region covers every row: no prefix test, so the date index serves
        participations = participations.filter(region_path__startswith=region.path)
    activities = Activity.objects.filter(pk__in=participations.values("activity_id"))
    sums = {
        "activities": Count("id", distinct=True),
        "people_onsite": Sum("people_onsite"),
        "people_online": Sum("people_online"),
        "materials": Sum("materials"),
    }
    rows = []
    total = activities.aggregate(**sums)
    if not total["activities"]:
        return rows
    rows.append(
        RegionMonthStat(
            region=region,
            region_path=region.path,
            month=month,
            dim=Dim.TOTAL,
            code="",
            **{k: v or 0 for k, v in total.items()},
        )
    )
    for dim, lookup in ((Dim.KIND, "kind__code"), (Dim.DOMAIN, "domains__code"), (Dim.AUDIENCE, "audiences__code")):
        for row in activities.exclude(**{f"{lookup}__isnull": True}).values(lookup).annotate(**sums):
            rows.append(
                RegionMonthStat(
                    region=region,
                    region_path=region.path,
                    month=month,
                    dim=dim,
                    code=row[lookup],
                    **{k: row[k] or 0 for k in sums},
                )
            )
    return rows


@transaction.atomic
def refresh_rollups(*, region_paths: Iterable[str], months: Iterable[dt.date]) -> int:
    """Recompute the rollup rows of these months for every rollup region above these region paths."""
    months = sorted({month_start(m) for m in months})
    regions = _rollup_regions(region_paths)
    if not regions or not months:
        return 0
    RegionMonthStat.objects.filter(region__in=regions, month__in=months).delete()
    rows = [row for region in regions for month in months for row in _rows_for(region, month)]
    RegionMonthStat.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def refresh_unit_latest(unit_ids: Iterable[int]) -> None:
    unit_ids = list(unit_ids)
    latest = dict(
        counted_participations()
        .filter(unit_id__in=unit_ids)
        .values("unit_id")
        .annotate(last=Max("date"))
        .values_list("unit_id", "last")
    )
    UnitActivity.objects.filter(unit_id__in=unit_ids).delete()
    UnitActivity.objects.bulk_create([UnitActivity(unit_id=u, last_date=latest.get(u)) for u in unit_ids])


def on_activity_changed(*, unit_ids: Iterable[int], dates: Iterable[dt.date], **_: Any) -> None:
    """Listener for the ledger (inside its transaction): the touched months of the touched regions."""
    from pufa.org.models import Unit

    unit_ids = set(unit_ids)
    region_paths = set(Unit.all_objects.filter(pk__in=unit_ids).values_list("region__path", flat=True))
    refresh_rollups(region_paths=region_paths, months=dates)
    refresh_unit_latest(unit_ids)


@transaction.atomic
def rebuild_all(*, chunk: int = 20000) -> int:
    """Rebuild every rollup and latest-activity row from the ledger in one streaming pass."""
    rollup = {r.path: r for r in Region.objects.filter(level__in=ROLLUP_LEVELS)}
    region_of_path: dict[str, list[str]] = {}

    def rollups_above(path: str) -> list[str]:
        if path not in region_of_path:
            region_of_path[path] = [p for p in ancestor_paths(path) if p in rollup]
        return region_of_path[path]

    acc: dict[tuple[str, dt.date, str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    latest: dict[int, dt.date] = {}
    counted = Activity.objects.filter(status__in=Activity.COUNTED).order_by("id")
    last_id = 0
    while True:
        facts = {
            a: (d, k, on, ol, m)
            for a, d, k, on, ol, m in counted.filter(id__gt=last_id).values_list(
                "id", "date", "kind__code", "people_onsite", "people_online", "materials"
            )[:chunk]
        }
        if not facts:
            break
        ids = list(facts)
        last_id = max(ids)
        by_activity: dict[int, set[str]] = defaultdict(set)
        for activity_id, unit_id, region_path, date in (
            counted_participations()
            .filter(activity_id__in=ids)
            .values_list("activity_id", "unit_id", "region_path", "date")
        ):
            by_activity[activity_id].update(rollups_above(region_path))
            if latest.get(unit_id) is None or date > latest[unit_id]:
                latest[unit_id] = date
        tags: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for a, code in Activity.domains.through.objects.filter(activity_id__in=ids).values_list(
            "activity_id", "domain__code"
        ):
            tags[a].append((Dim.DOMAIN.value, code))
        for a, code in Activity.audiences.through.objects.filter(activity_id__in=ids).values_list(
            "activity_id", "audience__code"
        ):
            tags[a].append((Dim.AUDIENCE.value, code))
        for activity_id, paths in by_activity.items():
            date, kind, onsite, online, materials = facts[activity_id]
            month = month_start(date)
            keys = [(Dim.TOTAL.value, "")] + ([(Dim.KIND.value, kind)] if kind else []) + tags[activity_id]
            for path in paths:
                for dim, code in keys:
                    row = acc[(path, month, dim, code)]
                    row[0] += 1
                    row[1] += onsite
                    row[2] += online
                    row[3] += materials
    RegionMonthStat.objects.all().delete()
    RegionMonthStat.objects.bulk_create(
        (
            RegionMonthStat(
                region=rollup[path],
                region_path=path,
                month=month,
                dim=dim,
                code=code,
                activities=v[0],
                people_onsite=v[1],
                people_online=v[2],
                materials=v[3],
            )
            for (path, month, dim, code), v in acc.items()
        ),
        batch_size=5000,
    )
    UnitActivity.objects.all().delete()
    UnitActivity.objects.bulk_create((UnitActivity(unit_id=u, last_date=d) for u, d in latest.items()), batch_size=5000)
    return len(acc)
