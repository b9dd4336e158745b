"""Scoped reads of the demand app: work orders, the review queue, the dashboard and recommended topics."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from pufa.core.models import Domain
from pufa.demand import engine
from pufa.demand.models import GazetteerEntry, KeywordRule, WorkOrder
from pufa.demand.routing import Route, route
from pufa.ledger.counting import participations
from pufa.org.access import ancestor_paths, can, grants, scope, visible_or_404
from pufa.org.models import Region


def office_regions(actor: Any, action: str = "demand.manage") -> QuerySet[Region]:
    """The regions whose orders the actor may import or look after (the regions of its office grants)."""
    if getattr(actor, "is_superuser", False):
        return Region.objects.filter(deleted_at__isnull=True, level__in=["city", "district", "street"])
    paths = [g.region_path for g in grants(actor) if g.region_wide and g.allows(action)]
    return Region.objects.filter(path__in=paths, deleted_at__isnull=True).order_by("path")


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
) -> QuerySet[WorkOrder]:
    """The orders the actor may see, filtered; `place` takes the orders of that region and those below it,
    `start`/`end` are days of receipt (both inclusive)."""
    orders = scope(WorkOrder.objects.all(), actor, "demand.view").select_related("domain", "place")
    if domain is not None:
        orders = orders.filter(domain=domain)
    if place is not None:
        orders = orders.filter(place__path__startswith=place.path)
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
    """Orders whose domain or place the classifier was unsure of, for the offices that correct them."""
    from pufa.core.home import Todo

    if not can(actor, "demand.manage"):
        return None
    count = scope(WorkOrder.objects.filter(review_q()), actor, "demand.manage").count()
    return [Todo("条热线工单待复核分类", count, f"{reverse('demand:order-list')}?review=1", order=60)]


# ---------------------------------------------------------------- dashboard


@dataclass
class Cell:
    count: int
    url: str
    label: str = ""


@dataclass
class Dashboard:
    domains: list[Domain]
    places: list[tuple[Region | None, list[Cell], Cell]]  # (place, a cell per domain, the row's total)
    months: list[tuple[dt.date, list[Cell], Cell]]
    totals: list[Cell]
    total: Cell


def _url(**params: Any) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{reverse('demand:order-list')}?{urlencode(clean)}"


def dashboard(*, actor: Any, start: dt.date, end: dt.date, place: Region | None = None) -> Dashboard:
    """Counts of the visible orders received in start..end: place × domain and month × domain, every figure
    with the link to exactly the orders it counts (the order list with the same filters)."""
    orders = order_list(actor=actor, start=start, end=end, place=place)
    by_place: dict[tuple[int | None, int | None], int] = defaultdict(int)
    for place_id, domain_id, n in orders.order_by().values_list("place_id", "domain_id").annotate(n=Count("id")):
        by_place[(place_id, domain_id)] += n
    by_month: dict[tuple[dt.date, int | None], int] = defaultdict(int)
    rows = orders.order_by().annotate(m=TruncMonth("received_at")).values_list("m", "domain_id").annotate(n=Count("id"))
    for month, domain_id, n in rows:
        day = month.date() if isinstance(month, dt.datetime) else month
        by_month[(day, domain_id)] += n
    domain_ids = {d for _, d in by_place if d is not None}
    domains = list(Domain.objects.filter(pk__in=domain_ids).order_by("sort_order", "id"))
    common = {"start": start.isoformat(), "end": end.isoformat()}
    region_of = {r.pk: r for r in Region.objects.filter(pk__in={p for p, _ in by_place if p is not None})}

    def cell(n: int, label: str = "", **params: Any) -> Cell:
        return Cell(n, _url(**common, **params), label)

    place_rows = []
    for place_id in sorted({p for p, _ in by_place if p is not None}, key=lambda p: region_of[p].path):
        cells = [cell(by_place.get((place_id, d.pk), 0), d.name, place=place_id, domain=d.pk) for d in domains]
        total = sum(n for (p, _), n in by_place.items() if p == place_id)
        place_rows.append((region_of[place_id], cells, cell(total, place=place_id)))
    month_rows = []
    for month in sorted({m for m, _ in by_month}):
        last = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        span = {"start": max(month, start).isoformat(), "end": min(last, end).isoformat()}
        here = place.pk if place else None
        cells = [Cell(by_month.get((month, d.pk), 0), _url(**span, domain=d.pk, place=here), d.name) for d in domains]
        total = sum(n for (m, _), n in by_month.items() if m == month)
        month_rows.append((month, cells, Cell(total, _url(**span, place=place.pk if place else None))))
    totals = [
        cell(
            sum(n for (_, dd), n in by_place.items() if dd == d.pk),
            d.name,
            domain=d.pk,
            place=place.pk if place else None,
        )
        for d in domains
    ]
    grand = cell(sum(by_place.values()), place=place.pk if place else None)
    return Dashboard(domains=domains, places=place_rows, months=month_rows, totals=totals, total=grand)


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


def recommendations(*, actor: Any, today: dt.date | None = None) -> list[Recommendation]:
    """推荐普法主题: per community, the domains with at least the minimum of orders in the recent months and
    no counted activity in that domain there over the same months — activities as the ledger counts them
    (`participations`: submitted or confirmed, not deleted, consented) by any unit of the community or below
    it. Highest demand first, at most RECOMMENDATIONS_SHOWN, each with the unit responsible by the duty lists
    (`pufa.demand.routing`). Three reads whatever the number of communities, plus the routing of those shown."""
    today = today or timezone.localdate()
    months, minimum = recommendation_settings()
    start = (today.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    orders = order_list(actor=actor, start=start, end=today).filter(place__isnull=False, domain__isnull=False)
    rows = orders.order_by().values_list("place_id", "domain_id").annotate(n=Count("id")).filter(n__gte=minimum)
    found = list(rows)
    if not found:
        return []
    regions = Region.objects.in_bulk({p for p, _, _ in found})
    domains = Domain.objects.in_bulk({d for _, d, _ in found})
    # Where each domain was publicised: one read of the counted participations (the ledger's rule) below the
    # offices whose orders these are, turned into the set of regions at or above each participation.
    roots = set(orders.order_by().values_list("region__path", flat=True).distinct())
    held = participations(start=start, end=today).filter(activity__domains__in=list(domains))
    covered: dict[int, set[str]] = defaultdict(set)
    for path, domain_id in held.filter(_under(roots)).values_list("region_path", "activity__domains").distinct():
        covered[domain_id].update(ancestor_paths(path))
    result = []
    for place_id, domain_id, n in found:
        place, domain = regions[place_id], domains[domain_id]
        if place.path not in covered[domain_id]:
            url = _url(start=start.isoformat(), end=today.isoformat(), place=place_id, domain=domain_id)
            result.append(Recommendation(place, domain, n, 0, url))
    result.sort(key=lambda r: (-r.orders, r.place.path, r.domain.sort_order))
    result = result[:RECOMMENDATIONS_SHOWN]
    for r in result:
        r.route = route(domain=r.domain, place=r.place, year=today.year)
    return result
