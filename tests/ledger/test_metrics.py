"""The ledger's metrics in the target registry: counted for organiser and co-organisers, only submitted
and confirmed records, filterable, many units at once, and traceable to the filtered ledger list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

from django.urls import reverse

from pufa.ledger import services
from pufa.plans import metrics
from tests.factories import make_activity, make_plan, make_task

YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def compute(code, units, start=YEAR[0], end=YEAR[1], **kwargs):
    values = metrics.compute(code, unit_ids=[u.pk for u in units], start=start, end=end, **kwargs)
    return [int(values[u.pk]) for u in units]


def test_ledger_metrics_are_registered_with_their_filters(db):
    codes = dict(metrics.choices())
    assert codes["ledger.activity_count"] == "活动场次"
    assert codes["ledger.people_reached"] == "受众人次" and codes["ledger.materials"] == "发放资料份数"
    count = metrics.get("ledger.activity_count")
    assert count.filter_names() == {"kind", "domain", "audience", "task"}
    assert ("ztjz", "专题讲座/法治课") in next(f for f in count.filters if f.name == "kind").choices()
    assert metrics.get("ledger.people_reached").filter_names() >= {"channel"}


def test_a_joint_activity_counts_for_each_unit_and_only_counted_statuses(world, office_user):
    make_activity(world.committee_a, title="社区法制课", co_organisers=[world.judicial_office], status="confirmed")
    make_activity(world.committee_a, title="已提交的法制课")
    make_activity(world.committee_a, title="草稿", status="draft")
    make_activity(world.committee_a, title="被退回", status="returned")
    deleted = make_activity(world.committee_a, title="删掉的")
    services.activity_delete(actor=office_user, activity=deleted)
    make_activity(world.committee_b, title="去年的", date=dt.date(2025, 11, 1))
    units = [world.committee_a, world.judicial_office, world.committee_b, world.other_office_unit]
    assert compute("ledger.activity_count", units) == [2, 1, 0, 0]
    assert compute(
        "ledger.activity_count", [world.committee_b], start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)
    ) == [1]


def test_quarterly_law_class_target_and_performance_count(world):
    """每季度一堂法制课 and 普法演出5场次 computed straight from the ledger."""
    make_activity(world.committee_a, kind="ztjz", date=dt.date(2026, 2, 10), title="一季度法制课")
    make_activity(world.committee_a, kind="ztjz", date=dt.date(2026, 5, 10), title="二季度法制课")
    make_activity(world.committee_a, kind="jzxc", date=dt.date(2026, 5, 12), title="集中宣传")
    for i in range(3):
        make_activity(world.judicial_office, kind="wyyc", date=dt.date(2026, 4, 1 + i), title=f"送法下乡演出{i}")
    quarters = [(dt.date(2026, m, 1), dt.date(2026, m + 2, 28 if m == 1 else 30)) for m in (1, 4)]
    per_quarter = [
        compute("ledger.activity_count", [world.committee_a], s, e, filters={"kind": ["ztjz"]}) for s, e in quarters
    ]
    assert per_quarter == [[1], [1]]
    assert compute("ledger.activity_count", [world.judicial_office], filters={"kind": "wyyc"}) == [3]


def test_domain_audience_and_task_filters(world, liaison):
    plan = make_plan(world.office_unit)
    task = make_task(plan, units={"responsible": [world.committee_a]})
    other = make_task(plan, title="另一项任务", units={"responsible": [world.committee_a]})
    make_activity(world.committee_a, domains=["xianfa", "minfadian"], audiences=["qsn"], tasks=[task], title="a")
    make_activity(world.committee_a, domains=["xianfa"], audiences=["sqjm"], tasks=[other], title="b")
    make_activity(world.committee_a, domains=["sthj"], audiences=["sqjm"], title="c")
    unit = [world.committee_a]
    assert compute("ledger.activity_count", unit, filters={"domain": ["xianfa"]}) == [2]
    assert compute("ledger.activity_count", unit, filters={"domain": ["xianfa", "sthj"]}) == [3]
    assert compute("ledger.activity_count", unit, filters={"audience": ["qsn"]}) == [1]
    assert compute("ledger.activity_count", unit, filters={"task": [task.pk]}) == [1]
    assert compute("ledger.activity_count", unit, filters={"task": "this"}, task_id=other.pk) == [1]
    assert compute("ledger.activity_count", unit, filters={"domain": "xianfa", "audience": "sqjm"}) == [1]


def test_people_and_materials_sums(world):
    make_activity(world.committee_a, people_onsite=60, people_online=300, materials=120, title="a")
    make_activity(world.committee_a, people_onsite=40, materials=80, co_organisers=[world.committee_b], title="b")
    units = [world.committee_a, world.committee_b]
    assert compute("ledger.people_reached", units) == [400, 40]
    assert compute("ledger.people_reached", units, filters={"channel": "onsite"}) == [100, 40]
    assert compute("ledger.people_reached", units, filters={"channel": "online"}) == [300, 0]
    assert compute("ledger.materials", units) == [200, 80]
    values = metrics.compute("ledger.materials", unit_ids=[world.committee_a.pk], start=None, end=YEAR[1])
    assert values == {world.committee_a.pk: Decimal(200)}


def test_many_units_at_once_is_a_few_queries(world, django_assert_max_num_queries):
    from tests.factories import UnitFactory

    units = [UnitFactory(name=f"社区{i}", region=world.community_a, kind="community_committee") for i in range(30)]
    for i, unit in enumerate(units):
        make_activity(unit, title=f"活动{i}", co_organisers=[units[(i + 1) % 30]])
    with django_assert_max_num_queries(2):
        values = metrics.compute("ledger.activity_count", unit_ids=[u.pk for u in units], start=YEAR[0], end=YEAR[1])
    assert set(values.values()) == {Decimal(2)}


def test_records_url_lists_exactly_the_counted_records(world, office_user, client_for):
    make_activity(world.committee_a, kind="ztjz", title="计入的法制课", co_organisers=[world.committee_b])
    make_activity(world.committee_b, kind="ztjz", title="桃园自己的法制课")
    make_activity(world.committee_b, kind="ztjz", title="草稿法制课", status="draft")
    make_activity(world.committee_b, kind="jzxc", title="集中宣传")
    metric = metrics.get("ledger.activity_count")
    query = metrics.MetricQuery(
        unit_ids=(world.committee_b.pk,), start=YEAR[0], end=YEAR[1], filters={"kind": ["ztjz"]}
    )
    url = metric.records_url(world.committee_b.pk, query)
    parsed = urlparse(url)
    assert parsed.path == reverse("ledger:activity-list")
    assert parse_qs(parsed.query) == {
        "participant": [str(world.committee_b.pk)],
        "status": ["counted"],
        "start": ["2026-01-01"],
        "end": ["2026-12-31"],
        "kind": ["ztjz"],
    }
    html = client_for(office_user).get(url, HTTP_HX_REQUEST="true").content.decode()  # the rows only
    assert "计入的法制课" in html and "桃园自己的法制课" in html
    assert "草稿法制课" not in html and "集中宣传" not in html
    assert "共 2 条" in html and int(metric.compute(query)[world.committee_b.pk]) == 2


def test_domain_and_audience_filters_probe_each_row_instead_of_collecting_the_citys_activities(world):
    """A write recomputes one unit's targets: a domain or audience filter must be checked per participation
    row (EXISTS on the link table's activity index), not as `activity_id IN (every activity of the city with
    that domain)`, which SQLite materialises and which made a street's write grow with the city."""
    from pufa.ledger.metrics import participations
    from pufa.plans.metrics import MetricQuery

    make_activity(world.committee_a, domains=["xianfa"], audiences=["qsn"])
    make_activity(world.committee_b, domains=["xianfa"], audiences=["qsn"])
    query = MetricQuery(
        unit_ids=(world.committee_a.pk,),
        start=YEAR[0],
        end=YEAR[1],
        filters={"domain": ["xianfa"], "audience": ["qsn"]},
        task_id=None,
    )
    rows = participations(query, [world.committee_a.pk])
    sql = str(rows.query).upper()
    assert sql.count("EXISTS") == 2
    assert "_DOMAINS" in sql and "_AUDIENCES" in sql
    assert " IN (SELECT" not in sql.replace("\n", " ")
    assert list(rows.values_list("unit_id", flat=True)) == [world.committee_a.pk]
