"""Scoping: a liaison sees their unit, an office its region, nobody anything outside."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from pufa.core.models import AuditEntry
from pufa.org import selectors
from pufa.org.access import can, require, scope
from pufa.org.models import Membership, Unit


def names(qs) -> set[str]:
    return {u.name for u in qs}


def test_liaison_sees_only_own_unit(world, liaison):
    assert names(selectors.unit_list(actor=liaison)) == {"沱河社区居委会"}


def test_liaison_sees_units_below_own_unit(world, liaison):
    from tests.factories import UnitFactory

    child = UnitFactory(name="沱河社区网格站", region=world.community_a, parent=world.committee_a)
    assert child in selectors.unit_list(actor=liaison)


def test_office_sees_whole_region_and_nothing_outside(world, office_user):
    visible = names(selectors.unit_list(actor=office_user))
    assert visible == {"沱河街道法治办", "沱河街道司法所", "沱河社区居委会", "桃园社区居委会"}
    assert "三八街道法治办" not in visible


def test_inspector_sees_region_but_may_not_manage(world, inspector):
    assert world.committee_b in selectors.unit_list(actor=inspector)
    assert not can(inspector, "org.manage", world.committee_b)
    assert can(inspector, "ledger.view", world.committee_b)


def test_user_without_membership_sees_nothing(db, world):
    from tests.factories import UserFactory

    nobody = UserFactory()
    assert not selectors.unit_list(actor=nobody).exists()
    assert not selectors.region_list(actor=nobody).exists()


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not scope(Unit.objects.all(), AnonymousUser()).exists()
    assert not can(AnonymousUser(), "org.view")


def test_inactive_membership_grants_nothing(world, liaison):
    Membership.objects.filter(user=liaison).update(is_active=False)
    liaison.refresh_from_db()
    assert not selectors.unit_list(actor=liaison).exists()


def test_deleted_unit_grants_nothing(world, liaison):
    Unit.objects.filter(pk=world.committee_a.pk).update(deleted_at="2026-01-01T00:00:00Z")
    liaison.refresh_from_db()
    assert not selectors.unit_list(actor=liaison).exists()


def test_require_checks_role_and_object(world, liaison, office_user):
    with pytest.raises(PermissionDenied):
        require(liaison, "org.manage", world.committee_a)
    require(office_user, "org.manage", world.committee_a)
    with pytest.raises(PermissionDenied):
        require(office_user, "org.manage", world.other_office_unit)


def test_action_filter_uses_only_grants_with_that_action(world, liaison):
    # The same person is also an inspector of street B: view covers both, manage covers nothing.
    Membership.objects.create(user=liaison, unit=world.other_office_unit, role=Membership.Role.INSPECTOR)
    liaison.refresh_from_db()
    assert world.other_office_unit in selectors.unit_list(actor=liaison)
    assert not selectors.unit_list(actor=liaison, action="org.manage").exists()


def test_audit_trail_scoped_by_region(world, office_user, other_office):
    mine = AuditEntry.objects.filter(scope_path__startswith=world.street_a.path)
    assert mine.exists()
    assert set(selectors.audit_list(actor=office_user)) == set(mine)
    assert not selectors.audit_list(actor=other_office).filter(scope_path__startswith=world.street_a.path).exists()


def test_liaison_has_no_audit_access(world, liaison):
    assert not selectors.audit_list(actor=liaison).exists()


def test_path_prefix_does_not_leak_to_sibling_with_longer_id(world, office_user):
    # "/1/2/" must not match "/1/23/": paths end with a slash.
    assert all(r.path.endswith("/") for r in selectors.region_list(actor=office_user))
    for region in selectors.region_list(actor=office_user):
        assert region.path.startswith(world.street_a.path)


# ---------------------------------------------------------------- nobody and the system agree everywhere


@pytest.mark.parametrize("action", [None, "org.view", "org.manage", "ledger.review", "reports.review"])
def test_none_is_nobody_for_scope_and_can_alike(world, action):
    unit = world.committee_a
    assert not scope(Unit.objects.all(), None, action).exists()
    assert not can(None, action or "org.view")
    assert not can(None, action or "org.view", unit)
    with pytest.raises(PermissionDenied):
        require(None, action or "org.view", unit)


@pytest.mark.parametrize("action", [None, "org.view", "org.manage", "ledger.review", "reports.review"])
def test_system_may_do_and_see_everything_for_scope_and_can_alike(world, action):
    from pufa.org.access import SYSTEM

    assert set(scope(Unit.objects.all(), SYSTEM, action)) == set(Unit.objects.all())
    assert can(SYSTEM, action or "org.view") and can(SYSTEM, action or "org.view", world.committee_a)
    require(SYSTEM, action or "org.view", world.other_office_unit)


def test_system_is_recorded_as_system_and_none_is_refused_by_services(world):
    from pufa.org import services
    from pufa.org.access import SYSTEM
    from pufa.org.models import Region

    with pytest.raises(PermissionDenied):
        services.region_create(actor=None, name="新区", level=Region.Level.DISTRICT, parent=None)
    region = services.region_create(actor=SYSTEM, name="新区", level=Region.Level.DISTRICT, parent=None)
    entry = AuditEntry.objects.filter(object_id=str(region.pk), object_repr=str(region)).get()
    assert entry.actor is None and entry.actor_name == "系统"


def test_national_key_dates_need_a_grant_at_the_top_of_the_tree(world, office_user):
    """The side rule once read from a path count lives in the role table: only the top region's office."""
    from pufa.ledger.services import may_edit_national_key_dates
    from pufa.org.access import SYSTEM
    from tests.factories import UnitFactory, member_of

    assert not can(office_user, "ledger.keydate.national")  # a street office
    top = UnitFactory(name="测试区法治办", kind=Unit.Kind.OFFICE, region=world.district)
    assert world.district.path.count("/") == 2  # the fixture's district is the root
    district_office = member_of(top, Membership.Role.OFFICE, username="district_office")
    assert can(district_office, "ledger.keydate.national") and may_edit_national_key_dates(district_office)
    assert not may_edit_national_key_dates(office_user) and not may_edit_national_key_dates(None)
    assert may_edit_national_key_dates(SYSTEM)
