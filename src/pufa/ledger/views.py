"""Pages of the ledger: thin — load through selectors, write through services."""

from __future__ import annotations

import datetime as dt
import io
import mimetypes
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from pufa.core import taxonomies
from pufa.core.chinese import cn_date
from pufa.core.filters import IdListField
from pufa.core.forms import apply_errors, paginate
from pufa.core.models import ActivityKind, Audience, Domain
from pufa.core.spreadsheets import safe_row
from pufa.core.workflow import available_transitions
from pufa.ledger import exports, extensions, importers, selectors, services
from pufa.ledger.forms import (
    ActivityForm,
    CalendarQuery,
    EvidenceForm,
    ImportForm,
    KeyDateForm,
    ReasonForm,
    TaskSuggestionQuery,
    activity_initial,
    filter_years,
    parse_filters,
)
from pufa.ledger.models import Activity, Evidence, KeyDate
from pufa.org import selectors as org_selectors
from pufa.org.access import can, require

PER_PAGE = 30


def _query(params: QueryDict, *drop: str) -> str:
    """The current filters as a query string, without paging (and without `drop`)."""
    pairs = [(k, v) for k, values in params.lists() for v in values if k not in {"after", "before", *drop} and v]
    return urlencode(pairs)


# ---------------------------------------------------------------- list, export


def activity_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "ledger.view")
    filters = parse_filters(request.GET, request.user)
    page = selectors.activity_page(
        actor=request.user,
        filters=filters,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        size=PER_PAGE,
        list_only=True,
    )
    count, capped = selectors.activity_count(actor=request.user, filters=filters)
    evidence = selectors.evidence_counts([a.pk for a in page.rows])
    for activity in page.rows:
        activity.evidence_count = evidence.get(activity.pk, 0)
    context = {
        "page": page,
        "count": count,
        "capped": capped,
        "filters": filters,
        "query": _query(request.GET),
        "can_record": can(request.user, "ledger.record"),
        "can_review": can(request.user, "ledger.review"),
    }
    if request.htmx:
        return render(request, "ledger/activity_list.html#rows", context)
    kinds, domains, audiences = taxonomies.terms()
    units = selectors.filter_units(actor=request.user)
    context.update(
        {
            "units": units,
            "unit_listed": filters.unit is not None and any(u.pk == filters.unit.pk for u in units),
            "regions": selectors.filter_regions(actor=request.user),
            "kinds": kinds,
            "domains": domains,
            "audiences": audiences,
            "statuses": selectors.STATUS_FILTERS,
            "years": filter_years(),
            "year": request.GET.get("year", ""),
            "tasks": selectors.visible_tasks(actor=request.user, ids=filters.tasks),
        }
    )
    return render(request, "ledger/activity_list.html", context)


@require_GET
def activity_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "ledger.view")
    filters = parse_filters(request.GET, request.user)
    activities = selectors.activity_list(actor=request.user, filters=filters)
    _, too_many = selectors.capped_count(activities, exports.MAX_ROWS)
    if too_many:
        messages.error(request, f"筛选结果超过 {exports.MAX_ROWS} 条，请缩小时间或单位范围后再导出。")
        return redirect(f"{_list_url()}?{_query(request.GET)}")
    title = "工作台账"
    if filters.start or filters.end:
        title += f"（{cn_date(filters.start) or '…'}至{cn_date(filters.end) or '今'}）"
    buffer = exports.export_workbook(activities=activities, title=title)
    return FileResponse(buffer, as_attachment=True, filename=exports.export_filename())


def _list_url() -> str:
    from django.urls import reverse

    return reverse("ledger:activity-list")


# ---------------------------------------------------------------- one activity


def _activity(request: HttpRequest, pk: int) -> Activity:
    return selectors.activity_get(actor=request.user, pk=pk, include_deleted=can(request.user, "ledger.record"))


def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    may_record = can(request.user, "ledger.record", activity.unit)
    may_review = can(request.user, "ledger.review", activity.unit)
    alive = activity.deleted_at is None
    return render(
        request,
        "ledger/activity_detail.html",
        {
            "activity": activity,
            "moves": available_transitions(activity, request.user),
            "evidence": selectors.activity_evidence(activity=activity),
            "may_edit": alive and may_record and activity.is_editable,
            "may_highlight": alive and (may_record or may_review),
            "evidence_form": EvidenceForm(),
            "reason_form": ReasonForm(),
            "sections": extensions.sections(request, activity),
            "may_restore": not alive and may_record,
            "retention_days": services.retention_days(),
            "deleted_evidence": selectors.deleted_evidence(activity=activity) if alive and may_record else [],
            "history": org_selectors.audit_list(actor=request.user, obj=activity)[:30]
            if can(request.user, "audit.view")
            else [],
        },
    )


@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "ledger.record")
    unit = selectors.default_unit(actor=request.user)
    initial = {"date": request.GET.get("date") or timezone.localdate(), "unit": unit, "people_onsite": ""}
    form = ActivityForm(request.POST or None, request.FILES or None, actor=request.user, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(
                actor=request.user,
                data=form.to_data(),
                submit="submit" in request.POST,
                evidence=form.uploads(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            verb = "已登记并提交" if activity.status == Activity.Status.SUBMITTED else "已保存为草稿"
            messages.success(request, f"{verb}：{activity.title}")
            return redirect("ledger:activity-detail", pk=activity.pk)
    return _form_page(request, form, title="登记活动", activity=None)


@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    require(request.user, "ledger.record", activity.unit)
    if activity.deleted_at is not None or not activity.is_editable:
        messages.error(request, "该记录已提交或已确认，不能修改。")
        return redirect("ledger:activity-detail", pk=activity.pk)
    form = ActivityForm(
        request.POST or None,
        request.FILES or None,
        actor=request.user,
        unit=activity.unit,
        initial=activity_initial(activity),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                actor=request.user,
                activity=activity,
                data=form.to_data(),
                evidence=form.uploads(),
                version=form.cleaned_data.get("version"),
            )
            if "submit" in request.POST:
                services.activity_submit(actor=request.user, activity=activity)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已提交。" if "submit" in request.POST else "已保存。")
            return redirect("ledger:activity-detail", pk=activity.pk)
    return _form_page(request, form, title=f"修改：{activity.title}", activity=activity)


def _form_page(request: HttpRequest, form: ActivityForm, *, title: str, activity: Activity | None) -> HttpResponse:
    unit = form.chosen_unit
    raw_date = form.data.get("date") if form.is_bound else None
    try:
        on = dt.date.fromisoformat(raw_date) if raw_date else (activity.date if activity else timezone.localdate())
    except ValueError:
        on = timezone.localdate()
    chosen = IdListField().clean(form.data.getlist("tasks")) if form.is_bound else []
    if activity is not None and not form.is_bound:
        chosen = [t.pk for t in activity.tasks.all()]
    return render(
        request,
        "ledger/activity_form.html",
        {
            "form": form,
            "title": title,
            "activity": activity,
            "suggested": selectors.task_suggestions(actor=request.user, unit=unit, on=on, keep=chosen),
            "chosen_tasks": chosen,
            "single_unit": form.fields["unit"].queryset.count() == 1,
        },
    )


@require_GET
def task_suggestions(request: HttpRequest) -> HttpResponse:
    """HTMX: the tasks an activity of the chosen unit on the chosen date may count toward."""
    require(request.user, "ledger.record")
    units = selectors.recordable_units(actor=request.user)
    p = TaskSuggestionQuery.read(request.GET)
    unit = units.filter(pk=p["unit"]).first() if p["unit"] else None
    on = p["date"] or timezone.localdate()
    chosen = p["tasks"]
    return render(
        request,
        "ledger/activity_form.html#tasks",
        {
            "suggested": selectors.task_suggestions(actor=request.user, unit=unit, on=on, keep=chosen),
            "chosen_tasks": chosen,
        },
    )


_DONE = {
    "submit": "已提交，等待法宣办确认。",
    "withdraw": "已撤回为草稿，可以修改后再提交。",
    "confirm": "已确认。",
    "return": "已退回，联络员会看到退回原因。",
    "reopen": "已重新打开，联络员可以更正后再提交。",
}


def _workflow(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    activity = _activity(request, pk)
    try:
        if action == "highlight":
            value = request.POST.get("value") == "1"
            services.activity_set_highlight(actor=request.user, activity=activity, value=value)
            messages.success(request, "已标记为典型做法。" if value else "已取消典型做法标记。")
        else:
            services.activity_transition(
                actor=request.user, activity=activity, name=action, reason=request.POST.get("reason", "")
            )
            if action == "delete":
                messages.success(request, f"已删除“{activity.title}”。")
                return redirect("ledger:activity-list")
            messages.success(request, _DONE[action])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("ledger:activity-detail", pk=activity.pk)


@require_POST
def activity_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, "submit")


@require_POST
def activity_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, "withdraw")


@require_POST
def activity_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, "confirm")


@require_POST
def activity_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, "return")


@require_POST
def activity_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, "reopen")


@require_POST
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, "delete")


@require_POST
def activity_highlight(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, "highlight")


# ---------------------------------------------------------------- evidence


@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    require(request.user, "ledger.record", activity.unit)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid() or not form.cleaned_data["files"]:
        errors = [str(error) for field_errors in form.errors.values() for error in field_errors]
        messages.error(request, "；".join(errors) or "请选择要上传的文件。")
        return redirect("ledger:activity-detail", pk=activity.pk)
    try:
        for upload in form.uploads():
            services.evidence_add(actor=request.user, activity=activity, upload=upload)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已上传 {len(form.cleaned_data['files'])} 个文件。")
    return redirect("ledger:activity-detail", pk=activity.pk)


def _serve(evidence: Evidence, name: str, content_type: str, inline: bool) -> FileResponse:
    if not name or not default_storage.exists(name):
        raise Http404("文件不存在")
    download_name = evidence.original_name or f"材料{evidence.pk}{mimetypes.guess_extension(content_type) or ''}"
    response = FileResponse(
        default_storage.open(name, "rb"), content_type=content_type, as_attachment=not inline, filename=download_name
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """The stored file, after the selector has checked the actor may see its activity."""
    evidence = selectors.evidence_get(actor=request.user, pk=pk)
    inline = evidence.is_image or evidence.mime.startswith("video/")
    return _serve(evidence, evidence.file.name, evidence.mime, inline)


@require_GET
def evidence_thumb(request: HttpRequest, pk: int) -> FileResponse:
    evidence = selectors.evidence_get(actor=request.user, pk=pk)
    return _serve(evidence, evidence.thumbnail.name, "image/jpeg", True)


@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = selectors.evidence_get(actor=request.user, pk=pk)
    try:
        services.evidence_delete(actor=request.user, evidence=evidence)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已删除该文件（审计日志中仍可追溯）。")
    return redirect("ledger:activity-detail", pk=evidence.activity_id)


@require_POST
def evidence_restore(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = selectors.evidence_get(actor=request.user, pk=pk)
    try:
        services.evidence_restore(actor=request.user, evidence=evidence)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已恢复该文件。")
    return redirect("ledger:activity-detail", pk=evidence.activity_id)


@require_POST
def activity_restore(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    try:
        services.activity_restore(actor=request.user, activity=activity)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已恢复“{activity.title}”。")
    return redirect("ledger:activity-detail", pk=activity.pk)


# ---------------------------------------------------------------- import


@require_http_methods(["GET", "POST"])
def activity_import(request: HttpRequest) -> HttpResponse:
    require(request.user, "ledger.record")
    can_review = can(request.user, "ledger.review")
    form = ImportForm(request.POST or None, request.FILES or None, can_review=can_review)
    result = None
    if request.method == "POST" and form.is_valid():
        result = importers.activity_import(
            actor=request.user, file=form.cleaned_data["file"], status=form.cleaned_data["status"]
        )
        if result.ok:
            messages.success(request, f"导入成功：新增台账记录 {result.created} 条。")
            return redirect("ledger:activity-list")
    return render(
        request,
        "ledger/activity_import.html",
        {"form": form, "result": result, "columns": exports.HEADERS[1:17], "required": importers.REQUIRED},
    )


@require_GET
def activity_import_template(request: HttpRequest) -> FileResponse:
    require(request.user, "ledger.record")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = exports.SHEET
    sheet.append(exports.HEADERS[:17])
    unit = selectors.default_unit(actor=request.user)
    sheet.append(
        safe_row(
            sheet,
            [
                1,
                timezone.localdate(),
                "“美好生活·民法典相伴”进社区宣讲",
                "专题讲座/法治课",
                unit.name if unit else "沱河社区居委会",
                "",
                "社区党群服务中心",
                "",
                "民法典",
                "社区居民",
                "《民法典》",
                60,
                0,
                200,
                "",
                "邀请社区法律顾问讲解婚姻家庭编。",
                "",
            ],
        )
    )
    sheet["B2"].number_format = exports.DATE_FORMAT
    for index, (_, width) in enumerate(exports.COLUMNS[:17], start=1):
        sheet.column_dimensions[exports._letter(index)].width = width
    notes = workbook.create_sheet("填写说明")
    notes.append(["必填列", "、".join(importers.REQUIRED)])
    notes.append(["活动形式", "、".join(ActivityKind.objects.filter(is_active=True).values_list("name", flat=True))])
    notes.append(["普法领域", "、".join(Domain.objects.filter(is_active=True).values_list("name", flat=True))])
    notes.append(["普法对象", "、".join(Audience.objects.filter(is_active=True).values_list("name", flat=True))])
    notes.append(["多个值", "用顿号“、”分隔，如：宪法、民法典"])
    notes.append(["整表导入", "任何一行有错误，整个文件都不会保存，并列出每一行的错误。"])
    notes.column_dimensions["A"].width = 12
    notes.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename="工作台账导入模板.xlsx")


# ---------------------------------------------------------------- calendar and key dates


def calendar(request: HttpRequest) -> HttpResponse:
    """A month with the key dates, the visible planned (draft) and recorded activities, and for one unit the
    key dates of the year it has nothing recorded for."""
    require(request.user, "ledger.view")
    today = timezone.localdate()
    first = CalendarQuery.read(request.GET)["month"] or today.replace(day=1)
    filters = parse_filters(request.GET, request.user)
    unit = filters.participant or filters.unit or selectors.default_unit(actor=request.user)
    if unit is None:
        unit = org_selectors.acting_units(actor=request.user).first()
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "ledger/calendar.html",
        {
            "first": first,
            "weeks": selectors.calendar_month(actor=request.user, year=first.year, month=first.month, filters=filters),
            "prev_month": prev_month,
            "next_month": next_month,
            "coverage": selectors.key_date_coverage(actor=request.user, year=first.year, unit=unit) if unit else [],
            "coverage_unit": unit,
            "units": selectors.filter_units(actor=request.user),
            "filters": filters,
            "query": _query(request.GET, "month"),
            "can_record": can(request.user, "ledger.record"),
            "can_review": can(request.user, "ledger.review"),
            "weekdays": "一二三四五六日",
        },
    )


def key_date_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "ledger.view")
    return render(
        request,
        "ledger/key_date_list.html",
        {
            "key_dates": selectors.key_date_list(actor=request.user, active_only=False),
            "can_review": can(request.user, "ledger.review"),
            "national": services.may_edit_national_key_dates(request.user),
        },
    )


def _key_date_form(request: HttpRequest, key_date: KeyDate | None) -> HttpResponse:
    require(request.user, "ledger.review")
    national = services.may_edit_national_key_dates(request.user)
    regions = org_selectors.region_list(actor=request.user, action="ledger.review").order_by("path")
    initial = {}
    if key_date is not None:
        initial = {
            "name": key_date.name,
            "month": key_date.month,
            "day": key_date.day,
            "end_month": key_date.end_month,
            "end_day": key_date.end_day,
            "domains": list(key_date.domains.all()),
            "description": key_date.description,
            "region": key_date.region,
            "is_active": key_date.is_active,
        }
    form = KeyDateForm(request.POST or None, regions=regions, national=national, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.key_date_save(actor=request.user, data=form.to_data(), key_date=key_date)
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            raise
        else:
            messages.success(request, "重要节点已保存。")
            return redirect("ledger:key-date-list")
    title = f"修改重要节点：{key_date.name}" if key_date else "新增重要节点"
    return render(request, "ledger/key_date_form.html", {"form": form, "title": title})


@require_http_methods(["GET", "POST"])
def key_date_create(request: HttpRequest) -> HttpResponse:
    return _key_date_form(request, None)


@require_http_methods(["GET", "POST"])
def key_date_edit(request: HttpRequest, pk: int) -> HttpResponse:
    key_date = selectors.key_date_get(actor=request.user, pk=pk)
    if key_date.region is None and not services.may_edit_national_key_dates(request.user):
        raise PermissionDenied("全国性节点只能由最上级法宣办维护。")
    if key_date.region is not None:
        require(request.user, "ledger.review", key_date.region)
    return _key_date_form(request, key_date)


# ---------------------------------------------------------------- co-organiser requests (协办确认)


def consent_list(request: HttpRequest) -> HttpResponse:
    """The open requests to co-organise activities of units in other streets (see ActivityUnit)."""
    require(request.user, "ledger.record")
    page = paginate(request, selectors.consent_requests(actor=request.user))
    return render(request, "ledger/consent_list.html", {"page": page})


def _consent(request: HttpRequest, pk: int, accept: bool) -> HttpResponse:
    require(request.user, "ledger.record")
    participation = selectors.consent_request_get(actor=request.user, pk=pk)
    try:
        services.co_organiser_consent(actor=request.user, participation=participation, accept=accept)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        title = participation.activity.title
        done = f"已确认协办“{title}”，该活动计入本单位统计。" if accept else f"已谢绝协办“{title}”。"
        messages.success(request, done)
    return redirect("ledger:consent-list")


@require_POST
def consent_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _consent(request, pk, accept=True)


@require_POST
def consent_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _consent(request, pk, accept=False)
