"""A bank of 12 single, 6 multiple and 10 true/false questions, and an exam of the street office that the
members of the two communities must sit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pufa.exams import services
from pufa.exams.models import Exam, Kind
from pufa.org.access import SYSTEM
from pufa.org.models import Membership
from tests.factories import member_of

RULES = {
    "single": {"count": 5, "points": 10},
    "multiple": {"count": 2, "points": 10},
    "judge": {"count": 3, "points": 10},
    "quotas": [{"field": "law", "value": "宪法", "count": 2}],
}


@pytest.fixture
def bank(world):
    return make_bank(world)


def make_bank(world):
    bank = services.bank_create(actor=SYSTEM, unit=world.office_unit, name="2026年学法题库")
    for i in range(12):
        services.question_create(
            actor=SYSTEM,
            bank=bank,
            data=services.QuestionData(
                kind=Kind.SINGLE,
                stem=f"单选题第{i + 1}题的题干",
                options=[f"选项{i}-{j}" for j in range(4)],
                answer="ABCD"[i % 4],
                law="宪法" if i < 3 else "民法典",
                explanation=f"第{i + 1}题的解析",
            ),
        )
    for i in range(6):
        services.question_create(
            actor=SYSTEM,
            bank=bank,
            data=services.QuestionData(
                kind=Kind.MULTIPLE, stem=f"多选题第{i + 1}题", options=["甲", "乙", "丙", "丁"], answer="AC"
            ),
        )
    for i in range(10):
        services.question_create(
            actor=SYSTEM,
            bank=bank,
            data=services.QuestionData(kind=Kind.JUDGE, stem=f"判断题第{i + 1}题", options=[], answer="正确"),
        )
    return bank


@pytest.fixture
def examinees(world):
    """Three members in community A, two in community B (the required roles are member)."""
    a = [member_of(world.committee_a, Membership.Role.MEMBER, full_name=f"甲{i}") for i in range(3)]
    b = [member_of(world.committee_b, Membership.Role.MEMBER, full_name=f"乙{i}") for i in range(2)]
    return a + b


def make_exam(world, bank, *, publish: bool = True, **overrides) -> Exam:
    now = timezone.now()
    data = services.ExamData(
        unit=world.office_unit,
        title="2026年度法律明白人学法考试",
        bank=bank,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=2),
        rules=RULES,
        time_limit=30,
        pass_mark=60,
        max_attempts=2,
        required_units=[world.committee_a, world.committee_b],
        required_roles=[Membership.Role.MEMBER],
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    exam = services.exam_create(actor=SYSTEM, data=data)
    if publish:
        services.exam_publish(actor=SYSTEM, exam=exam)
    return exam


@pytest.fixture
def exam(world, bank, examinees):
    return make_exam(world, bank)


def answer_all(attempt, user, *, right: int):
    """Answer the paper: the first `right` questions correctly, the rest wrongly."""
    from pufa.exams.models import Question

    questions = Question.objects.in_bulk(attempt.question_ids)
    for n, qid in enumerate(attempt.question_ids):
        q = questions[qid]
        if n < right:
            chosen = q.answer
        else:
            chosen = ("F" if q.answer == "T" else "T") if q.kind == Kind.JUDGE else ("B" if q.answer != "B" else "A")
        services.answer_save(actor=user, attempt=attempt, question_id=qid, chosen=chosen)
