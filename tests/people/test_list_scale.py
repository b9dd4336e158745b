"""The roster list and the adjustment page at scale: their query count does not grow with the roster or its
trainings, the list's count stops at a cap (exact below it), and an office whose region holds many
communities is offered its streets in the residence filter instead of a select of every community."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pufa.org.access import SYSTEM
from pufa.people import selectors, services
from tests.factories import make_activity
from tests.people.conftest import D, add_person


def _queries(client, url: str) -> int:
    client.get(url)  # the first request of a session fills per-process caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(world, n: int, *, trained: bool) -> None:
    people = [
        add_person(unit, region, name=f"队员{i}{unit.pk}", birth_year=1950, start=D(2020, 1, 1))
        for i in range(n)
        for unit, region in ((world.committee_a, world.community_a), (world.committee_b, world.community_b))
    ]
    if trained:
        training = make_activity(world.committee_a, title="法律明白人培训", kind="px", date=D(2026, 3, 1))
        services.attendance_set(actor=SYSTEM, activity=training, people=people)


def test_list_and_adjustment_query_counts_do_not_grow_with_the_roster(client_for, world, office_user):
    c = client_for(office_user)
    _grow(world, 2, trained=False)
    small = {url: _queries(c, url) for url in (reverse("people:person-list"), reverse("people:adjust"))}
    _grow(world, 30, trained=True)
    large = {url: _queries(c, url) for url in small}
    assert large == small
    page = c.get(reverse("people:adjust")).context["page"]
    assert page.paginator.count == 64  # every one born in 1950: flagged 年龄偏大, trained or not


def test_the_list_counts_up_to_a_cap(client_for, world, liaison, monkeypatch):
    for i in range(5):
        add_person(world.committee_a, world.community_a, name=f"队员{i}")
    c = client_for(liaison)
    exact = c.get(reverse("people:person-list"))
    assert exact.context["page"].paginator.count == 5 and "共 5 人" in exact.content.decode()
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    capped = c.get(reverse("people:person-list"))
    paginator = capped.context["page"].paginator
    assert paginator.capped and paginator.count == 3
    assert "超过 3 人，请用筛选缩小范围" in capped.content.decode()


def test_an_office_with_many_communities_filters_by_street(client_for, world, office_user, monkeypatch):
    a = add_person(world.committee_a, world.community_a, name="王秀英")
    b = add_person(world.committee_b, world.community_b, name="刘建国")
    c = client_for(office_user)
    few = c.get(reverse("people:person-list")).context
    assert {r.pk for r in few["regions"]} == {world.community_a.pk, world.community_b.pk}
    assert {u.pk for u in few["units"]} == {world.committee_a.pk, world.committee_b.pk}
    monkeypatch.setattr(selectors, "MAX_OPTIONS", 1)
    many = c.get(reverse("people:person-list")).context
    assert [r.pk for r in many["regions"]] == [world.street_a.pk] and many["units"] == []
    by_street = c.get(reverse("people:person-list"), {"region": world.street_a.pk}).context
    assert {p.pk for p in by_street["page"]} == {a.pk, b.pk}
    # A link naming a community or a unit keeps it among the choices.
    named = c.get(reverse("people:person-list"), {"region": world.community_a.pk, "unit": world.committee_a.pk})
    assert world.community_a.pk in {r.pk for r in named.context["regions"]}
    assert [u.pk for u in named.context["units"]] == [world.committee_a.pk]
    assert [p.pk for p in named.context["page"]] == [a.pk]
