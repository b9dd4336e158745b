"""Notifications are sent once per key, e-mailed after commit, and only ever shown to their user."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from pufa.core.models import Notification
from pufa.core.notifications import notify, unread_count


def test_notify_once_per_key(liaison):
    assert notify(user=liaison, key="duties:2026:remind", title="请于3月31日前提交责任清单") is not None
    assert notify(user=liaison, key="duties:2026:remind", title="请于3月31日前提交责任清单") is None
    assert Notification.objects.filter(user=liaison).count() == 1
    assert unread_count(liaison) == 1


def test_email_sent_after_commit(liaison, django_capture_on_commit_callbacks):
    liaison.email = "chenjing@example.org"
    liaison.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=liaison, key="k1", title="任务即将到期", body="还有7天", email=True)
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "任务即将到期"
    assert Notification.objects.get(key="k1").emailed_at is not None


def test_list_shows_only_own_and_marks_read(client_for, liaison, other_liaison):
    notify(user=liaison, key="a", title="给陈静的通知")
    notify(user=other_liaison, key="a", title="给赵敏的通知")
    c = client_for(liaison)
    html = c.get(reverse("notification-list")).content.decode()
    assert "给陈静的通知" in html and "给赵敏的通知" not in html
    home = c.get(reverse("home")).content.decode()
    assert 'badge text-bg-warning">1<' in home
    c.post(reverse("notification-list"))
    assert unread_count(liaison) == 0
