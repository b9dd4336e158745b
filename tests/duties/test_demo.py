"""The demo street's responsibility lists: every state is there, and seeding twice changes nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pufa.duties import selectors
from pufa.duties.demo import seed_duties
from pufa.duties.models import DutyItem, DutyList, DutyTemplate, Law, PlannedActivity
from pufa.org.access import SYSTEM
from pufa.org.demo import seed_org
from pufa.org.models import Region, Unit


def test_seed_duties_builds_every_state_and_is_idempotent(db):
    seed_org()
    seed_duties()
    year = timezone.localdate().year
    states = dict(DutyList.objects.filter(year=year).values_list("unit__code", "status"))
    assert states == {
        "tuohe-sfs": "published",
        "tuohe-pcs": "published",
        "tuohe-fl": "published",
        "tuohe-yjb": "filed",
        "tuohe-sjs": "submitted",
        "tuohe-taoyuan": "returned",
        "tuohe-tuohe": "draft",
    }
    assert DutyList.objects.get(unit__code="tuohe-sfs", year=year - 1).status == "published"
    assert DutyList.objects.get(unit__code="tuohe-sfs", year=year).source.year == year - 1
    assert DutyList.objects.get(unit__code="tuohe-tuohe", year=year).items.count() == 3  # from the template
    assert Law.objects.filter(name="中华人民共和国治安管理处罚法").exists()
    report = selectors.deadline_report(actor=SYSTEM, region=Region.objects.get(name="沱河街道"), year=year)
    assert report.counts["missing"] > 10 and report.counts["published"] == 3
    assert report.counts["late"] == 1  # 市场监督管理所 submitted on 3 April; the others before 31 March
    published = DutyList.objects.get(unit__code="tuohe-pcs", year=year)
    assert (published.submitted_at.month, timezone.localtime(published.published_at).date()) == (
        3,
        timezone.localtime(published.submitted_at).date() + dt.timedelta(days=4),
    )
    counts = (
        Law.objects.count(),
        DutyList.objects.count(),
        DutyItem.objects.count(),
        PlannedActivity.objects.count(),
        DutyTemplate.objects.count(),
    )
    seed_duties()
    assert counts == (
        Law.objects.count(),
        DutyList.objects.count(),
        DutyItem.objects.count(),
        PlannedActivity.objects.count(),
        DutyTemplate.objects.count(),
    )
    assert Unit.objects.filter(code="tuohe-pcs").exists()
