"""Progress pages: the office dashboard with drill-down, status lists, a unit's progress, the export."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from pufa.core.forms import paginate
from pufa.org.access import acting_unit_ids, require
from pufa.plans.models import TaskUnit
from pufa.progress import charts, selectors
from pufa.progress.exports import dashboard_xlsx
from pufa.progress.rules import STATUS_CHOICES


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def _region(request: HttpRequest):
    raw = request.GET.get("region", "")
    if raw.isdigit():
        return selectors.dashboard_region_get(actor=request.user, pk=int(raw))
    return selectors.default_region(actor=request.user)


def dashboard(request: HttpRequest) -> HttpResponse:
    require(request.user, "progress.view")
    region = _region(request)
    if region is None:  # a liaison: their own unit's progress is their dashboard
        units = acting_unit_ids(request.user, "progress.view")
        if not units:
            raise Http404("没有可查看的进度")
        return redirect("progress:unit", pk=units[0])
    data = selectors.cached_dashboard(actor=request.user, region=region, year=_year(request))
    return render(
        request,
        "progress/dashboard.html",
        {
            "d": data,
            "month_chart": charts.month_chart(data),
            "status_chart": charts.status_chart(data),
            "domain_chart": charts.breakdown_chart(data.by_domain, "活动场次"),
            "audience_chart": charts.breakdown_chart(data.by_audience, "活动场次"),
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
        },
    )


def dashboard_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "progress.view")
    region = _region(request)
    if region is None:
        raise Http404("没有可导出的区划")
    data = selectors.cached_dashboard(actor=request.user, region=region, year=_year(request))
    response = HttpResponse(
        dashboard_xlsx(data), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"{region.name}{data.year}年普法工作进度.xlsx"
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def status_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "progress.view")
    region = None
    if request.GET.get("region", "").isdigit():
        region = selectors.dashboard_region_get(actor=request.user, pk=int(request.GET["region"]))
    unit = None
    if request.GET.get("unit", "").isdigit():
        unit = selectors.unit_for_actor(actor=request.user, pk=int(request.GET["unit"]))
    status = request.GET.get("status", "")
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else None
    page = paginate(
        request, selectors.status_list(actor=request.user, region=region, unit=unit, status=status, year=year)
    )
    template = "progress/status_list.html#rows" if request.htmx else "progress/status_list.html"
    return render(
        request,
        template,
        {
            "page": page,
            "region": region,
            "unit": unit,
            "status": status,
            "statuses": STATUS_CHOICES,
            "labels": selectors.status_labels(),
        },
    )


def unit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "progress.view")
    target_unit = selectors.unit_for_actor(actor=request.user, pk=pk)
    year = _year(request)
    return render(
        request,
        "progress/unit.html",
        {
            "unit": target_unit,
            "year": year,
            "tasks": selectors.unit_progress(actor=request.user, unit=target_unit, year=year),
            "history": selectors.unit_progress(actor=request.user, unit=target_unit, year=year, history=True),
            "labels": selectors.status_labels(),
        },
    )


def my_tasks(request: HttpRequest) -> HttpResponse:
    """我的任务: the tasks of the user's own units with progress's status of each (served by progress, which
    owns the statuses; plans below it knows the tasks and roles only)."""
    require(request.user, "plans.view")
    role = request.GET.get("role", "")
    role = role if role in TaskUnit.Role.values else ""
    current, ended = selectors.my_tasks(actor=request.user, role=role, year=_year(request))
    context = {"current": current, "ended": ended, "role": role, "roles": TaskUnit.Role.choices}
    template = "progress/my_tasks.html#rows" if request.htmx else "progress/my_tasks.html"
    return render(request, template, context)
