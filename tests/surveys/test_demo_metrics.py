"""The demo's surveys (a pre/post pair showing a change, the annual index in every community) and the
metrics, read from the same rows as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Avg
from django.test import Client
from django.urls import reverse

from pufa.org.access import SYSTEM
from pufa.org.models import Region, Unit, User
from pufa.plans import metrics as registry
from pufa.surveys import selectors
from pufa.surveys.demo import ANNUAL_TITLE, CAMPAIGN_NAME, CAMPAIGN_POST_TITLE, POST_TITLE, seed_surveys
from pufa.surveys.models import Campaign, Response, Survey
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
    # the street's 民法典宣传月: May, its activities of May (the lecture among them), a 前测 and a 后测 showing a change
    campaign = Campaign.objects.get(name=CAMPAIGN_NAME)
    assert (campaign.starts_on, campaign.ends_on) == (dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    titles = set(campaign.activities.values_list("title", flat=True))
    assert "“美好生活·民法典相伴”宣传月主题宣讲" in titles
    assert all(
        dt.date(2026, 5, 1) <= d <= dt.date(2026, 5, 31) for d in campaign.activities.values_list("date", flat=True)
    )
    campaign_post = Survey.objects.get(title=CAMPAIGN_POST_TITLE, campaign=campaign)
    change = selectors.compare(campaign_post)[0].comparison
    assert change.difference > 10 and change.significant and change.low > 0
    pre_days = {r.date() for r in campaign_post.baseline.responses.values_list("submitted_at", flat=True)}
    assert pre_days and max(pre_days) < dt.date(2026, 5, 1)
    client = Client()
    client.force_login(User.objects.get(username="tuohe_fzb"))
    page = client.get(reverse("surveys:campaign-detail", args=[campaign.pk])).content.decode()
    assert 'data-testid="comparison"' in page and "95%置信区间" in page and "显著" in page
    counts = (Survey.objects.count(), Response.objects.count(), Campaign.objects.count())
    seed_surveys()
    assert (Survey.objects.count(), Response.objects.count(), Campaign.objects.count()) == counts
    annual = Survey.objects.get(title=ANNUAL_TITLE)
    office = annual.unit
    got = registry.compute(RESPONSES, unit_ids=[office.pk], start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    # the office runs the annual survey (96 answers) and the campaign's 前测 and 后测 (42 and 40)
    assert annual.responses.count() == 96
    assert got[office.pk] == Response.objects.filter(survey__unit=office).count() == 96 + 42 + 40


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
