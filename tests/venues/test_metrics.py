"""The venues' metrics: equal to direct counts, exact "as of" a day, stale months from the upkeep log, activities
counted from the ledger by its one rule, and targets on them followed through the event bus."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings

from pufa.ledger import services as ledger_services
from pufa.org.access import SYSTEM
from pufa.plans import metrics as registry
from pufa.plans.models import Plan, Target, Task, TaskUnit
from pufa.progress import services as progress_services
from pufa.progress.models import ProgressStatus
from pufa.venues import services
from pufa.venues.metrics import ACTIVITIES, BOARD_AREA, COUNT, STALE_MONTHS, open_venues
from pufa.venues.models import Upkeep, Venue
from tests.factories import make_activity
from tests.venues.conftest import make_venue

D = dt.date


def _units(world):
    return [world.committee_a.pk, world.committee_b.pk, world.office_unit.pk, world.other_office_unit.pk]


def test_venue_counts_equal_direct_counts_by_owner_and_kind(world):
    make_venue(world.committee_a, kind="lecture")
    make_venue(world.committee_a, kind="board", area_m2=Decimal("3"))
    make_venue(world.committee_b, kind="board", area_m2=Decimal("1.5"))
    make_venue(world.office_unit, world.community_b, kind="park", level=Venue.Level.STREET)
    make_venue(world.committee_b, kind="lecture", status=Venue.Status.PLANNED, opened_on=None)
    day = D(2026, 6, 1)
    for kind in (None, "lecture", "board", "park"):
        filters = {"kind": kind} if kind else {}
        values = registry.compute(COUNT, unit_ids=_units(world), start=None, end=day, filters=filters)
        for unit_id in _units(world):
            direct = [
                v for v in Venue.objects.filter(unit_id=unit_id) if v.open_on(day) and kind in (None, v.kind.code)
            ]
            assert values[unit_id] == len(direct), (kind, unit_id)
    values = registry.compute(COUNT, unit_ids=_units(world), start=None, end=day)
    assert values == {
        world.committee_a.pk: 2,
        world.committee_b.pk: 1,
        world.office_unit.pk: 1,
        world.other_office_unit.pk: 0,
    }
    # a region's figure, the sum over its units, counts each open venue once
    assert sum(values.values()) == sum(1 for v in Venue.objects.all() if v.open_on(day))


def test_counts_are_as_of_the_day(world):
    venue = make_venue(world.committee_a, opened_on=D(2026, 3, 1))
    services.venue_update(
        actor=SYSTEM,
        venue=venue,
        data=services.VenueData(
            name=venue.name,
            kind=venue.kind,
            level=venue.level,
            region=venue.region,
            unit=venue.unit,
            status=Venue.Status.CLOSED,
            opened_on=D(2026, 3, 1),
            closed_on=D(2026, 9, 1),
        ),
    )
    unit = [world.committee_a.pk]
    assert registry.compute(COUNT, unit_ids=unit, start=None, end=D(2026, 2, 28))[unit[0]] == 0
    assert registry.compute(COUNT, unit_ids=unit, start=None, end=D(2026, 3, 1))[unit[0]] == 1
    assert registry.compute(COUNT, unit_ids=unit, start=None, end=D(2026, 8, 31))[unit[0]] == 1
    assert registry.compute(COUNT, unit_ids=unit, start=None, end=D(2026, 9, 1))[unit[0]] == 0
    assert open_venues(D(2026, 9, 1)).count() == 0


def test_board_area_sums_open_boards_only(world):
    make_venue(world.committee_a, kind="board", area_m2=Decimal("1.25"))
    make_venue(world.committee_a, kind="board", area_m2=Decimal("0.75"))
    make_venue(world.committee_a, kind="park", area_m2=Decimal("500"))
    values = registry.compute(
        BOARD_AREA, unit_ids=[world.committee_a.pk, world.office_unit.pk], start=None, end=D(2026, 6, 1)
    )
    assert values == {world.committee_a.pk: Decimal("2.00"), world.office_unit.pk: Decimal("0")}


def test_stale_months_follow_the_upkeep_log(world, board):
    unit = world.committee_a.pk

    def months(day: dt.date) -> Decimal:
        return registry.compute(STALE_MONTHS, unit_ids=[unit], start=None, end=day)[unit]

    assert months(D(2026, 2, 9)) == 0  # opened 2026-01-10
    assert months(D(2026, 2, 10)) == 1
    assert months(D(2026, 7, 10)) == 6
    services.upkeep_record(actor=SYSTEM, venue=board, kind=Upkeep.Kind.CONTENT, date=D(2026, 6, 20))
    services.upkeep_record(actor=SYSTEM, venue=board, kind=Upkeep.Kind.REPAIR, date=D(2026, 7, 1))
    assert months(D(2026, 7, 10)) == 0  # a repair does not renew the content
    assert months(D(2026, 8, 20)) == 2
    assert months(D(2026, 6, 19)) == 5  # as of an earlier day the later issue does not count


def test_activities_at_venues_follow_the_ledger_counting_rule(world):
    venue = make_venue(world.committee_a)
    held = make_activity(world.committee_a, date=D(2026, 3, 15), co_organisers=[world.judicial_office])
    draft = make_activity(world.committee_a, date=D(2026, 3, 16), status="draft")
    elsewhere = make_activity(world.committee_a, date=D(2026, 3, 17))
    for activity in (held, draft):
        services.activity_venue_set(actor=SYSTEM, activity=activity, venue=venue)
    ids = [world.committee_a.pk, world.judicial_office.pk, world.committee_b.pk]
    values = registry.compute(ACTIVITIES, unit_ids=ids, start=D(2026, 1, 1), end=D(2026, 12, 31))
    assert values == {world.committee_a.pk: 1, world.judicial_office.pk: 1, world.committee_b.pk: 0}
    assert elsewhere.pk  # counted by the ledger, but not at a venue
    ledger_services.activity_delete(actor=SYSTEM, activity=held)
    values = registry.compute(ACTIVITIES, unit_ids=ids, start=D(2026, 1, 1), end=D(2026, 12, 31))
    assert values[world.committee_a.pk] == 0


def test_a_target_on_venue_count_follows_the_venue_service(world, liaison):
    """每个社区一个普法大讲堂: a target on the registered metric turns done when the liaison adds one."""
    plan = Plan.objects.create(
        title="沱河街道2026年普法工作要点",
        kind=Plan.Kind.ANNUAL_POINTS,
        issuing_unit=world.office_unit,
        period_start=D(2026, 1, 1),
        period_end=D(2026, 12, 31),
    )
    task = Task.objects.create(plan=plan, title="每个社区有一个普法大讲堂")
    TaskUnit.objects.create(task=task, unit=world.committee_a, role=TaskUnit.Role.RESPONSIBLE)
    target = Target.objects.create(
        task=task, metric=COUNT, filters={"kind": "lecture"}, period=Target.Period.YEAR, threshold=1
    )
    with time_machine.travel(dt.datetime(2026, 5, 1, 10, tzinfo=ZoneInfo(settings.TIME_ZONE)), tick=False):
        progress_services.refresh()
        before = ProgressStatus.objects.get(task=task, unit=world.committee_a, target=target).status
        make_venue(world.committee_a, kind="lecture", opened_on=D(2026, 4, 30), actor=liaison)
    after = ProgressStatus.objects.get(task=task, unit=world.committee_a, target=target)
    assert before != "done" and after.status == "done" and after.value == 1


def test_records_url_lists_exactly_the_venues_behind_a_figure(world, client_for, office_user):
    make_venue(world.committee_a, kind="lecture")
    make_venue(world.committee_a, kind="board")
    make_venue(world.committee_b, kind="lecture")
    query = registry.MetricQuery(
        unit_ids=(world.committee_a.pk,), start=None, end=D(2026, 6, 1), filters={"kind": "lecture"}
    )
    records_url = registry.get(COUNT).records_url
    assert records_url is not None
    url = records_url(world.committee_a.pk, query)
    response = client_for(office_user).get(url)
    rows = response.context["page"].object_list
    assert [v.unit for v in rows] == [world.committee_a] and rows[0].kind.code == "lecture"
