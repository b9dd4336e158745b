"""The demo's hotline orders: imported and classified through the services, every community reached, the
recommended topics shown, and idempotent."""

from __future__ import annotations

from pufa.core.models import AuditEntry
from pufa.demand import selectors
from pufa.demand.demo import ORDERS, seed_demand
from pufa.demand.models import GazetteerEntry, WorkOrder
from pufa.org.access import SYSTEM
from pufa.org.demo import seed_org


def test_demo_orders_are_classified_placed_and_not_doubled(db):
    seed_org()
    seed_demand()
    entries = AuditEntry.objects.count()
    WorkOrder.objects.filter(number="DEMO-12345-0001").delete()
    seed_demand()  # finds the others by their numbers, adds the missing one
    seed_demand()  # all there: changes nothing, not even the audit trail
    assert AuditEntry.objects.count() == entries + 1
    assert WorkOrder.objects.count() == len(ORDERS)
    assert GazetteerEntry.objects.count() == 7
    placed = WorkOrder.objects.filter(place__level="community")
    assert placed.count() >= len(ORDERS) - 2  # one order has no address at all
    assert set(placed.values_list("place__name", flat=True)) == {
        "沱河社区",
        "桃园社区",
        "银河社区",
        "汴河社区",
        "淮河社区",
        "龙河社区",
    }
    wages = WorkOrder.objects.filter(place__name="沱河社区", domain__code="ldjy-shbz").count()
    assert wages >= 5
    topics = {(r.place.name, r.domain.code) for r in selectors.recommendations(actor=SYSTEM)}
    assert ("沱河社区", "ldjy-shbz") in topics and ("桃园社区", "fcwy") in topics
