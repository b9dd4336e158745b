"""The dashboard's counts (`models.DemandCount`): work orders per office region, place, domain and month,
added to in the transaction that writes the orders, rebuilt from the orders on demand.

`key()` is the one rule turning an order into its count row — the local month of receipt, `NONE` (-1) for an
order without a place or a domain — and `add()` applies signed deltas with one upsert
(`INSERT … ON CONFLICT … DO UPDATE SET n = n + excluded.n`, the same statement on SQLite and PostgreSQL), so
two writers touching the same row each add their own delta, never overwrite each other's. The writers
(`pufa.demand.services`) read an order's old key under a row lock in the same transaction as they change
it, so the delta is that of the row as stored. Rows are sorted so concurrent transactions lock them in the
same order. `rebuild()` recomputes the counts from the orders (after a bulk load such as `bench/citygen.py`,
by `pufa demand-rebuild-counts`); on PostgreSQL it locks the table against writers first.

The same deltas roll up to `models.DemandAreaCount` (`areas_of`): an order counts in its place and in every
region above it, and once in its office's all-orders row (`NONE`), so a city's page reads its districts'
rows, a district's its streets'. Both tables are written by the one `add()`, in the one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

NONE = -1
TABLE = "demand_demandcount"
AREA_TABLE = "demand_demandareacount"
Key = tuple[int, int, int, dt.date]  # (office region, place, domain, first day of the month)
AreaKey = tuple[
    int, int, int, dt.date
]  # (office region, area — a region at or above the place, or NONE, domain, month)


def month_of(when: dt.datetime) -> dt.date:
    """The first day of the local month an order was received in (the dashboard's and the list's month)."""
    return timezone.localtime(when).date().replace(day=1)


def key(region_id: int, place_id: int | None, domain_id: int | None, received_at: dt.datetime) -> Key:
    return (
        region_id,
        NONE if place_id is None else place_id,
        NONE if domain_id is None else domain_id,
        month_of(received_at),
    )


def key_of(order: Any) -> Key:
    return key(order.region_id, order.place_id, order.domain_id, order.received_at)


def moved(before: Iterable[Key], after: Iterable[Key]) -> Counter[Key]:
    """The deltas of orders leaving the `before` keys and arriving at the `after` keys (zeros dropped)."""
    deltas: Counter[Key] = Counter(after)
    deltas.subtract(Counter(before))
    return Counter({k: n for k, n in deltas.items() if n})


def add(deltas: Counter[Key]) -> None:
    """Add the deltas to the counts and their roll-up to the area counts, inside the caller's transaction."""
    _upsert(TABLE, ["region_id", "place", "domain", "month", "n"], deltas)
    _upsert(AREA_TABLE, ["region_id", "area", "domain", "month", "n"], areas_of(deltas))


def _upsert(table: str, columns: list[str], deltas: Counter[Any]) -> None:
    rows = [(*k, n) for k, n in sorted(deltas.items()) if n]
    if not rows:
        return
    q = connection.ops.quote_name
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            # quoted names of our own table and columns; the values are parameters
            sql = (
                f"INSERT INTO {q(table)} ({', '.join(q(c) for c in columns)}) "  # noqa: S608
                f"VALUES {', '.join([one] * len(chunk))} "
                f"ON CONFLICT ({', '.join(q(c) for c in columns[:4])}) "
                f"DO UPDATE SET {q('n')} = {q(table)}.{q('n')} + excluded.{q('n')}"
            )
            values = [
                connection.ops.adapt_datefield_value(x) if isinstance(x, dt.date) else x for r in chunk for x in r
            ]
            cursor.execute(sql, values)


def region_ids(path: str) -> list[int]:
    """The ids of a region path, top first: /1/5/23/ → [1, 5, 23]."""
    return [int(p) for p in path.split("/") if p]


def areas_of(deltas: Counter[Key]) -> Counter[AreaKey]:
    """The area deltas of count deltas: each (office, place, domain, month) adds to (office, NONE, domain, month)
    and, when placed, to (office, area, domain, month) for its place and every region above it (deleted regions
    too: counts placed there before are taken back out of the same rows)."""
    from pufa.org.models import Region

    places = sorted({p for (_, p, _, _) in deltas if p != NONE})
    paths: dict[int, str] = {}
    for start in range(0, len(places), 900):
        paths |= dict(Region.all_objects.filter(pk__in=places[start : start + 900]).values_list("pk", "path"))
    out: Counter[AreaKey] = Counter()
    for (region_id, place, domain, month), n in deltas.items():
        if not n:
            continue
        out[(region_id, NONE, domain, month)] += n
        if place != NONE:
            for area in region_ids(paths.get(place, "")) or [place]:
                out[(region_id, area, domain, month)] += n
    return Counter({k: n for k, n in out.items() if n})


def created(orders: Iterable[Any]) -> None:
    """Count orders just inserted (inside the inserting transaction): what a writer that creates orders
    without reading any calls, e.g. a push of new orders or a fixture."""
    add(moved([], [key_of(o) for o in orders]))


def recount(order_model: Any = None) -> Counter[Key]:
    """The counts recomputed from the orders with the same rule (one grouped read)."""
    if order_model is None:
        from pufa.demand.models import WorkOrder as order_model
    rows = (
        order_model.objects.order_by()
        .annotate(m=TruncMonth("received_at"))
        .values_list("region_id", "place_id", "domain_id", "m")
        .annotate(n=Count("id"))
    )
    counts: Counter[Key] = Counter()
    for region_id, place_id, domain_id, month, n in rows:
        day = month.date() if isinstance(month, dt.datetime) else month
        counts[(region_id, NONE if place_id is None else place_id, NONE if domain_id is None else domain_id, day)] += n
    return counts


def stored(count_model: Any = None) -> Counter[Key]:
    """The counts as the table holds them (rows at zero left out)."""
    if count_model is None:
        from pufa.demand.models import DemandCount as count_model
    rows = count_model.objects.filter(n__gt=0).values_list("region_id", "place", "domain", "month", "n")
    return Counter({(r, p, d, m): n for r, p, d, m, n in rows})


def stored_areas() -> Counter[AreaKey]:
    """The area counts as their table holds them (rows at zero left out)."""
    from pufa.demand.models import DemandAreaCount

    rows = DemandAreaCount.objects.filter(n__gt=0).values_list("region_id", "area", "domain", "month", "n")
    return Counter({(r, a, d, m): n for r, a, d, m, n in rows})


def rebuild() -> int:
    """Replace the counts and the area counts by a recount of the orders; returns the count rows written."""
    from pufa.demand.models import DemandAreaCount, DemandCount

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # writers wait; readers see the old counts until commit
                cursor.execute(f"LOCK TABLE {TABLE}, {AREA_TABLE} IN EXCLUSIVE MODE")
        DemandCount.objects.all().delete()
        DemandAreaCount.objects.all().delete()
        counts = recount()
        add(counts)
    return len(counts)
