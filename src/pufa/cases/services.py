"""Every write to the case library (STYLE.md: one service per write, in a transaction, with its audit entry).

Who may do what (org/roles.py):
- "cases.record" on the source unit: write a case, edit it while a draft, submit it;
- "cases.review" (the office over the unit's region): decide the desensitisation findings, review, return,
  publish, withdraw and publish again.

On submit the parties' names become 姓+某 in every text and the detectors' findings are stored (see
`pufa.cases.desensitise`); publishing is refused while a finding is open. Every write keeps the search
index in step (`pufa.cases.search.write_index`); publishing and withdrawing announce `RecordsChanged` for
the metric "cases published" inside the transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pufa.cases import desensitise, search
from pufa.cases.metrics import PUBLISHED
from pufa.cases.models import Attachment, Case, CaseLaw, CaseUse, Finding, Party
from pufa.core import audit, events, notifications, workflow
from pufa.core.actors import person
from pufa.core.events import RecordsChanged
from pufa.core.models import Domain
from pufa.duties.models import Law
from pufa.ledger import files
from pufa.ledger.models import Activity
from pufa.org.access import Actor, can, require
from pufa.org.models import Unit
from pufa.org.selectors import offices_over

Status = Case.Status
TEXT_LABELS = {"title": "标题", "facts": "基本案情", "outcome": "处理结果", "reasoning": "释法说理"}
MAX_PARTIES = 30
MAX_CITATIONS = 20
#: PostgreSQL cannot store a NUL character and no real text holds one (an import's `_x0000_`, a crafted post).
NUL = "\x00"


def nul_message(label: str) -> str:
    return f"{label}中含有空字符（\\x00，不可见的控制字符），无法保存；请删除后重试。"


@dataclass
class CaseData:
    """What a unit types (or an import holds) for one case."""

    unit: Unit
    title: str
    case_type: str
    facts: str
    outcome: str = ""
    reasoning: str = ""
    decided_on: dt.date | None = None
    author: str = ""
    tags: str = ""
    domains: list[Domain] = field(default_factory=list)
    citations: list[tuple[Law, str]] = field(default_factory=list)
    parties: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Upload:
    file: IO[bytes]
    name: str = ""


# ---------------------------------------------------------------- rules


def case_errors(data: CaseData, *, today: dt.date | None = None) -> dict[str, str]:
    """The rules of one case as {field: Chinese message}; no permission checks (importers call it per case)."""
    errors: dict[str, str] = {}
    today = today or timezone.localdate()
    if data.unit is None or data.unit.is_deleted:
        errors["unit"] = "请选择来源单位。"
    title = (data.title or "").strip()
    if not title:
        errors["title"] = "请填写案例标题。"
    elif len(title) > 200:
        errors["title"] = "案例标题不能超过200字。"
    if data.case_type not in Case.Type.values:
        errors["case_type"] = "请选择案件类型（民事、行政、刑事、行政执法、调解）。"
    if not (data.facts or "").strip():
        errors["facts"] = "请填写基本案情。"
    for name, label, value, limit in (
        ("facts", "基本案情", data.facts, 20000),
        ("outcome", "处理结果", data.outcome, 10000),
        ("reasoning", "释法说理", data.reasoning, 20000),
        ("tags", "标签", data.tags, 200),
        ("author", "撰写人", data.author, 50),
    ):
        if len((value or "").strip()) > limit:
            errors[name] = f"{label}不能超过{limit}字。"
    for name, label, value in (
        ("title", "案例标题", data.title),
        ("facts", "基本案情", data.facts),
        ("outcome", "处理结果", data.outcome),
        ("reasoning", "释法说理", data.reasoning),
        ("tags", "标签", data.tags),
        ("author", "撰写人", data.author),
    ):
        if NUL in (value or ""):
            errors[name] = nul_message(label)
    if data.decided_on is not None and (data.decided_on > today or data.decided_on.year < 1990):
        errors["decided_on"] = "裁判（处理）日期须在1990年以后、不晚于今天。"
    names = [(n or "").strip() for n, _ in data.parties]
    if any(NUL in n or NUL in (role or "") for n, role in data.parties):
        errors["parties"] = nul_message("当事人")
    elif any(not n for n in names):
        errors["parties"] = "当事人姓名不能为空。"
    elif len(set(names)) != len(names):
        errors["parties"] = "当事人有重复。"
    elif len(names) > MAX_PARTIES:
        errors["parties"] = f"当事人不能超过{MAX_PARTIES}个。"
    elif any(role not in Party.Role.values for _, role in data.parties):
        errors["parties"] = "当事人的诉讼地位无效。"
    laws = [law.pk for law, _ in data.citations]
    if any(NUL in (articles or "") for _, articles in data.citations):
        errors["citations"] = nul_message("引用条款")
    elif len(set(laws)) != len(laws):
        errors["citations"] = "引用的法律法规有重复。"
    elif len(laws) > MAX_CITATIONS:
        errors["citations"] = f"引用的法律法规不能超过{MAX_CITATIONS}部。"
    return errors


def _validate(data: CaseData) -> None:
    errors = case_errors(data)
    if errors:
        raise ValidationError(errors)


def _apply(case: Case, data: CaseData) -> None:
    case.unit = data.unit
    case.unit_path = data.unit.path
    case.region_path = data.unit.region.path
    case.title = data.title.strip()
    case.case_type = data.case_type
    case.decided_on = data.decided_on
    case.facts = (data.facts or "").strip()
    case.outcome = (data.outcome or "").strip()
    case.reasoning = (data.reasoning or "").strip()
    case.tags = "、".join(t for t in (data.tags or "").replace("，", "、").replace(",", "、").split("、") if t.strip())
    case.author = (data.author or "").strip()


def _set_relations(case: Case, data: CaseData) -> None:
    case.domains.set(data.domains)
    CaseLaw.objects.filter(case=case).delete()
    CaseLaw.objects.bulk_create(
        [CaseLaw(case=case, law=law, articles=(articles or "").strip()[:200]) for law, articles in data.citations]
    )
    Party.objects.filter(case=case).delete()
    Party.objects.bulk_create(
        [Party(case=case, name=name.strip(), role=role, order=i) for i, (name, role) in enumerate(data.parties)]
    )


def _snapshot(case: Case) -> dict[str, Any]:
    data = audit.snapshot(case)
    for key in ("region_path", "unit_path", "deleted_at", "submitted_at", "reviewed_at", "published_at"):
        data.pop(key, None)
    data["引用法条"] = [str(c) for c in CaseLaw.objects.filter(case=case).select_related("law")]
    data["当事人"] = [str(p) for p in Party.objects.filter(case=case)]
    return data


def reindex(cases: Sequence[Case]) -> None:
    """Rewrite the search rows of these cases from their current texts (and law names, domains, tags)."""
    if not cases:
        return
    ids = [c.pk for c in cases]
    laws: dict[int, list[str]] = {}
    for case_id, name in CaseLaw.objects.filter(case_id__in=ids).values_list("case_id", "law__name"):
        laws.setdefault(case_id, []).append(name)
    domains: dict[int, list[str]] = {}
    for case_id, name in Case.domains.through.objects.filter(case_id__in=ids).values_list("case_id", "domain__name"):
        domains.setdefault(case_id, []).append(name)
    gone = [c.pk for c in cases if c.deleted_at is not None]
    search.drop_index(gone)
    rows = []
    for c in cases:
        if c.deleted_at is not None:
            continue  # a deleted case leaves the index; restoring writes it again
        # The title twice: a word in the title weighs more in both databases' ranks.
        parts = [c.title, c.title, c.tags, *laws.get(c.pk, []), *domains.get(c.pk, []), c.facts, c.outcome, c.reasoning]
        public = c.status == Status.PUBLISHED
        rows.append((c.pk, search.index_text(parts), public))
    search.write_index(rows)


def _store_attachments(*, actor: Any, case: Case, uploads: Sequence[Upload]) -> None:
    checked, problems = [], []
    for upload in uploads:
        try:
            checked.append(files.check(upload.file, upload.name))
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        raise ValidationError({"attachments": problems})
    for upload, check in zip(uploads, checked, strict=True):
        upload.file.seek(0)
        attachment = Attachment(case=case, original_name=(upload.name or "")[-255:], mime=check.mime, size=check.size)
        attachment.file.name = default_storage.save(files.storage_name(check.extension, "cases"), upload.file)
        attachment.save()
        audit.log(
            actor=actor,
            action=audit.Action.CREATE,
            obj=attachment,
            code="cases.attachment.add",
            changes={"original_name": [None, attachment.original_name]},
            message=f"为“{case.title}”上传附件",
            scope_path=case.region_path,
        )


# ---------------------------------------------------------------- cases


@transaction.atomic
def case_create(*, actor: Actor, data: CaseData, attachments: Sequence[Upload] = ()) -> Case:
    """Write a case as a draft of the source unit."""
    if data.unit is None:
        raise ValidationError({"unit": "请选择来源单位。"})
    require(actor, "cases.record", data.unit)
    _validate(data)
    case = Case(status=Status.DRAFT, recorded_by=person(actor))
    _apply(case, data)
    case.save()
    _set_relations(case, data)
    audit.log(
        actor=actor,
        action=audit.Action.CREATE,
        obj=case,
        code="cases.case.create",
        changes={k: [None, v] for k, v in _snapshot(case).items() if v not in (None, "", [], 0, False)},
        message="填写案例（草稿）",
    )
    _store_attachments(actor=actor, case=case, uploads=attachments)
    reindex([case])
    return case


@transaction.atomic
def case_update(
    *, actor: Actor, case: Case, data: CaseData, attachments: Sequence[Upload] = (), version: int | None = None
) -> Case:
    """Change a draft. The source unit may change only to a unit the actor records for."""
    row = workflow.lock(case)
    workflow.check_version(row, version)
    require(actor, "cases.record", row)
    if data.unit is not None and data.unit.pk != row.unit_id:
        require(actor, "cases.record", data.unit)
    if row.deleted_at is not None:
        raise ValidationError("该案例已删除。")
    if not row.is_editable:
        raise ValidationError("案例已提交审核，不能再修改；如需更正，请审核人退回。")
    _validate(data)
    before = _snapshot(row)
    _apply(row, data)
    workflow.save_checked(row)
    _set_relations(row, data)
    changes = audit.diff(before, _snapshot(row))
    if changes:
        audit.log(actor=actor, action=audit.Action.UPDATE, obj=row, code="cases.case.update", changes=changes)
    _store_attachments(actor=actor, case=row, uploads=attachments)
    reindex([row])
    workflow.copy_state(row, case)
    return case


# ---------------------------------------------------------------- desensitisation


def _texts(case: Case) -> dict[str, str]:
    return {name: getattr(case, name) for name in Case.TEXT_FIELDS}


def desensitise_on_submit(case: Case) -> desensitise.Scan:
    """Replace the parties' names in the case's texts (on the row, not saved) and return the scan."""
    parties = [desensitise.Party(p.name, p.role) for p in Party.objects.filter(case=case)]
    result = desensitise.scan(_texts(case), parties)
    for name, text in result.texts.items():
        setattr(case, name, text)
    return result


def _store_findings(case: Case, result: desensitise.Scan, actor: Any) -> int:
    """Store new findings; a string already decided (accepted earlier, or rejected) keeps its decision."""
    existing = set(Finding.objects.filter(case=case).values_list("kind", "text"))
    now = timezone.now()
    rows = [
        Finding(
            case=case,
            kind=f.kind,
            text=f.text[:200],
            replacement=f.replacement[:200],
            fields="、".join(TEXT_LABELS.get(n, n) for n in f.fields)[:100],
            context=f.context[:300],
            status=Finding.Status.APPLIED if f.auto else Finding.Status.OPEN,
            decided_at=now if f.auto else None,
            decided_by=person(actor) if f.auto else None,
        )
        for f in result.findings
        if (f.kind, f.text[:200]) not in existing
    ]
    Finding.objects.bulk_create(rows)
    return sum(1 for r in rows if r.status == Finding.Status.OPEN)


def _check_no_open_findings(case: Case) -> None:
    open_count = Finding.objects.filter(case=case, status=Finding.Status.OPEN).count()
    if open_count:
        raise ValidationError(f"还有{open_count}处脱敏发现未处理，请逐条接受或驳回后再发布。")


def _check_parties_gone(case: Case) -> None:
    """A last guard: no party's full name may remain in a text that goes public."""
    texts = " ".join(_texts(case).values())
    left = [p.name for p in Party.objects.filter(case=case) if desensitise.Party(p.name).is_person and p.name in texts]
    if left:
        raise ValidationError(f"正文中仍有当事人姓名（{'、'.join(left)}），请退回修改。")


@transaction.atomic
def finding_decide(*, actor: Actor, finding: Finding, accept: bool, replacement: str | None = None) -> Finding:
    """Accept a finding (its replacement is made in every text of the case) or reject it (a false alarm)."""
    case = workflow.lock(finding.case)
    require(actor, "cases.review", case)
    row = Finding.objects.select_for_update().get(pk=finding.pk)
    if row.status != Finding.Status.OPEN:
        raise ValidationError("该条已处理。")
    if case.status not in (Status.SUBMITTED, Status.REVIEWED):
        raise ValidationError("只有待审核或已审核的案例可以处理脱敏发现。")
    if accept:
        new = (replacement if replacement is not None else row.replacement).strip()
        if NUL in new:
            raise ValidationError({"replacement": nul_message("替换文字")})
        if not new or new == row.text:
            raise ValidationError({"replacement": "请填写替换后的文字。"})
        row.replacement = new[:200]
        for name in Case.TEXT_FIELDS:
            setattr(case, name, desensitise.replace_all(getattr(case, name), {row.text: row.replacement}))
        workflow.save_checked(case)
        reindex([case])
    row.status = Finding.Status.ACCEPTED if accept else Finding.Status.REJECTED
    row.decided_by = person(actor)
    row.decided_at = timezone.now()
    row.save(update_fields=["status", "replacement", "decided_by", "decided_at", "updated_at"])
    audit.log(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=case,
        code="cases.finding.accept" if accept else "cases.finding.reject",
        changes={"status": [Finding.Status.OPEN.label, row.get_status_display()]},
        message=f"{row.get_kind_display()}“{row.text}”" + (f"替换为“{row.replacement}”" if accept else "不替换"),
    )
    workflow.copy_state(case, finding.case)
    return row


# ---------------------------------------------------------------- the workflow


def _case_url(case: Case) -> str:
    return reverse("cases:case-detail", args=[case.pk])


def _notify_reviewers(case: Case) -> int:
    return notifications.notify_all(
        offices_over(case.unit),
        about=case,
        key=f"cases.submitted:{case.pk}:{uuid.uuid4().hex}",
        title=f"{case.unit.name}提交了典型案例，待审核",
        body=case.title,
        url=_case_url(case),
    )


def _notify_submitted(step: workflow.Step) -> None:
    _notify_reviewers(step.obj)


def _announce(step: workflow.Step) -> None:
    """Publishing and withdrawing move the metric "cases published" of the source unit."""
    if step.transition.event:
        case = step.obj
        days = {timezone.localdate(step.at)}
        if case.published_at is not None:
            days.add(timezone.localdate(case.published_at))
        events.publish(
            RecordsChanged(
                metrics=frozenset({PUBLISHED}),
                unit_ids=frozenset({case.unit_id}),
                dates=frozenset(days),
                source="cases",
                actor=step.actor,
            )
        )


def _submit_apply(actor: Any) -> Any:
    def apply(row: Case) -> None:
        row.submitted_at = timezone.now()
        row.return_reason = ""
        row._scan = desensitise_on_submit(row)  # type: ignore[attr-defined]

    return apply


def _after_submit(step: workflow.Step) -> None:
    case = step.obj
    _store_findings(case, case._scan, step.actor)
    reindex([case])


CASE_FLOW = workflow.Workflow(
    model=Case,
    permits=can,
    announce=_announce,
    transitions=[
        workflow.Transition(
            "submit",
            "提交审核",
            sources=frozenset({Status.DRAFT}),
            target=Status.SUBMITTED,
            action="cases.record",
            code="cases.case.submit",
            refused="案例已提交。",
            notify=_notify_submitted,
        ),
        workflow.Transition(
            "review",
            "审核通过",
            sources=frozenset({Status.SUBMITTED}),
            target=Status.REVIEWED,
            action="cases.review",
            code="cases.case.review",
            refused="只有待审核的案例可以审核。",
        ),
        workflow.Transition(
            "return",
            "退回修改",
            sources=frozenset({Status.SUBMITTED, Status.REVIEWED}),
            target=Status.DRAFT,
            action="cases.review",
            code="cases.case.return",
            refused="只有待审核或已审核的案例可以退回。",
        ),
        workflow.Transition(
            "publish",
            "发布",
            sources=frozenset({Status.REVIEWED, Status.WITHDRAWN}),
            target=Status.PUBLISHED,
            action="cases.review",
            code="cases.case.publish",
            refused="案例须先审核通过才能发布。",
            checks=(_check_no_open_findings, _check_parties_gone),
            event="published",
        ),
        workflow.Transition(
            "withdraw",
            "撤回发布",
            sources=frozenset({Status.PUBLISHED}),
            target=Status.WITHDRAWN,
            action="cases.review",
            code="cases.case.withdraw",
            refused="只有已发布的案例可以撤回。",
            event="withdrawn",
        ),
        # Deleting (soft, restorable within the retention period, as ledger activities are): the source unit
        # its own drafts, the reviewer any case not on the portal (the last declaration's refusal is the one
        # a reviewer reads). A published case is withdrawn first, and a case that activities explained stays
        # (withdraw it instead), so no 以案释法 record loses it.
        workflow.Transition(
            "delete",
            "删除",
            sources=frozenset({Status.DRAFT}),
            target=None,
            action="cases.record",
            code="cases.case.delete",
            refused="已提交审核或已发布的案例不能由填报单位删除；如确需删除，请联系审核人（已发布的须先撤回）。",
            checks=(lambda case: _check_not_in_use(case),),
            audit_action=audit.Action.DELETE,
        ),
        workflow.Transition(
            "delete",
            "删除",
            sources=frozenset({Status.DRAFT, Status.SUBMITTED, Status.REVIEWED, Status.WITHDRAWN}),
            target=None,
            action="cases.review",
            code="cases.case.delete",
            refused="已发布的案例须先撤回发布，再删除。",
            checks=(lambda case: _check_not_in_use(case),),
            audit_action=audit.Action.DELETE,
        ),
    ],
)


def _check_not_in_use(case: Case) -> None:
    """A case that living 以案释法 activities name is kept: their pages and counts still point at it."""
    uses = CaseUse.objects.filter(case=case, activity__deleted_at__isnull=True).count()
    if uses:
        raise ValidationError(f"该案例已被{uses}个以案释法活动引用，不能删除；如不宜公开，请撤回发布。")


def case_submit(*, actor: Actor, case: Case, version: int | None = None) -> Case:
    """Submit for review: the parties' names become 姓+某 in every text, the detectors' findings are stored."""
    return CASE_FLOW.run(
        "submit",
        actor=actor,
        obj=case,
        version=version,
        apply=_submit_apply(actor),
        after=_after_submit,
        message=lambda row: (
            f"提交审核；自动替换当事人姓名{len(row._scan.of_kind(desensitise.Kind.NAME))}处，"
            f"待处理脱敏发现{len([f for f in row._scan.findings if not f.auto])}条"
        ),
    )


def case_review(*, actor: Actor, case: Case) -> Case:
    def apply(row: Case) -> None:
        row.reviewed_at = timezone.now()
        row.reviewed_by = person(actor)

    return CASE_FLOW.run("review", actor=actor, obj=case, apply=apply)


def case_return(*, actor: Actor, case: Case, reason: str) -> Case:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请写明退回原因。"})
    if NUL in reason:
        raise ValidationError({"reason": nul_message("退回原因")})

    def apply(row: Case) -> None:
        row.return_reason = reason[:500]

    return CASE_FLOW.run("return", actor=actor, obj=case, apply=apply, message=f"退回原因：{reason[:200]}")


def case_publish(*, actor: Actor, case: Case) -> Case:
    """Publish on the portal — refused while a desensitisation finding is open."""

    def apply(row: Case) -> None:
        row.published_at = timezone.now()
        row.withdrawn_at = None

    return CASE_FLOW.run("publish", actor=actor, obj=case, apply=apply, after=lambda step: reindex([step.obj]))


def case_withdraw(*, actor: Actor, case: Case, reason: str = "") -> Case:
    if NUL in (reason or ""):
        raise ValidationError({"reason": nul_message("撤回原因")})

    def apply(row: Case) -> None:
        row.withdrawn_at = timezone.now()

    return CASE_FLOW.run(
        "withdraw",
        actor=actor,
        obj=case,
        apply=apply,
        after=lambda step: reindex([step.obj]),
        message=(reason or "").strip()[:200],
    )


# ---------------------------------------------------------------- uses (以案释法 activities)


@transaction.atomic
def case_use_add(*, actor: Actor, case: Case, activity: Activity) -> CaseUse:
    """Name a case an activity explained. The activity's organiser records it; the case must be published or
    visible to the actor."""
    require(actor, "ledger.record", activity.unit)
    if case.status != Status.PUBLISHED and not can(actor, "cases.view", case):
        raise ValidationError({"case": "只能关联已发布的案例或本单位的案例。"})
    use, created = CaseUse.objects.get_or_create(case=case, activity=activity, defaults={"added_by": person(actor)})
    if created:
        audit.log(
            actor=actor,
            action=audit.Action.CREATE,
            obj=activity,
            code="cases.use.add",
            changes={"案例": [None, case.title]},
            message=f"以案释法：关联案例“{case.title}”",
        )
    return use


@transaction.atomic
def case_use_remove(*, actor: Actor, use: CaseUse) -> None:
    require(actor, "ledger.record", use.activity.unit)
    audit.log(
        actor=actor,
        action=audit.Action.DELETE,
        obj=use.activity,
        code="cases.use.remove",
        changes={"案例": [use.case.title, None]},
        message=f"取消关联案例“{use.case.title}”",
    )
    use.delete()


# ---------------------------------------------------------------- deleting and restoring


def case_delete(*, actor: Actor, case: Case, reason: str = "") -> Case:
    """Soft-delete: the case leaves every list, search and count; its texts, parties, findings and files stay
    with the row, restorable within the retention period (`PUFA_RETENTION_DAYS`, as for ledger activities)."""
    reason = (reason or "").strip()
    if NUL in reason:
        raise ValidationError({"reason": nul_message("删除原因")})

    def apply(row: Case) -> None:
        row.deleted_at = timezone.now()

    return CASE_FLOW.run(
        "delete", actor=actor, obj=case, apply=apply, after=lambda step: reindex([step.obj]), message=reason[:200]
    )


def retention_days() -> int:
    from django.conf import settings

    return int(settings.PUFA_RETENTION_DAYS)


@transaction.atomic
def case_restore(*, actor: Actor, case: Case) -> Case:
    """Undo a deletion within the retention period (the source unit or the reviewer: cases.record on it).
    The case comes back in the status it had; a published case is never deleted, so none comes back public."""
    row = workflow.lock(case)
    require(actor, "cases.record", row)
    if row.deleted_at is None:
        raise ValidationError("该案例未被删除。")
    if row.deleted_at < timezone.now() - dt.timedelta(days=retention_days()):
        raise ValidationError(f"删除已超过{retention_days()}天的保留期限，不能恢复。")
    row.deleted_at = None
    workflow.save_checked(row)
    reindex([row])
    audit.log(actor=actor, action=audit.Action.RESTORE, obj=row, code="cases.case.restore", message="恢复已删除的案例")
    workflow.copy_state(row, case)
    return case
