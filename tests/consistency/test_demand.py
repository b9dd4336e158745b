"""Demand figures across surfaces, on the demo district: every figure of the dashboard — each area one level
down (the district office's streets, the street office's communities), each month, the rising topics and the
effect of publicity — equals a plain count of the work orders written out here and the order list it links to;
a recommended topic's activity count is the ledger's (counted activities of that domain in that community)
and zero."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from pufa.demand import selectors
from pufa.demand.models import WorkOrder
from pufa.ledger.models import Activity
from pufa.org.models import User


def _month(order: WorkOrder) -> dt.date:
    return timezone.localtime(order.received_at).date().replace(day=1)


def _plain(orders: list[WorkOrder], *, area=None, domain_id=None, first=None, last=None, unplaced=False) -> int:
    """Orders counted with the rule written out: placed at or below the area (nowhere, for `unplaced`), of the
    domain, received in the whole months first..last."""
    n = 0
    for o in orders:
        if unplaced and o.place_id is not None:
            continue
        if area is not None and (o.place is None or not o.place.path.startswith(area.path)):
            continue
        if domain_id is not None and o.domain_id != domain_id:
            continue
        if first is not None and not first <= _month(o) <= last:
            continue
        n += 1
    return n


def test_demo_demand_figures_agree_everywhere(client_for, db):
    call_command("seed_demo", "--quiet-logins")
    today = timezone.localdate()
    start = today - dt.timedelta(days=365)
    checked = 0
    for username in ("quxfb", "tuohe_fzb"):
        user = User.objects.get(username=username)
        c = client_for(user)
        page = c.get("/demand/", {"start": start.isoformat(), "end": today.isoformat()})
        board = page.context["board"]
        orders = list(selectors.order_list(actor=user))
        first, last = board.start, board.end.replace(day=1)
        assert board.total.count == _plain(orders, first=first, last=last) > 0
        for row in board.areas:
            for domain, cell in zip(board.domains, row.cells, strict=True):
                if row.region is not None:
                    expected = _plain(orders, area=row.region, domain_id=domain.pk, first=first, last=last)
                    assert cell.count == expected, (username, row.label, domain.name)
                assert c.get(cell.url).context["page"].paginator.count == cell.count
                checked += 1
            assert c.get(row.total.url).context["page"].paginator.count == row.total.count
        assert sum(r.total.count for r in board.areas) == board.total.count
        for month, _cells, total in board.months:
            assert total.count == _plain(orders, first=month, last=month)
        prev_first, prev_last, now_first, now_last = board.recent
        for r in [*board.rising_domains, *board.rising_places]:
            area = r.place
            assert r.before == _plain(orders, area=area, domain_id=r.domain.pk, first=prev_first, last=prev_last)
            assert r.now == _plain(orders, area=area, domain_id=r.domain.pk, first=now_first, last=now_last)
            assert c.get(r.url).context["page"].paginator.count == r.now
        for e in board.effects:
            assert c.get(e.before.url).context["page"].paginator.count == e.before.count
            if e.after_months:
                assert c.get(e.after.url).context["page"].paginator.count == e.after.count
        for r in page.context["recommendations"]:
            months, _ = selectors.recommendation_settings()
            since = (today.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
            held = [
                a
                for a in Activity.all_objects.filter(domains=r.domain, date__gte=since, date__lte=today)
                if any(
                    p.region_path.startswith(r.place.path)
                    and p.status in Activity.COUNTED
                    and not p.is_deleted
                    and p.consent == "accepted"
                    for p in a.participants.all()
                )
            ]
            assert r.activities == len(held) == 0
            assert c.get(r.orders_url).context["page"].paginator.count == r.orders
    assert checked >= 12
