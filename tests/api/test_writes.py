"""Writes through the data interface are the ledger's own writes: the same audit entry, workflow step,
figures and errors as the same write through the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from pufa.core.models import ActivityKind, AuditEntry, Domain
from pufa.ledger.metrics import COUNT
from pufa.ledger.models import Activity
from pufa.org.access import SYSTEM
from pufa.plans import services as plan_services
from pufa.progress.models import ProgressStatus, TargetCheck
from tests.factories import make_activity, make_plan, make_task


@pytest.fixture
def target(world):
    task = make_task(make_plan(world.office_unit), units={"lead": [world.committee_a]})
    return plan_services.target_create(
        actor=SYSTEM, task=task, data=plan_services.TargetData(metric=COUNT, threshold=2)
    )


def _trail(activity: Activity) -> list[tuple[str, str, str, dict[str, Any]]]:
    entries = AuditEntry.objects.filter(object_id=str(activity.pk), content_type__model="activity").order_by("id")
    return [(e.code, e.action, e.message, e.changes) for e in entries]


def _figures(api: Any, region_pk: int) -> dict[str, Any]:
    data = api.get(f"/api/progress/regions/{region_pk}/").json()
    return {f["label"]: f["value"] for f in data["totals"]} | {
        "by_kind:" + f["label"]: f["value"] for f in data["by_kind"]
    }


def _check(target) -> tuple[Any, str]:
    check = TargetCheck.objects.get(target=target)
    status = ProgressStatus.objects.get(target=target)
    return check.value, status.status


def test_create_and_submit_through_the_api_equals_the_page(client_for, api_as, world, target, liaison, office_user):
    office = api_as(office_user)
    before = _figures(office, world.street_a.pk)
    kind = ActivityKind.objects.get(code="ztjz")
    domain = Domain.objects.get(code="minfadian")
    page = client_for(liaison).post(
        reverse("ledger:activity-create"),
        {
            "unit": world.committee_a.pk,
            "title": "民法典进社区宣讲",
            "kind": kind.pk,
            "date": "2026-06-01",
            "people_onsite": "80",
            "domains": [domain.pk],
            "co_organisers": [world.judicial_office.pk],
            "place": "社区党群服务中心",
            "submit": "1",
        },
    )
    assert page.status_code == 302
    by_page = Activity.objects.get()
    after_page = _figures(office, world.street_a.pk)
    check_after_page = _check(target)

    api = api_as(liaison)
    created = api.post(
        "/api/activities/",
        {
            "unit": world.committee_a.pk,
            "title": "民法典进社区宣讲",
            "kind": "ztjz",
            "date": "2026-06-01",
            "people_onsite": 80,
            "domains": ["minfadian"],
            "co_organisers": [world.judicial_office.pk],
            "place": "社区党群服务中心",
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "draft"
    submitted = api.post(f"/api/activities/{created.json()['id']}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    by_api = Activity.objects.exclude(pk=by_page.pk).get()
    after_api = _figures(office, world.street_a.pk)

    # The same entries: the page records and submits in one step ("登记并提交"), the API as draft then submit.
    page_trail, api_trail = _trail(by_page), _trail(by_api)
    assert page_trail[0][0] == api_trail[0][0] == "ledger.activity.create"
    assert page_trail[0][3]["title"] == api_trail[0][3]["title"]
    assert {k: v for k, v in page_trail[0][3].items() if k != "status"} == {
        k: v for k, v in api_trail[0][3].items() if k != "status"
    }
    assert [e[0] for e in api_trail] == ["ledger.activity.create", "ledger.activity.submit"]
    assert AuditEntry.objects.get(code="ledger.activity.submit").actor == liaison

    # The same figures: each write moved every dashboard figure and the target by the same amount.
    labels = set(before) | set(after_page) | set(after_api)
    step_page = {k: after_page.get(k, 0) - before.get(k, 0) for k in labels}
    step_api = {k: after_api.get(k, 0) - after_page.get(k, 0) for k in labels}
    assert step_page == step_api and step_page["活动场次"] == 1 and step_page["受众人次"] == 80
    assert check_after_page == (1, "on_track") and _check(target) == (2, "done")


def test_update_through_the_api_keeps_the_version_rule(api_as, world, liaison):
    activity = make_activity(world.committee_a, status="draft", title="旧名称")
    api = api_as(liaison)
    current = api.get(f"/api/activities/{activity.pk}/").json()
    body = {
        "unit": world.committee_a.pk,
        "title": "新名称",
        "kind": current["kind"],
        "date": current["date"],
        "domains": current["domains"],
        "audiences": current["audiences"],
        "version": current["version"],
    }
    changed = api.put(f"/api/activities/{activity.pk}/", body)
    assert changed.status_code == 200 and changed.json()["title"] == "新名称"
    assert changed.json()["version"] == current["version"] + 1
    stale = api.put(f"/api/activities/{activity.pk}/", {**body, "title": "再改"})
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]
    entry = AuditEntry.objects.get(code="ledger.activity.update")
    assert entry.changes["title"] == ["旧名称", "新名称"] and entry.actor == liaison


def test_service_refusals_come_back_as_422_by_field(api_as, world, liaison):
    api = api_as(liaison)
    future = api.post(
        "/api/activities/",
        {"unit": world.committee_a.pk, "title": "计划", "kind": "ztjz", "date": "2026-07-01", "submit": True},
    )
    assert future.status_code == 422
    assert future.json()["detail"][0]["loc"] == ["body", "date"] and "还没有举行" in future.json()["detail"][0]["msg"]
    unknown = api.post(
        "/api/activities/", {"unit": world.committee_a.pk, "title": "x", "kind": "nope", "date": "2026-06-01"}
    )
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["body", "kind"]
    # A unit outside the caller's scope is not found; one it sees but does not record for is forbidden.
    outside = {"unit": world.committee_b.pk, "title": "x", "kind": "ztjz", "date": "2026-06-01"}
    assert api.post("/api/activities/", outside).status_code == 404
    submitted = make_activity(world.committee_a)
    again = api.post(f"/api/activities/{submitted.pk}/submit/")
    assert again.status_code == 422
    assert Activity.objects.count() == 1


def test_a_body_that_is_not_json_is_a_documented_400(api_as, world, liaison):
    api = api_as(liaison)
    response = api.client.post(
        "/api/activities/", b"\x19", content_type="application/json", headers={"Authorization": f"Bearer {api.key}"}
    )
    assert response.status_code == 400 and response.json() == {"detail": "请求体不是有效的 JSON。"}
    assert Activity.objects.count() == 0


def test_nul_characters_are_refused_as_on_the_pages(api_as, world, liaison):
    """PostgreSQL cannot store U+0000 and Django's form fields refuse it; the API answers 422, never 500."""
    api = api_as(liaison)
    body = {"unit": world.committee_a.pk, "title": "宣讲\x00", "kind": "ztjz", "date": "2026-06-01"}
    refused = api.post("/api/activities/", body)
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "title"]
    assert api.post("/api/activities/", {**body, "title": "宣讲", "domains": ["a\x00"]}).json()["detail"][0]["loc"] == [
        "body",
        "domains",
        0,
    ]
    for url in ("/api/units/", "/api/activities/", "/api/plans/"):
        answer = api.get(url, {"q": "宪法\x00"})
        assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["query", "q"], url
    assert Activity.objects.count() == 0
    assert api.post("/api/activities/", {**body, "title": "含\\u0000字样的标题"}).status_code == 201


def test_the_offices_steps_through_the_api_are_the_pages_steps(api_as, world, target, liaison, office_user):
    """Confirm, return (with its reason), reopen and delete: the service's step, audit entry and figures."""
    office, unit = api_as(office_user), api_as(liaison)
    activity = make_activity(world.committee_a, status="submitted", title="宪法宣传周")
    assert unit.post(f"/api/activities/{activity.pk}/confirm/").status_code == 403  # a liaison may not confirm
    assert _check(target)[0] == 1

    no_reason = office.post(f"/api/activities/{activity.pk}/return/", {"reason": " "})
    assert no_reason.status_code == 422
    returned = office.post(f"/api/activities/{activity.pk}/return/", {"reason": "缺少现场照片"})
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert _check(target)[0] == 0  # a returned record does not count, as on the page
    assert unit.post(f"/api/activities/{activity.pk}/submit/").json()["status"] == "submitted"
    assert unit.post(f"/api/activities/{activity.pk}/withdraw/").json()["status"] == "draft"
    assert unit.post(f"/api/activities/{activity.pk}/submit/").status_code == 200
    confirmed = office.post(f"/api/activities/{activity.pk}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    twice = office.post(f"/api/activities/{activity.pk}/confirm/")  # a second click: refused, nothing changes
    assert twice.status_code == 422
    assert office.post(f"/api/activities/{activity.pk}/reopen/", {"reason": "人数有误"}).json()["status"] == "returned"
    assert unit.post(f"/api/activities/{activity.pk}/delete/", {}).status_code == 204
    assert unit.get(f"/api/activities/{activity.pk}/").status_code == 404
    trail = AuditEntry.objects.filter(object_id=str(activity.pk), content_type__model="activity", code__contains=".")
    codes = [e.code for e in trail.exclude(code="ledger.activity.create").order_by("id")]
    assert codes == [
        "ledger.activity.return",
        "ledger.activity.submit",
        "ledger.activity.withdraw",
        "ledger.activity.submit",
        "ledger.activity.confirm",
        "ledger.activity.reopen",
        "ledger.activity.delete",
    ]
    assert AuditEntry.objects.get(code="ledger.activity.return").message.endswith("缺少现场照片")
    assert _check(target)[0] == 0


def test_a_unit_cannot_delete_a_submitted_record_through_the_api(api_as, world, liaison):
    activity = make_activity(world.committee_a, status="submitted")
    refused = api_as(liaison).post(f"/api/activities/{activity.pk}/delete/", {})
    assert refused.status_code == 422 and "不能删除" in str(refused.json()["detail"])
    assert Activity.objects.filter(pk=activity.pk).exists()
