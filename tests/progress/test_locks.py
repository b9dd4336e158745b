"""Writers of derived figures take one PostgreSQL advisory lock, so two of them never interleave."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection

from pufa.core import locks
from pufa.progress import rollups, services

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")


def _free_elsewhere() -> bool:
    """Can another session take the lock right now?"""
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        autocommit=True,
    ) as other:
        taken = other.execute("SELECT pg_try_advisory_lock(%s)", [locks.KEY]).fetchone()[0]
        if taken:
            other.execute("SELECT pg_advisory_unlock(%s)", [locks.KEY])
        return taken


@pytest.mark.django_db(transaction=True)
def test_status_refresh_and_rollups_hold_the_lock_until_commit():
    from django.db import transaction

    assert _free_elsewhere()
    with transaction.atomic():
        services.refresh(tasks=[])
        assert not _free_elsewhere()
    assert _free_elsewhere()
    with transaction.atomic():
        rollups.apply_activities([2**31 - 1])  # the lock comes first, whatever the activities
        assert not _free_elsewhere()
    assert _free_elsewhere()
