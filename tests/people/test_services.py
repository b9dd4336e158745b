"""Roster services: rules, scoping, audit, the roster as of a date, reveal."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pufa.core import events
from pufa.core.models import AuditEntry
from pufa.people import metrics as people_metrics
from pufa.people import services
from pufa.people.models import Attendance, Person, TeamMembership
from pufa.plans import metrics
from tests.factories import make_activity
from tests.people.conftest import D, add_person, kind, valid_id


def roster_on(unit, day, code="flmbr"):
    return TeamMembership.objects.filter(
        TeamMembership.active_q(day), person__unit=unit, kind__code=code, person__deleted_at__isnull=True
    ).count()


def test_create_keeps_no_id_number_and_audits_masked(world, liaison):
    number = valid_id()
    person = services.person_create(
        actor=liaison,
        data=services.PersonData(
            name="王秀英", region=world.community_a, unit=world.committee_a, phone="13812341234", id_number=number
        ),
        teams=[services.JoinData(kind=kind(), start=D(2024, 1, 1))],
    )
    stored = Person.objects.filter(pk=person.pk).values()[0]
    assert number not in {str(v) for v in stored.values()}
    assert (person.id_last4, person.birth_year, person.gender) == (number[-4:], 1980, "m")
    entry = AuditEntry.objects.get(code="people.person", object_id=str(person.pk))
    assert entry.changes["phone"] == [None, "138****1234"]
    assert "13812341234" not in str(entry.changes) and number not in str(entry.changes)
    assert AuditEntry.objects.filter(code="people.join").count() == 1


def test_rules_are_checked(world, liaison):
    bad = services.PersonData(
        name=" ",
        region=world.street_a,
        unit=world.committee_a,
        phone="1234",
        id_number=valid_id()[:17] + "0" if valid_id()[-1] != "0" else valid_id()[:17] + "1",
    )
    with pytest.raises(ValidationError) as exc:
        services.person_create(actor=liaison, data=bad)
    assert set(exc.value.message_dict) == {"name", "region", "phone", "id_number"}
    assert "校验位" in exc.value.message_dict["id_number"][0]
    other_community = services.PersonData(name="张三", region=world.community_b, unit=world.committee_a)
    with pytest.raises(ValidationError) as exc:
        services.person_create(actor=liaison, data=other_community)
    assert "辖区" in exc.value.message_dict["region"][0]


def test_duplicates_by_phone_or_id_within_the_district(world, liaison, other_liaison, person_a):
    same_phone = services.PersonData(
        name="王秀英", region=world.community_b, unit=world.committee_b, phone=person_a.phone
    )
    with pytest.raises(ValidationError) as exc:
        services.person_create(actor=other_liaison, data=same_phone)
    assert "沱河社区居委会" in exc.value.message_dict["phone"][0]
    same_id = services.PersonData(name="王某", region=world.community_b, unit=world.committee_b, id_number=valid_id())
    with pytest.raises(ValidationError) as exc:
        services.person_create(actor=other_liaison, data=same_id)
    assert "id_number" in exc.value.message_dict
    # Editing the person itself is not a duplicate of itself.
    services.person_update(
        actor=liaison,
        person=person_a,
        data=services.PersonData(name="王秀英", region=world.community_a, unit=world.committee_a, phone=person_a.phone),
    )


def test_liaison_cannot_manage_or_reveal_another_community(world, liaison, other_liaison, person_b):
    with pytest.raises(PermissionDenied):
        services.person_create(
            actor=liaison, data=services.PersonData(name="李四", region=world.community_b, unit=world.committee_b)
        )
    with pytest.raises(PermissionDenied):
        services.person_reveal(actor=liaison, person=person_b)
    with pytest.raises(PermissionDenied):
        services.membership_end(actor=liaison, membership=person_b.memberships.get(), end=D(2025, 1, 1), reason="搬离")
    assert services.person_reveal(actor=other_liaison, person=person_b) == "13955556666"


def test_reveal_is_audited_for_the_inspector(inspector, person_a):
    assert services.person_reveal(actor=inspector, person=person_a, reason="电话抽查") == "13812341234"
    entry = AuditEntry.objects.get(code="people.reveal")
    assert entry.actor == inspector and "电话抽查" in entry.message and entry.object_id == str(person_a.pk)


def test_roster_as_of_a_date_after_retirement_and_replacement(world, liaison):
    first = add_person(world.committee_a, world.community_a, name="甲", start=D(2022, 3, 1))
    add_person(world.committee_a, world.community_a, name="乙", start=D(2022, 3, 1))
    newcomer = add_person(world.committee_a, world.community_a, name="丙", kinds=())
    membership = first.memberships.get()
    services.membership_end(
        actor=liaison, membership=membership, end=D(2024, 4, 30), reason="年龄偏大", replacement=newcomer
    )
    assert roster_on(world.committee_a, D(2022, 12, 31)) == 2
    assert roster_on(world.committee_a, D(2024, 4, 29)) == 2
    assert set(
        TeamMembership.objects.filter(TeamMembership.active_q(D(2024, 4, 30)), kind__code="flmbr").values_list(
            "person__name", flat=True
        )
    ) == {"乙", "丙"}
    membership.refresh_from_db()
    assert membership.end_reason == "年龄偏大" and membership.replaced_by.person == newcomer
    assert TeamMembership.objects.filter(person=first).exists()  # nothing removed
    with pytest.raises(ValidationError):
        services.membership_end(actor=liaison, membership=membership, end=D(2024, 5, 1), reason="再次")


def test_leaving_needs_a_reason_and_a_later_date(world, liaison, person_a):
    membership = person_a.memberships.get()
    with pytest.raises(ValidationError) as exc:
        services.membership_end(actor=liaison, membership=membership, end=membership.start, reason="")
    assert set(exc.value.message_dict) == {"end", "reason"}


def test_household_with_members(world, liaison):
    head = add_person(world.committee_a, world.community_a, name="赵大", kinds=())
    spouse = add_person(world.committee_a, world.community_a, name="钱二", kinds=())
    household = services.household_create(
        actor=liaison, head=head, kind=kind("xfyfsfh"), start=D(2025, 5, 1), members=[spouse]
    )
    assert list(household.members.all()) == [spouse]
    assert head.memberships.get().household == household
    with pytest.raises(ValidationError):
        services.household_create(actor=liaison, head=head, kind=kind("xfyfsfh"), start=D(2025, 6, 1))
    with pytest.raises(ValidationError):
        services.membership_add(
            actor=liaison, person=spouse, join=services.JoinData(kind=kind("xfyfsfh"), start=D(2025, 1, 1))
        )


def test_changes_are_announced_on_the_bus_with_the_roster_metrics(world, liaison, person_a):
    seen: list[events.RecordsChanged] = []
    with events.listening(events.RecordsChanged, seen.append):
        services.membership_end(
            actor=liaison, membership=person_a.memberships.get(), end=D(2025, 6, 15), reason="已离开居住地"
        )
    (event,) = [e for e in seen if e.source == "people"]
    assert event.unit_ids == {world.committee_a.pk}
    assert D(2025, 6, 15) in event.dates
    assert {"people.roster_count", "people.households", "people.trained"} <= event.metrics


def test_attendance_once_per_person_and_only_own_people(world, liaison, other_liaison, person_a, person_b):
    training = make_activity(
        world.judicial_office,
        title="法律明白人专题培训",
        kind="px",
        date=D(2025, 3, 15),
        co_organisers=[world.committee_a, world.committee_b],
    )
    services.attendance_set(actor=liaison, activity=training, people=[person_a])
    with pytest.raises(PermissionDenied):
        services.attendance_set(actor=liaison, activity=training, people=[person_a, person_b])
    services.attendance_set(actor=other_liaison, activity=training, people=[person_b])
    # The other liaison's choice leaves community A's attendance alone.
    assert set(Attendance.objects.filter(activity=training).values_list("person__name", flat=True)) == {
        "王秀英",
        "刘建国",
    }
    values = metrics.compute(
        people_metrics.TRAINED,
        unit_ids=[world.committee_a.pk, world.committee_b.pk, world.judicial_office.pk],
        start=D(2025, 1, 1),
        end=D(2025, 3, 31),
        filters={"activity_kind": "px"},
    )
    # Three units ran the training; each person attended once and counts once, for the unit keeping them.
    assert values == {world.committee_a.pk: 1, world.committee_b.pk: 1, world.judicial_office.pk: 0}
    services.attendance_set(actor=liaison, activity=training, people=[])
    assert list(Attendance.objects.filter(activity=training).values_list("person__name", flat=True)) == ["刘建国"]
    assert AuditEntry.objects.filter(code="people.attendance").count() == 3
