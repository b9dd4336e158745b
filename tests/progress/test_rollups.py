"""Activity rollups stay equal to a direct count of the ledger, through events and through a rebuild."""

from __future__ import annotations

import datetime as dt

from pufa.core.models import ActivityKind, Domain
from pufa.ledger import services as ledger
from pufa.ledger.models import Activity
from pufa.org.access import SYSTEM
from pufa.progress import rollups
from pufa.progress.models import RegionMonthStat, RolledActivity, UnitActivity

D = dt.date


def record(unit, day, *, co=(), people=10, kind="jzxc", domains=("minfadian",), submit=True):
    data = ledger.ActivityData(
        unit=unit,
        title="民法典进社区",
        kind=ActivityKind.objects.get(code=kind),
        date=day,
        co_organisers=list(co),
        domains=list(Domain.objects.filter(code__in=domains)),
        people_onsite=people,
        place="社区活动室",
    )
    return ledger.activity_create(actor=SYSTEM, data=data, submit=submit)


def stat(region, month, dim="", code=""):
    row = RegionMonthStat.objects.filter(region=region, month=month, dim=dim, code=code).first()
    return (row.activities, row.people_onsite) if row else (0, 0)


def test_events_keep_rollups_equal_to_the_ledger(world):
    record(world.committee_a, D(2024, 3, 5), co=[world.committee_b], people=30)
    record(world.committee_b, D(2024, 3, 20), people=12, kind="ztjz", domains=("xianfa",))
    record(world.committee_a, D(2024, 4, 2), people=5)
    record(world.committee_a, D(2024, 3, 9), submit=False)  # a draft counts nowhere
    march = D(2024, 3, 1)
    # The jointly run activity counts once for the street and the district.
    assert stat(world.street_a, march) == (2, 42)
    assert stat(world.district, march) == (2, 42)
    assert stat(world.street_a, march, "domain", "minfadian") == (1, 30)
    assert stat(world.street_a, march, "kind", "ztjz") == (1, 12)
    assert stat(world.street_b, march) == (0, 0)
    assert not RegionMonthStat.objects.filter(region=world.community_a).exists()  # communities read the ledger
    direct = Activity.objects.filter(status__in=Activity.COUNTED, date__month=3).count()
    assert stat(world.district, march)[0] == direct
    assert UnitActivity.objects.get(unit=world.committee_a).last_date == D(2024, 4, 2)
    assert UnitActivity.objects.get(unit=world.committee_b).last_date == D(2024, 3, 20)


def test_moving_and_deleting_an_activity_updates_both_months(world):
    activity = record(world.committee_a, D(2024, 3, 5), people=30)
    ledger.activity_delete(actor=SYSTEM, activity=activity, reason="重复登记")
    assert stat(world.street_a, D(2024, 3, 1)) == (0, 0)
    assert UnitActivity.objects.get(unit=world.committee_a).last_date is None


def test_rebuild_matches_incremental(world):
    record(world.committee_a, D(2024, 3, 5), co=[world.committee_b], people=30)
    record(world.committee_b, D(2024, 5, 20), people=12, kind="ztjz", domains=("xianfa", "minfadian"))
    record(world.other_office_unit, D(2024, 5, 21), people=7)
    incremental = sorted(
        RegionMonthStat.objects.values_list(
            "region_id", "month", "dim", "code", "activities", "people_onsite", "materials"
        )
    )
    latest = sorted(UnitActivity.objects.exclude(last_date=None).values_list("unit_id", "last_date"))
    rollups.rebuild_all(chunk=2)
    assert (
        sorted(
            RegionMonthStat.objects.values_list(
                "region_id", "month", "dim", "code", "activities", "people_onsite", "materials"
            )
        )
        == incremental
    )
    assert sorted(UnitActivity.objects.values_list("unit_id", "last_date")) == latest


def _state():
    stats = sorted(
        RegionMonthStat.objects.values_list(
            "region_id", "month", "dim", "code", "activities", "people_onsite", "people_online", "materials"
        )
    )
    rolled = sorted(RolledActivity.objects.values_list("activity_id", "month", "region_paths", "codes"))
    return stats, rolled


def test_every_workflow_step_applies_its_difference(world, office_user):
    """Returned, corrected (moved to another month and street), resubmitted, confirmed, reopened, deleted and
    imported records: after each step the rollups equal a rebuild from the ledger."""
    from pufa.ledger.importers import activity_import
    from tests.ledger.test_importers import row, sheet

    def check():
        incremental = _state()
        rollups.rebuild_all()
        assert _state() == incremental
        return incremental

    joint = record(world.committee_a, D(2024, 3, 5), co=[world.committee_b], people=30)
    other = record(world.committee_b, D(2024, 3, 20), people=12, kind="ztjz", domains=("xianfa", "minfadian"))
    check()
    ledger.activity_return(actor=office_user, activity=joint, reason="人数有误")
    assert stat(world.street_a, D(2024, 3, 1)) == (1, 12)
    check()
    data = ledger.ActivityData(
        unit=world.other_office_unit,
        title="民法典进社区",
        kind=ActivityKind.objects.get(code="jzxc"),
        date=D(2024, 5, 8),
        domains=list(Domain.objects.filter(code="xianfa")),
        people_onsite=25,
        place="社区活动室",
    )
    joint = ledger.activity_update(actor=SYSTEM, activity=joint, data=data)
    ledger.activity_submit(actor=SYSTEM, activity=joint)
    assert stat(world.street_a, D(2024, 3, 1)) == (1, 12)
    check()
    ledger.activity_confirm(actor=office_user, activity=other)
    ledger.activity_reopen(actor=office_user, activity=other, reason="补充佐证")
    assert stat(world.street_a, D(2024, 3, 1)) == (0, 0)
    check()
    ledger.activity_delete(actor=SYSTEM, activity=joint, reason="重复")
    result = activity_import(
        actor=office_user,
        file=sheet(
            [
                row(活动名称="a", 组织单位="沱河社区居委会", 协办单位="桃园社区居委会", 活动日期=D(2024, 3, 9)),
                row(活动名称="b", 组织单位="桃园社区居委会", 活动日期=D(2024, 3, 10)),
            ]
        ),
        status="submitted",
    )
    assert result.ok
    assert stat(world.street_a, D(2024, 3, 1)) == (2, 160)
    _, rolled = check()
    assert len(rolled) == 2 and all(m == D(2024, 3, 1) for _, m, *_ in rolled)
