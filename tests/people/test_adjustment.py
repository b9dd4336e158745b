"""动态调整: flags computed from the records and the office's rules, acted on (keep / retire / replace) on a
scoped page, counted the same in the 待办 inbox; nothing leaves a roster automatically."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from pufa.core.models import AuditEntry
from pufa.org.access import SYSTEM
from pufa.people import adjustment, services
from pufa.people.metrics import ROSTER
from pufa.people.models import KeepDecision, Person, TeamMembership
from pufa.plans import metrics as registry
from tests.factories import make_activity
from tests.people.conftest import add_person

TODAY = timezone.localdate()
LONG_AGO = TODAY - dt.timedelta(days=400)


def flagged_names(actor=SYSTEM, **kwargs) -> dict[str, list[str]]:
    people = list(adjustment.flagged(actor=actor, **kwargs))
    return {r.person.name: r.flags for r in adjustment.rows(people=people)}


def trained(person: Person, day: dt.date) -> None:
    training = make_activity(person.unit, title="法律明白人培训", kind="px", date=day)
    services.attendance_set(actor=SYSTEM, activity=training, people=[person])


@pytest.fixture
def roster(world):
    """Community A: an old member, an untrained one, a trained one, a newcomer, one moved away, one without a
    smartphone (which is never a flag)."""
    a = (world.committee_a, world.community_a)
    people = {
        "老": add_person(*a, name="老周", birth_year=TODAY.year - 70, start=LONG_AGO),
        "未训": add_person(*a, name="钱未训", birth_year=1980, start=LONG_AGO),
        "已训": add_person(*a, name="孙已训", birth_year=1980, start=LONG_AGO),
        "新": add_person(*a, name="李新来", birth_year=1990, start=TODAY - dt.timedelta(days=30)),
        "搬": add_person(*a, name="吴已搬", birth_year=1985, start=TODAY - dt.timedelta(days=30), moved_away=True),
        "手机": add_person(*a, name="郑手机", birth_year=1970, start=LONG_AGO, no_smartphone=True),
    }
    for key in ("已训", "手机"):
        trained(people[key], TODAY - dt.timedelta(days=20))
    return people


def test_flags_follow_the_records(roster):
    assert flagged_names() == {"老周": ["old", "untrained"], "钱未训": ["untrained"], "吴已搬": ["moved"]}


def test_a_draft_training_does_not_count(roster, world):
    draft = make_activity(world.committee_a, title="草稿培训", kind="px", date=TODAY, status="draft")
    services.attendance_set(actor=SYSTEM, activity=draft, people=[roster["未训"]])
    assert "钱未训" in flagged_names()
    trained(roster["未训"], TODAY)
    assert "钱未训" not in flagged_names()


def test_office_rule_changes_thresholds_deepest_wins(roster, world, office_user):
    services.rule_set(actor=office_user, region=world.street_a, max_age=75, months_untrained=24)
    assert flagged_names() == {"吴已搬": ["moved"]}
    services.rule_set(actor=SYSTEM, region=world.district, max_age=60, months_untrained=1)
    assert flagged_names() == {"吴已搬": ["moved"]}  # the street's own rule still applies to its units
    with pytest.raises(ValidationError):
        services.rule_set(actor=office_user, region=world.street_a, max_age=10, months_untrained=6)
    with pytest.raises(PermissionDenied):
        services.rule_set(actor=office_user, region=world.street_b, max_age=70, months_untrained=6)
    assert AuditEntry.objects.filter(code="people.rule").count() == 2


def test_keep_quiets_the_flags_with_a_reason(roster, liaison):
    with pytest.raises(ValidationError):
        services.person_keep(actor=liaison, person=roster["老"], reason=" ")
    services.person_keep(actor=liaison, person=roster["老"], reason="身体健康，群众信任", flags=["old", "untrained"])
    assert "老周" not in flagged_names()
    keep = KeepDecision.objects.get()
    assert keep.flags == "年龄偏大、长期未参训" and keep.decided_by == liaison
    assert AuditEntry.objects.filter(code="people.keep", object_id=str(roster["老"].pk)).exists()
    # A year later the keep has lapsed.
    KeepDecision.objects.update(decided_on=TODAY - dt.timedelta(days=adjustment.KEEP_DAYS + 1))
    assert "老周" in flagged_names()


def test_retire_keeps_the_history_and_the_earlier_roster(roster, world, liaison):
    person = roster["搬"]
    services.person_retire(actor=liaison, person=person, end=TODAY, reason="已离开原居住地")
    membership = TeamMembership.objects.get(person=person)
    assert membership.end == TODAY and membership.end_reason == "已离开原居住地"
    assert "吴已搬" not in flagged_names()
    yesterday = TODAY - dt.timedelta(days=1)

    def count(day: dt.date) -> int:
        figure = registry.compute(
            ROSTER, unit_ids=[world.committee_a.pk], start=None, end=day, filters={"kind": ["flmbr"]}
        )
        return int(figure[world.committee_a.pk])

    assert (count(yesterday), count(TODAY)) == (6, 5)
    with pytest.raises(ValidationError):
        services.person_retire(actor=liaison, person=person, end=TODAY, reason="再次")


def test_scope_of_the_flags(roster, world, liaison, other_liaison, office_user, other_office):
    assert len(flagged_names(actor=liaison)) == 3
    assert flagged_names(actor=other_liaison) == {}
    assert len(flagged_names(actor=office_user)) == 3
    assert flagged_names(actor=other_office) == {}
    add_person(world.committee_b, world.community_b, name="桃园老人", birth_year=TODAY.year - 80, start=LONG_AGO)
    assert flagged_names(actor=other_liaison, unit_id=world.committee_b.pk) == {"桃园老人": ["old", "untrained"]}
    assert flagged_names(actor=office_user, unit_id=world.committee_a.pk).keys() == {"老周", "钱未训", "吴已搬"}


def test_page_lists_and_acts(client_for, roster, liaison):
    c = client_for(liaison)
    page = c.get(reverse("people:adjust")).content.decode()
    assert page.count('data-testid="adjust-row"') == 3
    assert 'data-testid="flag-old"' in page and "郑手机" not in page and "138****" not in page
    response = c.post(
        reverse("people:person-keep", args=[roster["老"].pk]),
        {"reason": "身体健康", "flags": ["old"], "next": "//x"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("people:adjust")
    response = c.post(
        reverse("people:person-retire", args=[roster["搬"].pk]), {"end": TODAY.isoformat(), "reason": "已离开原居住地"}
    )
    assert response.status_code == 302
    page = c.get(reverse("people:adjust")).content.decode()
    assert page.count('data-testid="adjust-row"') == 1 and "钱未训" in page
    # Bad input: a message, nothing changed, never a 5xx.
    response = c.post(
        reverse("people:person-retire", args=[roster["未训"].pk]), {"end": "x", "reason": ""}, follow=True
    )
    assert response.status_code == 200 and TeamMembership.objects.get(person=roster["未训"]).end is None
    response = c.post(reverse("people:person-keep", args=[roster["未训"].pk]), {"reason": "a\x00b"}, follow=True)
    assert response.status_code == 200 and not KeepDecision.objects.filter(person=roster["未训"]).exists()


def test_page_scoping_negative(client_for, roster, other_liaison, inspector):
    c = client_for(other_liaison)
    assert "钱未训" not in c.get(reverse("people:adjust")).content.decode()
    assert c.post(reverse("people:person-keep", args=[roster["老"].pk]), {"reason": "x"}).status_code == 404
    assert c.post(reverse("people:person-retire", args=[roster["老"].pk]), {"reason": "x"}).status_code == 404
    ci = client_for(inspector)
    page = ci.get(reverse("people:adjust")).content.decode()
    assert "钱未训" in page and 'data-testid="keep-form"' not in page
    assert ci.post(reverse("people:person-keep", args=[roster["老"].pk]), {"reason": "x"}).status_code == 403
    assert ci.get(reverse("people:adjust-rules")).status_code == 403
    assert not KeepDecision.objects.exists()


def test_rules_page(client_for, world, office_user, roster):
    c = client_for(office_user)
    assert c.get(reverse("people:adjust-rules")).status_code == 200
    response = c.post(
        reverse("people:adjust-rules"), {"region": world.street_a.pk, "max_age": 75, "months_untrained": 24}
    )
    assert response.status_code == 302
    response = c.post(
        reverse("people:adjust-rules"), {"region": world.street_b.pk, "max_age": 75, "months_untrained": 3}
    )
    assert response.status_code == 200  # not a choice for this office
    assert c.get(reverse("people:adjust")).content.decode().count('data-testid="adjust-row"') == 1


def test_inbox_counts_what_the_page_lists(client_for, roster, liaison, other_liaison):
    from pufa.core.home import inbox

    (line,) = [t for t in inbox(liaison).todos if "动态调整" in t.label]
    assert line.count == 3 and line.url == reverse("people:adjust")
    page = client_for(liaison).get(line.url).content.decode()
    assert page.count('data-testid="adjust-row"') == line.count
    assert all(t.count == 0 for t in inbox(other_liaison).todos if "动态调整" in t.label)


def test_the_inbox_line_and_the_page_show_one_count(client_for, roster, world, liaison, office_user, monkeypatch):
    """The home 待办 number and the adjustment page's number come from `selectors.flagged_count`: equal for a
    liaison and an office, capped alike past ADJUST_CAP, and both move when that one function's answer does."""
    import re

    from pufa.people import selectors

    add_person(world.committee_b, world.community_b, name="桃园老人", birth_year=TODAY.year - 80, start=LONG_AGO)

    def shown(user) -> tuple[str, str, int]:
        c = client_for(user)
        home = c.get(reverse("home")).content.decode()
        todo = re.search(r'data-testid="todo-count">([^<]*)</strong> 名队伍成员有动态调整提示', home)
        page = c.get(reverse("people:adjust")).content.decode()
        count = re.search(r'data-testid="adjust-count">([^<]*)</p>', page)
        assert todo and count
        return todo.group(1), count.group(1), page.count('data-testid="adjust-row"')

    assert shown(liaison) == ("3", "共 3 人有调整提示", 3)
    assert shown(office_user) == ("4", "共 4 人有调整提示", 4)
    monkeypatch.setattr(selectors, "ADJUST_CAP", 2)
    assert shown(office_user) == ("2+", "超过 2 人有调整提示", 2)
    monkeypatch.setattr(selectors, "flagged_count", lambda *, actor, unit_id=None: (7, False))
    todo, count, _ = shown(liaison)
    assert (todo, count) == ("7", "共 7 人有调整提示")
