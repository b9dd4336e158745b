"""Exams pages: the permission matrix, the bank upload, taking a paper through the pages (HTMX save per answer,
resume after a reload, hand in without JavaScript), the review after the window and the .xlsx export."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from pufa.exams import services
from pufa.exams.models import Answer, Attempt, Question
from tests.exams.conftest import make_exam
from tests.exams.test_parsing import docx_bytes


@pytest.mark.parametrize("name", ["exams:index", "exams:exam-detail", "exams:exam-results", "exams:exam-export"])
def test_permission_matrix(client, client_for, exam, office_user, liaison, other_office, examinees, name):
    url = reverse(name) if name == "exams:index" else reverse(name, args=[exam.pk])
    assert client.get(url).status_code == 302  # anonymous → login
    assert client_for(examinees[0]).get(url).status_code == 403  # a member has no exams.view
    if name != "exams:index":
        assert client_for(other_office).get(url).status_code == 404  # another street's office
    assert client_for(liaison).get(url).status_code == 200
    assert client_for(office_user).get(url).status_code == 200


def test_liaison_cannot_publish_or_remind(client_for, world, bank, examinees, liaison):
    exam = make_exam(world, bank, publish=False)
    c = client_for(liaison)
    assert c.post(reverse("exams:exam-step", args=[exam.pk, "publish"])).status_code == 403
    assert c.post(reverse("exams:exam-remind", args=[exam.pk])).status_code == 403


def test_bank_upload_reports_what_it_read(client_for, bank, office_user):
    data = docx_bytes(["1. 宪法修改由谁提议？（A）", "A. 全国人大常委会 B. 国务院", "2. 没有答案的题", "A. 甲 B. 乙"])
    upload = SimpleUploadedFile("题库.docx", data)
    response = client_for(office_user).post(reverse("exams:bank-import", args=[bank.pk]), {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "导入1道题" in page and "第2题：找不到答案" in page
    assert Question.objects.filter(bank=bank, stem__startswith="宪法修改").exists()


def test_taking_an_exam_through_the_pages(client_for, exam, examinees):
    user = examinees[0]
    c = client_for(user)
    assert exam.title in c.get(reverse("exams:mine")).content.decode()
    response = c.post(reverse("exams:take", args=[exam.pk]))
    attempt = Attempt.objects.get(exam=exam, user=user)
    assert response.url == reverse("exams:attempt", args=[attempt.pk])
    questions = Question.objects.in_bulk(attempt.question_ids)
    first, second = attempt.question_ids[:2]
    # HTMX: the whole form is posted, the question id says which answer to save
    saved = c.post(
        reverse("exams:answer-save", args=[attempt.pk]),
        {"question": first, f"q{first}": list(questions[first].answer)},
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200 and saved.content.decode() == "已保存"
    # a reload shows the saved choice checked
    page = c.get(reverse("exams:attempt", args=[attempt.pk])).content.decode()
    assert (
        f'name="q{first}" value="{questions[first].answer[0]}" id="q{first}{questions[first].answer[0]}" checked'
        in page
    )
    # hand in without JavaScript: the form's answers are saved first
    response = c.post(
        reverse("exams:attempt-submit", args=[attempt.pk]), {f"q{second}": list(questions[second].answer)}
    )
    assert response.url == reverse("exams:attempt-result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.score == 20 and Answer.objects.filter(attempt=attempt).count() == 2
    result = c.get(response.url).content.decode()
    assert 'data-testid="score">20<' in result and "考试截止后可查看答案和解析" in result
    # a save after handing in is refused, visibly
    late = c.post(reverse("exams:answer-save", args=[attempt.pk]), {"question": first, f"q{first}": ["A"]})
    assert late.status_code == 409


def test_review_after_the_window_shows_explanations(client_for, exam, examinees):
    user = examinees[0]
    attempt = services.attempt_start(actor=user, exam=exam)
    services.attempt_submit(actor=user, attempt=attempt)
    with time_machine.travel(exam.ends_at + dt.timedelta(minutes=1)):
        page = client_for(user).get(reverse("exams:attempt-result", args=[attempt.pk])).content.decode()
    assert "正确答案" in page and "未作答" in page


def test_another_examinees_attempt_is_404(client_for, exam, examinees):
    attempt = services.attempt_start(actor=examinees[0], exam=exam)
    c = client_for(examinees[1])
    assert c.get(reverse("exams:attempt", args=[attempt.pk])).status_code == 404
    assert (
        c.post(reverse("exams:answer-save", args=[attempt.pk]), {"question": attempt.question_ids[0]}).status_code
        == 404
    )


def test_not_required_user_cannot_open_the_exam(client_for, exam, liaison):
    assert client_for(liaison).get(reverse("exams:take", args=[exam.pk])).status_code == 404


def test_export_reopens_with_the_units_figures(client_for, world, exam, examinees, office_user):
    attempt = services.attempt_start(actor=examinees[0], exam=exam)
    services.attempt_submit(actor=examinees[0], attempt=attempt)
    response = client_for(office_user).get(reverse("exams:exam-export", args=[exam.pk]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book["各单位"].iter_rows(values_only=True))
    assert rows[0][:4] == ("单位", "应考人数", "参考人数", "通过人数")
    by_unit = {r[0]: r for r in rows[1:]}
    assert by_unit[world.committee_a.name][1:4] == (3, 1, 0)
    assert len(list(book["考生"].iter_rows())) == 1 + len(examinees)


def test_exam_detail_shows_the_pass_rate_per_unit(client_for, exam, examinees, office_user):
    page = client_for(office_user).get(reverse("exams:exam-detail", args=[exam.pk])).content.decode()
    assert "应考5人" in page and "甲0" in page


def test_import_bank_command(tmp_path, capsys):
    path = tmp_path / "题库.docx"
    path.write_bytes(docx_bytes(["1. 宪法是根本法。（√）", "2. 这题没有答案"]))
    call_command("exam_import_bank", str(path), "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["read"] == 1 and out["problems"][0]["number"] == 2
    call_command("exam_import_bank", str(path))
    text = capsys.readouterr().out
    assert "识别出1道题" in text and "第2题" in text


def test_the_ledger_activity_shows_the_exam_section(client_for, exam, examinees, office_user):
    attempt = services.attempt_start(actor=examinees[0], exam=exam)
    services.attempt_submit(actor=examinees[0], attempt=attempt)
    services.exam_close(actor=office_user, exam=exam)
    exam.refresh_from_db()
    page = (
        client_for(office_user).get(reverse("ledger:activity-detail", args=[exam.ledger_activity_id])).content.decode()
    )
    assert 'data-testid="exam-section"' in page and "应考5人，参考1人" in page


def test_office_adds_a_question_and_edits_a_draft_exam(client_for, world, bank, examinees, office_user, liaison):
    c = client_for(office_user)
    response = c.post(
        reverse("exams:question-create", args=[bank.pk]),
        {
            "kind": "single",
            "stem": "宪法宣誓制度于哪一年起实行？",
            "options": "2015年\n2016年\n2018年",
            "answer": "b",
            "difficulty": 2,
        },
    )
    assert response.status_code == 302
    assert Question.objects.get(bank=bank, stem="宪法宣誓制度于哪一年起实行？").answer == "B"
    exam = make_exam(world, bank, publish=False)
    form = c.get(reverse("exams:exam-edit", args=[exam.pk]))
    assert form.status_code == 200 and "宪法:2" in form.content.decode()
    data = {k: v for k, v in form.context["form"].initial.items() if v is not None}
    data.update(
        title="改名后的考试",
        unit=world.office_unit.pk,
        bank=bank.pk,
        starts_at=data["starts_at"].strftime("%Y-%m-%dT%H:%M"),
        ends_at=data["ends_at"].strftime("%Y-%m-%dT%H:%M"),
        required_units=[u.pk for u in data["required_units"]],
        review_after_window="on",
    )
    data.pop("audience", None)
    assert c.post(reverse("exams:exam-edit", args=[exam.pk]), data).status_code == 302
    exam.refresh_from_db()
    assert exam.title == "改名后的考试" and exam.version == 2 and exam.rules["quotas"][0]["value"] == "宪法"
    assert client_for(liaison).get(reverse("exams:exam-edit", args=[exam.pk])).status_code == 403


def test_an_odd_question_id_is_a_400_not_a_server_error(client_for, exam, examinees):
    """A question id of "²" or "①" (digits to str.isdigit(), not to int()) or past the key range: 400."""
    user = examinees[0]
    attempt = services.attempt_start(actor=user, exam=exam)
    c = client_for(user)
    c.raise_request_exception = False
    for value in ("²", "①", "99999999999999999999999", "\x00", ""):
        response = c.post(reverse("exams:answer-save", args=[attempt.pk]), {"question": value})
        assert response.status_code == 400, value
    assert not Answer.objects.filter(attempt=attempt).exists()
