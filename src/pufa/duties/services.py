"""Every write to responsibility lists (普法责任清单), their items, announced activities, templates, deadlines and
the law catalogue (STYLE.md: one service per write).

The workflow is draft → submitted → filed (备案) or returned (with a reason) → published (公告); a published
list can be withdrawn back to filed. The unit edits only while the list is a draft or returned. Every step is
audited. Publishing and withdrawing change what the public portal may show, so they reset the portal's
cache version after the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from pufa.core import audit, notifications, workflow
from pufa.core.actors import person
from pufa.core.chinese import cn_date, pinyin_key
from pufa.core.models import ActivityKind, Audience, Domain
from pufa.duties import matching, selectors
from pufa.duties.models import (
    DutyDeadline,
    DutyItem,
    DutyList,
    DutyTemplate,
    DutyTemplateItem,
    Law,
    PlannedActivity,
)
from pufa.ledger.models import Activity
from pufa.org.access import Actor, ancestor_paths, can, require, scope
from pufa.org.models import Membership, Region, Unit, User
from pufa.org.roles import roles_with
from pufa.org.selectors import liaisons_by_unit

Status = DutyList.Status

# ---------------------------------------------------------------- the law catalogue


@dataclass
class LawData:
    name: str
    level: str = Law.Level.LAW
    issuer: str = ""
    promulgated_on: dt.date | None = None
    effective_on: dt.date | None = None
    url: str = ""
    is_active: bool = True


def _apply_law(law: Law, data: LawData) -> None:
    law.name = data.name.strip().strip("《》")
    law.level, law.issuer = data.level, data.issuer.strip()
    law.promulgated_on, law.effective_on = data.promulgated_on, data.effective_on
    law.url, law.is_active = data.url.strip(), data.is_active
    law.pinyin = pinyin_key(law.name)
    if law.promulgated_on and law.effective_on and law.effective_on < law.promulgated_on:
        raise ValidationError({"effective_on": "施行日期不能早于公布日期。"})
    clash = Law.objects.filter(name=law.name).exclude(pk=law.pk)
    if clash.exists():
        raise ValidationError({"name": f"法规库中已有《{law.name}》。"})
    law.full_clean()


@transaction.atomic
def law_create(*, actor: Actor, data: LawData) -> Law:
    """Anyone who keeps a list may add a law to the shared catalogue; names are unique so lists share rows."""
    require(actor, "duties.edit")
    law = Law()
    _apply_law(law, data)
    law.save()
    audit.log_create(actor=actor, obj=law, code="duties.law.create")
    return law


@transaction.atomic
def law_update(*, actor: Actor, law: Law, data: LawData) -> Law:
    """Correcting a catalogue entry changes every list that cites it, so only an office may do it."""
    require(actor, "duties.review")
    before = audit.snapshot(law)
    _apply_law(law, data)
    law.save()
    audit.log_update(actor=actor, obj=law, before=before, code="duties.law.update")
    return law


# ---------------------------------------------------------------- lists


def _require_editable(actor: Actor, duty_list: DutyList) -> None:
    require(actor, "duties.edit", duty_list)
    if not duty_list.is_editable:
        raise ValidationError(f"清单当前状态为“{duty_list.get_status_display()}”，不能修改。")


def _check_year(year: int) -> None:
    this_year = timezone.localdate().year
    if not 2000 <= year <= this_year + 1:
        raise ValidationError({"year": f"年度须在2000年至{this_year + 1}年之间。"})


def _copy_item_fields(source: Any, target: Any) -> None:
    for name in ("content", "measures", "standards", "time_nodes", "responsible_section", "order"):
        setattr(target, name, getattr(source, name))


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def _copy_from_list(duty_list: DutyList, source: DutyList) -> None:
    """Last year's list as the start of this year's: laws, items and announced activities (dates moved on by
    the difference in years). Internal notes and ledger links stay behind."""
    duty_list.laws.set(source.laws.all())
    duty_list.summary = source.summary
    duty_list.save(update_fields=["summary"])
    item_map: dict[int, DutyItem] = {}
    for old in source.items.prefetch_related("laws", "audiences", "domains"):
        new = DutyItem(
            duty_list=duty_list,
            responsible_leader=old.responsible_leader,
            responsible_person=old.responsible_person,
            responsible_phone=old.responsible_phone,
        )
        _copy_item_fields(old, new)
        new.save()
        new.laws.set(old.laws.all())
        new.audiences.set(old.audiences.all())
        new.domains.set(old.domains.all())
        item_map[old.pk] = new
    years = duty_list.year - source.year
    for old in source.planned_activities.prefetch_related("laws", "audiences", "domains"):
        new = PlannedActivity.objects.create(
            duty_list=duty_list,
            item=item_map.get(old.item_id) if old.item_id else None,
            content=old.content,
            kind=old.kind,
            start=_shift_year(old.start, years),
            end=_shift_year(old.end, years),
            time_text=old.time_text,
            place=old.place,
            region=old.region,
        )
        new.laws.set(old.laws.all())
        new.audiences.set(old.audiences.all())
        new.domains.set(old.domains.all())


def _copy_from_template(duty_list: DutyList, template: DutyTemplate) -> None:
    duty_list.laws.set(template.laws.all())
    for old in template.items.prefetch_related("laws", "audiences", "domains"):
        new = DutyItem(duty_list=duty_list)
        _copy_item_fields(old, new)
        new.save()
        new.laws.set(old.laws.all())
        new.audiences.set(old.audiences.all())
        new.domains.set(old.domains.all())


@transaction.atomic
def duty_list_start(
    *,
    actor: Actor,
    unit: Unit,
    year: int,
    source: DutyList | None = None,
    template: DutyTemplate | None = None,
) -> DutyList:
    """Start a unit's list for a year: empty, from an earlier list of the same unit, or from a template the
    unit's office issued for its kind of unit. One list per unit and year."""
    require(actor, "duties.edit", unit)
    _check_year(year)
    if source is not None and template is not None:
        raise ValidationError("请在“沿用往年清单”和“使用模板”中选择一项。")
    if DutyList.objects.filter(unit=unit, year=year).exists():
        raise ValidationError({"year": f"{unit.name}已有{year}年度的责任清单。"})
    if source is not None and (source.unit_id != unit.pk or source.year >= year):
        raise ValidationError({"source": "只能沿用本单位以前年度的清单。"})
    if template is not None:
        visible = scope(DutyTemplate.objects.filter(pk=template.pk), actor).exists()
        if not visible or template.status != DutyTemplate.Status.ISSUED:
            raise ValidationError({"template": "该模板不可用。"})
        if template.unit_kind != unit.kind:
            raise ValidationError({"template": f"该模板适用于{template.get_unit_kind_display()}，与本单位类型不符。"})
    duty_list = DutyList.objects.create(unit=unit, year=year, source=source)
    message = ""
    if source is not None:
        _copy_from_list(duty_list, source)
        message = f"沿用{source.year}年度清单"
    elif template is not None:
        _copy_from_template(duty_list, template)
        message = f"使用模板“{template.title}”"
    audit.log_create(actor=actor, obj=duty_list, code="duties.list.create", message=message)
    return duty_list


@transaction.atomic
def duty_list_update(
    *,
    actor: Actor,
    duty_list: DutyList,
    summary: str,
    laws: list[Law],
    internal_note: str = "",
    version: int | None = None,
) -> DutyList:
    """The list's own fields: its public summary, the laws the unit enforces, and an internal note. Written over
    the locked row and only over the version the form was loaded with (`version`, when given)."""
    row = workflow.lock(duty_list)
    workflow.check_version(row, version)
    _require_editable(actor, row)
    before = audit.snapshot(row, ["summary", "laws", "internal_note"])
    row.summary, row.internal_note = summary.strip(), internal_note.strip()
    workflow.save_checked(row, fields=["summary", "internal_note"])
    row.laws.set(laws)
    audit.log_update(actor=actor, obj=row, before=before, code="duties.list.update")
    workflow.copy_state(row, duty_list)
    return duty_list


# ---------------------------------------------------------------- items (四清单 rows)


@dataclass
class ItemData:
    content: str
    measures: str = ""
    standards: str = ""
    time_nodes: str = ""
    responsible_section: str = ""
    responsible_leader: str = ""
    responsible_person: str = ""
    responsible_phone: str = ""
    internal_note: str = ""
    laws: list[Law] = field(default_factory=list)
    audiences: list[Audience] = field(default_factory=list)
    domains: list[Domain] = field(default_factory=list)


def _apply_item(item: DutyItem, data: ItemData) -> None:
    content = data.content.strip()
    if len(content) < 2:
        raise ValidationError({"content": "请填写普法内容。"})
    phone = data.responsible_phone.strip()
    if phone and not phone.replace("-", "").replace(" ", "").isdigit():
        raise ValidationError({"responsible_phone": "电话号码只能包含数字和“-”。"})
    item.content, item.measures, item.standards = content, data.measures.strip(), data.standards.strip()
    item.time_nodes, item.responsible_section = data.time_nodes.strip(), data.responsible_section.strip()
    item.responsible_leader, item.responsible_person = data.responsible_leader.strip(), data.responsible_person.strip()
    item.responsible_phone, item.internal_note = phone, data.internal_note.strip()
    item.full_clean(exclude=["duty_list"])


@transaction.atomic
def duty_item_create(*, actor: Actor, duty_list: DutyList, data: ItemData) -> DutyItem:
    _require_editable(actor, duty_list)
    item = DutyItem(duty_list=duty_list)
    _apply_item(item, data)
    item.order = (duty_list.items.aggregate(m=Max("order"))["m"] or 0) + 1
    item.save()
    item.laws.set(data.laws)
    item.audiences.set(data.audiences)
    item.domains.set(data.domains)
    audit.log_create(actor=actor, obj=item, code="duties.item.create")
    return item


@transaction.atomic
def duty_item_update(*, actor: Actor, item: DutyItem, data: ItemData, version: int | None = None) -> DutyItem:
    """Change a row of a list being drafted, over the locked row and the version the form was loaded with."""
    row = workflow.lock(item)
    workflow.check_version(row, version)
    _require_editable(actor, row.duty_list)
    before = audit.snapshot(row)
    _apply_item(row, data)
    workflow.save_checked(row)
    row.laws.set(data.laws)
    row.audiences.set(data.audiences)
    row.domains.set(data.domains)
    audit.log_update(actor=actor, obj=row, before=before, code="duties.item.update")
    workflow.copy_state(row, item)
    return item


@transaction.atomic
def duty_item_delete(*, actor: Actor, item: DutyItem) -> DutyItem:
    """Soft-delete a row of a list still being drafted; the trail keeps what it said."""
    _require_editable(actor, item.duty_list)
    item.deleted_at = timezone.now()
    item.save(update_fields=["deleted_at", "updated_at"])
    item.planned_activities.update(item=None)
    audit.log(actor=actor, action=audit.Action.DELETE, obj=item, code="duties.item.delete", changes={})
    return item


# ---------------------------------------------------------------- announced activities (普法公告)


@dataclass
class PlannedData:
    content: str
    kind: ActivityKind
    start: dt.date
    end: dt.date
    time_text: str = ""
    place: str = ""
    region: Region | None = None
    item: DutyItem | None = None
    internal_note: str = ""
    audiences: list[Audience] = field(default_factory=list)
    domains: list[Domain] = field(default_factory=list)
    laws: list[Law] = field(default_factory=list)


def _apply_planned(planned: PlannedActivity, duty_list: DutyList, data: PlannedData) -> None:
    """Seed 004 names what an announcement must say: content, audience, form and time."""
    errors: dict[str, str] = {}
    if len(data.content.strip()) < 2:
        errors["content"] = "请填写普法内容。"
    if data.start > data.end:
        errors["end"] = "结束日期不能早于开始日期。"
    elif data.start.year != duty_list.year and data.end.year != duty_list.year:
        errors["start"] = f"活动时间须在{duty_list.year}年内。"
    if not data.audiences:
        errors["audiences"] = "请选择普法对象。"
    if data.item is not None and data.item.duty_list_id != duty_list.pk:
        errors["item"] = "所选事项不属于本清单。"
    if errors:
        raise ValidationError(errors)
    planned.content, planned.kind = data.content.strip(), data.kind
    planned.start, planned.end = data.start, data.end
    planned.time_text, planned.place = data.time_text.strip(), data.place.strip()
    planned.region = data.region or duty_list.unit.region
    planned.item, planned.internal_note = data.item, data.internal_note.strip()


def _set_planned_relations(planned: PlannedActivity, data: PlannedData) -> None:
    planned.audiences.set(data.audiences)
    planned.domains.set(data.domains)
    planned.laws.set(data.laws)


@transaction.atomic
def planned_activity_create(*, actor: Actor, duty_list: DutyList, data: PlannedData) -> PlannedActivity:
    _require_editable(actor, duty_list)
    planned = PlannedActivity(duty_list=duty_list)
    _apply_planned(planned, duty_list, data)
    planned.save()
    _set_planned_relations(planned, data)
    audit.log_create(actor=actor, obj=planned, code="duties.planned.create")
    return planned


@transaction.atomic
def planned_activity_update(*, actor: Actor, planned: PlannedActivity, data: PlannedData) -> PlannedActivity:
    _require_editable(actor, planned.duty_list)
    before = audit.snapshot(planned)
    _apply_planned(planned, planned.duty_list, data)
    planned.save()
    _set_planned_relations(planned, data)
    audit.log_update(actor=actor, obj=planned, before=before, code="duties.planned.update")
    return planned


@transaction.atomic
def planned_activity_delete(*, actor: Actor, planned: PlannedActivity) -> PlannedActivity:
    _require_editable(actor, planned.duty_list)
    planned.deleted_at = timezone.now()
    planned.save(update_fields=["deleted_at", "updated_at"])
    audit.log(actor=actor, action=audit.Action.DELETE, obj=planned, code="duties.planned.delete")
    return planned


# ---------------------------------------------------------------- workflow


def _list_url(duty_list: DutyList) -> str:
    return reverse("duties:list-detail", args=[duty_list.pk])


def _liaisons(unit: Unit) -> list[User]:
    memberships = Membership.objects.filter(
        unit=unit, role=Membership.Role.LIAISON, is_active=True, user__is_active=True
    ).select_related("user")
    return [m.user for m in memberships]


def _offices_over(unit: Unit) -> list[User]:
    """The people whose region covers the unit and who file lists ("duties.review"): they receive the filing."""
    memberships = Membership.objects.filter(
        role__in=roles_with("duties.review"),
        is_active=True,
        user__is_active=True,
        unit__deleted_at__isnull=True,
        unit__region__path__in=ancestor_paths(unit.region.path),
    ).select_related("user")
    return list({m.user_id: m.user for m in memberships}.values())


def _notify_all(
    users: list[User], *, key: str, title: str, body: str, url: str, email: bool = False, about: Any = None
) -> int:
    return notifications.notify_all(users, key=key, title=title, body=body, url=url, email=email, about=about)


def _check_complete(duty_list: DutyList) -> None:
    """报送: a list is complete enough to file when it has items that name their audiences (seed 004: 明确普法
    对象、普法任务) and at least one announced activity (seed 004: 每年3月底前对拟开展的普法活动进行公告)."""
    errors: dict[str, list[str]] = {}
    items = list(duty_list.items.prefetch_related("audiences"))
    if not items:
        errors.setdefault("items", []).append("清单还没有事项，请先添加普法内容。")
    missing = [str(i + 1) for i, item in enumerate(items) if not item.audiences.all()]
    if missing:
        errors.setdefault("items", []).append(f"第{'、'.join(missing)}项事项未选择普法对象。")
    if not duty_list.planned_activities.exists():
        errors["planned_activities"] = ["请至少填写一项拟开展的普法活动，以便向社会公告。"]
    if errors:
        raise ValidationError(errors)


def _notify_submitted(step: workflow.Step) -> None:
    duty_list = step.obj
    _notify_all(
        _offices_over(duty_list.unit),
        about=duty_list,
        key=f"duties.submitted:{duty_list.pk}:{duty_list.submitted_at:%Y%m%d%H%M%S}",
        title=f"{duty_list.title}已报送，待备案",
        body=f"{duty_list.unit.name}报送了{duty_list.year}年度普法责任清单，请审核备案。",
        url=_list_url(duty_list),
    )


def _notify_filed(step: workflow.Step) -> None:
    duty_list = step.obj
    _notify_all(
        _liaisons(duty_list.unit),
        about=duty_list,
        key=f"duties.filed:{duty_list.pk}:{duty_list.filed_at:%Y%m%d%H%M%S}",
        title=f"{duty_list.title}已备案",
        body="清单已备案，可以向社会公告拟开展的普法活动。",
        url=_list_url(duty_list),
    )


def _notify_returned(step: workflow.Step) -> None:
    duty_list = step.obj
    _notify_all(
        _liaisons(duty_list.unit),
        about=duty_list,
        key=f"duties.returned:{duty_list.pk}:{duty_list.returned_at:%Y%m%d%H%M%S}",
        title=f"{duty_list.title}被退回",
        body=f"退回理由：{duty_list.return_reason}",
        url=_list_url(duty_list),
        email=True,
    )


_EDITABLE = DutyList.EDITABLE_STATUSES

#: 责任清单的流程: the unit drafts and submits (报送); the office files (备案) or returns it with a reason; the
#: unit announces (公告) a filed list; the office may take a published list off the portal (撤回公告).
DUTY_LIST_FLOW = workflow.Workflow(
    model=DutyList,
    permits=can,
    transitions=[
        workflow.Transition(
            "submit",
            "报送备案",
            sources=_EDITABLE,
            target=Status.SUBMITTED,
            action="duties.edit",
            code="duties.list.submit",
            refused="清单已报送，不能再次报送。",
            checks=[_check_complete],
            notify=_notify_submitted,
        ),
        workflow.Transition(
            "file",
            "备案",
            sources={Status.SUBMITTED},
            target=Status.FILED,
            action="duties.review",
            code="duties.list.file",
            refused="只有已报送的清单可以备案。",
            notify=_notify_filed,
        ),
        workflow.Transition(
            "return",
            "退回修改",
            sources={Status.SUBMITTED, Status.FILED},
            target=Status.RETURNED,
            action="duties.review",
            code="duties.list.return",
            refused="只有已报送或已备案（未公告）的清单可以退回。",
            notify=_notify_returned,
        ),
        workflow.Transition(
            "publish",
            "向社会公告",
            sources={Status.FILED},
            target=Status.PUBLISHED,
            action="duties.edit",
            code="duties.list.publish",
            refused="清单备案后才能向社会公告。",
        ),
        workflow.Transition(
            "withdraw",
            "撤回公告",
            sources={Status.PUBLISHED},
            target=Status.FILED,
            action="duties.review",
            code="duties.list.withdraw",
            refused="只有已公告的清单可以撤回。",
        ),
    ],
)


def _run(name: str, *, actor: Actor, duty_list: DutyList, apply: Any = None, message: str = "") -> DutyList:
    return DUTY_LIST_FLOW.run(name, actor=actor, obj=duty_list, apply=apply, message=message)


def duty_list_transition(*, actor: Actor, duty_list: DutyList, name: str, reason: str = "") -> DutyList:
    """Take workflow step `name` (submit, file, return, publish, withdraw): the one service views call."""
    if name == "submit":
        return duty_list_submit(actor=actor, duty_list=duty_list)
    if name == "file":
        return duty_list_file(actor=actor, duty_list=duty_list)
    if name == "publish":
        return duty_list_publish(actor=actor, duty_list=duty_list)
    if name == "return":
        return duty_list_return(actor=actor, duty_list=duty_list, reason=reason)
    if name == "withdraw":
        return duty_list_withdraw(actor=actor, duty_list=duty_list, reason=reason)
    raise ValidationError("未知操作。")


@transaction.atomic
def duty_list_submit(*, actor: Actor, duty_list: DutyList) -> DutyList:
    """报送: the unit sends a complete list to its office for filing."""

    def apply(row: DutyList) -> None:
        row.submitted_at = timezone.now()
        row.submitted_by = person(actor)

    return _run("submit", actor=actor, duty_list=duty_list, apply=apply)


@transaction.atomic
def duty_list_file(*, actor: Actor, duty_list: DutyList) -> DutyList:
    """备案: the office accepts a submitted list."""

    def apply(row: DutyList) -> None:
        row.filed_at = timezone.now()
        row.filed_by = person(actor)

    return _run("file", actor=actor, duty_list=duty_list, apply=apply)


def _reason(text: str, message: str) -> str:
    text = (text or "").strip()
    if len(text) < 4:
        raise ValidationError({"reason": message})
    return text


@transaction.atomic
def duty_list_return(*, actor: Actor, duty_list: DutyList, reason: str) -> DutyList:
    """退回: the office sends a submitted (or filed, not yet announced) list back, saying why."""
    DUTY_LIST_FLOW.pick("return", actor, duty_list)
    reason = _reason(reason, "请写明退回理由（至少4个字），便于单位修改。")

    def apply(row: DutyList) -> None:
        row.returned_at, row.return_reason = timezone.now(), reason
        row.filed_at, row.filed_by = None, None

    return _run("return", actor=actor, duty_list=duty_list, apply=apply, message=reason)


@transaction.atomic
def duty_list_publish(*, actor: Actor, duty_list: DutyList) -> DutyList:
    """公告: a filed list goes public — its laws, items (public fields only) and announced activities. Activities
    the ledger already holds are matched at once, so planned-vs-done is right from the first day."""

    def apply(row: DutyList) -> None:
        row.published_at = timezone.now()

    _run("publish", actor=actor, duty_list=duty_list, apply=apply)
    matching.match_list(duty_list)
    selectors.schedule_public_reset()
    return duty_list


@transaction.atomic
def duty_list_withdraw(*, actor: Actor, duty_list: DutyList, reason: str) -> DutyList:
    """撤回公告: the office takes a published list off the portal (back to filed), e.g. to correct an error."""
    DUTY_LIST_FLOW.pick("withdraw", actor, duty_list)
    reason = _reason(reason, "请写明撤回理由（至少4个字）。")

    def apply(row: DutyList) -> None:
        row.published_at = None

    _run("withdraw", actor=actor, duty_list=duty_list, apply=apply, message=reason)
    selectors.schedule_public_reset()
    return duty_list


# ---------------------------------------------------------------- planned against done


@transaction.atomic
def planned_activity_link(*, actor: Actor, planned: PlannedActivity, activity: Activity) -> PlannedActivity:
    """Link by hand an announced activity to the ledger record that carried it out (when matching missed it).

    The record must be one the actor may see, organised or co-organised by the list's unit, and counted
    (submitted or confirmed): the public page shows it as done."""
    require(actor, "duties.edit", planned.duty_list)
    if not scope(Activity.objects.filter(pk=activity.pk), actor).exists():
        raise PermissionDenied("您无权查看该台账记录。")
    participates = activity.participants.filter(unit_id=planned.duty_list.unit_id, is_deleted=False)
    if not participates.exists():
        raise ValidationError({"activity": "该台账记录不是本单位组织或协办的活动。"})
    if activity.deleted_at is not None or not participates.counted().exists():
        raise ValidationError({"activity": "只能关联已提交或已确认的台账记录。"})
    matching.set_link(planned, activity, PlannedActivity.LinkMethod.MANUAL, actor=actor)
    if planned.duty_list.is_public:
        selectors.schedule_public_reset()
    return planned


@transaction.atomic
def planned_activity_unlink(*, actor: Actor, planned: PlannedActivity) -> PlannedActivity:
    """Remove a link (automatic or manual); the activity then shows as not yet carried out."""
    require(actor, "duties.edit", planned.duty_list)
    if planned.activity_id is None:
        raise ValidationError("该活动尚未关联台账记录。")
    matching.set_link(planned, None, "", actor=actor)
    if planned.duty_list.is_public:
        selectors.schedule_public_reset()
    return planned


# ---------------------------------------------------------------- deadline and reminders


@transaction.atomic
def duty_deadline_set(*, actor: Actor, region: Region, year: int, due: dt.date) -> DutyDeadline:
    """An office sets the submission deadline of its region for a year (default 31 March)."""
    require(actor, "duties.review", region)
    _check_year(year)
    if due.year != year:
        raise ValidationError({"due": f"截止日期须在{year}年内。"})
    deadline = DutyDeadline.objects.filter(region=region, year=year).first()
    if deadline is None:
        deadline = DutyDeadline.objects.create(region=region, year=year, due=due)
        audit.log_create(actor=actor, obj=deadline, code="duties.deadline.set")
    else:
        before = audit.snapshot(deadline, ["due"])
        deadline.due = due
        deadline.save(update_fields=["due", "updated_at"])
        audit.log_update(actor=actor, obj=deadline, before=before, code="duties.deadline.set")
    return deadline


ReminderResult = notifications.ReminderResult


@transaction.atomic
def duty_reminders_send(*, actor: Actor, region: Region, year: int) -> ReminderResult:
    """催报: remind, in one action, the liaisons of every unit in the region that has not submitted its list.

    Reminders are keyed by unit, year and day, so pressing the button twice on one day reminds nobody twice;
    units without a liaison account are named in the result, not skipped in silence. Liaisons with an e-mail
    address also get a mail (sent after the commit).
    """
    require(actor, "duties.review", region)
    report = selectors.deadline_report(actor=actor, region=region, year=year)
    today = timezone.localdate()
    units = [row.unit for row in report.rows if not row.has_submitted]
    result = notifications.remind_units(
        units=units,
        recipients=liaisons_by_unit(u.pk for u in units),
        key=lambda unit: f"duties.remind:{year}:{unit.pk}:{today:%Y%m%d}",
        title=lambda unit: f"请报送{year}年度普法责任清单",
        body=lambda unit: (
            f"{unit.name}的{year}年度普法责任清单尚未报送，报送截止日期为{cn_date(report.due)}。"
            "请完善清单和拟开展的普法活动后报送备案。"
        ),
        url=lambda unit: reverse("duties:index"),
        email=True,
    )
    audit.log(
        actor=actor,
        action=audit.Action.WORKFLOW,
        obj=region,
        code="duties.remind",
        message=f"{year}年度责任清单催报：{len(units)}个单位，{result.message('提醒')}"[:500],
    )
    return result


# ---------------------------------------------------------------- templates


@transaction.atomic
def duty_template_create(
    *, actor: Actor, issuing_unit: Unit, unit_kind: str, title: str, laws: list[Law] | None = None
) -> DutyTemplate:
    require(actor, "duties.review", issuing_unit)
    if unit_kind not in Unit.Kind.values:
        raise ValidationError({"unit_kind": "请选择适用单位类型。"})
    if len(title.strip()) < 2:
        raise ValidationError({"title": "请填写模板名称。"})
    template = DutyTemplate.objects.create(issuing_unit=issuing_unit, unit_kind=unit_kind, title=title.strip())
    template.laws.set(laws or [])
    audit.log_create(actor=actor, obj=template, code="duties.template.create")
    return template


def _require_template_draft(actor: Actor, template: DutyTemplate) -> None:
    require(actor, "duties.review", template)
    if template.status != DutyTemplate.Status.DRAFT:
        raise ValidationError("模板已下发，不能再修改。")


@transaction.atomic
def duty_template_update(
    *, actor: Actor, template: DutyTemplate, unit_kind: str, title: str, laws: list[Law]
) -> DutyTemplate:
    _require_template_draft(actor, template)
    if unit_kind not in Unit.Kind.values:
        raise ValidationError({"unit_kind": "请选择适用单位类型。"})
    before = audit.snapshot(template, ["unit_kind", "title", "laws"])
    template.unit_kind, template.title = unit_kind, title.strip()
    template.save(update_fields=["unit_kind", "title", "updated_at"])
    template.laws.set(laws)
    audit.log_update(actor=actor, obj=template, before=before, code="duties.template.update")
    return template


@transaction.atomic
def duty_template_item_add(*, actor: Actor, template: DutyTemplate, data: ItemData) -> DutyTemplateItem:
    _require_template_draft(actor, template)
    if len(data.content.strip()) < 2:
        raise ValidationError({"content": "请填写普法内容。"})
    item = DutyTemplateItem(template=template)
    item.content, item.measures, item.standards = data.content.strip(), data.measures.strip(), data.standards.strip()
    item.time_nodes, item.responsible_section = data.time_nodes.strip(), data.responsible_section.strip()
    item.order = (template.items.aggregate(m=Max("order"))["m"] or 0) + 1
    item.save()
    item.laws.set(data.laws)
    item.audiences.set(data.audiences)
    item.domains.set(data.domains)
    audit.log_create(actor=actor, obj=item, code="duties.template.item")
    return item


@transaction.atomic
def duty_template_item_remove(*, actor: Actor, item: DutyTemplateItem) -> None:
    """A template is a draft document of the office until issued; its rows may be removed (audited)."""
    _require_template_draft(actor, item.template)
    audit.log(
        actor=actor,
        action=audit.Action.DELETE,
        obj=item,
        code="duties.template.item.remove",
        changes={k: [v, None] for k, v in audit.snapshot(item).items() if v not in (None, "", [])},
    )
    item.delete()


@transaction.atomic
def duty_template_issue(*, actor: Actor, template: DutyTemplate) -> DutyTemplate:
    """下发: the template becomes available to the units of that kind in the office's region."""
    _require_template_draft(actor, template)
    if not template.items.exists():
        raise ValidationError("模板还没有事项，不能下发。")
    template.status, template.issued_at = DutyTemplate.Status.ISSUED, timezone.now()
    template.save(update_fields=["status", "issued_at", "updated_at"])
    audit.log(
        actor=actor,
        action=audit.Action.WORKFLOW,
        obj=template,
        code="duties.template.issue",
        changes={"status": [DutyTemplate.Status.DRAFT, DutyTemplate.Status.ISSUED]},
    )
    return template
