"""Planned against done: the ledger's event links a recorded activity to the announced activity it fulfils.

The ledger's services publish `ActivitiesChanged`; here activities are written directly and the event
published the same way, so these tests do not depend on the ledger's forms or rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pufa.core import events
from pufa.core.events import ActivitiesChanged
from pufa.core.models import ActivityKind, AuditEntry, Domain
from pufa.duties import matching, services
from pufa.duties.models import PlannedActivity
from pufa.ledger.models import Activity, ActivityUnit
from pufa.org.access import SYSTEM
from pufa.org.models import Unit
from tests.factories import duty_list


def record(
    unit: Unit,
    title: str = "民法典主题宣讲进社区",
    *,
    kind: str = "ztjz",
    day: dt.date = dt.date(2026, 5, 20),
    co: tuple[Unit, ...] = (),
    status: str = Activity.Status.SUBMITTED,
    laws: str = "",
    domains: tuple[str, ...] = (),
    event: str | None = ActivitiesChanged.CREATED,
) -> Activity:
    activity = Activity.objects.create(
        unit=unit,
        title=title,
        kind=ActivityKind.objects.get(code=kind),
        date=day,
        status=status,
        laws=laws,
        region_path=unit.region.path,
    )
    activity.domains.set(Domain.objects.filter(code__in=domains))
    ActivityUnit.objects.bulk_create(
        ActivityUnit(
            activity=activity,
            unit=u,
            is_organiser=u == unit,
            unit_path=u.path,
            region_path=u.region.path,
            date=day,
            status=status,
        )
        for u in (unit, *co)
    )
    if event:
        fire(event, [activity])
    return activity


def fire(name: str, activities: list[Activity]) -> None:
    events.publish(ActivitiesChanged(name=name, activities=tuple(activities)))


def _planned(dl) -> PlannedActivity:
    return dl.planned_activities.select_related("activity").get()


def test_matching_listens_to_the_ledger():
    assert matching.on_activities_changed in events.listeners(ActivitiesChanged)


def test_recorded_activity_links_to_the_announced_one(world):
    dl = duty_list(world.committee_a, status="published")
    activity = record(world.committee_a)
    planned = _planned(dl)
    assert planned.activity == activity and planned.link_method == "auto" and planned.linked_at
    entry = AuditEntry.objects.get(code="duties.planned.link", object_id=str(planned.pk))
    assert entry.actor is None and entry.changes["activity"][1] == str(activity)


def test_co_organiser_fulfils_its_own_announcement(world):
    dl = duty_list(world.committee_b, status="published")
    activity = record(world.judicial_office, "司法所联合桃园社区开展民法典宣讲", co=(world.committee_b,))
    assert _planned(dl).activity == activity


def test_one_joint_activity_fulfils_the_announcement_of_each_unit(world):
    a = duty_list(world.committee_a, status="published")
    b = duty_list(world.committee_b, status="published")
    activity = record(world.committee_a, co=(world.committee_b,))
    assert _planned(a).activity == activity and _planned(b).activity == activity


def test_no_link_outside_the_window(world):
    dl = duty_list(world.committee_a, status="published")
    record(world.committee_a, day=dt.date(2026, 6, 2))
    assert _planned(dl).activity is None


def test_no_link_for_another_form_and_unlike_title(world):
    dl = duty_list(world.committee_a, status="published")
    record(world.committee_a, "消防安全演练", kind="jzxc")
    assert _planned(dl).activity is None


def test_similar_title_links_even_when_the_form_differs(world):
    dl = duty_list(world.committee_a, status="published")
    activity = record(world.committee_a, "美好生活·民法典相伴主题宣讲", kind="jzxc")
    assert _planned(dl).activity == activity


def test_unit_not_taking_part_is_not_linked(world):
    dl = duty_list(world.committee_a, status="published")
    record(world.committee_b)
    assert _planned(dl).activity is None


def test_drafts_and_unpublished_lists_are_not_linked(world):
    published = duty_list(world.committee_a, status="published")
    record(world.committee_a, status=Activity.Status.DRAFT)
    assert _planned(published).activity is None
    filed = duty_list(world.committee_b, status="filed")
    record(world.committee_b)
    assert _planned(filed).activity is None


def test_best_candidate_wins_and_each_is_used_once(world, office_user):
    from pufa.core.models import Audience

    dl = duty_list(world.committee_a, status="draft")
    fraud = services.planned_activity_create(
        actor=SYSTEM,
        duty_list=dl,
        data=services.PlannedData(
            content="反电信网络诈骗宣传",
            kind=ActivityKind.objects.get(code="ztjz"),
            start=dt.date(2026, 5, 1),
            end=dt.date(2026, 5, 31),
            audiences=[Audience.objects.get(code="lnr")],
        ),
    )
    services.duty_list_submit(actor=SYSTEM, duty_list=dl)
    services.duty_list_file(actor=SYSTEM, duty_list=dl)
    services.duty_list_publish(actor=office_user, duty_list=dl)
    civil = dl.planned_activities.exclude(pk=fraud.pk).get()
    anti_fraud = record(world.committee_a, "反电信网络诈骗宣传进社区", day=dt.date(2026, 5, 10))
    fraud.refresh_from_db()
    civil.refresh_from_db()
    assert fraud.activity == anti_fraud and civil.activity is None
    lecture = record(world.committee_a, "民法典宣讲", day=dt.date(2026, 5, 12))
    civil.refresh_from_db()
    assert civil.activity == lecture
    again = record(world.committee_a, "民法典宣讲（第二场）", day=dt.date(2026, 5, 14))
    assert not PlannedActivity.objects.filter(activity=again).exists()


def test_law_and_domain_overlap_prefer_the_better_match(world, office_user):
    from pufa.core.models import Audience

    dl = duty_list(world.committee_a, status="draft")
    traffic = services.planned_activity_create(
        actor=SYSTEM,
        duty_list=dl,
        data=services.PlannedData(
            content="交通安全宣传",
            kind=ActivityKind.objects.get(code="ztjz"),
            start=dt.date(2026, 5, 1),
            end=dt.date(2026, 5, 31),
            audiences=[Audience.objects.get(code="sqjm")],
            domains=[Domain.objects.get(code="jtaq-za")],
        ),
    )
    services.duty_list_submit(actor=SYSTEM, duty_list=dl)
    services.duty_list_file(actor=SYSTEM, duty_list=dl)
    services.duty_list_publish(actor=office_user, duty_list=dl)
    activity = record(world.committee_a, "专题讲座", domains=("minfadian",), laws="《民法典》")
    civil = dl.planned_activities.exclude(pk=traffic.pk).get()
    assert civil.activity == activity
    traffic.refresh_from_db()
    assert traffic.activity is None


def test_publishing_links_what_the_ledger_already_holds(world, office_user):
    dl = duty_list(world.committee_a, status="filed")
    activity = record(world.committee_a)  # recorded before the announcement: nothing to link yet
    assert _planned(dl).activity is None
    services.duty_list_publish(actor=office_user, duty_list=dl)
    assert _planned(dl).activity == activity


def test_deleting_the_record_drops_every_link(world):
    dl = duty_list(world.committee_a, status="published")
    activity = record(world.committee_a)
    activity.deleted_at = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    activity.save()
    fire(ActivitiesChanged.DELETED, [activity])
    planned = _planned(dl)
    assert planned.activity is None and planned.link_method == ""
    assert AuditEntry.objects.filter(code="duties.planned.unlink", object_id=str(planned.pk)).exists()


def test_moving_the_record_out_of_the_window_drops_an_automatic_link(world):
    dl = duty_list(world.committee_a, status="published")
    activity = record(world.committee_a)
    activity.date = dt.date(2026, 7, 1)
    activity.save()
    fire(ActivitiesChanged.UPDATED, [activity])
    assert _planned(dl).activity is None


def test_returned_record_loses_its_automatic_link(world):
    dl = duty_list(world.committee_a, status="published")
    activity = record(world.committee_a)
    activity.status = Activity.Status.RETURNED
    activity.save()
    # The ledger's services keep the participation copies in step before they announce the change.
    ActivityUnit.objects.filter(activity=activity).update(status=activity.status)
    fire(ActivitiesChanged.RETURNED, [activity])
    assert _planned(dl).activity is None


def test_import_event_links_many_in_constant_queries(world, django_assert_max_num_queries):
    lists = [duty_list(world.committee_a, status="published"), duty_list(world.committee_b, status="published")]
    acts = [
        record(u, day=dt.date(2026, 5, d), event=None)
        for u in (world.committee_a, world.committee_b)
        for d in range(3, 9)
    ]
    # Every listener of the import's one event included (the rosters ask once which trainings were attended):
    # the count depends on the listeners, never on the number of units or activities.
    with django_assert_max_num_queries(35):
        fire(ActivitiesChanged.IMPORTED, acts)
    assert all(_planned(dl).activity is not None for dl in lists)


# ---------------------------------------------------------------- by hand


def test_manual_link_and_unlink(world, liaison):
    dl = duty_list(world.committee_a, status="published")
    other = record(world.committee_a, "消防安全演练", kind="jzxc", day=dt.date(2026, 5, 3))
    planned = _planned(dl)
    assert planned.activity is None
    services.planned_activity_link(actor=liaison, planned=planned, activity=other)
    planned.refresh_from_db()
    assert planned.activity == other and planned.link_method == "manual"
    assert AuditEntry.objects.get(code="duties.planned.link", object_id=str(planned.pk)).actor == liaison
    # A manual link survives an edit of the record that automatic matching would not accept.
    fire(ActivitiesChanged.UPDATED, [other])
    planned.refresh_from_db()
    assert planned.activity == other
    services.planned_activity_unlink(actor=liaison, planned=planned)
    planned.refresh_from_db()
    assert planned.activity is None
    with pytest.raises(ValidationError):
        services.planned_activity_unlink(actor=liaison, planned=planned)


def test_manual_link_rules(world, liaison, other_liaison):
    dl = duty_list(world.committee_a, status="published")
    planned = _planned(dl)
    foreign = record(world.committee_b, "桃园社区活动", kind="jzxc")
    with pytest.raises(PermissionDenied):  # the liaison may not even see another community's record
        services.planned_activity_link(actor=liaison, planned=planned, activity=foreign)
    with pytest.raises(ValidationError):  # the office sees it, but the unit did not take part
        services.planned_activity_link(actor=SYSTEM, planned=planned, activity=foreign)
    draft = record(world.committee_a, "草稿活动", kind="jzxc", status=Activity.Status.DRAFT)
    with pytest.raises(ValidationError) as exc:
        services.planned_activity_link(actor=liaison, planned=planned, activity=draft)
    assert "已提交或已确认" in exc.value.message_dict["activity"][0]
    own = record(world.committee_a, "消防演练", kind="jzxc")
    with pytest.raises(PermissionDenied):
        services.planned_activity_link(actor=other_liaison, planned=planned, activity=own)


def test_score_rules():
    assert matching._norm("“美好生活·民法典相伴”") == "美好生活民法典相伴"
    assert matching._law_short("中华人民共和国民法典") == "民法典"


def test_recording_through_the_ledger_services_links_the_announcement(world, liaison, office_user):
    """The real path: a liaison records and submits an activity in the ledger; the hook links it."""
    from tests.factories import make_activity

    dl = duty_list(world.committee_a, status="published")
    activity = make_activity(world.committee_a, title="民法典主题宣讲进社区", date=dt.date(2026, 5, 20))
    planned = _planned(dl)
    assert planned.activity == activity and planned.link_method == "auto"
    from pufa.ledger import services as ledger_services

    ledger_services.activity_delete(actor=office_user, activity=activity, reason="重复登记")
    assert _planned(dl).activity is None


def test_events_without_open_announcements_load_nothing(world, django_assert_max_num_queries):
    """An import into units without open announced activities costs three small queries, whatever its size."""
    duty_list(world.committee_a, status="published")  # its window is May
    acts = [record(world.committee_b, day=dt.date(2026, 5, d), event=None) for d in range(3, 20)]
    acts += [record(world.committee_a, day=dt.date(2026, 7, d), event=None) for d in range(3, 20)]
    with django_assert_max_num_queries(3):
        matching.on_activities_changed(ActivitiesChanged(ActivitiesChanged.IMPORTED, tuple(acts), None))
    assert not PlannedActivity.objects.filter(activity__isnull=False).exists()
    matching.on_activities_changed(
        ActivitiesChanged(ActivitiesChanged.IMPORTED, (record(world.committee_a, event=None),), None)
    )
    assert PlannedActivity.objects.filter(activity__isnull=False).count() == 1
