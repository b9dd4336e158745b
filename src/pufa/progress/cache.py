"""The cached dashboards, reused until a write under their region changes its freshness stamp.

The dashboard of a region is assembled from a dozen aggregate queries and reloaded often, and it changes only
when something under that region is written. So the assembled figures (plain dicts and lists, never model
instances) are cached under a key built from the region's stamps (`org.freshness`: kept in the database and
written inside the writer's transaction, so every process sees them change together with the records).

The listeners below keep the stamps moving with the records the dashboards read directly; `services.refresh`
bumps the units whose target statuses it rewrote.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from pufa.core.events import OrgChanged, RecordsChanged
from pufa.org import freshness

TIMEOUT = 3600

#: Under a prefix of its own since the stamps moved to `core.Stamp`: a value cached under a stamp the move
#: left unread ("0") must not match again.
PREFIX = "pufa:fig"


def get(key: str, region_path: str) -> tuple[str, Any]:
    """`(full key, cached value or None)` for figures of this region under its current stamp."""
    full = f"{PREFIX}:{key}:{freshness.stamp(region_path)}"
    return full, cache.get(full)


def put(full_key: str, value: Any) -> None:
    cache.set(full_key, value, timeout=TIMEOUT)


# The dashboard reads the ledger's rollups itself, and the ledger's list is cached under the same stamps;
# every other app's records reach the dashboard only through target statuses, and `services.refresh` bumps
# the units whose statuses it rewrote.
DIRECT_SOURCES = frozenset({"ledger"})


def on_records_changed(event: RecordsChanged) -> None:
    """Bump the stamps of the units whose records the dashboard and the ledger's list read directly.

    A survey answered from a phone or a hotline order on a metric no target uses changes no cached figure, so
    it takes neither the stamp writers' lock nor a write (the lock serialised every survey response)."""
    if event.source in DIRECT_SOURCES:
        freshness.bump_units(event.unit_ids)


def on_org_changed(event: OrgChanged) -> None:
    freshness.bump_tree()
