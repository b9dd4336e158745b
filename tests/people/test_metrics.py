"""The rosters' metrics, and the seed-000 targets evaluated through the registry by progress."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from pufa.org.models import Unit
from pufa.people import metrics as people_metrics
from pufa.people import services
from pufa.plans import metrics
from pufa.plans.models import Plan, Target, Task
from pufa.progress import services as progress
from pufa.progress.models import TargetCheck
from tests.people.conftest import D, add_person, kind

NOW = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)


def test_registered_with_their_shape(db):
    roster = metrics.get(people_metrics.ROSTER)
    assert roster.cumulative and roster.filter_names() == {"kind"}
    assert metrics.get(people_metrics.HOUSEHOLDS).cumulative
    assert not metrics.get(people_metrics.TRAINED).cumulative
    assert ("flmbr", "法律明白人") in roster.filters[0].choices()


def test_roster_count_counts_people_once_and_as_of_the_date(world, liaison):
    both = add_person(world.committee_a, world.community_a, name="甲", kinds=("flmbr", "fzdtr"), start=D(2022, 1, 1))
    add_person(world.committee_a, world.community_a, name="乙", kinds=("fzdtr",), start=D(2023, 6, 1))
    add_person(world.committee_b, world.community_b, name="丙", kinds=("flmbr",), start=D(2022, 1, 1))
    ids = [world.committee_a.pk, world.committee_b.pk]

    def count(day, **filters):
        return metrics.compute(people_metrics.ROSTER, unit_ids=ids, start=None, end=day, filters=filters)

    assert count(D(2022, 12, 31)) == {world.committee_a.pk: 1, world.committee_b.pk: 1}
    assert count(D(2023, 12, 31)) == {world.committee_a.pk: 2, world.committee_b.pk: 1}
    assert count(D(2023, 12, 31), kind=["fzdtr"]) == {world.committee_a.pk: 2, world.committee_b.pk: 0}
    services.membership_end(
        actor=liaison, membership=both.memberships.get(kind__code="flmbr"), end=D(2024, 1, 1), reason="搬离"
    )
    assert count(D(2023, 12, 31), kind="flmbr")[world.committee_a.pk] == 1
    assert count(D(2024, 1, 1), kind="flmbr")[world.committee_a.pk] == 0
    url = metrics.get(people_metrics.ROSTER).records_url(
        world.committee_a.pk, metrics.MetricQuery((world.committee_a.pk,), None, D(2023, 12, 31), {"kind": ["flmbr"]})
    )
    assert url == f"/people/?unit={world.committee_a.pk}&on=2023-12-31&kind=flmbr"


def test_households(world, liaison):
    head = add_person(world.committee_a, world.community_a, name="赵大", kinds=())
    services.household_create(actor=liaison, head=head, kind=kind("xfyfsfh"), start=D(2025, 5, 1))
    values = metrics.compute(
        people_metrics.HOUSEHOLDS, unit_ids=[world.committee_a.pk], start=None, end=D(2025, 12, 31)
    )
    assert values == {world.committee_a.pk: 1}
    before = metrics.compute(people_metrics.HOUSEHOLDS, unit_ids=[world.committee_a.pk], start=None, end=D(2025, 4, 30))
    assert before == {world.committee_a.pk: 0}


@pytest.fixture
def seed_plan(world):
    """Seed 000: 2022年底各社区“法律明白人”不少于4个、2025年底不少于6个 (each community committee)."""
    plan = Plan.objects.create(
        title="沱河街道“法润社区”行动实施方案",
        kind=Plan.Kind.ACTION,
        issuing_unit=world.office_unit,
        period_start=D(2022, 1, 1),
        period_end=D(2025, 12, 31),
    )
    task = Task.objects.create(plan=plan, title="培养培育“法律明白人”“学法用法示范户”")
    common = {
        "task": task,
        "metric": people_metrics.ROSTER,
        "filters": {"kind": ["flmbr"]},
        "scope": Target.Scope.EACH_OF_KIND,
        "scope_kind": Unit.Kind.COMMUNITY_COMMITTEE,
        "period": Target.Period.BY_DATE,
    }
    return (
        Target.objects.create(threshold=4, due=D(2022, 12, 31), text="2022年底不少于4个", **common),
        Target.objects.create(threshold=6, due=D(2025, 12, 31), text="2025年底不少于6个", **common),
    )


def check(target, unit):
    row = TargetCheck.objects.get(target=target, unit=unit)
    return row.value, row.value >= row.threshold


@time_machine.travel(NOW, tick=False)
def test_seed_targets_evaluated_through_the_registry(world, liaison, seed_plan):
    by_2022, by_2025 = seed_plan
    early = [add_person(world.committee_a, world.community_a, name=f"早{i}", start=D(2022, 3, 1)) for i in range(4)]
    for i in range(2):
        add_person(world.committee_a, world.community_a, name=f"后{i}", start=D(2024, 3, 1))
    for i in range(5):
        add_person(world.committee_b, world.community_b, name=f"桃{i}", start=D(2022, 3, 1))
    progress.refresh()
    assert check(by_2022, world.committee_a) == (4, True)
    assert check(by_2025, world.committee_a) == (6, True)
    assert check(by_2025, world.committee_b) == (5, False)  # lagging: one short of six
    assert not TargetCheck.objects.filter(target=by_2025, unit=world.office_unit).exists()

    # A retirement in 2025 is announced; progress recomputes through the registry without being asked,
    # and the 2022 figure (the roster of 2022-12-31) stays as it was.
    services.membership_end(
        actor=liaison, membership=early[0].memberships.get(), end=D(2025, 6, 30), reason="已离开原居住地"
    )
    assert check(by_2025, world.committee_a) == (5, False)
    assert check(by_2022, world.committee_a) == (4, True)
