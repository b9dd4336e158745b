"""Freshness stamps per region path (`core.Stamp`): what lets any process reuse figures and lists of a region
until something under it is written.

- `pt:<path>` — something at or below this region changed. A write for a unit changes `pt:` of the unit's
  region and of every region above it; a street's write leaves the other streets' pages cached.
- `tree:<path>` — everything at or below this region may have changed (statuses recomputed for a region);
  `tree:` (no path) — everything did (an organisation change, the daily pass).

A reader of region R reads, in one indexed query, `pt:R` and `tree:` of R and of every region above it. The
stamps are written inside the writer's transaction, so a process sees a new stamp exactly when it sees the
records behind it, whatever cache backend holds the values: the per-process memory cache of `runserver` + a
task worker, or of `gunicorn -w 2` without Redis, cannot serve anything older than the last write.

Who bumps: progress's listeners on the event bus (`progress.cache`: the ledger's writes, organisation
changes) and its own recomputations. The dashboards (`progress.selectors`) and the ledger's list
(`ledger.selectors`) read them.
"""

from __future__ import annotations

from collections.abc import Iterable

from pufa.core import locks, stamps
from pufa.org.access import ancestor_paths
from pufa.org.models import Unit


def scopes_of(region_path: str) -> list[str]:
    """The stamps a reader of this region's records depends on."""
    return [f"pt:{region_path}", "tree:", *(f"tree:{p}" for p in ancestor_paths(region_path))]


def stamp(*region_paths: str) -> str:
    """The current stamp of these regions' records together (one query)."""
    return stamps.joined(list(dict.fromkeys(s for path in region_paths for s in scopes_of(path))))


def _bump(scopes: Iterable[str]) -> None:
    rows = set(scopes)
    if rows:
        locks.hold()  # one writer of stamps (and of derived figures) at a time on PostgreSQL
        stamps.bump_many(rows)


def bump_regions(region_paths: Iterable[str]) -> None:
    """Records of these regions (and so of every region above them) changed."""
    _bump(f"pt:{p}" for path in set(region_paths) for p in ancestor_paths(path))


def bump_units(unit_ids: Iterable[int]) -> None:
    """Records of these units changed: their regions and those above (one query for the regions)."""
    ids = set(unit_ids)
    if ids:
        bump_regions(set(Unit.all_objects.filter(pk__in=ids).values_list("region__path", flat=True)))


def bump_tree(region_path: str = "") -> None:
    """Everything at or below this region (default: everywhere) may have changed."""
    _bump([f"tree:{region_path}", *(f"pt:{p}" for p in ancestor_paths(region_path))])
