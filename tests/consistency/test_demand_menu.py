"""The 点单 loop's figures across surfaces, on the demo: every figure of the office's loop page equals a plain
count of the orders written out here, the order list it links to, and — for the four registered metrics — the
metric registry (what targets, dashboards and assessment read); each delivery is one counted ledger activity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

from pufa.demand import menu
from pufa.demand.models import MenuOrder
from pufa.ledger.models import ActivityUnit
from pufa.org.models import User
from pufa.plans import metrics as registry
from pufa.plans.metrics import MetricQuery

PLAIN = {
    "orders": lambda o, today: True,
    "by_list": lambda o, today: o.by_duty_list,
    "accepted": lambda o, today: o.status in ("accepted", "delivered", "rated"),
    "declined": lambda o, today: o.status == "declined",
    "delivered": lambda o, today: o.status in ("delivered", "rated"),
    "on_time": lambda o, today: o.on_time is True,
    "rated": lambda o, today: o.status == "rated",
    "waiting": lambda o, today: o.status in ("routed", "accepted"),
    "overdue": lambda o, today: (
        (o.status == "routed" and o.accept_due < today) or (o.status == "accepted" and o.deliver_due < today)
    ),
}
METRIC_OF = {"orders": menu.ORDERS, "by_list": menu.BY_LIST, "on_time": menu.ON_TIME}


def test_demo_loop_figures_agree_everywhere(client_for, db):
    call_command("seed_demo", "--quiet-logins")
    office = User.objects.get(username="tuohe_fzb")
    today = timezone.localdate()
    start = today - dt.timedelta(days=365)
    orders = list(MenuOrder.objects.all())
    assert {o.status for o in orders} == set(MenuOrder.Status.values)  # the demo has every state
    c = client_for(office)
    page = c.get("/demand/menu/", {"start": start.isoformat(), "end": today.isoformat()})
    rows = page.context["rows"]
    assert sum(r.cells[0].count for r in rows) == len(orders)
    checked = 0
    for row in rows:
        mine = [o for o in orders if o.unit_id == row.unit_id]
        query = MetricQuery(unit_ids=(row.unit_id,), start=start, end=today)
        for name, cell in zip(PLAIN, row.cells, strict=True):
            plain = sum(1 for o in mine if PLAIN[name](o, today))
            assert cell.count == plain, (row.unit_name, name)
            assert c.get(cell.url).context["page"].paginator.count == plain, (row.unit_name, name)
            if name in METRIC_OF:
                value = registry.get(METRIC_OF[name]).compute(query).get(row.unit_id, Decimal(0))
                assert value == plain, (row.unit_name, name)
            checked += 1
        ratings = [o.rating for o in mine if o.rating is not None]
        metric = registry.get(menu.RATING).compute(query).get(row.unit_id)
        if ratings:
            assert row.rating == round(sum(ratings) / len(ratings), 2) == float(metric)
        else:
            assert row.rating is None and metric is None
    assert checked >= 18
    for o in orders:
        if o.activity_id is not None:
            counted = ActivityUnit.objects.counted().filter(activity_id=o.activity_id, unit_id=o.unit_id)
            assert counted.count() == 1  # the delivery counts once for its unit, by the ledger's rule
