"""Organisation services: each rule, each audit entry."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pufa.core.models import AuditEntry
from pufa.org import services
from pufa.org.access import SYSTEM
from pufa.org.models import Feedback, Membership, Region, Unit
from tests.factories import TEST_PASSWORD


def test_region_create_sets_path_and_audits(world, office_user):
    region = services.region_create(
        actor=office_user, name="银河社区", level=Region.Level.COMMUNITY, parent=world.street_a
    )
    assert region.path == f"{world.street_a.path}{region.pk}/"
    assert region.depth == world.street_a.depth + 1
    entry = AuditEntry.objects.get(code="org.region.create", object_id=str(region.pk))
    assert entry.actor == office_user and entry.changes["name"] == [None, "银河社区"]


def test_region_level_must_be_below_parent(world, office_user):
    with pytest.raises(ValidationError) as exc:
        services.region_create(actor=office_user, name="错误", level=Region.Level.DISTRICT, parent=world.street_a)
    assert "层级" in str(exc.value)


def test_region_create_outside_scope_denied(world, office_user):
    with pytest.raises(PermissionDenied):
        services.region_create(actor=office_user, name="外区社区", level=Region.Level.COMMUNITY, parent=world.street_b)


def test_top_level_region_only_for_superuser(world, office_user):
    with pytest.raises(PermissionDenied):
        services.region_create(actor=office_user, name="新区", level=Region.Level.DISTRICT, parent=None)


def test_unit_create_generates_code_pinyin_and_audit(world, office_user):
    unit = services.unit_create(
        actor=office_user,
        data=services.UnitData(
            name="沱河街道妇联", kind=Unit.Kind.DEPARTMENT, region=world.street_a, aliases=["妇联", "妇联", " "]
        ),
    )
    assert unit.code and unit.pinyin.startswith("tuo he")
    assert unit.aliases == ["妇联"]
    assert unit.path == f"/{unit.pk}/"
    assert AuditEntry.objects.filter(code="org.unit.create", object_id=str(unit.pk), actor=office_user).exists()


def test_unit_name_unique_within_region(world, office_user):
    with pytest.raises(ValidationError) as exc:
        services.unit_create(
            actor=office_user,
            data=services.UnitData(name="沱河街道司法所", kind=Unit.Kind.JUDICIAL_OFFICE, region=world.street_a),
        )
    assert "已有名为" in str(exc.value)


def test_unit_update_records_field_level_changes(world, office_user):
    unit = world.judicial_office
    services.unit_update(
        actor=office_user,
        unit=unit,
        data=services.UnitData(
            name="沱河街道司法所",
            kind=unit.kind,
            region=unit.region,
            aliases=["司法所", "沱河司法所"],
            contact_phone="0557-1234567",
        ),
    )
    entry = AuditEntry.objects.filter(code="org.unit.update").latest("id")
    assert entry.changes["aliases"] == [["司法所"], ["司法所", "沱河司法所"]]
    assert entry.changes["contact_phone"] == ["", "0557-1234567"]
    assert "name" not in entry.changes


def test_liaison_cannot_change_units(world, liaison):
    with pytest.raises(PermissionDenied):
        services.unit_update(
            actor=liaison,
            unit=world.committee_a,
            data=services.UnitData(name="改名", kind=Unit.Kind.COMMUNITY_COMMITTEE, region=world.community_a),
        )


def test_unit_delete_is_soft_and_restorable(world, office_user):
    unit = services.unit_delete(actor=office_user, unit=world.committee_b)
    assert not Unit.objects.filter(pk=unit.pk).exists()
    assert Unit.all_objects.get(pk=unit.pk).deleted_at is not None
    services.unit_restore(actor=office_user, unit=unit)
    assert Unit.objects.filter(pk=unit.pk).exists()
    codes = list(AuditEntry.objects.filter(object_id=str(unit.pk)).values_list("code", flat=True))
    assert "org.unit.delete" in codes and "org.unit.restore" in codes


def test_unit_with_children_cannot_be_deleted(world, office_user):
    services.unit_create(
        actor=office_user,
        data=services.UnitData(
            name="沱河社区网格站", kind=Unit.Kind.SOCIAL_ORG, region=world.community_a, parent=world.committee_a
        ),
    )
    with pytest.raises(ValidationError):
        services.unit_delete(actor=office_user, unit=world.committee_a)


def test_user_create_validates_password_strength(world, office_user):
    data = services.UserData(username="newbie", full_name="新人")
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=office_user, data=data, password="abcdefghij", unit=world.committee_a, role=Membership.Role.LIAISON
        )
    assert "password" in exc.value.message_dict
    user = services.user_create(
        actor=office_user, data=data, password=TEST_PASSWORD, unit=world.committee_a, role=Membership.Role.LIAISON
    )
    assert user.check_password(TEST_PASSWORD)
    assert user.memberships.get().unit == world.committee_a


def test_user_create_outside_region_denied(world, office_user):
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=office_user,
            data=services.UserData(username="x", full_name="某"),
            password=TEST_PASSWORD,
            unit=world.other_office_unit,
            role=Membership.Role.LIAISON,
        )


def test_office_cannot_manage_person_acting_elsewhere_too(world, office_user, liaison):
    Membership.objects.create(user=liaison, unit=world.other_office_unit, role=Membership.Role.MEMBER)
    with pytest.raises(PermissionDenied):
        services.user_update(
            actor=office_user, user=liaison, data=services.UserData(username="liaison", full_name="改名")
        )


def test_membership_end_keeps_row_and_drops_grant(world, office_user, liaison):
    membership = liaison.memberships.get()
    services.membership_end(actor=office_user, membership=membership)
    membership.refresh_from_db()
    assert membership.is_active is False
    liaison.refresh_from_db()
    from pufa.org.selectors import unit_list

    assert not unit_list(actor=liaison).exists()


def test_feedback_reaches_office_of_region(world, office_user, other_office, liaison):
    item = services.feedback_submit(
        actor=liaison, kind=Feedback.Kind.FORMALISM, content="同一个数字每月要报三次。", region=world.community_a
    )
    from pufa.org.selectors import feedback_list

    assert item in feedback_list(actor=office_user)
    assert item in feedback_list(actor=liaison)  # the author sees their own
    assert item not in feedback_list(actor=other_office)


def test_feedback_anonymous_and_too_short(world):
    with pytest.raises(ValidationError):
        services.feedback_submit(actor=SYSTEM, kind=Feedback.Kind.SUGGESTION, content="好", region=world.street_a)
    item = services.feedback_submit(
        actor=SYSTEM,
        kind=Feedback.Kind.SUGGESTION,
        content="希望多办些法律讲座。",
        region=world.street_a,
        contact="13912345678",
    )
    assert item.author is None and item.masked_contact == "139****5678"


def test_feedback_reply_only_by_office(world, office_user, liaison):
    item = services.feedback_submit(
        actor=liaison, kind=Feedback.Kind.SUGGESTION, content="建议增加宣传栏。", region=world.community_a
    )
    with pytest.raises(PermissionDenied):
        services.feedback_reply(actor=liaison, feedback=item, reply="自己答复")
    services.feedback_reply(actor=office_user, feedback=item, reply="已安排。")
    item.refresh_from_db()
    assert item.status == Feedback.Status.REPLIED and item.replied_by == office_user
