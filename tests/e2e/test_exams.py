"""An exam on a phone: an examinee starts, answers half (each choice saved as made), reloads, finishes and
sees the score; the office then sees the unit's pass rate move."""

from __future__ import annotations

from playwright.sync_api import expect

from pufa.exams.models import Attempt, Question
from pufa.org.models import Membership
from tests.e2e.conftest import login
from tests.exams.conftest import make_bank, make_exam
from tests.factories import TEST_PASSWORD, member_of


def _choose(page, question: Question) -> None:
    for letter in question.answer:
        page.locator(f"input[name=q{question.pk}][value={letter}]").check()
    fieldset = page.locator("fieldset", has=page.locator(f"input[name=q{question.pk}]"))
    expect(fieldset.locator(".pufa-saved")).to_have_text("已保存")


def test_examinee_resumes_after_reload_and_office_sees_the_pass_rate(
    phone_page,
    browser,
    live_server,
    world,
    office_user,
):
    member_of(world.committee_a, Membership.Role.MEMBER, username="kaosheng", full_name="黄志强")
    member_of(world.committee_a, Membership.Role.MEMBER, username="kaosheng2", full_name="吴秀英")
    exam = make_exam(world, make_bank(world))
    office = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True)
    desk = office.new_page()
    login(desk, live_server, "office", TEST_PASSWORD)
    desk.goto(f"{live_server.url}/exams/{exam.pk}/")
    row = desk.locator("[data-testid=unit-row]", has_text=world.committee_a.name)
    expect(row).to_contain_text("0.0%")

    page = phone_page
    login(page, live_server, "kaosheng", TEST_PASSWORD)
    page.goto(f"{live_server.url}/exams/mine/")
    page.get_by_text(exam.title).click()
    page.click("[data-testid=start]")
    page.wait_for_load_state("load")  # htmx attaches its save triggers once its script has run
    expect(page.locator("[data-testid=question]")).to_have_count(10)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    attempt = Attempt.objects.get(exam=exam, user__username="kaosheng")
    questions = Question.objects.in_bulk(attempt.question_ids)
    for qid in attempt.question_ids[:5]:
        _choose(page, questions[qid])
    page.reload()  # a dropped connection, a closed browser: the saved choices come back
    for qid in attempt.question_ids[:5]:
        for letter in questions[qid].answer:
            expect(page.locator(f"input[name=q{qid}][value={letter}]")).to_be_checked()
    for qid in attempt.question_ids[5:]:
        _choose(page, questions[qid])
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=score]")).to_have_text("100")
    expect(page.locator("[data-testid=verdict]")).to_have_text("通过")

    desk.reload()
    expect(row).to_contain_text("50.0%")  # one of the unit's two has passed
    office.close()
