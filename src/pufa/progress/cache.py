"""A version stamp for everything the dashboard shows, bumped by every write that can change a figure.

The whole-city dashboard is assembled from a dozen aggregate queries; offices reload it often and it only
changes when something is recorded. So the assembled figures are cached under the current version: any
ledger event, plan change, organisation change or progress recomputation bumps the version (inside the
writer's transaction, after commit), and the next view recomputes. Several app servers must share the
cache (PUFA_REDIS_URL) for the stamp to be seen by all of them.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction

KEY = "pufa:progress:version"


def version() -> int:
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, 1, timeout=None)
        value = cache.get(KEY, 1)
    return int(value)


def bump(**_: Any) -> None:
    """Invalidate every cached figure once the current transaction commits (or at once outside one)."""

    def _bump() -> None:
        try:
            cache.incr(KEY)
        except ValueError:
            cache.set(KEY, 2, timeout=None)

    transaction.on_commit(_bump)
    _bump()  # also now: a view in this same transaction must not read the old figures
