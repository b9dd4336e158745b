"""Every write of the reports app: drafting, editing, the submit → return/accept workflow, region summaries,
deadlines and circulars. Each checks permission, validates, writes in a transaction and audits the change.

The workflow (seed 004 十四): a unit drafts (pufa fills in the figures and seeds the prose), edits and submits;
the office reviews — returns it with its comments or accepts it. At submission the figures and the whole
rendering source are frozen into the report, so later changes to the ledger cannot change what was
submitted; a returned report is live again until it is submitted anew.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pufa.core import audit, notifications, workflow
from pufa.core.actors import person
from pufa.core.chinese import cn_date, cn_number
from pufa.core.notifications import notify
from pufa.org.access import Actor, can, grants, require
from pufa.org.models import Membership, Region, Unit, User
from pufa.org.roles import roles_with
from pufa.progress import services as progress_services
from pufa.reports import circulars, content, selectors
from pufa.reports.documents.model import paragraphs
from pufa.reports.figures import compute
from pufa.reports.models import Circular, Period, Report, ReportDeadline, period_label

TITLE_MAX = 200
REASON_MAX = 1000
PROSE_LIMITS = {"intro": 5000, "practices": 20000, "problems": 5000, "plans": 5000}


def _check_period(period: str, year: int, today: dt.date) -> None:
    if period not in Period.values:
        raise ValidationError({"period": "请选择报告期（上半年或全年）。"})
    if not 2000 <= year <= today.year + 1:
        raise ValidationError({"year": f"年度应在2000年至{today.year + 1}年之间。"})


def _users_of(unit: Unit | None, roles: Iterable[str]) -> list[User]:
    if unit is None:
        return []
    return list(
        User.objects.filter(
            memberships__unit=unit, memberships__role__in=list(roles), memberships__is_active=True, is_active=True
        ).distinct()
    )


def _report_url(report: Report) -> str:
    return reverse("reports:report-detail", args=[report.pk])


# ---------------------------------------------------------------- drafting and editing


@transaction.atomic
def report_start(*, actor: Actor, unit: Unit, period: str, year: int, today: dt.date | None = None) -> Report:
    """Draft a unit's report for a period, or return the one it already has (one report per unit and period).

    The draft's figures are live; its prose is seeded: 基本情况 with a standard opening, 主要做法和成效 with the
    activities marked as highlights, 存在问题 with the lagging and overdue items; 下一步打算 is the author's."""
    require(actor, "reports.write", unit)
    today = today or timezone.localdate()
    _check_period(period, year, today)
    existing = Report.objects.filter(kind=Report.Kind.UNIT, unit=unit, period=period, year=year).first()
    if existing is not None:
        return existing
    data = compute(unit=unit, period=period, year=year, today=today)
    label = period_label(period, year)
    report = Report(
        kind=Report.Kind.UNIT,
        unit=unit,
        region=unit.region,
        period=period,
        year=year,
        title=f"{unit.name}{label}普法工作情况报告",
        intro=content.seed_intro(unit.name, content.period_text(data), activities=data.value("activities")),
        practices=content.seed_practices(data),
        problems=content.seed_problems(data),
        author=person(actor),
    )
    report.full_clean(exclude=["author", "submitted_by", "reviewer"])
    report.save()
    audit.log_create(actor=actor, obj=report, code="reports.report.create")
    return report


@transaction.atomic
def report_update(
    *,
    actor: Actor,
    report: Report,
    title: str,
    intro: str,
    practices: str,
    problems: str,
    plans: str,
    version: int | None = None,
) -> Report:
    """Edit the prose of a draft or returned report. Figures are not editable: they are counted. Written over the
    locked row and only over the version the form was loaded with (`version`, when given)."""
    row = workflow.lock(report)
    workflow.check_version(row, version)
    require(actor, "reports.write", row)
    if not row.is_editable:
        raise ValidationError("报告已报送，不能再修改；如需修改，请联系审核单位退回。")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "请填写报告标题。"})
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": f"标题不能超过{TITLE_MAX}个字。"})
    values = {"intro": intro, "practices": practices, "problems": problems, "plans": plans}
    errors = {}
    for name, value in values.items():
        if len(value or "") > PROSE_LIMITS[name]:
            errors[name] = f"内容不能超过{PROSE_LIMITS[name]}个字。"
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(row, ["title", *values])
    row.title = title
    for name, value in values.items():
        setattr(row, name, (value or "").strip())
    workflow.save_checked(row, fields=["title", *values])
    audit.log_update(actor=actor, obj=row, before=before, code="reports.report.update")
    workflow.copy_state(row, report)
    return report


# ---------------------------------------------------------------- workflow


def _check_prose(report: Report) -> None:
    errors = {}
    if not paragraphs(report.practices):
        errors["practices"] = "请填写主要做法和成效。"
    if not paragraphs(report.plans):
        errors["plans"] = "请填写下一步打算。"
    if errors:
        raise ValidationError(errors)


def _notify_submitted(step: workflow.Step) -> None:
    report = step.obj
    office = selectors.reviewing_office(
        report.unit, above=report.kind == Report.Kind.SUMMARY or report.unit.kind == Unit.Kind.OFFICE
    )
    for user in _users_of(office, roles_with("reports.review")):
        notify(
            user=user,
            about=report,
            key=f"reports.submitted.{report.pk}.{step.at.timestamp():.0f}",
            title=f"{report.unit.name}报送了{report.period_label}工作报告",
            body=report.title,
            url=_report_url(report),
        )


def _notify_author(report: Report, title: str, body: str) -> None:
    recipients = {u for u in (report.submitted_by, report.author) if u is not None and u.is_active}
    for user in recipients:
        notify(
            user=user,
            about=report,
            key=f"reports.reviewed.{report.pk}.{timezone.now().timestamp():.0f}",
            title=title,
            body=body,
            url=_report_url(report),
        )


def _notify_returned(step: workflow.Step) -> None:
    report = step.obj
    _notify_author(report, f"{report.period_label}工作报告被退回修改", report.review_comment)


def _notify_accepted(step: workflow.Step) -> None:
    report = step.obj
    _notify_author(report, f"{report.period_label}工作报告已审核通过", report.review_comment or report.title)


class _ReviewKw(TypedDict):
    allowed: Callable[[Any, Any], bool]
    denied: str
    refused: str


_REVIEW: _ReviewKw = {
    "allowed": selectors.may_review,
    "denied": "不能审核本单位的报告，应由上级单位审核。",
    "refused": "只有已报送的报告可以审核。",
}

#: 工作报告的流程 (seed 004 十四): the unit drafts and submits (报送, freezing figures and text); the office above
#: returns it with comments (退回修改) or accepts it (审核通过) — never a report of a unit it acts for itself.
REPORT_FLOW = workflow.Workflow(
    model=Report,
    permits=can,
    transitions=[
        workflow.Transition(
            "submit",
            "报送",
            sources=Report.EDITABLE,
            target=Report.Status.SUBMITTED,
            action="reports.write",
            code="reports.report.submit",
            refused="只有草稿或已退回的报告可以报送。",
            checks=[_check_prose],
            notify=_notify_submitted,
        ),
        workflow.Transition(
            "return",
            "退回修改",
            sources={Report.Status.SUBMITTED},
            target=Report.Status.RETURNED,
            action="reports.review",
            code="reports.report.return",
            notify=_notify_returned,
            **_REVIEW,
        ),
        workflow.Transition(
            "accept",
            "审核通过",
            sources={Report.Status.SUBMITTED},
            target=Report.Status.ACCEPTED,
            action="reports.review",
            code="reports.report.accept",
            notify=_notify_accepted,
            **_REVIEW,
        ),
    ],
)


def report_transition(*, actor: Actor, report: Report, name: str, comment: str = "") -> Report:
    """Take workflow step `name` (submit, return, accept): the one service views call."""
    if name == "submit":
        return report_submit(actor=actor, report=report)
    if name == "return":
        return report_return(actor=actor, report=report, reason=comment)
    if name == "accept":
        return report_accept(actor=actor, report=report, comment=comment)
    raise ValidationError("未知操作。")


@transaction.atomic
def report_submit(*, actor: Actor, report: Report, today: dt.date | None = None) -> Report:
    """Submit: freeze the figures (as counted now) and the rendering source into the report."""
    today = today or timezone.localdate()
    counted: dict[str, Any] = {}

    def apply(row: Report) -> None:
        row.submitted_at = timezone.now()
        row.submitted_by = person(actor)
        if row.kind == Report.Kind.SUMMARY:
            data = compute(region=row.region, period=row.period, year=row.year, today=today)
        else:
            data = compute(unit=row.unit, period=row.period, year=row.year, today=today)
        row.figures = data.to_dict()
        row.document = selectors.build_document(report=row, data=data, today=today).to_dict()
        counted["data"] = data

    def message(row: Report) -> str:
        data = counted["data"]
        return f"报送（活动{data.value('activities')}场次，参与{data.value('people')}人次）"

    return REPORT_FLOW.run("submit", actor=actor, obj=report, apply=apply, message=message)


def _review(name: str, *, actor: Actor, report: Report, comment: str, message: str) -> Report:
    def apply(row: Report) -> None:
        row.review_comment = comment
        row.reviewer = person(actor)
        row.reviewed_at = timezone.now()

    return REPORT_FLOW.run(name, actor=actor, obj=report, apply=apply, message=message)


@transaction.atomic
def report_return(*, actor: Actor, report: Report, reason: str) -> Report:
    """Return a submitted report with the office's comments; it becomes editable (and live) again."""
    REPORT_FLOW.pick("return", actor, report)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写退回意见，说明需要修改的地方。"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"退回意见不能超过{REASON_MAX}个字。"})
    return _review("return", actor=actor, report=report, comment=reason, message=f"退回修改：{reason}")


@transaction.atomic
def report_accept(*, actor: Actor, report: Report, comment: str = "") -> Report:
    """Accept a submitted report: it enters the region summary with the figures it froze."""
    comment = (comment or "").strip()[:REASON_MAX]
    message = "审核通过" + (f"：{comment}" if comment else "")
    return _review("accept", actor=actor, report=report, comment=comment, message=message)


# ---------------------------------------------------------------- region summary


def _office_for(actor: Any, region: Region) -> Unit:
    """The office unit in `region` the actor acts for (the summary's author unit)."""
    ids = [g.unit_id for g in grants(actor) if g.allows("reports.review")]
    office = Unit.objects.filter(pk__in=ids, region=region, kind=Unit.Kind.OFFICE).first()
    if office is None:
        office = Unit.objects.filter(region=region, kind=Unit.Kind.OFFICE).order_by("pk").first()
    if office is None:
        raise ValidationError({"region": f"“{region.name}”没有法宣办（依法治理办）单位，无法生成汇总报告。"})
    return office


def _flatten(text: str) -> str:
    """A unit's prose as one run of text, its own numbering dropped (the summary numbers the units)."""
    parts = [content.LEVEL2.sub("", line) for line in paragraphs(text)]
    return "".join(parts)


@transaction.atomic
def region_summary(
    *,
    actor: Actor,
    region: Region,
    period: str,
    year: int,
    remerge: bool = False,
    today: dt.date | None = None,
) -> Report:
    """The office's summary report of a region: region-wide figures counted from the ledger, a table of every
    unit's report status and accepted figures, and prose merged from the accepted reports.

    Called again it returns the existing summary; `remerge=True` re-merges the prose of a draft from the
    reports accepted since."""
    require(actor, "reports.review", region)
    today = today or timezone.localdate()
    _check_period(period, year, today)
    office = _office_for(actor, region)
    summary = Report.objects.filter(kind=Report.Kind.SUMMARY, unit=office, period=period, year=year).first()
    if summary is not None and not (remerge and summary.is_editable):
        return summary
    data = compute(region=region, period=period, year=year, today=today)
    accepted = list(selectors.accepted_reports(region=region, period=period, year=year).exclude(unit=office))
    lines = selectors.summary_unit_lines(region=region, period=period, year=year, exclude=office)
    practice_lines = [
        f"（{cn_number(i)}）{r.unit.name}。{_flatten(r.practices)}"
        for i, r in enumerate((r for r in accepted if paragraphs(r.practices)), start=1)
    ]
    problems = content.seed_problems(data)
    unit_problems = [f"{r.unit.name}：{_flatten(r.problems)}" for r in accepted if paragraphs(r.problems)]
    values = {
        "intro": content.seed_intro(
            region.name,
            content.period_text(data),
            summary=True,
            activities=data.value("activities"),
            expected=len(lines),
            submitted=sum(1 for line in lines if line.state in Report.FROZEN),
        ),
        "practices": "\n".join(practice_lines),
        "problems": "\n".join(p for p in [problems, *unit_problems] if p),
    }
    if summary is None:
        summary = Report(
            kind=Report.Kind.SUMMARY,
            unit=office,
            region=region,
            period=period,
            year=year,
            title=f"{region.name}{period_label(period, year)}普法工作情况汇总报告",
            author=person(actor),
            **values,
        )
        summary.full_clean(exclude=["author", "submitted_by", "reviewer"])
        summary.save()
        audit.log_create(actor=actor, obj=summary, code="reports.summary.create", message=f"汇总{len(accepted)}份报告")
        return summary
    before = audit.snapshot(summary, list(values))
    for name, value in values.items():
        setattr(summary, name, value)
    summary.save(update_fields=[*values, "updated_at"])
    message = f"重新汇总{len(accepted)}份报告"
    audit.log_update(actor=actor, obj=summary, before=before, code="reports.summary.remerge", message=message)
    return summary


# ---------------------------------------------------------------- deadlines


@transaction.atomic
def deadline_set(*, actor: Actor, region: Region, period: str, year: int, due: dt.date) -> ReportDeadline:
    """Set the due date of a period's reports for a region (default 30 June / 31 December)."""
    require(actor, "reports.review", region)
    _check_period(period, year, timezone.localdate())
    if not dt.date(year, 1, 1) <= due <= dt.date(year + 1, 1, 31):
        raise ValidationError({"due": f"截止日期应在{year}年内（最迟{year + 1}年1月31日）。"})
    deadline = ReportDeadline.objects.filter(region=region, period=period, year=year).first()
    if deadline is None:
        deadline = ReportDeadline.objects.create(region=region, period=period, year=year, due=due)
        audit.log_create(actor=actor, obj=deadline, code="reports.deadline.set")
        return deadline
    before = audit.snapshot(deadline, ["due"])
    deadline.due = due
    deadline.save(update_fields=["due", "updated_at"])
    audit.log_update(actor=actor, obj=deadline, before=before, code="reports.deadline.set")
    return deadline


# ---------------------------------------------------------------- circulars


@transaction.atomic
def circular_draft(*, actor: Actor, issuing_unit: Unit, today: dt.date | None = None) -> Circular:
    """Draft a circular on the progress of the issuing office's region, as of today, from progress data."""
    require(actor, "reports.review", issuing_unit)
    if issuing_unit.kind != Unit.Kind.OFFICE:
        raise ValidationError({"issuing_unit": "通报只能以法宣办（依法治理办）名义印发。"})
    today = today or timezone.localdate()
    region = issuing_unit.region
    start = dt.date(today.year, 1, 1)
    progress_services.ensure_fresh(region_path=region.path, today=today)  # a write: statuses as of the circular
    circular = Circular(
        issuing_unit=issuing_unit,
        region=region,
        title=circulars.default_title(today),
        as_of=today,
        start=start,
        intro=circulars.default_intro(region.name, today),
        requirements=circulars.DEFAULT_REQUIREMENTS,
        data=circulars.circular_data(region=region, start=start, as_of=today),
        author=person(actor),
    )
    circular.save()
    audit.log_create(actor=actor, obj=circular, code="reports.circular.create")
    return circular


@transaction.atomic
def circular_update(
    *,
    actor: Actor,
    circular: Circular,
    title: str,
    number: str,
    intro: str,
    requirements: str,
    refresh: bool = False,
    today: dt.date | None = None,
    version: int | None = None,
) -> Circular:
    """Edit a draft circular; `refresh=True` re-reads the progress data as of today. Written over the locked row
    and only over the version the form was loaded with (`version`, when given)."""
    row = workflow.lock(circular)
    workflow.check_version(row, version)
    require(actor, "reports.review", row)
    if row.is_published:
        raise ValidationError("通报已印发，不能再修改。")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "请填写通报标题。"})
    before = audit.snapshot(row, ["title", "number", "intro", "requirements", "as_of"])
    row.title = title[:TITLE_MAX]
    row.number = (number or "").strip()[:60]
    row.intro = (intro or "").strip()[:3000]
    row.requirements = (requirements or "").strip()[:5000]
    if refresh:
        today = today or timezone.localdate()
        row.as_of = today
        progress_services.ensure_fresh(region_path=row.region.path, today=today)
        row.data = circulars.circular_data(region=row.region, start=row.start, as_of=today)
    workflow.save_checked(row)
    audit.log_update(actor=actor, obj=row, before=before, code="reports.circular.update")
    workflow.copy_state(row, circular)
    return circular


def _notify_recipients(step: workflow.Step) -> None:
    circular = step.obj
    url = reverse("reports:circular-detail", args=[circular.pk])
    for unit in circular.recipients.all():
        for user in _users_of(unit, [Membership.Role.LIAISON]):
            notify(
                user=user,
                key=f"reports.circular.{circular.pk}",
                title=f"{circular.issuing_unit.name}印发通报",
                body=f"{circular.title}（{cn_date(circular.as_of)}）",
                url=url,
            )


#: 通报的流程: the office drafts, edits and publishes (印发) to the units concerned; a published circular is final.
CIRCULAR_FLOW = workflow.Workflow(
    model=Circular,
    permits=can,
    transitions=[
        workflow.Transition(
            "publish",
            "印发",
            sources={Circular.Status.DRAFT},
            target=Circular.Status.PUBLISHED,
            action="reports.review",
            code="reports.circular.publish",
            refused="通报已印发。",
            notify=_notify_recipients,
        ),
    ],
)


@transaction.atomic
def circular_publish(*, actor: Actor, circular: Circular, recipients: list[Unit] | None = None) -> Circular:
    """Publish (印发) a circular to the units concerned — by default every unit it names — and notify them."""
    CIRCULAR_FLOW.pick("publish", actor, circular)
    if recipients is None:
        ids = [u["unit_id"] for u in circular.data.get("units", [])]
        recipients = list(Unit.objects.filter(pk__in=ids))
    outside = [u.name for u in recipients if not u.region.path.startswith(circular.region.path)]
    if outside:
        raise ValidationError({"recipients": f"不能发送给通报范围以外的单位：{'、'.join(outside)}"})
    if not recipients:
        raise ValidationError({"recipients": "请至少选择一个发送单位。"})
    chosen = recipients

    def apply(row: Circular) -> None:
        row.published_at = timezone.now()
        row.published_by = person(actor)

    return CIRCULAR_FLOW.run(
        "publish",
        actor=actor,
        obj=circular,
        apply=apply,
        message=f"印发给{len(chosen)}个单位",
        after=lambda step: step.obj.recipients.set(chosen),
    )


# ---------------------------------------------------------------- 催报


@transaction.atomic
def report_remind(
    *, actor: Actor, region: Region, period: str, year: int, today: dt.date | None = None
) -> notifications.ReminderResult:
    """催报: remind the liaisons of every unit of the region that has not submitted the period's report.

    Once per unit and day (a double click reminds nobody twice); units without a liaison account are named in
    the result. Audited once for the region, with the result line.
    """
    from pufa.org.selectors import liaisons_by_unit

    require(actor, "reports.remind", region)
    today = today or timezone.localdate()
    overview = selectors.submission_overview(actor=actor, region=region, period=period, year=year, today=today)
    units = [row.unit for row in overview.not_submitted]
    label = period_label(period, year)
    result = notifications.remind_units(
        units=units,
        recipients=liaisons_by_unit(u.pk for u in units),
        key=lambda unit: f"reports.remind:{period}:{year}:{unit.pk}:{today:%Y%m%d}",
        title=lambda unit: f"请报送{label}普法工作报告",
        body=lambda unit: (
            f"{unit.name}的{label}普法工作报告尚未报送，报送截止日期为{cn_date(overview.due)}。"
            "系统已根据工作台账生成初稿，补充做法和下一步打算后即可报送。"
        ),
        url=lambda unit: reverse("reports:report-list"),
        email=True,
    )
    audit.log(
        actor=actor,
        action=audit.Action.WORKFLOW,
        obj=region,
        code="reports.remind",
        message=f"{label}工作报告催报：{len(units)}个未报送单位，{result.message('催报')}"[:500],
    )
    return result
