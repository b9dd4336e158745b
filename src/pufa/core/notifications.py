"""Sending in-app notifications (站内通知), once per key, with an optional e-mail.

Every reminder in pufa goes through `notify()`: the unique (user, key) constraint is what makes the daily
reminder pass idempotent, so running `pufa remind` twice never reminds anyone twice.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from pufa.core.models import Notification


def notify(
    *, user: Any, key: str, title: str, body: str = "", url: str = "", email: bool = False
) -> Notification | None:
    """Create the notification unless this user already has one with this key; returns None if it existed.

    The e-mail (when asked for and the user has an address) is sent after the transaction commits, so a
    rolled-back write never sends mail.
    """
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, key=key[:200], title=title[:200], body=body, url=url[:300]
            )
    except IntegrityError:
        return None
    if email and getattr(user, "email", ""):

        def send() -> None:
            link = f"\n\n{url}" if url else ""
            send_mail(title, f"{body}{link}", settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=True)
            Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())

        transaction.on_commit(send)
    return notification


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(*, user: Any, ids: list[int] | None = None) -> int:
    notifications = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        notifications = notifications.filter(pk__in=ids)
    return notifications.update(read_at=timezone.now())
