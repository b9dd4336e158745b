"""Co-organiser credit with consent (issue 13, item 6), and implausible figures held for the office.

A co-organiser in another street is a request: the activity neither counts for that unit (metrics, rollups)
nor shows on that side (ledger list, detail, the office of that street) until its liaison accepts it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from pufa.core.models import AuditEntry
from pufa.ledger import selectors, services
from pufa.ledger.models import ActivityUnit
from pufa.org.models import Membership
from pufa.plans import metrics
from pufa.progress.models import RegionMonthStat
from tests.factories import make_activity, member_of

YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def counted(unit) -> int:
    return int(metrics.compute("ledger.activity_count", unit_ids=[unit.pk], start=YEAR[0], end=YEAR[1])[unit.pk])


def street_b_activities(region) -> int:
    row = RegionMonthStat.objects.filter(region=region, month=dt.date(2026, 3, 1), dim="", code="").first()
    return row.activities if row else 0


@pytest.fixture
def other_liaison_b(world):
    return member_of(world.other_office_unit, Membership.Role.LIAISON, username="sanba_liaison", full_name="钱进")


def test_a_co_organiser_in_another_street_is_a_request(world, liaison, other_office, other_liaison_b):
    activity = make_activity(
        world.committee_a, co_organisers=[world.committee_b, world.other_office_unit], people_onsite=40
    )
    rows = {r.unit_id: r for r in ActivityUnit.objects.filter(activity=activity)}
    assert rows[world.committee_b.pk].consent == ActivityUnit.Consent.ACCEPTED  # same street: at once
    pending = rows[world.other_office_unit.pk]
    assert pending.consent == ActivityUnit.Consent.PENDING and pending.region_path == ""
    # Counted for the organiser and the same-street co-organiser, not (yet) for the other street.
    assert [counted(world.committee_a), counted(world.committee_b), counted(world.other_office_unit)] == [1, 1, 0]
    assert street_b_activities(world.street_b) == 0 and street_b_activities(world.street_a) == 1
    # Invisible on that side beyond the request itself.
    assert not selectors.activity_list(actor=other_office).filter(pk=activity.pk).exists()
    with pytest.raises(Http404):
        selectors.activity_get(actor=other_office, pk=activity.pk)
    assert [r.activity_id for r in selectors.consent_requests(actor=other_liaison_b)] == [activity.pk]
    assert not selectors.consent_requests(actor=liaison).exists()


def test_accepting_counts_and_shows_the_record_and_is_audited(world, other_office, other_liaison_b):
    activity = make_activity(world.committee_a, co_organisers=[world.other_office_unit])
    request = selectors.consent_requests(actor=other_liaison_b).get()
    services.co_organiser_consent(actor=other_liaison_b, participation=request, accept=True)
    assert counted(world.other_office_unit) == 1
    assert street_b_activities(world.street_b) == 1
    assert selectors.activity_get(actor=other_office, pk=activity.pk) == activity
    entry = AuditEntry.objects.get(code="ledger.co_organiser.accept")
    assert entry.object_id == str(activity.pk) and entry.actor == other_liaison_b
    with pytest.raises(ValidationError):
        services.co_organiser_consent(actor=other_liaison_b, participation=request, accept=False)


def test_declining_keeps_it_out_and_an_edit_keeps_the_answer(world, liaison, other_office, other_liaison_b):
    activity = make_activity(world.committee_a, co_organisers=[world.other_office_unit], status="draft")
    request = selectors.consent_requests(actor=other_liaison_b).get()
    services.co_organiser_consent(actor=other_liaison_b, participation=request, accept=False)
    assert AuditEntry.objects.filter(code="ledger.co_organiser.decline", object_id=str(activity.pk)).exists()
    services.activity_submit(actor=liaison, activity=activity)
    assert counted(world.other_office_unit) == 0
    assert not selectors.activity_list(actor=other_office).filter(pk=activity.pk).exists()
    assert not selectors.consent_requests(actor=other_liaison_b).exists()


def test_only_the_co_organiser_answers(world, liaison, office_user, other_liaison_b):
    make_activity(world.committee_a, co_organisers=[world.other_office_unit])
    request = ActivityUnit.objects.get(consent=ActivityUnit.Consent.PENDING)
    for actor in (liaison, office_user):
        with pytest.raises(PermissionDenied):
            services.co_organiser_consent(actor=actor, participation=request, accept=True)
    assert counted(world.other_office_unit) == 0


def test_the_request_page_accepts(world, client_for, liaison, other_liaison_b):
    activity = make_activity(world.committee_a, title="跨街道联合普法", co_organisers=[world.other_office_unit])
    c = client_for(other_liaison_b)
    page = c.get(reverse("ledger:consent-list"))
    assert page.status_code == 200 and "跨街道联合普法" in page.content.decode()
    request = ActivityUnit.objects.get(consent=ActivityUnit.Consent.PENDING)
    assert c.get(reverse("ledger:activity-detail", args=[activity.pk])).status_code == 404
    response = c.post(reverse("ledger:consent-accept", args=[request.pk]))
    assert response.status_code == 302
    assert c.get(reverse("ledger:activity-detail", args=[activity.pk])).status_code == 200
    # Someone else's request is not found.
    assert client_for(liaison).post(reverse("ledger:consent-decline", args=[request.pk])).status_code == 404


def test_implausible_figures_are_held_for_the_office(world, liaison, office_user):
    history = make_activity(world.committee_a, title="以往的宣讲", people_onsite=300)
    assert history.status == "submitted"
    draft = make_activity(world.committee_a, title="报了五百万人", status="draft", people_onsite=5_000_000)
    with pytest.raises(ValidationError) as exc:
        services.activity_submit(actor=liaison, activity=draft)
    assert "远超合理范围" in str(exc.value)
    draft.refresh_from_db()
    assert draft.status == "draft" and counted(world.committee_a) == 1
    # 20 × the unit's history (counted from 500) is the bound below 100,000.
    modest = make_activity(world.committee_a, title="大型活动", status="draft", people_online=9_000)
    services.activity_submit(actor=liaison, activity=modest)
    # The office, having checked, may submit it.
    services.activity_submit(actor=office_user, activity=draft)
    assert counted(world.committee_a) == 3


def test_an_import_asks_the_other_street_too(world, liaison):
    import io

    from openpyxl import Workbook

    from pufa.ledger import importers
    from pufa.ledger.exports import HEADERS

    workbook = Workbook()
    ws = workbook.active
    ws.title = "工作台账"
    ws.append(HEADERS[:17])
    values = {
        "活动日期": dt.date(2026, 3, 15),
        "活动名称": "联合宣传",
        "活动形式": "集中宣传",
        "组织单位": "沱河社区居委会",
        "协办单位": "桃园社区居委会、三八街道法治办",
        "现场受众（人次）": 80,
    }
    ws.append([values.get(h, "") for h in HEADERS[:17]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    result = importers.activity_import(actor=liaison, file=buffer)
    assert result.ok, result.errors
    consents = dict(ActivityUnit.objects.values_list("unit__name", "consent"))
    assert consents == {"沱河社区居委会": "accepted", "桃园社区居委会": "accepted", "三八街道法治办": "pending"}
    assert counted(world.other_office_unit) == 0 and counted(world.committee_b) == 1


def test_a_unit_report_counts_a_request_only_once_accepted(world, other_liaison_b):
    from pufa.reports.figures import counted_activities

    activity = make_activity(world.committee_a, co_organisers=[world.other_office_unit])

    def ids() -> list[int]:
        return list(
            counted_activities(unit=world.other_office_unit, region=None, start=YEAR[0], end=YEAR[1]).values_list(
                "pk", flat=True
            )
        )

    assert ids() == []
    request = selectors.consent_requests(actor=other_liaison_b).get()
    services.co_organiser_consent(actor=other_liaison_b, participation=request, accept=True)
    assert ids() == [activity.pk]
