"""The rosters in a real browser at phone width: a liaison adds a person, records a training by choosing the
attendees from the roster, and the community's figures (roster count, share trained this quarter) change on
the progress page."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from pufa.org.models import Unit
from pufa.people.metrics import ROSTER, TRAINED_SHARE
from pufa.plans.models import Plan, Target, Task
from pufa.progress import services as progress
from tests.e2e.conftest import login
from tests.factories import TEST_PASSWORD, make_activity
from tests.people.conftest import add_person


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_liaison_adds_a_person_records_a_training_and_the_figure_moves(phone_page, live_server, world, liaison):
    page = phone_page
    today = timezone.localdate()
    plan = Plan.objects.create(
        title="沱河街道“法润社区”行动实施方案",
        kind=Plan.Kind.ACTION,
        issuing_unit=world.office_unit,
        period_start=dt.date(today.year, 1, 1),
        period_end=dt.date(today.year, 12, 31),
    )
    task = Task.objects.create(plan=plan, title="培养培育法律明白人")
    each = {"task": task, "scope": Target.Scope.EACH_OF_KIND, "scope_kind": Unit.Kind.COMMUNITY_COMMITTEE}
    Target.objects.create(
        metric=ROSTER,
        filters={"kind": ["flmbr"]},
        period=Target.Period.BY_DATE,
        due=dt.date(today.year, 12, 31),
        threshold=6,
        **each,
    )
    Target.objects.create(metric=TRAINED_SHARE, period=Target.Period.QUARTER, threshold=100, **each)
    for name in ("王秀英", "刘建国"):
        add_person(world.committee_a, world.community_a, name=name, start=today - dt.timedelta(days=60))
    training = make_activity(
        world.committee_a, title="法律明白人专题培训", kind="px", date=today - dt.timedelta(days=1)
    )
    progress.refresh()

    login(page, live_server, "liaison", TEST_PASSWORD)
    page.goto(f"{live_server.url}/progress/units/{world.committee_a.pk}/")
    expect(page.locator("body")).to_contain_text("2/6")
    page.goto(f"{live_server.url}/people/")
    _no_sideways_scroll(page)
    page.click("[data-testid=add-person]")
    page.fill("#id_name", "赵新民")
    page.fill("#id_phone", "13955501234")
    page.select_option("#id_region", label=world.community_a.name)
    page.locator("[data-testid=check-list-kinds] label", has_text="法律明白人").first.click()
    _no_sideways_scroll(page)
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=person-name]")).to_have_text("赵新民")
    expect(page.locator("[data-testid=phone]")).to_have_text("139****1234")

    page.goto(f"{live_server.url}/ledger/{training.pk}/")
    page.click("[data-testid=choose-attendees]")
    for name in ("赵新民", "王秀英"):
        page.locator("[data-testid=check-list-people] label", has_text=name).click()
    _no_sideways_scroll(page)
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=activity-attendees]")).to_contain_text("赵新民")

    page.goto(f"{live_server.url}/progress/units/{world.committee_a.pk}/")
    body = page.locator("body")
    expect(body).to_contain_text("3/6")  # the roster count, recomputed from the event
    expect(body).to_contain_text(re.compile(r"66\.70?/100"))  # two of three trained this quarter
    _no_sideways_scroll(page)
