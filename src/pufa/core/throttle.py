"""Rate limits: at most `limit` hits per key in a fixed window, counted in the database (`core.ThrottleWindow`).

The count is shared by every process that serves pages — with a per-process memory cache, N gunicorn workers
would each allow the limit, so a 10-per-hour limit let 20 posts through with two workers (issue 13's probe).
A hit is one conditional UPDATE returning the count; the rows of windows long past are removed as new windows start.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from pufa.core.models import ThrottleWindow

#: Rows of windows that ended longer ago than this are deleted when a window starts.
KEEP = dt.timedelta(days=1)


def _hit(key: str, since: dt.datetime) -> int | None:
    """Count a hit in the running window of `key` (started after `since`) and return its hits, in one
    statement (UPDATE … RETURNING, on SQLite ≥ 3.35 and PostgreSQL); None when no window is running."""
    q = connection.ops.quote_name
    table = q(ThrottleWindow._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {q('hits')} = {q('hits')} + 1 "  # noqa: S608 - our own names; values are parameters
            f"WHERE {q('key')} = %s AND {q('started')} > %s RETURNING {q('hits')}",
            [key, connection.ops.adapt_datetimefield_value(since)],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def allow(key: str, *, limit: int, window: int) -> bool:
    """Count one hit for `key`; False when it is past `limit` hits in the `window` seconds since the first.

    In a transaction of its own, or in the caller's when there is one (no savepoint: a survey response counts
    its hit in the transaction that stores it, one write transaction instead of two; rolled back with it)."""
    now = timezone.now()
    key = key[:150]
    with transaction.atomic(savepoint=False):
        hits = _hit(key, now - dt.timedelta(seconds=window))
        if hits is not None:
            return hits <= limit
        # No window running for this key: this hit starts one (replacing an ended window's row).
        ThrottleWindow.objects.filter(started__lt=now - KEEP).delete()
        try:
            with transaction.atomic():
                ThrottleWindow.objects.update_or_create(key=key, defaults={"started": now, "hits": 1})
        except IntegrityError:  # another process started the window at the same moment: count in it
            ThrottleWindow.objects.filter(key=key).update(hits=F("hits") + 1)
            return ThrottleWindow.objects.values_list("hits", flat=True).get(key=key) <= limit
    return True
