"""The 点单 loop stays true to the ledger: a delivery activity withdrawn, returned, reopened or deleted there
moves its order back to "accepted" (to deliver again) — audited, the unit notified and its 待办 counting it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from pufa.core.models import AuditEntry
from pufa.core.notifications import Notification
from pufa.demand import menu, selectors
from pufa.demand.models import MenuOrder
from pufa.ledger import services as ledger
from pufa.org.models import Membership
from tests.demand.test_menu import TODAY, place
from tests.demand.test_menu import labour as labour
from tests.factories import make_activity, member_of


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        yield


def _delivered(world, labour, liaison, status="submitted"):
    order, token = place(world, labour)
    menu.order_accept(actor=liaison, order=order)
    activity = make_activity(world.committee_a, title="劳动维权讲座", date=TODAY, status=status)
    menu.order_deliver(actor=liaison, order=order, activity=activity)
    assert order.status == "delivered"
    return order, token, activity


def _todo(actor, label: str) -> int:
    return next(t.count for t in selectors.menu_todos(actor) if t.label == label)


@pytest.mark.parametrize("step", ["withdraw", "return", "delete", "reopen"])
def test_a_delivery_undone_in_the_ledger_sends_the_order_back(world, labour, liaison, office_user, step):
    order, _, activity = _delivered(world, labour, liaison, status="confirmed" if step == "reopen" else "submitted")
    Notification.objects.all().delete()
    assert _todo(liaison, "条点单待送单") == 0
    actor = liaison if step == "withdraw" else office_user
    ledger.activity_transition(actor=actor, activity=activity, name=step, reason="数字有误")
    order.refresh_from_db()
    assert (order.status, order.activity, order.delivered_at, order.on_time) == ("accepted", None, None, None)
    entry = AuditEntry.objects.get(code="demand.menu.undeliver", object_id=str(order.pk))
    assert "劳动维权讲座" in entry.message and "重新送单" in entry.message
    assert entry.changes["status"] == ["已送单", "已接单"]
    words = {"withdraw": "撤回", "return": "退回", "delete": "删除", "reopen": "重新打开"}
    assert words[step] in entry.message and actor.get_full_name() in entry.message
    # The unit hears it: a notification to its liaison and the 待办 "待送单" counts the order again.
    note = Notification.objects.get(user=liaison, title__startswith="点单的送单活动已撤销")
    assert note.done_at is None and note.url.endswith(f"/{order.pk}/")
    assert _todo(liaison, "条点单待送单") == 1
    # The same activity, submitted again, delivers the order again.
    if step in ("withdraw", "return", "reopen"):
        activity.refresh_from_db()
        ledger.activity_transition(actor=liaison, activity=activity, name="submit")
        menu.order_deliver(actor=liaison, order=order, activity=activity)
        assert order.status == "delivered"


def test_a_rated_order_loses_the_rating_of_a_withdrawn_delivery(world, labour, liaison):
    order, token, activity = _delivered(world, labour, liaison)
    menu.order_rate(token=token, rating=5, comment="很好")
    ledger.activity_transition(actor=liaison, activity=activity, name="withdraw")
    order.refresh_from_db()
    assert (order.status, order.rating, order.rating_comment, order.rated_at) == ("accepted", None, "", None)
    entry = AuditEntry.objects.get(code="demand.menu.undeliver")
    assert "原评分 5 星作废" in entry.message


def test_other_ledger_changes_leave_orders_alone(world, labour, liaison, office_user):
    order, _, activity = _delivered(world, labour, liaison)
    other = make_activity(world.committee_a, title="另一场讲座", date=TODAY, status="submitted")
    ledger.activity_transition(actor=liaison, activity=other, name="withdraw")  # not a delivery
    ledger.activity_transition(actor=office_user, activity=activity, name="confirm")  # still counts
    order.refresh_from_db()
    assert order.status == "delivered" and order.activity == activity
    assert not AuditEntry.objects.filter(code="demand.menu.undeliver").exists()
    # No one may take the step by hand: it is not in the role table, so no page offers it.
    assert "undeliver" not in menu.moves(order, liaison) and "undeliver" not in menu.moves(order, office_user)


def test_an_overdue_redelivery_is_reminded(world, labour, liaison):
    order, _, activity = _delivered(world, labour, liaison)
    ledger.activity_transition(actor=liaison, activity=activity, name="withdraw")
    order.refresh_from_db()
    assert order.deliver_due is not None
    late = order.deliver_due + dt.timedelta(days=1)
    assert MenuOrder.objects.filter(pk=order.pk).filter(selectors.overdue_q(late)).exists()


def test_the_activity_page_links_back_to_the_order_it_delivered(world, labour, liaison, client_for):
    order, _, activity = _delivered(world, labour, liaison)
    url = reverse("ledger:activity-detail", args=[activity.pk])
    text = client_for(liaison).get(url).content.decode()
    assert 'data-testid="activity-menu-order"' in text
    assert reverse("demand:menu-order-detail", args=[order.pk]) in text and "劳动就业与社会保障" in text
    # A member of the unit sees the activity but not the 点单 (the role table): no section.
    member = member_of(world.committee_a, Membership.Role.MEMBER, full_name="周敏")
    seen = client_for(member).get(url)
    assert seen.status_code == 200 and 'data-testid="activity-menu-order"' not in seen.content.decode()
    # Once the delivery is withdrawn, the page no longer claims it delivered the order.
    ledger.activity_transition(actor=liaison, activity=activity, name="withdraw")
    assert 'data-testid="activity-menu-order"' not in client_for(liaison).get(url).content.decode()


def test_the_orderers_phone_is_masked_and_revealed_only_by_an_audited_post(
    world, labour, liaison, inspector, other_liaison, client_for
):
    order, _ = place(world, labour, contact_phone="13912345678")
    detail = reverse("demand:menu-order-detail", args=[order.pk])
    reveal = reverse("demand:menu-order-reveal", args=[order.pk])
    # Masked on every page, for everyone who may see the order.
    for who in (liaison, inspector):
        text = client_for(who).get(detail).content.decode()
        assert "139****5678" in text and "13912345678" not in text
    assert 'data-testid="menu-reveal-form"' in client_for(liaison).get(detail).content.decode()
    assert 'data-testid="menu-reveal-form"' not in client_for(inspector).get(detail).content.decode()
    # A GET reveals nothing; the inspector (no demand.order.handle) is refused, another unit's liaison not found.
    assert client_for(liaison).get(reveal).status_code == 405
    assert client_for(inspector).post(reveal, {"reason": "看看"}).status_code == 403
    assert client_for(other_liaison).post(reveal).status_code == 404
    assert not AuditEntry.objects.filter(code="demand.menu.reveal").exists()
    # The handling unit's liaison reveals it: the full number, and an audit entry naming who and why.
    shown = client_for(liaison).post(reveal, {"reason": "联系点单方安排送单"})
    assert shown.status_code == 200 and 'href="tel:13912345678"' in shown.content.decode()
    entry = AuditEntry.objects.get(code="demand.menu.reveal")
    assert entry.actor_name == liaison.get_full_name() and entry.object_id == str(order.pk)
    assert "联系点单方安排送单" in entry.message and "13912345678" not in entry.message
    # Each reveal is recorded; once the order is declined there is no delivery to arrange and no reveal.
    client_for(liaison).post(reveal)
    assert AuditEntry.objects.filter(code="demand.menu.reveal").count() == 2
    menu.order_decline(actor=liaison, order=order, reason="本月人手不足")
    assert client_for(liaison).post(reveal).status_code == 403
    # No phone left: nothing to reveal.
    quiet, _ = place(world, labour, contact_phone="")
    assert not menu.may_reveal_phone(liaison, quiet)
