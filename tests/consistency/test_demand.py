"""Demand figures across surfaces, on the demo district: every figure of the dashboard equals a plain count of
the work orders written out here and the order list it links to; a recommended topic's activity count is the
ledger's (counted activities of that domain in that community) and zero."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.core.management import call_command
from django.utils import timezone

from pufa.demand import selectors
from pufa.demand.models import WorkOrder
from pufa.ledger.models import Activity
from pufa.org.models import User


def test_demo_demand_figures_agree_everywhere(client_for, db):
    call_command("seed_demo", "--quiet-logins")
    office = User.objects.get(username="tuohe_fzb")
    today = timezone.localdate()
    start = today - dt.timedelta(days=365)
    c = client_for(office)
    page = c.get("/demand/", {"start": start.isoformat(), "end": today.isoformat()})
    board = page.context["board"]
    rows = [
        o
        for o in WorkOrder.objects.select_related("place", "domain")
        if start <= timezone.localtime(o.received_at).date() <= today and o.place_id is not None
    ]
    plain = Counter((o.place_id, o.domain_id) for o in rows)
    checked = 0
    for place, cells, total in board.places:
        for domain, cell in zip(board.domains, cells, strict=True):
            assert cell.count == plain[(place.pk, domain.pk)], (place.name, domain.name)
            assert c.get(cell.url).context["page"].paginator.count == cell.count
            checked += 1
        assert total.count == sum(n for (p, _), n in plain.items() if p == place.pk)
    assert checked >= 12
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
