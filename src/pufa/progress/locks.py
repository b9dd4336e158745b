"""One lock for everything progress derives (checks, statuses, status counts, rollups).

Derived rows are rewritten by delete-and-insert or by adding differences. Two transactions doing that for
the same unit at once on PostgreSQL would each insert their rows (counts twice) or each add to the same old
value (a lost update). So every writer first takes a transaction-level advisory lock: writers of derived
figures run one after another, readers never wait, and the lock goes with the commit. Ledger writes are
human-paced, so they hardly ever meet; the daily pass (tens of seconds for a city) runs from cron at night.
SQLite has one writer at a time anyway.
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
