"""The metric registry: what a target can count, filled by the apps that own the records.

`ledger` registers activity counts and sums, `people` roster counts, `venues` venue counts and areas; the
progress code asks the registry and never imports an app (DESIGN.md: Target). A metric computes values for
many units at once, so evaluating every target of a city is a handful of grouped queries, not one per unit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class MetricFilter:
    """A filter a metric accepts, with the choices an office picks from in the target editor."""

    name: str
    label: str
    choices: Callable[[], list[tuple[str, str]]]


@dataclass(frozen=True)
class MetricQuery:
    unit_ids: tuple[int, ...]
    start: dt.date | None  # None for "as of `end`" metrics such as roster counts
    end: dt.date
    filters: Mapping[str, Any] = field(default_factory=dict)
    task_id: int | None = None


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    measure: str
    compute: Callable[[MetricQuery], dict[int, Decimal]]
    filters: tuple[MetricFilter, ...] = ()
    records_url: Callable[[int, MetricQuery], str] | None = None
    cumulative: bool = False  # True: the value is a state at `end` (a roster), not a count within a period
    #: False for a value that means nothing added over units (a maximum, a share, an age): documents that
    #: total a region's units show it per unit only, never as a sum.
    additive: bool = True
    #: False for a figure about the unit rather than its work (an assessment score): work reports, which
    #: become the unit's 述职 in its assessment, leave it out; targets and dashboards still use it.
    reported: bool = True

    def filter_names(self) -> set[str]:
        return {f.name for f in self.filters}


_REGISTRY: dict[str, Metric] = {}


def register(metric: Metric) -> None:
    """Register (or replace, on reload) a metric under its code."""
    _REGISTRY[metric.code] = metric


def unregister(code: str) -> None:
    _REGISTRY.pop(code, None)


def get(code: str) -> Metric:
    try:
        return _REGISTRY[code]
    except KeyError as exc:
        raise KeyError(f"未注册的指标：{code}") from exc


def all_metrics() -> list[Metric]:
    return sorted(_REGISTRY.values(), key=lambda m: m.code)


def choices() -> list[tuple[str, str]]:
    return [(m.code, m.label) for m in all_metrics()]


def compute(
    code: str,
    *,
    unit_ids: Iterable[int],
    start: dt.date | None,
    end: dt.date,
    filters: Mapping[str, Any] | None = None,
    task_id: int | None = None,
) -> dict[int, Decimal]:
    """Values of one metric for many units; units with nothing recorded get 0."""
    metric = get(code)
    unknown = set(filters or {}) - metric.filter_names()
    if unknown:
        raise ValueError(f"指标“{metric.label}”不支持筛选条件：{'、'.join(sorted(unknown))}")
    query = MetricQuery(unit_ids=tuple(unit_ids), start=start, end=end, filters=dict(filters or {}), task_id=task_id)
    values = metric.compute(query)
    return {uid: Decimal(values.get(uid, 0)) for uid in query.unit_ids}


def label_of(code: Any) -> str:
    """A metric's name as people read it (the audit trail, pages); an unregistered code reads 未注册的指标."""
    metric = _REGISTRY.get(str(code))
    return metric.label if metric is not None else "未注册的指标"
