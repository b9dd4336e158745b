"""Roster teams as an exam's audience: "all 法律明白人 of the street as of the exam's first day" — who is
required, who may start, and the 应考尽考 standing per unit they are kept by."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from pufa.core.models import Notification
from pufa.exams import selectors, services
from pufa.org.access import SYSTEM
from pufa.org.models import Membership
from pufa.people import services as people_services
from pufa.people.models import TeamMembership
from pufa.plans import metrics as registry
from tests.exams.conftest import answer_all, make_exam
from tests.factories import UserFactory
from tests.people.conftest import add_person, kind


def _with_account(person, **user_kwargs):
    user = UserFactory(full_name=person.name, **user_kwargs)
    person.user = user
    person.save(update_fields=["user"])
    return user


@pytest.fixture
def roster(world):
    """法律明白人: two kept by committee A and one by B with accounts, one of A without an account, one of A who
    left the team a year ago, one of B who joins only after the exam opens, and a 法治带头人 of A."""
    today = timezone.localdate()
    a1 = add_person(world.committee_a, world.community_a, name="王秀英")
    a2 = add_person(world.committee_a, world.community_a, name="张明")
    b1 = add_person(world.committee_b, world.community_b, name="刘建国")
    no_account = add_person(world.committee_a, world.community_a, name="赵大爷")
    left = add_person(world.committee_a, world.community_a, name="孙离任")
    people_services.membership_end(
        actor=SYSTEM,
        membership=TeamMembership.objects.get(person=left),
        end=today - dt.timedelta(days=365),
        reason="工作调动",
    )
    late = add_person(world.committee_b, world.community_b, name="周新人", start=today + dt.timedelta(days=1))
    leader = add_person(world.committee_a, world.community_a, name="钱带头", kinds=("fzdtr",))
    users = {p.name: _with_account(p) for p in (a1, a2, b1, left, late, leader)}
    return {"people": {p.name: p for p in (a1, a2, b1, no_account, left, late, leader)}, "users": users}


def roster_exam(world, bank, **overrides):
    return make_exam(world, bank, required_roles=[], required_teams=[kind("flmbr")], **overrides)


def test_required_are_the_team_on_the_first_day_kept_by_the_required_units(world, bank, roster, examinees):
    exam = roster_exam(world, bank)
    required = {str(e): e.unit_id for e in selectors.required_examinees(exam)}
    assert required == {
        "王秀英": world.committee_a.pk,
        "张明": world.committee_a.pk,
        "赵大爷（未开通账号）": world.committee_a.pk,
        "刘建国": world.committee_b.pk,
    }  # not the staff members, not the one who left, not the late joiner, not the 法治带头人


def test_a_roster_outside_the_required_units_is_not_asked(world, bank, roster):
    exam = roster_exam(world, bank, required_units=[world.committee_b])
    assert [str(e) for e in selectors.required_examinees(exam)] == ["刘建国"]


def test_roles_and_teams_together_count_a_person_on_both_once(world, bank, roster, examinees):
    both = roster["users"]["王秀英"]
    Membership.objects.create(user=both, unit=world.committee_b, role=Membership.Role.MEMBER)
    exam = make_exam(world, bank, required_teams=[kind("flmbr")])
    names = [str(e) for e in selectors.required_examinees(exam)]
    assert len(names) == len(set(names)) == 5 + 4
    # Staff membership comes first: she sits for committee B, where she is a member.
    assert next(e for e in selectors.required_examinees(exam) if e.user == both).unit_id == world.committee_b.pk


def test_publish_notifies_roster_people_with_an_account(world, bank, roster, examinees):
    exam = roster_exam(world, bank)
    told = set(Notification.objects.filter(key=f"exams.published.{exam.pk}").values_list("user__full_name", flat=True))
    assert told == {"王秀英", "张明", "刘建国"}


def test_roster_people_see_and_start_it_others_may_not(world, bank, roster, examinees):
    exam = roster_exam(world, bank)
    users = roster["users"]
    assert [m.exam for m in selectors.my_exams(users["王秀英"])] == [exam]
    attempt = services.attempt_start(actor=users["王秀英"], exam=exam)
    assert attempt.unit == world.committee_a
    for outsider in (users["孙离任"], users["周新人"], users["钱带头"], examinees[0]):
        assert selectors.my_exams(outsider) == []
        with pytest.raises(PermissionDenied):
            services.attempt_start(actor=outsider, exam=exam)


def test_standing_per_unit_for_a_roster_exam(client_for, world, bank, roster, office_user):
    exam = roster_exam(world, bank)
    users = roster["users"]
    for name, right in (("王秀英", 10), ("刘建国", 3)):
        attempt = services.attempt_start(actor=users[name], exam=exam)
        answer_all(attempt, users[name], right=right)
        services.attempt_submit(actor=users[name], attempt=attempt)
    standing = selectors.exam_standing(exam, office_user)
    a, b = standing.units
    assert (a.unit, a.required, a.sat, a.passed) == (world.committee_a, 3, 1, 1)
    assert [str(x) for x in a.not_sat] == ["张明", "赵大爷（未开通账号）"]
    assert (b.unit, b.required, b.sat, b.passed, [str(x) for x in b.not_passed]) == (
        world.committee_b,
        1,
        1,
        0,
        ["刘建国"],
    )
    assert (standing.required, standing.sat, standing.passed) == (4, 2, 1)
    day = timezone.localdate(exam.ends_at)
    ids = [world.committee_a.pk, world.committee_b.pk]
    rates = registry.compute("exams.pass_rate", unit_ids=ids, start=day, end=day)
    shares = registry.compute("exams.participation", unit_ids=ids, start=day, end=day)
    assert (rates[world.committee_a.pk], shares[world.committee_a.pk]) == (Decimal("33.3"), Decimal("33.3"))
    assert (rates[world.committee_b.pk], shares[world.committee_b.pk]) == (Decimal(0), Decimal(100))
    page = client_for(office_user).get(reverse("exams:exam-detail", args=[exam.pk])).content.decode()
    assert "队伍：法律明白人" in page and "赵大爷（未开通账号）" in page
    sent = services.exam_remind(actor=office_user, exam=exam)
    assert sent == 2  # 张明 and 刘建国; 赵大爷 has no account to remind
