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

`TALLY` is a second key, for the surveys' results tally (`surveys.tally`: folding the responses in, rebuilding
it): thousands of responses an hour are folded in, and they should not queue behind the progress writers (nor
those behind them). A tally writer takes no other lock; the progress writers fold the tally while holding
`KEY` (computing a survey metric), so the two are always taken in the order `KEY`, then `TALLY`.
"""

from __future__ import annotations

from django.db import connection

#: Any 64-bit number of our own ("pufa" "prog").
KEY = 0x70756661_70726F67
#: The surveys' tally ("pufa" "tall").
TALLY = 0x70756661_74616C6C


def hold(key: int = KEY) -> None:
    """Take the lock until the current transaction ends (call inside one; taking it again is free)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
