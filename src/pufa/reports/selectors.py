"""Every read of the reports app a page, export, task or command needs, scoped by the acting user.

Which reports a user sees: a liaison those of their unit (and units below it); an office (and its inspectors)
every report and summary of its region; summaries are scoped to the region they summarise, so a community
does not see its street's summary. Circulars: the issuing office's region, and once published the units
they were sent to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from pufa.core.models import AuditEntry
from pufa.org.access import ancestor_paths, can, grants, scope, visible_or_404
from pufa.org.models import Region, Unit
from pufa.org.roles import role_allows
from pufa.reports import circulars, content
from pufa.reports.documents.model import Document
from pufa.reports.figures import ReportData, compute
from pufa.reports.models import DEFAULT_DUE, Circular, Period, Report, ReportDeadline, period_label

# ---------------------------------------------------------------- reports


def report_list(
    *,
    actor: Any,
    year: int | None = None,
    period: str = "",
    status: str = "",
    kind: str = "",
    unit: Unit | None = None,
    to_review: bool = False,
) -> QuerySet[Report]:
    """Visible reports; `to_review`: only those the actor may review (`may_review`, as a query)."""
    reports = scope(Report.objects.all(), actor, "reports.view").select_related("unit", "region", "author")
    if to_review:
        reports = scope(reports, actor, "reports.review").exclude(unit_id__in=[g.unit_id for g in grants(actor)])
    if year:
        reports = reports.filter(year=year)
    if period:
        reports = reports.filter(period=period)
    if status:
        reports = reports.filter(status=status)
    if kind:
        reports = reports.filter(kind=kind)
    if unit is not None:
        reports = reports.filter(unit=unit)
    return reports.order_by("-year", "-period", "kind", "unit__pinyin")


def unit_statements(*, actor: Any, unit: Unit, year: int) -> list[Any]:
    """A unit's annual report of `year` (not a summary, not deleted), as its 述职 in its assessment
    (registered with `assessment.statements`), if the actor may see it: the author's unit and the office
    above it, as the report list scopes them."""
    from django.urls import reverse

    from pufa.assessment.statements import Statement

    rows = report_list(actor=actor, year=year, period=Period.YEAR, kind=Report.Kind.UNIT, unit=unit)
    return [Statement(r.title, reverse("reports:report-detail", args=[r.pk]), r.get_status_display()) for r in rows]


def report_get(*, actor: Any, pk: int) -> Report:
    return visible_or_404(
        Report.objects.select_related("unit__region", "region", "author", "submitted_by", "reviewer"),
        actor,
        action="reports.view",
        pk=pk,
    )


def report_events(*, report: Report) -> QuerySet[AuditEntry]:
    """流转记录: the workflow steps of a report the caller already loaded through `report_get`, read from the
    audit trail (each step writes one entry: who, when, and its message with the comment)."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Report),
        object_id=str(report.pk),
        action=AuditEntry.Action.WORKFLOW,
    ).order_by("at", "id")


def writable_units(*, actor: Any) -> QuerySet[Unit]:
    """Units the actor may draft reports for."""
    return scope(Unit.objects.all(), actor, "reports.write").select_related("region").order_by("pinyin")


def draftable_units(*, actor: Any) -> QuerySet[Unit]:
    """The units offered when starting a report: those the actor acts for, and for a liaison the units below
    it. An office may write any report of its region, but offering thousands of units in a list helps nobody."""
    q = Q(pk__in=[g.unit_id for g in grants(actor) if role_allows(g.role, "reports.write")])
    for grant in grants(actor):
        if role_allows(grant.role, "reports.write") and not grant.region_wide:
            q |= Q(path__startswith=grant.unit_path)
    return Unit.objects.filter(q).select_related("region").order_by("pinyin")


def reviewable_regions(*, actor: Any) -> QuerySet[Region]:
    """Regions whose reports the actor reviews (offices: their region and everything below)."""
    return scope(Region.objects.all(), actor, "reports.review").order_by("path")


def home_region(*, actor: Any) -> Region | None:
    """The region of the actor's first office grant: the default of the overview page."""
    for grant in grants(actor):
        if grant.allows("reports.review"):
            return Region.objects.filter(path=grant.region_path).first()
    return None


def reviewing_office(unit: Unit, *, above: bool = False) -> Unit | None:
    """The office a unit reports to: the office of the nearest region at or above the unit's region (for a
    summary or an office's own report, `above=True`: strictly above its region)."""
    paths = ancestor_paths(unit.region.path)
    if above:
        paths = paths[:-1]
    offices = Unit.objects.filter(kind=Unit.Kind.OFFICE, region__path__in=paths).exclude(pk=unit.pk)
    best = None
    for office in offices.select_related("region"):
        if best is None or len(office.region.path) > len(best.region.path):
            best = office
    return best


def may_review(actor: Any, report: Report) -> bool:
    """Office users review reports of their region, but never a report of a unit they act for themselves."""
    if not can(actor, "reports.review", report):
        return False
    return report.unit_id not in {g.unit_id for g in grants(actor)}


# ---------------------------------------------------------------- deadlines


def due_date(*, region: Region, period: str, year: int) -> dt.date:
    """The nearest deadline set at or above `region`, else 30 June / 31 December (seed 004)."""
    rows = ReportDeadline.objects.filter(
        region__path__in=ancestor_paths(region.path), period=period, year=year
    ).select_related("region")
    best = None
    for row in rows:
        if best is None or len(row.region.path) > len(best.region.path):
            best = row
    if best is not None:
        return best.due
    month, day = DEFAULT_DUE[Period(period)]
    return dt.date(year, month, day)


# ---------------------------------------------------------------- figures and documents


def report_data(*, report: Report, today: dt.date | None = None) -> ReportData:
    """Live figures while the report is a draft or returned; the frozen ones once submitted."""
    if report.is_frozen and report.figures:
        return ReportData.from_dict(report.figures)
    if report.kind == Report.Kind.SUMMARY:
        return compute(region=report.region, period=report.period, year=report.year, today=today)
    return compute(unit=report.unit, period=report.period, year=report.year, today=today)


def summary_unit_lines(
    *, region: Region, period: str, year: int, exclude: Unit | None = None
) -> list[content.UnitLine]:
    """For a region summary: every responsible unit of the region with its report's status, and the figures
    its accepted report froze (the summary merges accepted reports only). Each line names the region just
    under the summary's (the street of a district summary, the district of a city's), and lines are ordered
    street by street; a street's summary lists its units without grouping them by community."""
    units = Unit.objects.filter(region__path__startswith=region.path, is_responsible_subject=True)
    if exclude is not None:
        units = units.exclude(pk=exclude.pk)
    reports = {
        r.unit_id: r
        for r in Report.objects.filter(kind=Report.Kind.UNIT, unit__in=units, period=period, year=year).only(
            "unit_id", "status", "figures"
        )
    }
    rows = list(units.select_related("region").only("id", "name", "pinyin", "region__path").order_by("pinyin"))
    # The region directly under the summary's region that holds each unit: the next id on its path.
    child_ids = {}
    for unit in rows:
        rest = unit.region.path[len(region.path) :].strip("/")
        child_ids[unit.pk] = int(rest.split("/")[0]) if rest else None
    children = Region.objects.filter(pk__in={c for c in child_ids.values() if c}).only("id", "name", "path")
    child_names = {r.pk: r.name for r in children}
    order = {r.pk: r.path for r in children}
    own = f"{region.name}本级"
    grouped = region.level in (Region.Level.CITY, Region.Level.DISTRICT)
    rows.sort(key=lambda u: ("" if child_ids[u.pk] is None else order.get(child_ids[u.pk], ""), u.pinyin))
    lines = []
    for unit in rows:
        group = (child_names.get(child_ids[unit.pk], own) if child_ids[unit.pk] else own) if grouped else ""
        report = reports.get(unit.pk)
        if report is None:
            lines.append(content.UnitLine(unit.name, "未报送", group=group))
            continue
        line = content.UnitLine(unit.name, report.get_status_display(), group=group, state=report.status)
        if report.status == Report.Status.ACCEPTED and report.figures:
            data = ReportData.from_dict(report.figures)
            line.activities = str(data.value("activities"))
            line.people = str(data.value("people"))
            line.materials = str(data.value("materials"))
        lines.append(line)
    return lines


def accepted_reports(*, region: Region, period: str, year: int) -> QuerySet[Report]:
    return (
        Report.objects.filter(
            kind=Report.Kind.UNIT,
            status=Report.Status.ACCEPTED,
            region__path__startswith=region.path,
            period=period,
            year=year,
        )
        .select_related("unit")
        .order_by("unit__pinyin")
    )


def recipient_name(report: Report) -> str:
    office = reviewing_office(report.unit, above=report.kind == Report.Kind.SUMMARY or report.unit.kind == "office")
    return office.name if office is not None else ""


def build_document(*, report: Report, data: ReportData | None = None, today: dt.date | None = None) -> Document:
    """The report as a document from its current prose and (live or frozen) figures."""
    data = data or report_data(report=report, today=today)
    lines = None
    if report.kind == Report.Kind.SUMMARY:
        lines = summary_unit_lines(region=report.region, period=report.period, year=report.year, exclude=report.unit)
    if report.submitted_at:
        date = timezone.localtime(report.submitted_at).date()
    else:
        date = content.draft_date(data, today or timezone.localdate())
    return content.report_document(
        title=report.title,
        data=data,
        intro=report.intro,
        practices=report.practices,
        problems=report.problems,
        plans=report.plans,
        signature=report.unit.name,
        recipient=recipient_name(report),
        date=date,
        unit_lines=lines,
        group_label="区（县）" if report.region.level == Region.Level.CITY else "街道（乡镇）",
    )


def report_document(*, report: Report, today: dt.date | None = None) -> Document:
    """What the downloads render: the frozen rendering source of a submitted report, else a fresh build."""
    if report.is_frozen and report.document:
        return Document.from_dict(report.document)
    return build_document(report=report, today=today)


# ---------------------------------------------------------------- the office's overview


@dataclass
class SubmissionRow:
    unit: Unit
    report: Report | None
    due: dt.date
    today: dt.date

    @property
    def state(self) -> str:
        return self.report.status if self.report is not None else "missing"

    @property
    def state_label(self) -> str:
        return self.report.get_status_display() if self.report is not None else "未起草"

    @property
    def submitted(self) -> bool:
        return self.report is not None and self.report.status in Report.FROZEN

    @property
    def late(self) -> bool:
        """Not submitted by the due date (or submitted after it)."""
        if self.report is not None and self.report.submitted_at is not None and self.submitted:
            return timezone.localtime(self.report.submitted_at).date() > self.due
        return self.today > self.due


@dataclass
class SubmissionOverview:
    region: Region
    period: str
    year: int
    due: dt.date
    rows: list[SubmissionRow]

    @property
    def label(self) -> str:
        return period_label(self.period, self.year)

    def count(self, state: str) -> int:
        return sum(1 for r in self.rows if r.state == state)

    @property
    def accepted_count(self) -> int:
        return self.count(Report.Status.ACCEPTED)

    @property
    def not_submitted(self) -> list[SubmissionRow]:
        return [r for r in self.rows if not r.submitted]

    @property
    def overdue(self) -> list[SubmissionRow]:
        return [r for r in self.rows if not r.submitted and r.late]

    #: The table's filters: a city office has 5,000 units to chase, and wants those that have not reported.
    FILTERS: ClassVar[dict[str, str]] = {
        "": "全部单位",
        "not_submitted": "未报送",
        "overdue": "逾期未报",
        "submitted": "已报送",
        "accepted": "已通过",
    }

    def filtered(self, which: str) -> list[SubmissionRow]:
        if which == "not_submitted":
            return self.not_submitted
        if which == "overdue":
            return self.overdue
        if which == "submitted":
            return [r for r in self.rows if r.submitted]
        if which == "accepted":
            return [r for r in self.rows if r.state == Report.Status.ACCEPTED]
        return self.rows


def submission_overview(
    *, actor: Any, region: Region, period: str, year: int, today: dt.date | None = None
) -> SubmissionOverview:
    """Who has (not) submitted the period's report — every responsible unit of a region the actor reviews."""
    if not can(actor, "reports.review", region):
        raise Http404("未找到该区划")
    today = today or timezone.localdate()
    units = list(
        scope(Unit.objects.filter(region__path__startswith=region.path, is_responsible_subject=True), actor)
        .select_related("region")
        .order_by("pinyin")
    )
    reports = {
        r.unit_id: r for r in Report.objects.filter(kind=Report.Kind.UNIT, unit__in=units, period=period, year=year)
    }
    due = due_date(region=region, period=period, year=year)
    rows = [SubmissionRow(unit, reports.get(unit.pk), due, today) for unit in units]
    return SubmissionOverview(region, period, year, due, rows)


# ---------------------------------------------------------------- circulars


def circular_list(*, actor: Any) -> QuerySet[Circular]:
    """Published circulars the actor may see; drafts only for those who may issue them."""
    visible = scope(Circular.objects.all(), actor, "reports.view")
    drafts = scope(Circular.objects.filter(status=Circular.Status.DRAFT), actor, "reports.review").values("pk")
    return (
        visible.filter(Q(status=Circular.Status.PUBLISHED) | Q(pk__in=drafts))
        .select_related("issuing_unit", "region")
        .order_by("-as_of", "-id")
    )


def circular_get(*, actor: Any, pk: int) -> Circular:
    """A circular of the list above; one the actor's units would see but whose role may not read circulars
    (a member) is 403, as the list is."""
    try:
        return circular_list(actor=actor).get(pk=pk)
    except Circular.DoesNotExist as exc:
        if scope(Circular.objects.filter(pk=pk, status=Circular.Status.PUBLISHED), actor).exists():
            raise PermissionDenied("您没有权限查看此内容。") from exc
        raise Http404("未找到该通报") from exc


def office_units(*, actor: Any) -> QuerySet[Unit]:
    """The offices the actor may issue circulars and summaries for."""
    ids = [g.unit_id for g in grants(actor) if g.allows("reports.review")]
    return Unit.objects.filter(pk__in=ids, kind=Unit.Kind.OFFICE).select_related("region").order_by("pinyin")


def circular_doc(*, circular: Circular) -> Document:
    """The circular as a document, dated the day it was published (or today for a draft)."""
    date = timezone.localtime(circular.published_at).date() if circular.published_at else timezone.localdate()
    return circulars.circular_document(
        title=circular.title,
        number=circular.number,
        intro=circular.intro,
        requirements=circular.requirements,
        data=circular.data,
        signature=circular.issuing_unit.name,
        date=date,
    )


# ---------------------------------------------------------------- documents without a web request


def generated_document(
    *, unit: Unit, period: str, year: int, summary: bool = False, today: dt.date | None = None
) -> Document:
    """The document of a unit's report for the command line and bulk generation (no acting user, no writes):
    the report itself if it exists (frozen once submitted), else a draft with the seeded prose.

    `summary=True` gives the region summary of the unit's region (the unit being its office)."""
    kind = Report.Kind.SUMMARY if summary else Report.Kind.UNIT
    reports = Report.objects.filter(kind=kind, unit=unit, period=period, year=year)
    report = reports.select_related("unit__region").first()
    if report is not None:
        return report_document(report=report, today=today)
    region = unit.region
    if summary:
        data = compute(region=region, period=period, year=year, today=today)
        title = f"{region.name}{period_label(period, year)}普法工作情况汇总报告"
        lines = summary_unit_lines(region=region, period=period, year=year, exclude=unit)
        intro = content.seed_intro(
            region.name,
            content.period_text(data),
            summary=True,
            activities=data.value("activities"),
            expected=len(lines),
            submitted=sum(1 for line in lines if line.state in Report.FROZEN),
        )
    else:
        data = compute(unit=unit, period=period, year=year, today=today)
        title = f"{unit.name}{period_label(period, year)}普法工作情况报告"
        intro = content.seed_intro(unit.name, content.period_text(data), activities=data.value("activities"))
    draft = Report(kind=kind, unit=unit, region=region, period=period, year=year, title=title, intro=intro)
    draft.practices = content.seed_practices(data)
    draft.problems = content.seed_problems(data)
    return build_document(report=draft, data=data, today=today)


# ---------------------------------------------------------------- 待办 on the home page

#: A report enters a liaison's inbox this many days before it is due.
TODO_DAYS_BEFORE_DUE = 30


def current_period(today: dt.date) -> str:
    """The report period an office is collecting now: the half year until July, then the year."""
    return Period.H1 if today.month <= 7 else Period.YEAR


def todos(actor: Any) -> list[Any] | None:
    """Reports in the home inbox: reports to review (offices), returned reports awaiting resubmission with the
    comments, and the current period's report of the units a liaison acts for, once it is due within 30 days."""
    from django.urls import reverse

    from pufa.core.chinese import cn_date
    from pufa.core.home import Todo, TodoItem

    if not (can(actor, "reports.review") or can(actor, "reports.write")):
        return None
    url = reverse("reports:report-list")
    lines: list[Any] = []
    if can(actor, "reports.review"):
        count = report_list(actor=actor, status=Report.Status.SUBMITTED, to_review=True).count()
        lines.append(Todo("份工作报告待审核", count, f"{url}?status=submitted&review=1", order=30))
    returned = report_list(actor=actor, status=Report.Status.RETURNED)
    count = returned.count()
    if count:
        items = tuple(
            TodoItem(r.title, reverse("reports:report-detail", args=[r.pk]), f"退回意见：{r.review_comment}")
            for r in returned[:5]
        )
        lines.append(Todo("份工作报告已退回，待修改后重新报送", count, f"{url}?status=returned", items, order=42))
    own = [g.unit_id for g in grants(actor) if role_allows(g.role, "reports.write") and not g.region_wide]
    if own:
        today = timezone.localdate()
        period = current_period(today)
        units = list(Unit.objects.filter(pk__in=own, is_responsible_subject=True).select_related("region"))
        reports = {
            r.unit_id: r
            for r in Report.objects.filter(kind=Report.Kind.UNIT, unit__in=units, period=period, year=today.year)
        }
        items_due = []
        for unit in units:
            report = reports.get(unit.pk)
            if report is not None and report.status != Report.Status.DRAFT:
                continue
            due = due_date(region=unit.region, period=period, year=today.year)
            if today < due - dt.timedelta(days=TODO_DAYS_BEFORE_DUE):
                continue
            link = reverse("reports:report-edit", args=[report.pk]) if report else url
            note = f"{cn_date(due)}前报送" if today <= due else f"已逾期（截止{cn_date(due)}）"
            items_due.append(TodoItem(f"{unit.name}{period_label(period, today.year)}工作报告", link, note))
        if items_due:
            link = items_due[0].url if len(items_due) == 1 else f"{url}?year={today.year}&period={period}"
            lines.append(Todo("份工作报告待报送", len(items_due), link, tuple(items_due), order=51))
    return lines
