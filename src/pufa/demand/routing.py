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
