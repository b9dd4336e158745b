"""Report reminders of the daily pass: 7 days before the due date and after it, once, until submitted."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from pufa.core.models import Notification
from pufa.reports import services
from pufa.reports.reminders import send_report_reminders


def test_reminds_before_the_due_date_once(world, liaison, other_liaison, office_user):
    assert send_report_reminders(today=dt.date(2026, 6, 20)) == 0  # ten days before: not yet
    assert send_report_reminders(today=dt.date(2026, 6, 24)) == 2
    assert send_report_reminders(today=dt.date(2026, 6, 25)) == 0  # once
    note = Notification.objects.get(user=liaison)
    assert note.title == "2026年上半年普法工作报告请于2026年6月30日前报送" and note.url == "/reports/"
    assert not Notification.objects.filter(user=office_user).exists()  # liaisons are reminded, not the office


def test_reminds_after_the_due_date_until_submitted(world, ledger, liaison, other_liaison):
    report = services.report_start(actor=liaison, unit=world.committee_a, period="h1", year=2026)
    services.report_update(
        actor=liaison, report=report, title=report.title, intro="", practices="做法。", problems="", plans="打算。"
    )
    services.report_submit(actor=liaison, report=report)
    assert send_report_reminders(today=dt.date(2026, 7, 2)) == 1
    assert Notification.objects.get(user=other_liaison).title == "2026年上半年普法工作报告已逾期未报送"
    assert not Notification.objects.filter(user=liaison).exists()  # submitted: no reminder
    assert send_report_reminders(today=dt.date(2026, 8, 15)) == 0  # more than 30 days on: silence


def test_region_deadline_moves_the_reminder(world, liaison, office_user):
    services.deadline_set(actor=office_user, region=world.street_a, period="year", year=2026, due=dt.date(2026, 12, 10))
    assert send_report_reminders(today=dt.date(2026, 12, 4)) == 1
    assert "2026年12月10日" in Notification.objects.get(user=liaison).title


def test_daily_pass_includes_reports(world, liaison, capsys):
    call_command("remind", "--date", "2026-12-28")
    assert "工作报告报送提醒: 1" in capsys.readouterr().out
