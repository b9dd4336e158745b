"""Venue figures across surfaces, on the demo district: the coverage page, the venue list each figure links to,
the registered metric, a unit's report and a region's report agree with a plain count of the rows."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from pufa.org.models import Region, Unit, User
from pufa.plans import metrics
from pufa.reports.figures import compute
from pufa.venues.metrics import COUNT
from pufa.venues.models import Venue


def plain_open(day: dt.date) -> list[Venue]:
    """The rule written out: opened (open or since closed) on or before the day, not closed by then, not deleted."""
    return [
        v
        for v in Venue.all_objects.select_related("region", "unit", "kind")
        if v.deleted_at is None
        and v.status in ("open", "closed")
        and v.opened_on is not None
        and v.opened_on <= day
        and (v.closed_on is None or v.closed_on > day)
    ]


def test_demo_venue_figures_agree_everywhere(client_for, db):
    call_command("seed_demo", "--quiet-logins")
    today = timezone.localdate()
    street = Region.objects.get(name="沱河街道", level=Region.Level.STREET)
    office = User.objects.get(username="tuohe_fzb")
    rows = plain_open(today)
    c = client_for(office)
    page = c.get("/venues/coverage/", {"street": street.pk, "as_of": today.isoformat()})
    checked = 0
    for row in page.context["rows"]:
        for cell in row.cells:
            plain = sum(1 for v in rows if v.region.path.startswith(row.community.path) and v.kind_id == cell.kind.pk)
            listed = c.get(cell.url).context["page"].paginator.count
            assert cell.count == plain == listed, (row.community.name, cell.kind.name)
            checked += plain
    assert checked > 20
    units = list(Unit.objects.filter(region__path__startswith=street.path))
    values = metrics.compute(COUNT, unit_ids=[u.pk for u in units], start=None, end=today)
    for unit in units:
        assert values[unit.pk] == sum(1 for v in rows if v.unit_id == unit.pk), unit.name
    committee = next(u for u in units if u.code == "tuohe-tuohe")
    unit_report = compute(unit=committee, period="year", year=today.year)
    assert unit_report.value(f"roster.{COUNT}") == values[committee.pk]
    region_report = compute(region=street, period="year", year=today.year)
    in_street = sum(1 for v in rows if v.unit.region.path.startswith(street.path))
    assert region_report.value(f"roster.{COUNT}") == in_street  # each venue once
