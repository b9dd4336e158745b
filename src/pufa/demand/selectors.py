"""Scoped reads of the demand app: work orders, the review queue, the dashboard and recommended topics."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from pufa.core.actors import is_system
from pufa.core.models import Domain
from pufa.demand import engine
from pufa.demand.models import DemandAreaCount, DemandCount, GazetteerEntry, KeywordRule, MenuOrder, WorkOrder
from pufa.demand.routing import Route, route_many
from pufa.ledger.counting import participations
from pufa.org.access import ancestor_paths, can, grants, scope, visible_or_404
from pufa.org.models import Region


def office_regions(actor: Any, action: str = "demand.manage") -> QuerySet[Region]:
    """The regions whose orders the actor may import or look after (the regions of its office grants)."""
    if getattr(actor, "is_superuser", False):
        return Region.objects.filter(deleted_at__isnull=True, level__in=["city", "district", "street"])
    paths = [g.region_path for g in grants(actor) if g.region_wide and g.allows(action)]
    return Region.objects.filter(path__in=paths, deleted_at__isnull=True).order_by("path")


def push_region(*, actor: Any, pk: int | None) -> Region:
    """The office region a push of work orders goes to: the one given (invisible → 404; visible but not an
    office region of the actor's `demand.push` grants → 403), or, when none is given, the actor's only one."""
    regions = office_regions(actor, "demand.push")
    if pk is None:
        found = list(regions[:2])
        if not found:
            raise PermissionDenied("您没有推送热线工单的权限（法宣办可以推送）。")
        if len(found) > 1:
            raise ValidationError({"region": "您在多个法宣办任职，请用 region 指明推送到哪个区划。"})
        return found[0]
    region = visible_or_404(Region.objects.all(), actor, action="org.view", pk=pk)
    if not regions.filter(pk=region.pk).exists():
        raise PermissionDenied("只能推送到您所在法宣办的区划。")
    return region


def places_below(regions: QuerySet[Region]) -> QuerySet[Region]:
    """Streets and communities below the given regions (the places an order may be corrected to)."""
    q = Q(pk__in=[])
    for region in regions:
        q |= Q(path__startswith=region.path)
    return Region.objects.filter(q, deleted_at__isnull=True).exclude(level=Region.Level.GROUP).order_by("path")


def filter_place(*, actor: Any, pk: int | None) -> Region | None:
    """A place filter's region, looked up within the actor's scope: an id outside it is an ignored filter,
    never a region name shown to someone who may not see it."""
    if not pk:
        return None
    return scope(Region.objects.filter(pk=pk), actor, "demand.view").first()


def filter_domain(pk: int | None) -> Domain | None:
    """A domain filter's domain (the taxonomy is the same for everyone); an unknown id is an ignored filter."""
    return Domain.objects.filter(pk=pk).first() if pk else None


def review_q() -> Q:
    """The orders waiting for review: a guessed domain or place below the review threshold, not yet reviewed."""
    threshold = engine.review_below()
    return Q(reviewed=False) & (
        Q(domain_manual=False, domain_confidence__lt=threshold) | Q(place_manual=False, place_confidence__lt=threshold)
    )


def order_list(
    *,
    actor: Any,
    domain: Domain | None = None,
    place: Region | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    review: bool = False,
    q: str = "",
    exact: bool = False,
    unplaced: bool = False,
) -> QuerySet[WorkOrder]:
    """The orders the actor may see, filtered; `place` takes the orders of that region and those below it (only
    those placed at the region itself with `exact`), `unplaced` those placed nowhere, `start`/`end` are days of
    receipt (both inclusive)."""
    orders = scope(WorkOrder.objects.all(), actor, "demand.view").select_related("domain", "place")
    if domain is not None:
        orders = orders.filter(domain=domain)
    if place is not None:
        orders = orders.filter(place=place) if exact else orders.filter(place__path__startswith=place.path)
    if unplaced:
        orders = orders.filter(place__isnull=True)
    if start is not None:
        orders = orders.filter(received_at__gte=_start_of(start))
    if end is not None:
        orders = orders.filter(received_at__lt=_start_of(end + dt.timedelta(days=1)))
    if review:
        orders = orders.filter(review_q())
    if q:
        orders = orders.filter(Q(number__icontains=q) | Q(text__icontains=q) | Q(address__icontains=q))
    return orders


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def order_get(*, actor: Any, pk: int, action: str = "demand.view") -> WorkOrder:
    return visible_or_404(WorkOrder.objects.select_related("domain", "place", "region"), actor, action=action, pk=pk)


def gazetteer(*, actor: Any) -> QuerySet[GazetteerEntry]:
    return scope(GazetteerEntry.objects.select_related("region"), actor, "demand.view")


def gazetteer_get(*, actor: Any, pk: int) -> GazetteerEntry:
    return visible_or_404(GazetteerEntry.objects.all(), actor, action="demand.manage", pk=pk)


def rules(*, actor: Any) -> QuerySet[KeywordRule]:
    """The default rules and the rules of the actor's regions."""
    mine = scope(KeywordRule.objects.all(), actor, "demand.view").values("pk")
    return KeywordRule.objects.filter(Q(region__isnull=True) | Q(pk__in=mine)).select_related("domain", "region")


def rule_get(*, actor: Any, pk: int) -> KeywordRule:
    rule = KeywordRule.objects.filter(pk=pk, region__isnull=True).first()
    if rule is not None and can(actor, "demand.view"):
        return rule
    return visible_or_404(KeywordRule.objects.all(), actor, action="demand.manage", pk=pk)


def todos(actor: Any) -> list[Any] | None:
    """Orders whose domain or place the classifier was unsure of, for the offices that correct them; the 点单
    waiting on the units the actor acts for."""
    from pufa.core.home import Todo

    lines = menu_todos(actor)
    if can(actor, "demand.manage"):
        count = scope(WorkOrder.objects.filter(review_q()), actor, "demand.manage").count()
        lines.insert(0, Todo("条热线工单待复核分类", count, f"{reverse('demand:order-list')}?review=1", order=60))
    return lines or None


# ---------------------------------------------------------------- dashboard


@dataclass
class Cell:
    count: int
    url: str
    label: str = ""


def _url(**params: Any) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{_order_list_url()}?{urlencode(clean)}"


@functools.lru_cache(maxsize=1)
def _order_list_url() -> str:
    """The order list's path, reversed once per process (the dashboard links thousands of figures to it)."""
    return reverse("demand:order-list")


def month_span(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The dashboard's period widened to whole months (the counts are kept per month): the first day of
    `start`'s month to the last day of `end`'s."""
    return start.replace(day=1), _last_day(end)


def _last_day(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def counts_of(*, actor: Any, start: dt.date, end: dt.date, place: Region | None = None) -> QuerySet[DemandCount]:
    """The count rows of the orders the actor may see, received in the months start..end (whole months),
    placed at or below `place` — the rows behind every dashboard figure, matching `order_list` with the
    same filters over the same whole months."""
    rows = scope(DemandCount.objects.all(), actor, "demand.view").filter(
        month__gte=start.replace(day=1), month__lte=end, n__gt=0
    )
    if place is not None:
        below = Region.objects.filter(path__startswith=place.path).values("pk")
        rows = rows.filter(place__in=below)
    return rows.order_by()


def view_roots(actor: Any) -> list[Region]:
    """The top regions whose demand the actor sees: the regions of its region-wide `demand.view` grants, those
    inside another one dropped; for SYSTEM and superusers, the top regions of the tree."""
    if is_system(actor) or getattr(actor, "is_superuser", False):
        return list(Region.objects.filter(parent__isnull=True).order_by("path"))
    tops: list[str] = []
    for path in sorted({g.region_path for g in grants(actor) if g.region_wide and g.allows("demand.view")}, key=len):
        if not any(path.startswith(t) for t in tops):
            tops.append(path)
    return list(Region.objects.filter(path__in=tops).order_by("path")) if tops else []


#: The levels a dashboard opens one level down to (a community's level below, resident groups, holds no orders).
DRILL_LEVELS = (Region.Level.CITY, Region.Level.DISTRICT, Region.Level.STREET)


@dataclass
class AreaRow:
    label: str
    region: Region | None  # a region one level down; None for orders placed at the area itself or nowhere
    down_url: str  # the dashboard one level down (a community: its orders)
    cells: list[Cell]
    total: Cell


@dataclass
class Rising:
    """A topic whose orders grew: `before` in the previous months, `now` in the recent ones (as many)."""

    place: Region | None  # None: the whole area shown
    domain: Domain
    before: int
    now: int
    url: str  # the orders of the recent months

    @property
    def change(self) -> int:
        return self.now - self.before

    @property
    def percent(self) -> int | None:
        return round(100 * self.change / self.before) if self.before else None


@dataclass
class Effect:
    """Hotline volume of a domain before and after the first publicity of that domain delivered in the area in
    the period (counted activities, 点单 deliveries among them): orders in the `months` whole months before
    the month of that publicity and in as many after it (fewer while they have not all passed)."""

    domain: Domain
    month: dt.date
    activities: int  # counted activities of the domain in the area in that month
    activities_url: str
    before: Cell
    after: Cell
    after_months: int

    @property
    def change(self) -> int:
        return self.after.count - self.before.count


@dataclass
class Trend:
    """One domain in the area month by month: its orders and its counted activities, each linking to its records."""

    domain: Domain
    months: list[tuple[dt.date, Cell, Cell]]  # (month, orders, activities)


@dataclass
class Dashboard:
    home: Region | None  # the area shown; None when the actor sees several top regions (shown as the rows)
    crumbs: list[tuple[str, str]]  # (name, dashboard url) from the actor's top region down to `home`
    domains: list[Domain]
    areas: list[AreaRow]  # one level down, each linking down another level
    months: list[tuple[dt.date, list[Cell], Cell]]
    totals: list[Cell]
    total: Cell
    start: dt.date
    end: dt.date
    recent: tuple[dt.date, dt.date, dt.date, dt.date]  # previous first..last month, recent first..last month
    rising_domains: list[Rising]
    rising_places: list[Rising]
    effects: list[Effect]
    trend: Trend | None


#: Rising topics shown: over the whole area by domain, and by area one level down and domain.
RISING_DOMAINS = 5
RISING_PLACES = 10


def dashboard_url(**params: Any) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{reverse('demand:dashboard')}?{urlencode(clean)}" if clean else reverse("demand:dashboard")


def _add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def recent_months(end: dt.date, today: dt.date, months: int) -> tuple[dt.date, dt.date, dt.date, dt.date]:
    """The rising topics' two periods: the `months` whole months ending with `end`'s month — or with the month
    before the current one, which has not ended — and as many months before them."""
    last = min(end.replace(day=1), _add_months(today.replace(day=1), -1))
    first = _add_months(last, 1 - months)
    return _add_months(first, -months), _add_months(first, -1), first, last


def dashboard(
    *,
    actor: Any,
    start: dt.date,
    end: dt.date,
    place: Region | None = None,
    domain: Domain | None = None,
    today: dt.date | None = None,
) -> Dashboard:
    """The demand of the area the actor looks at (`place`, else its top region), one level down — a city's
    districts, a district's streets, a street's communities — by domain and by month over the whole months of
    start..end, with the rising topics and the effect of publicity; every figure links to exactly the orders it
    counts (the order list with the same filters), every area one level further down. Read from the area counts
    (`DemandAreaCount`, the counting rule of `pufa.demand.counts`): a few hundred rows whatever the number of
    orders or communities."""
    today = today or timezone.localdate()
    start, end = month_span(start, end)
    k, minimum = recommendation_settings()
    recent = recent_months(end, today, k)
    roots = view_roots(actor)
    home = place or (roots[0] if len(roots) == 1 else None)
    if home is not None:
        children = list(Region.all_objects.filter(parent=home).exclude(level=Region.Level.GROUP).order_by("path"))
    else:
        children = roots
    whole = place.pk if place is not None else DemandCount.NONE  # the area whose orders the page totals
    ids = {c.pk for c in children} | {whole} | ({home.pk} if home is not None else set())
    first = min(start, recent[0], _add_months(start, -k))
    rows = (
        scope(DemandAreaCount.objects.all(), actor, "demand.view")
        .filter(area__in=ids, month__gte=first, month__lte=max(end, _last_day(recent[3])), n__gt=0)
        .order_by()
        .values_list("area", "domain", "month")
        .annotate(t=Sum("n"))
    )
    by_area: dict[tuple[int, int], int] = defaultdict(int)  # (area, domain) over the period
    series: dict[tuple[int, int, dt.date], int] = defaultdict(int)  # (area, domain, month), all months read
    for area, domain_key, month, n in rows:
        series[(area, domain_key, month)] += n
        if start <= month <= end:
            by_area[(area, domain_key)] += n
    domain_ids = {d for a, d in by_area if a == whole and d != DemandCount.NONE}
    if domain is not None:
        domain_ids.add(domain.pk)
    domains = list(Domain.objects.filter(pk__in=domain_ids).order_by("sort_order", "id"))
    keys = [*(d.pk for d in domains), DemandCount.NONE]
    here = place.pk if place is not None else None
    common = {"start": start.isoformat(), "end": end.isoformat()}

    def row(label: str, region: Region | None, counts: dict[int, int], down: str, **params: Any) -> AreaRow:
        cells = [Cell(counts.get(d.pk, 0), _url(**common, **params, domain=d.pk), d.name) for d in domains]
        return AreaRow(label, region, down, cells, Cell(sum(counts.values()), _url(**common, **params)))

    def of(area: int) -> dict[int, int]:
        return {d: by_area.get((area, d), 0) for d in keys}

    areas = []
    below: dict[int, int] = defaultdict(int)
    for child in children:
        counts = of(child.pk)
        for d, n in counts.items():
            below[d] += n
        if child.deleted_at is not None and not any(counts.values()):
            continue
        if child.level in DRILL_LEVELS:
            down = dashboard_url(place=child.pk, **common)
        else:
            down = _url(**common, place=child.pk)
        areas.append(row(child.name, child, counts, down, place=child.pk))
    if home is not None:
        own = {d: n - below[d] for d, n in of(home.pk).items()}
        if any(own.values()):
            label = f"{home.name}（未细分到下级）" if children else home.name
            areas.append(row(label, None, own, "", place=home.pk, exact=1))
        below = of(home.pk)
    if place is None:
        unplaced = {d: n - below[d] for d, n in of(DemandCount.NONE).items()}
        if any(unplaced.values()):
            areas.append(row("未识别地点", None, unplaced, "", unplaced=1))
    month_total: dict[dt.date, int] = defaultdict(int)
    for (area, _, month), n in series.items():
        if area == whole and start <= month <= end:
            month_total[month] += n
    month_rows = []
    for month in sorted(month_total):
        span = {"start": month.isoformat(), "end": _last_day(month).isoformat()}
        cells = [
            Cell(series.get((whole, d.pk, month), 0), _url(**span, domain=d.pk, place=here), d.name) for d in domains
        ]
        month_rows.append((month, cells, Cell(month_total[month], _url(**span, place=here))))
    totals = [Cell(by_area.get((whole, d.pk), 0), _url(**common, domain=d.pk, place=here), d.name) for d in domains]
    grand = Cell(sum(n for (a, _), n in by_area.items() if a == whole), _url(**common, place=here))

    def window(area: int, domain_id: int, first: dt.date, last: dt.date) -> int:
        return sum(n for (a, d, m), n in series.items() if a == area and d == domain_id and first <= m <= last)

    def rising(area: int, region: Region | None, region_pk: int | None) -> list[Rising]:
        found = []
        for d in {d for (a, d, _) in series if a == area and d != DemandCount.NONE}:
            before, now = window(area, d, recent[0], recent[1]), window(area, d, recent[2], recent[3])
            if now > before and now >= minimum:
                url = _url(start=recent[2].isoformat(), end=_last_day(recent[3]).isoformat(), place=region_pk, domain=d)
                found.append((region, d, before, now, url))
        return [Rising(r, _domain(d), b, n, u) for r, d, b, n, u in found]

    domain_cache: dict[int, Domain] = {d.pk: d for d in domains}

    def _domain(pk: int) -> Domain:
        if pk not in domain_cache:
            domain_cache.update(Domain.objects.in_bulk([pk]))
        return domain_cache[pk]

    order = lambda r: (-r.change, -r.now, r.domain.sort_order, r.place.path if r.place else "")  # noqa: E731
    rising_domains = sorted(rising(whole, None, here), key=order)[:RISING_DOMAINS]
    rising_places = []
    for child in children:
        rising_places += rising(child.pk, child, child.pk)
    rising_places = sorted(rising_places, key=order)[:RISING_PLACES]

    effects: list[Effect] = []
    trend = None
    if home is not None:
        held = _activities_by_month(home, start=first, end=end)
        last_whole = recent[3]
        for dom in domains:
            months_held = sorted(m for (code, m) in held if code == dom.code and start <= m <= end)
            if months_held:
                m = months_held[0]
                before_first, before_last = _add_months(m, -k), _add_months(m, -1)
                after_first, after_last = _add_months(m, 1), min(_add_months(m, k), last_whole)
                after_months = max(
                    0, (after_last.year - after_first.year) * 12 + after_last.month - after_first.month + 1
                )
                links: dict[str, Any] = {"domain": dom.pk, "place": here}
                effects.append(
                    Effect(
                        domain=dom,
                        month=m,
                        activities=held[(dom.code, m)],
                        activities_url=_ledger_url(home, dom, m, _last_day(m)),
                        before=Cell(
                            window(whole, dom.pk, before_first, before_last),
                            _url(start=before_first.isoformat(), end=_last_day(before_last).isoformat(), **links),
                        ),
                        after=Cell(
                            window(whole, dom.pk, after_first, after_last) if after_months else 0,
                            _url(start=after_first.isoformat(), end=_last_day(after_last).isoformat(), **links)
                            if after_months
                            else "",
                        ),
                        after_months=after_months,
                    )
                )
        if domain is not None:
            points = []
            month = start
            while month <= end:
                orders = Cell(
                    series.get((whole, domain.pk, month), 0),
                    _url(start=month.isoformat(), end=_last_day(month).isoformat(), domain=domain.pk, place=here),
                )
                acts = Cell(held.get((domain.code, month), 0), _ledger_url(home, domain, month, _last_day(month)))
                points.append((month, orders, acts))
                month = _add_months(month, 1)
            trend = Trend(domain, points)
    return Dashboard(
        home=home,
        crumbs=_crumbs(roots, home, common),
        domains=domains,
        areas=areas,
        months=month_rows,
        totals=totals,
        total=grand,
        start=start,
        end=end,
        recent=recent,
        rising_domains=rising_domains,
        rising_places=rising_places,
        effects=effects,
        trend=trend,
    )


def _crumbs(roots: list[Region], home: Region | None, common: dict[str, str]) -> list[tuple[str, str]]:
    """The way back up: the regions from the actor's top region down to the area shown."""
    if home is None:
        return []
    chain = Region.objects.filter(path__in=ancestor_paths(home.path)).order_by("depth")
    root_paths = [r.path for r in roots]
    crumbs = []
    for region in chain:
        if any(region.path.startswith(p) for p in root_paths):
            top = region.path in root_paths and len(roots) == 1
            crumbs.append((region.name, dashboard_url(**common, place=None if top else region.pk)))
    return crumbs


def _activities_by_month(region: Region, *, start: dt.date, end: dt.date) -> dict[tuple[str, dt.date], int]:
    """Counted activities (the ledger's rule, each activity once) held in the region per domain code and month:
    from the monthly rollups for a city, district or street, from the counted participations for a community."""
    from pufa.progress.models import RegionMonthStat
    from pufa.progress.rollups import ROLLUP_LEVELS

    start, end = start.replace(day=1), _last_day(end)
    if region.level in ROLLUP_LEVELS:
        rows = RegionMonthStat.objects.filter(
            region=region, dim=RegionMonthStat.Dim.DOMAIN, month__gte=start, month__lte=end, activities__gt=0
        ).values_list("code", "month", "activities")
        return {(code, month): n for code, month, n in rows}
    held: dict[tuple[str, dt.date], set[int]] = defaultdict(set)
    found = (
        participations(region=region, start=start, end=end)
        .filter(activity__domains__isnull=False)
        .values_list("activity_id", "activity__date", "activity__domains__code")
        .distinct()
    )
    for activity_id, day, code in found:
        held[(code, day.replace(day=1))].add(activity_id)
    return {key: len(ids) for key, ids in held.items()}


def _ledger_url(region: Region, domain: Domain, start: dt.date, end: dt.date) -> str:
    from pufa.progress.selectors import ledger_url

    return ledger_url(region=region.pk, domain=domain.code, start=start, end=end)


@dataclass
class Recommendation:
    place: Region
    domain: Domain
    orders: int
    activities: int
    orders_url: str
    route: Route | None = None  # the unit responsible there (谁执法谁普法), or the office when no list covers it


#: The recommended topics shown at most (highest demand first), each routed to its responsible unit.
RECOMMENDATIONS_SHOWN = 30
#: The areas whose dashboard lists recommended topics: a district's few hundred communities at most. A city's
#: (thousands of communities × domains to rank: 0.3–0.7 s at 1,000,000 orders) opens a district for them.
RECOMMEND_IN = (Region.Level.DISTRICT, Region.Level.STREET, Region.Level.COMMUNITY)
#: Candidates read per page (highest demand first) while looking for uncovered ones; at most ten pages.
CANDIDATES = 300


def _under(paths: set[str]) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(region_path__startswith=path)
    return q


def recommendation_settings() -> tuple[int, int]:
    """(months looked back, orders that make a demand high): settings PUFA_DEMAND_RECENT_MONTHS (3) and
    PUFA_DEMAND_MIN_ORDERS (3)."""
    return (
        int(getattr(settings, "PUFA_DEMAND_RECENT_MONTHS", 3)),
        int(getattr(settings, "PUFA_DEMAND_MIN_ORDERS", 3)),
    )


def recommendations(*, actor: Any, today: dt.date | None = None, place: Region | None = None) -> list[Recommendation]:
    """推荐普法主题: per community, the domains with at least the minimum of orders in the recent months (whole
    months, read from the count table) and no counted activity in that domain there over the same months —
    activities as the ledger counts them (`participations`: submitted or confirmed, not deleted, consented)
    by any unit of the community or below it. Highest demand first, at most RECOMMENDATIONS_SHOWN, each with
    the unit responsible by the duty lists (`pufa.demand.routing`). Candidates are read CANDIDATES at a time
    (four reads a page, at most ten pages), plus the routing of those shown. With `place`, the communities at
    or below it (the area the dashboard shows)."""
    today = today or timezone.localdate()
    months, minimum = recommendation_settings()
    start = (today.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    end = _last_day(today)
    rows = (
        counts_of(actor=actor, start=start, end=end, place=place)
        .exclude(place=DemandCount.NONE)
        .exclude(domain=DemandCount.NONE)
    )
    ranked = (
        rows.values_list("place", "domain")
        .annotate(t=Sum("n"))
        .filter(t__gte=minimum)
        .order_by("-t", "place", "domain")
    )
    # The candidates are read highest demand first, a page at a time, until enough are not covered: a city
    # has tens of thousands of (community, domain) pairs above the minimum, and only the first few are shown.
    result: list[Recommendation] = []
    roots: set[str] | None = None
    for offset in range(0, 10 * CANDIDATES, CANDIDATES):
        found = list(ranked[offset : offset + CANDIDATES])
        if not found:
            break
        if roots is None:  # the offices whose orders these are, from their few area rows
            offices = scope(DemandAreaCount.objects.all(), actor, "demand.view").filter(
                area=place.pk if place is not None else DemandAreaCount.NONE, month__gte=start, month__lte=end, n__gt=0
            )
            roots = set(offices.order_by().values_list("region__path", flat=True).distinct())
        regions = Region.objects.in_bulk({p for p, _, _ in found})
        domains = Domain.objects.in_bulk({d for _, d, _ in found})
        # Where each domain was publicised: one read of the counted participations (the ledger's rule) below
        # the offices whose orders these are, turned into the set of regions at or above each participation.
        held = participations(start=start, end=today).filter(activity__domains__in=list(domains))
        covered: dict[int, set[str]] = defaultdict(set)
        for path, domain_id in held.filter(_under(roots)).values_list("region_path", "activity__domains").distinct():
            covered[domain_id].update(ancestor_paths(path))
        for place_id, domain_id, n in found:
            region, domain = regions[place_id], domains[domain_id]
            if region.path not in covered[domain_id]:
                url = _url(start=start.isoformat(), end=end.isoformat(), place=place_id, domain=domain_id)
                result.append(Recommendation(region, domain, n, 0, url))
        if len(result) >= RECOMMENDATIONS_SHOWN or len(found) < CANDIDATES:
            break
    result.sort(key=lambda r: (-r.orders, r.place.path, r.domain.sort_order))
    result = result[:RECOMMENDATIONS_SHOWN]
    for r, found_route in zip(result, route_many([(r.domain, r.place) for r in result], year=today.year), strict=True):
        r.route = found_route
    return result


# ---------------------------------------------------------------- 点单: the ordering loop


#: The loop's figures, each a filter on the orders (the office's page counts with it, the list it links to
#: filters with it, the metrics compute with it): name → (label, condition).
def figure_q(name: str, today: dt.date) -> Q:
    S = MenuOrder.Status
    conditions = {
        "orders": Q(),
        "by_list": Q(by_duty_list=True),
        "accepted": Q(status__in=[S.ACCEPTED, S.DELIVERED, S.RATED]),
        "declined": Q(status=S.DECLINED),
        "delivered": Q(status__in=[S.DELIVERED, S.RATED]),
        "on_time": Q(on_time=True),
        "rated": Q(status=S.RATED),
        "waiting": Q(status__in=[S.ROUTED, S.ACCEPTED]),
        "overdue": overdue_q(today),
    }
    return conditions[name]


FIGURES: dict[str, str] = {
    "orders": "点单",
    "by_list": "按清单派单",
    "accepted": "接单",
    "declined": "拒单",
    "delivered": "送单",
    "on_time": "按时送单",
    "rated": "评单",
    "waiting": "办理中",
    "overdue": "已超时",
}


def overdue_q(today: dt.date) -> Q:
    """Waiting past the limit of its step: not accepted by `accept_due`, or accepted and not delivered by
    `deliver_due`."""
    S = MenuOrder.Status
    return Q(status=S.ROUTED, accept_due__lt=today) | Q(status=S.ACCEPTED, deliver_due__lt=today)


def handled_unit_ids(actor: Any) -> list[int]:
    """The units the actor acts for directly on their orders (its own 待办)."""
    from pufa.org.access import acting_unit_ids

    return acting_unit_ids(actor, "demand.order.handle")


def menu_orders(
    *,
    actor: Any,
    figure: str = "",
    status: str = "",
    unit_id: int | None = None,
    mine: bool = False,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
) -> QuerySet[MenuOrder]:
    """The orders the actor may see, filtered; `start`/`end` are days the orders were placed."""
    today = today or timezone.localdate()
    orders = scope(MenuOrder.objects.all(), actor, "demand.order.view").select_related(
        "domain", "kind", "place", "unit"
    )
    if figure in FIGURES:
        orders = orders.filter(figure_q(figure, today))
    if status in MenuOrder.Status.values:
        orders = orders.filter(status=status)
    if unit_id:
        orders = orders.filter(unit_id=unit_id)
    if mine:
        orders = orders.filter(unit_id__in=handled_unit_ids(actor))
    if start is not None:
        orders = orders.filter(ordered_on__gte=start)
    if end is not None:
        orders = orders.filter(ordered_on__lte=end)
    return orders


def menu_order_get(*, actor: Any, pk: int) -> MenuOrder:
    return visible_or_404(
        MenuOrder.objects.select_related("domain", "kind", "place", "unit", "activity", "item"),
        actor,
        action="demand.order.view",
        pk=pk,
    )


def delivered_order(*, actor: Any, activity: Any) -> MenuOrder | None:
    """The 点单 this ledger activity delivered, if the actor may see it (for the activity page's section)."""
    orders = scope(MenuOrder.objects.filter(activity_id=activity.pk), actor, "demand.order.view")
    return orders.select_related("domain", "kind", "place", "unit").first()


def delivery_candidates(order: MenuOrder) -> QuerySet[Any]:
    """The unit's counted activities since the order was placed, not yet delivering another order."""
    from pufa.ledger.models import Activity

    return (
        Activity.objects.filter(
            unit_id=order.unit_id,
            status__in=Activity.COUNTED,
            date__gte=order.ordered_on,
            menu_order__isnull=True,
        )
        .order_by("-date", "-id")
        .only("id", "title", "date")[:50]
    )


@dataclass
class LoopRow:
    unit_id: int
    unit_name: str
    cells: list[Cell]
    rating: float | None


def loop_figures(*, actor: Any, start: dt.date, end: dt.date, today: dt.date | None = None) -> list[LoopRow]:
    """Per unit the orders were routed to: every figure of FIGURES over the orders placed in start..end that
    the actor sees, each linking to exactly those orders, and the average rating (of the rated ones)."""
    today = today or timezone.localdate()
    orders = menu_orders(actor=actor, start=start, end=end, today=today).order_by()
    aggregates = {name: Count("id", filter=figure_q(name, today)) for name in FIGURES}
    rows = orders.values("unit_id", "unit__name").annotate(**aggregates, avg=Avg("rating")).order_by("unit__name")
    common = {"start": start.isoformat(), "end": end.isoformat()}
    result = []
    for row in rows:
        cells = [
            Cell(row[name], _menu_url(**common, unit=row["unit_id"], figure=name), label)
            for name, label in FIGURES.items()
        ]
        avg = round(float(row["avg"]), 2) if row["avg"] is not None else None
        result.append(LoopRow(row["unit_id"], row["unit__name"], cells, avg))
    return result


def _menu_url(**params: Any) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{reverse('demand:menu-order-list')}?{urlencode(clean)}"


def menu_todos(actor: Any) -> list[Any]:
    """The orders waiting on the units the actor acts for: to accept, to deliver, and those past their limit."""
    from pufa.core.home import Todo

    units = handled_unit_ids(actor)
    if not units:
        return []
    today = timezone.localdate()
    mine = MenuOrder.objects.filter(unit_id__in=units)
    base = reverse("demand:menu-order-list")
    counts = mine.aggregate(
        routed=Count("id", filter=Q(status=MenuOrder.Status.ROUTED)),
        accepted=Count("id", filter=Q(status=MenuOrder.Status.ACCEPTED)),
        late=Count("id", filter=overdue_q(today)),
    )
    return [
        Todo("条点单待接单", counts["routed"], f"{base}?mine=1&status=routed", order=61),
        Todo("条点单待送单", counts["accepted"], f"{base}?mine=1&status=accepted", order=62),
        Todo("条点单已超时", counts["late"], f"{base}?mine=1&figure=overdue", order=63),
    ]


# ---------------------------------------------------------------- 普法菜单 on the portal (no login)

#: The forms of delivery a duty item's measures name (载体与措施), when none of its announced activities says.
MEASURE_WORDS = (
    ("讲座", "ztjz"),
    ("法治课", "ztjz"),
    ("宣讲", "ztjz"),
    ("咨询", "flzx"),
    ("演出", "wyyc"),
    ("文艺", "wyyc"),
    ("以案释法", "yasf"),
    ("送法", "sfsm"),
    ("培训", "px"),
)


@dataclass(frozen=True)
class PublicOffer:
    item_id: int
    unit_name: str
    content: str
    forms: tuple[str, ...]


@dataclass(frozen=True)
class PublicTopic:
    domain_id: int
    name: str
    forms: tuple[tuple[int, str], ...]  # (activity kind id, name)
    offers: tuple[PublicOffer, ...]
    laws: tuple[str, ...]


@dataclass(frozen=True)
class PublicPlace:
    id: int
    name: str
    level: str


@dataclass(frozen=True)
class PublicOrder:
    """What the orderer's private link shows: never the contact, the handler's people or internal notes."""

    id: int
    status: str
    status_label: str
    domain: str
    kind: str
    place: str
    unit: str
    ordered_on: dt.date
    accept_due: dt.date
    deliver_due: dt.date | None
    decline_reason: str
    delivered_title: str
    delivered_on: dt.date | None
    rating: int | None
    rating_comment: str
    #: The delivering activity (its effect survey, if any, is offered beside the rating: the portal links them).
    delivered_id: int | None = None


#: Topics shown per menu, and offers per topic.
MENU_OFFERS = 8


def public_items() -> QuerySet[Any]:
    """The portal's boundary for the menu: items of lists announced to the public, of living units (the same
    base as `pufa.portal.selectors.published_lists`)."""
    from pufa.duties.models import DutyItem, DutyList

    return DutyItem.objects.filter(
        deleted_at__isnull=True,
        duty_list__status__in=DutyList.PUBLIC_STATUSES,
        duty_list__deleted_at__isnull=True,
        duty_list__unit__deleted_at__isnull=True,
    )


def public_menu(*, region_id: int | None, year: int) -> tuple[PublicTopic, ...]:
    """普法菜单: per domain, what units offer — from the items of their published duty lists of `year` (or the
    year before), with the forms of delivery their announced activities (else their measures) name. For a
    place, the units there, above it (who route its orders) and below it. Cached under the duties' public
    version, which every publish and withdrawal changes."""
    from django.core.cache import cache

    from pufa.duties.selectors import public_version

    key = f"demand:menu:{public_version()}:{region_id}:{year}"
    menu = cache.get(key)
    if menu is None:
        menu = _build_menu(region_id=region_id, year=year)
        cache.set(key, menu, 600)
    return menu


def _build_menu(*, region_id: int | None, year: int) -> tuple[PublicTopic, ...]:
    from pufa.core.models import ActivityKind
    from pufa.duties.models import DutyItem, PlannedActivity

    items = public_items().filter(duty_list__year__in=[year, year - 1])
    if region_id is not None:
        region = Region.objects.filter(pk=region_id, deleted_at__isnull=True).first()
        if region is None:
            return ()
        items = items.filter(
            Q(duty_list__unit__region__path__in=ancestor_paths(region.path))
            | Q(duty_list__unit__region__path__startswith=region.path)
        )
    rows = list(
        items.values_list("id", "content", "measures", "duty_list__unit__name").order_by(
            "duty_list__unit__name", "order", "id"
        )[:2000]
    )
    ids = [r[0] for r in rows]
    kinds = {k.code: (k.pk, k.name) for k in ActivityKind.objects.filter(is_active=True)}
    kind_names = {pk: name for pk, name in kinds.values()}
    planned: dict[int, set[int]] = defaultdict(set)
    for item_id, kind_id in PlannedActivity.objects.filter(item_id__in=ids, deleted_at__isnull=True).values_list(
        "item_id", "kind_id"
    ):
        planned[item_id].add(kind_id)
    domains: dict[int, list[int]] = defaultdict(list)
    through = DutyItem.domains.through
    for item_id, domain_id in through.objects.filter(dutyitem_id__in=ids).values_list("dutyitem_id", "domain_id"):
        domains[item_id].append(domain_id)
    laws: dict[int, set[str]] = defaultdict(set)
    law_through = DutyItem.laws.through
    for item_id, name in law_through.objects.filter(dutyitem_id__in=ids).values_list("dutyitem_id", "law__name"):
        laws[item_id].add(name.removeprefix("中华人民共和国"))
    by_domain: dict[int, list[tuple[PublicOffer, set[int]]]] = defaultdict(list)
    for item_id, content, measures, unit_name in rows:
        forms = set(planned.get(item_id, set()))
        if not forms:
            forms = {kinds[code][0] for word, code in MEASURE_WORDS if word in measures and code in kinds}
        if not forms and "ztjz" in kinds:
            forms = {kinds["ztjz"][0]}
        offer = PublicOffer(
            item_id, unit_name, content[:120], tuple(sorted(kind_names[k] for k in forms if k in kind_names))
        )
        for domain_id in domains.get(item_id, []):
            by_domain[domain_id].append((offer, forms))
    topics = []
    for domain in Domain.objects.filter(pk__in=by_domain, is_active=True).order_by("sort_order", "id"):
        offers = by_domain[domain.pk]
        forms = set().union(*(f for _, f in offers))
        topic_laws: set[str] = set()
        for offer, _ in offers:
            topic_laws |= laws.get(offer.item_id, set())
        topics.append(
            PublicTopic(
                domain_id=domain.pk,
                name=domain.name,
                forms=tuple(sorted(((k, kind_names[k]) for k in forms if k in kind_names), key=lambda f: f[0])),
                offers=tuple(o for o, _ in offers[:MENU_OFFERS]),
                laws=tuple(sorted(topic_laws))[:5],
            )
        )
    return tuple(topics)


def public_places(region_id: int | None) -> tuple[PublicPlace, ...]:
    """Where an order can be placed: the streets (no region chosen), or a street and its communities."""
    streets = Region.objects.filter(deleted_at__isnull=True, level=Region.Level.STREET)
    if region_id is None:
        return tuple(PublicPlace(*r) for r in streets.order_by("path").values_list("id", "name", "level")[:500])
    region = Region.objects.filter(pk=region_id, deleted_at__isnull=True).first()
    if region is None:
        return ()
    street = region
    if region.level == Region.Level.COMMUNITY and region.parent_id is not None:
        street = Region.objects.filter(pk=region.parent_id).first() or region
    rows = (
        Region.objects.filter(path__startswith=street.path, deleted_at__isnull=True)
        .filter(level__in=[Region.Level.STREET, Region.Level.COMMUNITY])
        .order_by("path")
        .values_list("id", "name", "level")[:500]
    )
    return tuple(PublicPlace(*r) for r in rows)


def public_order(token: str) -> PublicOrder | None:
    """The order behind a private link, as the orderer may see it."""
    from pufa.demand.menu import token_hash

    if not token or len(token) > 100:
        return None
    row = (
        MenuOrder.objects.filter(token_hash=token_hash(token))
        .values(
            "id",
            "status",
            "domain__name",
            "kind__name",
            "place__name",
            "unit__name",
            "ordered_on",
            "accept_due",
            "deliver_due",
            "decline_reason",
            "activity_id",
            "activity__title",
            "activity__date",
            "rating",
            "rating_comment",
        )
        .first()
    )
    if row is None:
        return None
    return PublicOrder(
        id=row["id"],
        status=row["status"],
        status_label=str(MenuOrder.Status(row["status"]).label),
        domain=row["domain__name"],
        kind=row["kind__name"],
        place=row["place__name"],
        unit=row["unit__name"],
        ordered_on=row["ordered_on"],
        accept_due=row["accept_due"],
        deliver_due=row["deliver_due"],
        decline_reason=row["decline_reason"],
        delivered_title=row["activity__title"] or "",
        delivered_on=row["activity__date"],
        rating=row["rating"],
        rating_comment=row["rating_comment"],
        delivered_id=row["activity_id"],
    )
