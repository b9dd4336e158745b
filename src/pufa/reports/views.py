"""Pages of the reports app: thin — load through selectors, write through services."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pufa.core.forms import apply_errors, paginate
from pufa.core.workflow import available_transitions
from pufa.org.access import can, require
from pufa.org.selectors import region_get
from pufa.reports import exports, selectors, services
from pufa.reports.documents import FORMATS
from pufa.reports.documents.pdf import PdfConversionError, PdfUnavailable
from pufa.reports.figures import ReportData
from pufa.reports.filters import OverviewQuery, ReportFilter
from pufa.reports.forms import (
    AcceptForm,
    CircularForm,
    DeadlineForm,
    ReasonForm,
    ReportForm,
    ReportStartForm,
    year_choices,
)
from pufa.reports.models import Period, Report


def _chart(data: ReportData) -> dict[str, Any]:
    """ECharts option of the activity kinds: every bar links to its records."""
    kinds = [f for f in data.group("活动形式") if f.value]
    return {
        "grid": {"left": 120, "right": 24, "top": 16, "bottom": 24},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "inverse": True, "data": [f.label for f in kinds]},
        "tooltip": {"trigger": "axis"},
        "series": [
            {
                "type": "bar",
                "itemStyle": {"color": "#b71c1c"},
                "label": {"show": True, "position": "right"},
                "data": [{"value": f.value, "url": f.url} for f in kinds],
            }
        ],
    }


# ---------------------------------------------------------------- list and drafting


def report_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "reports.view")
    filterset = ReportFilter(request.GET, queryset=selectors.report_list(actor=request.user))
    reports = filterset.qs
    chosen = filterset.form.cleaned_data
    year, period, status = chosen.get("year"), chosen.get("period") or "", chosen.get("status") or ""
    to_review = request.GET.get("review") == "1"  # 待我审核: the home inbox links here
    if to_review:
        reports = reports & selectors.report_list(actor=request.user, to_review=True)
    units = selectors.draftable_units(actor=request.user)
    context = {
        "page": paginate(request, reports),
        "year": year,
        "period": period,
        "status": status,
        "to_review": to_review,
        "years": year_choices(),
        "periods": Period.choices,
        "statuses": Report.Status.choices,
        "start_form": ReportStartForm(units=units) if can(request.user, "reports.write") else None,
        "may_review": can(request.user, "reports.review"),
    }
    template = "reports/report_list.html#rows" if request.htmx else "reports/report_list.html"
    return render(request, template, context)


@require_POST
def report_start(request: HttpRequest) -> HttpResponse:
    require(request.user, "reports.write")
    form = ReportStartForm(request.POST, units=selectors.writable_units(actor=request.user))
    if not form.is_valid():
        messages.error(request, "请选择报送单位、年度和报告期。")
        return redirect("reports:report-list")
    try:
        report = services.report_start(
            actor=request.user,
            unit=form.cleaned_data["unit"],
            period=form.cleaned_data["period"],
            year=form.cleaned_data["year"],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("reports:report-list")
    return redirect("reports:report-edit" if report.is_editable else "reports:report-detail", pk=report.pk)


# ---------------------------------------------------------------- one report


def _report_context(request: HttpRequest, report: Report) -> dict[str, Any]:
    data = selectors.report_data(report=report)
    return {
        "report": report,
        "data": data,
        "chart": _chart(data),
        "may_write": report.is_editable and can(request.user, "reports.write", report),
        "moves": available_transitions(report, request.user),
        "due": selectors.due_date(region=report.region, period=report.period, year=report.year),
    }


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(actor=request.user, pk=pk)
    context = _report_context(request, report)
    if request.htmx and request.GET.get("part") == "figures":
        return render(request, "reports/report_detail.html#figures", context)
    context.update(
        {
            "document": selectors.report_document(report=report),
            "events": selectors.report_events(report=report),
            "return_form": ReasonForm(),
            "accept_form": AcceptForm(),
            "formats": FORMATS,
        }
    )
    return render(request, "reports/report_detail.html", context)


@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(actor=request.user, pk=pk)
    require(request.user, "reports.write", report)
    if not report.is_editable:
        messages.info(request, "报告已报送，不能再修改。")
        return redirect("reports:report-detail", pk=report.pk)
    form = ReportForm.for_report(report, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_update(actor=request.user, report=report, **form.cleaned_data)
            if "submit" in request.POST:
                services.report_submit(actor=request.user, report=report)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if report.status == Report.Status.SUBMITTED:
                messages.success(request, "报告已报送，数据已随报告固定。")
            else:
                messages.success(request, "报告已保存。")
            return redirect("reports:report-detail", pk=report.pk)
    context = _report_context(request, report)
    context["form"] = form
    return render(request, "reports/report_edit.html", context)


@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(actor=request.user, pk=pk)
    try:
        services.report_transition(actor=request.user, report=report, name="submit")
    except ValidationError as exc:
        messages.error(request, "报送前请补充：" + "；".join(exc.messages))
        return redirect("reports:report-edit", pk=report.pk)
    messages.success(request, "报告已报送，数据已随报告固定。")
    return redirect("reports:report-detail", pk=report.pk)


@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(actor=request.user, pk=pk)
    form = ReasonForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        services.report_transition(actor=request.user, report=report, name="return", comment=reason)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "报告已退回，起草单位会收到退回意见。")
    return redirect("reports:report-detail", pk=report.pk)


@require_POST
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(actor=request.user, pk=pk)
    try:
        services.report_transition(
            actor=request.user, report=report, name="accept", comment=request.POST.get("comment", "")
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "报告已审核通过。")
    return redirect("reports:report-detail", pk=report.pk)


def _file(export: exports.ExportFile) -> FileResponse:
    return FileResponse(
        io.BytesIO(export.data), as_attachment=True, filename=export.filename, content_type=export.content_type
    )


@require_GET
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = selectors.report_get(actor=request.user, pk=pk)
    if fmt not in FORMATS:
        raise Http404("不支持的格式")
    try:
        export = exports.report_file(report=report, fmt=fmt, base_url=request.build_absolute_uri("/"))
    except (PdfUnavailable, PdfConversionError) as exc:
        messages.error(request, str(exc))
        return redirect("reports:report-detail", pk=report.pk)
    return _file(export)


# ---------------------------------------------------------------- the office's overview


def _overview_params(request: HttpRequest) -> tuple[Any, str, int]:
    p = OverviewQuery.read(request.GET)
    region = region_get(actor=request.user, pk=p["region"]) if p["region"] else None
    region = region or selectors.home_region(actor=request.user)
    if region is None:
        raise PermissionDenied("您不是法宣办人员，不能查看报送情况。")
    today = timezone.localdate()
    period = p["period"] or (Period.H1 if today.month <= 7 else Period.YEAR)
    year = p["year"] or today.year
    return region, period, year


def report_overview(request: HttpRequest) -> HttpResponse:
    require(request.user, "reports.review")
    region, period, year = _overview_params(request)
    overview = selectors.submission_overview(actor=request.user, region=region, period=period, year=year)
    which = request.GET.get("state", "")
    if which not in overview.FILTERS:
        which = ""
    summary = Report.objects.none()
    if can(request.user, "reports.review", region):
        summary = selectors.report_list(actor=request.user, year=year, period=period, kind=Report.Kind.SUMMARY).filter(
            region=region
        )
    context = {
        "overview": overview,
        "state": which,
        "state_label": overview.FILTERS[which],
        "page": paginate(request, overview.filtered(which)),
        "regions": selectors.reviewable_regions(actor=request.user),
        "years": year_choices(),
        "periods": Period.choices,
        "summary": summary.first(),
        "deadline_form": DeadlineForm(initial={"due": overview.due}),
        "can_remind": can(request.user, "reports.remind", region),
    }
    template = "reports/report_overview.html#table" if request.htmx else "reports/report_overview.html"
    return render(request, template, context)


@require_POST
def deadline_set(request: HttpRequest) -> HttpResponse:
    require(request.user, "reports.review")
    p = OverviewQuery.read(request.POST)
    region = region_get(actor=request.user, pk=p["region"] or 0)
    period, year = p["period"], p["year"] or 0
    form = DeadlineForm(request.POST)
    if form.is_valid():
        try:
            services.deadline_set(
                actor=request.user, region=region, period=period, year=year, due=form.cleaned_data["due"]
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "报送截止日期已保存。")
    else:
        messages.error(request, "请填写正确的截止日期。")
    return redirect(f"{_overview_url()}?region={region.pk}&period={period}&year={year}")


@require_POST
def report_remind(request: HttpRequest) -> HttpResponse:
    """一键催报 from the overview: every unit of the region that has not submitted the period's report."""
    require(request.user, "reports.remind")
    p = OverviewQuery.read(request.POST)
    period, year = p["period"], p["year"]
    if not p["region"] or not period or not year:
        raise Http404("未找到该报告期")
    region = region_get(actor=request.user, pk=p["region"])
    result = services.report_remind(actor=request.user, region=region, period=period, year=year)
    (messages.warning if result.missing else messages.success)(request, result.message("催报"))
    return redirect(f"{_overview_url()}?region={region.pk}&period={period}&year={year}&state=not_submitted")


def _overview_url() -> str:
    return reverse("reports:report-overview")


@require_POST
def summary_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "reports.review")
    p = OverviewQuery.read(request.POST)
    region = region_get(actor=request.user, pk=p["region"] or 0)
    period, year = p["period"], p["year"] or 0
    try:
        summary = services.region_summary(
            actor=request.user, region=region, period=period, year=year, remerge="remerge" in request.POST
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(f"{_overview_url()}?region={region.pk}&period={period}&year={year}")
    return redirect("reports:report-edit" if summary.is_editable else "reports:report-detail", pk=summary.pk)


# ---------------------------------------------------------------- circulars


def circular_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "reports.view")
    return render(
        request,
        "reports/circular_list.html",
        {
            "page": paginate(request, selectors.circular_list(actor=request.user)),
            "offices": selectors.office_units(actor=request.user),
        },
    )


@require_POST
def circular_create(request: HttpRequest) -> HttpResponse:
    offices = selectors.office_units(actor=request.user)
    office = offices.filter(pk=OverviewQuery.read(request.POST)["unit"] or 0).first() or offices.first()
    if office is None:
        raise PermissionDenied("只有法宣办可以印发通报。")
    try:
        circular = services.circular_draft(actor=request.user, issuing_unit=office)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("reports:circular-list")
    return redirect("reports:circular-edit", pk=circular.pk)


def circular_detail(request: HttpRequest, pk: int) -> HttpResponse:
    circular = selectors.circular_get(actor=request.user, pk=pk)
    return render(
        request,
        "reports/circular_detail.html",
        {
            "circular": circular,
            "document": selectors.circular_doc(circular=circular),
            "may_edit": not circular.is_published and can(request.user, "reports.review", circular),
            "moves": available_transitions(circular, request.user),
            "recipients": circular.recipients.order_by("pinyin") if circular.is_published else [],
        },
    )


@require_http_methods(["GET", "POST"])
def circular_edit(request: HttpRequest, pk: int) -> HttpResponse:
    circular = selectors.circular_get(actor=request.user, pk=pk)
    require(request.user, "reports.review", circular)
    if circular.is_published:
        return redirect("reports:circular-detail", pk=circular.pk)
    initial = {k: getattr(circular, k) for k in ("version", "title", "number", "intro", "requirements")}
    form = CircularForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.circular_update(
                actor=request.user, circular=circular, refresh="refresh" in request.POST, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "通报已保存。")
            return redirect("reports:circular-detail", pk=circular.pk)
    return render(request, "reports/circular_edit.html", {"circular": circular, "form": form})


@require_POST
def circular_publish(request: HttpRequest, pk: int) -> HttpResponse:
    circular = selectors.circular_get(actor=request.user, pk=pk)
    try:
        services.circular_publish(actor=request.user, circular=circular)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"通报已印发给{circular.recipients.count()}个单位。")
    return redirect("reports:circular-detail", pk=circular.pk)


@require_GET
def circular_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    circular = selectors.circular_get(actor=request.user, pk=pk)
    if fmt not in FORMATS:
        raise Http404("不支持的格式")
    try:
        export = exports.circular_file(circular=circular, fmt=fmt, base_url=request.build_absolute_uri("/"))
    except (PdfUnavailable, PdfConversionError) as exc:
        messages.error(request, str(exc))
        return redirect("reports:circular-detail", pk=circular.pk)
    return _file(export)
