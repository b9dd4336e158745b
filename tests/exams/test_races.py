"""Parallel saves and submits on PostgreSQL (real row locks between real connections): every answer the
server acknowledged is in the database and was scored; nothing lands after the submit."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from pufa.exams import services
from pufa.exams.models import Answer, Attempt, Question
from tests.exams.conftest import make_exam

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")


def _by_id(*, actor, attempt, question_id, chosen):
    return services.answer_save_by_id(actor=actor, attempt_id=attempt.pk, question_id=question_id, chosen=chosen)


@pytest.mark.parametrize("saver", [services.answer_save, _by_id], ids=["loaded", "one-statement"])
@pytest.mark.django_db(transaction=True)
def test_parallel_saves_and_submit_lose_nothing(world, bank, examinees, saver):
    exam = make_exam(world, bank)
    user = examinees[0]
    attempt = services.attempt_start(actor=user, exam=exam)
    questions = Question.objects.in_bulk(attempt.question_ids)
    acknowledged: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(attempt.question_ids) + 1)

    def save(qid: int) -> None:
        try:
            barrier.wait()
            saver(actor=user, attempt=attempt, question_id=qid, chosen=questions[qid].answer)
            with lock:
                acknowledged.append(qid)
        except ValidationError:
            pass
        finally:
            connections.close_all()

    def submit() -> None:
        try:
            barrier.wait()
            services.attempt_submit(actor=user, attempt=attempt)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(qid,)) for qid in attempt.question_ids]
    threads.append(threading.Thread(target=submit))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    attempt = Attempt.objects.get(pk=attempt.pk)
    stored = set(Answer.objects.filter(attempt=attempt).values_list("question_id", flat=True))
    assert stored == set(acknowledged)  # acknowledged ⇔ stored: nothing lost, nothing after the submit
    assert not Answer.objects.filter(attempt=attempt, correct__isnull=True).exists()  # every stored one scored
    assert attempt.score == 10 * len(acknowledged)


@pytest.mark.django_db(transaction=True)
def test_parallel_starts_draw_one_paper(world, bank, examinees):
    exam = make_exam(world, bank)
    user = examinees[1]
    barrier = threading.Barrier(6)
    got: list[int] = []

    def start() -> None:
        try:
            barrier.wait()
            got.append(services.attempt_start(actor=user, exam=exam).pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Attempt.objects.filter(exam=exam, user=user).count() == 1
    assert len(set(got)) == 1


def test_the_save_click_is_one_statement_after_the_session(
    client_for, world, bank, examinees, django_assert_num_queries
):
    from django.urls import reverse

    exam = make_exam(world, bank)
    user = examinees[0]
    attempt = services.attempt_start(actor=user, exam=exam)
    qid = attempt.question_ids[0]
    c = client_for(user)
    c.post(reverse("exams:answer-save", args=[attempt.pk]), {"question": qid, f"q{qid}": "B"})  # session refreshed
    with django_assert_num_queries(3):  # the session, the user, the save
        saved = c.post(reverse("exams:answer-save", args=[attempt.pk]), {"question": qid, f"q{qid}": "A"})
    assert saved.status_code == 200
    assert Answer.objects.get(attempt=attempt, question_id=qid).chosen == "A"
