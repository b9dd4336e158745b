"""The exams demo: a bank read from the demo's own Word file (every question read), an exam in its window
with some sittings, a contest round; idempotent."""

from __future__ import annotations

from pufa.exams import demo, parsing, selectors
from pufa.exams.models import Attempt, Bank, Contest, Exam, Question
from pufa.org.demo import seed_org


def test_demo_bank_exam_and_sittings(db):
    seed_org()
    demo.seed_exams()
    result = parsing.read_bank(demo.bank_docx(), "demo.docx")
    assert result.problems == [] and len(result.questions) == 29
    bank = Bank.objects.get(name=demo.BANK_NAME)
    assert Question.objects.filter(bank=bank).count() == 29
    assert Question.objects.filter(bank=bank, law="宪法").count() >= 3
    exam = Exam.objects.get(bank=bank)
    assert exam.status == Exam.Status.PUBLISHED
    sat = [e for e in demo.EXAMINEES if e[3]]
    assert Attempt.objects.filter(exam=exam, status=Attempt.Status.SUBMITTED).count() == len(sat)
    standing = selectors.exam_standing(exam)
    assert standing.required == len(demo.EXAMINEES) + 1  # and the demo login 周桂兰, who has not sat
    assert 0 < standing.passed < standing.sat
    assert Contest.objects.filter(bank=bank).count() == 1
    demo.seed_exams()
    assert Exam.objects.count() == 1 and Question.objects.count() == 29
