"""The 点单 loop's metrics (registered in DemandConfig.ready into pufa.plans.metrics), per unit the orders were
routed to, over the orders placed in the period — the figures the office's loop page shows
(`selectors.loop_figures`), computed with the same conditions (`selectors.figure_q`):

- `demand.menu_orders` 点单数: orders routed to the unit;
- `demand.menu_by_list` 按清单派单数: of those, routed by the unit's published duty list (谁执法谁普法);
- `demand.menu_on_time` 按时送单数: delivered by a ledger activity dated within the time limit;
- `demand.menu_rating` 点单平均评分: the mean of the orderers' ratings (1–5), never summed.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Avg, Count, QuerySet
from django.urls import reverse

from pufa.demand.menu import BY_LIST, ON_TIME, ORDERS, RATING
from pufa.demand.models import MenuOrder
from pufa.demand.selectors import figure_q
from pufa.plans import metrics as registry
from pufa.plans.metrics import Metric, MetricQuery


def _orders(query: MetricQuery) -> QuerySet[MenuOrder]:
    orders = MenuOrder.objects.filter(unit_id__in=query.unit_ids, ordered_on__lte=query.end)
    if query.start is not None:
        orders = orders.filter(ordered_on__gte=query.start)
    return orders.order_by()


def _count(figure: str):
    def compute(query: MetricQuery) -> dict[int, Decimal]:
        rows = (
            _orders(query)
            .filter(figure_q(figure, query.end))
            .values("unit_id")
            .annotate(n=Count("id"))
            .values_list("unit_id", "n")
        )
        return {unit_id: Decimal(n) for unit_id, n in rows}

    return compute


def rating(query: MetricQuery) -> dict[int, Decimal]:
    rows = (
        _orders(query)
        .filter(rating__isnull=False)
        .values("unit_id")
        .annotate(r=Avg("rating"))
        .values_list("unit_id", "r")
    )
    return {unit_id: Decimal(str(round(float(r), 2))) for unit_id, r in rows}


def _records_url(figure: str):
    def url(unit_id: int, query: MetricQuery) -> str:
        params = [("unit", unit_id), ("figure", figure), ("end", query.end.isoformat())]
        if query.start is not None:
            params.append(("start", query.start.isoformat()))
        return f"{reverse('demand:menu-order-list')}?{urlencode(params)}"

    return url


def register() -> None:
    registry.register(Metric(ORDERS, "点单数", "单", _count("orders"), records_url=_records_url("orders")))
    registry.register(Metric(BY_LIST, "按清单派单数", "单", _count("by_list"), records_url=_records_url("by_list")))
    registry.register(Metric(ON_TIME, "按时送单数", "单", _count("on_time"), records_url=_records_url("on_time")))
    registry.register(Metric(RATING, "点单平均评分", "分", rating, records_url=_records_url("rated"), additive=False))
