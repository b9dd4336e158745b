"""督办: 催办 of overdue and lagging tasks, spot-check notes (督查记录) and 督办 notices — services and selectors.

Kept apart from `progress.services` (the figures kept on write): these are people acting on the figures.
Every reminder names the units nobody could be reminded in (no liaison account), is audited per unit, and
is keyed by unit and day, so a double click reminds nobody twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from pufa.core import audit, notifications
from pufa.org.access import Actor, require, scope
from pufa.org.models import Unit
from pufa.org.selectors import liaisons_by_unit
from pufa.plans.models import Task
from pufa.progress.models import ProgressStatus, Supervision
from pufa.progress.rules import Status

#: The statuses 催办 is about: work that is behind.
BEHIND = (Status.OVERDUE.value, Status.LAGGING.value)


@transaction.atomic
def task_remind(
    *, actor: Actor, rows: Sequence[ProgressStatus], today: dt.date | None = None
) -> notifications.ReminderResult:
    """催办: remind the liaisons of each unit in `rows` of its overdue and lagging tasks (other rows are
    ignored), one notification per unit and day listing the tasks."""
    today = today or timezone.localdate()
    behind: dict[int, list[ProgressStatus]] = {}
    for row in rows:
        if row.status in BEHIND:
            behind.setdefault(row.unit_id, []).append(row)
    units = sorted({rows[0].unit for rows in behind.values()}, key=lambda u: (u.path, u.pk))
    for unit in units:
        require(actor, "progress.remind", unit)

    def body(unit: Unit) -> str:
        tasks = behind[unit.pk]
        lines = [f"{r.task.title[:60]}（{Status(r.status).label}）" for r in tasks[:5]]
        more = f"等{len(tasks)}项" if len(tasks) > 5 else ""
        return f"{unit.name}的以下任务进度落后，请抓紧落实并在工作台账中登记：" + "；".join(lines) + more

    result = notifications.remind_units(
        units=units,
        recipients=liaisons_by_unit(u.pk for u in units),
        key=lambda unit: f"progress.remind:{unit.pk}:{today:%Y%m%d}",
        title=lambda unit: f"督办提醒：{len(behind[unit.pk])}项任务逾期或滞后",
        body=body,
        url=lambda unit: reverse("progress:unit", args=[unit.pk]),
        email=True,
    )
    for unit in units:
        state = "未发送（没有联络员账号）" if unit.name in result.missing else "已催办"
        audit.log(
            actor=actor,
            action=audit.Action.WORKFLOW,
            obj=unit,
            code="progress.remind",
            message=f"催办{len(behind[unit.pk])}项逾期或滞后任务：{state}",
        )
    return result


def _clean(text: str) -> str:
    text = (text or "").strip()
    if len(text) < 4:
        raise ValidationError({"text": "请写明内容（至少4个字）。"})
    if len(text) > 2000:
        raise ValidationError({"text": "内容不能超过2000字。"})
    return text


def _create(*, actor: Any, unit: Unit, task: Task | None, kind: str, text: str) -> Supervision:
    return Supervision.objects.create(
        unit=unit,
        task=task,
        kind=kind,
        text=text,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        region_path=unit.region.path,
        unit_path=unit.path,
    )


@transaction.atomic
def inspection_note_create(*, actor: Actor, unit: Unit, task: Task | None = None, text: str) -> Supervision:
    """督查记录: an inspector records what a spot check found at a unit (about one task, or in general)."""
    require(actor, "inspection.record", unit)
    note = _create(actor=actor, unit=unit, task=task, kind=Supervision.Kind.NOTE, text=_clean(text))
    audit.log(actor=actor, action=audit.Action.CREATE, obj=note, code="progress.inspection.note", message=text[:200])
    return note


@transaction.atomic
def supervision_notice_send(
    *, actor: Actor, unit: Unit, task: Task | None = None, text: str, today: dt.date | None = None
) -> tuple[Supervision | None, notifications.ReminderResult]:
    """督办通知: a written notice to the unit's liaisons, kept in its 督办 history. Once per unit, task and day:
    a second send on the same day records and sends nothing (returns None)."""
    require(actor, "progress.remind", unit)
    text = _clean(text)
    today = today or timezone.localdate()
    sent_today = Supervision.objects.filter(
        unit=unit, task=task, kind=Supervision.Kind.NOTICE, created_at__date=today
    ).exists()
    if sent_today:
        return None, notifications.ReminderResult(already=[unit.name])
    result = notifications.remind_units(
        units=[unit],
        recipients=liaisons_by_unit([unit.pk]),
        key=lambda u: f"progress.notice:{u.pk}:{task.pk if task else 0}:{today:%Y%m%d}",
        title=lambda u: f"督办通知：{task.title[:60]}" if task else f"督办通知：{u.name}",
        body=lambda u: text,
        url=lambda u: reverse("progress:unit", args=[u.pk]),
        email=True,
    )
    notice = _create(actor=actor, unit=unit, task=task, kind=Supervision.Kind.NOTICE, text=text)
    state = "没有联络员账号，未能送达" if result.missing else f"已发送{result.notifications}条"
    audit.log(
        actor=actor,
        action=audit.Action.WORKFLOW,
        obj=notice,
        code="progress.supervision.notice",
        message=f"督办通知{state}：{text[:150]}",
    )
    return notice, result


def supervision_list(*, actor: Any, unit: Unit) -> QuerySet[Supervision]:
    """The 督办 history of a unit: notices for everyone who sees its progress, spot-check notes only for those
    who record them (offices and inspectors)."""
    from pufa.org.access import can

    rows = scope(Supervision.objects.filter(unit=unit), actor, "progress.view")
    if not can(actor, "inspection.record"):
        rows = rows.exclude(kind=Supervision.Kind.NOTE)
    return rows.select_related("task", "author")
