"""One figure, every surface, for exams: each unit's participation and pass rate on the exam page, in the
.xlsx export, in the registered metrics and in a plain count agree; the 待办 lines count exactly the records
behind their links."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pufa.core.home import inbox
from pufa.exams import selectors, services
from pufa.exams.models import Attempt
from pufa.org.models import Membership
from pufa.plans import metrics as registry
from tests.exams.conftest import answer_all


def _plain(exam, unit) -> tuple[int, int, int]:
    required = Membership.objects.filter(unit=unit, role=Membership.Role.MEMBER, is_active=True).values("user_id")
    users = set(required.values_list("user_id", flat=True))
    sat = set(
        Attempt.objects.filter(exam=exam, user_id__in=users, status="submitted").values_list("user_id", flat=True)
    )
    passed = set(Attempt.objects.filter(exam=exam, user_id__in=users, passed=True).values_list("user_id", flat=True))
    return len(users), len(sat), len(passed)


def test_every_surface_agrees(client_for, world, exam, examinees, office_user):
    for user, right in zip(examinees[:4], [10, 4, 7, 6], strict=True):
        attempt = services.attempt_start(actor=user, exam=exam)
        answer_all(attempt, user, right=right)
        services.attempt_submit(actor=user, attempt=attempt)
    day = timezone.localdate(exam.ends_at)
    units = [world.committee_a, world.committee_b]
    rates = registry.compute("exams.pass_rate", unit_ids=[u.pk for u in units], start=day, end=day)
    shares = registry.compute("exams.participation", unit_ids=[u.pk for u in units], start=day, end=day)
    page = {u.unit.pk: u for u in selectors.exam_standing(exam, office_user).units}
    response = client_for(office_user).get(reverse("exams:exam-export", args=[exam.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["各单位"]
    exported = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    for unit in units:
        required, sat, passed = _plain(exam, unit)
        assert (page[unit.pk].required, page[unit.pk].sat, page[unit.pk].passed) == (required, sat, passed)
        assert exported[unit.name][1:4] == (required, sat, passed)
        assert rates[unit.pk] == Decimal(100 * passed / required).quantize(Decimal("0.1"))
        assert shares[unit.pk] == Decimal(100 * sat / required).quantize(Decimal("0.1"))
        assert Decimal(str(exported[unit.name][5])) == rates[unit.pk]


def test_todo_lines_count_what_their_links_list(client_for, exam, examinees, office_user):
    lines = {t.label: t for t in inbox(examinees[0]).todos}
    assert lines["场学法考试待参加"].count == 1
    page = client_for(examinees[0]).get(lines["场学法考试待参加"].url).content.decode()
    assert exam.title in page
    attempt = services.attempt_start(actor=examinees[0], exam=exam)
    answer_all(attempt, examinees[0], right=10)
    services.attempt_submit(actor=examinees[0], attempt=attempt)
    assert "场学法考试待参加" not in {t.label for t in inbox(examinees[0]).todos}
    with time_machine.travel(exam.ends_at + dt.timedelta(hours=1)):
        office = {t.label: t for t in inbox(office_user).todos}
        assert office["场考试已截止待结束"].count == 1
        listed = client_for(office_user).get(office["场考试已截止待结束"].url).content.decode()
        assert listed.count('href="/exams/') >= 1 and exam.title in listed
        services.exam_close(actor=office_user, exam=exam)
        assert "场考试已截止待结束" not in {t.label for t in inbox(office_user).todos}
