"""The plan importer in a real browser: upload seed 000, correct a unit in the review, save, read the
outline; the target editor's HTMX filters; "my tasks" at phone width."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pufa.org.models import Unit
from pufa.plans import metrics
from pufa.plans.models import Plan, Task, TaskUnit
from pufa.progress import services as progress_services
from tests.e2e.conftest import login
from tests.factories import TEST_PASSWORD, UnitFactory, make_plan, make_task

SEED_000 = (
    Path(__file__).resolve().parents[2] / "src" / "pufa" / "plans" / "fixtures" / "seed_000_tuohe_action_plan.txt"
)


def test_office_imports_seed_000_corrects_a_unit_and_sees_the_outline(page, live_server, world, office_user):
    # The street calls its publicity office 党工委宣传统战办; the plan writes 宣传办, which no rule can match.
    publicity = UnitFactory(
        name="沱河街道党工委宣传统战办", kind=Unit.Kind.DEPARTMENT, region=world.street_a, code="tuohe-xczb"
    )
    login(page, live_server, "office", TEST_PASSWORD)
    page.goto(f"{live_server.url}/plans/")
    page.click("text=从文件导入")
    page.set_input_files("input[name=file]", str(SEED_000))
    page.click("button[type=submit]:has-text('识别')")
    page.wait_for_load_state("networkidle")
    assert "/plans/import/" in page.url
    expect(page.locator("[data-testid=import-summary]")).to_contain_text("识别到任务 14 项")
    assert Plan.objects.count() == 0  # nothing saved before the review

    first = page.locator("[data-testid=review-task]").first
    expect(first.locator("[data-testid=unresolved]")).to_contain_text("“宣传办”（牵头）")
    first.get_by_label("“宣传办”（牵头）").select_option(label=publicity.name)
    page.fill("input[name=plan-title]", "沱河街道“法润社区”行动实施方案（2022—2025年）")
    page.check("#confirm-past")  # a 2022—2025 plan: its deadlines have passed
    page.click("[data-testid=save-import]")
    page.wait_for_load_state("networkidle")

    expect(page.locator("[data-testid=plan-title]")).to_have_text("沱河街道“法润社区”行动实施方案（2022—2025年）")
    outline = page.locator("[data-testid=outline]")
    expect(outline).to_contain_text("二、工作措施")
    expect(outline).to_contain_text("（四）充实社区普法力量")
    expect(page.locator("[data-testid=task]")).to_have_count(14)
    first_task = page.locator("[data-testid=task]").first
    expect(first_task).to_contain_text("沱河街道党工委宣传统战办")
    expect(first_task).to_contain_text("各社区（2个单位）")
    # names the office left unresolved are still on the page, in red
    assert page.locator("[data-testid=unresolved-unit]").count() > 0
    task = Task.objects.get(plan__title__startswith="沱河街道“法润社区”", order=1)
    assert TaskUnit.objects.filter(task=task, role="lead", unit=publicity, written_name="宣传办").exists()


def test_import_rejects_an_empty_file(page, live_server, world, office_user, tmp_path):
    empty = tmp_path / "空白.txt"
    empty.write_bytes(b"")
    login(page, live_server, "office", TEST_PASSWORD)
    page.goto(f"{live_server.url}/plans/import/")
    page.set_input_files("input[name=file]", str(empty))
    page.click("button[type=submit]:has-text('识别')")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=import-form]")).to_contain_text("文件为空，没有可导入的内容")
    assert not Plan.objects.exists()


@pytest.fixture
def e2e_metric():
    metric = metrics.Metric(
        code="e2e.activity_count",
        label="浏览器测试活动次数",
        measure="次",
        compute=lambda query: {},
        filters=(metrics.MetricFilter("kind", "活动形式", lambda: [("whhd", "法治文化活动"), ("ztjz", "专题讲座")]),),
    )
    metrics.register(metric)
    yield metric
    metrics.unregister(metric.code)


def test_target_editor_shows_the_filters_of_the_chosen_metric(page, live_server, world, office_user, e2e_metric):
    plan = make_plan(world.office_unit)
    task = make_task(plan, title="每个社区每年开展法治文化活动", units={"participant": [world.committee_a]})
    login(page, live_server, "office", TEST_PASSWORD)
    page.goto(f"{live_server.url}/plans/tasks/{task.pk}/targets/new/")
    filters = page.locator("[data-testid=metric-filters]")
    expect(filters).not_to_contain_text("法治文化活动")
    page.select_option("[data-testid=metric-select]", "e2e.activity_count")
    expect(filters).to_contain_text("法治文化活动")
    filters.get_by_label("法治文化活动").check()
    page.select_option("select[name=scope]", "each_of_kind")
    page.select_option("select[name=scope_kind]", "community_committee")
    page.fill("input[name=threshold]", "1")
    page.click("button[type=submit]:has-text('保存')")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=targets]")).to_contain_text("浏览器测试活动次数")
    target = task.targets.get()
    assert target.filters == {"kind": ["whhd"]} and target.threshold == Decimal("1.00")


def test_my_tasks_on_a_phone(phone_page, live_server, world, liaison):
    plan = make_plan(world.office_unit, period_start=dt.date(2020, 1, 1), period_end=dt.date(2099, 12, 31))
    make_task(
        plan,
        title="每季度一堂法制课",
        deadline_kind=Task.DeadlineKind.RECURRING,
        recurrence=Task.Recurrence.QUARTERLY,
        units={"lead": [world.committee_a]},
    )
    make_task(
        plan,
        title="上报半年普法工作情况",
        deadline_kind=Task.DeadlineKind.DATE,
        deadline=dt.date(2020, 6, 30),
        units={"participant": [world.committee_a]},
    )
    progress_services.refresh()
    page = phone_page
    login(page, live_server, "liaison", TEST_PASSWORD)
    page.goto(f"{live_server.url}/plans/my/")  # the old address leads to the page progress serves
    rows = page.locator("[data-testid=my-task]")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("上报半年普法工作情况")  # overdue first
    expect(rows.first.locator("[data-testid=due-status]")).to_contain_text("逾期")
    expect(rows.nth(1)).to_contain_text("牵头")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.select_option("select[name=role]", "lead")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("每季度一堂法制课")


def test_import_review_is_usable_at_phone_width(phone_page, live_server, world, office_user):
    """Chips with search instead of native multi-selects: compact, no sideways scrolling, and adding a unit
    by typing part of its name is saved."""
    page = phone_page
    login(page, live_server, "office", TEST_PASSWORD)
    page.goto(f"{live_server.url}/plans/import/")
    lines = ["沱河街道2026年普法工作要点", "一、重点任务"]
    lines += [f"{i}．开展第{i}项普法宣传活动。牵头单位：法治办" for i in range(1, 6)]
    page.fill("textarea[name=text]", "\n".join(lines))
    page.click("button[type=submit]:has-text('识别')")
    page.wait_for_load_state("networkidle")
    assert "/plans/import/" in page.url
    tasks = page.locator("[data-testid=review-task]")
    expect(tasks).to_have_count(5)
    assert page.locator("select[multiple]:visible").count() == 0  # every multi-select became a picker
    first = tasks.first
    expect(first.locator(".pufa-chip-on")).to_contain_text(["沱河街道法治办"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert first.bounding_box()["height"] < 900  # was some 1,500 px of selects per task

    search = first.get_by_label("参加/配合单位")
    search.fill("桃园")
    first.locator(".pufa-picker-item", has_text="桃园社区居委会").click()
    expect(first.locator(".pufa-chip-on", has_text="桃园社区居委会")).to_be_visible()
    first.locator(".pufa-chip-on", has_text="沱河街道法治办").click()  # tap a chip to remove it
    expect(first.locator(".pufa-chip-on", has_text="沱河街道法治办")).to_have_count(0)
    page.click("[data-testid=save-import]")
    page.wait_for_load_state("networkidle")
    task = Task.objects.get(plan__title="沱河街道2026年普法工作要点", order=1)
    assert list(task.task_units.filter(role="participant").values_list("unit", flat=True)) == [world.committee_b.pk]
    assert not task.task_units.filter(role="lead").exists()
