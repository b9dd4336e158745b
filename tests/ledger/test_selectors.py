"""Ledger reads: who sees which activities and files, the list filters, keyset paging, the calendar,
key-date coverage and task suggestions."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.http import Http404

from pufa.ledger import selectors, services
from pufa.ledger.models import Activity
from pufa.ledger.selectors import ActivityFilter
from pufa.org.access import SYSTEM
from tests.factories import UnitFactory, make_activity, make_plan, make_task, member_of
from tests.ledger.conftest import jpeg_bytes


def titles(actor, **filters) -> list[str]:
    return list(selectors.activity_list(actor=actor, filters=ActivityFilter(**filters)).values_list("title", flat=True))


@pytest.fixture
def ledger(world):
    """Activities across the cast's units: one joint activity of both communities and the judicial office."""
    return {
        "a": make_activity(world.committee_a, title="沱河社区宪法宣传", date=dt.date(2026, 3, 5), domains=["xianfa"]),
        "b": make_activity(world.committee_b, title="桃园社区禁毒宣传", date=dt.date(2026, 6, 20), kind="jzxc"),
        "joint": make_activity(
            world.judicial_office,
            title="司法所联合两社区以案释法",
            date=dt.date(2026, 4, 15),
            kind="yasf",
            co_organisers=[world.committee_a, world.committee_b],
            status="confirmed",
        ),
        "other": make_activity(world.other_office_unit, title="三八街道法治讲座", date=dt.date(2026, 5, 1)),
        "draft": make_activity(world.committee_a, title="宪法宣传周计划", date=dt.date(2026, 12, 1), status="draft"),
    }


def test_liaison_sees_own_and_co_organised_activities(world, liaison, ledger):
    assert titles(liaison) == ["宪法宣传周计划", "司法所联合两社区以案释法", "沱河社区宪法宣传"]


def test_other_liaison_does_not_see_the_first_communitys_records(world, other_liaison, ledger):
    assert titles(other_liaison) == ["桃园社区禁毒宣传", "司法所联合两社区以案释法"]


def test_office_sees_its_region_once_per_activity(world, office_user, ledger):
    seen = titles(office_user)
    assert seen == ["宪法宣传周计划", "桃园社区禁毒宣传", "司法所联合两社区以案释法", "沱河社区宪法宣传"]
    assert selectors.capped_count(selectors.activity_list(actor=office_user)) == (4, False)


def test_other_office_sees_co_organised_activity_only_through_its_unit(world, other_office, ledger):
    assert titles(other_office) == ["三八街道法治讲座"]
    joint = make_activity(
        world.committee_a, title="跨街道联合普法", date=dt.date(2026, 2, 1), co_organisers=[world.other_office_unit]
    )
    # A co-organiser in another street is a request: invisible to that side until the unit accepts it.
    assert titles(other_office) == ["三八街道法治讲座"]
    request = selectors.consent_requests(actor=other_office).get()
    services.co_organiser_consent(actor=other_office, participation=request, accept=True)
    assert titles(other_office) == ["三八街道法治讲座", "跨街道联合普法"]
    assert selectors.activity_get(actor=other_office, pk=joint.pk).title == "跨街道联合普法"


def test_anonymous_and_unit_less_users_see_nothing(world, ledger, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert titles(AnonymousUser()) == []
    assert titles(django_user_model.objects.create(username="nobody")) == []


def test_activity_get_is_404_outside_scope_and_for_deleted_records_unless_unit_or_office(
    world, liaison, other_liaison, office_user, inspector, ledger
):
    with pytest.raises(Http404):
        selectors.activity_get(actor=other_liaison, pk=ledger["a"].pk)
    services.activity_delete(actor=liaison, activity=ledger["draft"])
    with pytest.raises(Http404):
        selectors.activity_get(actor=inspector, pk=ledger["draft"].pk, include_deleted=True)
    assert selectors.activity_get(actor=liaison, pk=ledger["draft"].pk, include_deleted=True).is_deleted
    assert selectors.activity_get(actor=office_user, pk=ledger["draft"].pk, include_deleted=True).is_deleted
    assert "宪法宣传周计划" not in titles(office_user)
    assert titles(office_user, status="deleted") == ["宪法宣传周计划"]


def test_evidence_is_scoped_through_its_activity(world, liaison, other_liaison, office_user, other_office, ledger):
    evidence = services.evidence_add(
        actor=SYSTEM,
        activity=ledger["draft"],
        upload=services.EvidenceUpload(file=io.BytesIO(jpeg_bytes()), name="计划.jpg"),
    )
    assert selectors.evidence_get(actor=liaison, pk=evidence.pk) == evidence
    assert selectors.evidence_get(actor=office_user, pk=evidence.pk) == evidence
    for outsider in (other_liaison, other_office):
        with pytest.raises(Http404):
            selectors.evidence_get(actor=outsider, pk=evidence.pk)
    services.evidence_delete(actor=liaison, evidence=evidence)
    # A deleted file stays with those who may restore it: the unit's liaison and the office.
    assert selectors.evidence_get(actor=liaison, pk=evidence.pk).is_deleted
    assert selectors.evidence_get(actor=office_user, pk=evidence.pk).is_deleted
    member = member_of(world.committee_a, "member", username="member")
    with pytest.raises(Http404):
        selectors.evidence_get(actor=member, pk=evidence.pk)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kinds": ["yasf"]}, ["司法所联合两社区以案释法"]),
        ({"domains": ["xianfa"]}, ["沱河社区宪法宣传"]),
        ({"audiences": ["sqjm"], "status": "confirmed"}, ["司法所联合两社区以案释法"]),
        ({"status": "counted"}, ["桃园社区禁毒宣传", "司法所联合两社区以案释法", "沱河社区宪法宣传"]),
        ({"status": "draft"}, ["宪法宣传周计划"]),
        ({"start": dt.date(2026, 4, 1), "end": dt.date(2026, 6, 30)}, ["桃园社区禁毒宣传", "司法所联合两社区以案释法"]),
        ({"q": "宪法"}, ["宪法宣传周计划", "沱河社区宪法宣传"]),
    ],
)
def test_list_filters(world, office_user, ledger, filters, expected):
    assert titles(office_user, **filters) == expected


def test_unit_filter_takes_the_subtree_and_participant_the_unit_itself(world, office_user, ledger):
    child = UnitFactory(name="沱河社区网格站", region=world.community_a, parent=world.committee_a, code="tuohe-wg")
    make_activity(child, title="网格站入户普法", date=dt.date(2026, 1, 10))
    assert titles(office_user, unit=world.committee_a) == [
        "宪法宣传周计划",
        "司法所联合两社区以案释法",
        "沱河社区宪法宣传",
        "网格站入户普法",
    ]
    assert titles(office_user, participant=world.committee_b) == ["桃园社区禁毒宣传", "司法所联合两社区以案释法"]


def test_task_filter(world, office_user, liaison, ledger):
    task = make_task(make_plan(world.office_unit), units={"responsible": [world.committee_a]})
    make_activity(world.committee_a, title="计入任务的活动", tasks=[task])
    assert titles(office_user, tasks=[task.pk]) == ["计入任务的活动"]


def test_keyset_pages_cover_every_row_once(world, office_user):
    for i in range(23):
        make_activity(world.committee_a, title=f"活动{i:02d}", date=dt.date(2026, 1, 1) + dt.timedelta(days=i // 3))
    activities = selectors.activity_list(actor=office_user)
    pages, cursor = [], ""
    while True:
        page = selectors.keyset_page(activities, after=cursor, size=10)
        pages.append([a.title for a in page.rows])
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert [len(p) for p in pages] == [10, 10, 3]
    flat = [t for p in pages for t in p]
    assert flat == list(activities.values_list("title", flat=True)) and len(set(flat)) == 23
    second = selectors.keyset_page(activities, after=selectors.keyset_page(activities, size=10).next_cursor, size=10)
    back = selectors.keyset_page(activities, before=second.prev_cursor, size=10)
    assert [a.title for a in back.rows] == pages[0] and back.is_first
    assert selectors.capped_count(activities, cap=20) == (20, True)
    assert selectors.keyset_page(activities, after="garbage!!", size=5).is_first


def test_calendar_month_shows_key_dates_counts_and_plans(world, liaison):
    for i in range(5):
        make_activity(world.committee_a, title=f"12月4日宣传{i}", date=dt.date(2025, 12, 4))
    make_activity(world.committee_a, title="宪法宣传周计划", date=dt.date(2025, 12, 2), status="draft")
    weeks = selectors.calendar_month(actor=liaison, year=2025, month=12)
    days = {d.date: d for w in weeks for d in w}
    assert all(len(w) == 7 for w in weeks) and weeks[0][0].date.weekday() == 0
    dec4 = days[dt.date(2025, 12, 4)]
    assert {k.name for k in dec4.key_dates} >= {"国家宪法日", "宪法宣传周"}
    assert dec4.total == 5 and len(dec4.entries) == 3 and dec4.more == 2
    dec2 = days[dt.date(2025, 12, 2)]
    assert dec2.planned == 1 and dec2.entries[0].planned
    assert "全国交通安全日" in {k.name for k in dec2.key_dates}


def test_key_date_coverage_for_a_unit(world, liaison):
    make_activity(world.committee_a, title="妇女节维权宣传", date=dt.date(2026, 3, 10), domains=["fnet-hyjt"])
    make_activity(world.committee_a, title="消费维权（领域不符）", date=dt.date(2026, 3, 14), domains=["xianfa"])
    make_activity(world.committee_a, title="国家安全教育日", date=dt.date(2026, 4, 15), domains=["xianfa"])
    make_activity(world.committee_a, title="宪法日计划", date=dt.date(2026, 12, 4), domains=["xianfa"], status="draft")
    states = {
        c.key_date.name: c.state for c in selectors.key_date_coverage(actor=liaison, year=2026, unit=world.committee_a)
    }
    assert states["国际劳动妇女节"] == "done"  # 3.10 is within a week of 3.8 and shares the domain
    assert states["国际消费者权益日"] == "missed"  # in the window but on another subject
    assert states["全民国家安全教育日"] == "done"  # the key date names no domain: any activity counts
    assert states["国家宪法日"] == "planned"
    assert states["全国防灾减灾日"] == "missed"  # 5.12 + a week is past on 'today' (2026-06-20)
    assert states["国际禁毒日"] == "open"  # 6.26 is still ahead
    assert states["国庆节"] == "open"


def test_task_suggestions_follow_roles_period_and_deadline(world, liaison):
    plan = make_plan(world.office_unit)
    responsible = make_task(plan, title="每季度一堂法制课", units={"responsible": [world.committee_a]})
    make_task(plan, title="别的社区的任务", units={"responsible": [world.committee_b]})
    past = make_task(
        plan,
        title="3月底前完成清单",
        units={"lead": [world.committee_a]},
        deadline_kind="date",
        deadline=dt.date(2026, 3, 31),
    )
    last_year = make_task(
        make_plan(world.office_unit, period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31)),
        title="去年的任务",
        units={"participant": [world.committee_a]},
    )
    on_june = selectors.task_suggestions(actor=liaison, unit=world.committee_a, on=dt.date(2026, 6, 1))
    assert [t.title for t in on_june] == ["每季度一堂法制课"]
    on_march = selectors.task_suggestions(actor=liaison, unit=world.committee_a, on=dt.date(2026, 3, 1))
    assert {t.title for t in on_march} == {"每季度一堂法制课", "3月底前完成清单"}
    kept = selectors.task_suggestions(actor=liaison, unit=world.committee_a, on=dt.date(2026, 6, 1), keep=[past.pk])
    assert [t.title for t in kept] == ["每季度一堂法制课", "3月底前完成清单"]
    assert [
        t.title for t in selectors.task_suggestions(actor=liaison, unit=world.committee_a, on=dt.date(2025, 5, 1))
    ] == [last_year.title]
    assert responsible.pk in {t.pk for t in on_june}


def test_totals_by_kind_and_by_unit(world, office_user, ledger):
    activities = selectors.activity_list(actor=office_user, filters=ActivityFilter(status="counted"))
    by_kind = {t.label: (t.activities, t.people, t.materials) for t in selectors.totals_by_kind(activities)}
    assert by_kind == {"集中宣传": (1, 60, 100), "专题讲座/法治课": (1, 60, 100), "以案释法": (1, 60, 100)}
    by_unit = {t.label: t.activities for t in selectors.totals_by_unit(activities)}
    assert by_unit == {"沱河社区居委会": 2, "桃园社区居委会": 2, "沱河街道司法所": 1}


def test_list_activity_count_is_exact_for_a_narrow_scope(world, liaison, ledger):
    activities = selectors.activity_list(actor=liaison)
    assert isinstance(activities.first(), Activity)
    assert selectors.capped_count(activities) == (3, False)


def _walk(actor, filters: ActivityFilter, size: int) -> list[str]:
    seen, cursor = [], ""
    while True:
        page = selectors.activity_page(actor=actor, filters=filters, after=cursor, size=size)
        seen.extend(a.title for a in page.rows)
        if not page.next_cursor:
            return seen
        cursor = page.next_cursor


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"status": "counted"},
        {"kinds": ["yasf", "jzxc"]},
        {"domains": ["xianfa"]},
        {"audiences": ["sqjm"], "start": dt.date(2026, 4, 1)},
        {"q": "宪法"},
        {"status": "deleted"},
    ],
)
def test_office_pages_agree_with_the_plain_query_and_show_joint_activities_once(world, office_user, ledger, filters):
    """The office's list is read from the participants index (broad path); it must list exactly what the
    plain activity query lists, in the same order, each joint activity once."""
    services.activity_delete(actor=office_user, activity=ledger["b"])
    for i in range(7):
        make_activity(
            world.committee_a,
            title=f"联合活动{i}",
            date=dt.date(2026, 4, 15),
            co_organisers=[world.committee_b, world.judicial_office],
        )
    f = ActivityFilter(**filters)
    expected = list(selectors.activity_list(actor=office_user, filters=f).values_list("title", flat=True))
    assert _walk(office_user, f, size=3) == expected
    assert selectors.activity_count(actor=office_user, filters=f) == (len(expected), False)
    assert selectors.activity_count(actor=office_user, filters=f, cap=2) == (
        (2, True) if len(expected) > 2 else (len(expected), False)
    )


@pytest.mark.parametrize("cap", [1000, 4])
@pytest.mark.parametrize("filters", [{}, {"kinds": ["yasf"]}, {"status": "returned"}, {"start": dt.date(2026, 4, 1)}])
def test_office_pages_read_the_scope_for_few_matches_and_the_dates_for_many(
    world, office_user, ledger, monkeypatch, cap, filters
):
    """A filter the scope holds at most COUNT_CAP rows of is paged from the scope's own rows, a common one by
    walking the dates (patched cap 4: both happen here); either way the pages, both cursors and the count the
    view reads after the page are those of the plain query."""
    monkeypatch.setattr(selectors, "COUNT_CAP", cap)
    for i in range(6):
        make_activity(world.committee_b, title=f"以案释法{i}", date=dt.date(2026, 5, 1 + i), kind="yasf")
    make_activity(world.committee_a, title="退回的以案释法", date=dt.date(2026, 5, 3), kind="yasf", status="returned")
    f = ActivityFilter(**filters)
    expected = list(selectors.activity_list(actor=office_user, filters=f).values_list("title", flat=True))
    assert _walk(office_user, f, size=2) == expected
    first = selectors.activity_page(actor=office_user, filters=f, size=2)
    count = selectors.activity_count(actor=office_user, filters=f, cap=cap)
    assert count == ((cap, True) if len(expected) > cap else (len(expected), False))
    if first.next_cursor:
        second = selectors.activity_page(actor=office_user, filters=f, after=first.next_cursor, size=2)
        back = selectors.activity_page(actor=office_user, filters=f, before=second.prev_cursor, size=2)
        assert [a.title for a in back.rows] == expected[:2] and back.is_first


def test_the_count_handed_from_the_page_is_used_once(world, office_user, ledger):
    f = ActivityFilter()
    selectors.activity_page(actor=office_user, filters=f)
    before = selectors.activity_count(actor=office_user, filters=f)
    make_activity(world.committee_a, title="新增活动", date=dt.date(2026, 6, 1))
    assert selectors.activity_count(actor=office_user, filters=f) == (before[0] + 1, False)


def test_office_page_goes_back_with_the_before_cursor(world, office_user):
    for i in range(7):
        make_activity(world.committee_a, title=f"活动{i}", date=dt.date(2026, 1, 1) + dt.timedelta(days=i))
    first = selectors.activity_page(actor=office_user, size=3)
    second = selectors.activity_page(actor=office_user, after=first.next_cursor, size=3)
    back = selectors.activity_page(actor=office_user, before=second.prev_cursor, size=3)
    assert [a.title for a in first.rows] == ["活动6", "活动5", "活动4"]
    assert [a.title for a in second.rows] == ["活动3", "活动2", "活动1"] and not second.is_first
    assert [a.title for a in back.rows] == ["活动6", "活动5", "活动4"] and back.is_first


def test_region_filter(world, office_user, ledger):
    assert titles(office_user, region=world.community_b) == ["桃园社区禁毒宣传", "司法所联合两社区以案释法"]
    page = selectors.activity_page(actor=office_user, filters=ActivityFilter(region=world.street_a), size=10)
    assert [a.title for a in page.rows] == titles(office_user, region=world.street_a)
    assert "三八街道法治讲座" not in titles(office_user, region=world.street_a)


@pytest.mark.parametrize("narrow_ids", [5000, 1])
def test_a_chosen_units_pages_are_read_from_its_ids_and_agree_with_the_plain_query(
    world, office_user, ledger, monkeypatch, narrow_ids
):
    """A unit chosen is a narrow list: its matches are read whole by id (the count and the page from them), or —
    beyond NARROW_IDS (patched to 1 here) — walked in date order; both give the plain query's pages and count."""
    monkeypatch.setattr(selectors, "NARROW_IDS", narrow_ids)
    for i in range(5):
        make_activity(world.committee_a, title=f"沱河社区普法{i}", date=dt.date(2026, 2, 1 + i))
    f = ActivityFilter(unit=world.committee_a)
    expected = list(selectors.activity_list(actor=office_user, filters=f).values_list("title", flat=True))
    assert len(expected) == 8 and "司法所联合两社区以案释法" in expected and "桃园社区禁毒宣传" not in expected
    assert _walk(office_user, f, size=2) == expected
    selectors.activity_page(actor=office_user, filters=f, size=2)
    assert selectors.activity_count(actor=office_user, filters=f) == (8, False)
    assert selectors.activity_count(actor=office_user, filters=f, cap=3) == (3, True)
    first = selectors.activity_page(actor=office_user, filters=f, size=2)
    second = selectors.activity_page(actor=office_user, filters=f, after=first.next_cursor, size=2)
    back = selectors.activity_page(actor=office_user, filters=f, before=second.prev_cursor, size=2)
    assert [a.title for a in back.rows] == [a.title for a in first.rows] == expected[:2]


@pytest.mark.parametrize("filters", [{}, {"q": "以案释法"}, {"kinds": ["yasf"]}])
def test_a_districts_pages_beyond_the_cap_agree_with_the_plain_query(world, ledger, monkeypatch, filters):
    """A district office walks the dates (broad), limited to the dates its first read of keys proves hold the
    page (patched cap 4): every page, both cursors and the count are those of the plain query."""
    from pufa.org.models import Membership, Unit

    monkeypatch.setattr(selectors, "COUNT_CAP", 4)
    district_office = member_of(
        UnitFactory(name="测试区普法办", region=world.district, kind=Unit.Kind.OFFICE), Membership.Role.OFFICE
    )
    for i in range(9):
        unit = world.committee_b if i % 2 else world.other_office_unit
        make_activity(unit, title=f"以案释法{i}", date=dt.date(2026, 5, 1 + i), kind="yasf")
    f = ActivityFilter(**filters)
    expected = list(selectors.activity_list(actor=district_office, filters=f).values_list("title", flat=True))
    assert len(expected) > 4 and "三八街道法治讲座" in _walk(district_office, ActivityFilter(), size=3)
    assert _walk(district_office, f, size=2) == expected
    first = selectors.activity_page(actor=district_office, filters=f, size=2)
    assert selectors.activity_count(actor=district_office, filters=f, cap=4) == (4, True)
    second = selectors.activity_page(actor=district_office, filters=f, after=first.next_cursor, size=2)
    back = selectors.activity_page(actor=district_office, filters=f, before=second.prev_cursor, size=2)
    assert [a.title for a in back.rows] == [a.title for a in first.rows] == expected[:2]


@pytest.mark.parametrize("filters", [{}, {"status": "counted"}, {"kinds": ["yasf", "jzxc"]}, {"domains": ["xianfa"]}])
def test_a_street_beyond_the_cap_is_merged_from_its_regions_each_joint_activity_once(
    world, office_user, ledger, monkeypatch, filters
):
    """Beyond the cap a street's page is merged from each region's newest keys (`_merged_page`): an activity
    held by units of two communities comes from both regions' reads and is listed once; the pages forward
    and back are those of the plain query."""
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    for i in range(5):
        make_activity(
            world.committee_a,
            title=f"跨社区联合活动{i}",
            date=dt.date(2026, 4, 10 + i),
            kind="yasf",
            domains=["xianfa"],
            co_organisers=[world.committee_b, world.judicial_office],
        )
    f = ActivityFilter(**filters)
    assert selectors._region_paths(office_user, f) is not None  # the merged read is the one tested here
    expected = list(selectors.activity_list(actor=office_user, filters=f).values_list("title", flat=True))
    assert len(expected) > 2
    assert _walk(office_user, f, size=2) == expected
    first = selectors.activity_page(actor=office_user, filters=f, size=2)
    second = selectors.activity_page(actor=office_user, filters=f, after=first.next_cursor, size=2)
    back = selectors.activity_page(actor=office_user, filters=f, before=second.prev_cursor, size=2)
    assert [a.title for a in back.rows] == expected[:2] and back.is_first


def test_a_title_search_counts_to_its_own_smaller_cap_and_still_pages_everything(
    world, office_user, ledger, monkeypatch, client_for
):
    """A title search checks each row's title, so it counts no further than SEARCH_COUNT_CAP (patched to 2):
    the count and the page's message say so, and the pages still list every match."""
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 2)
    for i in range(4):
        make_activity(world.committee_b, title=f"宪法进校园{i}", date=dt.date(2026, 6, 1 + i))
    f = ActivityFilter(q="宪法")
    expected = list(selectors.activity_list(actor=office_user, filters=f).values_list("title", flat=True))
    assert len(expected) > 4
    assert selectors.activity_count(actor=office_user, filters=f) == (2, True)
    assert selectors.activity_count(actor=office_user, filters=ActivityFilter()) == (len(titles(office_user)), False)
    assert _walk(office_user, f, size=2) == expected
    html = client_for(office_user).get("/ledger/?q=宪法").content.decode()
    assert "超过 2 条，请用筛选缩小范围" in html


@pytest.mark.parametrize("rows_per_activity", [(1.25, 3), (3,), (1,)])
def test_the_first_read_of_keys_counts_each_joint_activity_once(world, office_user, monkeypatch, rows_per_activity):
    """On PostgreSQL the first read of an office's keys is made distinct in Python (`_first_keys`), reading more
    rows when the first read's are too few to be sure; with too few rows read every time (patched to one row
    per activity) the DISTINCT read answers; SQLite reads DISTINCT. Every way: the plain query's count. (Here
    each activity has three rows in the scope: (1.25, 3) needs its second read.)"""
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    monkeypatch.setattr(selectors, "_ROWS_PER_ACTIVITY", rows_per_activity)
    for i in range(3):
        make_activity(
            world.committee_a,
            title=f"三方联合{i}",
            date=dt.date(2026, 4, 1 + i),
            co_organisers=[world.committee_b, world.judicial_office],
        )
    f = ActivityFilter()
    assert selectors.activity_page(actor=office_user, filters=f, size=2).rows
    assert selectors.activity_count(actor=office_user, filters=f, cap=3) == (3, False)
    make_activity(world.committee_b, title="第四场", date=dt.date(2026, 4, 9))
    page = selectors.activity_page(actor=office_user, filters=f, size=2)
    assert [a.title for a in page.rows] == ["第四场", "三方联合2"]
    assert selectors.activity_count(actor=office_user, filters=f, cap=3) == (3, True)
