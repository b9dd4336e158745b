"""Metrics for the plans tests: the registry starts empty (apps above plans fill it), so tests register
their own and remove them again."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pufa.plans import metrics

KIND_CHOICES = [("whhd", "法治文化活动"), ("ztjz", "专题讲座/法治课")]


def _zero(query: metrics.MetricQuery) -> dict[int, Decimal]:
    return {}


def _metric(code: str, label: str) -> metrics.Metric:
    return metrics.Metric(
        code=code,
        label=label,
        measure="次",
        compute=_zero,
        filters=(metrics.MetricFilter("kind", "活动形式", lambda: list(KIND_CHOICES)),),
    )


@pytest.fixture
def test_metric():
    """A metric with one filter (活动形式), registered for the test only."""
    metric = _metric("test.activity_count", "测试活动次数")
    metrics.register(metric)
    yield metric
    metrics.unregister(metric.code)


@pytest.fixture
def roster_metric():
    metric = metrics.Metric(code="test.roster", label="测试名册人数", measure="人", compute=_zero, cumulative=True)
    metrics.register(metric)
    yield metric
    metrics.unregister(metric.code)


def _current(code: str) -> metrics.Metric | None:
    try:
        return metrics.get(code)
    except KeyError:
        return None


@pytest.fixture
def ledger_metric():
    """What the ledger app registers: imported targets then take it by default. Restores the real one."""
    previous = _current("ledger.activity_count")
    metric = previous or _metric("ledger.activity_count", "活动次数")
    metrics.register(metric)
    yield metric
    if previous is None:
        metrics.unregister(metric.code)


@pytest.fixture
def no_ledger_metric():
    """The registry without the ledger's activity count (as before the ledger app registers it)."""
    previous = _current("ledger.activity_count")
    metrics.unregister("ledger.activity_count")
    yield
    if previous is not None:
        metrics.register(previous)


@pytest.fixture
def empty_registry():
    """No metric registered at all (before any app above plans has filled the registry)."""
    saved = metrics.all_metrics()
    for metric in saved:
        metrics.unregister(metric.code)
    yield
    for metric in saved:
        metrics.register(metric)
