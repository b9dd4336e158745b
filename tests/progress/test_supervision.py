"""督办: 催办 on the lagging/overdue task list, 催报 on the report overview, the inspector's 督查记录 and 督办通知
— who may act, who is reminded, the units nobody could be reminded in, once per day, audited."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from pufa.core.models import AuditEntry, Notification
from pufa.plans.models import Target
from pufa.progress import services, supervision
from pufa.progress.models import ProgressStatus, Supervision
from pufa.reports import services as report_services
from tests.factories import make_plan, make_task
from tests.progress.test_rollups import record

D = dt.date


@pytest.fixture(autouse=True)
def _august():
    with time_machine.travel(dt.datetime(2026, 8, 15, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def lagging(world, other_liaison):
    """A quarterly lecture: 沱河 keeps pace, 桃园 (liaison 赵敏) and 司法所 (no liaison account) lag."""
    plan = make_plan(world.office_unit, title="沱河街道2026年普法工作要点")
    task = make_task(
        plan,
        title="每季度一堂法制课",
        units={"responsible": [world.committee_a, world.committee_b, world.judicial_office]},
    )
    Target.objects.create(
        task=task, metric="ledger.activity_count", period=Target.Period.QUARTER, threshold=1, filters={"kind": ["ztjz"]}
    )
    record(world.committee_a, D(2026, 2, 3), kind="ztjz", people=40)
    record(world.committee_a, D(2026, 5, 3), kind="ztjz", people=35, co=[world.committee_b])
    services.refresh(today=D(2026, 8, 15))
    return task


def _behind(world):
    return list(ProgressStatus.objects.filter(target__isnull=True, status__in=supervision.BEHIND))


def test_remind_reaches_liaisons_and_names_units_without_one(world, lagging, office_user, other_liaison):
    rows = _behind(world)
    assert {r.unit for r in rows} == {world.committee_b, world.judicial_office}
    result = supervision.task_remind(actor=office_user, rows=rows)
    assert result.reminded == ["桃园社区居委会"] and result.missing == ["沱河街道司法所"]
    assert result.notifications == 1
    assert "1个单位没有联络员账号：沱河街道司法所" in result.message("催办")
    note = Notification.objects.get(user=other_liaison)
    assert "每季度一堂法制课" in note.body and note.url == reverse("progress:unit", args=[world.committee_b.pk])
    entries = AuditEntry.objects.filter(code="progress.remind")
    assert entries.count() == 2 and any("没有联络员账号" in e.message for e in entries)
    again = supervision.task_remind(actor=office_user, rows=rows)  # a double click
    assert again.notifications == 0 and again.already == ["桃园社区居委会"]
    assert Notification.objects.filter(user=other_liaison).count() == 1


def test_remind_ignores_rows_on_track(world, lagging, office_user, liaison):
    rows = list(ProgressStatus.objects.filter(target__isnull=True, unit=world.committee_a))
    assert supervision.task_remind(actor=office_user, rows=rows).units == 0
    assert not Notification.objects.filter(user=liaison).exists()


def test_remind_permissions(world, lagging, liaison, inspector, other_office):
    rows = _behind(world)
    with pytest.raises(PermissionDenied):
        supervision.task_remind(actor=liaison, rows=rows)
    with pytest.raises(PermissionDenied):
        supervision.task_remind(actor=other_office, rows=rows)
    assert supervision.task_remind(actor=inspector, rows=rows).notifications == 1


def test_task_list_remind_per_unit_and_for_the_list(world, lagging, client_for, office_user, liaison):
    client = client_for(office_user)
    html = client.get(reverse("progress:status-list"), {"status": "lagging"}).content.decode()
    assert 'data-testid="remind-all"' in html and html.count('data-testid="remind-unit"') == 2
    response = client.post(
        reverse("progress:status-remind"),
        {"status": "lagging", "remind_unit": world.judicial_office.pk},
        follow=True,
    )
    assert "1个单位没有联络员账号：沱河街道司法所" in response.content.decode()
    assert Notification.objects.filter(key__startswith="progress.remind").count() == 0
    response = client.post(reverse("progress:status-remind"), {"status": "lagging"}, follow=True)
    assert "已向1个单位的联络员发送催办1条" in response.content.decode()
    assert client_for(liaison).post(reverse("progress:status-remind"), {"status": "lagging"}).status_code == 403
    liaison_page = client_for(liaison).get(reverse("progress:status-list"), {"status": "lagging"})
    assert 'data-testid="remind-all"' not in liaison_page.content.decode()


def test_inspector_records_a_note_and_sends_a_notice(world, lagging, inspector, other_liaison, client_for):
    client = client_for(inspector)
    url = reverse("progress:unit", args=[world.committee_b.pk])
    assert 'data-testid="add-note"' in client.get(url).content.decode()
    client.post(
        reverse("progress:unit-note", args=[world.committee_b.pk]),
        {"task": lagging.pk, "text": "抽查发现第一季度未开展法制课"},
    )
    note = Supervision.objects.get(kind="note")
    assert note.task == lagging and note.author == inspector and note.unit == world.committee_b
    assert AuditEntry.objects.filter(code="progress.inspection.note").exists()
    notice_url = reverse("progress:unit-notice", args=[world.committee_b.pk])
    response = client.post(notice_url, {"task": lagging.pk, "text": "请于月底前补上法制课"}, follow=True)
    assert "已向1个单位的联络员发送督办通知1条" in response.content.decode()
    assert Notification.objects.get(user=other_liaison).body == "请于月底前补上法制课"
    response = client.post(notice_url, {"task": lagging.pk, "text": "请于月底前补上法制课"}, follow=True)
    assert "未重复发送" in response.content.decode()
    assert Supervision.objects.filter(kind="notice").count() == 1
    # The liaison sees the notice on the unit's page but not the spot-check note, and cannot act.
    liaison_client = client_for(other_liaison)
    html = liaison_client.get(url).content.decode()
    assert "请于月底前补上法制课" in html and "抽查发现" not in html and 'data-testid="add-note"' not in html
    assert liaison_client.post(notice_url, {"text": "自己给自己发通知"}).status_code == 403


def test_notice_to_a_unit_without_liaison_is_recorded_and_named(world, lagging, inspector):
    notice, result = supervision.supervision_notice_send(actor=inspector, unit=world.judicial_office, text="请尽快落实")
    assert notice is not None and result.missing == ["沱河街道司法所"]
    assert "没有联络员账号" in AuditEntry.objects.get(code="progress.supervision.notice").message
    again, _ = supervision.supervision_notice_send(actor=inspector, unit=world.judicial_office, text="请尽快落实")
    assert again is None


def test_note_rules(world, lagging, inspector, liaison, other_office):
    with pytest.raises(ValidationError):
        supervision.inspection_note_create(actor=inspector, unit=world.committee_b, text="短")
    for actor in (liaison, other_office):
        with pytest.raises(PermissionDenied):
            supervision.inspection_note_create(actor=actor, unit=world.committee_b, text="抽查记录一条")


# ---------------------------------------------------------------- 催报 on the report overview


def test_report_remind_names_units_without_liaison(world, office_user, other_liaison, liaison, client_for):
    report = report_services.report_start(actor=liaison, unit=world.committee_a, period="h1", year=2026)
    report_services.report_update(
        actor=liaison, report=report, title=report.title, intro="", practices="做法", problems="", plans="打算"
    )
    report_services.report_submit(actor=liaison, report=report)
    client = client_for(office_user)
    overview = client.get(reverse("reports:report-overview"), {"period": "h1", "year": 2026}).content.decode()
    assert 'data-testid="report-remind"' in overview
    data = {"region": world.street_a.pk, "period": "h1", "year": 2026}
    html = client.post(reverse("reports:report-remind"), data, follow=True).content.decode()
    # 桃园 (赵敏) is reminded; 法治办 and 司法所 have no liaison and are named; 沱河 has submitted.
    assert "已向1个单位的联络员发送催报1条" in html
    assert "2个单位没有联络员账号：" in html and "沱河街道司法所" in html
    assert Notification.objects.get(user=other_liaison, key__startswith="reports.remind").title.startswith("请报送")
    assert not Notification.objects.filter(user=liaison, key__startswith="reports.remind").exists()
    assert AuditEntry.objects.filter(code="reports.remind").count() == 1
    html = client.post(reverse("reports:report-remind"), data, follow=True).content.decode()
    assert "今天已催报过" in html
    assert Notification.objects.filter(key__startswith="reports.remind").count() == 1


def test_report_remind_needs_an_office(world, inspector, liaison, client_for):
    data = {"region": world.street_a.pk, "period": "h1", "year": 2026}
    for user in (inspector, liaison):
        assert client_for(user).post(reverse("reports:report-remind"), data).status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        report_services.report_remind(actor=inspector, region=world.street_a, period="h1", year=2026)
