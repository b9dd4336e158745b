"""The participation rows' copies of their activity's domains, audiences, tasks, typical-practice flag and title
(ActivityUnit.domain_keys, audience_keys, task_keys, is_highlight, title): written by every ledger write path,
equal to the activity's own, and what an office's domain, audience, task, typical-practice filter or title
search reads."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache

from pufa.core.models import Domain
from pufa.ledger import selectors, services
from pufa.ledger.models import Activity, ActivityUnit
from pufa.ledger.selectors import ActivityFilter
from pufa.org.access import SYSTEM
from tests.factories import make_activity, make_plan, make_task


def assert_copies_match_the_links() -> None:
    """Every participation row's copies hold exactly its activity's domain and audience ids."""
    domains: dict[int, list[int]] = {}
    audiences: dict[int, list[int]] = {}
    for activity_id, domain_id in Activity.domains.through.objects.values_list("activity_id", "domain_id"):
        domains.setdefault(activity_id, []).append(domain_id)
    for activity_id, audience_id in Activity.audiences.through.objects.values_list("activity_id", "audience_id"):
        audiences.setdefault(activity_id, []).append(audience_id)
    tasks: dict[int, list[int]] = {}
    for activity_id, task_id in Activity.tasks.through.objects.values_list("activity_id", "task_id"):
        tasks.setdefault(activity_id, []).append(task_id)
    highlights = set(Activity.all_objects.filter(is_highlight=True).values_list("pk", flat=True))
    titles = dict(Activity.all_objects.values_list("pk", "title"))
    rows = list(
        ActivityUnit.objects.values_list(
            "activity_id", "domain_keys", "audience_keys", "is_highlight", "task_keys", "title"
        )
    )
    assert rows
    for activity_id, domain_keys, audience_keys, is_highlight, task_keys, title in rows:
        assert domain_keys == ActivityUnit.keys_of(domains.get(activity_id, [])), activity_id
        assert audience_keys == ActivityUnit.keys_of(audiences.get(activity_id, [])), activity_id
        assert is_highlight == (activity_id in highlights), activity_id
        assert task_keys == ActivityUnit.keys_of(tasks.get(activity_id, [])), activity_id
        assert title == titles[activity_id], activity_id


def run_data_migration(name: str) -> None:
    """Run a ledger data migration's function on the test database, through the part of a schema editor it
    uses (`connection`, `execute`), without the editor's DDL transaction rules."""
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    class Editor:
        def __init__(self) -> None:
            self.connection = connection

        def execute(self, sql: str) -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql)

    import_module(f"pufa.ledger.migrations.{name}").fill(apps, Editor())


def test_keys_are_sorted_delimited_ids_matched_whole():
    assert ActivityUnit.keys_of([12, 3, 3]) == ",3,12,"
    assert ActivityUnit.keys_of([]) == ""
    rows = [",3,12,", ",13,", ",1,23,", ""]
    matched = [keys for keys in rows if any(f",{pk}," in keys for pk in (3, 2))]
    assert matched == [",3,12,"]  # 3 matches ",3," only, never 13 or 23


def test_every_write_keeps_the_copies_of_each_participation_row(world, office_user):
    plan = make_plan(world.office_unit)
    first_task = make_task(plan, title="宪法宣传周", units={"responsible": [world.committee_a]})
    second_task = make_task(plan, title="民法典宣传月", units={"responsible": [world.committee_a]})
    activity = make_activity(
        world.committee_a,
        title="宪法进社区",
        tasks=[first_task, second_task],
        domains=["xianfa", "minfadian"],
        audiences=["sqjm", "qsn"],
        co_organisers=[world.committee_b, world.judicial_office],
    )
    assert ActivityUnit.objects.filter(activity=activity).count() == 3
    assert_copies_match_the_links()
    data = services.ActivityData(
        unit=world.committee_a,
        title="宪法进社区",
        kind=activity.kind,
        date=dt.date(2026, 3, 16),
        co_organisers=[world.committee_b],
        domains=[Domain.objects.get(code="fnet-hyjt")],
        audiences=[],
        tasks=[second_task],
    )
    services.activity_set_highlight(actor=office_user, activity=activity, value=True)
    assert set(ActivityUnit.objects.filter(activity=activity).values_list("is_highlight", flat=True)) == {True}
    assert_copies_match_the_links()
    services.activity_return(actor=office_user, activity=activity, reason="请改正领域")
    activity.refresh_from_db()
    services.activity_update(actor=SYSTEM, activity=activity, data=data)
    assert_copies_match_the_links()
    assert set(ActivityUnit.objects.filter(activity=activity).values_list("domain_keys", "audience_keys")) == {
        (ActivityUnit.keys_of([Domain.objects.get(code="fnet-hyjt").pk]), "")
    }
    services.activity_delete(actor=office_user, activity=activity)
    assert_copies_match_the_links()


def test_an_offices_domain_and_audience_filters_read_the_copies(world, office_user):
    """The office's list (broad path) and the plain activity query (link tables) agree only if the copies are
    right: here a copy is spoiled on purpose and the office's filter follows the copy."""
    constitution = make_activity(world.committee_a, title="宪法宣传", domains=["xianfa"], audiences=["qsn"])
    make_activity(world.committee_b, title="民法典宣传", domains=["minfadian"], audiences=["sqjm"])
    by_copy = ActivityFilter(domains=["xianfa"])
    assert [a.title for a in selectors.activity_page(actor=office_user, filters=by_copy).rows] == ["宪法宣传"]
    by_audience = ActivityFilter(audiences=["sqjm"])
    assert [a.title for a in selectors.activity_page(actor=office_user, filters=by_audience).rows] == ["民法典宣传"]
    ActivityUnit.objects.filter(activity=constitution).update(domain_keys="")
    cache.clear()  # the spoiling bypasses the services, so no stamp moved: drop the list kept under the old one
    assert selectors.activity_page(actor=office_user, filters=ActivityFilter(domains=["xianfa"])).rows == []


def test_the_migration_fills_the_copies_of_existing_rows(world):
    """0011 fills the copies in one UPDATE per copy, in each database's dialect (run here on both)."""
    make_activity(
        world.committee_a, domains=["xianfa", "minfadian"], audiences=["qsn"], co_organisers=[world.committee_b]
    )
    make_activity(world.committee_b, domains=["fnet-hyjt"], audiences=[])
    ActivityUnit.objects.update(domain_keys="", audience_keys="")

    run_data_migration("0011_fill_participation_keys")
    assert_copies_match_the_links()
    assert ActivityUnit.objects.exclude(domain_keys="").count() == 3


def test_a_districts_typical_practice_is_read_from_its_rows_copy(world, office_user):
    """Below the whole city, 典型做法 is read from the scope's rows (their copy of the flag): a spoiled copy
    shows in the office's list, which would not happen if the activities' own flag were read."""
    typical = make_activity(world.committee_a, title="典型：法治夜市")
    make_activity(world.committee_b, title="普通宣传")
    services.activity_set_highlight(actor=office_user, activity=typical, value=True)
    f = ActivityFilter(highlight=True)
    assert [a.title for a in selectors.activity_page(actor=office_user, filters=f).rows] == ["典型：法治夜市"]
    assert selectors.activity_count(actor=office_user, filters=ActivityFilter(highlight=True)) == (1, False)
    ActivityUnit.objects.filter(activity=typical).update(is_highlight=False)
    cache.clear()  # spoiled behind the services' back: no stamp moved
    assert selectors.activity_page(actor=office_user, filters=ActivityFilter(highlight=True)).rows == []


def test_an_offices_task_filter_reads_the_rows_copy(world, office_user):
    task = make_task(make_plan(world.office_unit), title="宪法宣传周", units={"responsible": [world.committee_a]})
    counted = make_activity(world.committee_a, title="宪法宣传周活动", tasks=[task])
    make_activity(world.committee_a, title="另一活动")
    f = ActivityFilter(tasks=[task.pk])
    assert [a.title for a in selectors.activity_page(actor=office_user, filters=f).rows] == ["宪法宣传周活动"]
    ActivityUnit.objects.filter(activity=counted).update(task_keys="")
    cache.clear()  # spoiled behind the services' back: no stamp moved
    assert selectors.activity_page(actor=office_user, filters=ActivityFilter(tasks=[task.pk])).rows == []


def test_the_migration_fills_the_highlight_and_task_copies(world):
    task = make_task(make_plan(world.office_unit), units={"responsible": [world.committee_a]})
    typical = make_activity(world.committee_a, co_organisers=[world.committee_b], tasks=[task])
    Activity.all_objects.filter(pk=typical.pk).update(is_highlight=True)  # as before the copy existed
    make_activity(world.committee_b)
    ActivityUnit.objects.update(task_keys="")

    run_data_migration("0014_fill_highlight_and_task_copies")
    assert_copies_match_the_links()
    assert ActivityUnit.objects.filter(is_highlight=True).count() == 2
    assert ActivityUnit.objects.filter(task_keys=f",{task.pk},").count() == 2


def test_an_offices_title_search_reads_the_rows_copy(world, office_user):
    """The office's title search checks its rows' copy of the title: renaming the activity through the
    services moves the copy (the list finds the new title at once), and a copy spoiled behind the services'
    back is what the list follows."""
    meeting = make_activity(
        world.committee_a, title="宪法宣传进社区", co_organisers=[world.committee_b], status="submitted"
    )
    make_activity(world.committee_b, title="民法典讲座", status="submitted")
    search = ActivityFilter(q="宪法")
    assert [a.title for a in selectors.activity_page(actor=office_user, filters=search).rows] == ["宪法宣传进社区"]
    services.activity_return(actor=office_user, activity=meeting, reason="标题有误")
    data = services.ActivityData(
        unit=world.committee_a,
        title="民法典宣传进社区",
        kind=meeting.kind,
        date=meeting.date,
        co_organisers=[world.committee_b],
        people_onsite=30,
    )
    services.activity_update(actor=SYSTEM, activity=meeting, data=data)
    assert_copies_match_the_links()
    assert selectors.activity_page(actor=office_user, filters=ActivityFilter(q="宪法", status="returned")).rows == []
    assert selectors.activity_count(actor=office_user, filters=ActivityFilter(q="民法典")) == (2, False)
    ActivityUnit.objects.filter(activity=meeting).update(title="")
    cache.clear()  # spoiled behind the services' back: no stamp moved
    assert [a.title for a in selectors.activity_page(actor=office_user, filters=ActivityFilter(q="民法典")).rows] == [
        "民法典讲座"
    ]


def test_the_migration_fills_the_title_copy(world):
    make_activity(world.committee_a, title="宪法宣传周", co_organisers=[world.committee_b])
    make_activity(world.committee_b, title="法律明白人培训")
    ActivityUnit.objects.update(title="")

    run_data_migration("0018_fill_activity_title_copy")
    assert_copies_match_the_links()
    assert ActivityUnit.objects.filter(title="宪法宣传周").count() == 2
