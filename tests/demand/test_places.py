"""Place matching: region names and short forms, the office's gazetteer, ties and what is not a place."""

from __future__ import annotations

import pytest

from pufa.demand import engine, places
from pufa.demand.models import GazetteerEntry
from pufa.org.models import Region


def matcher(*extra: places.Name) -> places.Matcher:
    names = places.region_names([(1, "沱河社区"), (2, "桃园社区"), (3, "沱河街道")])
    return places.Matcher([*names, *extra])


def test_full_name_beats_its_short_form_inside_it():
    place = matcher().match("宿州市沱河社区东门")
    assert (place.region_id, place.confidence, place.matched) == (1, places.CONFIDENCE["region"], "沱河社区")


def test_short_name_matches_with_lower_confidence():
    place = matcher().match("桃园小区附近")
    assert place.region_id == 2 and place.confidence == places.CONFIDENCE["short"]


def test_gazetteer_estate_and_road():
    m = matcher(places.Name("锦绣花园", 1, "estate"), places.Name("银河路", 2, "road"))
    assert m.match("锦绣花园3栋").region_id == 1
    road = m.match("银河路与淮海路交口")
    assert road.region_id == 2 and road.confidence == places.CONFIDENCE["road"]


def test_two_places_as_likely_halve_the_confidence():
    place = matcher().match("沱河社区和桃园社区交界处")
    assert place.confidence == pytest.approx(places.CONFIDENCE["region"] / 2)


def test_the_address_comes_before_the_text():
    place = matcher().match("", "家住桃园社区")
    assert place.region_id == 2
    assert matcher().match("沱河社区", "家住桃园社区").region_id == 1


def test_nothing_found_is_no_place():
    assert matcher().match("某某路", "咨询离婚") == places.Place(None, 0.0)


def test_the_matcher_reads_regions_and_the_gazetteer_below_the_office(world):
    GazetteerEntry.objects.create(name="老汽车站", kind="landmark", region=world.community_b)
    GazetteerEntry.objects.create(name="三八广场", kind="landmark", region=world.street_b)
    m = engine.build_matcher(world.street_a)
    assert m.match("老汽车站旁边").region_id == world.community_b.pk
    assert m.match("三八广场").region_id is None  # another street's gazetteer
    assert m.match("沱河社区").region_id == world.community_a.pk
    assert Region.objects.filter(pk=world.street_a.pk).exists()
