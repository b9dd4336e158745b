"""A region's progress rows are read through their path index on SQLite too (issue 14 item 3): a street's
dashboard must not scan the city's statuses. PostgreSQL answers the same prefix from its pattern-ops index."""

from __future__ import annotations

import pytest
from django.db import connection

from pufa.progress.models import ProgressStatus, UnitStatusCount


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " | ".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (
            lambda: UnitStatusCount.objects.filter(region_path__startswith="/1/2/", is_target=False),
            "progress_usc_region",
        ),
        (lambda: ProgressStatus.objects.filter(region_path__startswith="/1/2/", status="overdue"), "region_path"),
    ],
)
def test_a_regions_rows_are_searched_through_the_path_index_on_sqlite(db, queryset, index):
    if connection.vendor != "sqlite":
        pytest.skip("the range form is SQLite's; PostgreSQL plans LIKE 'p%' on its pattern-ops index")
    plan = _plan(queryset())
    assert "SEARCH" in plan and index in plan, plan
    assert "SCAN" not in plan, plan


def test_a_liaisons_and_a_streets_task_statuses_are_found_through_their_paths_not_the_target_index(
    world, liaison, office_user
):
    """The home page's 待办 counts a liaison's overdue and due-soon tasks, and the dashboard names a street's
    plans: task statuses (target NULL) are most of the table, so walking them through the target index reads
    the whole city's for a liaison's few (issue 14: the liaison's home grew 2× with the city)."""
    from pufa.progress import selectors

    if connection.vendor != "sqlite":
        pytest.skip("SQLite follows the query's form; PostgreSQL weighs both indexes from statistics")
    for queryset in (
        selectors.status_list(actor=liaison, status="overdue"),
        selectors.status_list(actor=liaison, due_within=14),
        selectors.status_list(actor=office_user, region=world.street_a),
    ):
        plan = _plan(queryset.order_by())
        assert "target_id" not in plan and "SEARCH" in plan, plan
    assert (
        selectors.status_list(actor=liaison).count()
        == ProgressStatus.objects.filter(target__isnull=True, unit_path__startswith=world.committee_a.path).count()
    )
