"""Progress pages: the office dashboard with drill-down, status lists, a unit's progress, the export."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pufa.core.filters import parse_id
from pufa.core.forms import paginate
from pufa.core.http import HtmxHttpRequest
from pufa.org.access import acting_unit_ids, can, require
from pufa.org.models import Region, Unit
from pufa.plans.models import Task, TaskUnit
from pufa.progress import charts, selectors, supervision
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


#: The task list's filters, kept by the 催办 form so the reminder covers exactly the list shown.
LIST_PARAMS = ("region", "unit", "status", "year", "due")


def _status_rows(request: HttpRequest, params: Any) -> tuple[Any, Region | None, Unit | None, str]:
    """The status rows a list (or its 催办) covers, from its query parameters parsed by `StatusQuery`."""
    p = StatusQuery.read(params)
    region = selectors.dashboard_region_get(actor=request.user, pk=p["region"]) if p["region"] else None
    unit = selectors.unit_for_actor(actor=request.user, pk=p["unit"]) if p["unit"] else None
    status = p["status"] or ""
    rows = selectors.status_list(
        actor=request.user, region=region, unit=unit, status=status, year=p["year"], due_within=p["due"]
    )
    return rows, region, unit, status


def status_list(request: HtmxHttpRequest) -> HttpResponse:
    require(request.user, "progress.view")
    rows, region, unit, status = _status_rows(request, request.GET)
    page = paginate(request, rows)
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
            "can_remind": can(request.user, "progress.remind"),
            "behind": supervision.BEHIND,
            "filters": {k: request.GET[k] for k in LIST_PARAMS if request.GET.get(k)},
        },
    )


@require_POST
def status_remind(request: HttpRequest) -> HttpResponse:
    """催办 for the list shown (its filters come back in the form), or for one unit of it (`remind_unit`)."""
    require(request.user, "progress.remind")
    params = {k: request.POST.get(k, "") for k in LIST_PARAMS}
    rows, _, _, _ = _status_rows(request, params)
    rows = rows.filter(status__in=supervision.BEHIND)
    remind_unit = parse_id(request.POST.get("remind_unit", ""))
    if remind_unit is not None:
        rows = rows.filter(unit_id=remind_unit)
    result = supervision.task_remind(actor=request.user, rows=list(rows.select_related("unit__region")))
    (messages.warning if result.missing else messages.success)(request, result.message("催办"))
    query = urlencode({k: v for k, v in params.items() if v})
    return redirect(f"{reverse('progress:status-list')}?{query}")


def unit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "progress.view")
    target_unit = selectors.unit_for_actor(actor=request.user, pk=pk)
    year = _year(request)
    tasks = selectors.unit_progress(actor=request.user, unit=target_unit, year=year)
    return render(
        request,
        "progress/unit.html",
        {
            "unit": target_unit,
            "year": year,
            "tasks": tasks,
            "history": selectors.unit_progress(actor=request.user, unit=target_unit, year=year, history=True),
            "statuses_on": selectors.statuses_date(region_path=target_unit.region.path),
            "labels": selectors.status_labels(),
            "supervisions": supervision.supervision_list(actor=request.user, unit=target_unit)[:50],
            "can_note": can(request.user, "inspection.record", target_unit),
            "can_notice": can(request.user, "progress.remind", target_unit),
        },
    )


def _unit_task(request: HttpRequest, pk: int, action: str) -> tuple[Unit, Task | None]:
    target_unit = selectors.unit_for_actor(actor=request.user, pk=pk, action=action)
    task = None
    task_id = parse_id(request.POST.get("task", ""))
    if task_id is not None:
        row = selectors.status_list(actor=request.user, unit=target_unit, task_id=task_id).first()
        if row is None:
            raise Http404("该单位没有这项任务")
        task = row.task
    return target_unit, task


@require_POST
def unit_note(request: HttpRequest, pk: int) -> HttpResponse:
    """督查记录 against a unit (and one of its tasks)."""
    target_unit, task = _unit_task(request, pk, "inspection.record")
    try:
        supervision.inspection_note_create(
            actor=request.user, unit=target_unit, task=task, text=request.POST.get("text", "")
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "督查记录已保存。")
    return redirect("progress:unit", pk=pk)


@require_POST
def unit_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """督办通知 to a unit's liaisons (about one of its tasks, or in general)."""
    target_unit, task = _unit_task(request, pk, "progress.remind")
    try:
        notice, result = supervision.supervision_notice_send(
            actor=request.user, unit=target_unit, task=task, text=request.POST.get("text", "")
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        if notice is None:
            messages.info(request, "今天已向该单位发送过这项督办通知，未重复发送。")
        else:
            (messages.warning if result.missing else messages.success)(request, result.message("督办通知"))
    return redirect("progress:unit", pk=pk)


def my_tasks(request: HtmxHttpRequest) -> HttpResponse:
    """我的任务: the tasks of the user's own units with progress's status of each (served by progress, which
    owns the statuses; plans below it knows the tasks and roles only)."""
    require(request.user, "plans.view")
    role = request.GET.get("role", "")
    role = role if role in TaskUnit.Role.values else ""
    current, ended = selectors.my_tasks(actor=request.user, role=role, year=_year(request))
    context = {"current": current, "ended": ended, "role": role, "roles": TaskUnit.Role.choices}
    template = "progress/my_tasks.html#rows" if request.htmx else "progress/my_tasks.html"
    return render(request, template, context)
