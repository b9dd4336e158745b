"""Demand pages: the dashboard with recommended topics, the order list and review queue, an order with its
correction, the two-step import (upload, then column mapping), the gazetteer and the keyword rules.
Views parse and render; selectors read, services write."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pufa.core.forms import apply_errors, paginate
from pufa.core.models import Domain
from pufa.core.spreadsheets import SpreadsheetError
from pufa.demand import charts, engine, importers, selectors, services
from pufa.demand.forms import (
    CorrectForm,
    DashboardQuery,
    GazetteerForm,
    MappingForm,
    OrderQuery,
    RuleForm,
    UploadForm,
)
from pufa.org.access import can, require
from pufa.org.models import Region

UPLOAD_SALT = "pufa.demand.import"
UPLOAD_MAX_AGE = 3600


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    require(request.user, "demand.view")
    query = DashboardQuery.read(request.GET)
    today = timezone.localdate()
    end = query["end"] or today
    start = query["start"] or (end.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    start, end = selectors.month_span(min(start, end), max(start, end))
    place = selectors.filter_place(actor=request.user, pk=query["place"])
    domain = selectors.filter_domain(query["domain"])
    months, minimum = selectors.recommendation_settings()
    board = selectors.dashboard(actor=request.user, start=start, end=end, place=place, domain=domain, today=today)
    recommending = board.home is not None and board.home.level in selectors.RECOMMEND_IN
    return render(
        request,
        "demand/dashboard.html",
        {
            "board": board,
            "trend_chart": charts.trend_chart(board.trend) if board.trend else None,
            "recommending": recommending,
            "recommendations": (
                selectors.recommendations(actor=request.user, today=today, place=board.home) if recommending else []
            ),
            "start": start,
            "end": end,
            "place": place,
            "months": months,
            "minimum": minimum,
            "may_manage": can(request.user, "demand.manage"),
        },
    )


@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "demand.view")
    query = OrderQuery.read(request.GET)
    filters: dict[str, Any] = {
        "domain": selectors.filter_domain(query["domain"]),
        "place": selectors.filter_place(actor=request.user, pk=query["place"]),
        "start": query["start"],
        "end": query["end"],
        "review": query["review"],
        "q": query["q"].strip(),
        "exact": query["exact"],
        "unplaced": query["unplaced"],
    }
    orders = selectors.order_list(actor=request.user, **filters)
    return render(
        request,
        "demand/order_list.html",
        {
            "page": paginate(request, orders),
            "filters": filters,
            "domains": Domain.objects.filter(is_active=True),
            "threshold": engine.review_below(),
        },
    )


@require_http_methods(["GET", "POST"])
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_get(actor=request.user, pk=pk)
    may_manage = can(request.user, "demand.manage", order)
    places = selectors.places_below(Region.objects.filter(pk=order.region_id))
    form = CorrectForm(
        request.POST or None, places=places, initial={"domain": order.domain_id, "place": order.place_id}
    )
    if request.method == "POST":
        require(request.user, "demand.manage", order)
        if form.is_valid():
            try:
                services.order_correct(actor=request.user, order=order, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "已保存更正，该工单将用于下次训练。")
                return redirect("demand:order-detail", pk=order.pk)
    return render(request, "demand/order_detail.html", {"order": order, "form": form, "may_manage": may_manage})


@require_http_methods(["GET", "POST"])
def order_import(request: HttpRequest) -> HttpResponse:
    """Step 1: upload (the file is kept under a signed token); step 2: confirm the column mapping."""
    require(request.user, "demand.manage")
    regions = selectors.office_regions(request.user)
    context: dict[str, Any] = {"personal": importers.PERSONAL, "max_rows": importers.MAX_ROWS}
    if request.method == "POST" and "token" in request.POST:
        return _import_confirm(request, context)
    upload_form = UploadForm(request.POST or None, request.FILES or None, regions=regions)
    if request.method == "POST" and upload_form.is_valid():
        upload = upload_form.cleaned_data["file"]
        data = upload.read()
        try:
            table = importers.read_table(data, upload.name)
        except SpreadsheetError as exc:
            upload_form.add_error("file", str(exc))
        else:
            suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
            stored = default_storage.save(f"demand/uploads/{uuid.uuid4().hex}{suffix}", ContentFile(data))
            token = signing.dumps(
                {"file": stored, "user": request.user.pk, "region": upload_form.cleaned_data["region"].pk},
                salt=UPLOAD_SALT,
            )
            mapping = importers.guess_mapping(table.header)
            form = MappingForm(initial={"token": token, **mapping}, header=table.header)
            context |= {"form": form, "table": table, "preview": table.rows[:5], "name": upload.name}
            return render(request, "demand/import_mapping.html", context)
    context["form"] = upload_form
    return render(request, "demand/import.html", context)


def _import_confirm(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    try:
        ticket = signing.loads(request.POST.get("token", ""), salt=UPLOAD_SALT, max_age=UPLOAD_MAX_AGE)
    except signing.BadSignature:
        messages.error(request, "上传已过期或无效，请重新上传文件。")
        return redirect("demand:import")
    if ticket.get("user") != request.user.pk or not default_storage.exists(ticket.get("file", "")):
        messages.error(request, "上传已过期或无效，请重新上传文件。")
        return redirect("demand:import")
    region = selectors.office_regions(request.user).filter(pk=ticket.get("region")).first()
    if region is None:
        messages.error(request, "您不能向该区划导入工单。")
        return redirect("demand:import")
    with default_storage.open(ticket["file"], "rb") as handle:
        data = handle.read()
    table = importers.read_table(data, ticket["file"])
    form = MappingForm(request.POST, header=table.header)
    if form.is_valid():
        try:
            result = services.import_orders(actor=request.user, region=region, table=table, mapping=form.mapping())
        except ValidationError as exc:
            context["errors"] = exc.messages
        else:
            default_storage.delete(ticket["file"])
            messages.success(
                request,
                f"已导入：新增 {result.created} 条，更新 {result.updated} 条，已有未变 {result.unchanged} 条；"
                f"{result.review} 条待复核分类。"
                "来电人姓名、电话未保存。",
            )
            return redirect("demand:order-list")
    context |= {"form": form, "table": table, "preview": table.rows[:5], "name": ""}
    return render(request, "demand/import_mapping.html", context)


@require_http_methods(["GET", "POST"])
def gazetteer(request: HttpRequest) -> HttpResponse:
    require(request.user, "demand.view")
    places = selectors.places_below(selectors.office_regions(request.user))
    form = GazetteerForm(request.POST or None, places=places)
    if request.method == "POST":
        require(request.user, "demand.manage")
        if form.is_valid():
            try:
                services.gazetteer_add(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "已加入地名库。")
                return redirect("demand:gazetteer")
    return render(
        request,
        "demand/gazetteer.html",
        {
            "page": paginate(request, selectors.gazetteer(actor=request.user)),
            "form": form,
            "may_manage": can(request.user, "demand.manage"),
        },
    )


@require_POST
def gazetteer_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.gazetteer_get(actor=request.user, pk=pk)
    services.gazetteer_delete(actor=request.user, entry=entry)
    messages.success(request, f"已从地名库删除“{entry.name}”。")
    return redirect("demand:gazetteer")


@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    require(request.user, "demand.view")
    form = RuleForm(request.POST or None, regions=selectors.office_regions(request.user))
    if request.method == "POST":
        require(request.user, "demand.manage")
        if form.is_valid():
            try:
                services.rule_add(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "已添加规则，之后导入的工单按新规则分类。")
                return redirect("demand:rules")
    return render(
        request,
        "demand/rules.html",
        {
            "rules": selectors.rules(actor=request.user),
            "form": form,
            "may_manage": can(request.user, "demand.manage"),
            "may_default": can(request.user, "demand.rules.default"),
            "may_train": can(request.user, "demand.train"),
            "model": engine.current_model_row(),
        },
    )


@require_POST
def rule_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    rule = selectors.rule_get(actor=request.user, pk=pk)
    services.rule_toggle(actor=request.user, rule=rule)
    messages.success(request, "已启用规则。" if rule.is_active else "已停用规则。")
    return redirect("demand:rules")


@require_POST
def train(request: HttpRequest) -> HttpResponse:
    row = services.train(actor=request.user)
    messages.success(request, f"已重新训练：{row.samples} 条样本，其中人工更正 {row.corrections} 条。")
    return redirect("demand:rules")
