"""谁执法谁普法 as routing: the published duty list covering the domain, nearest region first, else the office."""

from __future__ import annotations

from pufa.core.models import Domain
from pufa.demand.routing import route
from tests.factories import duty_list


def test_the_published_list_that_covers_the_domain_routes_it(world):
    labour = Domain.objects.get(code="ldjy-shbz")
    published = duty_list(world.judicial_office, status="published")
    published.items.get().domains.add(labour)
    found = route(domain=labour, place=world.community_a, year=2026)
    assert found is not None and (found.unit, found.by_duty_list) == (world.judicial_office, True)


def test_the_nearest_unit_wins_and_drafts_and_other_domains_do_not_count(world):
    labour = Domain.objects.get(code="ldjy-shbz")
    street_level = duty_list(world.judicial_office, status="published")
    street_level.items.get().domains.add(labour)
    community_level = duty_list(world.committee_a, status="published")
    community_level.items.get().domains.add(labour)
    draft = duty_list(world.committee_b, status="filed")
    draft.items.get().domains.add(labour)
    assert route(domain=labour, place=world.community_a, year=2026).unit == world.committee_a
    assert route(domain=labour, place=world.community_b, year=2026).unit == world.judicial_office  # b's is not out
    assert route(domain=labour, place=world.community_a, year=2028).unit == world.office_unit  # lists too old


def test_without_a_list_the_office_above_takes_it(world):
    traffic = Domain.objects.get(code="jtsg")
    duty_list(world.judicial_office, status="published")  # civil code only
    found = route(domain=traffic, place=world.community_b, year=2026)
    assert found is not None and (found.unit, found.by_duty_list) == (world.office_unit, False)
    assert route(domain=traffic, place=world.district, year=2026) is None  # no office above the district here


def test_routing_many_pairs_at_once_agrees_with_routing_each(world):
    from pufa.demand.routing import route_many

    labour, traffic = Domain.objects.get(code="ldjy-shbz"), Domain.objects.get(code="jtsg")
    duty_list(world.judicial_office, status="published").items.get().domains.add(labour)
    duty_list(world.committee_a, status="published").items.get().domains.add(labour)
    duty_list(world.committee_b, status="filed").items.get().domains.add(labour)
    places = [world.community_a, world.community_b, world.street_a, world.street_b, world.district]
    pairs = [(d, p) for d in (labour, traffic) for p in places]
    for year in (2026, 2028):
        expected = [route(domain=d, place=p, year=year) for d, p in pairs]
        assert route_many(pairs, year=year) == expected
    units = {r.unit for r in route_many(pairs, year=2026) if r}
    assert units >= {world.committee_a, world.judicial_office, world.office_unit, world.other_office_unit}
