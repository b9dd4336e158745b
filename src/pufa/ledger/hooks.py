"""Callbacks for apps above the ledger (duties, progress) that must react when an activity is recorded.

The ledger never imports them (apps depend downward only). An app registers in its AppConfig.ready():

    from pufa.ledger import hooks
    hooks.on_activity_recorded(link_planned_activity)

and the ledger services call every callback inside their transaction, after the write, with one
`ActivityEvent`. A callback that raises rolls the write back — so a figure kept above never disagrees
with the ledger. The same event is also announced on the project-wide registry (pufa.core.hooks) as
"ledger.activity_changed" with keyword arguments `name`, `event`, `activities`, `actor`, `unit_ids` and
`dates`, for listeners written against that registry (progress).

Events: "created", "updated", "submitted", "confirmed", "returned", "reopened", "deleted" and "imported"
(an import is announced in one event with all its activities — listeners must not cost a query per unit or
per activity).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pufa.core import hooks as core_hooks

if TYPE_CHECKING:
    from pufa.ledger.models import Activity

CORE_EVENT = "ledger.activity_changed"
CREATED = "created"
UPDATED = "updated"
SUBMITTED = "submitted"
CONFIRMED = "confirmed"
RETURNED = "returned"
REOPENED = "reopened"
DELETED = "deleted"
IMPORTED = "imported"


@dataclass(frozen=True)
class ActivityEvent:
    """What happened to which activities. `unit_ids` and `dates` cover the state before and after the change
    (an edit may move an activity to another day or drop a co-organiser), so a listener refreshing figures
    by unit and date misses nothing."""

    name: str
    activities: tuple[Activity, ...]
    actor: Any
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    dates: frozenset[dt.date] = field(default_factory=frozenset)


Callback = Callable[[ActivityEvent], None]
_CALLBACKS: list[Callback] = []


def on_activity_recorded(callback: Callback) -> Callback:
    """Register `callback(event)`; registering the same function twice has no effect. Usable as a decorator."""
    if callback not in _CALLBACKS:
        _CALLBACKS.append(callback)
    return callback


def remove(callback: Callback) -> None:
    if callback in _CALLBACKS:
        _CALLBACKS.remove(callback)


def callbacks() -> list[Callback]:
    return list(_CALLBACKS)


def fire(
    name: str,
    *,
    activities: Iterable[Activity],
    actor: Any,
    unit_ids: Iterable[int] = (),
    dates: Iterable[dt.date] = (),
) -> ActivityEvent:
    """Called by ledger services only, inside their transaction."""
    event = ActivityEvent(
        name=name,
        activities=tuple(activities),
        actor=actor,
        unit_ids=frozenset(unit_ids),
        dates=frozenset(dates),
    )
    for callback in list(_CALLBACKS):
        callback(event)
    core_hooks.fire(
        CORE_EVENT,
        name=name,
        event=event,
        activities=event.activities,
        actor=actor,
        unit_ids=event.unit_ids,
        dates=event.dates,
    )
    return event
