"""One figure, every surface: the dashboard (selector and rendered page), the unit page, the home panel, my
tasks, the report (data, .xlsx, .docx), the circular (data and .xlsx) and the ledger list with its export
all agree with each other and with a plain count — for the demo district and for random districts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from pufa.org.access import SYSTEM
from pufa.org.models import Membership, Region, Unit, User
from pufa.plans import metrics
from pufa.progress import selectors as progress
from pufa.reports.circulars import circular_data
from pufa.reports.figures import compute
from pufa.reports.models import Circular
from tests.consistency import surfaces as s
from tests.consistency.generator import TODAY, make_district


def check_region(client_for, *, office: User, region: Region, today: dt.date) -> dict:
    """Every region-wide figure of `region` in today's year, from every surface, against the plain counts."""
    year = today.year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    activities = s.plain_region_activities(region, start, end)
    to_date = s.plain_region_activities(region, start, today)
    statuses = s.plain_statuses(region=region, start=start, end=end)
    running = s.plain_statuses(region=region, start=today, end=today)

    d = progress.region_dashboard(actor=office, region=region, year=year)
    assert d.totals[0].value == activities
    assert s.nonzero({f.extra: f.value for f in d.statuses}) == statuses

    c = client_for(office)
    html = c.get(reverse("progress:dashboard"), {"region": region.pk, "year": year}).content.decode()
    assert s.page_total(html) == activities
    assert s.page_statuses(html, "status-figures") == statuses
    home = c.get(reverse("home")).content.decode()
    assert s.page_statuses(home, "progress-panel") == statuses

    report = compute(region=region, period="year", year=year, today=today)
    assert report.value("activities") == activities
    assert s.report_files(report) == (activities, activities)
    figures = {f.key.removeprefix("tasks."): f.value for f in report.group("任务完成情况") if f.key != "tasks"}
    assert s.nonzero(figures) == statuses

    data = circular_data(region=region, start=start, as_of=today)
    totals = data["totals"]
    assert totals["activities"] == to_date  # 去重后
    circular_statuses = {k: totals[k] for k in ("done", "on_track", "not_started", "lagging", "overdue")}
    assert s.nonzero(circular_statuses) == running  # the plans running on the circular's day
    assert "unfinished" not in running  # an ended plan is not part of a current circular
    units = Unit.objects.in_bulk([u["unit_id"] for u in data["units"]])
    assert totals["activities_sum"] == sum(
        s.plain_unit_activities(units[u["unit_id"]], start, today) for u in data["units"]
    )
    assert totals["activities_sum"] >= totals["activities"] or not data["units"]
    table = s.circular_table(data)
    for row in data["units"]:
        unit = units[row["unit_id"]]
        mine = s.plain_statuses(unit=unit, start=today, end=today)
        assert row["tasks"] == sum(mine.values()) and row["overdue"] == mine["overdue"], unit.name
        assert row["activities"] == s.plain_unit_activities(unit, start, today), unit.name
        assert table[unit.name] == (row["tasks"], row["overdue"], row["activities"])
    behind = {u["unit_id"] for u in data["units"] if u["unit_id"] in data["behind"]}
    assert behind == {u["unit_id"] for u in data["units"] if u["lagging"] or u["overdue"]}

    assert s.ledger_list(office, region, start, end) == (activities, activities)
    assert not s.closed_rows_are_final(today)
    return {"activities": activities, "statuses": statuses, "circular": totals}


def check_unit(client_for, *, liaison: User, unit: Unit, today: dt.date) -> None:
    """A unit's figures: home panel, unit page, my tasks, its report and the target metric agree."""
    year = today.year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    activities = s.plain_unit_activities(unit, start, end)
    statuses = s.plain_statuses(unit=unit, start=start, end=end)

    c = client_for(liaison)
    assert s.page_statuses(c.get(reverse("home")).content.decode(), "progress-panel") == statuses
    page = c.get(reverse("progress:unit", args=[unit.pk]))
    assert Counter(t.status.status for t in page.context["tasks"]) == statuses
    current, _history = progress.my_tasks(actor=liaison, year=year)
    # A task whose targets check other units only (指定单位) is listed but has no status of this unit.
    assert Counter(t.status for t in current if t.status) == statuses
    report = compute(unit=unit, period="year", year=year, today=today)
    assert report.value("activities") == activities
    assert Counter(t.status for t in report.tasks) == statuses
    value = metrics.compute("ledger.activity_count", unit_ids=[unit.pk], start=start, end=end)[unit.pk]
    assert value == activities
    rows = {r.unit.pk: r for r in progress.region_dashboard(actor=SYSTEM, region=unit.region, year=year).units}
    if unit.pk in rows:
        assert rows[unit.pk].activities == activities


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_district_agrees_everywhere(db, client_for, seed):
    with time_machine.travel(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 10, tzinfo=dt.UTC), tick=False):
        district = make_district(seed)
        figures = check_region(client_for, office=district.office_user, region=district.street, today=TODAY)
        assert figures["activities"] > 0
        for unit in district.units[1:]:
            check_unit(client_for, liaison=district.liaisons[unit.pk], unit=unit, today=TODAY)


def test_demo_district_agrees_everywhere(client_for, db):
    """`pufa seed-demo`, then 沱河街道's circular, dashboard, report and home pages tell one story."""
    call_command("seed_demo", "--quiet-logins")
    today = timezone.localdate()
    street = Region.objects.get(name="沱河街道", level=Region.Level.STREET)
    office = User.objects.get(username="tuohe_fzb")
    figures = check_region(client_for, office=office, region=street, today=today)
    published = Circular.objects.filter(region=street).order_by("pk").first()
    assert published is not None and published.as_of == today
    assert published.data["totals"] == figures["circular"]  # what /reports/circulars/1/ shows
    for membership in Membership.objects.filter(
        role=Membership.Role.LIAISON, unit__region__path__startswith=street.path
    )[:4]:
        check_unit(client_for, liaison=membership.user, unit=membership.unit, today=today)
