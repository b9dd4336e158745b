"""A responsibility list from draft to published in a real browser, found on the public portal; the portal
on a phone."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from playwright.sync_api import expect

from tests.e2e.conftest import full_page_picture, login
from tests.factories import TEST_PASSWORD, duty_list


@pytest.fixture(autouse=True)
def _taxonomies(transactional_db):
    """live_server tests flush the database between tests, data migrations included: put the defaults back."""
    importlib.import_module("pufa.core.migrations.0004_default_taxonomies").forwards(apps, None)


def test_list_goes_from_draft_to_published_and_is_found_on_the_portal(page, live_server, world, liaison, office_user):
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, "liaison", TEST_PASSWORD)
    page.click("[data-testid=nav] >> text=责任清单")
    page.click("text=新建年度清单")
    page.fill("input[name=year]", "2026")
    page.click("button:has-text('新建')")
    expect(page.locator("[data-testid=list-title]")).to_have_text("沱河社区居委会2026年度普法责任清单")

    page.click("[data-testid=add-item]")
    page.fill("textarea[name=content]", "宣传《反电信网络诈骗法》，提高老年人识骗防骗能力")
    page.check("#id_audiences label:has-text('老年人') >> xpath=preceding-sibling::input")
    page.fill("input[name=responsible_section]", "综治办")
    page.fill("input[name=responsible_phone]", "13912345678")
    page.click("button:has-text('保存')")
    expect(page.locator("[data-testid=items]")).to_contain_text("提高老年人识骗防骗能力")

    page.click("[data-testid=add-planned]")
    page.fill("input[name=content]", "反诈宣传进小区")
    page.select_option("select[name=kind]", label="集中宣传")
    page.check("#id_audiences label:has-text('老年人') >> xpath=preceding-sibling::input")
    page.fill("input[name=start]", "2026-06-01")
    page.fill("input[name=end]", "2026-06-30")
    page.fill("input[name=place]", "沱河社区文化广场")
    page.click("button:has-text('保存')")
    expect(page.locator("[data-testid=planned]")).to_contain_text("反诈宣传进小区")

    page.click("[data-testid=submit]")
    expect(page.locator(".alert-success")).to_contain_text("清单已报送")
    list_url = page.url

    page.context.clear_cookies()
    login(page, live_server, "office", TEST_PASSWORD)
    page.goto(list_url)
    page.click("[data-testid=file]")
    expect(page.locator(".alert-success")).to_contain_text("清单已备案")
    page.click("[data-testid=publish]")
    expect(page.locator(".alert-success")).to_contain_text("已向社会公告")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("[data-testid=portal-link]")
    expect(page.locator("[data-testid=regions]")).to_contain_text("测试区")
    page.click("[data-testid=regions] >> text=测试区")
    page.click("[data-testid=lists] >> text=沱河社区居委会")
    expect(page.locator("[data-testid=list-title]")).to_have_text("沱河社区居委会2026年度普法责任清单")
    expect(page.locator("[data-testid=items]")).to_contain_text("提高老年人识骗防骗能力")
    expect(page.locator("[data-testid=activities]")).to_contain_text("反诈宣传进小区")
    assert "13912345678" not in page.content()

    page.click("[data-testid=portal-nav] >> text=查询")
    page.fill("input[name=q]", "反诈")
    expect(page.locator("[data-testid=activity-results]")).to_contain_text("反诈宣传进小区")
    assert "q=%E5%8F%8D%E8%AF%88" in page.url


def test_portal_calendar_on_a_phone_is_a_list(phone_page, live_server, world):
    duty_list(world.committee_a, status="published")
    page = phone_page
    page.goto(f"{live_server.url}/public/calendar/?year=2026&month=5")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert not page.locator("[data-testid=month-grid]").is_visible()
    expect(page.locator("[data-testid=month-list]")).to_contain_text("“美好生活·民法典相伴”主题宣讲")
    page.goto(f"{live_server.url}/public/lists/{world.committee_a.duty_lists.get().pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(page.locator("[data-testid=items]")).to_contain_text("宣传《民法典》婚姻家庭编和继承编")
    full_page_picture(page, "phone-portal-list")


def test_portal_calendar_on_a_desktop_is_a_month_grid(page, live_server, world):
    duty_list(world.committee_a, status="published")
    page.goto(f"{live_server.url}/public/calendar/?year=2026&month=5")
    grid = page.locator("[data-testid=month-grid]")
    expect(grid).to_be_visible()
    expect(grid.locator(".pufa-calendar-item").first).to_have_text("“美好生活·民法典相伴”主题宣讲")
    page.click("[data-testid=next-month]")
    expect(page.locator("h1")).to_contain_text("2026年6月普法活动")
