"""What counts, for a unit and for a region — the ledger's one counting rule, read by every figure of pufa.

The rule itself is `ActivityUnit.objects.counted()` (pufa.ledger.models): submitted or confirmed, not
deleted, dated within the period (both ends inclusive), one row per participating unit. From it:

- a unit's figures count the participations of that unit: an activity run jointly by three units counts
  once for *each* of them (`unit_counts`, and targets through `pufa.ledger.metrics`);
- a region's figures count each activity once, whichever and however many of its units ran it
  (`counted_activities`, "去重后"); adding the units' own figures gives "各单位合计", which is larger as soon
  as units of the region work together — documents that add units say so.

These functions take no actor: figures are facts about units; who may see them is decided by the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, QuerySet

from pufa.ledger.models import Activity, ActivityUnit, ActivityUnitQuerySet
from pufa.org.models import Region

CHUNK = 2000


def participations(
    *,
    region: Region | None = None,
    unit_ids: Iterable[int] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> ActivityUnitQuerySet:
    """The counted participations of the units of a region (any unit at or below it) and/or of these units.

    A street's or a community's rows are found through the path index and their dates checked on each row;
    a city's or a district's period is walked through the date index (SQLite follows the form it is given)."""
    small = region is not None and region.level not in (Region.Level.CITY, Region.Level.DISTRICT)
    rows = ActivityUnit.objects.counted(start=start, end=end, per_row_dates=small)
    if region is not None:
        rows = rows.filter(region_path__startswith=region.path)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    return rows


def counted_activities(
    *,
    region: Region | None = None,
    unit_ids: Iterable[int] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Activity]:
    """The counted activities of a region (or of a set of units), each once however many of its units ran it."""
    if region is None and unit_ids is None:
        raise ValueError("counted_activities() needs a region or unit ids")
    ids = participations(region=region, unit_ids=unit_ids, start=start, end=end).values("activity_id")
    # Activity.objects hides deleted records as well, so a stale participation copy could never count one.
    return Activity.objects.filter(pk__in=ids)


def unit_counts(*, unit_ids: Iterable[int], start: dt.date | None = None, end: dt.date | None = None) -> dict[int, int]:
    """Counted activities per unit (organised or co-organised), every unit asked for present (0 if none)."""
    ids = sorted(set(unit_ids))
    result = dict.fromkeys(ids, 0)
    for i in range(0, len(ids), CHUNK):
        rows = (
            participations(unit_ids=ids[i : i + CHUNK], start=start, end=end)
            .values("unit_id")
            .annotate(n=Count("id"))
            .values_list("unit_id", "n")
        )
        result.update(dict(rows))
    return result
