"""The 待办 inbox and 催办 in a real browser: each role's home page says what waits (or what they can do),
the lines lead to exactly those records, and 催办 names the units without a liaison account."""

from __future__ import annotations

import datetime as dt

import time_machine
from playwright.sync_api import expect

from pufa.org.models import Membership
from pufa.plans.models import Target
from pufa.progress import services
from tests.e2e.conftest import login
from tests.factories import TEST_PASSWORD, duty_list, make_activity, make_plan, make_task, member_of

NOW = dt.datetime(2026, 8, 15, 10, tzinfo=dt.UTC)


def test_office_inbox_leads_to_the_records(page, live_server, world, office_user, liaison):
    with time_machine.travel(NOW):
        make_activity(world.committee_a, title="宪法宣传周进社区")
        make_activity(world.committee_b, title="民法典广场宣传")
        make_activity(world.other_office_unit, title="三八街道活动")
        duty_list(world.committee_b, status="submitted")
        login(page, live_server, "office", TEST_PASSWORD)
        todo = page.locator("[data-testid=todo]", has_text="条活动记录待确认")
        expect(todo.locator("[data-testid=todo-count]")).to_have_text("2")
        todo.locator("a").first.click()
        expect(page.locator("body")).to_contain_text("宪法宣传周进社区")
        expect(page.locator("body")).not_to_contain_text("三八街道活动")
        page.goto(f"{live_server.url}/")
        page.locator("[data-testid=todo]", has_text="份责任清单待备案").locator("a").first.click()
        expect(page.locator("body")).to_contain_text("桃园社区居委会")


def test_liaison_inbox_shows_the_reason_and_records_in_one_tap(page, live_server, world, liaison):
    with time_machine.travel(NOW):
        make_activity(world.committee_a, title="防诈骗讲座", status="returned")
        login(page, live_server, "liaison", TEST_PASSWORD)
        returned = page.locator("[data-testid=todo]", has_text="已退回")
        expect(returned).to_contain_text("退回原因：请补充受众人数")
        page.click("[data-testid=shortcut] >> text=登记活动")
        expect(page.locator("h1")).to_contain_text("登记")


def test_member_is_told_what_they_can_do(page, live_server, world):
    member_of(world.committee_a, Membership.Role.MEMBER, username="member")
    login(page, live_server, "member", TEST_PASSWORD)
    expect(page.locator("[data-testid=can-do]")).to_contain_text("工作台账")
    page.goto(f"{live_server.url}/ledger/new/")
    expect(page.locator("[data-testid=forbidden]")).to_contain_text("您可以")
    page.locator("[data-testid=forbidden] [data-testid=can-do] >> text=工作台账").click()
    expect(page).to_have_url(f"{live_server.url}/ledger/")


def test_remind_lagging_units_from_the_task_list(page, live_server, world, office_user, other_liaison):
    with time_machine.travel(NOW):
        plan = make_plan(world.office_unit, title="沱河街道2026年普法工作要点")
        task = make_task(
            plan, title="每季度一堂法制课", units={"responsible": [world.committee_b, world.judicial_office]}
        )
        Target.objects.create(task=task, metric="ledger.activity_count", period=Target.Period.QUARTER, threshold=1)
        services.refresh(today=NOW.date())
        login(page, live_server, "office", TEST_PASSWORD)
        page.goto(f"{live_server.url}/progress/tasks/?status=lagging")
        expect(page.locator("[data-testid=remind-unit]")).to_have_count(2)
        page.click("[data-testid=remind-all] button")
        alert = page.locator(".alert").first
        expect(alert).to_contain_text("已向1个单位的联络员发送催办1条")
        expect(alert).to_contain_text("1个单位没有联络员账号：沱河街道司法所")
        page.click("[data-testid=remind-all] button")
        expect(page.locator(".alert").first).to_contain_text("今天已催办过")
