"""Venue services: validation in Chinese, the role table, audit entries, and RecordsChanged on every write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pufa.core import events
from pufa.core.events import RecordsChanged
from pufa.core.models import AuditEntry
from pufa.core.workflow import Conflict
from pufa.org.access import SYSTEM
from pufa.venues import services
from pufa.venues.metrics import ACTIVITIES, VENUE_METRICS
from pufa.venues.models import Upkeep, Venue, VenueKind, VenueUse
from tests.factories import make_activity
from tests.venues.conftest import make_venue


def _data(world, **kw):
    base = dict(
        name="沱河社区普法大讲堂",
        kind=VenueKind.objects.get(code="lecture"),
        level=Venue.Level.COMMUNITY,
        region=world.community_a,
        unit=world.committee_a,
        opened_on=dt.date(2026, 2, 1),
    )
    base.update(kw)
    return services.VenueData(**base)


def test_liaison_adds_a_venue_for_own_unit_with_audit_and_event(world, liaison):
    heard: list[RecordsChanged] = []
    with events.listening(RecordsChanged, heard.append):
        venue = services.venue_create(actor=liaison, data=_data(world))
    assert venue.pk and venue.region == world.community_a
    entry = AuditEntry.objects.get(code="venues.venue.create", object_id=str(venue.pk))
    assert entry.actor == liaison and entry.scope_path == world.community_a.path
    assert len(heard) == 1 and heard[0].metrics == VENUE_METRICS and heard[0].source == "venues"
    assert heard[0].unit_ids == {world.committee_a.pk}  # the venue counts for the unit that looks after it
    assert dt.date(2026, 2, 1) in heard[0].dates


def test_liaison_cannot_add_for_another_unit(world, liaison):
    with pytest.raises(PermissionDenied):
        services.venue_create(actor=liaison, data=_data(world, unit=world.committee_b, region=world.community_b))


def test_nobody_may_add(world):
    with pytest.raises(PermissionDenied):
        services.venue_create(actor=None, data=_data(world))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": " "}, "name"),
        ({"opened_on": None}, "opened_on"),
        ({"status": Venue.Status.CLOSED}, "closed_on"),
        ({"closed_on": dt.date(2026, 5, 1)}, "closed_on"),
        ({"status": Venue.Status.CLOSED, "closed_on": dt.date(2026, 1, 1)}, "closed_on"),
        ({"longitude": Decimal("117.0")}, "latitude"),
        ({"region": "community_b"}, "region"),
    ],
)
def test_rules_are_checked_in_chinese(world, office_user, changes, field):
    if changes.get("region") == "community_b":
        changes["region"] = world.community_b
    with pytest.raises(ValidationError) as exc:
        services.venue_create(actor=office_user, data=_data(world, **changes))
    assert field in exc.value.message_dict
    assert all("\u4e00" <= msg[0] <= "\u9fff" for msg in exc.value.message_dict[field])


def test_planned_venue_needs_no_date(world, liaison):
    venue = services.venue_create(actor=liaison, data=_data(world, status=Venue.Status.PLANNED, opened_on=None))
    assert venue.status == Venue.Status.PLANNED


def test_a_change_of_owner_announces_both_units(world, office_user):
    venue = make_venue(world.committee_a)
    heard: list[RecordsChanged] = []
    with events.listening(RecordsChanged, heard.append):
        services.venue_update(
            actor=office_user, venue=venue, data=_data(world, unit=world.office_unit), version=venue.version
        )
    assert heard[0].unit_ids == {world.committee_a.pk, world.office_unit.pk}


def test_update_is_audited_and_refuses_a_stale_version(world, liaison):
    venue = make_venue(world.committee_a)
    services.venue_update(actor=liaison, venue=venue, data=_data(world, name="新名称"), version=venue.version)
    entry = AuditEntry.objects.get(code="venues.venue.update", object_id=str(venue.pk))
    assert entry.changes["name"][1] == "新名称"
    with pytest.raises(Conflict):
        services.venue_update(actor=liaison, venue=venue, data=_data(world, name="再改"), version=1)


def test_other_liaison_cannot_edit_or_delete(world, other_liaison):
    venue = make_venue(world.committee_a)
    with pytest.raises(PermissionDenied):
        services.venue_update(actor=other_liaison, venue=venue, data=_data(world), version=venue.version)
    with pytest.raises(PermissionDenied):
        services.venue_delete(actor=other_liaison, venue=venue)


def test_delete_is_soft_audited_and_announced(world, office_user):
    venue = make_venue(world.committee_a)
    heard: list[RecordsChanged] = []
    with events.listening(RecordsChanged, heard.append):
        services.venue_delete(actor=office_user, venue=venue)
    assert not Venue.objects.filter(pk=venue.pk).exists() and Venue.all_objects.filter(pk=venue.pk).exists()
    assert AuditEntry.objects.filter(code="venues.venue.delete", object_id=str(venue.pk)).exists()
    assert heard and heard[0].metrics == VENUE_METRICS


def test_upkeep_is_logged_audited_and_announced(world, liaison, board):
    heard: list[RecordsChanged] = []
    with events.listening(RecordsChanged, heard.append):
        upkeep = services.upkeep_record(
            actor=liaison, venue=board, kind=Upkeep.Kind.CONTENT, date=dt.date(2026, 3, 1), note="第3期"
        )
    assert upkeep.recorded_by == liaison
    assert AuditEntry.objects.filter(code="venues.upkeep.create", object_id=str(upkeep.pk)).exists()
    assert heard and dt.date(2026, 3, 1) in heard[0].dates and heard[0].unit_ids == {world.committee_a.pk}
    with pytest.raises(ValidationError):
        services.upkeep_record(actor=liaison, venue=board, kind=Upkeep.Kind.CONTENT, date=dt.date(2999, 1, 1))


def test_inspector_reads_but_cannot_log_upkeep(world, inspector, board):
    with pytest.raises(PermissionDenied):
        services.upkeep_record(actor=inspector, venue=board, kind=Upkeep.Kind.REPAIR, date=dt.date(2026, 3, 1))


def test_activity_names_its_venue_through_the_registry(world, liaison):
    venue = make_venue(world.committee_a)
    activity = make_activity(world.committee_a, date=dt.date(2026, 3, 15), co_organisers=[world.judicial_office])
    heard: list[RecordsChanged] = []
    with events.listening(RecordsChanged, heard.append):
        services.activity_venue_set(actor=liaison, activity=activity, venue=venue)
    assert VenueUse.objects.get(activity=activity).venue == venue
    assert heard[0].metrics == {ACTIVITIES}
    assert heard[0].unit_ids == {world.committee_a.pk, world.judicial_office.pk}
    assert AuditEntry.objects.filter(code="venues.activity.venue", object_id=str(activity.pk)).exists()
    services.activity_venue_set(actor=liaison, activity=activity, venue=None)
    assert not VenueUse.objects.filter(activity=activity).exists()


def test_an_activity_cannot_name_a_venue_its_recorder_cannot_see(world, liaison):
    hidden = make_venue(world.committee_b)
    activity = make_activity(world.committee_a)
    with pytest.raises(PermissionDenied):
        services.activity_venue_set(actor=liaison, activity=activity, venue=hidden)


def test_office_adds_a_kind(world, office_user, liaison):
    kind = services.kind_create(actor=office_user, name="青少年法治教育基地", required_per_community=False)
    assert VenueKind.objects.filter(pk=kind.pk, is_active=True).exists()
    with pytest.raises(ValidationError):
        services.kind_create(actor=office_user, name="青少年法治教育基地")
    with pytest.raises(PermissionDenied):
        services.kind_create(actor=liaison, name="另一个类型")


def test_system_actor_may_do_everything(world):
    venue = make_venue(world.committee_a, actor=SYSTEM)
    assert AuditEntry.objects.get(code="venues.venue.create", object_id=str(venue.pk)).actor_name == "系统"
