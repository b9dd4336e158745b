"""Freshness stamps for the cached dashboards, per region path, kept where every process sees them.

The dashboard of a region is assembled from a dozen aggregate queries and reloaded often, and it changes only
when something under that region is written. So the assembled figures (plain dicts and lists, never model
instances) are cached under a key built from the region's stamps:

- `pt:<path>` — something at or below this region changed. A write for a unit changes `pt:` of the unit's
  region and of every region above it (`org.access.ancestor_paths`); a street's write leaves the other
  streets' dashboards cached.
- `tree:<path>` — everything at or below this region may have changed (statuses recomputed for a region);
  `tree:` (no path) — everything did (an organisation change, the daily pass).

A dashboard of region R reads, in one indexed query, `pt:R` and `tree:` of R and of every region above it.

The stamps live in the database (`FigureVersion`), written inside the writer's transaction: a process sees a
new stamp exactly when it sees the records behind it, whatever cache backend serves the figures — so the
per-process memory cache of a `runserver` + task worker or of `gunicorn -w 2` without Redis cannot serve a
figure older than the last write, and a rolled-back write leaves its stamp unused (stamps are random, never
counted up, so a stamp of a rolled-back transaction cannot come back with other figures behind it).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache

from pufa.core.events import OrgChanged, RecordsChanged
from pufa.org.access import ancestor_paths
from pufa.org.models import Unit
from pufa.progress import locks
from pufa.progress.models import FigureVersion

TIMEOUT = 3600


def _scopes_of(region_path: str) -> list[str]:
    return [f"pt:{region_path}", "tree:", *(f"tree:{p}" for p in ancestor_paths(region_path))]


def stamp(region_path: str) -> str:
    """The current stamp of a region's figures (one query)."""
    scopes = _scopes_of(region_path)
    tokens = dict(FigureVersion.objects.filter(scope__in=scopes).values_list("scope", "token"))
    return ".".join(tokens.get(s, "0") for s in scopes)


def get(key: str, region_path: str) -> tuple[str, Any]:
    """`(full key, cached value or None)` for figures of this region under its current stamp."""
    full = f"pufa:figures:{key}:{stamp(region_path)}"
    return full, cache.get(full)


def put(full_key: str, value: Any) -> None:
    cache.set(full_key, value, timeout=TIMEOUT)


def _bump(scopes: Iterable[str]) -> None:
    rows = sorted(set(scopes))
    if not rows:
        return
    locks.hold()  # one writer of stamps at a time on PostgreSQL (no lock-order deadlocks between writers)
    token = uuid.uuid4().hex
    FigureVersion.objects.bulk_create(
        [FigureVersion(scope=s, token=token) for s in rows],
        update_conflicts=True,
        unique_fields=["scope"],
        update_fields=["token"],
    )


def bump_regions(region_paths: Iterable[str]) -> None:
    """Figures of these regions (and of every region above them) changed."""
    _bump(f"pt:{p}" for path in set(region_paths) for p in ancestor_paths(path))


def bump_units(unit_ids: Iterable[int]) -> None:
    """Figures of these units changed: their regions and those above (one query for the regions)."""
    ids = set(unit_ids)
    if ids:
        bump_regions(set(Unit.all_objects.filter(pk__in=ids).values_list("region__path", flat=True)))


def bump_tree(region_path: str = "") -> None:
    """Everything at or below this region (default: everywhere) may have changed."""
    _bump([f"tree:{region_path}", *(f"pt:{p}" for p in ancestor_paths(region_path))])


# The dashboard reads the ledger's rollups itself; every other app's records reach it only through target
# statuses, and `services.refresh` bumps the units whose statuses it rewrote.
DIRECT_SOURCES = frozenset({"ledger"})


def on_records_changed(event: RecordsChanged) -> None:
    """Bump the stamps of the units whose records the dashboard reads directly.

    A survey answered from a phone or a hotline order on a metric no target uses changes no cached figure, so
    it takes neither the stamp writers' lock nor a write (the lock serialised every survey response)."""
    if event.source in DIRECT_SOURCES:
        bump_units(event.unit_ids)


def on_org_changed(event: OrgChanged) -> None:
    bump_tree()
