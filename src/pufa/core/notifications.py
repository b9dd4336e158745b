"""Sending in-app notifications (站内通知), once per key, with an optional e-mail — and closing them.

Every reminder in pufa goes through `notify()`: the unique (user, key) constraint is what makes the daily
reminder pass idempotent, so running `pufa remind` twice never reminds anyone twice.

A notification may be *about* a record (`about=activity`). The services that handle the record (confirm,
return, file, accept …) call `resolve(about=record)` first, which marks every open notification about it
done (已处理): the badge counts what still waits, not what someone else already handled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from pufa.core.models import Notification


def notify(
    *,
    user: Any,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = False,
    about: models.Model | None = None,
) -> Notification | None:
    """Create the notification unless this user already has one with this key; returns None if it existed.

    The e-mail (when asked for and the user has an address) is sent after the transaction commits, so a
    rolled-back write never sends mail.
    """
    content_type = ContentType.objects.get_for_model(about) if about is not None else None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user,
                key=key[:200],
                title=title[:200],
                body=body,
                url=url[:300],
                content_type=content_type,
                object_id=about.pk if about is not None else None,
            )
    except IntegrityError:
        return None
    if email and getattr(user, "email", None):

        def send() -> None:
            link = f"\n\n{url}" if url else ""
            send_mail(title, f"{body}{link}", settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=True)
            Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())

        transaction.on_commit(send)
    return notification


def notify_all(users: Iterable[Any], **kwargs: Any) -> int:
    """`notify()` each user (same key, title, … and `about`); returns how many were new."""
    return sum(1 for user in users if notify(user=user, **kwargs) is not None)


def resolve(*, about: models.Model) -> int:
    """The record was handled: every open notification about it is done. Returns how many were closed."""
    content_type = ContentType.objects.get_for_model(about)
    return Notification.objects.filter(content_type=content_type, object_id=about.pk, done_at__isnull=True).update(
        done_at=timezone.now()
    )


def open_notifications(user: Any) -> models.QuerySet[Notification]:
    """Neither read nor handled: what the navigation badge counts."""
    return Notification.objects.filter(user=user, read_at__isnull=True, done_at__isnull=True)


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return open_notifications(user).count()


def mark_read(*, user: Any, ids: list[int] | None = None) -> int:
    notifications = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        notifications = notifications.filter(pk__in=ids)
    return notifications.update(read_at=timezone.now())


# ---------------------------------------------------------------- reminders to units (催办, 催报)


@dataclass
class ReminderResult:
    """What a reminder to units did: every unit is accounted for — reminded now, already reminded today, or
    named because nobody holds a liaison account there (a reminder to nobody must not look like success)."""

    reminded: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    notifications: int = 0
    emails: int = 0

    @property
    def units(self) -> int:
        return len(self.reminded) + len(self.already) + len(self.missing)

    def message(self, what: str = "提醒") -> str:
        """The Chinese result line shown after the action, naming the units nobody could be reminded in."""
        parts = []
        if self.reminded:
            parts.append(f"已向{len(self.reminded)}个单位的联络员发送{what}{self.notifications}条")
        if self.already:
            parts.append(f"{len(self.already)}个单位今天已{what}过，未重复发送")
        if self.missing:
            parts.append(f"{len(self.missing)}个单位没有联络员账号：{'、'.join(self.missing)}")
        if not parts:
            return f"没有需要{what}的单位。"
        return "；".join(parts) + "。"


def remind_units(
    *,
    units: Sequence[Any],
    recipients: dict[int, list[Any]],
    key: Callable[[Any], str],
    title: Callable[[Any], str],
    body: Callable[[Any], str],
    url: Callable[[Any], str],
    email: bool = False,
    about: Callable[[Any], models.Model | None] = lambda unit: None,
) -> ReminderResult:
    """Send one reminder per unit to its recipients (`recipients[unit.pk]`, usually its liaisons).

    `key(unit)` should contain the day, so a second press on the same day reminds nobody twice; units whose
    recipients all had the reminder already are counted as `already`, units without recipients as `missing`.
    """
    result = ReminderResult()
    for unit in units:
        users = recipients.get(unit.pk, [])
        if not users:
            result.missing.append(unit.name)
            continue
        sent = 0
        for user in users:
            if notify(
                user=user,
                key=key(unit),
                title=title(unit),
                body=body(unit),
                url=url(unit),
                email=email,
                about=about(unit),
            ):
                sent += 1
                result.emails += 1 if email and getattr(user, "email", None) else 0
        result.notifications += sent
        (result.reminded if sent else result.already).append(unit.name)
    return result
