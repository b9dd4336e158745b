"""What one request reads once: values kept from `request_started` to `request_finished` (connected in
`core.apps`), by space and key. Outside a request (task workers, commands, tests calling services) nothing is
kept and every read asks.

Two readers use it: the stamps of the page's regions (`core.stamps.joined`: the ledger's list and its two
option lists asked for the same stamps, three queries a page) and the state of a survey by its public token
(`surveys.selectors.survey_state`: the answering page's view and `surveys.services.respond` both read it, on
every phone's POST). What a request reads is then as of its first read. A write that could change what was
read forgets it: a bump of stamps forgets the stamps, and a record written through the workflow
(`core.workflow.save_checked`) forgets everything the request kept, so a request that writes and then reads
sees its own write.

The values live in a `ContextVar`: each request's thread (gunicorn's gthread workers) or task has its own.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

#: The values kept in the running request, by space and key; None outside a request.
_KEPT: ContextVar[dict[str, dict[Hashable, Any]] | None] = ContextVar("pufa_per_request", default=None)


def started(**kwargs: Any) -> None:
    _KEPT.set({})


def finished(**kwargs: Any) -> None:
    _KEPT.set(None)


def get(space: str, key: Hashable, build: Callable[[], T]) -> T:
    """The value kept under (`space`, `key`) in this request, or `build()`'s (kept, even when None)."""
    kept = _KEPT.get()
    if kept is None:
        return build()
    values = kept.setdefault(space, {})
    if key in values:
        return values[key]
    value = values[key] = build()
    return value


def forget(space: str | None = None) -> None:
    """Drop what this request kept in `space` (default: everything)."""
    kept = _KEPT.get()
    if kept:
        if space is None:
            kept.clear()
        else:
            kept.pop(space, None)
