"""Logging in through a real browser; what a liaison and an office each see; the phone layout."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import full_page_picture, login
from tests.factories import TEST_PASSWORD


def test_liaison_and_office_see_their_own_home(page, live_server, world, liaison, office_user):
    login(page, live_server, "liaison", TEST_PASSWORD)
    assert page.locator("[data-testid=acting-units]").inner_text().count("沱河社区居委会") == 1
    nav = page.locator("[data-testid=nav]").inner_text()
    assert "系统管理" not in nav and page.locator("[data-testid=nav] >> text=审计日志").count() == 0
    assert page.locator("[data-testid=office-summary]").count() == 0

    page.context.clear_cookies()
    login(page, live_server, "office", TEST_PASSWORD)
    assert "沱河街道法治办" in page.locator("[data-testid=acting-units]").inner_text()
    page.click("[data-testid=nav] >> text=系统管理")  # the office's own tools are one drop-down
    menu = page.locator("[data-testid=nav-group]", has_text="系统管理").inner_text()
    assert "审计日志" in menu and "组织机构" in menu
    assert page.locator("[data-testid=office-summary] .value").first.inner_text() == "4"


def test_wrong_password_shows_chinese_error(page, live_server, liaison):
    login(page, live_server, "liaison", "wrong-one")
    assert "用户名或密码错误" in page.content()


def test_unit_filter_swaps_rows_with_htmx(page, live_server, world, office_user):
    login(page, live_server, "office", TEST_PASSWORD)
    page.goto(f"{live_server.url}/org/units/")
    page.fill("input[name=q]", "司法")
    expect(page.locator("#unit-rows")).not_to_contain_text("桃园社区居委会")
    rows = page.locator("#unit-rows").inner_text()
    assert "沱河街道司法所" in rows
    assert "q=%E5%8F%B8%E6%B3%95" in page.url  # the filter is in the address, so it can be shared


def test_phone_width_has_no_horizontal_scroll_and_menu_works(phone_page, live_server, world, office_user):
    page = phone_page
    login(page, live_server, "office", TEST_PASSWORD)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert not page.locator("[data-testid=nav]").is_visible()
    page.click(".navbar-toggler")
    # Bootstrap adds `.show` when the collapse has finished opening; a click during the transition can be lost.
    page.locator("#pufa-nav.show").wait_for(state="visible")
    group = page.locator("[data-testid=nav-group]", has_text="系统管理")
    group.locator(".dropdown-toggle").click()
    expect(group.locator(".dropdown-menu")).to_be_visible()
    group.locator("text=组织机构").click()
    page.wait_for_load_state("networkidle")
    assert "/org/units/" in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    full_page_picture(page, "phone-units")


def test_feedback_from_footer(page, live_server, world, liaison):
    login(page, live_server, "liaison", TEST_PASSWORD)
    page.click("[data-testid=feedback-link]")
    page.select_option("select[name=kind]", "formalism")
    page.fill("textarea[name=content]", "活动要求每次上传十张照片，负担很重。")
    page.click("button[type=submit]:has-text('提交')")
    assert "感谢您的意见" in page.locator("[data-testid=feedback-thanks]").inner_text()
