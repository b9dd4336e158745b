"""Reads of the venues app. Every read starts from `pufa.org.access.scope`, except `public_*`, the portal's
boundary: open venues only, as frozen records of named public columns (no owner's contact, no note)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DateField, FloatField, Max, Q, QuerySet
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone

from pufa.ledger.models import Activity, ActivityUnit
from pufa.org.access import ancestor_paths, can, grants, scope, visible_or_404
from pufa.org.models import Region, Unit
from pufa.venues.metrics import RENEWING, open_on, open_venues, participations_at_venues
from pufa.venues.models import MapBoundary, Upkeep, Venue, VenueKind, VenuePhoto, VenueUse


def month_before(day: dt.date) -> dt.date:
    """The same day one month earlier (clamped to the month's end): a board updated on or before it is stale."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


#: The statuses a venue is counted in "as of" a day (with its dates): see `metrics.open_venues`.
RECKONED = (Venue.Status.OPEN, Venue.Status.CLOSED)


def with_last_update(qs: QuerySet[Venue]) -> QuerySet[Venue]:
    """Annotate `last_update`: the last content update (内容更新/新增展板), else the opening day."""
    return qs.annotate(
        last_update=Coalesce(
            Max("upkeeps__date", filter=Q(upkeeps__kind__in=RENEWING)), "opened_on", output_field=DateField()
        )
    )


def stale_boards(qs: QuerySet[Venue], today: dt.date | None = None) -> QuerySet[Venue]:
    """Open boards without a content update for a month or more (宣传栏每月一期)."""
    today = today or timezone.localdate()
    boards = qs.filter(open_on(today), kind__is_board=True)
    return with_last_update(boards).filter(last_update__lte=month_before(today))  # type: ignore[misc]


def venue_list(
    *,
    actor: Any,
    region: Region | None = None,
    unit: Unit | None = None,
    kinds: list[str] | None = None,
    level: str = "",
    status: str = "",
    as_of: dt.date | None = None,
    boards: bool = False,
    stale: bool = False,
    q: str = "",
    none: bool = False,
    last_update: bool = True,
) -> QuerySet[Venue]:
    """The venues the actor sees, filtered (`none`: a region or unit was asked for that the actor cannot see;
    `last_update=False`: without the annotation, whose grouping costs seconds over a whole city — the export
    reads the boards' last updates a batch at a time instead)."""
    venues = scope(Venue.objects.all(), actor)
    if none:
        venues = venues.none()
    if region is not None:
        venues = venues.filter(region__path__startswith=region.path)
    if unit is not None:
        venues = venues.filter(unit=unit)
    if kinds:
        venues = venues.filter(kind__code__in=kinds)
    if level:
        venues = venues.filter(level=level)
    if status:
        venues = venues.filter(status=status)
    if as_of is not None:
        venues = venues.filter(open_on(as_of))
    if boards:
        venues = venues.filter(kind__is_board=True)
    if q:
        venues = venues.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if stale:
        venues = stale_boards(venues)
    elif last_update:
        venues = with_last_update(venues)
    return venues.select_related("kind", "region", "unit").order_by("region__path", "kind__sort_order", "name")


def filter_region(*, actor: Any, pk: int | None) -> Region | None:
    """The region a list filter or the map names, if the actor may know of it: a region in their scope, or one
    around or within the units they belong to (a liaison's own community and street). Otherwise None, so no
    name outside the actor's scope is shown and no outline drawn."""
    if pk is None:
        return None
    q = Q(pk__in=scope(Region.objects.all(), actor).values("pk"))
    for grant in grants(actor):
        q |= Q(path__in=ancestor_paths(grant.region_path)) | Q(path__startswith=grant.region_path)
    return Region.objects.filter(q, pk=pk).first()


def filter_unit(*, actor: Any, pk: int | None) -> Unit | None:
    """The owning unit a list filter names, if the actor sees it (else None: its name is not shown)."""
    if pk is None:
        return None
    return scope(Unit.objects.all(), actor).filter(pk=pk).first()


def venue_get(*, actor: Any, pk: int, action: str = "venues.view") -> Venue:
    """One venue the actor may `action` on (404 if invisible, 403 if visible without the action)."""
    return visible_or_404(
        with_last_update(Venue.objects.select_related("kind", "region", "unit")), actor, action=action, pk=pk
    )


def venue_upkeeps(*, venue: Venue) -> QuerySet[Upkeep]:
    return venue.upkeeps.select_related("recorded_by").order_by("-date", "-id")


def venue_activities(*, venue: Venue) -> QuerySet[Activity]:
    """The ledger activities that name this venue and count (the ledger's rule), newest first."""
    counted = ActivityUnit.objects.counted().filter(is_organiser=True).values("activity_id")
    return Activity.objects.filter(venue_use__venue=venue, pk__in=counted).select_related("unit").order_by("-date")[:50]


def photo_get(*, actor: Any, pk: int, action: str = "venues.view") -> VenuePhoto:
    return visible_or_404(VenuePhoto.objects.select_related("venue", "venue__region"), actor, action=action, pk=pk)


def upkeep_get(*, actor: Any, pk: int, action: str = "venues.view") -> Upkeep:
    return visible_or_404(Upkeep.objects.select_related("venue", "venue__region"), actor, action=action, pk=pk)


def boundary_get(*, actor: Any, pk: int, action: str = "venues.manage") -> MapBoundary:
    """A map outline (regions are the offices' and inspectors': a community's liaison does not see them)."""
    return visible_or_404(MapBoundary.objects.select_related("region"), actor, action=action, pk=pk)


def kind_list(*, active_only: bool = True) -> QuerySet[VenueKind]:
    kinds = VenueKind.objects.all()
    return kinds.filter(is_active=True) if active_only else kinds


def editable_units(*, actor: Any) -> QuerySet[Unit]:
    """The units the actor may add venues for."""
    return scope(Unit.objects.all(), actor, "venues.edit").select_related("region").order_by("path")


def editable_regions(*, actor: Any) -> QuerySet[Region]:
    """The regions a venue of the actor's units may stand in: within the regions of those units."""
    paths = set(editable_units(actor=actor).values_list("region__path", flat=True))
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path)
    return Region.objects.filter(q).exclude(level=Region.Level.GROUP).order_by("path")


def activity_venue(*, activity: Activity) -> Venue | None:
    use = VenueUse.objects.filter(activity=activity).select_related("venue", "venue__kind").first()
    return use.venue if use else None


def activity_venue_choices(*, actor: Any, activity: Activity) -> QuerySet[Venue]:
    """Venues an activity of this unit could have taken place at: those the actor sees, open on its day, and
    the one it names already."""
    return (
        scope(Venue.objects.all(), actor, "venues.view")
        .filter(Q(pk__in=open_venues(activity.date).values("pk")) | Q(uses__activity=activity))
        .select_related("kind", "region")
        .distinct()
        .order_by("region__path", "name")
    )


def use_list(
    *, actor: Any, unit: Unit, start: dt.date | None, end: dt.date, kinds: list[str] | None = None
) -> QuerySet[Activity]:
    """The activities held at venues that a unit's figure counts (the records behind `venues.activities`)."""
    ids = participations_at_venues([unit.pk], start, end, kinds or []).values("activity_id")
    return (
        scope(Activity.objects.all(), actor)
        .filter(pk__in=ids)
        .select_related("unit", "venue_use__venue")
        .order_by("-date", "-id")
    )


# ---------------------------------------------------------------- coverage


def streets(*, actor: Any) -> QuerySet[Region]:
    """The streets the actor can see the coverage of: streets in an office's region, or around its own unit."""
    visible = scope(Region.objects.filter(level=Region.Level.STREET), actor)
    own = {above for g in grants(actor) for above in ancestor_paths(g.region_path)}
    return (Region.objects.filter(level=Region.Level.STREET).filter(Q(pk__in=visible) | Q(path__in=own))).order_by(
        "path"
    )


@dataclass(frozen=True)
class CoverageCell:
    kind: VenueKind
    count: int
    url: str
    missing: bool


@dataclass(frozen=True)
class CoverageRow:
    community: Region
    cells: list[CoverageCell]
    board_area: Decimal
    stale_boards: int

    @property
    def missing(self) -> list[str]:
        return [c.kind.name for c in self.cells if c.missing]


def coverage(*, actor: Any, street: Region, day: dt.date | None = None) -> list[CoverageRow]:
    """Per community of a street: how many venues of each kind exist on `day` (links to exactly those venues),
    which required kinds are missing, the board area and the number of stale boards. The counts are those of
    the `venues.count` metric (`open_venues`), read for the actor's scope."""
    day = day or timezone.localdate()
    kinds = list(kind_list())
    communities = list(
        Region.objects.filter(level=Region.Level.COMMUNITY, path__startswith=street.path).order_by("path")
    )
    base = scope(Venue.objects.filter(region__path__startswith=street.path), actor)
    counts: dict[tuple[str, int], int] = defaultdict(int)
    area: dict[str, Decimal] = defaultdict(Decimal)
    paths = {c.path for c in communities}

    def community_of(path: str) -> str | None:
        return next((p for p in ancestor_paths(path) if p in paths), None)

    rows = base.filter(open_on(day)).values_list("region__path", "kind_id", "kind__is_board", "area_m2")
    for path, kind_id, is_board, area_m2 in rows:
        community = community_of(path)
        if community is None:
            continue
        counts[(community, kind_id)] += 1
        if is_board:
            area[community] += area_m2 or Decimal(0)
    stale: dict[str, int] = defaultdict(int)
    for path in stale_boards(base, day).values_list("region__path", flat=True):
        community = community_of(path)
        if community is not None:
            stale[community] += 1
    url = reverse("venues:venue-list")
    result = []
    for community in communities:
        cells = [
            CoverageCell(
                kind=k,
                count=counts[(community.path, k.pk)],
                url=f"{url}?region={community.pk}&kind={k.code}&as_of={day.isoformat()}",
                missing=k.required_per_community and counts[(community.path, k.pk)] == 0,
            )
            for k in kinds
        ]
        result.append(CoverageRow(community, cells, area[community.path], stale[community.path]))
    return result


@dataclass(frozen=True)
class RollupRow:
    """One street of the roll-up: its communities, how many lack a required kind (and how many lack each)."""

    street: Region
    communities: int
    with_gaps: int
    missing: dict[str, int]
    venues: int
    board_area: Decimal
    stale_boards: int

    @property
    def complete(self) -> int:
        return self.communities - self.with_gaps


def _common_root(paths: list[str]) -> str:
    """The path of the nearest region above all of `paths` (/1/5/ for /1/5/23/ and /1/5/24/; / for none)."""
    common: list[str] = []
    for segments in zip(*(p.strip("/").split("/") for p in paths), strict=False):
        if len(set(segments)) != 1:
            break
        common.append(segments[0])
    return "/" + "".join(f"{s}/" for s in common)


def coverage_rollup(*, actor: Any, day: dt.date | None = None) -> list[RollupRow]:
    """Per street the actor can see (a district or city office: all of theirs), the same figures as the street
    table summed up — communities missing a required kind, venues, board area, stale boards — in one pass over
    the visible venues, so a whole city costs a few queries. Each street's count of communities with gaps
    equals the number of rows its street table marks."""
    day = day or timezone.localdate()
    street_list = list(streets(actor=actor))
    if not street_list:
        return []
    street_paths = {s.path: s for s in street_list}
    required = list(kind_list().filter(required_per_community=True))
    # One prefix for every query: the nearest region above all the streets (the district, the city).
    root = _common_root(list(street_paths))

    def street_of(path: str) -> str | None:
        return next((p for p in ancestor_paths(path) if p in street_paths), None)

    communities: dict[str, str] = {}  # community path -> its street's path
    for path in Region.objects.filter(path__startswith=root, level=Region.Level.COMMUNITY).values_list(
        "path", flat=True
    ):
        street = street_of(path)
        if street is not None:
            communities[path] = street

    base = scope(Venue.objects.filter(region__path__startswith=root), actor)
    has: set[tuple[str, int]] = set()
    venues: dict[str, int] = defaultdict(int)
    area: dict[str, Decimal] = defaultdict(Decimal)
    rows = (
        base.filter(status__in=RECKONED, opened_on__isnull=False, opened_on__lte=day)  # open_venues, inlined
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        .values_list("region__path", "kind_id", "kind__is_board", "area_m2")
    )
    for path, kind_id, is_board, area_m2 in rows:
        ancestors = ancestor_paths(path)
        community = next((p for p in ancestors if p in communities), None)
        street = communities[community] if community else next((p for p in ancestors if p in street_paths), None)
        if street is None:
            continue
        venues[street] += 1
        if community is not None:
            has.add((community, kind_id))
        if is_board:
            area[street] += area_m2 or Decimal(0)
    stale: dict[str, int] = defaultdict(int)
    for path in stale_boards(base, day).values_list("region__path", flat=True):
        street = street_of(path)
        if street is not None:
            stale[street] += 1
    gaps: dict[str, int] = defaultdict(int)
    missing: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    count: dict[str, int] = defaultdict(int)
    for community, street in communities.items():
        count[street] += 1
        lacking = [k.name for k in required if (community, k.pk) not in has]
        if lacking:
            gaps[street] += 1
        for name in lacking:
            missing[street][name] += 1
    return [
        RollupRow(
            street=s,
            communities=count[s.path],
            with_gaps=gaps[s.path],
            missing=dict(missing[s.path]),
            venues=venues[s.path],
            board_area=area[s.path],
            stale_boards=stale[s.path],
        )
        for s in street_list
    ]


# ---------------------------------------------------------------- the map


def boundary_for(*, region: Region) -> MapBoundary | None:
    """The outline uploaded for this region or the nearest region above it."""
    found = {b.region.path: b for b in MapBoundary.objects.filter(region__path__in=ancestor_paths(region.path))}
    for path in reversed(ancestor_paths(region.path)):
        if path in found:
            return found[path]
    return None


def map_points(*, actor: Any, region: Region | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """The venues the actor sees that have coordinates, as plain points for the map (one query; `limit`: the
    first ones only, for the list under the map)."""
    venues = scope(Venue.objects.filter(longitude__isnull=False, latitude__isnull=False), actor)
    if region is not None:
        venues = venues.filter(region__path__startswith=region.path)
    url = reverse("venues:venue-list").rstrip("/")
    return [
        {"name": name, "value": [float(lon), float(lat)], "kind": kind, "status": status, "url": f"{url}/{pk}/"}
        for pk, name, lon, lat, kind, status in venues.values_list(
            "pk", "name", "longitude", "latitude", "kind__name", "status"
        ).order_by("pk")[:limit]
    ]


def map_rows(*, actor: Any, region: Region | None = None) -> dict[str, Any]:
    """The map's points in a compact form for a whole city: `rows` of [longitude, latitude, kind index, name,
    id], `kinds` the names the index points into, `base` the detail URL before the id. Coordinates come out of
    the database as floats, so building 12,500 rows is a list comprehension and the JSON a fifth of the
    dictionaries' (map.js expands them)."""
    venues = scope(Venue.objects.filter(longitude__isnull=False, latitude__isnull=False), actor)
    if region is not None:
        venues = venues.filter(region__path__startswith=region.path)
    kinds = list(VenueKind.objects.order_by("pk").values_list("pk", "name"))
    index = {pk: i for i, (pk, _) in enumerate(kinds)}
    rows = venues.order_by("pk").values_list(
        Cast("longitude", FloatField()), Cast("latitude", FloatField()), "kind_id", "name", "pk"
    )
    return {
        "kinds": [name for _, name in kinds],
        "base": reverse("venues:venue-list"),
        "rows": [[lon, lat, index[kind], name, pk] for lon, lat, kind, name, pk in rows],
    }


# ---------------------------------------------------------------- 待办


def todos(actor: Any) -> list[Any] | None:
    """Boards a month or more without a content update, for those who look after them."""
    from pufa.core.home import Todo

    if not can(actor, "venues.edit"):
        return None
    count = stale_boards(scope(Venue.objects.all(), actor, "venues.edit")).count()
    return [Todo("块宣传栏/版面超过一个月未更新", count, f"{reverse('venues:venue-list')}?stale=1", order=45)]


# ---------------------------------------------------------------- the portal's boundary


@dataclass(frozen=True)
class PublicVenue:
    id: int
    name: str
    kind: str
    region: str
    address: str
    opening_hours: str
    longitude: float | None
    latitude: float | None


def _public_rows(region_path: str = "") -> QuerySet[Venue]:
    return open_venues(timezone.localdate()).filter(
        status=Venue.Status.OPEN, region__path__startswith=region_path, region__deleted_at__isnull=True
    )


def _public(rows: Any) -> list[PublicVenue]:
    return [
        PublicVenue(
            pk,
            name,
            kind,
            region,
            address,
            hours,
            float(lon) if lon is not None else None,
            float(lat) if lat is not None else None,
        )
        for pk, name, kind, region, address, hours, lon, lat in rows
    ]


PUBLIC_COLUMNS = ("pk", "name", "kind__name", "region__name", "address", "opening_hours", "longitude", "latitude")


class PublicVenues:
    """Open venues for the portal, read a page at a time (a Paginator slices it), as public records only."""

    def __init__(self, region_path: str = "") -> None:
        self.rows = _public_rows(region_path).order_by("region__path", "kind__sort_order", "name", "pk")

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[PublicVenue]:
        return _public(self.rows.values_list(*PUBLIC_COLUMNS)[index])


def public_venues(*, region_path: str = "") -> list[PublicVenue]:
    """Every open venue for the public portal, as records of public columns only (no owner, note or upkeep)."""
    return PublicVenues(region_path)[:]


def public_map(*, region_path: str = "") -> dict[str, Any] | None:
    """The outline and points for the portal, only where the office switched the public map on."""
    boundary = (
        MapBoundary.objects.filter(show_on_portal=True, region__path__startswith=region_path)
        .order_by("region__path")
        .first()
    )
    if boundary is None:
        return None
    points = [
        {"name": v.name, "value": [v.longitude, v.latitude], "kind": v.kind}
        for v in public_venues(region_path=boundary.region.path)
        if v.longitude is not None and v.latitude is not None
    ]
    return {"geojson": boundary.geojson, "points": points, "name": f"b{boundary.pk}"}
