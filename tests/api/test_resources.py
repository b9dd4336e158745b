"""The data interface, resource by resource: scoped exactly like the pages — anonymous 401, outsider 404,
read-only 403, allowed 200 — with personal data masked as on the pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from pufa.ledger.metrics import COUNT
from pufa.org.access import SYSTEM
from pufa.org.models import Membership
from pufa.plans import services as plan_services
from pufa.reports import services as report_services
from tests.api.conftest import TokenClient
from tests.factories import duty_list, make_activity, make_plan, make_task, member_of


@dataclass
class Records:
    activity: Any
    other_activity: Any
    plan: Any
    task: Any
    target: Any
    duty_list: Any
    item: Any
    report: Any
    circular: Any


@pytest.fixture
def records(world) -> Records:
    plan = make_plan(world.office_unit)
    task = make_task(plan, units={"lead": [world.committee_a]})
    target = plan_services.target_create(
        actor=SYSTEM, task=task, data=plan_services.TargetData(metric=COUNT, threshold=4)
    )
    dl = duty_list(world.committee_a, phone="13805571003")
    return Records(
        activity=make_activity(world.committee_a, title="沱河社区民法典宣讲", co_organisers=[world.judicial_office]),
        other_activity=make_activity(world.committee_b, title="桃园社区禁毒宣传"),
        plan=plan,
        task=task,
        target=target,
        duty_list=dl,
        item=dl.items.get(),
        report=report_services.report_start(actor=SYSTEM, unit=world.committee_a, period="h1", year=2026),
        circular=_published_circular(world),
    )


def _published_circular(world) -> Any:
    office = member_of(world.office_unit, Membership.Role.OFFICE, username="circular_office")
    circular = report_services.circular_draft(actor=office, issuing_unit=world.office_unit)
    return report_services.circular_publish(actor=office, circular=circular, recipients=[world.committee_a])


def _details(world, r: Records) -> list[tuple[str, str]]:
    """(URL of one record, the field that names it) — every record of street A's side."""
    return [
        (f"/api/regions/{world.community_a.pk}/", "name"),
        (f"/api/units/{world.committee_a.pk}/", "name"),
        (f"/api/plans/{r.plan.pk}/", "title"),
        (f"/api/plans/{r.plan.pk}/tasks/", ""),
        (f"/api/tasks/{r.task.pk}/", "title"),
        (f"/api/targets/{r.target.pk}/", "metric"),
        (f"/api/activities/{r.activity.pk}/", "title"),
        (f"/api/duty-lists/{r.duty_list.pk}/", "title"),
        (f"/api/duty-lists/{r.duty_list.pk}/items/", ""),
        (f"/api/duty-items/{r.item.pk}/", "content"),
        (f"/api/progress/regions/{world.street_a.pk}/", "region_name"),
        (f"/api/progress/units/{world.committee_a.pk}/", "unit_name"),
        (f"/api/reports/{r.report.pk}/", "title"),
        (f"/api/reports/{r.report.pk}/document/", ""),
        (f"/api/circulars/{r.circular.pk}/", "title"),
        (f"/api/circulars/{r.circular.pk}/document/", ""),
    ]


LISTS = [
    "/api/regions/",
    "/api/units/",
    "/api/plans/",
    "/api/activities/",
    "/api/duty-lists/",
    "/api/reports/",
    "/api/circulars/",
    "/api/kinds/",
]


def test_anonymous_gets_401_everywhere(api_as, world, records):
    anonymous = api_as(None)
    for url, _ in _details(world, records):
        assert anonymous.get(url).status_code == 401, url
    for url in LISTS:
        assert anonymous.get(url).status_code == 401, url
    assert anonymous.post("/api/activities/", {}).status_code == 401
    assert anonymous.post(f"/api/activities/{records.activity.pk}/submit/").status_code == 401


def test_office_of_the_region_reads_every_record(api_as, world, records, office_user):
    api = api_as(office_user)
    for url, name in _details(world, records):
        response = api.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        if name:
            assert response.json()[name], url
    document = api.get(f"/api/reports/{records.report.pk}/document/")
    assert document["Content-Type"].startswith("application/vnd.openxmlformats") and document.getvalue()[:2] == b"PK"
    circular = api.get(f"/api/circulars/{records.circular.pk}/document/")
    assert circular.getvalue()[:2] == b"PK"
    assert api.get(f"/api/circulars/{records.circular.pk}/").json()["data"] == records.circular.data


def test_outsiders_get_404_for_every_record(api_as, world, records, other_office):
    api = api_as(other_office)  # the office of the other street
    for url, _ in _details(world, records):
        assert api.get(url).status_code == 404, url


def test_a_liaison_sees_its_unit_and_not_its_neighbour(api_as, world, records, liaison):
    api = api_as(liaison)
    assert api.get(f"/api/activities/{records.activity.pk}/").status_code == 200
    assert api.get(f"/api/activities/{records.other_activity.pk}/").status_code == 404
    titles = [row["title"] for row in api.get("/api/activities/").json()["items"]]
    assert titles == ["沱河社区民法典宣讲"]
    assert api.get(f"/api/units/{world.committee_b.pk}/").status_code == 404
    assert api.get(f"/api/duty-lists/{records.duty_list.pk}/").status_code == 200
    assert [u["name"] for u in api.get("/api/units/").json()["items"]] == ["沱河社区居委会"]
    # The dashboard is an office's view, as on the page; a liaison's progress is its unit's.
    assert api.get(f"/api/progress/regions/{world.street_a.pk}/").status_code == 404
    mine = api.get(f"/api/progress/units/{world.committee_a.pk}/").json()
    assert [t["task_title"] for t in mine["tasks"]] == [records.task.title]
    check = mine["tasks"][0]["targets"][0]["checks"][0]
    assert (check["value"], check["threshold"], check["met"]) == ("1.00", "4.00", False)
    assert check["url"].startswith("/ledger/?participant=")
    assert api.get(f"/api/progress/units/{world.committee_b.pk}/").status_code == 404


def test_roles_without_the_action_get_403(api_as, world, records, inspector):
    member = member_of(world.committee_a, Membership.Role.MEMBER, username="member")
    api = api_as(member)
    assert api.get("/api/activities/").status_code == 200
    for url in ("/api/duty-lists/", "/api/reports/", f"/api/progress/regions/{world.street_a.pk}/"):
        assert api.get(url).status_code == 403, url
    reader = api_as(inspector)
    assert reader.get(f"/api/activities/{records.activity.pk}/").status_code == 200
    body = {"unit": world.committee_a.pk, "title": "督查记录", "kind": "ztjz", "date": "2026-06-01"}
    assert reader.post("/api/activities/", body).status_code == 403
    assert reader.post(f"/api/activities/{records.activity.pk}/submit/").status_code == 403
    assert reader.put(f"/api/activities/{records.activity.pk}/", {**body, "version": 1}).status_code == 403


def test_lists_are_scoped_like_the_pages(api_as, world, records, office_user, other_office):
    mine = api_as(office_user).get("/api/activities/").json()["items"]
    assert {row["title"] for row in mine} == {"沱河社区民法典宣讲", "桃园社区禁毒宣传"}
    assert mine[0]["co_organisers"] or mine[1]["co_organisers"]
    theirs = api_as(other_office)
    assert theirs.get("/api/activities/").json()["items"] == []
    assert theirs.get("/api/duty-lists/").json() == {"count": 0, "items": []}
    assert theirs.get("/api/reports/").json() == {"count": 0, "items": []}
    assert records.plan.pk not in [p["id"] for p in theirs.get("/api/plans/").json()["items"]]


def test_responsible_phone_is_masked_unless_the_caller_may_edit_the_list(api_as, world, records, liaison, inspector):
    url = f"/api/duty-lists/{records.duty_list.pk}/items/"
    assert api_as(liaison).get(url).json()[0]["responsible_phone"] == "13805571003"
    assert api_as(inspector).get(url).json()[0]["responsible_phone"] == "138****1003"
    single = api_as(inspector).get(f"/api/duty-items/{records.item.pk}/").json()
    assert single["responsible_phone"] == "138****1003"


def test_activity_list_uses_the_ledger_filters_and_pages_by_cursor(api_as, world, office_user):
    import datetime as dt

    for i in range(7):
        make_activity(world.committee_a, title=f"第{i}场", date=dt.date(2026, 3, 1) + dt.timedelta(days=i))
    make_activity(world.committee_b, title="禁毒", kind="jzxc", date=dt.date(2026, 3, 20))
    api = api_as(office_user)
    seen, cursor = [], ""
    while True:
        page = api.get("/api/activities/", {"limit": 3, "cursor": cursor, "unit": world.committee_a.pk}).json()
        seen += [row["title"] for row in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"第{i}场" for i in range(6, -1, -1)]
    assert [r["title"] for r in api.get("/api/activities/", {"kind": "jzxc"}).json()["items"]] == ["禁毒"]
    assert api.get("/api/activities/", {"unit": world.other_office_unit.pk}).status_code == 404


def test_a_bad_token_subject_does_not_leak_through_a_filter(api_as, world, records, liaison):
    api: TokenClient = api_as(liaison)
    assert api.get("/api/activities/", {"participant": world.committee_b.pk}).status_code == 404
    assert api.get("/api/activities/", {"region": world.street_b.pk}).status_code == 404


def test_activity_list_costs_the_same_few_queries_for_one_row_or_thirty(
    api_as, world, office_user, django_assert_max_num_queries
):
    import datetime as dt

    api = api_as(office_user)
    make_activity(world.committee_a, title="第一场", co_organisers=[world.judicial_office])
    api.get("/api/activities/")  # the token's first use of the day writes its audit entry
    with django_assert_max_num_queries(6):
        assert len(api.get("/api/activities/").json()["items"]) == 1
    for i in range(35):
        make_activity(world.committee_b, title=f"第{i}场", date=dt.date(2026, 2, 1) + dt.timedelta(days=i))
    with django_assert_max_num_queries(6):
        assert len(api.get("/api/activities/").json()["items"]) == 30
