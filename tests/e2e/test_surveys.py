"""Surveys in a real browser at phone width: a resident opens the public link (no account), sees the skip
question appear only for the answer that calls it, answers and submits; the liaison then sees the response
on the activity's page and the survey's results — and the answering page fits 375 px."""

from __future__ import annotations

from playwright.sync_api import expect

from pufa.org.access import SYSTEM
from pufa.surveys import services
from pufa.surveys.models import Response
from tests.e2e.conftest import login
from tests.factories import TEST_PASSWORD, make_activity


def test_a_resident_answers_on_a_phone_and_the_liaison_sees_it(phone_page, live_server, world, liaison):
    page = phone_page
    activity = make_activity(world.committee_a, title="民法典进社区宣讲")
    survey = services.survey_create(
        actor=SYSTEM,
        data=services.SurveyData(title="宣讲效果反馈", unit=world.committee_a, activity=activity),
        template="feedback",
    )
    services.transition(actor=SYSTEM, survey=survey, name="publish")
    sat, learnt, why, want, _advice = survey.current_questions()

    page.goto(f"{live_server.url}/public/s/{survey.token}/")
    expect(page.locator("h1")).to_have_text("宣讲效果反馈")
    skip = page.locator(f"[data-question='{why.pk}']")
    expect(skip).to_be_hidden()
    page.click(f"label[for=q{sat.pk}-5]")
    page.click(f"label[for=q{learnt.pk}-2]")  # 变化不大: the why-question appears
    expect(skip).to_be_visible()
    page.click(f"label[for=q{learnt.pk}-0]")  # 明显提高: it goes away again
    expect(skip).to_be_hidden()
    page.click(f"label[for=q{want.pk}-2]")
    page.select_option("#community", label="沱河社区")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click("[data-testid=survey-submit]")
    expect(page.locator("[data-testid=survey-done]")).to_contain_text("提交成功")
    response = Response.objects.get(survey=survey)
    assert response.community == world.community_a
    assert not response.answers.filter(question=why).exists()
    # the same phone opening the link again is told it has answered
    page.goto(f"{live_server.url}/public/s/{survey.token}/")
    expect(page.locator("[data-testid=survey-done]")).to_be_visible()

    page.context.clear_cookies()
    login(page, live_server, "liaison", TEST_PASSWORD)
    page.goto(f"{live_server.url}/ledger/{activity.pk}/")
    expect(page.locator("[data-testid=activity-survey-count]")).to_have_text("1 份答卷")
    page.click("[data-testid=activity-survey-count]")
    expect(page.locator("[data-testid=results-total]")).to_have_text("1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    bar = page.locator("[data-testid=question-result]").first.locator("[data-testid=bar-count]").nth(4)
    expect(bar).to_have_text("1（100.0%）")  # 满意度 5分: the one answer, read from the tally
    # the survey page and the A4 poster show the QR code drawn by the server (an image that loads)
    page.goto(f"{live_server.url}/surveys/{survey.pk}/")
    qr = page.locator("[data-testid=survey-qr]")
    expect(qr).to_be_visible()
    assert page.evaluate("document.querySelector('[data-testid=survey-qr]').naturalWidth") > 0
    page.click("[data-testid=poster-open]")
    expect(page.locator("[data-testid=poster-link]")).to_have_text(f"{live_server.url}/public/s/{survey.token}/")
    poster_qr = page.locator("[data-testid=poster-qr]")
    expect(poster_qr).to_be_visible()
    assert page.evaluate("document.querySelector('[data-testid=poster-qr]').naturalWidth") > 0
    # measured once the poster's stylesheet is in (the load event): a layout read while it still loaded sized
    # the QR code without it, 446 px wide, in about one run of six
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
