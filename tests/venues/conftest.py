from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from pufa.org.access import SYSTEM
from pufa.venues import services
from pufa.venues.models import Venue, VenueKind


def make_venue(unit: Any, region: Any = None, *, kind: str = "lecture", **kwargs: Any) -> Venue:
    """A venue added through the service (audit entry and event included)."""
    actor = kwargs.pop("actor", SYSTEM)
    data = services.VenueData(
        name=str(kwargs.pop("name", f"{unit.name}{VenueKind.objects.get(code=kind).name}")),
        kind=VenueKind.objects.get(code=kind),
        level=kwargs.pop("level", Venue.Level.COMMUNITY),
        region=region or unit.region,
        unit=unit,
        status=kwargs.pop("status", Venue.Status.OPEN),
        opened_on=kwargs.pop("opened_on", dt.date(2026, 1, 10)),
        area_m2=kwargs.pop("area_m2", None),
        **kwargs,
    )
    return services.venue_create(actor=actor, data=data)


@pytest.fixture
def venue_factory():
    return make_venue


@pytest.fixture
def board(world):
    return make_venue(world.committee_a, kind="board", name="沱河社区一组宣传栏", area_m2=Decimal("2.5"))
