"""The case library in a real browser at phone width: an enforcement liaison submits a case with a real-looking
name and ID number, the reviewer accepts the proposed replacements and publishes, and a resident finds it on
the portal by a colloquial query — with neither the name nor the ID number anywhere on the public pages."""

from __future__ import annotations

from playwright.sync_api import expect

from pufa.cases.desensitise import id_check_digit
from tests.e2e.conftest import login
from tests.factories import TEST_PASSWORD

ID_NUMBER = "64050219850312123" + id_check_digit("64050219850312123")


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_liaison_submits_reviewer_publishes_resident_finds(phone_page, live_server, world, liaison, office_user):
    page = phone_page
    login(page, live_server, "liaison", TEST_PASSWORD)
    page.goto(f"{live_server.url}/cases/")
    _no_sideways_scroll(page)
    page.click("[data-testid=new-case]")
    page.fill("#id_title", "冒充客服退款的电信网络诈骗案")
    page.select_option("#id_case_type", label="刑事")
    page.fill("#id_party_name_0", "马玉兰")
    page.select_option("#id_party_role_0", label="被害人")
    page.fill(
        "#id_facts",
        f"被害人马玉兰（身份证号{ID_NUMBER}）在网上购物后接到自称客服的电话，对方以退款为由诱导马玉兰共享屏幕，"
        "骗走存款四万元。",
    )
    page.fill("#id_outcome", "被告人以诈骗罪被判处有期徒刑四年。")
    _no_sideways_scroll(page)
    page.click("[data-testid=save-submit]")
    expect(page.get_by_test_id("case-status")).to_have_text("待审核")
    expect(page.get_by_test_id("case-facts")).to_contain_text("马某")
    expect(page.get_by_test_id("case-facts")).not_to_contain_text("马玉兰")
    url = page.url
    page.context.clear_cookies()

    login(page, live_server, "office", TEST_PASSWORD)
    page.goto(url)
    expect(page.get_by_test_id("open-findings")).to_contain_text("1")
    page.click("[data-testid=review-case]")
    page.get_by_test_id("accept-finding").first.click()
    expect(page.get_by_test_id("case-facts")).not_to_contain_text(ID_NUMBER)
    _no_sideways_scroll(page)
    page.click("[data-testid=publish-case]")
    expect(page.get_by_test_id("case-status")).to_have_text("已发布")
    page.context.clear_cookies()

    page.goto(f"{live_server.url}/public/cases/")
    _no_sideways_scroll(page)
    page.fill("[data-testid=portal-case-q]", "网上被骗了钱怎么办")
    page.click("[data-testid=portal-case-go]")
    hit = page.get_by_test_id("portal-case-hit").first
    expect(hit).to_contain_text("电信网络诈骗")
    hit.locator("a").click()
    expect(page.get_by_test_id("portal-case-facts")).to_contain_text("马某")
    content = page.content()
    assert "马玉兰" not in content and ID_NUMBER not in content
    _no_sideways_scroll(page)
