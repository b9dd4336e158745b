"""Roster helpers: people created through the services, on the fixed cast's communities."""

from __future__ import annotations

import datetime as dt

import pytest

from pufa.org.access import SYSTEM
from pufa.people import services
from pufa.people.models import Person, TeamKind

D = dt.date


def kind(code: str = "flmbr") -> TeamKind:
    return TeamKind.objects.get(code=code)


def valid_id(first17: str = "34130219800101123") -> str:
    """An ID number with the right GB 11643 check digit."""
    from pufa.people.identity import check_digit

    return first17 + check_digit(first17)


_counter = iter(range(10_000, 99_999))
DEFAULT_START = D(2022, 3, 1)


def add_person(unit, region, *, name: str = "张明", kinds=("flmbr",), start=DEFAULT_START, **kwargs) -> Person:
    kwargs.setdefault("phone", f"138{next(_counter):08d}")
    return services.person_create(
        actor=SYSTEM,
        data=services.PersonData(name=name, region=region, unit=unit, **kwargs),
        teams=[services.JoinData(kind=kind(k), start=start) for k in kinds],
    )


@pytest.fixture
def person_a(world) -> Person:
    """A 法律明白人 of community A (kept by its committee), with an ID number."""
    return add_person(
        world.committee_a, world.community_a, name="王秀英", phone="13812341234", id_number=valid_id(), gender="f"
    )


@pytest.fixture
def person_b(world) -> Person:
    return add_person(world.committee_b, world.community_b, name="刘建国", phone="13955556666")
