"""Every read of the ledger a page, export, metric or other app needs, scoped by the acting user.

Scoping goes through `ActivityUnit` (one row per participating unit, with copies of its paths): the rows
the actor may see are `scope(ActivityUnit)`, and the activities are those with such a row. Two forms of
that filter are used, because the best plan depends on how much of the ledger the actor sees:

- narrow (a liaison's unit, or an explicit unit filter): `id IN (participations…)` — the few ids are
  collected first and the rows fetched by primary key;
- broad (an office's region): `EXISTS (participation of this activity in scope)` — the newest activities
  are walked in date order and each is checked with one index probe until the page is full.

PostgreSQL plans both alike; SQLite follows the form literally, so the choice matters there.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import math
from collections import defaultdict
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple, TypeVar

from django.core.cache import cache
from django.db import connection, connections
from django.db.models import (
    CharField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Window,
)
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone

from pufa.core.models import ActivityKind, Audience, Domain
from pufa.core.planner import without_table_scans
from pufa.core.prepared import MARKER, compile_marked
from pufa.ledger.fields import Unindexed
from pufa.ledger.models import Activity, ActivityUnit, ActivityUnitQuerySet, Evidence, KeyDate
from pufa.ledger.services import district_path
from pufa.org import freshness
from pufa.org.access import acting_unit_ids, can, grants, scope, scope_q, visible_or_404
from pufa.org.models import Region, Unit
from pufa.plans.models import Task

Status = Activity.Status
COUNT_CAP = 1_000
#: A title search counts no further than this: each row it reads is checked against its activity's title, so
#: counting to COUNT_CAP read a district's whole year (0.2 s on PostgreSQL at a million activities).
SEARCH_COUNT_CAP = 200


def _cap(f: ActivityFilter, cap: int | None = None) -> int:
    cap = COUNT_CAP if cap is None else cap
    return min(cap, SEARCH_COUNT_CAP) if f.q else cap


#: A narrow list (one unit, a community) up to this many activities is read as a list of ids (activity_list).
NARROW_IDS = 5_000
STATUS_FILTERS = [
    ("counted", "已提交和已确认（计入统计）"),
    *Status.choices,
]


@dataclass
class ActivityFilter:
    """The ledger list's filters; the same object drives the page, the export and metric links."""

    unit: Unit | None = None  # activities in which this unit or a unit below it takes part
    participant: Unit | None = None  # activities in which exactly this unit takes part (as metrics count)
    region: Region | None = None  # activities in which a unit of this region (or a region below) takes part
    start: dt.date | None = None
    end: dt.date | None = None
    kinds: list[str] = field(default_factory=list)  # ActivityKind codes
    domains: list[str] = field(default_factory=list)  # Domain codes
    audiences: list[str] = field(default_factory=list)  # Audience codes
    tasks: list[int] = field(default_factory=list)
    status: str = ""  # a Status value, "counted" (submitted + confirmed) or "deleted"
    q: str = ""
    highlight: bool = False


def _visible(queryset: QuerySet, actor: Any, action: str) -> QuerySet:
    """scope(): `SYSTEM` (the demo, imports run by an operator) sees all, nobody (None) sees nothing."""
    return scope(queryset, actor, action)


def _walk_activities(actor: Any, f: ActivityFilter) -> bool:
    """Is the list better read from the activities themselves than from the participants index? Yes when the
    scope is small, and for the whole city's typical practice, which has its own small index (a district's
    or street's typical records are found among its own rows, by their copy of the flag)."""
    return _is_narrow(actor, f) or (f.highlight and _is_whole_city(actor, f))


def _is_whole_city(actor: Any, f: ActivityFilter) -> bool:
    """The whole city's list: its typical practice is the city's own small index (ledger_act_highlight); a
    district's is read from the district's rows (their copy of the flag), so it costs the district's size."""
    if f.region is not None:
        return f.region.level == Region.Level.CITY
    if scope_q(ActivityUnit, actor, "ledger.view") is None:
        return True
    paths = [g.region_path for g in grants(actor) if g.region_wide]
    return bool(paths) and Region.objects.filter(path__in=paths, level=Region.Level.CITY).exists()


def _is_broad(actor: Any, f: ActivityFilter) -> bool:
    """A city's or district's list (by the region chosen, or else the widest region the actor sees): worth
    walking the city's dates newest first. A street's is read from its own rows, whatever the city's size."""
    if f.region is not None:
        return f.region.level in (Region.Level.CITY, Region.Level.DISTRICT)
    if scope_q(ActivityUnit, actor, "ledger.view") is None:
        return True
    paths = [g.region_path for g in grants(actor) if g.region_wide]
    levels = (Region.Level.CITY, Region.Level.DISTRICT)
    return bool(paths) and Region.objects.filter(path__in=paths, level__in=levels).exists()


def _is_narrow(actor: Any, f: ActivityFilter) -> bool:
    """Few enough activities in scope to collect their ids first."""
    if f.unit is not None or f.participant is not None:
        return True
    if f.region is not None and f.region.level in (Region.Level.COMMUNITY, Region.Level.GROUP):
        return True
    own = grants(actor)
    return bool(own) and not any(g.region_wide for g in own)


def _list_action(f: ActivityFilter) -> str:
    """Deleted records are listed only to those who may restore them: the organiser's liaison and the office
    (ledger.record over the organiser's row, see _participations); everything else to every reader."""
    return "ledger.record" if f.status == "deleted" else "ledger.view"


def _participations(actor: Any, f: ActivityFilter) -> ActivityUnitQuerySet:
    in_scope = scope_q(ActivityUnit, actor, _list_action(f))
    rows: ActivityUnitQuerySet = ActivityUnit.objects.all()
    if in_scope is not None:
        # A unit chosen drives through its own path index; the office's region is then checked per row (as
        # an index condition SQLite would read the whole district's rows from ledger_au_region_list).
        chosen = f.unit is not None or f.participant is not None
        rows = rows.filter(_unindexed_paths(in_scope) if chosen else in_scope)
    if f.status == "deleted":
        rows = rows.filter(is_organiser=True)
    if f.unit is not None:
        rows = rows.filter(unit_path__startswith=f.unit.path)
    if f.participant is not None:
        rows = rows.filter(unit=f.participant)
    if f.region is not None:
        rows = rows.filter(region_path__startswith=f.region.path)
    return rows


def _ids(model: type, codes: list[str]) -> list[int]:
    return list(model.objects.filter(code__in=codes).values_list("pk", flat=True)) if codes else []


def activity_list(*, actor: Any, filters: ActivityFilter | None = None) -> QuerySet[Activity]:
    """Visible activities matching the filters, newest first, ready for a list page (no query per row)."""
    f = filters or ActivityFilter()
    base = Activity.all_objects.filter(deleted_at__isnull=False) if f.status == "deleted" else Activity.objects.all()
    unrestricted = scope_q(ActivityUnit, actor, _list_action(f)) is None
    if not (unrestricted and f.unit is None and f.participant is None and f.region is None):
        rows = _participations(actor, f)
        if f.status == "counted":
            # A figure links here: the unit's or region's records are exactly those the counting rule counts.
            rows = rows.counted()
        if _is_narrow(actor, f):
            # The few ids come through the path index; the period is checked on each of them (Unindexed), or
            # SQLite would walk a year of the date index instead.
            day = Unindexed("date", output_field=DateField())
            if f.start:
                rows = rows.alias(day=day).filter(day__gte=f.start)
            if f.end:
                rows = rows.alias(day=day).filter(day__lte=f.end)
            # Read the ids here, not as a subquery: PostgreSQL would otherwise walk the city's date index
            # newest first and probe each activity for the unit (a department's page took 0.3 s at a
            # million activities); a list of ids is read through the primary key and sorted.
            ids = list(rows.values_list("activity_id", flat=True).distinct()[: NARROW_IDS + 1])
            base = base.filter(pk__in=ids if len(ids) <= NARROW_IDS else rows.values("activity_id"))
            f = replace(f, start=None, end=None)
        else:
            base = base.filter(Exists(rows.filter(activity_id=OuterRef("pk"))))
    if f.start:
        base = base.filter(date__gte=f.start)
    if f.end:
        base = base.filter(date__lte=f.end)
    if f.kinds:
        base = base.filter(kind_id__in=_ids(ActivityKind, f.kinds))
    if f.domains:
        through = Activity.domains.through.objects.filter(domain_id__in=_ids(Domain, f.domains))
        base = base.filter(Exists(through.filter(activity_id=OuterRef("pk"))))
    if f.audiences:
        through = Activity.audiences.through.objects.filter(audience_id__in=_ids(Audience, f.audiences))
        base = base.filter(Exists(through.filter(activity_id=OuterRef("pk"))))
    if f.tasks:
        base = base.filter(pk__in=Activity.tasks.through.objects.filter(task_id__in=f.tasks).values("activity_id"))
    if f.status == "counted":
        base = base.filter(status__in=Activity.COUNTED)
    elif f.status in Status.values:
        base = base.filter(status=f.status)
    if f.q:
        base = base.filter(title__icontains=f.q.strip())
    if f.highlight:
        base = base.filter(is_highlight=True)
    return base.order_by("-date", "-id")


def with_list_details(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """What a list row shows: organiser, kind, co-organisers and how many files — in three queries per page."""
    return activities.select_related("unit", "kind").prefetch_related(
        Prefetch(
            "participants",
            queryset=ActivityUnit.objects.filter(is_organiser=False).select_related("unit").order_by("id"),
        )
    )


def evidence_counts(activity_ids: list[int]) -> dict[int, int]:
    rows = (
        Evidence.objects.filter(activity_id__in=activity_ids)
        .values("activity_id")
        .annotate(n=Count("id"))
        .values_list("activity_id", "n")
    )
    return dict(rows)


# ---------------------------------------------------------------- the list's filters from a query string


def encode_cursor(day: dt.date, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{day.isoformat()}|{pk}".encode()).decode().rstrip("=")


def decode_cursor(raw: str) -> tuple[dt.date, int] | None:
    try:
        padded = raw + "=" * (-len(raw) % 4)
        day, pk = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        return dt.date.fromisoformat(day), int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


@dataclass
class ListRow:
    """One row of the list page, as plain values: the activities with their units, forms and co-organisers
    as model instances (select_related, prefetch_related) cost the page three times as much to read."""

    pk: int
    date: dt.date
    title: str
    is_highlight: bool
    people_total: int
    deleted_at: dt.datetime | None
    status: str
    kind_name: str
    unit_name: str
    co_organisers: list[str] = field(default_factory=list)  # names, in the order they were added
    evidence_count: int = 0

    def get_status_display(self) -> str:
        return str(Status(self.status).label)


@dataclass
class KeysetPage:
    rows: list[Any]  # Activity instances, or ListRow for the list page (`list_only`)
    next_cursor: str = ""
    prev_cursor: str = ""
    is_first: bool = True


def _after(keys: QuerySet, day: dt.date, pk: int, id_field: str, date_field: str = "date") -> QuerySet:
    return keys.filter(**{f"{date_field}__lte": day}).filter(
        Q(**{f"{date_field}__lt": day}) | Q(**{f"{date_field}": day, f"{id_field}__lt": pk})
    )


def _before(keys: QuerySet, day: dt.date, pk: int, id_field: str, date_field: str = "date") -> QuerySet:
    return keys.filter(**{f"{date_field}__gte": day}).filter(
        Q(**{f"{date_field}__gt": day}) | Q(**{f"{date_field}": day, f"{id_field}__gt": pk})
    )


def _keyset_page(found: list[tuple[dt.date, int]], has_more: bool, *, backwards: bool, after_key: Any) -> KeysetPage:
    """The cursors around a page of keys, read going back (`before`) or forward (first page or `after`)."""
    if backwards:
        return KeysetPage(
            rows=[],
            next_cursor=encode_cursor(*found[-1]) if found else "",
            prev_cursor=encode_cursor(*found[0]) if found and has_more else "",
            is_first=not has_more,
        )
    return KeysetPage(
        rows=[],
        next_cursor=encode_cursor(*found[-1]) if found and has_more else "",
        prev_cursor=encode_cursor(*found[0]) if found and after_key is not None else "",
        is_first=after_key is None,
    )


def _page(
    keys: QuerySet, *, after: str, before: str, size: int, id_field: str, date_field: str = "date"
) -> tuple[list[tuple[dt.date, int]], KeysetPage]:
    """A page of (date, id) keys in (date desc, id desc) order continuing after or before a cursor: its cost
    does not grow with how deep the page is, unlike OFFSET."""
    after_key, before_key = decode_cursor(after) if after else None, decode_cursor(before) if before else None
    if before_key is not None:
        newer = _before(keys, *before_key, id_field, date_field).order_by("date", id_field)
        found = list(newer[: size + 1])
        has_more = len(found) > size
        found = list(reversed(found[:size]))
        return found, _keyset_page(found, has_more, backwards=True, after_key=None)
    if after_key is not None:
        keys = _after(keys, *after_key, id_field, date_field)
    found = list(keys[: size + 1])
    has_more = len(found) > size
    found = found[:size]
    return found, _keyset_page(found, has_more, backwards=False, after_key=after_key)


def _page_of_keys(
    keys: list[tuple[dt.date, int]], *, after: str, before: str, size: int
) -> tuple[list[tuple[dt.date, int]], KeysetPage]:
    """`_page` over keys already read (a scope's few matches): the same page and cursors, sorted here."""
    after_key, before_key = decode_cursor(after) if after else None, decode_cursor(before) if before else None
    if keys and isinstance(keys[0][0], str):
        keys = [(dt.date.fromisoformat(day), pk) for day, pk in keys]
    ordered = sorted(set(keys), reverse=True)
    if before_key is not None:
        newer = [k for k in reversed(ordered) if k > before_key]
        has_more = len(newer) > size
        found = list(reversed(newer[:size]))
        return found, _keyset_page(found, has_more, backwards=True, after_key=None)
    if after_key is not None:
        ordered = [k for k in ordered if k < after_key]
    has_more = len(ordered) > size
    found = ordered[:size]
    return found, _keyset_page(found, has_more, backwards=False, after_key=after_key)


def _within_known(keys: QuerySet, known: list[tuple[Any, int]], *, after: str, before: str, size: int) -> QuerySet:
    """A scope's keys beyond the cap, limited to the dates the keys already read prove hold the page.

    If `size` + 1 of the known matches lie past the cursor (older after it, newer before it), the page's keys
    lie no further than the (size + 1)-th of them: the scope's rows are still read, but only those few weeks
    are sorted, not its whole history."""
    after_key, before_key = decode_cursor(after) if after else None, decode_cursor(before) if before else None
    known = [(day if isinstance(day, dt.date) else dt.date.fromisoformat(day), pk) for day, pk in known]
    if before_key is not None:
        newer = sorted(k for k in known if k > before_key)
        return keys.filter(day__lte=newer[size][0]) if len(newer) > size else keys
    older = sorted((k for k in known if after_key is None or k < after_key), reverse=True)
    return keys.filter(day__gte=older[size][0]) if len(older) > size else keys


#: A street's page beyond the cap is merged from each of its regions' newest keys when it has no more regions.
MAX_MERGED_REGIONS = 64


def _region_paths(actor: Any, f: ActivityFilter) -> list[str] | None:
    """Every region path the scope's rows can carry (a superset is harmless: a path without rows adds
    nothing), or None when there are too many or the scope also follows units (a liaison-like grant)."""
    if f.region is not None:
        roots = [f.region.path]
    else:
        own = [g for g in grants(actor) if g.allows(_list_action(f))]
        if not own or not all(g.region_wide for g in own):
            return None
        roots = [g.region_path for g in own]
    under = Q()
    for root in roots:
        under |= Q(path__startswith=root)
    paths = list(Region.all_objects.filter(under).values_list("path", flat=True)[: MAX_MERGED_REGIONS + 1])
    return paths if len(paths) <= MAX_MERGED_REGIONS else None


def _merged_page(
    keys: QuerySet, paths: list[str], *, after: str, before: str, size: int
) -> tuple[list[tuple[dt.date, int]], KeysetPage]:
    """`_page` over a street's keys, as the newest `size` + 1 keys past the cursor of each of its regions,
    merged: each is one short read of `ledger_au_region_list` (region, then date), where one read of the
    whole street's rows sorted by date read every row it has had (7 ms of a 25 ms page, bench city). The
    page's keys are all among them: a key has no more than `size` keys before it in its own region."""
    after_key, before_key = decode_cursor(after) if after else None, decode_cursor(before) if before else None
    branch = keys.filter(region_path=MARKER)
    if before_key is not None:
        branch = _before(branch, *before_key, "activity_id", "day").order_by("date", "activity_id")
    elif after_key is not None:
        branch = _after(branch, *after_key, "activity_id", "day")
    rows = _union_all(branch[: size + 1], paths)
    merged = sorted({(_as_date(day), pk) for day, pk in rows}, reverse=before_key is None)
    has_more = len(merged) > size
    found = merged[:size]
    if before_key is not None:
        found.reverse()
        return found, _keyset_page(found, has_more, backwards=True, after_key=None)
    return found, _keyset_page(found, has_more, backwards=False, after_key=after_key)


def _as_date(day: Any) -> dt.date:
    return day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10])


def _union_all(branch: QuerySet, paths: list[str]) -> list[tuple[Any, int]]:
    """The rows of one limited, ordered query for each region path, in one statement: compiled once with a
    stand-in path (compiling it per region cost more than the reads it saves), the paths as parameters.
    Django's union() cannot keep each part's ORDER BY and LIMIT on SQLite; as subqueries in FROM both
    databases accept them."""
    sql, params, at, _ = compile_marked(branch, branch.db)
    statement = " UNION ALL ".join(f"SELECT * FROM ({sql}) AS part{i}" for i in range(len(paths)))  # noqa: S608 - compiled by Django
    values: list[Any] = []
    for path in paths:
        values.extend([*params[:at], path, *params[at + 1 :]])
    with connections[branch.db].cursor() as cursor:
        cursor.execute(statement, values)
        return [(row[0], row[1]) for row in cursor.fetchall()]


def keyset_page(activities: QuerySet[Activity], *, after: str = "", before: str = "", size: int = 30) -> KeysetPage:
    """Keyset paging over any activity queryset ordered (date desc, id desc)."""
    keys = activities.values_list("date", "id").order_by("-date", "-id")
    found, page = _page(keys, after=after, before=before, size=size, id_field="id")
    by_id = {a.pk: a for a in activities.filter(pk__in=[pk for _, pk in found]).order_by()}
    page.rows = [by_id[pk] for _, pk in found if pk in by_id]
    return page


def _list_rows(found: list[tuple[dt.date, int]], *, list_only: bool = False) -> list[Any]:
    """A page's activities with what their rows show, by primary key only: the keys were read through the
    scope and filters already, and repeating them here (a liaison's `id IN (its participations)`) cost the
    page's fetch three times its own reading (bench city). `list_only`: `ListRow`s, in two queries."""
    ids = [pk for _, pk in found]
    if list_only:
        co_organisers: dict[int, list[str]] = defaultdict(list)
        for activity_id, name in (
            ActivityUnit.objects.filter(activity_id__in=ids, is_organiser=False)
            .order_by("id")
            .values_list("activity_id", "unit__name")
        ):
            co_organisers[activity_id].append(name)
        columns = ("id", "date", "title", "is_highlight", "people_onsite", "people_online", "deleted_at", "status")
        by_id: dict[int, Any] = {
            pk: ListRow(pk, day, title, highlight, onsite + online, deleted, status, kind, unit, co_organisers[pk])
            for pk, day, title, highlight, onsite, online, deleted, status, kind, unit in Activity.all_objects.filter(
                pk__in=ids
            ).values_list(*columns, "kind__name", "unit__name")
        }
    else:
        by_id = {a.pk: a for a in with_list_details(Activity.all_objects.filter(pk__in=ids))}
    return [by_id[pk] for _, pk in found if pk in by_id]


def _unindexed_paths(q: Q) -> Q:
    """The same scope, with path prefixes that SQLite may not answer from the path index (fields.PathUnder)."""
    clone = Q()
    clone.connector, clone.negated = q.connector, q.negated
    clone.children = [
        _unindexed_paths(child) if isinstance(child, Q) else (child[0].replace("__startswith", "__under"), child[1])
        for child in q.children
    ]
    return clone


def _broad_keys(
    actor: Any,
    f: ActivityFilter,
    *,
    by_date: bool = True,
    distinct: bool = True,
    rows: ActivityUnitQuerySet | None = None,
) -> QuerySet:
    """The office's list as (date, activity id) keys read from ActivityUnit alone (`rows`: a narrow list's
    participations, already scoped to its unit or community, to filter the same way).

    `by_date` (the page of a common filter): scope, period, status and form are all columns of its
    `ledger_au_list` index, so the newest matching keys come from one backward index walk that stops when the
    page is full. Otherwise (a count, or the page of a filter the scope holds few rows of) the scope's own
    rows are read through the path index and the period checked on each (`day`, never from the city-wide
    date index), so the cost follows the scope, not the city. Domains and audiences are checked on the rows'
    own copies of them (inside either index), and so are the typical-practice flag and the tasks; a title
    search reads the rows' copy of the title (in no index)."""
    if rows is None:
        in_scope = scope_q(ActivityUnit, actor, _list_action(f))
        if in_scope is not None:
            rows = ActivityUnit.objects.filter(_unindexed_paths(in_scope) if by_date else in_scope)
        else:
            rows = ActivityUnit.objects.all()
        if f.region is not None:
            rows = rows.filter(**{"region_path__under" if by_date else "region_path__startswith": f.region.path})
        if f.status == "deleted":
            rows = rows.filter(is_organiser=True)
    rows = rows.filter(is_deleted=f.status == "deleted")
    rows = rows.alias(day=F("date") if by_date else Unindexed("date", output_field=DateField()))
    if f.start:
        rows = rows.filter(**{"day__gte": f.start})  # the alias above
    if f.end:
        rows = rows.filter(**{"day__lte": f.end})
    if f.status == "counted":
        rows = rows.counted()  # the ledger's counting rule, so a figure's link lists exactly its records
    elif f.status in Status.values:
        rows = rows.filter(status=f.status)
    if f.kinds:
        rows = rows.filter(kind_id__in=_ids(ActivityKind, f.kinds))
    for codes, model, copy in ((f.domains, Domain, "domain_keys"), (f.audiences, Audience, "audience_keys")):
        if codes:
            rows = rows.filter(ActivityUnit.has_key(copy, _ids(model, codes)))
    if f.tasks:
        rows = rows.filter(ActivityUnit.has_key("task_keys", f.tasks))
    if f.q:
        rows = rows.filter(_title_has(f.q))  # the rows' copy of the title
    if f.highlight:
        rows = rows.filter(is_highlight=True)  # the rows' copy of the flag
    keys = rows.values_list("date", "activity_id")
    return (keys.distinct() if distinct else keys).order_by("-date", "-activity_id")


def _title_has(q: str) -> Q:
    """The title search's condition. Words without letters that have a case (Chinese ones) are matched as
    they are: the same rows as ignoring case, but on PostgreSQL `title LIKE` is estimated from the column's
    statistics, while `UPPER(title) LIKE` (icontains) has none and is guessed to match almost nothing."""
    q = q.strip()
    return Q(title__contains=q) if q.upper() == q.lower() else Q(title__icontains=q)


T = TypeVar("T")

#: How long a kept list or set of options may sit unused in the cache. Freshness does not depend on it: the
#: key holds the stamps of the scope's regions (`org.freshness`), which every ledger write and every change of
#: the organisation moves (progress.cache's listeners on the event bus), in the writer's transaction.
KEPT_TIMEOUT = 600


def _kept(name: str, ident: Any, region_paths: list[str], make: Callable[[], T]) -> T:
    """`make()`, reused by every process until a write under one of these regions changes their stamp.

    An office's staff reload the same list again and again between writes (each reload cost the page's CPU
    twice what the rest of the page does); what is kept is plain data, never model instances."""
    digest = hashlib.blake2b(repr(ident).encode(), digest_size=16).hexdigest()
    key = f"pufa:ledger:{name}:{digest}:{freshness.stamp(*region_paths)}"
    value = cache.get(key)
    if value is None:
        value = make()
        cache.set(key, value, timeout=KEPT_TIMEOUT)
    return value


def _scope_regions(actor: Any, action: str) -> list[str] | None:
    """The regions whose stamps cover every participation row the actor may `action` on: the region of each
    grant — an office's whole region, or a unit's own region, which holds every unit below it
    (`org.services` refuses a unit outside its parent's region). None when no grant names one (a superuser,
    `SYSTEM`): such lists are not kept."""
    own = [g for g in grants(actor) if g.allows(action)]
    return sorted({g.region_path for g in own}) or None


def _filter_ident(f: ActivityFilter) -> tuple[Any, ...]:
    return tuple(
        getattr(value, "pk", value) if not isinstance(value, list) else tuple(value)
        for value in (getattr(f, x.name) for x in dataclasses.fields(f))
    )


def activity_page(
    *,
    actor: Any,
    filters: ActivityFilter | None = None,
    after: str = "",
    before: str = "",
    size: int = 30,
    list_only: bool = False,
) -> KeysetPage:
    """One page of the ledger list, with what its rows show. A narrow view (a liaison's unit, a unit or a
    community chosen) collects its few activities by id; an office's region is walked newest first through
    the participants index (see the module docstring) — unless the scope is a street's (or smaller) or
    holds no more than COUNT_CAP matching rows (a rare filter): those are read from the scope's own rows
    (`ledger_au_region_list`) and sorted, as walking the city's dates for them would visit the whole city.
    The first read of the scope's keys (up to the cap) also gives the count the view shows; beyond the cap a
    street's page is merged from the newest keys of each of its regions (`_merged_page`). The keys, cursors
    and count are kept under the stamps of the actor's regions (`_kept`), so reloads between writes read only
    the page's rows. `list_only`: the rows are `ListRow`s, what the list page shows (the API reads whole
    records)."""
    f = filters or ActivityFilter()
    regions = _scope_regions(actor, _list_action(f))
    if regions is None:
        found, page, count = _page_keys(actor, f, after=after, before=before, size=size)
    else:
        ident = (str(scope_q(ActivityUnit, actor, _list_action(f))), _filter_ident(f), after, before, size)
        found, page, count = _kept(
            "page",
            (*ident, timezone.localdate()),  # a title search's default window ends today
            regions,
            lambda: _page_keys(actor, f, after=after, before=before, size=size),
        )
        page = replace(page)  # the rows below are this request's
    if count is not None:
        # The view asks for the count next: hand it over once (`activity_count` takes it off the filter).
        f.__dict__[_PAGE_COUNT] = ((getattr(actor, "pk", None), COUNT_CAP), count)
    page.rows = _list_rows(found, list_only=list_only)
    return page


def _page_keys(
    actor: Any, f: ActivityFilter, *, after: str, before: str, size: int
) -> tuple[list[tuple[dt.date, int]], KeysetPage, tuple[int, bool] | None]:
    """A page's keys and cursors, with the list's capped count when reading them gave it."""
    if _walk_activities(actor, f):
        if _is_narrow(actor, f):
            # A narrow scope's few matches are read whole, without an order, from its participation rows (the
            # unit's path index; every filter has its copy there), never by a walk of the city's date index
            # (PostgreSQL took 0.3 s for a department's page that way); both the count and the page come
            # from them, beyond the cap too. (Read from the activities by their ids, a department's 2,900 ids
            # cost half its page: 30 ms of passing and parsing the list.)
            day = ExpressionWrapper(F("date"), output_field=CharField())
            keys = _broad_keys(actor, f, by_date=False, rows=_participations(actor, f))
            known = list(keys.values_list(day, "activity_id").order_by()[: NARROW_IDS + 1])
            if len(known) <= NARROW_IDS:
                cap = _cap(f)
                count = (cap, True) if len(known) > cap else (len(known), False)
                found, page = _page_of_keys(known, after=after, before=before, size=size)
                return found, page, count
        keys = activity_list(actor=actor, filters=f).values_list("date", "id").order_by("-date", "-id")
        found, page = _page(keys, after=after, before=before, size=size, id_field="id")
        return found, page, None
    return _broad_page(actor, f, after=after, before=before, size=size)


def _broad_page(
    actor: Any, f: ActivityFilter, *, after: str, before: str, size: int
) -> tuple[list[tuple[dt.date, int]], KeysetPage, tuple[int, bool]]:
    """An office's page of keys, with its cursors and the list's capped count."""
    day = ExpressionWrapper(F("date"), output_field=CharField())
    # The scope's matching keys, no further than the cap, in one read of its own rows: at most COUNT_CAP of
    # them give both the count and the page (sorted here), so a rare filter's per-row checks (a domain's,
    # an audience's) are made once, not once to count and again to page.
    # The dates come as the database hands them (ISO text on SQLite: no conversion of a thousand keys when
    # the count is capped and only the page below is used).
    cap = _cap(f)
    scoped = _first_keys(actor, f, day, cap)
    count = (cap, True) if len(scoped) > cap else (len(scoped), False)
    if count[1]:
        broad = _is_broad(actor, f)
        keys = _broad_keys(actor, f, by_date=broad)
        paths = None if broad else _region_paths(actor, f)
        if paths is not None:
            found, page = _merged_page(keys, paths, after=after, before=before, size=size)
        else:
            # Limited, for a district's or city's walk too, to the dates the keys already read prove hold the
            # page: a title search's per-row check is then made on a few weeks of rows, not on the scope's
            # year again (PostgreSQL judges '%宪法%' rare and reads the scope's index rather than the dates).
            keys = _within_known(keys, scoped, after=after, before=before, size=size)
            found, page = _page(keys, after=after, before=before, size=size, id_field="activity_id", date_field="day")
    else:
        found, page = _page_of_keys(scoped, after=after, before=before, size=size)
    return found, page, count


_PAGE_COUNT = "_page_count"

#: The rows read per key wanted, first and then once more, before a DISTINCT read: an activity has a row per
#: unit of the scope taking part, 1.17 on average in a district of the bench city (organiser and co-organisers).
_ROWS_PER_ACTIVITY = (1.25, 3)


def _first_keys(actor: Any, f: ActivityFilter, day: Any, cap: int) -> list[tuple[Any, int]]:
    """Up to cap + 1 distinct keys of the scope (all of them when it holds no more), in no order.

    SQLite makes rows distinct as they come, so its LIMIT stops the scan. PostgreSQL sorts every matching row
    of the scope for DISTINCT before the LIMIT can stop it (a district's title search read its whole year):
    there the rows are read plain and made distinct here. An activity has a row per unit of the scope that
    took part, so a little more than cap + 1 rows almost always give cap + 1 distinct keys or all of them;
    when they do not, three times as many, and then the DISTINCT read. (Three times at once cost a title
    search, which checks every row it reads, 2.5 times the rows it needed.)"""
    distinct = _broad_keys(actor, f, by_date=False).values_list(day, "activity_id").order_by()
    if connection.vendor == "sqlite":
        return list(distinct[: cap + 1])
    plain = _broad_keys(actor, f, by_date=False, distinct=False).values_list(day, "activity_id").order_by()
    for per_key in _ROWS_PER_ACTIVITY:
        wanted = math.ceil((cap + 1) * per_key)
        # A title search through the scope's index: a common word in the titles' statistics made the planner
        # expect the LIMIT's matches within the first fifth of the table, and it scanned two thirds of it
        # (0.11 s) to reach the district's recent rows (`core.planner`). Other filters are planned on the index.
        with without_table_scans() if f.q else nullcontext():
            rows = list(plain[:wanted])
        keys = list(dict.fromkeys(rows))
        if len(keys) > cap or len(rows) < wanted:
            return keys[: cap + 1]
    return list(distinct[: cap + 1])


def activity_count(*, actor: Any, filters: ActivityFilter | None = None, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many activities the list holds, counting no further than `cap` (SEARCH_COUNT_CAP for a title
    search): (cap, True) beyond it.

    An office's count reads its scope's own rows (path index, no order), so a rare filter costs the scope's
    size and a common one stops after `cap` matches. The list page counts first (to choose its walk) and
    leaves the answer on the filter object; the view's count right after takes it instead of counting again."""
    f = filters or ActivityFilter()
    handed = f.__dict__.pop(_PAGE_COUNT, None)
    if handed is not None and handed[0] == (getattr(actor, "pk", None), cap):
        return handed[1]
    return _count(actor, f, _cap(f, cap))


def _count(actor: Any, f: ActivityFilter, cap: int) -> tuple[int, bool]:
    if _walk_activities(actor, f):
        return capped_count(activity_list(actor=actor, filters=f), cap)
    n = _broad_keys(actor, f, by_date=False).order_by()[: cap + 1].count()
    return (cap, True) if n > cap else (n, False)


def capped_count(activities: QuerySet[Activity], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many rows match, counting no further than `cap` (returns (cap, True) beyond it). The (date, id)
    order stays in the query: it keeps SQLite on the ordered index that a LIMIT can stop early."""
    n = activities.values("pk")[: cap + 1].count()
    return (cap, True) if n > cap else (n, False)


# ---------------------------------------------------------------- co-organiser requests (协办确认)


def consent_requests(*, actor: Any) -> QuerySet[ActivityUnit]:
    """The open co-organiser requests to the units the actor records for, newest first.

    Not through scope(): a pending row carries no paths (see ActivityUnit), so it is found by the actor's own
    units, and what the page shows is the request itself — title, date, form, organiser and figures.
    """
    return (
        ActivityUnit.objects.filter(
            unit_id__in=acting_unit_ids(actor, "ledger.record"),
            consent=ActivityUnit.Consent.PENDING,
            is_deleted=False,
        )
        .select_related("activity", "activity__unit", "activity__kind", "unit")
        .order_by("-date", "-id")
    )


def consent_request_get(*, actor: Any, pk: int) -> ActivityUnit:
    try:
        return consent_requests(actor=actor).get(pk=pk)
    except ActivityUnit.DoesNotExist as exc:
        raise Http404("未找到该协办请求") from exc


# ---------------------------------------------------------------- single records


def activity_get(*, actor: Any, pk: int, include_deleted: bool = False) -> Activity:
    """One visible activity with what its page shows; a deleted one only for those who may restore it (its
    unit's liaison, the office: ledger.record on the organiser)."""
    base = Activity.all_objects if include_deleted else Activity.objects
    activity = visible_or_404(
        base.select_related("unit__region", "kind", "place_region", "recorded_by", "confirmed_by").prefetch_related(
            "domains",
            "audiences",
            "tasks__plan",
            Prefetch("participants", queryset=ActivityUnit.objects.select_related("unit").order_by("id")),
        ),
        actor,
        action="ledger.view",
        pk=pk,
    )
    if activity.deleted_at is not None and not can(actor, "ledger.record", activity.unit):
        raise Http404("未找到该记录")
    return activity


def deleted_evidence(*, activity: Activity) -> QuerySet[Evidence]:
    """The deleted, not yet purged files of an activity the caller loaded (shown with a restore button)."""
    return Evidence.all_objects.filter(activity=activity, deleted_at__isnull=False).exclude(file="").order_by("id")


def activity_evidence(*, activity: Activity) -> QuerySet[Evidence]:
    """The files of an activity the caller already loaded through `activity_get`."""
    return Evidence.objects.filter(activity=activity).select_related("uploaded_by").order_by("id")


def evidence_get(*, actor: Any, pk: int) -> Evidence:
    """One evidence file, if the actor may see its activity. Deleted files (and files of deleted records)
    stay readable, until purged, for those who may restore them (the unit's liaison, the office) — the audit
    trail points at them."""
    evidence = visible_or_404(Evidence.all_objects.select_related("activity__unit"), actor, action="ledger.view", pk=pk)
    hidden = evidence.deleted_at is not None or evidence.activity.deleted_at is not None
    if hidden and not can(actor, "ledger.record", evidence.activity.unit):
        raise Http404("未找到该文件")
    return evidence


# ---------------------------------------------------------------- form choices


def recordable_units(*, actor: Any) -> QuerySet[Unit]:
    """Units the actor may record activities for."""
    return scope(Unit.objects.all(), actor, "ledger.record").select_related("region").order_by("pinyin")


def default_unit(*, actor: Any) -> Unit | None:
    """The unit a new record is for by default: the first unit the actor acts for as recorder."""
    ids = acting_unit_ids(actor, "ledger.record")
    return Unit.objects.select_related("region").filter(pk__in=ids).order_by("pk").first() if ids else None


def co_organiser_choices(*, unit: Unit | None) -> QuerySet[Unit]:
    """Units of the organiser's district (or of the whole tree if none is chosen yet)."""
    units = Unit.objects.all()
    if unit is not None:
        units = units.filter(region__path__startswith=district_path(unit.region)).exclude(pk=unit.pk)
    return units.order_by("pinyin")


def place_region_choices(*, unit: Unit | None) -> QuerySet[Region]:
    regions = Region.objects.all()
    if unit is not None:
        regions = regions.filter(path__startswith=district_path(unit.region))
    return regions.order_by("path")


def task_suggestions(*, actor: Any, unit: Unit | None, on: dt.date | None, keep: list[int] | None = None) -> list[Task]:
    """Tasks an activity of `unit` on `on` may count toward: the unit leads, takes part in or is responsible
    for the task, and the task is open then (inside its plan's period, not past a fixed deadline). Tasks
    already linked (`keep`) stay in the list."""
    if unit is None:
        return []
    on = on or timezone.localdate()
    tasks = _visible(Task.objects.all(), actor, "plans.view").filter(
        task_units__unit=unit,
        plan__deleted_at__isnull=True,
        plan__period_start__lte=on,
        plan__period_end__gte=on,
    )
    tasks = tasks.exclude(deadline_kind=Task.DeadlineKind.DATE, deadline__lt=on)
    chosen = list(tasks.select_related("plan").distinct().order_by("plan__period_start", "plan_id", "order")[:50])
    if keep:
        have = {t.pk for t in chosen}
        extra = Task.objects.filter(pk__in=[k for k in keep if k not in have]).select_related("plan")
        chosen.extend(_visible(extra, actor, "plans.view"))
    return chosen


def visible_tasks(*, actor: Any, ids: list[int]) -> QuerySet[Task]:
    if not ids:  # the list page asks on every request, almost always for none
        return Task.objects.none()
    return _visible(Task.objects.filter(pk__in=ids), actor, "plans.view").select_related("plan")


#: A select with more options than this is no use on a phone (and costs a city office half a second to draw).
MAX_OPTIONS = 300
DEPARTMENT_KINDS = (
    Unit.Kind.OFFICE,
    Unit.Kind.DEPARTMENT,
    Unit.Kind.JUDICIAL_OFFICE,
    Unit.Kind.POLICE_STATION,
)


class Option(NamedTuple):
    """A unit or region as a filter's `<option>` shows it: the page draws up to 300 on every request, and
    plain pairs cost a tenth of what model instances do (and come out of the cache as cheaply)."""

    pk: int
    name: str

    def __str__(self) -> str:
        return self.name


def _options(name: str, actor: Any, model: type, make: Callable[[], list[Option]]) -> list[Option]:
    """A filter's options, kept until the organisation changes (an organisation change moves every region's
    stamp; `org.freshness`). The key names the actor's scope of `model`, so two users who see the same units
    share one copy."""
    paths = sorted({g.region_path for g in grants(actor)}) or [""]
    return _kept(name, str(scope_q(model, actor, "ledger.view")), paths, make)


def filter_units(*, actor: Any) -> list[Option]:
    """Units offered in the list's unit filter: those the actor may see — or, for an office whose region holds
    hundreds, the offices and departments of its own level and the level below (communities, schools and
    enterprises are reached through the region filter, or a link that names the unit)."""
    return _options("units", actor, Unit, lambda: _filter_units(actor))


def _filter_units(actor: Any) -> list[Option]:
    units = scope(Unit.objects.all(), actor, "ledger.view").order_by("pinyin")
    few = [Option(*row) for row in units.values_list("id", "name")[: MAX_OPTIONS + 1]]  # all, in one query
    if len(few) <= MAX_OPTIONS:
        return few
    top = min((g.region_path.count("/") - 2 for g in grants(actor)), default=0)
    chosen = units.filter(kind__in=DEPARTMENT_KINDS, region__depth__lte=top + 1)
    return [Option(*row) for row in chosen.values_list("id", "name")[:MAX_OPTIONS]]


def filter_regions(*, actor: Any) -> list[Option]:
    """Regions offered in the list's region filter: districts and streets the actor's region holds, and its
    communities too when there are not too many."""
    return _options("regions", actor, Region, lambda: _filter_regions(actor))


def _filter_regions(actor: Any) -> list[Option]:
    regions = scope(Region.objects.all(), actor, "ledger.view").order_by("path")
    few = [Option(*row) for row in regions.values_list("id", "name")[: MAX_OPTIONS + 1]]
    if len(few) <= MAX_OPTIONS:
        return few
    upper = regions.filter(level__in=[Region.Level.CITY, Region.Level.DISTRICT, Region.Level.STREET])
    return [Option(*row) for row in upper.values_list("id", "name")[:MAX_OPTIONS]]


# ---------------------------------------------------------------- totals (export summary sheet)


@dataclass
class Totals:
    label: str
    activities: int
    people_onsite: int
    people_online: int
    materials: int

    @property
    def people(self) -> int:
        return self.people_onsite + self.people_online


def totals_by_kind(activities: QuerySet[Activity]) -> list[Totals]:
    rows = (
        activities.order_by()
        .values("kind__name", "kind__sort_order")
        .annotate(n=Count("id"), onsite=Sum("people_onsite"), online=Sum("people_online"), mats=Sum("materials"))
        .order_by("kind__sort_order", "kind__name")
    )
    return [Totals(r["kind__name"], r["n"], r["onsite"] or 0, r["online"] or 0, r["mats"] or 0) for r in rows]


def totals_by_unit(activities: QuerySet[Activity]) -> list[Totals]:
    """Per participating unit: an activity counts for its organiser and for each co-organiser."""
    rows = (
        ActivityUnit.objects.filter(activity__in=activities.order_by().values("pk"))
        .values("unit__name", "unit__pinyin")
        .annotate(
            n=Count("id"),
            onsite=Sum("activity__people_onsite"),
            online=Sum("activity__people_online"),
            mats=Sum("activity__materials"),
        )
        .order_by("unit__pinyin")
    )
    return [Totals(r["unit__name"], r["n"], r["onsite"] or 0, r["online"] or 0, r["mats"] or 0) for r in rows]


# ---------------------------------------------------------------- key dates and the calendar


def key_date_list(*, actor: Any, active_only: bool = True) -> QuerySet[KeyDate]:
    """National key dates plus those of the actor's regions and the regions above them."""
    own = scope(KeyDate.objects.filter(region__isnull=False), actor).values("pk")
    dates = KeyDate.objects.filter(Q(region__isnull=True) | Q(pk__in=own))
    if active_only:
        dates = dates.filter(is_active=True)
    return dates.select_related("region").prefetch_related("domains").order_by("month", "day", "id")


def key_date_get(*, actor: Any, pk: int) -> KeyDate:
    try:
        return key_date_list(actor=actor, active_only=False).get(pk=pk)
    except KeyDate.DoesNotExist as exc:
        raise Http404("未找到该节点") from exc


@dataclass
class CalendarEntry:
    pk: int
    title: str
    status: str

    @property
    def planned(self) -> bool:
        return self.status == Status.DRAFT


@dataclass
class CalendarDay:
    date: dt.date
    in_month: bool
    key_dates: list[KeyDate] = field(default_factory=list)
    entries: list[CalendarEntry] = field(default_factory=list)
    total: int = 0
    planned: int = 0

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.entries))

    @property
    def is_today(self) -> bool:
        return self.date == timezone.localdate()

    @property
    def weekday_label(self) -> str:
        return "一二三四五六日"[self.date.weekday()]


def calendar_month(
    *, actor: Any, year: int, month: int, filters: ActivityFilter | None = None, per_day: int = 3
) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of one month with key dates, and the visible activities of each day: counts of
    recorded and planned (draft) ones and the first few titles — three queries whatever the volume."""
    first = dt.date(year, month, 1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    grid_start = first - dt.timedelta(days=first.weekday())
    grid_end = last + dt.timedelta(days=6 - last.weekday())
    f = filters or ActivityFilter()
    f = replace(f, start=first, end=last)
    activities = activity_list(actor=actor, filters=f)
    days = {
        grid_start + dt.timedelta(days=i): CalendarDay(grid_start + dt.timedelta(days=i), False)
        for i in range((grid_end - grid_start).days + 1)
    }
    for day in days.values():
        day.in_month = day.date.month == month
    counts = activities.order_by().values("date").annotate(n=Count("id"), planned=Count("id", filter=Q(status="draft")))
    for row in counts:
        days[row["date"]].total, days[row["date"]].planned = row["n"], row["planned"]
    firsts = (
        activities.order_by()
        .annotate(rank=Window(RowNumber(), partition_by=[F("date")], order_by=[F("status").asc(), F("id").asc()]))
        .filter(rank__lte=per_day)
        .values_list("id", "date", "title", "status")
    )
    for pk, day, title, status in firsts:
        days[day].entries.append(CalendarEntry(pk, title, status))
    for key_date in key_date_list(actor=actor):
        for year_ in {grid_start.year, grid_end.year}:
            start, end = key_date.span_in(year_)
            d = max(start, grid_start)
            while d <= min(end, grid_end):
                days[d].key_dates.append(key_date)
                d += dt.timedelta(days=1)
    ordered = [days[d] for d in sorted(days)]
    return [ordered[i : i + 7] for i in range(0, len(ordered), 7)]


#: A single-day key date counts as marked by an activity within this many days before or after it.
KEY_DATE_SLACK_DAYS = 7


@dataclass
class KeyDateCoverage:
    key_date: KeyDate
    start: dt.date
    end: dt.date
    recorded: int
    planned: int

    @property
    def window(self) -> tuple[dt.date, dt.date]:
        return key_date_window(self.key_date, self.start, self.end)

    @property
    def state(self) -> str:
        today = timezone.localdate()
        if self.recorded:
            return "done"
        if self.planned:
            return "planned"
        return "missed" if self.window[1] < today else "open"

    @property
    def state_label(self) -> str:
        return {"done": "已开展", "planned": "已有计划", "missed": "未记录", "open": "尚无计划"}[self.state]


def key_date_window(key_date: KeyDate, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    if key_date.is_span:
        return start, end
    slack = dt.timedelta(days=KEY_DATE_SLACK_DAYS)
    return start - slack, end + slack


def key_date_coverage(*, actor: Any, year: int, unit: Unit) -> list[KeyDateCoverage]:
    """For each key date of `year`: did `unit` record (or plan) an activity for it?

    An activity marks a key date when it falls in the date's span (a week or month) or within a week of a
    single day, and — when the key date names domains — is tagged with one of them. Two queries.
    """
    rows = list(
        activity_list(
            actor=actor,
            filters=ActivityFilter(
                participant=unit,
                start=dt.date(year, 1, 1) - dt.timedelta(days=KEY_DATE_SLACK_DAYS),
                end=dt.date(year, 12, 31) + dt.timedelta(days=KEY_DATE_SLACK_DAYS),
            ),
        ).values_list("id", "date", "status")
    )
    domains: dict[int, set[int]] = defaultdict(set)
    for activity_id, domain_id in Activity.domains.through.objects.filter(
        activity_id__in=[r[0] for r in rows]
    ).values_list("activity_id", "domain_id"):
        domains[activity_id].add(domain_id)
    result = []
    for key_date in key_date_list(actor=actor):
        start, end = key_date.span_in(year)
        low, high = key_date_window(key_date, start, end)
        wanted = {d.pk for d in key_date.domains.all()}
        recorded = planned = 0
        for activity_id, day, status in rows:
            if not (low <= day <= high) or (wanted and not wanted & domains[activity_id]):
                continue
            if status in Activity.COUNTED:
                recorded += 1
            else:  # a draft (planned) or a returned record being corrected
                planned += 1
        result.append(KeyDateCoverage(key_date, start, end, recorded, planned))
    return result


# ---------------------------------------------------------------- 待办 on the home page


def todos(actor: Any) -> list[Any] | None:
    """The ledger's lines of the home inbox: activities to confirm (offices), returned activities awaiting
    resubmission with their reasons, and the one-tap 登记活动. Counted as the list behind each link counts."""
    from django.urls import reverse

    from pufa.core.home import Shortcut, Todo, TodoItem

    if not (can(actor, "ledger.review") or can(actor, "ledger.record")):
        return None
    url = reverse("ledger:activity-list")
    lines: list[Any] = []
    if can(actor, "ledger.review"):
        count, _ = activity_count(actor=actor, filters=ActivityFilter(status=Status.SUBMITTED))
        lines.append(Todo("条活动记录待确认", count, f"{url}?status={Status.SUBMITTED}", order=10))
    returned = ActivityFilter(status=Status.RETURNED)
    count, _ = activity_count(actor=actor, filters=returned)
    if count:
        first = activity_list(actor=actor, filters=returned)[:5]
        items = tuple(
            TodoItem(a.title, reverse("ledger:activity-detail", args=[a.pk]), f"退回原因：{a.return_reason}")
            for a in first
        )
        label = "条活动记录已退回，待修改后重新提交"
        lines.append(Todo(label, count, f"{url}?status={Status.RETURNED}", items, order=40))
    if can(actor, "ledger.record"):
        lines.append(Shortcut("登记活动", reverse("ledger:activity-create"), order=10))
    return lines
