"""Background refreshes of progress figures, through the django-tasks API.

Pages never write derived figures (they would wait on the city-wide lock of `core.locks` behind a write
or the daily pass). When a page finds that a region's statuses were computed on an earlier day — the daily
pass has not run yet, or a region was added — it shows the date they were computed on and asks for a
refresh here, once: `request_refresh` enqueues `refresh_region` unless the same region and day were asked
for already (a mark in the cache; the task itself does nothing if the region is fresh by then, so a second
request from another process is harmless).
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django_tasks import task

from pufa.progress import services

MARK_TIMEOUT = 600


def _mark(region_path: str, today: dt.date) -> str:
    return f"pufa:progress:refresh:{region_path}:{today.isoformat()}"


@task()
def refresh_region(*, region_path: str, today: str) -> bool:
    """Recompute the statuses of a region computed on an earlier day than `today` (ISO date)."""
    day = dt.date.fromisoformat(today)
    try:
        return services.ensure_fresh(region_path=region_path, today=day)
    finally:
        cache.delete(_mark(region_path, day))


def request_refresh(*, region_path: str, today: dt.date) -> bool:
    """Enqueue `refresh_region` for this region and day unless it is already asked for; True if enqueued."""
    if not cache.add(_mark(region_path, today), 1, timeout=MARK_TIMEOUT):
        return False
    refresh_region.enqueue(region_path=region_path, today=today.isoformat())
    return True
