"""Rate limits: at most `limit` hits per key in a fixed window, counted in the database (`core.ThrottleWindow`).

The count is shared by every process that serves pages — with a per-process memory cache, N gunicorn workers
would each allow the limit, so a 10-per-hour limit let 20 posts through with two workers (issue 13's probe).
A hit is one upsert returning the count: it starts the key's window (a new row, or the row of an ended window
started again) or counts in the running one, so hits from processes starting a window at the same moment all
count (on PostgreSQL the second waits for the first's row, then counts in it). The rows of windows long past
are removed as new windows start.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from pufa.core.models import ThrottleWindow

#: Rows of windows that ended longer ago than this are deleted when a window starts.
KEEP = dt.timedelta(days=1)


def _hit(key: str, now: dt.datetime, since: dt.datetime) -> int:
    """Count a hit for `key` in its window running since after `since`, or start a window at `now`; return
    the window's hits (INSERT … ON CONFLICT DO UPDATE … RETURNING, SQLite ≥ 3.35 and PostgreSQL; both
    evaluate the SET expressions on the row as it was, so `started` is compared before it is replaced)."""
    q = connection.ops.quote_name
    table, started, hits = q(ThrottleWindow._meta.db_table), q("started"), q("hits")
    running = f"{table}.{started} > %s"
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({q('key')}, {started}, {hits}) VALUES (%s, %s, 1) "  # noqa: S608 - our names
            f"ON CONFLICT ({q('key')}) DO UPDATE SET "
            f"{hits} = CASE WHEN {running} THEN {table}.{hits} + 1 ELSE 1 END, "
            f"{started} = CASE WHEN {running} THEN {table}.{started} ELSE excluded.{started} END "
            f"RETURNING {hits}",
            [key, adapt(now), adapt(since), adapt(since)],
        )
        return int(cursor.fetchone()[0])


def allow(key: str, *, limit: int, window: int) -> bool:
    """Count one hit for `key`; False when it is past `limit` hits in the `window` seconds since the first.

    In a transaction of its own, or in the caller's when there is one (no savepoint: a survey response counts
    its hit in the transaction that stores it, one write transaction instead of two; rolled back with it)."""
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        hits = _hit(key[:150], now, now - dt.timedelta(seconds=window))
        if hits == 1:  # this hit started a window: the rows of windows long ended go, once it is committed (a
            # caller's transaction holding them would wait for, and be waited for by, another one doing the same)
            transaction.on_commit(ThrottleWindow.objects.filter(started__lt=now - KEEP).delete)
    return hits <= limit
