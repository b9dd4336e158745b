"""The areas' resources through the data interface: scoped and masked exactly as their pages — anonymous 401,
outsider 404, a role without the action 403 — and the figures those pages show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pufa.demand.models import WorkOrder
from pufa.exams import selectors as exam_selectors
from pufa.exams import services as exam_services
from pufa.org.access import SYSTEM
from pufa.org.models import Membership
from pufa.surveys import services as survey_services
from tests.cases.conftest import make_case
from tests.exams.conftest import answer_all, make_bank, make_exam
from tests.factories import member_of
from tests.people.conftest import add_person
from tests.venues.conftest import make_venue


@pytest.fixture
def areas(world):
    examinees = [member_of(world.committee_a, Membership.Role.MEMBER, full_name=f"甲{i}") for i in range(2)]
    examinees.append(member_of(world.committee_b, Membership.Role.MEMBER, full_name="乙0"))
    exam = make_exam(world, make_bank(world))
    attempt = exam_services.attempt_start(actor=examinees[0], exam=exam)
    answer_all(attempt, examinees[0], right=len(attempt.question_ids))
    exam_services.attempt_submit(actor=examinees[0], attempt=attempt)
    campaign = survey_services.campaign_create(
        actor=SYSTEM,
        data=survey_services.CampaignData(
            name="沱河社区民法典宣传月",
            unit=world.committee_a,
            starts_on=dt.date(2026, 5, 1),
            ends_on=dt.date(2026, 5, 31),
        ),
    )
    other_campaign = survey_services.campaign_create(
        actor=SYSTEM,
        data=survey_services.CampaignData(
            name="桃园社区宪法宣传周",
            unit=world.committee_b,
            starts_on=dt.date(2026, 12, 1),
            ends_on=dt.date(2026, 12, 7),
        ),
    )
    survey = survey_services.survey_create(
        actor=SYSTEM,
        data=survey_services.SurveyData(
            title="沱河社区宣讲反馈", unit=world.committee_a, phase="pre", campaign=campaign
        ),
        template="feedback",
    )
    other_survey = survey_services.survey_create(
        actor=SYSTEM,
        data=survey_services.SurveyData(title="桃园社区宣讲反馈", unit=world.committee_b),
        template="feedback",
    )
    received = timezone.now()
    order = WorkOrder.objects.create(
        region=world.street_a,
        number="12345-001",
        received_at=received,
        text="咨询拖欠工资怎么办",
        place=world.community_a,
    )
    other_order = WorkOrder.objects.create(
        region=world.street_b, number="12345-002", received_at=received, text="邻居装修噪音扰民"
    )
    return {
        "campaign": campaign,
        "other_campaign": other_campaign,
        "survey": survey,
        "other_survey": other_survey,
        "order": order,
        "other_order": other_order,
        "case": make_case(world.committee_a, title="沱河社区养老诈骗案"),
        "other_case": make_case(world.committee_b, title="桃园社区借贷纠纷案"),
        "venue": make_venue(world.committee_a, world.community_a, name="沱河社区法治广场"),
        "other_venue": make_venue(world.committee_b, world.community_b, name="桃园社区法治长廊"),
        "person": add_person(world.committee_a, world.community_a, name="王秀英", phone="13812341234"),
        "other_person": add_person(world.committee_b, world.community_b, name="刘建国", phone="13955556666"),
        "exam": exam,
    }


def _urls(a) -> list[str]:
    return [
        f"/api/cases/{a['case'].pk}/",
        f"/api/venues/{a['venue'].pk}/",
        f"/api/people/{a['person'].pk}/",
        f"/api/surveys/{a['survey'].pk}/",
        f"/api/campaigns/{a['campaign'].pk}/",
    ]


LISTS = [
    "/api/cases/",
    "/api/venues/",
    "/api/people/",
    "/api/exams/",
    "/api/surveys/",
    "/api/campaigns/",
    "/api/work-orders/",
]


def test_anonymous_gets_401(api_as, areas):
    for url in [*_urls(areas), *LISTS, f"/api/exams/{areas['exam'].pk}/results/"]:
        assert api_as(None).get(url).status_code == 401, url


def test_the_liaison_sees_its_unit_only_and_phones_masked(api_as, world, areas, liaison):
    api = api_as(liaison)
    for url in _urls(areas):
        assert api.get(url).status_code == 200, url
    kinds = {
        "other_case": "cases",
        "other_venue": "venues",
        "other_person": "people",
        "other_survey": "surveys",
        "other_campaign": "campaigns",
    }
    for key, kind in kinds.items():
        assert api.get(f"/api/{kind}/{areas[key].pk}/").status_code == 404
    assert [c["title"] for c in api.get("/api/cases/").json()["items"]] == ["沱河社区养老诈骗案"]
    assert [s["title"] for s in api.get("/api/surveys/").json()["items"]] == ["沱河社区宣讲反馈"]
    assert api.get(f"/api/surveys/{areas['survey'].pk}/").json()["campaign_id"] == areas["campaign"].pk
    campaigns = api.get("/api/campaigns/").json()
    assert campaigns["count"] == 1
    assert [(c["name"], c["survey_count"], c["unit_name"]) for c in campaigns["items"]] == [
        ("沱河社区民法典宣传月", 1, "沱河社区居委会")
    ]
    assert api.get(f"/api/campaigns/{areas['campaign'].pk}/").json()["starts_on"] == "2026-05-01"
    # Hotline orders are the offices' and inspectors' (the role table), as on the demand pages.
    assert api.get("/api/work-orders/").status_code == 403
    assert api.get(f"/api/work-orders/{areas['order'].pk}/").status_code == 404  # not in a liaison's scope
    assert [v["name"] for v in api.get("/api/venues/").json()["items"]] == ["沱河社区法治广场"]
    people = api.get("/api/people/").json()
    assert [(p["name"], p["phone"]) for p in people["items"]] == [("王秀英", "138****1234")]
    assert people["items"][0]["teams"][0]["kind"] == "flmbr"
    detail = api.get(f"/api/people/{areas['person'].pk}/")
    assert "13812341234" not in detail.content.decode()
    assert [t["kind"] for t in detail.json()["teams"]] == ["flmbr"]  # on a team today, as in the list
    # A unit filter outside the liaison's scope is not found, as on the pages.
    assert api.get("/api/people/", {"unit": world.committee_b.pk}).status_code == 404
    assert api.get("/api/venues/", {"region": world.community_b.pk}).status_code == 404


def test_the_office_sees_the_whole_street(api_as, areas, office_user):
    api = api_as(office_user)
    assert {c["title"] for c in api.get("/api/cases/").json()["items"]} == {"沱河社区养老诈骗案", "桃园社区借贷纠纷案"}
    assert api.get("/api/people/").json()["count"] == 2
    assert api.get("/api/venues/", {"q": "长廊"}).json()["count"] == 1
    orders = api.get("/api/work-orders/").json()
    assert [(o["number"], o["place_id"]) for o in orders["items"]] == [("12345-001", areas["order"].place_id)]
    assert api.get(f"/api/work-orders/{areas['other_order'].pk}/").status_code == 404
    assert api.get(f"/api/surveys/{areas['survey'].pk}/").json()["response_count"] == 0


def test_outsiders_get_404(api_as, areas, other_office):
    api = api_as(other_office)
    for url in _urls(areas):
        assert api.get(url).status_code == 404, url
    assert api.get("/api/people/").json()["count"] == 0


def test_exam_results_equal_the_results_page(api_as, world, areas, office_user, liaison):
    exam = areas["exam"]
    body = api_as(office_user).get(f"/api/exams/{exam.pk}/results/").json()
    standing = exam_selectors.exam_standing(exam, office_user)
    assert (body["required"], body["sat"], body["passed"]) == (standing.required, standing.sat, standing.passed)
    assert (body["required"], body["sat"], body["passed"]) == (3, 1, 1)
    assert {u["unit_name"]: (u["required"], u["passed"]) for u in body["units"]} == {
        "沱河社区居委会": (2, 1),
        "桃园社区居委会": (1, 0),
    }
    mine = api_as(liaison).get(f"/api/exams/{exam.pk}/results/").json()
    assert [u["unit_name"] for u in mine["units"]] == ["沱河社区居委会"] and mine["required"] == 2
    assert api_as(office_user).get("/api/exams/").json()["items"][0]["title"] == exam.title


def test_a_member_reads_cases_but_not_rosters_venues_or_exams(api_as, world, areas):
    """The role table: a member (队伍成员) may read the case library, not the rosters, venues or results."""
    api = api_as(member_of(world.committee_a, Membership.Role.MEMBER, username="member"))
    assert api.get("/api/cases/").status_code == 200
    for url in ("/api/people/", "/api/venues/", "/api/exams/", f"/api/people/{areas['person'].pk}/"):
        assert api.get(url).status_code == 403, url
