"""Every write to the ledger (STYLE.md: one service per write, in a transaction, with its audit entry).

Who may do what:
- "ledger.record" on the organising unit: record, edit, submit, withdraw, delete and add evidence — edits only
  while the record is a draft or was returned (a submitted record waits for the office; a confirmed one is
  frozen);
- "ledger.review" on the organising unit: confirm or return a submitted record, reopen a confirmed one with a
  reason, delete any record (soft), mark typical practice (典型做法);
- co-organisers see the record and count it, but only the organiser's side changes it.

After each write `_fire` publishes `ActivitiesChanged` and `RecordsChanged` on the event bus (`pufa.core.events`)
inside the transaction, so duties and progress stay in step.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone

from pufa.core import audit, events, notifications, workflow
from pufa.core.actors import person
from pufa.core.events import ActivitiesChanged, RecordsChanged
from pufa.core.models import ActivityKind, Audience, Domain
from pufa.ledger import files
from pufa.ledger.metrics import COUNT, MATERIALS, PEOPLE
from pufa.ledger.models import Activity, ActivityUnit, Evidence, KeyDate
from pufa.org.access import Actor, ancestor_paths, can, require, scope
from pufa.org.models import Region, Unit, User
from pufa.org.selectors import liaisons_by_unit, offices_over
from pufa.plans.models import Task

#: The metrics whose figures an activity change can move (announced with every change).
METRICS = frozenset({COUNT, PEOPLE, MATERIALS})

Status = Activity.Status
Change = ActivitiesChanged  # the names of what happened: Change.CREATED, Change.SUBMITTED, …
EARLIEST = dt.date(2000, 1, 1)
MAX_AHEAD_DAYS = 400
MAX_CO_ORGANISERS = 30


@dataclass
class ActivityData:
    """What a liaison types (or an import row holds) for one activity."""

    unit: Unit
    title: str
    kind: ActivityKind
    date: dt.date
    co_organisers: list[Unit] = field(default_factory=list)
    end_date: dt.date | None = None
    start_time: dt.time | None = None
    place: str = ""
    place_region: Region | None = None
    domains: list[Domain] = field(default_factory=list)
    audiences: list[Audience] = field(default_factory=list)
    laws: str = ""
    people_onsite: int = 0
    people_online: int = 0
    materials: int = 0
    tasks: list[Task] = field(default_factory=list)
    description: str = ""
    is_highlight: bool = False


@dataclass
class EvidenceUpload:
    file: IO[bytes]
    name: str = ""
    kind: str = ""
    note: str = ""


# ---------------------------------------------------------------- helpers


def district_path(region: Region) -> str:
    """The path of the district a region lies in (or of its root): the neighbourhood within which units
    co-organise and activities take place."""
    parts = [p for p in region.path.split("/") if p]
    ancestors = {r.pk: r for r in Region.all_objects.filter(pk__in=[int(p) for p in parts])}
    for pk in parts:
        ancestor = ancestors.get(int(pk))
        if ancestor is not None and ancestor.level == Region.Level.DISTRICT:
            return ancestor.path
    return f"/{parts[0]}/" if parts else "/"


def _clean_text(value: str, limit: int) -> str:
    return (value or "").strip()[:limit]


def activity_errors(
    data: ActivityData,
    *,
    activity: Activity | None = None,
    district_of: Callable[[Region], str] = district_path,
    today: dt.date | None = None,
) -> dict[str, str]:
    """The rules of one record, as {field: Chinese message}; no permission checks. The importer calls it for
    every row with a cached `district_of`, so 10,000 rows cost no query each."""
    errors: dict[str, str] = {}
    today = today or timezone.localdate()
    if not (data.title or "").strip():
        errors["title"] = "请填写活动名称。"
    elif len(data.title.strip()) > 200:
        errors["title"] = "活动名称不能超过200字。"
    if data.date is None:
        errors["date"] = "请填写活动日期。"
    elif data.date < EARLIEST:
        errors["date"] = "活动日期不能早于2000年。"
    elif data.date > today + dt.timedelta(days=MAX_AHEAD_DAYS):
        errors["date"] = "活动日期太远：计划中的活动最多提前一年登记。"
    if data.end_date is not None and data.date is not None:
        if data.end_date < data.date:
            errors["end_date"] = "结束日期不能早于活动日期。"
        elif (data.end_date - data.date).days > 366:
            errors["end_date"] = "一条记录的活动时间不能超过一年，请分开登记。"
    if data.kind is None:
        errors["kind"] = "请选择活动形式。"
    elif not data.kind.is_active and (activity is None or activity.kind_id != data.kind.pk):
        errors["kind"] = f"活动形式“{data.kind.name}”已停用，请另选。"
    if data.unit is None or data.unit.is_deleted:
        errors["unit"] = "请选择组织单位。"
    co_ids = [u.pk for u in data.co_organisers]
    if data.unit is not None and data.unit.pk in co_ids:
        errors["co_organisers"] = "协办单位不能包括组织单位本身。"
    elif len(set(co_ids)) != len(co_ids):
        errors["co_organisers"] = "协办单位有重复。"
    elif len(co_ids) > MAX_CO_ORGANISERS:
        errors["co_organisers"] = f"协办单位不能超过{MAX_CO_ORGANISERS}个。"
    elif any(u.is_deleted for u in data.co_organisers):
        errors["co_organisers"] = "协办单位中有已删除的单位。"
    for name, label, value, limit in (
        ("people_onsite", "现场受众", data.people_onsite, 10_000_000),
        ("people_online", "线上受众", data.people_online, 100_000_000),
        ("materials", "发放资料", data.materials, 10_000_000),
    ):
        if value is None or value < 0:
            errors[name] = f"{label}须为不小于0的整数。"
        elif value > limit:
            errors[name] = f"{label}数字过大，请核对。"
    for name, label, text, max_chars in (
        ("place", "活动地点", data.place, 200),
        ("laws", "宣传的法律法规", data.laws, 500),
        ("description", "活动简介", data.description, 5000),
    ):
        if len((text or "").strip()) > max_chars:
            errors[name] = f"{label}不能超过{max_chars}字。"
    skip_place_check = data.place_region is None or data.unit is None or "unit" in errors
    if not skip_place_check and not data.place_region.path.startswith(district_of(data.unit.region)):
        errors["place_region"] = "活动所在区划须在组织单位所在的区县内。"
    return errors


def validate_activity(*, actor: Any, data: ActivityData, activity: Activity | None = None) -> None:
    """Raise ValidationError keyed by field unless the record keeps the rules and links only visible tasks."""
    errors = activity_errors(data, activity=activity)
    if data.tasks:
        visible = set(
            scope(Task.objects.filter(pk__in=[t.pk for t in data.tasks]), actor, "plans.view").values_list(
                "pk", flat=True
            )
        )
        if any(t.pk not in visible for t in data.tasks):
            errors["tasks"] = "关联的任务中有您无权查看的任务。"
    if errors:
        raise ValidationError(errors)


def _apply(activity: Activity, data: ActivityData) -> None:
    activity.unit = data.unit
    activity.title = data.title.strip()
    activity.kind = data.kind
    activity.date = data.date
    activity.end_date = data.end_date
    activity.start_time = data.start_time
    activity.place = _clean_text(data.place, 200)
    activity.place_region = data.place_region or data.unit.region
    activity.laws = _clean_text(data.laws, 500)
    activity.people_onsite = data.people_onsite or 0
    activity.people_online = data.people_online or 0
    activity.materials = data.materials or 0
    activity.description = (data.description or "").strip()
    activity.is_highlight = data.is_highlight
    activity.region_path = data.unit.region.path


def _set_relations(activity: Activity, data: ActivityData) -> None:
    activity.domains.set(data.domains)
    activity.audiences.set(data.audiences)
    activity.tasks.set(data.tasks)
    _write_participants(
        activity,
        data.unit,
        data.co_organisers,
        domain_ids=[d.pk for d in data.domains],
        audience_ids=[a.pk for a in data.audiences],
        task_ids=[t.pk for t in data.tasks],
    )


def home_area_path(unit: Unit) -> str:
    """The region path of the unit's own street (街道/乡镇): co-organisers inside it need no consent. A unit
    above street level (a district office) has its own region as its area."""
    street = (
        Region.objects.filter(path__in=ancestor_paths(unit.region.path), level=Region.Level.STREET)
        .values_list("path", flat=True)
        .first()
    )
    return street or unit.region.path


def participant_rows(
    activity: Activity,
    organiser: Unit,
    co_organisers: Iterable[Unit],
    consents: dict[int, str] | None = None,
    area: str | None = None,
    *,
    domain_ids: Iterable[int] = (),
    audience_ids: Iterable[int] = (),
    task_ids: Iterable[int] = (),
) -> list[ActivityUnit]:
    """The ActivityUnit rows of one activity (also used by the importer's bulk path).

    A co-organiser outside the organiser's street is a request (consent pending, no paths) unless `consents`
    (unit id → consent, the rows being rewritten) already settled it; see ActivityUnit. `domain_ids` and
    `audience_ids` and `task_ids` are the activity's, copied onto every row (the office's filters read them
    there).
    """
    domain_keys, audience_keys = ActivityUnit.keys_of(domain_ids), ActivityUnit.keys_of(audience_ids)
    task_keys = ActivityUnit.keys_of(task_ids)
    area = area if area is not None else home_area_path(organiser)
    settled = consents or {}
    rows = []
    for unit, is_organiser in [(organiser, True)] + [(u, False) for u in co_organisers]:
        if is_organiser or unit.region.path.startswith(area):
            consent: str = ActivityUnit.Consent.ACCEPTED
        else:
            consent = settled.get(unit.pk, ActivityUnit.Consent.PENDING)
        accepted = consent == ActivityUnit.Consent.ACCEPTED
        rows.append(
            ActivityUnit(
                activity=activity,
                unit=unit,
                is_organiser=is_organiser,
                unit_path=unit.path if accepted else "",
                region_path=unit.region.path if accepted else "",
                date=activity.date,
                status=activity.status,
                kind_id=activity.kind_id,
                is_deleted=activity.deleted_at is not None,
                consent=consent,
                domain_keys=domain_keys,
                audience_keys=audience_keys,
                is_highlight=activity.is_highlight,
                task_keys=task_keys,
                title=activity.title,
            )
        )
    return rows


def _write_participants(
    activity: Activity,
    organiser: Unit,
    co_organisers: Iterable[Unit],
    *,
    domain_ids: Iterable[int],
    audience_ids: Iterable[int],
    task_ids: Iterable[int],
) -> None:
    rows = ActivityUnit.objects.filter(activity=activity)
    settled = dict(rows.values_list("unit_id", "consent"))
    rows.delete()
    ActivityUnit.objects.bulk_create(
        participant_rows(
            activity,
            organiser,
            co_organisers,
            settled,
            domain_ids=domain_ids,
            audience_ids=audience_ids,
            task_ids=task_ids,
        )
    )


def _sync_participants(activity: Activity) -> None:
    """Keep the copies on ActivityUnit in step after a status, date or deletion change (and the rest of the
    activity's own fields they copy, which cost nothing more in the same UPDATE)."""
    ActivityUnit.objects.filter(activity=activity).update(
        date=activity.date,
        status=activity.status,
        kind_id=activity.kind_id,
        is_deleted=activity.deleted_at is not None,
        is_highlight=activity.is_highlight,
        title=activity.title,
    )


def _participant_ids(activity: Activity) -> set[int]:
    return set(ActivityUnit.objects.filter(activity=activity).values_list("unit_id", flat=True))


def _snapshot(activity: Activity) -> dict[str, Any]:
    data = audit.snapshot(activity)
    for key in ("region_path", "deleted_at", "submitted_at", "confirmed_at"):
        data.pop(key, None)
    data["协办单位"] = sorted(
        ActivityUnit.objects.filter(activity=activity, is_organiser=False).values_list("unit__name", flat=True)
    )
    return data


def _fire(name: str, activity: Activity, actor: Any, unit_ids: Iterable[int], dates: Iterable[dt.date]) -> None:
    announce(name, activities=[activity], actor=actor, unit_ids=unit_ids, dates=dates)


def announce(
    name: str, *, activities: Iterable[Activity], actor: Any, unit_ids: Iterable[int], dates: Iterable[dt.date]
) -> None:
    """Publish a change of activities (inside the writer's transaction): `ActivitiesChanged` for listeners that
    need the records (duties matching, rollups), then `RecordsChanged` for the ledger's metrics (targets,
    dashboards). `unit_ids` and `dates` must cover the state before and after the change; an import calls this
    once for the whole file."""
    units, days = frozenset(unit_ids), frozenset(dates)
    events.publish(ActivitiesChanged(name=name, activities=tuple(activities), actor=actor, unit_ids=units, dates=days))
    events.publish(RecordsChanged(metrics=METRICS, unit_ids=units, dates=days, source="ledger", actor=actor))


def _require_record(actor: Any, activity: Activity) -> None:
    require(actor, "ledger.record", activity.unit)


def _require_editable(activity: Activity) -> None:
    if activity.deleted_at is not None:
        raise ValidationError("该记录已删除。")
    if not activity.is_editable:
        if activity.status == Status.CONFIRMED:
            raise ValidationError("该记录已由法宣办确认，不能再修改；如需更正，请联系法宣办退回。")
        raise ValidationError("该记录已提交，等待法宣办确认；如需修改，请先撤回。")


def _check_submittable(activity: Activity) -> None:
    if activity.date > timezone.localdate():
        raise ValidationError({"date": "活动还没有举行（日期在今天之后），可以先保存为计划，活动结束后再提交。"})


#: Figures beyond these are held for the office (ledger.review) to submit: a liaison's submission is refused
#: with a warning. People reached (on site or online) above PLAUSIBLE_PEOPLE, or above PLAUSIBLE_FACTOR times
#: the most the unit ever reported (its history counted from PLAUSIBLE_FLOOR, so a new unit may report up to
#: 20 × 500 = 10,000).
PLAUSIBLE_PEOPLE = 100_000
PLAUSIBLE_FACTOR = 20
PLAUSIBLE_FLOOR = 500


def implausible_figures(activity: Activity) -> list[str]:
    """Chinese warnings for the figures of `activity` that are far above any plausible bound (see above)."""
    from django.db.models import Max

    figures = {"people_onsite": "现场受众", "people_online": "线上受众"}
    if all(getattr(activity, name) <= PLAUSIBLE_FLOOR * PLAUSIBLE_FACTOR for name in figures):
        return []
    history = (
        Activity.objects.filter(unit_id=activity.unit_id, status__in=Activity.COUNTED)
        .exclude(pk=activity.pk)
        .aggregate(**{name: Max(name) for name in figures})
    )
    warnings = []
    for name, label in figures.items():
        value, most = getattr(activity, name), max(history[name] or 0, PLAUSIBLE_FLOOR)
        if value > PLAUSIBLE_PEOPLE or value > PLAUSIBLE_FACTOR * most:
            warnings.append(
                f"{label}{value:,}人次远超合理范围（本单位以往最多{history[name] or 0:,}人次），请核实；"
                "确属实的，请联系法宣办核实后由法宣办提交。"
            )
    return warnings


def _check_plausible(actor: Any, activity: Activity) -> None:
    """Implausible figures are held for review: only those who review the unit (the office) may submit them."""
    warnings = implausible_figures(activity)
    if warnings and not can(actor, "ledger.review", activity.unit):
        raise ValidationError({"people_onsite": warnings})


# ---------------------------------------------------------------- co-organiser consent (协办确认)


@transaction.atomic
def co_organiser_consent(*, actor: User | None, participation: ActivityUnit, accept: bool) -> ActivityUnit:
    """The co-organiser's answer to a request: accepted, the activity counts for it and its side sees the record;
    declined, it stays out. Only a pending request can be answered, by someone who records for that unit."""
    require(actor, "ledger.record", participation.unit)
    row = ActivityUnit.objects.select_for_update().select_related("unit__region", "activity").get(pk=participation.pk)
    if row.consent != ActivityUnit.Consent.PENDING or row.is_deleted:
        raise ValidationError("该协办请求已处理。")
    row.consent = ActivityUnit.Consent.ACCEPTED if accept else ActivityUnit.Consent.DECLINED
    row.consent_at = timezone.now()
    if accept:
        row.unit_path, row.region_path = row.unit.path, row.unit.region.path
    row.save(update_fields=["consent", "consent_at", "unit_path", "region_path"])
    audit.log(
        actor=actor,
        action=audit.Action.WORKFLOW,
        obj=row.activity,
        code="ledger.co_organiser.accept" if accept else "ledger.co_organiser.decline",
        changes={"协办单位": [row.unit.name, ActivityUnit.Consent(row.consent).label]},
        message=f"{row.unit.name}{'确认' if accept else '谢绝'}协办",
    )
    _fire(Change.UPDATED, row.activity, actor, [row.unit_id], [row.date])
    return row


# ---------------------------------------------------------------- evidence checks (before any write)


def check_uploads(uploads: Sequence[EvidenceUpload]) -> list[files.CheckedFile]:
    """Check every file first, so a bad one refuses the whole save with a message on the files field."""
    checked, problems = [], []
    for upload in uploads:
        try:
            checked.append(files.check(upload.file, upload.name))
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        raise ValidationError({"files": problems})
    return checked


def _store_evidence(*, actor: Any, activity: Activity, upload: EvidenceUpload, checked: files.CheckedFile) -> Evidence:
    kind = upload.kind or (
        Evidence.Kind.PHOTO if checked.is_image else Evidence.Kind.VIDEO if checked.is_video else Evidence.Kind.BRIEF
    )
    if kind not in Evidence.Kind.values:
        raise ValidationError({"kind": "材料类型无效。"})
    evidence = Evidence(
        activity=activity,
        kind=kind,
        original_name=(upload.name or "")[-255:],
        mime=checked.mime,
        size=checked.size,
        note=_clean_text(upload.note, 200),
        uploaded_by=person(actor),
    )
    upload.file.seek(0)
    evidence.file.name = default_storage.save(files.storage_name(checked.extension), upload.file)
    if checked.is_image:
        thumb = files.thumbnail(upload.file)
        if thumb is not None:
            evidence.thumbnail.name = default_storage.save(files.storage_name(".jpg", "thumbs"), thumb)
    # Files are written inside the transaction and before the row, so a failed write saves nothing. If the
    # transaction rolls back later (a hook refuses), the file stays behind unreferenced and unserved.
    evidence.save()
    audit.log(
        actor=actor,
        action=audit.Action.CREATE,
        obj=evidence,
        code="ledger.evidence.add",
        changes={"original_name": [None, evidence.original_name], "kind": [None, evidence.get_kind_display()]},
        message=f"为“{activity.title}”上传{evidence.get_kind_display()}",
        scope_path=activity.region_path,
    )
    return evidence


# ---------------------------------------------------------------- activities


def _activity_url(activity: Activity) -> str:
    from django.urls import reverse

    return reverse("ledger:activity-detail", args=[activity.pk])


def _notify_reviewers(activity: Activity) -> int:
    """A submitted record waits for the offices over its organiser: they confirm or return it."""
    return notifications.notify_all(
        offices_over(activity.unit),
        about=activity,
        key=f"ledger.submitted:{activity.pk}:{uuid.uuid4().hex}",  # every submission is a new one to confirm
        title=f"{activity.unit.name}提交了活动记录，待确认",
        body=f"{activity.date:%Y-%m-%d} {activity.title}",
        url=_activity_url(activity),
    )


def _notify_returned(activity: Activity) -> int:
    """A returned record waits for the organiser's liaisons, with the reason."""
    return notifications.notify_all(
        liaisons_by_unit([activity.unit_id]).get(activity.unit_id, []),
        about=activity,
        key=f"ledger.returned:{activity.pk}:{uuid.uuid4().hex}",
        title=f"活动记录被退回：{activity.title}",
        body=f"退回原因：{activity.return_reason}",
        url=_activity_url(activity),
        email=True,
    )


@transaction.atomic
def activity_create(
    *,
    actor: Actor,
    data: ActivityData,
    submit: bool = False,
    evidence: Sequence[EvidenceUpload] = (),
) -> Activity:
    """Record an activity (a draft, or submitted at once — the one-minute path on a phone), with optional files."""
    if data.unit is None:
        raise ValidationError({"unit": "请选择组织单位。"})
    require(actor, "ledger.record", data.unit)
    validate_activity(actor=actor, data=data)
    checked = check_uploads(evidence)
    activity = Activity(status=Status.DRAFT, recorded_by=person(actor))
    _apply(activity, data)
    if submit:
        _check_submittable(activity)
        _check_plausible(actor, activity)
        activity.status = Status.SUBMITTED
        activity.submitted_at = timezone.now()
    activity.save()
    _set_relations(activity, data)
    audit.log(
        actor=actor,
        action=audit.Action.CREATE,
        obj=activity,
        code="ledger.activity.create",
        changes={k: [None, v] for k, v in _snapshot(activity).items() if v not in (None, "", [], 0, False)},
        message="登记并提交" if submit else "登记（草稿）",
    )
    for upload, check in zip(evidence, checked, strict=True):
        _store_evidence(actor=actor, activity=activity, upload=upload, checked=check)
    _fire(Change.CREATED, activity, actor, _participant_ids(activity), [activity.date])
    if submit:
        _notify_reviewers(activity)
    return activity


@transaction.atomic
def activity_update(
    *,
    actor: Actor,
    activity: Activity,
    data: ActivityData,
    evidence: Sequence[EvidenceUpload] = (),
    version: int | None = None,
) -> Activity:
    """Change a draft or returned record. The organiser may change only to a unit the actor records for.

    The row is locked and written only over the version the form was loaded with (`version`, when given): two
    people saving the same record get 「该记录已被他人修改」 instead of one silently losing."""
    row = workflow.lock(activity)
    workflow.check_version(row, version)
    _require_record(actor, row)
    if data.unit is not None and data.unit.pk != row.unit_id:
        require(actor, "ledger.record", data.unit)
    _require_editable(row)
    validate_activity(actor=actor, data=data, activity=row)
    checked = check_uploads(evidence)
    before = _snapshot(row)
    before_units, before_date = _participant_ids(row), row.date
    _apply(row, data)
    workflow.save_checked(row)
    _set_relations(row, data)
    changes = audit.diff(before, _snapshot(row))
    if changes:
        audit.log(actor=actor, action=audit.Action.UPDATE, obj=row, code="ledger.activity.update", changes=changes)
    for upload, check in zip(evidence, checked, strict=True):
        _store_evidence(actor=actor, activity=row, upload=upload, checked=check)
    _fire(Change.UPDATED, row, actor, before_units | _participant_ids(row), {before_date, row.date})
    workflow.copy_state(row, activity)
    return activity


# ---------------------------------------------------------------- the workflow (one table; core.workflow runs it)


def _announce(step: workflow.Step) -> None:
    """Every step is an event for the listeners above the ledger (duties, progress)."""
    activity = step.obj
    _fire(step.transition.event, activity, step.actor, _participant_ids(activity), [activity.date])


#: 台账记录的流程: the unit records and submits; the office confirms or returns; a confirmed record is reopened
#: only by the office, with a reason. The office deletes any record, the unit only its drafts and returned ones.
ACTIVITY_FLOW = workflow.Workflow(
    model=Activity,
    permits=can,
    target=lambda activity: activity.unit,
    announce=_announce,
    transitions=[
        workflow.Transition(
            "submit",
            "提交",
            sources=Activity.EDITABLE,
            target=Status.SUBMITTED,
            action="ledger.record",
            code="ledger.activity.submit",
            refused="该记录已提交，等待法宣办确认；如需修改，请先撤回。",
            checks=[_check_submittable],
            event=Change.SUBMITTED,
            notify=lambda step: _notify_reviewers(step.obj),
        ),
        workflow.Transition(
            "withdraw",
            "撤回修改",
            sources={Status.SUBMITTED},
            target=Status.DRAFT,
            action="ledger.record",
            code="ledger.activity.withdraw",
            refused="只有已提交、尚未确认的记录可以撤回。",
            event=Change.UPDATED,
        ),
        workflow.Transition(
            "confirm",
            "确认",
            sources={Status.SUBMITTED},
            target=Status.CONFIRMED,
            action="ledger.review",
            code="ledger.activity.confirm",
            refused="只有已提交的记录可以确认。",
            event=Change.CONFIRMED,
        ),
        workflow.Transition(
            "return",
            "退回",
            sources={Status.SUBMITTED},
            target=Status.RETURNED,
            action="ledger.review",
            code="ledger.activity.return",
            refused="只有已提交的记录可以退回。",
            event=Change.RETURNED,
            notify=lambda step: _notify_returned(step.obj),
        ),
        workflow.Transition(
            "reopen",
            "重新打开",
            sources={Status.CONFIRMED},
            target=Status.RETURNED,
            action="ledger.review",
            code="ledger.activity.reopen",
            refused="只有已确认的记录可以重新打开。",
            event=Change.REOPENED,
            notify=lambda step: _notify_returned(step.obj),
        ),
        workflow.Transition(
            "delete",
            "删除",
            sources=Status.values,
            target=None,
            action="ledger.review",
            code="ledger.activity.delete",
            audit_action=audit.Action.DELETE,
            event=Change.DELETED,
        ),
        workflow.Transition(
            "delete",
            "删除",
            sources=Activity.EDITABLE,
            target=None,
            action="ledger.record",
            code="ledger.activity.delete",
            refused="已提交或已确认的记录不能删除；如确需删除，请联系法宣办。",
            audit_action=audit.Action.DELETE,
            event=Change.DELETED,
        ),
    ],
)


def _step(
    name: str,
    *,
    actor: Any,
    activity: Activity,
    apply: Callable[[Activity], None] | None = None,
    message: str = "",
) -> Activity:
    return ACTIVITY_FLOW.run(
        name, actor=actor, obj=activity, apply=apply, message=message, after=lambda step: _sync_participants(step.obj)
    )


def activity_transition(*, actor: Actor, activity: Activity, name: str, reason: str = "") -> Activity:
    """Take workflow step `name` (submit, withdraw, confirm, return, reopen, delete): the one service views call."""
    if name == "submit":
        return activity_submit(actor=actor, activity=activity)
    if name == "withdraw":
        return activity_withdraw(actor=actor, activity=activity)
    if name == "confirm":
        return activity_confirm(actor=actor, activity=activity)
    if name == "return":
        return activity_return(actor=actor, activity=activity, reason=reason)
    if name == "reopen":
        return activity_reopen(actor=actor, activity=activity, reason=reason)
    if name == "delete":
        return activity_delete(actor=actor, activity=activity, reason=reason)
    raise ValidationError("未知操作。")


@transaction.atomic
def activity_submit(*, actor: Actor, activity: Activity) -> Activity:
    """Draft or returned → submitted: the unit vouches for the record; from now on it counts."""
    _check_plausible(actor, activity)  # before the step: implausible figures wait for the office

    def apply(row: Activity) -> None:
        row.submitted_at = timezone.now()

    return _step("submit", actor=actor, activity=activity, apply=apply)


@transaction.atomic
def activity_withdraw(*, actor: Actor, activity: Activity) -> Activity:
    """Submitted → draft, before the office has looked at it (to add a photo or fix a figure)."""
    return _step("withdraw", actor=actor, activity=activity)


@transaction.atomic
def activity_confirm(*, actor: Actor, activity: Activity) -> Activity:
    """Submitted → confirmed by the office; the record is then frozen."""

    def apply(row: Activity) -> None:
        row.confirmed_at = timezone.now()
        row.confirmed_by = person(actor)
        row.return_reason = ""

    return _step("confirm", actor=actor, activity=activity, apply=apply)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请写明原因，联络员会看到。"})
    if len(reason) > 500:
        raise ValidationError({"reason": "原因不能超过500字。"})
    return reason


@transaction.atomic
def activity_return(*, actor: Actor, activity: Activity, reason: str) -> Activity:
    """Submitted → returned with a reason; the unit corrects and submits again. Returned records do not count."""
    ACTIVITY_FLOW.pick("return", actor, activity)  # refuse a stranger before telling them what a reason needs
    reason = _reason(reason)

    def apply(row: Activity) -> None:
        row.return_reason = reason

    return _step("return", actor=actor, activity=activity, apply=apply, message=f"退回：{reason}")


@transaction.atomic
def activity_reopen(*, actor: Actor, activity: Activity, reason: str) -> Activity:
    """Confirmed → returned: the office unfreezes a record that needs correcting; the reason is audited."""
    ACTIVITY_FLOW.pick("reopen", actor, activity)
    reason = _reason(reason)

    def apply(row: Activity) -> None:
        row.return_reason = reason
        row.confirmed_at = None
        row.confirmed_by = None

    return _step("reopen", actor=actor, activity=activity, apply=apply, message=f"重新打开：{reason}")


@transaction.atomic
def activity_delete(*, actor: Actor, activity: Activity, reason: str = "") -> Activity:
    """Soft-delete. The recording unit may delete its drafts and returned records; the office any record.
    Evidence stays with the deleted record, and the trail keeps what it was."""

    def apply(row: Activity) -> None:
        row.deleted_at = timezone.now()

    return _step("delete", actor=actor, activity=activity, apply=apply, message=(reason or "").strip()[:500])


@transaction.atomic
def activity_set_highlight(*, actor: Actor, activity: Activity, value: bool) -> Activity:
    """Mark or unmark typical practice (典型做法): the reports seed 主要做法和成效 from these."""
    if not (can(actor, "ledger.review", activity.unit) or can(actor, "ledger.record", activity.unit)):
        raise PermissionDenied("您没有权限进行此操作。")
    if activity.deleted_at is not None:
        raise ValidationError("该记录已删除。")
    if activity.is_highlight == value:
        return activity
    activity.is_highlight = value
    activity.save(update_fields=["is_highlight", "updated_at"])
    ActivityUnit.objects.filter(activity=activity).update(is_highlight=value)  # the copy the lists read
    audit.log(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=activity,
        code="ledger.activity.highlight",
        changes={"is_highlight": [not value, value]},
    )
    # Announced like every change of a record: the lists kept under their regions' stamps (典型做法 filter)
    # and the figures read from the flag are fresh in every process.
    _fire(Change.UPDATED, activity, actor, _participant_ids(activity), [activity.date])
    return activity


@transaction.atomic
def activity_confirm_many(*, actor: Actor, activities: Iterable[Activity]) -> int:
    """Confirm several submitted records at once (after an import, say); others are skipped. Returns how many."""
    done = 0
    for activity in activities:
        if "confirm" not in ACTIVITY_FLOW.available(activity, actor):
            continue
        try:
            activity_confirm(actor=actor, activity=activity)
        except ValidationError:  # confirmed (or changed) by someone else meanwhile
            continue
        done += 1
    return done


# ---------------------------------------------------------------- evidence


@transaction.atomic
def evidence_add(*, actor: Actor, activity: Activity, upload: EvidenceUpload) -> Evidence:
    _require_record(actor, activity)
    _require_editable(activity)
    (checked,) = check_uploads([upload])
    return _store_evidence(actor=actor, activity=activity, upload=upload, checked=checked)


@transaction.atomic
def evidence_delete(*, actor: Actor, evidence: Evidence) -> Evidence:
    """Soft-delete: the file stays on disk and in the trail; it just no longer shows with the record."""
    activity = evidence.activity
    _require_record(actor, activity)
    _require_editable(activity)
    evidence.deleted_at = timezone.now()
    evidence.save(update_fields=["deleted_at", "updated_at"])
    audit.log(
        actor=actor,
        action=audit.Action.DELETE,
        obj=evidence,
        code="ledger.evidence.delete",
        message=f"删除“{activity.title}”的{evidence.get_kind_display()}“{evidence.original_name}”",
        scope_path=activity.region_path,
    )
    return evidence


# ---------------------------------------------------------------- deleted records: restore and purge


def retention_days() -> int:
    """How long deleted activities and files stay restorable; after it the daily pass purges the files."""
    from django.conf import settings

    return settings.PUFA_RETENTION_DAYS


def _check_retention(deleted_at: dt.datetime | None) -> None:
    if deleted_at is None:
        raise ValidationError("该记录未被删除。")
    if deleted_at < timezone.now() - dt.timedelta(days=retention_days()):
        raise ValidationError(f"删除已超过{retention_days()}天的保留期限，不能恢复。")


@transaction.atomic
def activity_restore(*, actor: User | None, activity: Activity) -> Activity:
    """Undo a deletion within the retention period: the unit's liaison or the office (ledger.record on the
    organiser). The record comes back in the status it had, with its files, and counts again if it did."""
    _require_record(actor, activity)
    _check_retention(activity.deleted_at)
    activity.deleted_at = None
    activity.save(update_fields=["deleted_at", "updated_at"])
    _sync_participants(activity)
    audit.log(actor=actor, action=audit.Action.RESTORE, obj=activity, code="ledger.activity.restore")
    _fire(Change.UPDATED, activity, actor, _participant_ids(activity), [activity.date])
    return activity


@transaction.atomic
def evidence_restore(*, actor: User | None, evidence: Evidence) -> Evidence:
    """Undo the deletion of a file, within the retention period and while its record may still be changed."""
    activity = evidence.activity
    _require_record(actor, activity)
    _require_editable(activity)
    _check_retention(evidence.deleted_at)
    if not evidence.file:
        raise ValidationError("该文件已按保留期限清除，不能恢复。")
    evidence.deleted_at = None
    evidence.save(update_fields=["deleted_at", "updated_at"])
    audit.log(
        actor=actor,
        action=audit.Action.RESTORE,
        obj=evidence,
        code="ledger.evidence.restore",
        message=f"恢复“{activity.title}”的{evidence.get_kind_display()}“{evidence.original_name}”",
        scope_path=activity.region_path,
    )
    return evidence


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def evidence_purge(*, today: dt.date) -> int:
    """The daily pass: remove from storage the files deleted (or whose record was deleted) more than the
    retention period ago. The rows stay, with an empty file, so the audit trail still names them."""
    cutoff = timezone.make_aware(dt.datetime.combine(today, dt.time.min)) - dt.timedelta(days=retention_days())
    expired = (
        Evidence.all_objects.exclude(file="")
        .filter(models.Q(deleted_at__lt=cutoff) | models.Q(activity__deleted_at__lt=cutoff))
        .select_related("activity")
    )
    purged = 0
    for evidence in expired.iterator(chunk_size=500):
        with transaction.atomic():
            names = [name for name in (evidence.file.name, evidence.thumbnail.name) if name]
            Evidence.all_objects.filter(pk=evidence.pk).update(file="", thumbnail="")
            audit.log(
                actor=None,
                action=audit.Action.DELETE,
                obj=evidence,
                code="ledger.evidence.purge",
                message=f"保留期限（{retention_days()}天）已过，清除“{evidence.original_name}”的文件",
                scope_path=evidence.activity.region_path,
            )
            transaction.on_commit(functools.partial(_delete_files, names))
        purged += 1
    return purged


def daily(event: events.DailyPass) -> None:
    """The daily pass: purge the files of evidence deleted longer ago than the retention period."""
    event.results["清除超过保留期限的佐证文件"] = evidence_purge(today=event.today)


# ---------------------------------------------------------------- key dates


@dataclass
class KeyDateData:
    name: str
    month: int
    day: int
    end_month: int | None = None
    end_day: int | None = None
    domains: list[Domain] = field(default_factory=list)
    description: str = ""
    region: Region | None = None
    is_active: bool = True


def may_edit_national_key_dates(actor: Any) -> bool:
    """National dates are shared by every region; only an office at the top of the region tree (or an
    administrator) changes them — "ledger.keydate.national" in the role table. Other offices add dates of
    their own region."""
    return can(actor, "ledger.keydate.national")


def _validate_key_date(data: KeyDateData) -> None:
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = "请填写节点名称。"
    try:
        dt.date(2024, data.month, data.day)
    except (TypeError, ValueError):
        errors["day"] = "日期无效。"
    if (data.end_month is None) != (data.end_day is None):
        errors["end_day"] = "结束日期需同时填写月和日，或都不填。"
    elif data.end_month is not None:
        try:
            end = dt.date(2024, data.end_month, data.end_day or 1)
            if "day" not in errors and end < dt.date(2024, data.month, data.day):
                errors["end_day"] = "结束日期不能早于开始日期（不跨年）。"
        except ValueError:
            errors["end_day"] = "结束日期无效。"
    if errors:
        raise ValidationError(errors)


def _require_key_date(actor: Any, region: Region | None) -> None:
    if region is None:
        if not may_edit_national_key_dates(actor):
            raise PermissionDenied("全国性节点只能由最上级法宣办维护；您可以为本辖区添加节点。")
    else:
        require(actor, "ledger.review", region)


@transaction.atomic
def key_date_save(*, actor: Actor, data: KeyDateData, key_date: KeyDate | None = None) -> KeyDate:
    """Create or change a key date (retire one by saving it with is_active=False; rows are never deleted)."""
    if key_date is not None:
        _require_key_date(actor, key_date.region)
    _require_key_date(actor, data.region)
    _validate_key_date(data)
    creating = key_date is None
    key_date = key_date or KeyDate()
    before = {} if creating else audit.snapshot(key_date)
    key_date.name = data.name.strip()[:100]
    key_date.month, key_date.day = data.month, data.day
    key_date.end_month, key_date.end_day = data.end_month, data.end_day
    key_date.description = data.description.strip()[:300]
    key_date.region = data.region
    key_date.is_active = data.is_active
    key_date.save()
    key_date.domains.set(data.domains)
    if creating:
        audit.log_create(actor=actor, obj=key_date, code="ledger.keydate.create")
    else:
        audit.log(
            actor=actor,
            action=audit.Action.UPDATE,
            obj=key_date,
            code="ledger.keydate.update",
            changes=audit.diff(before, audit.snapshot(key_date)),
        )
    return key_date
