"""One lock for every derived figure (progress's checks, statuses, status counts, rollups) and for the
regions' freshness stamps (`org.freshness`).

Derived rows are rewritten by delete-and-insert or by adding differences. Two transactions doing that for
the same unit at once on PostgreSQL would each insert their rows (counts twice) or each add to the same old
value (a lost update). So every writer first takes a transaction-level advisory lock: writers of derived
figures run one after another, readers never wait, and the lock goes with the commit. Ledger writes are
human-paced, so they hardly ever meet; the daily pass (tens of seconds for a city) runs from cron at night.
SQLite has one writer at a time anyway.

The stamps share the lock: a writer of derived rows bumps stamps inside the same transaction, and a second lock
taken in a different order by another writer would deadlock the two.
"""

from __future__ import annotations

from django.db import connection

#: Any 64-bit number of our own ("pufa" "prog").
KEY = 0x70756661_70726F67


def hold() -> None:
    """Take the lock until the current transaction ends (call inside one; taking it again is free)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [KEY])
