"""A small event registry so a lower app can tell higher apps that something changed, without importing them.

`ledger` fires "ledger.activity_changed" when an activity is recorded or changes status; `plans` fires
"plans.changed" when tasks or targets change; `progress` and `duties` register listeners in their
AppConfig.ready(). Listeners run inside the caller's transaction, so figures they keep are never stale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

_LISTENERS: dict[str, list[Callable[..., None]]] = defaultdict(list)


def listen(event: str, callback: Callable[..., None]) -> None:
    if callback not in _LISTENERS[event]:
        _LISTENERS[event].append(callback)


def fire(event: str, /, **payload: Any) -> None:
    for callback in list(_LISTENERS[event]):
        callback(**payload)


def listeners(event: str) -> list[Callable[..., None]]:
    return list(_LISTENERS[event])
