"""`core.planner`: a planner setting changed for the queries of one block, and put back after it; and the
PostgreSQL connection settings pufa's queries rely on."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from pufa.core.planner import without_table_scans

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings"),
    pytest.mark.django_db,
]


def _setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


def test_table_scans_are_costed_out_inside_the_block_only():
    with transaction.atomic():
        assert _setting("enable_seqscan") == "on"
        with without_table_scans():
            assert _setting("enable_seqscan") == "off"
        assert _setting("enable_seqscan") == "on"  # not left for the rest of the caller's transaction


def test_the_setting_is_put_back_when_the_block_raises():
    with transaction.atomic():
        with pytest.raises(ZeroDivisionError), without_table_scans():
            1 / 0  # noqa: B018 - raises inside the block
        assert _setting("enable_seqscan") == "on"


def test_connections_compile_no_queries():
    """settings.py turns JIT off: compiling cost a district's title search 18 ms a request."""
    assert _setting("jit") == "off"
