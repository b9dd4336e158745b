"""The event bus: how a lower app tells the apps above it that something changed, without importing them.

Events are frozen dataclasses defined here; a publisher builds one and calls `publish(event)`, which calls
every listener subscribed to that event's type, in order, at once — inside the publisher's transaction, so a
figure kept above is written in the same transaction as the records it is computed from and is never stale
(a listener that raises rolls the write back). Which listener hears which event is listed in one place,
`pufa.wiring` (the top layer, which may import every app); tests subscribe extra listeners with
`subscribe`/`unsubscribe` or the `listening` context manager.

- `RecordsChanged` is the generic event: any app that registers metrics (`pufa.plans.metrics`) announces
  with it which of its metrics may have changed, for which units and on which dates. progress recomputes the
  targets on those metrics from it without knowing the app.
- The others carry what particular listeners need beyond that: the activities themselves (duties matching,
  the activity rollups), the tasks a plan change touched, the day of the daily pass.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

E = TypeVar("E")
Listener = Callable[[Any], None]


@dataclass(frozen=True)
class RecordsChanged:
    """Records behind these metrics changed for these units on these dates (before and after the change)."""

    metrics: frozenset[str]
    unit_ids: frozenset[int]
    dates: frozenset[dt.date]
    source: str
    actor: Any = None


@dataclass(frozen=True)
class ActivitiesChanged:
    """Ledger activities were recorded, edited, moved through their workflow, deleted or imported.

    `name` says what happened ("created", "updated", "submitted", "confirmed", "returned", "reopened",
    "deleted", "imported"); an import is one event with all its activities, so listeners work in grouped
    queries. `unit_ids` and `dates` cover the state before and after the change."""

    CREATED: ClassVar[str] = "created"
    UPDATED: ClassVar[str] = "updated"
    SUBMITTED: ClassVar[str] = "submitted"
    CONFIRMED: ClassVar[str] = "confirmed"
    RETURNED: ClassVar[str] = "returned"
    REOPENED: ClassVar[str] = "reopened"
    DELETED: ClassVar[str] = "deleted"
    IMPORTED: ClassVar[str] = "imported"

    name: str
    activities: tuple[Any, ...]
    actor: Any = None
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    dates: frozenset[dt.date] = field(default_factory=frozenset)


@dataclass(frozen=True)
class PlansChanged:
    """The units, targets, deadlines or existence of these tasks changed."""

    task_ids: frozenset[int]


@dataclass(frozen=True)
class OrgChanged:
    """Regions or units were created, changed, moved, deleted or restored (rare: every figure may move)."""


@dataclass(frozen=True)
class DailyPass:
    """`pufa remind`: each listener does its part for `today` and adds `{what: how many}` to `results`."""

    today: dt.date
    results: dict[str, int]


_LISTENERS: dict[type, list[Listener]] = defaultdict(list)


def subscribe(event_type: type[E], listener: Callable[[E], None]) -> None:
    """Call `listener(event)` for every published event of this type; subscribing twice has no effect."""
    if listener not in _LISTENERS[event_type]:
        _LISTENERS[event_type].append(listener)


def unsubscribe(event_type: type, listener: Listener) -> None:
    if listener in _LISTENERS[event_type]:
        _LISTENERS[event_type].remove(listener)


def listeners(event_type: type) -> list[Listener]:
    return list(_LISTENERS[event_type])


def publish(event: Any) -> None:
    """Call every listener of the event's type, in subscription order, in the caller's transaction."""
    for listener in list(_LISTENERS[type(event)]):
        listener(event)


@contextmanager
def listening(event_type: type[E], listener: Callable[[E], None]) -> Iterator[Callable[[E], None]]:
    """Subscribe for the duration of a block (tests, benchmarks)."""
    subscribe(event_type, listener)
    try:
        yield listener
    finally:
        unsubscribe(event_type, listener)


@contextmanager
def replaced(event_type: type, new: Iterable[Listener]) -> Iterator[list[Listener]]:
    """Swap the listeners of one event type for a block, restoring them after; yields the previous ones."""
    saved = list(_LISTENERS[event_type])
    _LISTENERS[event_type] = list(new)
    try:
        yield saved
    finally:
        _LISTENERS[event_type] = saved
