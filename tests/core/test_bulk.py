"""The fast bulk writers: what goes in comes back out unchanged, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from pufa.core.bulk import insert_instances, insert_rows
from pufa.ledger.models import Activity
from pufa.progress.models import RolledActivity, TargetCheck
from tests.factories import make_activity, make_plan, make_task


def test_instances_keep_dates_decimals_and_fill_auto_now(world):
    task = make_task(make_plan(world.office_unit))
    before = timezone.now()
    checks = [
        TargetCheck(
            task=task,
            unit=world.committee_a,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 3, 31),
            value=Decimal("2.50"),
            threshold=Decimal(3),
        ),
        TargetCheck(
            task=task,
            unit=world.committee_b,
            period_start=dt.date(2026, 4, 1),
            period_end=dt.date(2026, 6, 30),
            value=Decimal(0),
            threshold=Decimal(1),
        ),
    ]
    assert insert_instances(TargetCheck, checks) == 2
    stored = {c.unit_id: c for c in TargetCheck.objects.all()}
    assert stored[world.committee_a.pk].value == Decimal("2.50")
    assert stored[world.committee_b.pk].period_end == dt.date(2026, 6, 30)
    assert all(c.refreshed_at >= before - dt.timedelta(seconds=1) for c in stored.values())


def test_rows_and_a_primary_key_that_is_a_relation(world):
    activity = make_activity(world.committee_a, status="draft")  # a draft counts nowhere: no row yet
    insert_instances(
        RolledActivity,
        [RolledActivity(activity=activity, month=dt.date(2026, 3, 1), region_paths="/1/ /1/2/", codes="kind:jzxc")],
    )
    row = RolledActivity.objects.get()
    assert (row.activity_id, row.region_paths, row.codes) == (activity.pk, "/1/ /1/2/", "kind:jzxc")
    insert_rows(Activity.domains.through, ["activity_id", "domain_id"], [])  # nothing to do is fine
    assert Activity.domains.through.objects.filter(activity=activity).count() == activity.domains.count()
