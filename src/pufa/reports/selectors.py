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

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from pufa.org.access import ancestor_paths, can, grants, scope, visible_or_404
from pufa.org.models import Membership, Region, Unit
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
) -> QuerySet[Report]:
    reports = scope(Report.objects.all(), actor, "reports.view").select_related("unit", "region", "author")
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


def report_get(*, actor: Any, pk: int) -> Report:
    return visible_or_404(
        Report.objects.select_related("unit__region", "region", "author", "submitted_by", "reviewer"),
        actor,
        action="reports.view",
        pk=pk,
    )


def report_events(*, report: Report) -> QuerySet:
    """The workflow trail of a report the caller already loaded through `report_get`."""
    return report.events.select_related("actor").order_by("at", "id")


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
        if grant.role == Membership.Role.OFFICE:
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
    return actor is None or report.unit_id not in {g.unit_id for g in grants(actor)}


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
    its accepted report froze (the summary merges accepted reports only)."""
    units = Unit.objects.filter(region__path__startswith=region.path, is_responsible_subject=True).order_by("pinyin")
    if exclude is not None:
        units = units.exclude(pk=exclude.pk)
    reports = {
        r.unit_id: r
        for r in Report.objects.filter(kind=Report.Kind.UNIT, unit__in=units, period=period, year=year).only(
            "unit_id", "status", "figures"
        )
    }
    lines = []
    for unit in units.only("id", "name"):
        report = reports.get(unit.pk)
        if report is None:
            lines.append(content.UnitLine(unit.name, "未报送"))
            continue
        line = content.UnitLine(unit.name, report.get_status_display())
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
    date = timezone.localtime(report.submitted_at).date() if report.submitted_at else (today or timezone.localdate())
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
    ids = [g.unit_id for g in grants(actor) if g.role == Membership.Role.OFFICE]
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
    period_text = f"{year}年上半年" if period == Period.H1 else f"{year}年"
    if summary:
        data = compute(region=region, period=period, year=year, today=today)
        title = f"{region.name}{period_label(period, year)}普法工作情况汇总报告"
        intro = content.seed_intro(region.name, period_text, summary=True)
    else:
        data = compute(unit=unit, period=period, year=year, today=today)
        title = f"{unit.name}{period_label(period, year)}普法工作情况报告"
        intro = content.seed_intro(unit.name, period_text)
    draft = Report(kind=kind, unit=unit, region=region, period=period, year=year, title=title, intro=intro)
    draft.practices = content.seed_practices(data)
    draft.problems = content.seed_problems(data)
    return build_document(report=draft, data=data, today=today)
