"""Where PostgreSQL's planner needs telling, told for one query and no longer.

The planner costs a `LIMIT` over a filtered scan as if the matching rows were spread evenly through the table.
When they are not — an office's recent rows lie at the end of a table written in date order — it may scan
the table from its start to find a few of them, where the scope's index finds them at once. SQLite's planner
has no such choice to make here: on it these are no-ops.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def without_table_scans() -> Iterator[None]:
    """Run the queries inside with sequential scans costed out (`enable_seqscan`), then put the setting back.

    The setting is local to a transaction (`set_config(…, true)`), so a block outside one runs in its own;
    inside a caller's transaction it is restored on leaving the block, not left for the rest of it — on an
    exception by rolling back to the block's savepoint, which undoes the setting with everything else."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
        before = cursor.fetchone()[0]
        yield
        cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [before])
