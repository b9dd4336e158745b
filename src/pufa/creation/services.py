"""Writes of the creation app. Applications and titles move through `pufa.core.workflow` (one audit entry per
step, buttons from the same policy): 申报 → 街道审核 (approve draws the on-site sample with a recorded seed) →
实地复核 (pass names the title) ; a title's periodic re-review keeps or revokes it (动态调整), each step in its
history."""

from __future__ import annotations

import datetime as dt
import random
import secrets
import uuid
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from pufa.core import audit, notifications, workflow
from pufa.core.actors import person
from pufa.creation import selectors
from pufa.creation.models import Application, Attestation, Criterion, Level, Scheme, Title
from pufa.org.access import Actor, can, require
from pufa.org.models import Region, Unit
from pufa.org.selectors import liaisons_by_unit, offices_over
from pufa.plans import metrics as registry

#: How many criteria the inspectors check on site (all of them when a scheme has fewer).
SAMPLE_SIZE = 3
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
Status = Application.Status


@transaction.atomic
def scheme_create(*, actor: Actor, name: str, level: str, year: int, region: Region) -> Scheme:
    require(actor, "creation.manage", region)
    if not name.strip():
        raise ValidationError({"name": "请填写标准名称。"})
    if level not in Level.values:
        raise ValidationError({"level": "请选择级别。"})
    scheme = Scheme.objects.create(name=name.strip(), level=level, year=year, region=region)
    audit.log_create(actor=actor, obj=scheme, code="creation.scheme.create")
    return scheme


SCHEME_FIELDS = ["name", "level", "year", "is_active"]


@transaction.atomic
def scheme_update(*, actor: Actor, scheme: Scheme, name: str, level: str, year: int, is_active: bool) -> Scheme:
    """Change a scheme's name, level, year or whether communities may still apply under it (audited field by
    field). Applications already made keep the checklist they froze when submitted."""
    row = Scheme.objects.select_for_update().get(pk=scheme.pk)
    require(actor, "creation.manage", row)
    if not name.strip():
        raise ValidationError({"name": "请填写标准名称。"})
    if level not in Level.values:
        raise ValidationError({"level": "请选择级别。"})
    before = audit.snapshot(row, SCHEME_FIELDS)
    row.name, row.level, row.year, row.is_active = name.strip(), level, year, is_active
    row.save(update_fields=[*SCHEME_FIELDS, "updated_at"])
    audit.log_update(actor=actor, obj=row, before=before, code="creation.scheme.update")
    return row


@transaction.atomic
def criterion_remove(*, actor: Actor, criterion: Criterion) -> None:
    """Take a criterion off a scheme (its notes go with it; submitted applications keep their frozen lines)."""
    scheme = criterion.scheme
    require(actor, "creation.manage", scheme)
    audit.log(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=scheme,
        code="creation.criterion.remove",
        message=f"删除指标：{criterion.title}",
    )
    criterion.delete()


@transaction.atomic
def criterion_add(
    *,
    actor: Actor,
    scheme: Scheme,
    title: str,
    kind: str = Criterion.Kind.ATTESTED,
    metric: str = "",
    filters: dict[str, Any] | None = None,
    period: str = Criterion.Period.AS_OF,
    compare: str = Criterion.Compare.AT_LEAST,
    threshold: Decimal = Decimal(1),
) -> Criterion:
    """Add a criterion; a computed one names a registered metric and filters it accepts."""
    require(actor, "creation.manage", scheme)
    if not title.strip():
        raise ValidationError({"title": "请填写指标内容。"})
    if kind == Criterion.Kind.COMPUTED:
        try:
            found = registry.get(metric)
        except KeyError as exc:
            raise ValidationError({"metric": "请选择系统中已有的统计指标。"}) from exc
        unknown = set(filters or {}) - found.filter_names()
        if unknown:
            raise ValidationError({"filters": f"该指标不支持筛选条件：{'、'.join(sorted(unknown))}"})
    else:
        metric, filters = "", {}
    order = scheme.criteria.count() + 1
    criterion = Criterion.objects.create(
        scheme=scheme,
        order=order,
        title=title.strip(),
        kind=kind,
        metric=metric,
        filters=filters or {},
        period=period,
        compare=compare,
        threshold=threshold,
    )
    audit.log(
        actor=actor, action=audit.Action.UPDATE, obj=scheme, code="creation.criterion.add", message=f"新增指标：{title}"
    )
    return criterion


@transaction.atomic
def attest(
    *, actor: Actor, criterion: Criterion, unit: Unit, note: str, file: IO[bytes] | None = None, name: str = ""
) -> Attestation:
    """The community's note (and optional file) that an attested criterion is met; replaces the earlier one."""
    require(actor, "creation.apply", unit)
    if criterion.kind != Criterion.Kind.ATTESTED:
        raise ValidationError("该指标由系统根据记录计算，无需说明。")
    if not note.strip():
        raise ValidationError({"note": "请填写说明。"})
    attestation, _ = Attestation.objects.update_or_create(
        criterion=criterion, unit=unit, defaults={"note": note.strip(), "recorded_by": person(actor)}
    )
    if file is not None:
        content = file.read(ATTACHMENT_MAX_BYTES + 1)
        if len(content) > ATTACHMENT_MAX_BYTES:
            raise ValidationError({"file": "附件不能超过 10 MB。"})
        suffix = name.rsplit(".", 1)[-1].lower() if "." in name else "bin"
        if suffix not in {"pdf", "jpg", "jpeg", "png", "docx", "doc"}:
            raise ValidationError({"file": "附件只能是 PDF、图片或 Word 文件。"})
        attestation.file.save(f"{secrets.token_hex(12)}.{suffix}", ContentFile(content), save=True)
    audit.log(
        actor=actor, action=audit.Action.UPDATE, obj=attestation, code="creation.attest", message=note.strip()[:200]
    )
    return attestation


@transaction.atomic
def application_create(*, actor: Actor, scheme: Scheme, unit: Unit) -> Application:
    require(actor, "creation.apply", unit)
    if not can(actor, "creation.view", scheme):
        raise ValidationError("该创建标准不适用于本社区。")
    if not unit.region.path.startswith(scheme.region.path):
        raise ValidationError("该创建标准不适用于本社区。")
    if Application.objects.filter(scheme=scheme, unit=unit).exclude(status=Status.FAILED).exists():
        raise ValidationError("本社区已按该标准申报。")
    application = Application.objects.create(scheme=scheme, unit=unit)
    audit.log_create(actor=actor, obj=application, code="creation.application.create")
    return application


def _check_checklist(application: Application) -> None:
    lines = selectors.checklist(scheme=application.scheme, unit=application.unit)
    missing = [line.criterion.title for line in lines if not line.met]
    if missing:
        raise ValidationError(f"以下指标尚未达到，暂不能申报：{'；'.join(missing)}")


def _award(step: workflow.Step) -> None:
    application = step.obj
    title = Title.objects.create(
        unit=application.unit,
        level=application.scheme.level,
        awarded_on=timezone.localdate(),
        application=application,
        last_reviewed_on=timezone.localdate(),
    )
    audit.log_create(actor=step.actor, obj=title, code="creation.title.award")


def _url(application: Application) -> str:
    from django.urls import reverse

    return reverse("creation:application-detail", args=[application.pk])


def _notify(users: list[Any], step: workflow.Step, title: str) -> None:
    application = step.obj
    notifications.notify_all(
        users,
        about=application,
        key=f"creation.{step.transition.name}:{application.pk}:{uuid.uuid4().hex}",
        title=f"{application.unit.name}{title}",
        body=str(application.scheme),
        url=_url(application),
    )


def _notify_offices(step: workflow.Step) -> None:
    """A submitted application waits for the offices over the community."""
    _notify(offices_over(step.obj.unit), step, "提交了示范创建申报，待审核")


def _notify_inspectors(step: workflow.Step) -> None:
    """An approved application waits for the inspectors over the community (实地复核)."""
    _notify(inspectors_over(step.obj.unit), step, "的示范创建申报待实地复核")


def _notify_liaisons(step: workflow.Step) -> None:
    unit = step.obj.unit
    _notify(liaisons_by_unit([unit.pk]).get(unit.pk, []), step, "的示范创建申报已退回")


def inspectors_over(unit: Unit) -> list[Any]:
    from pufa.org.access import ancestor_paths
    from pufa.org.models import Membership

    memberships = Membership.objects.filter(
        role=Membership.Role.INSPECTOR,
        is_active=True,
        user__is_active=True,
        unit__deleted_at__isnull=True,
        unit__region__path__in=ancestor_paths(unit.region.path),
    ).select_related("user")
    return list({m.user_id: m.user for m in memberships}.values())


APPLICATION_FLOW = workflow.Workflow(
    model=Application,
    permits=can,
    transitions=[
        workflow.Transition(
            "submit",
            "申报",
            sources=frozenset({Status.DRAFT, Status.RETURNED}),
            target=Status.SUBMITTED,
            action="creation.apply",
            code="creation.application.submit",
            notify=_notify_offices,
            checks=(_check_checklist,),
            refused="只有草稿或退回的申报可以提交。",
        ),
        workflow.Transition(
            "approve",
            "审核通过",
            sources=frozenset({Status.SUBMITTED}),
            target=Status.REVIEWED,
            action="creation.review",
            code="creation.application.approve",
            notify=_notify_inspectors,
            refused="只有已申报的可以审核。",
        ),
        workflow.Transition(
            "return",
            "退回",
            sources=frozenset({Status.SUBMITTED}),
            target=Status.RETURNED,
            action="creation.review",
            code="creation.application.return",
            notify=_notify_liaisons,
            refused="只有已申报的可以退回。",
        ),
        workflow.Transition(
            "pass",
            "复核通过",
            sources=frozenset({Status.REVIEWED}),
            target=Status.PASSED,
            action="creation.inspect",
            code="creation.application.pass",
            refused="只有街道审核通过的可以实地复核。",
        ),
        workflow.Transition(
            "fail",
            "复核不通过",
            sources=frozenset({Status.REVIEWED}),
            target=Status.FAILED,
            action="creation.inspect",
            code="creation.application.fail",
            refused="只有街道审核通过的可以实地复核。",
        ),
    ],
)


def draw_sample(criterion_ids: list[int], seed: int, size: int = SAMPLE_SIZE) -> list[int]:
    """The criteria checked on site: a reproducible sample from the recorded seed (anyone can redraw it)."""
    ordered = sorted(criterion_ids)
    return sorted(random.Random(seed).sample(ordered, min(size, len(ordered))))


def application_transition(
    *, actor: Actor, application: Application, name: str, note: str = "", version: int | None = None
) -> Application:
    """Take a step of an application (submit, approve, return, pass, fail): the one service the views call."""
    note = note.strip()[:500]
    if name in ("return", "fail") and not note:
        raise ValidationError({"note": "请填写理由。"})

    def apply(row: Application) -> None:
        if name == "submit":
            row.checklist = selectors.checklist_snapshot(selectors.checklist(scheme=row.scheme, unit=row.unit))
        elif name == "approve":
            row.sample_seed = secrets.randbits(32)
            row.sample = draw_sample(list(row.scheme.criteria.values_list("pk", flat=True)), row.sample_seed)
            row.review_note = note
        elif name == "return":
            row.review_note = note
        elif name in ("pass", "fail"):
            row.inspection_note = note

    def message(row: Application) -> str:
        if name == "approve":
            titles = dict(row.scheme.criteria.values_list("pk", "title"))
            return f"抽查种子 {row.sample_seed}，抽查指标：{'；'.join(titles[i] for i in row.sample)}"
        return note

    return APPLICATION_FLOW.run(
        name,
        actor=actor,
        obj=application,
        apply=apply,
        message=message,
        version=version,
        after=_award if name == "pass" else None,
    )


TITLE_FLOW = workflow.Workflow(
    model=Title,
    permits=can,
    transitions=[
        workflow.Transition(
            "keep",
            "复核保留",
            sources=frozenset({Title.Status.ACTIVE}),
            target=None,
            action="creation.review",
            code="creation.title.keep",
            refused="只有有效的称号可以复核。",
        ),
        workflow.Transition(
            "revoke",
            "撤销称号",
            sources=frozenset({Title.Status.ACTIVE}),
            target=Title.Status.REVOKED,
            action="creation.review",
            code="creation.title.revoke",
            refused="只有有效的称号可以撤销。",
        ),
    ],
)


def title_review(*, actor: Actor, title: Title, keep: bool, note: str, day: dt.date | None = None) -> Title:
    """A periodic re-review (复核): keep the title or revoke it; the note is its record in the title's history."""
    if not note.strip():
        raise ValidationError({"note": "请填写复核情况。"})
    reviewed = day or timezone.localdate()

    def apply(row: Title) -> None:
        row.last_reviewed_on = reviewed

    return TITLE_FLOW.run(
        "keep" if keep else "revoke",
        actor=actor,
        obj=title,
        apply=apply,
        message=f"{reviewed:%Y-%m-%d} 复核：{note.strip()[:400]}",
    )
