"""The member's own page (only the person linked to the login) and the portal's 公示 (public columns only,
the phone masked, no ID number, retired and moved-away people gone)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from pufa.org.access import SYSTEM
from pufa.org.models import Membership
from pufa.people import services
from pufa.people.models import TeamKind
from tests.factories import make_activity, member_of
from tests.people.conftest import D, add_person


def test_member_sees_only_themself(client_for, world, person_a, person_b):
    user = member_of(world.committee_a, Membership.Role.MEMBER, username="wxy")
    person_a.user = user
    person_a.save()
    training = make_activity(world.committee_a, title="法律明白人专题培训", kind="px", date=D(2026, 3, 1))
    services.attendance_set(actor=SYSTEM, activity=training, people=[person_a])
    page = client_for(user).get(reverse("people:me")).content.decode()
    assert "王秀英" in page and "法律明白人专题培训" in page and "刘建国" not in page
    assert "13812341234" not in page and "138****1234" in page and person_a.id_last4 not in page
    other = member_of(world.committee_b, Membership.Role.MEMBER, username="nobody")
    page = client_for(other).get(reverse("people:me")).content.decode()
    assert 'data-testid="me-none"' in page and "王秀英" not in page


def test_me_needs_a_login(client):
    response = client.get(reverse("people:me"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_portal_roster_is_public_and_masked(client, world, person_a, person_b):
    moved = add_person(world.committee_a, world.community_a, name="周已搬", moved_away=True)
    retired = add_person(world.committee_a, world.community_a, name="吴离任")
    services.membership_end(
        actor=SYSTEM, membership=retired.memberships.get(), end=timezone.localdate(), reason="本人申请退出"
    )
    hidden = TeamKind.objects.get(code="flmbr")
    page = client.get(reverse("portal:people")).content.decode()
    assert page.count('data-testid="portal-person"') == 2
    assert "王秀英" in page and "刘建国" in page and "138****1234" in page
    assert "13812341234" not in page and person_a.id_last4 not in page
    assert moved.name not in page and retired.name not in page
    hidden.public = False
    hidden.save()
    assert client.get(reverse("portal:people")).content.decode().count('data-testid="portal-person"') == 0
