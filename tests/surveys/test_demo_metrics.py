"""The demo's surveys (a pre/post pair showing a change, the annual index in every community) and the
metrics, read from the same rows as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Avg

from pufa.org.access import SYSTEM
from pufa.org.models import Region, Unit
from pufa.plans import metrics as registry
from pufa.surveys import selectors
from pufa.surveys.demo import ANNUAL_TITLE, POST_TITLE, seed_surveys
from pufa.surveys.models import Response, Survey
from pufa.surveys.services import LITERACY, RESPONSES
from tests.surveys.conftest import answer, make_survey


@time_machine.travel("2026-12-01 10:00 +0800", tick=False)
def test_demo_shows_a_change_and_an_index_per_community(db):
    call_command("seed_demo", "--quiet-logins")
    post = Survey.objects.get(title=POST_TITLE)
    score = selectors.compare(post)[0].comparison
    assert score.difference > 10 and score.significant
    street = Region.objects.get(name="沱河街道", level="street")
    _quarters, rows = selectors.literacy_index(actor=SYSTEM, region=street, year=2026)
    assert len(rows) == 6 and all(sum(n for _, n in r.cells) > 0 for r in rows)
    counts = (Survey.objects.count(), Response.objects.count())
    seed_surveys()
    assert (Survey.objects.count(), Response.objects.count()) == counts
    annual = Survey.objects.get(title=ANNUAL_TITLE)
    office = annual.unit
    got = registry.compute(RESPONSES, unit_ids=[office.pk], start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    assert got[office.pk] == annual.responses.count() == 96


@pytest.mark.django_db
def test_metrics_count_responses_and_average_scores_by_place(world):
    s = make_survey(world.office_unit, region=world.street_a)
    q = s.current_questions().get()
    answer(s, "a", {q: 0}, community_id=world.community_a.pk)  # 100
    answer(s, "b", {q: 1}, community_id=world.community_a.pk)  # 0
    answer(s, "c", {q: 0}, community_id=world.community_b.pk)  # 100
    answer(s, "d", {q: 0})  # placed in the survey's area, the street: counts for the street only
    today = dt.date.today()
    units = [world.office_unit.pk, world.committee_a.pk, world.committee_b.pk, world.other_office_unit.pk]
    responses = registry.compute(
        RESPONSES, unit_ids=units, start=today - dt.timedelta(days=2), end=today + dt.timedelta(days=2)
    )
    assert responses == {units[0]: Decimal(4), units[1]: Decimal(0), units[2]: Decimal(0), units[3]: Decimal(0)}
    index = registry.compute(
        LITERACY, unit_ids=units, start=today - dt.timedelta(days=2), end=today + dt.timedelta(days=2)
    )
    assert index[world.committee_a.pk] == Decimal("50.0")
    assert index[world.committee_b.pk] == Decimal("100.0")
    assert index[world.office_unit.pk] == Decimal("75.0") == Response.objects.aggregate(m=Avg("score"))["m"]
    assert not registry.get(LITERACY).additive
    assert Unit.objects.filter(pk=units[3]).exists() and index[units[3]] == 0
