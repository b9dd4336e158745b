"""A stand-in for a later area (venues 阵地, inspections …) that progress has never heard of — not a test module.

Like a real area it registers its metrics in `pufa.plans.metrics` and announces every change of its records
with `RecordsChanged`; nothing in `pufa.progress` names it. Its records are kept in memory here: what is
under test is the path from the announcement to the targets, not the area's storage.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pufa.core import events
from pufa.plans import metrics

VENUES = "testarea.venues"  # 法治阵地数 as of a day: cumulative
INSPECTIONS = "testarea.inspections"  # 执法检查次数 within a period

_venues: list[tuple[int, dt.date]] = []  # (unit id, opened on)
_inspections: list[tuple[int, dt.date]] = []  # (unit id, held on)


def _venue_count(query: metrics.MetricQuery) -> dict[int, Decimal]:
    out: dict[int, Decimal] = {}
    for unit_id, day in _venues:
        if unit_id in query.unit_ids and day <= query.end:
            out[unit_id] = out.get(unit_id, Decimal(0)) + 1
    return out


def _inspection_count(query: metrics.MetricQuery) -> dict[int, Decimal]:
    out: dict[int, Decimal] = {}
    for unit_id, day in _inspections:
        if unit_id in query.unit_ids and day <= query.end and (query.start is None or day >= query.start):
            out[unit_id] = out.get(unit_id, Decimal(0)) + 1
    return out


def install() -> None:
    _venues.clear()
    _inspections.clear()
    metrics.register(metrics.Metric(VENUES, "法治阵地数", "个", _venue_count, cumulative=True))
    metrics.register(metrics.Metric(INSPECTIONS, "执法检查次数", "次", _inspection_count))


def uninstall() -> None:
    metrics.unregister(VENUES)
    metrics.unregister(INSPECTIONS)


def venue_open(*, unit_id: int, on: dt.date) -> None:
    _venues.append((unit_id, on))
    events.publish(
        events.RecordsChanged(
            metrics=frozenset({VENUES}), unit_ids=frozenset({unit_id}), dates=frozenset({on}), source="testarea"
        )
    )


def inspection_record(*, unit_id: int, on: dt.date) -> None:
    _inspections.append((unit_id, on))
    events.publish(
        events.RecordsChanged(
            metrics=frozenset({INSPECTIONS}), unit_ids=frozenset({unit_id}), dates=frozenset({on}), source="testarea"
        )
    )
