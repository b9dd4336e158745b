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
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from pufa.core.models import Audience, Domain
from pufa.duties.models import DutyItem, DutyList, Law, PlannedActivity
from pufa.duties.selectors import public_version
from pufa.ledger.models import Activity
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


def _names(rows: Any) -> tuple[str, ...]:
    return tuple(r.name for r in rows)


def _law_short(name: str) -> str:
    return name.removeprefix("中华人民共和国")


def _done_dates(planned_ids: list[int]) -> dict[int, dt.date]:
    """Planned activity → the date of the ledger record that carried it out, if that record counts."""
    rows = (
        announced_activities()
        .filter(
            pk__in=planned_ids,
            activity__isnull=False,
            activity__deleted_at__isnull=True,
            activity__status__in=Activity.COUNTED,
        )
        .values_list("pk", "activity__date")
    )
    return dict(rows)


def _activity_records(planned: list[PlannedActivity], *, with_tags: bool = True) -> list[PublicActivity]:
    done = _done_dates([p.pk for p in planned])
    records = []
    for p in planned:
        unit = p.duty_list.unit
        records.append(
            PublicActivity(
                id=p.pk,
                list_id=p.duty_list_id,
                unit_id=unit.pk,
                unit_name=unit.name,
                region_name=p.region.name if p.region_id else unit.region.name,
                content=p.content,
                kind=p.kind.name,
                start=p.start,
                end=p.end,
                time_text=p.time_text,
                place=p.place,
                audiences=_names(p.audiences.all()) if with_tags else (),
                domains=_names(p.domains.all()) if with_tags else (),
                laws=tuple(_law_short(law.name) for law in p.laws.all()) if with_tags else (),
                done_on=done.get(p.pk),
            )
        )
    return records


def _activity_rows(queryset: QuerySet[PlannedActivity], *, with_tags: bool = True) -> list[PublicActivity]:
    fields = [*PlannedActivity.PUBLIC_FIELDS, "duty_list", "kind", "region"]
    qs = queryset.only(
        *fields,
        "duty_list__unit",
        "duty_list__unit__name",
        "duty_list__unit__region",
        "duty_list__unit__region__name",
        "kind__name",
        "region__name",
    ).select_related("duty_list__unit__region", "kind", "region")
    if with_tags:
        qs = qs.prefetch_related("audiences", "domains", "laws")
    return _activity_records(list(qs), with_tags=with_tags)


def _summaries(lists: list[DutyList]) -> list[PublicListSummary]:
    ids = [dl.pk for dl in lists]
    items = dict(
        published_items()
        .filter(duty_list_id__in=ids)
        .values("duty_list_id")
        .annotate(n=Count("id"))
        .values_list("duty_list_id", "n")
    )
    planned = dict(
        announced_activities()
        .filter(duty_list_id__in=ids)
        .values("duty_list_id")
        .annotate(
            n=Count("id"),
        )
        .values_list("duty_list_id", "n")
    )
    done = dict(
        announced_activities()
        .filter(
            duty_list_id__in=ids,
            activity__isnull=False,
            activity__deleted_at__isnull=True,
            activity__status__in=Activity.COUNTED,
        )
        .values("duty_list_id")
        .annotate(n=Count("id"))
        .values_list("duty_list_id", "n")
    )
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
            planned_count=planned.get(dl.pk, 0),
            done_count=done.get(dl.pk, 0),
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


def _list_counts_by_region(year: int) -> dict[str, int]:
    """Region path of each unit with a published list for the year → number of such lists."""
    rows = published_lists().filter(year=year).values("unit__region__path").annotate(n=Count("id"))
    return {row["unit__region__path"]: row["n"] for row in rows}


def child_regions(*, region: PublicRegion | None, year: int) -> list[PublicRegion]:
    """The regions one level below `region` (or the top regions) that hold published lists, with counts."""

    def build() -> list[PublicRegion]:
        counts = _list_counts_by_region(year)
        if not counts:
            return []
        totals: dict[int, int] = defaultdict(int)
        depth = region.depth + 1 if region is not None else None
        for path, n in counts.items():
            parts = [int(p) for p in path.strip("/").split("/") if p]
            if region is not None:
                if not path.startswith(region.path) or len(parts) <= region.depth + 1:
                    continue
                totals[parts[region.depth + 1]] += n
            else:
                for pk in parts:
                    totals[pk] += n
        rows = Region.objects.filter(pk__in=list(totals), deleted_at__isnull=True)
        if region is None:
            # The top: the shallowest regions that hold lists (a city, or districts when there is no city).
            top = min((r.depth for r in rows), default=0)
            rows = [r for r in rows if r.depth == top]
        result = [
            PublicRegion(
                id=r.pk, name=r.name, level=r.get_level_display(), path=r.path, depth=r.depth, list_count=totals[r.pk]
            )
            for r in rows
            if depth is None or r.depth == depth
        ]
        return sorted(result, key=lambda r: (r.path.count("/"), r.name))

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


def region_lists(*, region: PublicRegion, year: int, q: str = "", kind: str = "", page: int = 1) -> Page:
    """The published lists of the units in a region (and below), by unit name in pinyin order."""

    def build() -> Page:
        lists = published_lists().filter(year=year, unit__region__path__startswith=region.path)
        if q:
            lists = lists.filter(Q(unit__name__icontains=q) | Q(unit__pinyin__icontains=q.lower()))
        if kind:
            lists = lists.filter(unit__kind=kind)
        count = lists.count()
        number = max(1, min(page, max(1, -(-count // PAGE_SIZE))))
        start = (number - 1) * PAGE_SIZE
        rows = list(_list_rows(lists).order_by("unit__pinyin", "id")[start : start + PAGE_SIZE])
        return Page(rows=tuple(_summaries(rows)), number=number, count=count)

    return _cached("region_lists", (region.id, year, q, kind, page), build)


def region_stats(*, region: PublicRegion, year: int) -> dict[str, int]:
    def build() -> dict[str, int]:
        lists = published_lists().filter(year=year, unit__region__path__startswith=region.path)
        planned = announced_activities().filter(duty_list__in=lists)
        done = planned.filter(
            activity__isnull=False, activity__deleted_at__isnull=True, activity__status__in=Activity.COUNTED
        )
        return {"lists": lists.count(), "planned": planned.count(), "done": done.count()}

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
        count = planned.count()
        number = max(1, min(page, max(1, -(-count // PAGE_SIZE))))
        start = (number - 1) * PAGE_SIZE
        rows = _activity_rows(planned.order_by("start", "id")[start : start + PAGE_SIZE])
        return Page(rows=tuple(rows), number=number, count=count)

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


def search(query: SearchQuery) -> SearchResult:
    """Announced activities and published lists by law, domain, audience, place (region) and free text.

    An activity matches a law/domain/audience through its own tags or those of the list item it implements;
    a list matches when one of its items (or its enforced laws) does."""

    def build() -> SearchResult:
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
        tag_filter = False
        for name, value in (("laws", query.law), ("domains", query.domain), ("audiences", query.audience)):
            if value:
                tag_filter = True
                planned = planned.filter(Q(**{name: value}) | Q(**{f"item__{name}": value, "item__deleted_at": None}))
                items = items.filter(**{name: value})
        if query.q:
            q = query.q
            planned = planned.filter(
                Q(content__icontains=q)
                | Q(place__icontains=q)
                | Q(time_text__icontains=q)
                | Q(duty_list__unit__name__icontains=q)
                | Q(kind__name__icontains=q)
            )
            items = items.filter(Q(content__icontains=q) | Q(measures__icontains=q) | Q(laws__name__icontains=q))
        planned = planned.distinct()
        count = planned.count()
        number = max(1, min(query.page, max(1, -(-count // PAGE_SIZE))))
        start = (number - 1) * PAGE_SIZE
        ids = list(planned.order_by("start", "id").values_list("id", flat=True)[start : start + PAGE_SIZE])
        rows = _activity_rows(PlannedActivity.objects.filter(pk__in=ids).order_by("start", "id"))
        list_filter = Q(pk__in=items.values("duty_list_id"))
        if query.law:
            list_filter |= Q(laws=query.law)
        matching = lists.filter(list_filter) if (tag_filter or query.q) else lists.none()
        if query.q:
            matching = matching | lists.filter(unit__name__icontains=query.q)
        matching = matching.distinct()
        list_count = matching.count()
        summaries = _summaries(list(_list_rows(matching).order_by("unit__pinyin", "id")[:PAGE_SIZE]))
        return SearchResult(
            activities=Page(rows=tuple(rows), number=number, count=count),
            lists=tuple(summaries),
            list_count=list_count,
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
    """The filters offered: laws that published lists cite, and the active taxonomies."""

    def build() -> SearchChoices:
        cited = Law.objects.filter(
            Q(enforcing_lists__in=published_lists()) | Q(duty_items__in=published_items())
        ).distinct()
        laws = sorted(cited, key=lambda law: (law.level_rank, law.pinyin))
        return SearchChoices(
            laws=tuple((law.pk, _law_short(law.name)) for law in laws),
            domains=tuple(Domain.objects.filter(is_active=True).values_list("pk", "name")),
            audiences=tuple(Audience.objects.filter(is_active=True).values_list("pk", "name")),
            kinds=tuple(Unit.Kind.choices),
        )

    return _cached("choices", (), build)


def place_regions() -> list[PublicRegion]:
    """Regions offered as "place" in the search: every region that holds a published list, and its ancestors."""

    def build() -> list[PublicRegion]:
        paths = set(published_lists().values_list("unit__region__path", flat=True))
        ids = {int(p) for path in paths for p in path.strip("/").split("/") if p}
        rows = Region.objects.filter(pk__in=ids, deleted_at__isnull=True).order_by("path")
        return [
            PublicRegion(id=r.pk, name=r.name, level=r.get_level_display(), path=r.path, depth=r.depth) for r in rows
        ]

    return _cached("places", (), build)
