"""The public portal's reads (公众门户). No login, so no actor: what is public is decided here, structurally.

1. Every read starts from `published_lists()` — lists whose status is published, not deleted, of a living
   unit. Items, announced activities and laws are reached only through it (`published_items()`,
   `announced_activities()`), so a draft, submitted, returned or filed list cannot appear on any page, in any
   search result or behind any guessed URL.
2. Rows leave this module only as the frozen `Public*` records below, built from an explicit list of public
   fields (`DutyItem.PUBLIC_FIELDS`, `PlannedActivity.PUBLIC_FIELDS` …). A template cannot reach a
   responsible person's name or phone, or an internal note, because they are never loaded.

Results are cached under the duties public version, which publishing and withdrawing reset; so the portal is
fast at city scale and never shows a withdrawn list. A time-to-live bounds staleness from anything else
(a renamed unit).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Case, Count, DateField, Exists, F, OuterRef, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone

from pufa.core.models import Audience, Domain
from pufa.duties.models import DutyItem, DutyList, Law, PlannedActivity
from pufa.duties.selectors import public_version
from pufa.ledger.models import ActivityUnit
from pufa.org.models import Region, Unit

CACHE_SECONDS = 600
PAGE_SIZE = 30
T = TypeVar("T")

# ---------------------------------------------------------------- the boundary


def published_lists() -> QuerySet[DutyList]:
    """The one base of every public read: lists announced to the public, of living units."""
    return DutyList.objects.filter(
        status__in=DutyList.PUBLIC_STATUSES,
        deleted_at__isnull=True,
        unit__deleted_at__isnull=True,
    )


def published_items() -> QuerySet[DutyItem]:
    return DutyItem.objects.filter(duty_list__in=published_lists())


def announced_activities() -> QuerySet[PlannedActivity]:
    return PlannedActivity.objects.filter(duty_list__in=published_lists())


# ---------------------------------------------------------------- public records


@dataclass(frozen=True)
class PublicLaw:
    id: int
    name: str
    level: str
    issuer: str
    effective_on: dt.date | None
    url: str


@dataclass(frozen=True)
class PublicItem:
    id: int
    order: int
    content: str
    measures: str
    standards: str
    time_nodes: str
    responsible_section: str
    laws: tuple[str, ...]
    audiences: tuple[str, ...]
    domains: tuple[str, ...]


@dataclass(frozen=True)
class PublicActivity:
    id: int
    list_id: int
    unit_id: int
    unit_name: str
    region_name: str
    content: str
    kind: str
    start: dt.date
    end: dt.date
    time_text: str
    place: str
    audiences: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    laws: tuple[str, ...] = ()
    done_on: dt.date | None = None

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    @property
    def single_day(self) -> bool:
        return self.start == self.end

    @property
    def is_past(self) -> bool:
        return self.end < timezone.localdate()


@dataclass(frozen=True)
class PublicListSummary:
    id: int
    unit_id: int
    unit_name: str
    unit_kind: str
    region_id: int
    region_name: str
    year: int
    published_at: dt.datetime | None
    item_count: int = 0
    planned_count: int = 0
    done_count: int = 0


@dataclass(frozen=True)
class PublicList:
    summary: PublicListSummary
    text: str
    laws: tuple[PublicLaw, ...]
    items: tuple[PublicItem, ...]
    activities: tuple[PublicActivity, ...]

    @property
    def title(self) -> str:
        return f"{self.summary.unit_name}{self.summary.year}年度普法责任清单"


@dataclass(frozen=True)
class PublicRegion:
    id: int
    name: str
    level: str
    path: str
    depth: int
    list_count: int = 0


@dataclass(frozen=True)
class Page:
    """A page of results that pickles (for the cache) and that core/_pager.html understands."""

    rows: tuple[Any, ...]
    number: int
    count: int
    per_page: int = PAGE_SIZE

    def __iter__(self) -> Any:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def paginator(self) -> Page:
        return self

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


# ---------------------------------------------------------------- caching


def _cached(name: str, args: tuple[Any, ...], build: Callable[[], T]) -> T:
    raw = repr(args).encode()
    key = f"portal:{public_version()}:{name}:{hashlib.sha1(raw, usedforsecurity=False).hexdigest()}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, CACHE_SECONDS)
    return value


def page_key(path: str, *, partial: bool) -> str:
    """The cache key of a whole rendered public page: its address, today's date (past/planned badges), whether
    it is an HTMX fragment, and the public version — so a publish or withdrawal retires every page at once."""
    digest = hashlib.sha1(path.encode(), usedforsecurity=False).hexdigest()
    return f"portal:{public_version()}:page:{timezone.localdate():%Y%m%d}:{int(partial)}:{digest}"


def _names(rows: Any) -> tuple[str, ...]:
    return tuple(r.name for r in rows)


def _law_short(name: str) -> str:
    return name.removeprefix("中华人民共和国")


#: An announced activity is carried out when its linked ledger record counts for the announcing unit — the
#: ledger's one counting rule (`ActivityUnit.objects.counted`), never a rule of the portal's own.
_DONE = Exists(
    ActivityUnit.objects.counted().filter(activity_id=OuterRef("activity_id"), unit_id=OuterRef("duty_list__unit_id"))
)
#: The date of the ledger record that carried an announced activity out — only if that record counts.
_DONE_ON = Case(When(_DONE, then=F("activity__date")), default=None, output_field=DateField())
_ACTIVITY_VALUES = (
    "id",
    "duty_list_id",
    "content",
    "start",
    "end",
    "time_text",
    "place",
    "duty_list__unit_id",
    "duty_list__unit__name",
    "duty_list__unit__region__name",
    "kind__name",
    "region__name",
)


def _tags(ids: list[int]) -> dict[str, dict[int, tuple[str, ...]]]:
    """Audiences, domains and laws of these announced activities, from the link tables (three queries)."""
    result: dict[str, dict[int, tuple[str, ...]]] = {}
    for name, label, order in (
        ("audiences", "audience__name", ("audience__sort_order", "audience_id")),
        ("domains", "domain__name", ("domain__sort_order", "domain_id")),
        ("laws", "law__name", ("law__pinyin", "law_id")),
    ):
        grouped: dict[int, list[str]] = defaultdict(list)
        through = getattr(PlannedActivity, name).through.objects.filter(plannedactivity_id__in=ids)
        for planned_id, value in through.order_by(*order).values_list("plannedactivity_id", label):
            grouped[planned_id].append(_law_short(value) if name == "laws" else value)
        result[name] = {k: tuple(v) for k, v in grouped.items()}
    return result


def _activity_rows(queryset: QuerySet[PlannedActivity], *, with_tags: bool = True) -> list[PublicActivity]:
    """Announced activities as public records: only the named public columns are read (values(), not models)."""
    rows = list(queryset.annotate(done_on=_DONE_ON).values(*_ACTIVITY_VALUES, "done_on"))
    tags = _tags([row["id"] for row in rows]) if with_tags and rows else {}
    return [
        PublicActivity(
            id=row["id"],
            list_id=row["duty_list_id"],
            unit_id=row["duty_list__unit_id"],
            unit_name=row["duty_list__unit__name"],
            region_name=row["region__name"] or row["duty_list__unit__region__name"],
            content=row["content"],
            kind=row["kind__name"],
            start=row["start"],
            end=row["end"],
            time_text=row["time_text"],
            place=row["place"],
            audiences=tags.get("audiences", {}).get(row["id"], ()),
            domains=tags.get("domains", {}).get(row["id"], ()),
            laws=tags.get("laws", {}).get(row["id"], ()),
            done_on=row["done_on"],
        )
        for row in rows
    ]


def _summaries(lists: list[DutyList]) -> list[PublicListSummary]:
    """Counts for lists that came from published_lists(): their ids are already inside the boundary."""
    ids = [dl.pk for dl in lists]
    items = dict(
        DutyItem.objects.filter(duty_list_id__in=ids)
        .values("duty_list_id")
        .annotate(n=Count("id"))
        .values_list("duty_list_id", "n")
    )
    planned = {
        row["duty_list_id"]: row
        for row in PlannedActivity.objects.filter(duty_list_id__in=ids)
        .values("duty_list_id")
        .annotate(
            n=Count("id"),
            done=Count("id", filter=Q(_DONE)),
        )
    }
    return [
        PublicListSummary(
            id=dl.pk,
            unit_id=dl.unit_id,
            unit_name=dl.unit.name,
            unit_kind=dl.unit.get_kind_display(),
            region_id=dl.unit.region_id,
            region_name=dl.unit.region.name,
            year=dl.year,
            published_at=dl.published_at,
            item_count=items.get(dl.pk, 0),
            planned_count=planned.get(dl.pk, {}).get("n", 0),
            done_count=planned.get(dl.pk, {}).get("done", 0),
        )
        for dl in lists
    ]


def _list_rows(queryset: QuerySet[DutyList]) -> QuerySet[DutyList]:
    return queryset.select_related("unit__region").only(
        "id",
        "year",
        "published_at",
        "unit",
        "unit__name",
        "unit__kind",
        "unit__pinyin",
        "unit__region",
        "unit__region__name",
    )


# ---------------------------------------------------------------- regions and years


def _region(pk: int) -> Region:
    region = Region.objects.filter(pk=pk, deleted_at__isnull=True).first()
    if region is None:
        raise Http404("未找到该区划")
    return region


def region_get(pk: int) -> PublicRegion:
    def build() -> PublicRegion:
        r = _region(pk)
        return PublicRegion(id=r.pk, name=r.name, level=r.get_level_display(), path=r.path, depth=r.depth)

    return _cached("region", (pk,), build)


def region_breadcrumb(region: PublicRegion) -> list[PublicRegion]:
    """The region and its ancestors, top first (for the breadcrumb)."""

    def build() -> list[PublicRegion]:
        ids = [int(p) for p in region.path.strip("/").split("/") if p]
        rows = Region.objects.filter(pk__in=ids).order_by("depth")
        return [
            PublicRegion(id=r.pk, name=r.name, level=r.get_level_display(), path=r.path, depth=r.depth) for r in rows
        ]

    return _cached("breadcrumb", (region.id,), build)


def _path_lists(year: int) -> dict[str, int]:
    """Published lists per region path of their units, for one year: one grouped query, cached. Every region's
    children and the place filter are then sums over path prefixes in memory, however many regions a city has."""

    def build() -> dict[str, int]:
        rows = published_lists().filter(year=year).values("unit__region__path").annotate(n=Count("id"))
        return {row["unit__region__path"]: row["n"] for row in rows}

    return _cached("path_lists", (year,), build)


def _path_activities(year: int) -> dict[str, tuple[int, int]]:
    """Announced and carried-out activities per region path of the announcing units, for one year."""

    def build() -> dict[str, tuple[int, int]]:
        rows = (
            announced_activities()
            .filter(duty_list__year=year)
            .values("duty_list__unit__region__path")
            .annotate(
                n=Count("id"),
                done=Count("id", filter=Q(_DONE)),
            )
        )
        return {row["duty_list__unit__region__path"]: (row["n"], row["done"]) for row in rows}

    return _cached("path_activities", (year,), build)


def child_regions(*, region: PublicRegion | None, year: int) -> list[PublicRegion]:
    """The regions one level below `region` (or the top regions) that hold published lists, with counts."""

    def build() -> list[PublicRegion]:
        level = region.depth + 1 if region is not None else 0
        totals: dict[int, int] = defaultdict(int)
        for path, n in _path_lists(year).items():
            if region is not None and not path.startswith(region.path):
                continue
            parts = path.strip("/").split("/")
            if len(parts) > level:
                totals[int(parts[level])] += n
        rows = Region.objects.filter(pk__in=list(totals), deleted_at__isnull=True).order_by("pinyin")
        return [
            PublicRegion(
                id=r.pk, name=r.name, level=r.get_level_display(), path=r.path, depth=r.depth, list_count=totals[r.pk]
            )
            for r in rows
        ]

    return _cached("children", (region.id if region else None, year), build)


def published_years() -> list[int]:
    def build() -> list[int]:
        return sorted(set(published_lists().values_list("year", flat=True)), reverse=True)

    return _cached("years", (), build)


def default_year() -> int:
    years = published_years()
    this = timezone.localdate().year
    return this if this in years or not years else years[0]


# ---------------------------------------------------------------- lists


def _page_of(ids: list[int], page: int) -> tuple[int, list[int]]:
    """The page number actually shown and the ids on it (one query fetched the ordered ids of all matches)."""
    number = max(1, min(page, max(1, -(-len(ids) // PAGE_SIZE))))
    start = (number - 1) * PAGE_SIZE
    return number, ids[start : start + PAGE_SIZE]


def _ids(name: str, args: tuple[Any, ...], queryset: QuerySet[Any], *order: str) -> list[int]:
    """The ordered ids of everything a listing matches, cached without the page: paging reads no more rows."""
    return _cached(f"{name}:ids", args, lambda: list(queryset.order_by(*order).values_list("id", flat=True)))


def _list_page(lists: QuerySet[DutyList], page: int, key: tuple[Any, ...]) -> Page:
    ids = _ids("lists", key, lists, "unit__pinyin", "id")
    number, shown = _page_of(ids, page)
    rows = list(_list_rows(published_lists().filter(pk__in=shown)).order_by("unit__pinyin", "id"))
    return Page(rows=tuple(_summaries(rows)), number=number, count=len(ids))


def region_lists(*, region: PublicRegion, year: int, q: str = "", kind: str = "", page: int = 1) -> Page:
    """The published lists of the units in a region (and below), by unit name in pinyin order."""

    def build() -> Page:
        lists = published_lists().filter(year=year, unit__region__path__startswith=region.path)
        if q:
            lists = lists.filter(Q(unit__name__icontains=q) | Q(unit__pinyin__icontains=q.lower()))
        if kind:
            lists = lists.filter(unit__kind=kind)
        return _list_page(lists, page, (region.id, year, q, kind))

    return _cached("region_lists", (region.id, year, q, kind, page), build)


def region_stats(*, region: PublicRegion, year: int) -> dict[str, int]:
    def build() -> dict[str, int]:
        lists = sum(n for path, n in _path_lists(year).items() if path.startswith(region.path))
        activities = [f for path, f in _path_activities(year).items() if path.startswith(region.path)]
        return {"lists": lists, "planned": sum(f[0] for f in activities), "done": sum(f[1] for f in activities)}

    return _cached("region_stats", (region.id, year), build)


def list_get(pk: int) -> PublicList:
    """One published list with its public content; anything not published is 404, as if it did not exist."""

    def build() -> PublicList:
        duty_list = _list_rows(published_lists()).filter(pk=pk).first()
        if duty_list is None:
            raise Http404("未找到该清单")
        summary = _summaries([duty_list])[0]
        text = published_lists().filter(pk=pk).values_list("summary", flat=True).first() or ""
        items = (
            published_items()
            .filter(duty_list_id=pk)
            .only(*DutyItem.PUBLIC_FIELDS)
            .prefetch_related("laws", "audiences", "domains")
            .order_by("order", "id")
        )
        return PublicList(
            summary=summary,
            text=text,
            laws=tuple(_laws(Law.objects.filter(enforcing_lists__in=published_lists().filter(pk=pk)))),
            items=tuple(
                PublicItem(
                    id=i.pk,
                    order=n,
                    content=i.content,
                    measures=i.measures,
                    standards=i.standards,
                    time_nodes=i.time_nodes,
                    responsible_section=i.responsible_section,
                    laws=tuple(law.name for law in i.laws.all()),
                    audiences=_names(i.audiences.all()),
                    domains=_names(i.domains.all()),
                )
                for n, i in enumerate(items, start=1)
            ),
            activities=tuple(_activity_rows(announced_activities().filter(duty_list_id=pk).order_by("start", "id"))),
        )

    return _cached("list", (pk,), build)


def _laws(queryset: QuerySet[Law]) -> list[PublicLaw]:
    rows = sorted(queryset.distinct(), key=lambda law: (law.level_rank, law.pinyin))
    return [
        PublicLaw(
            id=law.pk,
            name=law.name,
            level=law.get_level_display(),
            issuer=law.issuer,
            effective_on=law.effective_on,
            url=law.url,
        )
        for law in rows
    ]


@dataclass(frozen=True)
class UnitLaws:
    unit_id: int
    unit_name: str
    region_name: str
    year: int
    list_id: int
    laws: tuple[PublicLaw, ...]


def unit_laws(unit_id: int) -> UnitLaws:
    """The laws a unit enforces, from its latest published list (seed 004: 完成相关法律法规的公告工作)."""

    def build() -> UnitLaws:
        latest = _list_rows(published_lists().filter(unit_id=unit_id)).order_by("-year").first()
        if latest is None:
            raise Http404("该单位尚未公告责任清单")
        return UnitLaws(
            unit_id=unit_id,
            unit_name=latest.unit.name,
            region_name=latest.unit.region.name,
            year=latest.year,
            list_id=latest.pk,
            laws=tuple(_laws(Law.objects.filter(enforcing_lists__in=published_lists().filter(pk=latest.pk)))),
        )

    return _cached("unit_laws", (unit_id,), build)


# ---------------------------------------------------------------- calendar


@dataclass(frozen=True)
class CalendarDay:
    day: dt.date
    in_month: bool
    count: int
    top: tuple[PublicActivity, ...]

    @property
    def more(self) -> int:
        return self.count - len(self.top)


@dataclass(frozen=True)
class CalendarMonth:
    year: int
    month: int
    weeks: tuple[tuple[CalendarDay, ...], ...]
    total: int

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def previous(self) -> dt.date:
        return (self.first - dt.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> dt.date:
        return (self.first + dt.timedelta(days=32)).replace(day=1)


PER_DAY = 3


def _month_activities(region: PublicRegion | None, year: int, month: int) -> QuerySet[PlannedActivity]:
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    planned = announced_activities().filter(start__lte=last, end__gte=first)
    if region is not None:
        planned = planned.filter(duty_list__unit__region__path__startswith=region.path)
    return planned


def calendar_month(*, region: PublicRegion | None, year: int, month: int) -> CalendarMonth:
    """A month grid (Monday first) of announced activities; each day shows a few, with a count of the rest.
    A multi-day activity is shown on its first day in the month."""

    def build() -> CalendarMonth:
        first = dt.date(year, month, 1)
        rows = _activity_rows(_month_activities(region, year, month).order_by("start", "id"), with_tags=False)
        by_day: dict[dt.date, list[PublicActivity]] = defaultdict(list)
        for row in rows:
            by_day[max(row.start, first)].append(row)
        weeks = []
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            weeks.append(
                tuple(
                    CalendarDay(
                        day=day,
                        in_month=day.month == month,
                        count=len(by_day.get(day, [])) if day.month == month else 0,
                        top=tuple(by_day.get(day, [])[:PER_DAY]) if day.month == month else (),
                    )
                    for day in week
                )
            )
        return CalendarMonth(year=year, month=month, weeks=tuple(weeks), total=len(rows))

    return _cached("calendar", (region.id if region else None, year, month), build)


def month_list(
    *, region: PublicRegion | None, year: int, month: int, page: int = 1, day: dt.date | None = None
) -> Page:
    """The same month as a list (the phone layout), a page at a time, with audiences; or one day of it."""

    def build() -> Page:
        planned = _month_activities(region, year, month)
        if day is not None:
            planned = planned.filter(start__lte=day, end__gte=day)
        ids = _ids("month", (region.id if region else None, year, month, day), planned, "start", "id")
        number, shown = _page_of(ids, page)
        rows = _activity_rows(announced_activities().filter(pk__in=shown).order_by("start", "id"))
        return Page(rows=tuple(rows), number=number, count=len(ids))

    return _cached("month_list", (region.id if region else None, year, month, page, day), build)


def upcoming(*, region: PublicRegion | None, days: int = 30, limit: int = 8) -> list[PublicActivity]:
    def build() -> list[PublicActivity]:
        today = timezone.localdate()
        planned = announced_activities().filter(end__gte=today, start__lte=today + dt.timedelta(days=days))
        if region is not None:
            planned = planned.filter(duty_list__unit__region__path__startswith=region.path)
        return _activity_rows(planned.order_by("start", "id")[:limit])

    return _cached("upcoming", (region.id if region else None, days, limit, timezone.localdate()), build)


# ---------------------------------------------------------------- search


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    law: int | None = None
    domain: int | None = None
    audience: int | None = None
    region: int | None = None
    year: int | None = None
    page: int = 1

    @property
    def is_empty(self) -> bool:
        return not (self.q or self.law or self.domain or self.audience or self.region)


@dataclass(frozen=True)
class SearchResult:
    activities: Page
    lists: tuple[PublicListSummary, ...]
    list_count: int


def _search_ids(query: SearchQuery) -> tuple[list[int], list[int]]:
    """The ids of the matching announced activities (by date) and lists (by unit name), for every page."""

    def build() -> tuple[list[int], list[int]]:
        planned = announced_activities()
        lists = published_lists()
        if query.year:
            planned, lists = planned.filter(duty_list__year=query.year), lists.filter(year=query.year)
        if query.region:
            region = _region(query.region)
            planned = planned.filter(
                Q(region__path__startswith=region.path) | Q(duty_list__unit__region__path__startswith=region.path)
            )
            lists = lists.filter(unit__region__path__startswith=region.path)
        items = published_items().filter(duty_list__in=lists)
        # Each condition a list must meet: one of its items (or, for a law, its enforced-law list) matches.
        list_conditions: list[Q] = []
        # Tags are matched through IN-subqueries on the link tables: no join fan-out, no DISTINCT.
        for name, value in (("laws", query.law), ("domains", query.domain), ("audiences", query.audience)):
            if not value:
                continue
            column = name[:-1] + "_id"
            on_planned = getattr(PlannedActivity, name).through.objects.filter(**{column: value})
            on_items = getattr(DutyItem, name).through.objects.filter(**{column: value}).values("dutyitem_id")
            planned = planned.filter(Q(pk__in=on_planned.values("plannedactivity_id")) | Q(item_id__in=on_items))
            condition = Q(pk__in=items.filter(pk__in=on_items).values("duty_list_id"))
            if name == "laws":
                condition |= Q(pk__in=DutyList.laws.through.objects.filter(law_id=value).values("dutylist_id"))
            list_conditions.append(condition)
        if query.q:
            q = query.q
            planned = planned.filter(
                Q(content__icontains=q)
                | Q(place__icontains=q)
                | Q(time_text__icontains=q)
                | Q(duty_list__unit__name__icontains=q)
                | Q(kind__name__icontains=q)
            )
            cited = DutyItem.laws.through.objects.filter(law__name__icontains=q).values("dutyitem_id")
            hits = items.filter(Q(content__icontains=q) | Q(measures__icontains=q) | Q(pk__in=cited))
            list_conditions.append(Q(pk__in=hits.values("duty_list_id")) | Q(unit__name__icontains=q))
        ids = list(planned.order_by("start", "id").values_list("id", flat=True))
        if list_conditions:
            matching = lists.filter(*list_conditions)
        elif query.region:  # a search by place alone lists the region's lists
            matching = lists
        else:
            matching = lists.none()
        return ids, list(matching.order_by("unit__pinyin", "id").values_list("id", flat=True))

    return _cached("search_ids", (replace(query, page=1),), build)


def search(query: SearchQuery) -> SearchResult:
    """Announced activities and published lists by law, domain, audience, place (region) and free text.

    An activity matches a law/domain/audience through its own tags or those of the list item it implements;
    a list matches when one of its items (or its enforced laws) does."""

    def build() -> SearchResult:
        ids, list_ids = _search_ids(query)
        number, shown = _page_of(ids, query.page)
        rows = _activity_rows(announced_activities().filter(pk__in=shown).order_by("start", "id"))
        shown_lists = published_lists().filter(pk__in=list_ids[:PAGE_SIZE])
        summaries = _summaries(list(_list_rows(shown_lists).order_by("unit__pinyin", "id")))
        return SearchResult(
            activities=Page(rows=tuple(rows), number=number, count=len(ids)),
            lists=tuple(summaries),
            list_count=len(list_ids),
        )

    if query.is_empty:
        return SearchResult(activities=Page(rows=(), number=1, count=0), lists=(), list_count=0)
    return _cached("search", (query,), build)


@dataclass(frozen=True)
class SearchChoices:
    laws: tuple[tuple[int, str], ...]
    domains: tuple[tuple[int, str], ...]
    audiences: tuple[tuple[int, str], ...]
    kinds: tuple[tuple[str, str], ...]


def search_choices() -> SearchChoices:
    """The filters offered: laws that published lists cite (enforce, or name in an item), and the taxonomies."""

    def build() -> SearchChoices:
        enforced = DutyList.laws.through.objects.filter(law_id=OuterRef("pk"), dutylist__in=published_lists())
        cited = DutyItem.laws.through.objects.filter(law_id=OuterRef("pk"), dutyitem__in=published_items())
        laws = sorted(
            Law.objects.filter(Exists(enforced) | Exists(cited)), key=lambda law: (law.level_rank, law.pinyin)
        )
        return SearchChoices(
            laws=tuple((law.pk, _law_short(law.name)) for law in laws),
            domains=tuple(Domain.objects.filter(is_active=True).values_list("pk", "name")),
            audiences=tuple(Audience.objects.filter(is_active=True).values_list("pk", "name")),
            kinds=tuple(Unit.Kind.choices),
        )

    return _cached("choices", (), build)


def place_regions() -> list[PublicRegion]:
    """Regions offered as "place": down to streets (a community is reached through its street's page), where
    published lists exist. A city of 2,500 communities would otherwise make every search form a long download."""

    def build() -> list[PublicRegion]:
        ids: set[int] = set()
        for path in _path_lists(default_year()):
            ids.update(int(p) for p in path.strip("/").split("/")[:3] if p)
        rows = Region.objects.filter(pk__in=ids, deleted_at__isnull=True).exclude(
            level__in=[Region.Level.COMMUNITY, Region.Level.GROUP]
        )
        return [
            PublicRegion(id=r.pk, name=r.name, level=r.get_level_display(), path=r.path, depth=r.depth)
            for r in rows.order_by("path")
        ]

    return _cached("places", (), build)
