"""点单→派单→送单→评单: placing and routing, every step with its time limit, the delivery counted once in the
ledger, the orderer's private link, scoping, reminders, 待办 lines and the metrics."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, close_old_connections, connection
from django.urls import reverse

from pufa.core import events
from pufa.core.home import inbox
from pufa.core.models import ActivityKind, AuditEntry, Domain
from pufa.core.notifications import Notification
from pufa.demand import menu, selectors
from pufa.demand.models import MenuOrder
from pufa.ledger.counting import counted_activities
from pufa.ledger.models import Activity
from pufa.ledger.services import ActivityData
from pufa.org.access import SYSTEM
from pufa.plans import metrics as registry
from pufa.plans.metrics import MetricQuery
from tests.factories import duty_list, make_activity

TODAY = dt.date(2026, 7, 10)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        yield


@pytest.fixture
def labour(world):
    domain = Domain.objects.get(code="ldjy-shbz")
    published = duty_list(world.committee_a, status="published")
    published.items.get().domains.add(domain)
    return domain


def place(world, domain, where=None, **fields):
    data = menu.OrderData(
        domain=domain,
        kind=ActivityKind.objects.get(code="ztjz"),
        place=where or world.community_a,
        orderer=fields.pop("orderer", "resident"),
        contact_phone=fields.pop("contact_phone", "13912345678"),
        **fields,
    )
    return menu.order_place(data=data)


def test_an_order_goes_to_the_unit_whose_published_list_covers_it(world, labour, monkeypatch):
    seen = []
    monkeypatch.setattr(events, "publish", seen.append)
    order, token = place(world, labour)
    assert (order.unit, order.by_duty_list, order.status) == (world.committee_a, True, "routed")
    assert order.accept_due == TODAY + dt.timedelta(days=3)
    assert order.token_hash == menu.token_hash(token) and token not in order.token_hash
    entry = AuditEntry.objects.get(code="demand.menu.place")
    assert entry.actor_name == "点单群众" and "沱河社区居委会" in entry.message
    assert [e.metrics for e in seen] == [menu.METRICS] and seen[0].unit_ids == {world.committee_a.pk}


def test_without_a_list_the_office_takes_it_and_a_bad_order_is_refused(world, labour):
    traffic = Domain.objects.get(code="jtsg")
    order, _ = place(world, traffic, where=world.community_b)
    assert (order.unit, order.by_duty_list) == (world.office_unit, False)
    with pytest.raises(ValidationError) as exc:
        place(world, labour, contact_phone="call me", wish_date=TODAY - dt.timedelta(days=1))
    assert set(exc.value.message_dict) == {"contact_phone", "wish_date"}
    with pytest.raises(ValidationError):
        place(world, labour, where=world.district)  # a district is not a place to deliver to


def test_the_whole_loop_accept_deliver_rate(world, labour, liaison, monkeypatch):
    order, token = place(world, labour, wish_date=TODAY + dt.timedelta(days=40))
    assert set(menu.moves(order, liaison)) == {"accept", "decline"}
    menu.order_accept(actor=liaison, order=order)
    assert order.status == "accepted" and order.deliver_due == TODAY + dt.timedelta(days=40)  # wished later
    before = counted_activities(region=world.street_a, start=TODAY, end=TODAY).count()
    data = ActivityData(
        unit=world.committee_a,
        title="劳动法进社区",
        kind=order.kind,
        date=TODAY,
        domains=[labour],
        place_region=world.community_a,
        people_onsite=30,
    )
    menu.order_deliver(actor=liaison, order=order, data=data)
    assert order.status == "delivered" and order.on_time is True
    assert order.activity.status == Activity.Status.SUBMITTED
    assert (
        counted_activities(region=world.street_a, start=TODAY, end=TODAY).count() == before + 1
    )  # counted once, by the ledger
    with pytest.raises(PermissionDenied):
        menu.order_rate(token="not-the-token", rating=5)
    menu.order_rate(token=token, rating=4, comment="讲得实在")
    order.refresh_from_db()
    assert (order.status, order.rating) == ("rated", 4)
    with pytest.raises(ValidationError):
        menu.order_rate(token=token, rating=5)  # once
    codes = list(AuditEntry.objects.filter(object_id=str(order.pk)).order_by("at", "id").values_list("code", flat=True))
    assert [c for c in codes if c.startswith("demand.menu")] == [
        "demand.menu.place",
        "demand.menu.accept",
        "demand.menu.deliver",
        "demand.menu.rate",
    ]
    public = selectors.public_order(token)
    assert public is not None and public.rating == 4 and public.delivered_title == "劳动法进社区"


def test_an_activity_delivers_one_order_only_and_must_be_the_units(world, labour, liaison, office_user):
    first, _ = place(world, labour)
    second, _ = place(world, labour)
    for o in (first, second):
        menu.order_accept(actor=liaison, order=o)
    held = make_activity(world.committee_a, title="劳动维权讲座", date=TODAY, status="submitted")
    menu.order_deliver(actor=liaison, order=first, activity=held)
    with pytest.raises(ValidationError):
        menu.order_deliver(actor=liaison, order=second, activity=held)
    elsewhere = make_activity(world.committee_b, title="桃园讲座", date=TODAY, status="submitted")
    with pytest.raises(ValidationError):
        menu.order_deliver(actor=liaison, order=second, activity=elsewhere)
    assert held.pk not in {a.pk for a in selectors.delivery_candidates(second)}


def test_decline_needs_a_reason_and_the_office_reassigns(world, labour, liaison, office_user, other_liaison):
    order, token = place(world, labour)
    with pytest.raises(ValidationError):
        menu.order_decline(actor=liaison, order=order, reason="  ")
    with pytest.raises(PermissionDenied):
        menu.order_accept(actor=other_liaison, order=order)  # not the unit it was routed to
    menu.order_decline(actor=liaison, order=order, reason="本月场地维修，请改派司法所")
    assert selectors.public_order(token).decline_reason == "本月场地维修，请改派司法所"
    assert "reassign" not in menu.moves(order, liaison)
    menu.order_reassign(actor=office_user, order=order, unit=world.judicial_office)
    assert (order.status, order.unit, order.decline_reason) == ("routed", world.judicial_office, "")
    with pytest.raises(PermissionDenied):
        menu.order_reassign(actor=office_user, order=order, unit=world.other_office_unit)  # outside its region


def test_time_limits_reminders_and_todos(world, labour, liaison):
    order, _ = place(world, labour)
    lines = {t.label: t for t in inbox(liaison).todos if hasattr(t, "count")}
    assert lines["条点单待接单"].count == 1
    with time_machine.travel("2026-07-14 09:00 +0800", tick=False):
        today = dt.date(2026, 7, 14)
        assert list(menu.overdue(today)) == [order]
        assert menu.send_reminders(today=today) == 1
        assert menu.send_reminders(today=today) == 0  # once a unit and day
        note = Notification.objects.get(user=liaison, key__startswith="demand.menu.overdue")
        assert "1条点单" in note.title
        lines = {t.label: t for t in inbox(liaison).todos if hasattr(t, "count")}
        assert lines["条点单已超时"].count == 1
        menu.order_accept(actor=liaison, order=order)  # late, still possible
        assert order.deliver_due == today + dt.timedelta(days=30)
        assert list(menu.overdue(today)) == []
    with time_machine.travel("2026-08-14 09:00 +0800", tick=False):
        assert list(menu.overdue(dt.date(2026, 8, 14))) == [order]


def test_todo_links_list_exactly_the_counted_orders(world, labour, liaison, client_for):
    place(world, labour)
    place(world, labour)
    c = client_for(liaison)
    for line in inbox(liaison).todos:
        if getattr(line, "count", 0) and "点单" in line.label:
            assert c.get(line.url).context["page"].paginator.count == line.count


def test_scoping_of_orders(world, labour, liaison, other_liaison, office_user, other_office, inspector):
    order, _ = place(world, labour)
    assert selectors.menu_orders(actor=liaison).count() == 1
    assert selectors.menu_orders(actor=office_user).count() == 1
    assert selectors.menu_orders(actor=inspector).count() == 1
    assert selectors.menu_orders(actor=other_liaison).count() == 0
    assert selectors.menu_orders(actor=other_office).count() == 0
    assert menu.moves(order, inspector) == {}


def test_metrics_and_loop_figures_agree(world, labour, liaison):
    place(world, labour)
    b, token = place(world, labour)
    menu.order_accept(actor=liaison, order=b)
    held = make_activity(world.committee_a, title="讲座", date=TODAY, status="submitted")
    menu.order_deliver(actor=liaison, order=b, activity=held)
    menu.order_rate(token=token, rating=5)
    query = MetricQuery(unit_ids=(world.committee_a.pk,), start=dt.date(2026, 1, 1), end=TODAY)
    values = {code: registry.get(code).compute(query).get(world.committee_a.pk) for code in menu.METRICS}
    assert {k: float(v) for k, v in values.items()} == {
        menu.ORDERS: 2,
        menu.BY_LIST: 2,
        menu.ON_TIME: 1,
        menu.RATING: 5,
    }
    (row,) = selectors.loop_figures(actor=SYSTEM, start=dt.date(2026, 1, 1), end=TODAY)
    counts = {c.label: c.count for c in row.cells}
    assert (counts["点单"], counts["按清单派单"], counts["按时送单"], counts["评单"], row.rating) == (2, 2, 1, 1, 5.0)


def test_pages_show_the_steps_and_mask_the_phone(world, labour, liaison, client_for):
    order, _ = place(world, labour)
    c = client_for(liaison)
    page = c.get(reverse("demand:menu-order-detail", args=[order.pk]))
    text = page.content.decode()
    assert "139****5678" in text and "13912345678" not in text
    assert 'data-testid="accept"' in text
    url = reverse("demand:menu-order-step", args=[order.pk, "accept"])
    assert c.post(url, {"version": order.version}).status_code == 302
    assert c.post(url, {"version": order.version}).status_code == 302  # a stale second click: refused, no 5xx
    order.refresh_from_db()
    assert order.status == "accepted" and AuditEntry.objects.filter(code="demand.menu.accept").count() == 1
    deliver = reverse("demand:menu-order-step", args=[order.pk, "deliver"])
    response = c.post(deliver, {"version": order.version, "deliver-title": "", "deliver-date": ""})
    assert response.status_code == 400
    response = c.post(
        deliver,
        {"version": order.version, "deliver-title": "劳动法讲座", "deliver-date": TODAY.isoformat()},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "delivered" and order.activity.title == "劳动法讲座"


def _parallel(count: int, work) -> list[BaseException | None]:
    barrier = threading.Barrier(count)
    results: list[BaseException | None] = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait()
            work(i)
        except BaseException as exc:  # collected and checked by the test
            results[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _refused(exc: BaseException) -> bool:
    if isinstance(exc, ValidationError):  # the state moved on, or the version did: 当前状态… / 该记录已被他人修改
        return True
    return connection.vendor == "sqlite" and isinstance(exc, OperationalError) and "locked" in str(exc)


@pytest.mark.django_db(transaction=True)
def test_parallel_accepts_and_delivers_take_one_step(world, labour, liaison):
    """Parallel clicks on 接单 and on 送单 (SQLite and PostgreSQL): one step each, one audit entry, one ledger
    activity; the other clicks are refused, never a second activity. (The SQLite test database is shared-cache
    memory, where a concurrent writer is told "table is locked" at once instead of waiting as on the file
    database the app runs on; that refusal counts as one here, the outcome checked is the same.)"""
    order, _ = place(world, labour)

    def accept(i: int) -> None:
        menu.order_accept(actor=liaison, order=MenuOrder.objects.get(pk=order.pk))

    def deliver(i: int) -> None:
        data = ActivityData(unit=world.committee_a, title=f"送单活动{i}", kind=order.kind, date=TODAY, domains=[labour])
        menu.order_deliver(actor=liaison, order=MenuOrder.objects.get(pk=order.pk), data=data)

    for step in (accept, deliver):
        results = _parallel(6, step)
        assert all(_refused(r) for r in results if r is not None), results
        done = sum(r is None for r in results)
        if done == 0 and connection.vendor == "sqlite":
            # Shared-cache memory can tell every one of them "locked" at once (each holds a read lock the others'
            # writes wait for): none took the step, so one more click takes it.
            step(99)
            done = 1
        assert done == 1
    assert AuditEntry.objects.filter(code="demand.menu.accept").count() == 1
    assert AuditEntry.objects.filter(code="demand.menu.deliver").count() == 1
    assert Activity.objects.filter(title__startswith="送单活动").count() == 1
    order.refresh_from_db()
    assert order.status == "delivered" and order.activity.title.startswith("送单活动")
