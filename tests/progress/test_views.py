"""Progress pages: the permission matrix, figures equal to the records behind them, and the drill-down."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from pufa.ledger.models import Activity
from pufa.org.access import SYSTEM
from pufa.plans.models import Target
from pufa.progress import services
from pufa.progress.models import ProgressStatus
from tests.factories import make_plan, make_task
from tests.progress.test_rollups import record

D = dt.date
TODAY = dt.datetime(2026, 8, 15, 10, tzinfo=dt.UTC)


def setup_year(world):
    plan = make_plan(world.office_unit, title="沱河街道2026年普法工作要点")
    task = make_task(plan, title="每季度一堂法制课", units={"responsible": [world.committee_a, world.committee_b]})
    Target.objects.create(
        task=task,
        metric="ledger.activity_count",
        period=Target.Period.QUARTER,
        threshold=1,
        filters={"kind": ["ztjz"]},
        text="每季度一堂法制课",
    )
    record(world.committee_a, D(2026, 2, 3), kind="ztjz", people=40)
    record(world.committee_a, D(2026, 5, 3), kind="ztjz", people=35, co=[world.committee_b])
    record(world.committee_b, D(2026, 3, 9), kind="jzxc", people=120, domains=("xianfa",))
    services.refresh(today=D(2026, 8, 15))
    return task


def test_anonymous_redirected_and_liaison_goes_to_own_unit(client, client_for, world, liaison):
    assert client.get(reverse("progress:dashboard")).status_code == 302
    response = client_for(liaison).get(reverse("progress:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("progress:unit", args=[world.committee_a.pk])


def test_outsiders_get_404(client_for, world, liaison, other_office):
    assert client_for(liaison).get(reverse("progress:unit", args=[world.committee_b.pk])).status_code == 404
    c = client_for(other_office)
    assert c.get(reverse("progress:dashboard"), {"region": world.street_a.pk}).status_code == 404
    assert c.get(reverse("progress:unit", args=[world.committee_a.pk])).status_code == 404
    assert client_for(liaison).get(reverse("progress:dashboard"), {"region": world.street_a.pk}).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_dashboard_figures_equal_the_records(client_for, world, office_user):
    task = setup_year(world)
    response = client_for(office_user).get(reverse("progress:dashboard"), {"region": world.street_a.pk, "year": 2026})
    assert response.status_code == 200
    d = response.context["d"]
    counted = Activity.objects.filter(status__in=Activity.COUNTED, date__year=2026)
    assert d.totals[0].value == counted.count() == 3
    assert d.totals[1].value == 40 + 35 + 120
    months = {f.label: f.value for f in d.by_month}
    assert (months["2月"], months["3月"], months["5月"], months["8月"]) == (1, 1, 1, 0)
    statuses = {f.extra: f.value for f in d.statuses}
    direct = {
        s: ProgressStatus.objects.filter(task=task, target__isnull=True, status=s).count()
        for s in ("lagging", "on_track")
    }
    assert statuses["lagging"] == direct["lagging"] == 1  # 桃园社区 had no lecture in Q1
    assert statuses["on_track"] == direct["on_track"] == 1
    domains = {f.label: f.value for f in d.by_domain}
    assert domains["宪法"] == 1 and domains["民法典"] == 2
    children = {c.region.name: c for c in d.children}
    assert (
        children["沱河社区"].activities == 2 and children["桃园社区"].activities == 2
    )  # the joint one counts for both
    assert "progress" in children["沱河社区"].url
    html = response.content.decode()
    assert 'data-chart="month-chart"' in html and "桃园社区" in html


@time_machine.travel(TODAY, tick=False)
def test_drill_down_to_unit_and_records(client_for, world, office_user):
    setup_year(world)
    c = client_for(office_user)
    d = c.get(reverse("progress:dashboard"), {"region": world.community_b.pk}).context["d"]
    unit_row = next(u for u in d.units if u.unit.pk == world.committee_b.pk)
    assert unit_row.activities == 2 and unit_row.lagging == 1
    page = c.get(unit_row.url)
    assert page.status_code == 200
    items = page.context["tasks"]
    checks = items[0].targets[0].checks
    assert [c.value for c in checks][:2] == [0, 1]
    records = c.get(checks[1].url)
    assert records.status_code == 200
    assert "民法典进社区" in records.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_status_list_and_htmx_partial(client_for, world, office_user):
    setup_year(world)
    c = client_for(office_user)
    html = c.get(
        reverse("progress:status-list"), {"region": world.street_a.pk, "status": "lagging"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in html and "桃园社区居委会" in html and "沱河社区居委会" not in html


@time_machine.travel(TODAY, tick=False)
def test_export_opens_with_the_same_figures(client_for, world, office_user):
    setup_year(world)
    response = client_for(office_user).get(reverse("progress:dashboard-export"), {"region": world.street_a.pk})
    workbook = load_workbook(io.BytesIO(response.content))
    summary = {row[0]: row[1] for row in workbook["概况"].iter_rows(values_only=True)}
    assert summary["活动场次"] == 3 and summary["任务状态：滞后"] == 1
    assert [r[0] for r in workbook["下级区划"].iter_rows(values_only=True)][1:] == [
        "桃园社区",
        "沱河社区",
    ]  # pinyin order


@time_machine.travel(TODAY, tick=False)
def test_dashboard_query_count_is_bounded(client_for, world, office_user, django_assert_max_num_queries):
    setup_year(world)
    c = client_for(office_user)
    with django_assert_max_num_queries(40):
        c.get(reverse("progress:dashboard"), {"region": world.street_a.pk})


@time_machine.travel(TODAY, tick=False)
def test_recording_an_activity_updates_status_at_once(client_for, world, office_user):
    task = setup_year(world)
    record(world.committee_b, D(2026, 1, 20), kind="ztjz", people=10)
    row = ProgressStatus.objects.get(task=task, unit=world.committee_b, target__isnull=True)
    assert row.status == "on_track"


@time_machine.travel(TODAY, tick=False)
def test_home_panel_for_liaison_and_office(client_for, world, liaison, office_user):
    setup_year(world)
    html = client_for(liaison).get(reverse("home")).content.decode()
    assert "本单位任务进度" in html and "每季度一堂法制课" in html and "2026年9月30日" in html
    office_html = client_for(office_user).get(reverse("home")).content.decode()
    assert "沱河街道任务进度" in office_html
    assert 'pufa-status-lagging">滞后</span> 1' in office_html


@time_machine.travel(TODAY, tick=False)
def test_dashboard_counts_only_plans_running_in_the_year(client_for, world, office_user):
    setup_year(world)
    old = make_plan(
        world.office_unit, title="沱河街道2024年普法工作要点", period_start=D(2024, 1, 1), period_end=D(2024, 12, 31)
    )
    make_task(old, title="2024年的任务", units={"responsible": [world.committee_a]})
    services.refresh(today=D(2026, 8, 15))
    c = client_for(office_user)
    statuses = {
        f.extra: f.value
        for f in c.get(reverse("progress:dashboard"), {"region": world.street_a.pk}).context["d"].statuses
    }
    assert statuses["overdue"] == 0 and sum(statuses.values()) == 2
    old_year = {
        f.extra: f.value
        for f in c.get(reverse("progress:dashboard"), {"region": world.street_a.pk, "year": 2024}).context["d"].statuses
    }
    assert old_year["overdue"] == 0 and old_year["unfinished"] == 1  # a closed plan's outcome is final
    page = c.get(reverse("progress:dashboard"), {"region": world.street_a.pk, "year": 2024}).content.decode()
    assert "沱河街道2024年普法工作要点（已结束）" in page  # the page says which plans it covers


@time_machine.travel(TODAY, tick=False)
def test_region_figures_link_to_exactly_their_records(client_for, world, office_user, other_office):
    setup_year(world)
    record(world.other_office_unit, D(2026, 3, 3), people=9)  # street B: not in street A's figures
    c = client_for(office_user)
    d = c.get(reverse("progress:dashboard"), {"region": world.street_a.pk}).context["d"]
    page = c.get(d.totals[0].url)
    assert page.status_code == 200
    html = page.content.decode()
    marker = 'data-testid="activity-count">'
    assert (
        html[html.index(marker) + len(marker) :].split("<", 1)[0].strip() == f"共 {d.totals[0].value} 条" == "共 3 条"
    )
    child = next(ch for ch in d.children if ch.region.pk == world.community_b.pk)
    html = c.get(child.records_url).content.decode()
    assert html[html.index(marker) + len(marker) :].split("<", 1)[0].strip() == f"共 {child.activities} 条" == "共 2 条"
    assert client_for(other_office).get(d.totals[0].url).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_cached_dashboard_is_never_stale(client_for, world, office_user, django_assert_max_num_queries):
    setup_year(world)
    c = client_for(office_user)
    url = reverse("progress:dashboard")
    first = c.get(url, {"region": world.street_a.pk}).context["d"].totals[0].value
    with django_assert_max_num_queries(12):  # served from the cache: session, user, grants, nav, freshness
        assert c.get(url, {"region": world.street_a.pk}).context["d"].totals[0].value == first
    record(world.committee_b, D(2026, 6, 2), people=5)
    assert c.get(url, {"region": world.street_a.pk}).context["d"].totals[0].value == first + 1
    from pufa.org import services as org_services

    org_services.unit_update(
        actor=SYSTEM,
        unit=world.committee_b,
        data=org_services.UnitData(name="桃园社区居民委员会", kind=world.committee_b.kind, region=world.community_b),
    )
    d = c.get(url, {"region": world.community_b.pk}).context["d"]
    assert [u.unit.name for u in d.units] == ["桃园社区居民委员会"]


@time_machine.travel(TODAY, tick=False)
def test_my_tasks_reads_progress_statuses(client_for, world, liaison, django_assert_max_num_queries):
    """我的任务 shows progress's status of each task (never one decided by the date alone), the current plans'
    tasks first and an ended plan's tasks as history with their final outcome."""
    task = setup_year(world)
    dated = make_task(
        task.plan,
        title="6月底前报送的任务",
        deadline_kind="date",
        deadline=D(2026, 6, 30),
        units={"lead": [world.committee_a]},
    )
    record(world.committee_a, D(2026, 6, 1), kind="jzxc", people=5).tasks.add(dated)
    missed = make_task(
        task.plan,
        title="已过期限未完成的任务",
        deadline_kind="date",
        deadline=D(2026, 3, 31),
        units={"lead": [world.committee_a]},
    )
    old = make_plan(world.office_unit, title="2024年要点", period_start=D(2024, 1, 1), period_end=D(2024, 12, 31))
    make_task(old, title="2024年的任务", units={"lead": [world.committee_a]})
    make_task(task.plan, title="别的社区的任务", units={"lead": [world.committee_b]})
    services.refresh(today=D(2026, 8, 15))
    c = client_for(liaison)
    with django_assert_max_num_queries(14):
        response = c.get(reverse("progress:my-tasks"))
    html = response.content.decode()
    own = {s.task_id: s.status for s in ProgressStatus.objects.filter(unit=world.committee_a, target__isnull=True)}
    assert own[dated.pk] == "done" and own[missed.pk] == "overdue"
    assert f'data-status="{own[dated.pk]}">已完成' in html  # the deadline has passed, and it was done
    assert 'data-status="overdue">逾期' in html and html.index("已过期限未完成的任务") < html.index("6月底前报送的任务")
    assert "别的社区的任务" not in html and "截止日已过" not in html
    assert 'data-status="unfinished">未完成' in html.split('data-testid="ended-tasks"')[1]  # history, final
    partial = c.get(reverse("progress:my-tasks"), {"role": "lead"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "已过期限未完成的任务" in partial and "每季度一堂法制课" not in partial
