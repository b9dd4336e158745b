"""PathField's prefix filters: the SQLite range rewrite must match exactly what LIKE 'p%' matches."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import DateField

from pufa.ledger.fields import Unindexed
from pufa.ledger.models import ActivityUnit
from tests.factories import make_activity

PATHS = ["/1/", "/1/5/", "/1/5/23/", "/1/50/", "/10/", "/11/", "/2/", "/1/5"]


@pytest.mark.parametrize("lookup", ["startswith", "under"])
def test_prefix_filters_match_like_semantics(world, lookup):
    for n, path in enumerate(PATHS):
        activity = make_activity(world.committee_a, title=f"活动{n}")
        ActivityUnit.objects.filter(activity=activity).update(region_path=path, unit_path=path)
    for prefix in ["/1/", "/1/5/", "/10/", "/2/", "/3/"]:
        found = set(
            ActivityUnit.objects.filter(**{f"region_path__{lookup}": prefix}).values_list("region_path", flat=True)
        )
        assert found == {p for p in PATHS if p.startswith(prefix)}, prefix


def test_unindexed_date_filters_like_the_column(world):
    make_activity(world.committee_a, date=dt.date(2026, 3, 1), title="三月")
    make_activity(world.committee_a, date=dt.date(2026, 5, 1), title="五月")
    day = Unindexed("date", output_field=DateField())
    rows = ActivityUnit.objects.alias(day=day).filter(day__gte=dt.date(2026, 4, 1))
    assert list(rows.values_list("activity__title", flat=True)) == ["五月"]
