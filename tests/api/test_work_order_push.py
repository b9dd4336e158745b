"""Pushing hotline work orders through the data interface (POST /api/work-orders/): the import's fields and
checks, all or none with Chinese errors per order, the same 工单编号 recognised, callers' data not kept,
classified, audited, bounded, and scoped to the pushing office's region by the role table."""

from __future__ import annotations

import pytest

from pufa.core.models import AuditEntry
from pufa.demand.importers import PUSH_MAX
from pufa.demand.models import GazetteerEntry, WorkOrder
from pufa.org.models import Membership

URL = "/api/work-orders/"


def _orders() -> list[dict]:
    return [
        {
            "number": "12345-9001",
            "received_at": "2026-06-18T09:30:00+08:00",
            "text": "公司拖欠工资三个月，老板不给，我的电话13912345678",
            "address": "沱河社区",
            "category": "劳动",
            "handler": "人社局",
            "status": "已办结",
            "caller": "王小明",  # not a field of the interface: never read
            "caller_phone": "13912345678",
        },
        {
            "number": 90002,  # numeric numbers, as some systems send them
            "received_at": "2026-06-19 14:00",
            "text": "丈夫家暴，想离婚，孩子抚养权怎么判",
            "address": "锦绣花园5栋",
        },
    ]


def test_a_push_creates_classified_orders_without_the_callers_data(api_as, world, office_user):
    GazetteerEntry.objects.create(name="锦绣花园", kind="estate", region=world.community_b)
    response = api_as(office_user).post(URL, {"orders": _orders()})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["region_id"], body["created"], body["updated"], body["unchanged"]) == (world.street_a.pk, 2, 0, 0)
    assert [(o["number"], o["result"]) for o in body["orders"]] == [("12345-9001", "created"), ("90002", "created")]
    first, second = WorkOrder.objects.order_by("number")
    assert first.number == "12345-9001" and first.source == WorkOrder.Source.API
    assert first.domain.code == "ldjy-shbz" and first.place == world.community_a
    assert second.domain.code == "fnet-hyjt" and second.place == world.community_b
    assert body["orders"][0]["domain"] == "ldjy-shbz" and body["orders"][1]["place_id"] == world.community_b.pk
    stored = " ".join(str(v) for o in WorkOrder.objects.values() for v in o.values())
    assert "王小明" not in stored and "13912345678" not in stored and "139****5678" in stored
    entry = AuditEntry.objects.get(code="demand.order.push")
    assert entry.scope_path == world.street_a.path and "新增 2 条" in entry.message
    assert "13912345678" not in entry.message
    # The pushed orders are the office's like imported ones: listed by the read endpoint.
    listed = api_as(office_user).get(URL).json()
    assert {o["number"] for o in listed["items"]} == {"12345-9001", "90002"}


def test_a_repush_updates_the_same_order_instead_of_doubling_it(api_as, world, office_user):
    api = api_as(office_user)
    assert api.post(URL, {"orders": _orders()}).status_code == 200
    again = api.post(URL, {"orders": _orders()}).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    changed = _orders()
    changed[1]["status"] = "已办结"
    third = api.post(URL, {"orders": changed}).json()
    assert (third["created"], third["updated"], third["unchanged"]) == (0, 1, 1)
    assert [o["result"] for o in third["orders"]] == ["unchanged", "updated"]
    assert WorkOrder.objects.count() == 2
    assert WorkOrder.objects.get(number="90002").status == "已办结"
    assert AuditEntry.objects.filter(code="demand.order.push").count() == 3


def test_one_bad_order_refuses_the_whole_batch_with_chinese_errors(api_as, world, office_user):
    orders = _orders()
    orders[1]["received_at"] = "昨天下午"
    orders.append({"number": "12345-9001", "received_at": "2026-06-19", "text": ""})
    response = api_as(office_user).post(URL, {"orders": orders})
    assert response.status_code == 422
    messages = [item["msg"] for item in response.json()["detail"]]
    assert messages == [
        "第2条：受理时间“昨天下午”无法识别，应如 2026-03-05 10:30",
        "第3条：诉求内容为空；工单编号“12345-9001”与第1条重复",
    ]
    assert not WorkOrder.objects.exists()
    assert not AuditEntry.objects.filter(code="demand.order.push").exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"orders": []}, "请至少推送一条工单"),
        ({"orders": [{"number": str(i), "text": "问"} for i in range(PUSH_MAX + 1)]}, "一次最多推送 500 条"),
        ({"orders": [{"number": "1", "received_at": "2026-06-01", "text": "长" * 5001}]}, "超过 5000 个字"),
        ({"orders": [{"number": "x" * 65, "received_at": "2026-06-01", "text": "问"}]}, "超过 64 个字"),
        ({"orders": [{"number": "1", "received_at": "2026-02-30", "text": "问"}]}, "无法识别"),
        ({"orders": [{"number": "1", "received_at": "1899-01-01", "text": "问"}]}, "无法识别"),
        ({"orders": [{"number": "1", "received_at": "2026-06-01", "text": "a\u0000b"}]}, "空字符"),
        ({"orders": [{"number": None, "text": "问"}]}, ""),
        ({"orders": "12345"}, ""),
        ({"orders": [{"number": "1", "text": "问"}], "region": 10**30}, ""),
    ],
)
def test_bad_input_is_refused_4xx_and_saves_nothing(api_as, world, office_user, body, message):
    response = api_as(office_user).post(URL, body)
    assert 400 <= response.status_code < 500, response.content
    assert message in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_a_full_batch_is_accepted(api_as, world, office_user):
    orders = [{"number": f"B{i}", "received_at": "2026-06-01 08:00", "text": "邻居欠钱不还"} for i in range(PUSH_MAX)]
    response = api_as(office_user).post(URL, {"orders": orders})
    assert response.status_code == 200
    assert response.json()["created"] == PUSH_MAX == WorkOrder.objects.count()


def test_a_body_that_is_not_json_is_400(api_as, office_user):
    api = api_as(office_user)
    response = api.client.post(URL, "{", content_type="application/json", headers=api._headers())
    assert response.status_code == 400


def test_the_push_is_scoped_to_the_offices_own_region(api_as, world, office_user, liaison, inspector, other_office):
    orders = {"orders": _orders()[:1]}
    # Only offices push (the role table's demand.push): a liaison and an inspector are refused.
    assert api_as(liaison).post(URL, orders).status_code == 403
    assert api_as(inspector).post(URL, orders).status_code == 403
    assert api_as(None).post(URL, orders).status_code == 401
    assert api_as(office_user, read_only=True).post(URL, orders).status_code == 403
    # Another street's region is invisible (404); a community below one's own is not an office region (403).
    assert api_as(office_user).post(URL, {**orders, "region": world.street_b.pk}).status_code == 404
    assert api_as(office_user).post(URL, {**orders, "region": world.community_a.pk}).status_code == 403
    assert not WorkOrder.objects.exists()
    # The other street's office pushes into its own street; the same number there is another order.
    assert api_as(other_office).post(URL, orders).json()["region_id"] == world.street_b.pk
    assert api_as(office_user).post(URL, {**orders, "region": world.street_a.pk}).json()["created"] == 1
    assert WorkOrder.objects.filter(number="12345-9001").count() == 2
    assert api_as(other_office).get(URL).json()["count"] == 1


def test_an_office_of_two_regions_names_the_region(api_as, world, office_user):
    Membership.objects.create(user=office_user, unit=world.other_office_unit, role=Membership.Role.OFFICE)
    response = api_as(office_user).post(URL, {"orders": _orders()[:1]})
    assert response.status_code == 422
    assert "region" in response.content.decode()
    named = api_as(office_user).post(URL, {"orders": _orders()[:1], "region": world.street_b.pk})
    assert named.json()["region_id"] == world.street_b.pk
