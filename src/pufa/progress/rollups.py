"""Monthly activity rollups for cities, districts and streets, kept in step with the ledger.

A dashboard for a whole city must not scan a million activities per view, and its figures must not be
stale. So every ledger event applies to the rollup rows the *difference* its activities make: what each
activity adds now (computed from the ledger) minus what it added before (kept in `RolledActivity`). The cost
of a write is proportional to the activities it touches, not to the size of the months it falls in — an
import of 10,000 records costs a few queries per 2,000 of them. `rebuild_all()` recomputes everything in
one pass (after bulk loads, which bypass services). Communities and single units are small enough to be read
from the ledger directly.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max

from pufa.core import locks
from pufa.core.bulk import insert_instances
from pufa.core.events import ActivitiesChanged
from pufa.ledger.models import Activity, ActivityUnit
from pufa.org.access import ancestor_paths
from pufa.org.models import Region
from pufa.progress.models import RegionMonthStat, RolledActivity, UnitActivity

ROLLUP_LEVELS = (Region.Level.CITY, Region.Level.DISTRICT, Region.Level.STREET)
Dim = RegionMonthStat.Dim
CHUNK = 2000


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def counted_participations() -> Any:
    """The ledger's counting rule (`ActivityUnit.objects.counted`): the rollups count exactly what it counts."""
    return ActivityUnit.objects.counted()


class _Rollups:
    """Which rollup regions lie above a region path (cached per pass: a city has a few hundred of them)."""

    def __init__(self) -> None:
        # Deleted regions too: an activity counted under a region before it was removed must be taken back
        # out of that region's rows.
        self.ids = dict(Region.all_objects.filter(level__in=ROLLUP_LEVELS).values_list("path", "pk"))
        self._above: dict[str, tuple[str, ...]] = {}

    def above(self, path: str) -> tuple[str, ...]:
        if path not in self._above:
            self._above[path] = tuple(p for p in ancestor_paths(path) if p in self.ids)
        return self._above[path]


@dataclass(frozen=True)
class Contribution:
    """What one activity adds: one to `activities` and its figures to every (region, dim, code) of its month."""

    month: dt.date
    region_paths: tuple[str, ...]
    codes: tuple[str, ...]  # "" for the total, "kind:…", "domain:…", "audience:…"
    people_onsite: int
    people_online: int
    materials: int

    @classmethod
    def from_row(cls, row: RolledActivity) -> Contribution:
        return cls(
            row.month,
            tuple(row.region_paths.split()),
            ("", *row.codes.split()),
            row.people_onsite,
            row.people_online,
            row.materials,
        )

    def row(self, activity_id: int) -> RolledActivity:
        return RolledActivity(
            activity_id=activity_id,
            month=self.month,
            region_paths=" ".join(self.region_paths),
            codes=" ".join(c for c in self.codes if c),
            people_onsite=self.people_onsite,
            people_online=self.people_online,
            materials=self.materials,
        )

    def cells(self) -> Iterable[tuple[str, dt.date, str, str]]:
        for path in self.region_paths:
            for code in self.codes:
                dim, _, value = code.partition(":")
                yield path, self.month, dim, value


def _contributions(ids: list[int], regions: _Rollups) -> dict[int, Contribution]:
    """What these activities add now, read from the ledger (none for those that do not count)."""
    paths: dict[int, set[str]] = defaultdict(set)
    for activity_id, region_path in (
        counted_participations().filter(activity_id__in=ids).values_list("activity_id", "region_path")
    ):
        paths[activity_id].update(regions.above(region_path))
    counted = [a for a, p in paths.items() if p]
    if not counted:
        return {}
    codes: dict[int, list[str]] = defaultdict(list)
    for a, code in Activity.domains.through.objects.filter(activity_id__in=counted).values_list(
        "activity_id", "domain__code"
    ):
        codes[a].append(f"{Dim.DOMAIN.value}:{code}")
    for a, code in Activity.audiences.through.objects.filter(activity_id__in=counted).values_list(
        "activity_id", "audience__code"
    ):
        codes[a].append(f"{Dim.AUDIENCE.value}:{code}")
    result = {}
    for a, date, kind, onsite, online, materials in Activity.all_objects.filter(pk__in=counted).values_list(
        "id", "date", "kind__code", "people_onsite", "people_online", "materials"
    ):
        kind_code = [f"{Dim.KIND.value}:{kind}"] if kind else []
        result[a] = Contribution(
            month_start(date),
            tuple(sorted(paths[a])),
            ("", *kind_code, *sorted(codes[a])),
            onsite,
            online,
            materials,
        )
    return result


def _apply(deltas: dict[tuple[str, dt.date, str, str], list[int]], regions: _Rollups) -> None:
    """Add these differences to the rollup rows, creating and removing rows as a cell starts or stops."""
    deltas = {cell: d for cell, d in deltas.items() if any(d)}
    if not deltas:
        return
    region_ids = {regions.ids[path] for path, *_ in deltas}
    months = {month for _, month, *_ in deltas}
    existing = {
        (r.region_path, r.month, r.dim, r.code): r
        for r in RegionMonthStat.objects.filter(region_id__in=region_ids, month__in=months)
    }
    # Changed rows are replaced (deleted, then inserted with their new figures): two statements per few
    # thousand rows, where an UPDATE per row — or Django's bulk_update, one CASE per row and field — costs
    # seconds for an import touching a district's year.
    replaced, created = [], []
    for cell, (n, onsite, online, materials) in deltas.items():
        row = existing.get(cell)
        if row is None:
            path, month, dim, code = cell
            row = RegionMonthStat(region_id=regions.ids[path], region_path=path, month=month, dim=dim, code=code)
        else:
            replaced.append(row.pk)
        row.pk = None
        row.activities += n
        row.people_onsite += onsite
        row.people_online += online
        row.materials += materials
        if row.activities > 0:
            created.append(row)
    for i in range(0, len(replaced), CHUNK):
        RegionMonthStat.objects.filter(pk__in=replaced[i : i + CHUNK]).delete()
    insert_instances(RegionMonthStat, created)


@transaction.atomic
def apply_activities(activity_ids: Iterable[int]) -> int:
    """Bring the rollups in step with these activities' current state; returns how many changed."""
    ids = sorted(set(activity_ids))
    if not ids:
        return 0
    locks.hold()
    regions = _Rollups()
    deltas: dict[tuple[str, dt.date, str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    changed = 0
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        before = {r.activity_id: Contribution.from_row(r) for r in RolledActivity.objects.filter(activity_id__in=chunk)}
        after = _contributions(chunk, regions)
        moved = [a for a in chunk if before.get(a) != after.get(a)]
        for a in moved:
            for sign, contribution in ((-1, before.get(a)), (1, after.get(a))):
                if contribution is None:
                    continue
                figures = (1, contribution.people_onsite, contribution.people_online, contribution.materials)
                for cell in contribution.cells():
                    delta = deltas[cell]
                    for k, v in enumerate(figures):
                        delta[k] += sign * v
        RolledActivity.objects.filter(activity_id__in=[a for a in moved if a in before]).delete()
        insert_instances(RolledActivity, [after[a].row(a) for a in moved if a in after])
        changed += len(moved)
    _apply(deltas, regions)
    return changed


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
    insert_instances(UnitActivity, [UnitActivity(unit_id=u, last_date=latest.get(u)) for u in unit_ids])


def on_activities_changed(event: ActivitiesChanged) -> None:
    """Listener of the ledger's `ActivitiesChanged` (inside its transaction): apply the activities' differences."""
    apply_activities(a.pk for a in event.activities)
    refresh_unit_latest(event.unit_ids)


@transaction.atomic
def rebuild_all(*, chunk: int = 20000) -> int:
    """Rebuild every rollup, contribution and latest-activity row from the ledger in one streaming pass."""
    locks.hold()
    regions = _Rollups()
    acc: dict[tuple[str, dt.date, str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    RolledActivity.objects.all().delete()
    # Every living record is walked; `_contributions` keeps those the counting rule counts.
    counted = Activity.objects.order_by("id")
    last_id = 0
    while True:
        ids = list(counted.filter(id__gt=last_id).values_list("id", flat=True)[:chunk])
        if not ids:
            break
        last_id = ids[-1]
        # The same definition of what an activity adds as the incremental path, so the two always agree.
        contributions = _contributions(ids, regions)
        for contribution in contributions.values():
            figures = (1, contribution.people_onsite, contribution.people_online, contribution.materials)
            for cell in contribution.cells():
                row = acc[cell]
                for k, v in enumerate(figures):
                    row[k] += v
        insert_instances(RolledActivity, [c.row(a) for a, c in contributions.items()])
    RegionMonthStat.objects.all().delete()
    insert_instances(
        RegionMonthStat,
        (
            RegionMonthStat(
                region_id=regions.ids[path],
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
    )
    UnitActivity.objects.all().delete()
    latest = counted_participations().values("unit_id").annotate(last=Max("date")).values_list("unit_id", "last")
    insert_instances(UnitActivity, (UnitActivity(unit_id=u, last_date=d) for u, d in latest))
    return len(acc)
