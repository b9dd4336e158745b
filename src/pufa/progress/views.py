"""Progress pages: the office dashboard with drill-down, status lists, a unit's progress, the export."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from pufa.core.forms import paginate
from pufa.org.access import acting_unit_ids, require
from pufa.progress import charts, selectors
from pufa.progress.exports import dashboard_xlsx
from pufa.progress.forms import DashboardQuery, StatusQuery
from pufa.progress.rules import STATUS_CHOICES


def _year(request: HttpRequest) -> int:
    return DashboardQuery.read(request.GET)["year"] or timezone.localdate().year


def _region(request: HttpRequest):
    pk = DashboardQuery.read(request.GET)["region"]
    if pk is not None:
        return selectors.dashboard_region_get(actor=request.user, pk=pk)
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
    p = StatusQuery.read(request.GET)
    region = selectors.dashboard_region_get(actor=request.user, pk=p["region"]) if p["region"] else None
    unit = selectors.unit_for_actor(actor=request.user, pk=p["unit"]) if p["unit"] else None
    status, year = p["status"], p["year"]
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
    return render(
        request,
        "progress/unit.html",
        {
            "unit": target_unit,
            "tasks": selectors.unit_progress(actor=request.user, unit=target_unit),
            "labels": selectors.status_labels(),
        },
    )
