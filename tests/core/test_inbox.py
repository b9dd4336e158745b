"""The 待办 inbox on the home page: each role's lines equal direct counts of the records, and each line's
link lists exactly those records; members are told what they can do; notifications close when handled."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from pufa.core import home
from pufa.core.models import Notification
from pufa.core.notifications import unread_count
from pufa.duties import services as duty_services
from pufa.duties.models import DutyList
from pufa.ledger import services as ledger_services
from pufa.ledger.models import Activity
from pufa.org import services as org_services
from pufa.org.access import SYSTEM
from pufa.org.models import Feedback, Membership
from pufa.reports import services as report_services
from pufa.reports.models import Report
from tests.factories import duty_list, make_activity, member_of

NOW = dt.datetime(2026, 6, 10, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _june():
    with time_machine.travel(NOW, tick=False):
        yield


def _report(world, liaison, status: str) -> Report:
    report = report_services.report_start(actor=liaison, unit=world.committee_a, period="h1", year=2026)
    report = report_services.report_update(
        actor=liaison,
        report=report,
        title=report.title,
        intro=report.intro,
        practices="（一）开展民法典宣传。",
        problems=report.problems,
        plans="继续开展民法典宣传。",
    )
    if status != "draft":
        report_services.report_submit(actor=liaison, report=report)
    if status == "returned":
        report_services.report_return(actor=SYSTEM, report=report, reason="请补充典型案例")
    report.refresh_from_db()
    return report


@pytest.fixture
def busy(world, liaison, other_liaison):
    """Records in every state an inbox counts, on both sides of the office's region."""
    make_activity(world.committee_a, title="宪法宣传周进社区")
    make_activity(world.committee_b, title="民法典广场宣传")
    make_activity(world.committee_a, title="防诈骗讲座", status="returned")
    make_activity(world.committee_a, title="已确认的活动", status="confirmed")
    make_activity(world.other_office_unit, title="三八街道活动")  # outside the office's region
    duty_list(world.committee_b, status="submitted")
    duty_list(world.judicial_office, status="returned")
    _report(world, liaison, "returned")
    org_services.feedback_submit(
        actor=None, kind=Feedback.Kind.SUGGESTION, content="建议多开展讲座", region=world.street_a
    )
    return world


def _lines(user) -> dict[str, home.Todo]:
    return {t.label: t for t in home.inbox(user).todos}


def _listed(client, url: str) -> int:
    """How many records the page behind a link lists."""
    context = client.get(url).context
    if "count" in context:
        return context["count"]
    return context["page"].paginator.count


def test_office_inbox_equals_direct_counts_and_links(busy, client_for, office_user):
    world = busy
    lines = _lines(office_user)
    region = world.street_a.path
    assert (
        lines["条活动记录待确认"].count
        == Activity.objects.filter(status="submitted", region_path__startswith=region).count()
        == 2
    )
    assert lines["条活动记录已退回，待修改后重新提交"].count == 1
    assert lines["份责任清单待备案"].count == DutyList.objects.filter(status="submitted").count() == 1
    assert lines["份责任清单已退回，待修改后重新报送"].count == 1
    assert lines["份工作报告已退回，待修改后重新报送"].count == 1
    assert lines["条意见建议待答复"].count == Feedback.objects.filter(status="new").count() == 1
    client = client_for(office_user)
    for todo in lines.values():
        assert _listed(client, todo.url) == todo.count, todo.label
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="inbox"' in html and "条活动记录待确认" in html and "登记活动" in html


def test_office_reviews_only_reports_it_may_review(world, liaison, office_user, client_for):
    report = _report(world, liaison, "submitted")
    own = member_of(world.office_unit, Membership.Role.LIAISON, username="office_liaison")
    own_report = report_services.report_start(actor=own, unit=world.office_unit, period="h1", year=2026)
    report_services.report_update(
        actor=own, report=own_report, title=own_report.title, intro="", practices="做法", problems="", plans="打算"
    )
    report_services.report_submit(actor=own, report=own_report)
    todo = _lines(office_user)["份工作报告待审核"]
    assert todo.count == 1  # its own unit's report goes to the office above
    page = client_for(office_user).get(todo.url).context["page"]
    assert [r.pk for r in page] == [report.pk]


def test_liaison_inbox_names_returned_items_and_what_is_due(busy, client_for, liaison):
    lines = _lines(liaison)
    returned = lines["条活动记录已退回，待修改后重新提交"]
    assert returned.count == 1 and returned.items[0].note == "退回原因：请补充受众人数"
    assert lines["份工作报告已退回，待修改后重新报送"].items[0].note == "退回意见：请补充典型案例"
    due = lines["份本年度责任清单待报送"]
    assert due.count == 1 and due.url == reverse("duties:list-create")
    assert "条活动记录待确认" not in lines and "条意见建议待答复" not in lines
    assert [s.label for s in home.inbox(liaison).shortcuts] == ["登记活动"]
    client = client_for(liaison)
    assert _listed(client, returned.url) == 1
    html = client.get(reverse("home")).content.decode()
    assert "请补充受众人数" in html and reverse("ledger:activity-create") in html


def test_liaison_sees_the_report_due_within_a_month(world, liaison):
    assert "份工作报告待报送" in _lines(liaison)  # 10 June: the half-year report is due 30 June
    _report(world, liaison, "submitted")
    assert "份工作报告待报送" not in _lines(liaison)


def test_member_is_told_what_they_can_do(world, client_for):
    member = member_of(world.committee_a, Membership.Role.MEMBER, username="member")
    box = home.inbox(member)
    assert not box.applies and not box.todos
    client = client_for(member)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="can-do"' in html and reverse("ledger:activity-list") in html
    response = client.get(reverse("ledger:activity-create"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "无权访问" in page and "您可以" in page and reverse("ledger:activity-list") in page


# ---------------------------------------------------------------- notification lifecycle


def test_submitting_an_activity_notifies_the_office_and_confirming_closes_it(world, liaison, office_user):
    activity = make_activity(world.committee_a, status="draft")
    before = unread_count(office_user)
    ledger_services.activity_submit(actor=liaison, activity=activity)
    note = Notification.objects.get(user=office_user, object_id=activity.pk)
    assert note.is_open and "待确认" in note.title and unread_count(office_user) == before + 1
    ledger_services.activity_confirm(actor=office_user, activity=activity)
    note.refresh_from_db()
    assert note.done_at is not None and unread_count(office_user) == before


def test_returning_an_activity_notifies_the_liaison_until_resubmitted(world, liaison, office_user):
    activity = make_activity(world.committee_a)
    ledger_services.activity_return(actor=office_user, activity=activity, reason="请补充照片")
    office_note = Notification.objects.get(user=office_user, object_id=activity.pk)
    assert office_note.done_at is not None  # the office handled it
    note = Notification.objects.get(user=liaison, object_id=activity.pk)
    assert note.is_open and "请补充照片" in note.body
    ledger_services.activity_submit(actor=liaison, activity=activity)
    note.refresh_from_db()
    assert note.done_at is not None
    assert Notification.objects.filter(user=office_user, object_id=activity.pk, done_at__isnull=True).count() == 1


def test_filing_and_publishing_a_list_close_its_notifications(world, office_user, other_liaison):
    dl = duty_list(world.committee_b, status="submitted")
    badge = unread_count(office_user)
    assert Notification.objects.get(user=office_user, key__startswith="duties.submitted").is_open
    duty_services.duty_list_file(actor=office_user, duty_list=dl)
    assert unread_count(office_user) == badge - 1
    filed = Notification.objects.get(user=other_liaison, key__startswith="duties.filed")
    assert filed.is_open
    duty_services.duty_list_publish(actor=other_liaison, duty_list=dl)
    filed.refresh_from_db()
    assert filed.done_at is not None
    assert not Notification.objects.filter(title__contains="待备案", done_at__isnull=True).exists()


def test_accepting_a_report_closes_the_review_notification(world, liaison, office_user, client_for):
    report = _report(world, liaison, "submitted")
    assert unread_count(office_user) == 1
    report_services.report_accept(actor=office_user, report=report)
    assert unread_count(office_user) == 0
    html = client_for(office_user).get(reverse("notification-list")).content.decode()
    assert "已处理" in html
