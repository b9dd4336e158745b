"""The office dashboard in a real browser: charts render, and figures drill down to the records."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from pufa.plans.models import Target
from pufa.progress import services
from tests.e2e.conftest import login
from tests.factories import TEST_PASSWORD, make_plan, make_task
from tests.progress.test_rollups import record


def test_dashboard_charts_and_drill_down(page, live_server, world, office_user):
    today = timezone.localdate()
    plan = make_plan(
        world.office_unit,
        title="沱河街道普法工作要点",
        period_start=dt.date(today.year, 1, 1),
        period_end=dt.date(today.year, 12, 31),
    )
    task = make_task(plan, title="每季度一堂法制课", units={"responsible": [world.committee_a]})
    Target.objects.create(task=task, metric="ledger.activity_count", period=Target.Period.QUARTER, threshold=1)
    record(world.committee_a, today, kind="ztjz", people=42)
    services.refresh()

    login(page, live_server, "office", TEST_PASSWORD)
    page.click("[data-testid=nav] >> text=进度督办")
    expect(page.locator("[data-testid=month-chart] canvas")).to_have_count(1)
    expect(page.locator("[data-testid=status-chart] canvas")).to_have_count(1)
    assert page.locator("[data-testid=totals] .value").first.inner_text() == "1"

    page.click("[data-testid=children] >> text=沱河社区")
    expect(page.locator("h1")).to_contain_text("沱河社区")
    page.click("[data-testid=units] >> text=沱河社区居委会")
    expect(page.locator("h1")).to_contain_text("沱河社区居委会 · 任务进度")
    page.locator("li.text-success [data-testid=check-link]").first.click()
    expect(page.locator("body")).to_contain_text("民法典进社区")
