"""Roster pages: the permission matrix, masking everywhere, the audited reveal (POST only), HTMX partials,
forms through the services, and a flat query count on the list."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from pufa.core.models import AuditEntry
from pufa.org.models import Membership
from pufa.people import services
from pufa.people.models import Person, TeamKind
from tests.factories import make_activity, member_of
from tests.people.conftest import D, add_person


def test_anonymous_is_sent_to_login(client, person_a):
    for url in [
        reverse("people:person-list"),
        reverse("people:person-detail", args=[person_a.pk]),
        reverse("people:person-export"),
        reverse("people:person-create"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    assert client.post(reverse("people:person-reveal", args=[person_a.pk])).status_code == 302


def test_liaison_of_another_community_gets_404(client_for, other_liaison, other_office, person_a):
    for outsider in (other_liaison, other_office):
        c = client_for(outsider)
        for url in [
            reverse("people:person-detail", args=[person_a.pk]),
            reverse("people:person-edit", args=[person_a.pk]),
            reverse("people:membership-end", args=[person_a.memberships.get().pk]),
        ]:
            assert c.get(url).status_code == 404, (outsider, url)
        assert c.post(reverse("people:person-reveal", args=[person_a.pk])).status_code == 404
        assert "王秀英" not in c.get(reverse("people:person-list")).content.decode()
    assert not AuditEntry.objects.filter(code="people.reveal").exists()


def test_member_without_roster_rights_gets_403(client_for, world):
    member = member_of(world.committee_a, Membership.Role.MEMBER, username="m1")
    c = client_for(member)
    assert c.get(reverse("people:person-list")).status_code == 403
    assert c.get(reverse("people:person-create")).status_code == 403


def test_inspector_may_see_and_reveal_but_not_edit(client_for, inspector, person_a):
    c = client_for(inspector)
    assert c.get(reverse("people:person-detail", args=[person_a.pk])).status_code == 200
    assert c.get(reverse("people:person-edit", args=[person_a.pk])).status_code == 403
    response = c.post(reverse("people:person-reveal", args=[person_a.pk]), {"reason": "电话抽查"})
    assert response.status_code == 200 and "13812341234" in response.content.decode()
    assert AuditEntry.objects.get(code="people.reveal").actor == inspector


def test_pages_and_exports_mask_phones_and_id_numbers(client_for, liaison, person_a):
    c = client_for(liaison)
    for url in [reverse("people:person-list"), reverse("people:person-detail", args=[person_a.pk])]:
        page = c.get(url).content.decode()
        assert "138****1234" in page and "13812341234" not in page, url
    detail = c.get(reverse("people:person-detail", args=[person_a.pk])).content.decode()
    assert "*" * 14 + person_a.id_last4 in detail
    # Reveal is a POST: a GET (a link, a prefetch, a crawler) shows nothing.
    assert c.get(reverse("people:person-reveal", args=[person_a.pk])).status_code == 405
    export = c.get(reverse("people:person-export"))
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    cells = [str(v) for r in sheet.iter_rows(values_only=True) for v in r]
    assert "138****1234" in cells and "13812341234" not in cells


def test_reveal_through_htmx_returns_the_fragment(client_for, liaison, person_a):
    response = client_for(liaison).post(
        reverse("people:person-reveal", args=[person_a.pk]), {"reason": "核实信息"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert 'href="tel:13812341234"' in body and "<html" not in body
    assert AuditEntry.objects.filter(code="people.reveal", actor=liaison).count() == 1


def test_list_filters_and_partial(client_for, world, liaison, person_a):
    retired = add_person(world.committee_a, world.community_a, name="离任者", start=D(2022, 1, 1))
    c = client_for(liaison)
    c.post(
        reverse("people:membership-end", args=[retired.memberships.get().pk]),
        {"end": "2024-01-01", "reason": "年龄偏大"},
    )
    today = c.get(reverse("people:person-list"), {"kind": "flmbr"}, HTTP_HX_REQUEST="true").content.decode()
    assert "王秀英" in today and "离任者" not in today and "<html" not in today
    # The roster of an earlier day: the retired person was on it, 王秀英 (joined 2022-03-01) not yet.
    back = c.get(reverse("people:person-list"), {"kind": "flmbr", "on": "2022-02-01"}).content.decode()
    assert "离任者" in back and "王秀英" not in back


def test_add_person_through_the_form(client_for, world, liaison):
    c = client_for(liaison)
    assert c.get(reverse("people:person-create")).status_code == 200
    response = c.post(
        reverse("people:person-create"),
        {
            "name": "孙丽",
            "phone": "13766667777",
            "unit": world.committee_a.pk,
            "region": world.community_a.pk,
            "kinds": [TeamKind.objects.get(code="flmbr").pk],
            "start": "2025-01-01",
        },
    )
    person = Person.objects.get(name="孙丽")
    assert response.status_code == 302 and response["Location"] == reverse("people:person-detail", args=[person.pk])
    assert person.memberships.get().kind.code == "flmbr"
    bad = c.post(
        reverse("people:person-create"),
        {"name": "重复", "phone": "13766667777", "unit": world.committee_a.pk, "region": world.community_a.pk,
         "start": "2025-01-01"},
    )  # fmt: skip
    assert bad.status_code == 200 and "该手机号已登记" in bad.content.decode()


def test_list_query_count_is_flat(client_for, world, liaison, django_assert_max_num_queries):
    for i in range(30):
        add_person(world.committee_a, world.community_a, name=f"队员{i}", kinds=("flmbr", "pfzyz"))
    c = client_for(liaison)
    with django_assert_max_num_queries(15):  # one capped count decides the filter choices; one names the units
        response = c.get(reverse("people:person-list"))
    assert response.content.decode().count('data-testid="person-row"') == 30


def test_attendees_page_records_a_training(client_for, world, liaison, person_a):
    training = make_activity(world.committee_a, title="法律明白人季度培训", kind="px", date=D(2025, 3, 15))
    c = client_for(liaison)
    url = reverse("people:activity-attendees", args=[training.pk])
    assert "王秀英" in c.get(url).content.decode()
    assert c.post(url, {"people": [person_a.pk]}).status_code == 302
    detail = c.get(reverse("people:person-detail", args=[person_a.pk])).content.decode()
    assert "法律明白人季度培训" in detail


def test_activity_page_shows_the_attendees_section(client_for, world, liaison, other_liaison, person_a):
    training = make_activity(
        world.committee_a, title="法治带头人培训", kind="px", date=D(2025, 6, 1), co_organisers=[world.committee_b]
    )
    c = client_for(liaison)
    c.post(reverse("people:activity-attendees", args=[training.pk]), {"people": [person_a.pk]})
    page = c.get(reverse("ledger:activity-detail", args=[training.pk])).content.decode()
    assert 'data-testid="activity-attendees"' in page and "王秀英" in page
    # The co-organiser sees the activity, but not community A's people.
    other = client_for(other_liaison).get(reverse("ledger:activity-detail", args=[training.pk])).content.decode()
    assert "王秀英" not in other


def test_inbox_counts_moved_people_still_on_a_team(client_for, world, liaison, other_liaison, person_a):
    from pufa.core.home import inbox

    services.person_update(
        actor=liaison,
        person=person_a,
        data=services.PersonData(
            name=person_a.name, region=world.community_a, unit=world.committee_a, phone=person_a.phone, moved_away=True
        ),
    )
    (line,) = [t for t in inbox(liaison).todos if "动态调整" in t.label]
    assert line.count == 1
    page = client_for(liaison).get(line.url).content.decode()
    assert page.count('data-testid="adjust-row"') == 1 and "王秀英" in page
    assert not [t for t in inbox(other_liaison).todos if "动态调整" in t.label and t.count]
    services.membership_end(actor=liaison, membership=person_a.memberships.get(), end=D(2025, 1, 1), reason="已搬离")
    assert not [t for t in inbox(liaison).todos if "动态调整" in t.label and t.count]


def test_office_opens_and_stops_a_members_login(client, client_for, world, office_user, liaison, person_a):
    """开通登录账号: the office (which manages accounts) gives a roster person a login in the member role of the
    keeping unit; the person signs in and sees their own page; a second grant is refused; stopping it ends the
    role and unlinks the account, the roster record kept. A liaison keeps the roster but cannot make accounts."""
    from pufa.org.models import User

    url = reverse("people:person-login", args=[person_a.pk])
    page = client_for(liaison).get(reverse("people:person-detail", args=[person_a.pk])).content.decode()
    assert 'data-testid="login-form"' not in page
    assert client_for(liaison).post(url, {"username": "zhang", "password": "Pufa-2026-ok"}).status_code == 403
    office = client_for(office_user)
    assert (
        'data-testid="login-form"' in office.get(reverse("people:person-detail", args=[person_a.pk])).content.decode()
    )
    weak = office.post(url, {"username": "zhang", "password": "123"}, follow=True).content.decode()
    assert "密码" in weak and not User.objects.filter(username="zhang").exists()
    assert office.post(url, {"username": "zhang", "password": "Pufa-2026-ok"}).status_code == 302
    person_a.refresh_from_db()
    user = person_a.user
    assert user.username == "zhang" and user.full_name == person_a.name
    assert list(user.memberships.values_list("unit_id", "role", "is_active")) == [
        (world.committee_a.pk, Membership.Role.MEMBER, True)
    ]
    again = office.post(url, {"username": "zhang2", "password": "Pufa-2026-ok"}, follow=True).content.decode()
    assert "此人已开通登录账号" in again and not User.objects.filter(username="zhang2").exists()
    assert AuditEntry.objects.filter(code="people.login", object_id=str(person_a.pk)).count() == 1
    client.logout()
    client.force_login(user)
    me = client.get(reverse("people:me")).content.decode()
    assert person_a.name in me
    client.logout()
    assert client_for(office_user).post(url, {"revoke": "1"}).status_code == 302
    person_a.refresh_from_db()
    assert person_a.user is None and not user.memberships.filter(is_active=True).exists()
    assert AuditEntry.objects.filter(code="people.login", object_id=str(person_a.pk)).count() == 2
