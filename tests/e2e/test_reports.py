"""A half-year report through its whole life in Chromium: the liaison drafts it (figures counted from the
ledger, live until submission), edits the prose and submits; the office returns it with a comment; the
liaison corrects and resubmits; the office accepts; the .docx downloads and opens with python-docx."""

from __future__ import annotations

import datetime as dt
import importlib

import docx
import pytest
from django.apps import apps
from playwright.sync_api import expect

from pufa.reports.models import Report
from tests.e2e.conftest import login
from tests.factories import TEST_PASSWORD, make_activity


@pytest.fixture(autouse=True)
def _taxonomies(transactional_db):
    """live_server tests flush the database between tests, data migrations included: put the defaults back."""
    importlib.import_module("pufa.core.migrations.0004_default_taxonomies").forwards(apps, None)


def as_user(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username, TEST_PASSWORD)


def test_report_drafted_edited_returned_accepted_and_downloaded(
    page, live_server, world, liaison, office_user, tmp_path
):
    make_activity(
        world.committee_a,
        title="民法典进社区宣讲",
        kind="ztjz",
        date=dt.date(2026, 3, 15),
        people_onsite=80,
        materials=150,
        is_highlight=True,
        description="邀请律师讲解民法典婚姻家庭编。",
    )
    make_activity(world.committee_a, title="安全生产法培训班", kind="px", date=dt.date(2026, 5, 12), people_onsite=45)
    page.on("dialog", lambda dialog: dialog.accept())

    # The liaison drafts the report: pufa fills in the figures and seeds the prose from the highlight.
    as_user(page, live_server, "liaison")
    page.click("[data-testid=nav] >> text=工作报告")
    page.select_option("select[name=year]", "2026")
    page.select_option("select[name=period]", "h1")
    page.click("[data-testid=start-report]")
    page.wait_for_load_state("networkidle")
    assert "/edit/" in page.url
    expect(page.locator("[data-testid=figure-activities] .value")).to_have_text("2")
    expect(page.locator("[data-testid=figure-trainings] .value")).to_have_text("1")
    practices = page.locator("textarea[name=practices]")
    assert practices.input_value().startswith("（一）民法典进社区宣讲。邀请律师讲解民法典婚姻家庭编。")
    practices.fill(practices.input_value() + "\n（二）举办安全生产法培训班。面向辖区企业职工。")
    page.fill("textarea[name=plans]", "下半年继续开展民法典宣传，每季度开展一堂法治课。")
    page.click("[data-testid=save-report]")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=report-status]")).to_have_text("草稿")

    # Figures stay live until submission: a record added now appears when the panel refreshes (HTMX).
    make_activity(world.committee_a, title="宪法集中宣传", kind="jzxc", date=dt.date(2026, 4, 2), people_onsite=200)
    page.click("[data-testid=refresh-figures]")
    expect(page.locator("[data-testid=figure-activities] .value")).to_have_text("3")

    page.click("[data-testid=submit-report]")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=report-status]")).to_have_text("已报送")
    report = Report.objects.get()
    assert report.status == "submitted" and report.figures

    # The office returns it with a comment.
    as_user(page, live_server, "office")
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.fill("[data-testid=return-reason]", "请补充以案释法开展情况。")
    page.click("[data-testid=return-report]")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=report-status]")).to_have_text("已退回")

    # The liaison sees the comment, corrects the prose and resubmits from the editor.
    as_user(page, live_server, "liaison")
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    expect(page.locator("[data-testid=review-comment]")).to_contain_text("请补充以案释法开展情况。")
    page.click("[data-testid=edit-report]")
    problems = page.locator("textarea[name=problems]")
    problems.fill("以案释法活动开展较少，下半年将邀请法律顾问结合身边案例开展以案释法。")
    page.click("[data-testid=save-submit-report]")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=report-status]")).to_have_text("已报送")
    expect(page.locator("[data-testid=report-events]")).to_contain_text("退回修改：请补充以案释法开展情况。")

    # The office accepts it.
    as_user(page, live_server, "office")
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.click("[data-testid=accept-report]")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=report-status]")).to_have_text("已通过")

    # The .docx downloads and opens, with the frozen figures and the corrected prose.
    with page.expect_download() as info:
        page.click("[data-testid=download-docx]")
    download = info.value
    assert download.suggested_filename == "沱河社区居委会2026年上半年普法工作情况报告.docx"
    path = tmp_path / "report.docx"
    download.save_as(path)
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    assert texts[0].replace("\n", "") == "沱河社区居委会2026年上半年普法工作情况报告"
    assert any("共开展普法活动3场次" in t for t in texts)
    assert any("以案释法活动开展较少" in t for t in texts)
    assert "（二）举办安全生产法培训班。" in [p.runs[0].text for p in document.paragraphs if p.runs]
    assert document.tables[0].rows[1].cells[1].text == "3"


def test_report_pages_fit_a_phone(phone_page, live_server, world, liaison):
    make_activity(
        world.committee_a, title="民法典进社区宣讲", kind="ztjz", date=dt.date(2026, 3, 15), is_highlight=True
    )
    page = phone_page
    login(page, live_server, "liaison", TEST_PASSWORD)
    page.goto(f"{live_server.url}/reports/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.select_option("select[name=year]", "2026")
    page.select_option("select[name=period]", "h1")
    page.click("[data-testid=start-report]")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=figure-activities] .value")).to_have_text("1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto(f"{live_server.url}/reports/{Report.objects.get().pk}/")
    expect(page.locator("[data-testid=document-preview]")).to_contain_text("一、基本情况")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
