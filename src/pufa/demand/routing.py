"""谁执法谁普法 as routing: the unit responsible for publicising a domain in a place is the one whose published
duty list (普法责任清单) has an item in that domain, among the units of the place and of the regions above it
(a district department covers its streets and communities), the nearest first; when no list covers it, the
office (法宣办) nearest above the place. Used for the recommended topics (and the 点单 loop to come)."""

from __future__ import annotations

from dataclasses import dataclass

from pufa.core.models import Domain
from pufa.duties.models import DutyItem, DutyList
from pufa.org.access import ancestor_paths
from pufa.org.models import Region, Unit


@dataclass(frozen=True)
class Route:
    unit: Unit
    by_duty_list: bool  # False: no published list covers the domain there, the office takes it


def route(*, domain: Domain, place: Region, year: int) -> Route | None:
    """The responsible unit for `domain` in `place`, from the lists published for `year` (or the year before,
    until this year's are out); None only when no office stands above the place."""
    above = ancestor_paths(place.path)
    items = DutyItem.objects.filter(
        domains=domain,
        deleted_at__isnull=True,
        duty_list__status=DutyList.Status.PUBLISHED,
        duty_list__deleted_at__isnull=True,
        duty_list__year__in=[year, year - 1],
        duty_list__unit__region__path__in=above,
    )
    unit = (
        Unit.objects.filter(pk__in=items.values("duty_list__unit"), deleted_at__isnull=True)
        .order_by("-region__depth", "pinyin", "pk")
        .first()
    )
    if unit is not None:
        return Route(unit, True)
    office = (
        Unit.objects.filter(kind=Unit.Kind.OFFICE, region__path__in=above, deleted_at__isnull=True)
        .order_by("-region__depth", "pk")
        .first()
    )
    return Route(office, False) if office is not None else None


def route_many(pairs: list[tuple[Domain, Region]], *, year: int) -> list[Route | None]:
    """`route()` for many (domain, place) pairs in three reads: the covering items of all the places' regions,
    their units and the offices above, then the nearest of each pair chosen here by the same order."""
    if not pairs:
        return []
    above = sorted({p for _, place in pairs for p in ancestor_paths(place.path)})
    through = DutyItem.domains.through
    covering = set(
        through.objects.filter(
            domain_id__in={d.pk for d, _ in pairs},
            dutyitem__deleted_at__isnull=True,
            dutyitem__duty_list__status=DutyList.Status.PUBLISHED,
            dutyitem__duty_list__deleted_at__isnull=True,
            dutyitem__duty_list__year__in=[year, year - 1],
            dutyitem__duty_list__unit__region__path__in=above,
        )
        .values_list("domain_id", "dutyitem__duty_list__unit_id")
        .distinct()
    )
    units = Unit.objects.select_related("region").in_bulk({u for _, u in covering})
    units = {pk: u for pk, u in units.items() if u.deleted_at is None}
    offices = list(
        Unit.objects.select_related("region").filter(
            kind=Unit.Kind.OFFICE, region__path__in=above, deleted_at__isnull=True
        )
    )
    result: list[Route | None] = []
    for domain, place in pairs:
        chain = set(ancestor_paths(place.path))
        found = [units[u] for d, u in covering if d == domain.pk and u in units and units[u].region.path in chain]
        if found:
            result.append(Route(min(found, key=lambda u: (-u.region.depth, u.pinyin, u.pk)), True))
            continue
        near = [o for o in offices if o.region.path in chain]
        result.append(Route(min(near, key=lambda o: (-o.region.depth, o.pk)), False) if near else None)
    return result
