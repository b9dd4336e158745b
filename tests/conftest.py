"""The fixed cast every test uses (STYLE.md), on a small region tree:

测试区 (district)
├── 沱河街道 (street A) — 沱河街道法治办 (office), 沱河街道司法所
│   ├── 沱河社区 (community A) — 沱河社区居委会  ← liaison
│   └── 桃园社区 (community B) — 桃园社区居委会  ← other_liaison
└── 三八街道 (street B) — 三八街道法治办 ← other_office
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from pufa.org.models import Membership, Region, Unit, User
from tests.factories import RegionFactory, UnitFactory, member_of


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.AXES_ENABLED = True


@dataclass
class World:
    district: Region
    street_a: Region
    street_b: Region
    community_a: Region
    community_b: Region
    office_unit: Unit
    judicial_office: Unit
    committee_a: Unit
    committee_b: Unit
    other_office_unit: Unit


@pytest.fixture
def world(db) -> World:
    district = RegionFactory(name="测试区", level=Region.Level.DISTRICT)
    street_a = RegionFactory(name="沱河街道", level=Region.Level.STREET, parent=district)
    street_b = RegionFactory(name="三八街道", level=Region.Level.STREET, parent=district)
    community_a = RegionFactory(name="沱河社区", level=Region.Level.COMMUNITY, parent=street_a)
    community_b = RegionFactory(name="桃园社区", level=Region.Level.COMMUNITY, parent=street_a)
    return World(
        district=district,
        street_a=street_a,
        street_b=street_b,
        community_a=community_a,
        community_b=community_b,
        office_unit=UnitFactory(
            name="沱河街道法治办",
            kind=Unit.Kind.OFFICE,
            region=street_a,
            aliases=["法治办", "依法治理办公室"],
            code="tuohe-fzb",
        ),
        judicial_office=UnitFactory(
            name="沱河街道司法所", kind=Unit.Kind.JUDICIAL_OFFICE, region=street_a, aliases=["司法所"], code="tuohe-sfs"
        ),
        committee_a=UnitFactory(
            name="沱河社区居委会", kind=Unit.Kind.COMMUNITY_COMMITTEE, region=community_a, code="tuohe-tuohe"
        ),
        committee_b=UnitFactory(
            name="桃园社区居委会", kind=Unit.Kind.COMMUNITY_COMMITTEE, region=community_b, code="tuohe-taoyuan"
        ),
        other_office_unit=UnitFactory(name="三八街道法治办", kind=Unit.Kind.OFFICE, region=street_b, code="sanba-fzb"),
    )


@pytest.fixture
def office_user(world: World) -> User:
    return member_of(world.office_unit, Membership.Role.OFFICE, username="office", full_name="李文华")


@pytest.fixture
def liaison(world: World) -> User:
    return member_of(world.committee_a, Membership.Role.LIAISON, username="liaison", full_name="陈静")


@pytest.fixture
def other_liaison(world: World) -> User:
    return member_of(world.committee_b, Membership.Role.LIAISON, username="other_liaison", full_name="赵敏")


@pytest.fixture
def inspector(world: World) -> User:
    return member_of(world.office_unit, Membership.Role.INSPECTOR, username="inspector", full_name="孙立")


@pytest.fixture
def other_office(world: World) -> User:
    return member_of(world.other_office_unit, Membership.Role.OFFICE, username="other_office", full_name="吴刚")


@pytest.fixture
def client_for(client):
    """Log a user in on the test client: `client_for(liaison).get(...)`."""

    def login(user: User):
        client.force_login(user)
        return client

    return login


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that commits (a transactional test, a live server, a browser test) ends with a flush; make it
    restore the database as it was created — the content types under their ids and the data migrations' default
    rows — instead of letting the flush recreate content types under new ids, which breaks every later test that
    restores a serialized database and any process that cached the old ids (seen on both databases)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = "transactional_db" in getattr(item, "fixturenames", ()) or "live_server" in getattr(
            item, "fixturenames", ()
        )
        if marker is not None and marker.kwargs.get("transaction"):
            transactional = True
        if transactional:
            kwargs = {**(marker.kwargs if marker is not None else {}), "transaction": True, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)
