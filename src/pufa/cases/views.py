"""Pages of the case library: thin — load through selectors, write through services."""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from pufa.cases import importers, selectors, services
from pufa.cases.forms import CaseForm, CaseLinkQuery, CaseQuery, ImportForm, case_initial
from pufa.cases.models import Case, CaseUse, Finding
from pufa.core.filters import parse_id
from pufa.core.forms import apply_errors
from pufa.core.models import Domain
from pufa.core.workflow import available_transitions
from pufa.ledger import selectors as ledger_selectors
from pufa.org import selectors as org_selectors
from pufa.org.access import can, require, visible_or_404

#: The activity form 以案释法 (core's default taxonomy): its page offers to name the cases explained.
CASE_KIND = "yasf"


def parse_filters(params: QueryDict) -> selectors.CaseFilters:
    p = CaseQuery.read(params)
    return selectors.CaseFilters(
        q=p["q"].strip(),
        status=p["status"],
        unit=p["unit"],
        domain=p["domain"],
        law=p["law"],
        case_type=p["case_type"],
        region=p["region"],
        year=p["year"],
        published_from=p["published_from"],
        published_to=p["published_to"],
        open_findings=p["open_findings"] == "1",
    )


def _query(params: QueryDict) -> str:
    return urlencode([(k, v) for k, values in params.lists() for v in values if k != "page" and v])


def case_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "cases.view")
    filters = parse_filters(request.GET)
    page = CaseQuery.read(request.GET)["page"] or 1
    result = selectors.case_page(actor=request.user, filters=filters, page=page)
    return render(
        request,
        "cases/case_list.html",
        {
            "result": result,
            "filters": filters,
            "query": _query(request.GET),
            "statuses": Case.Status.choices,
            "types": Case.Type.choices,
            "domains": Domain.objects.filter(is_active=True),
            "laws": selectors.filter_laws(),
            "regions": ledger_selectors.filter_regions(actor=request.user),
            "can_record": can(request.user, "cases.record"),
        },
    )


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # A deleted case stays reachable by its page for those who may restore it (the unit, the reviewer).
    case = selectors.case_get(actor=request.user, pk=pk, include_deleted=can(request.user, "cases.record"))
    if case.deleted_at is not None and not can(request.user, "cases.record", case):
        raise Http404("未找到该案例")
    may_review = can(request.user, "cases.review", case)
    findings = selectors.case_findings(case=case)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "moves": available_transitions(case, request.user),
            "may_edit": case.is_editable and case.deleted_at is None and can(request.user, "cases.record", case),
            "may_decide": may_review and case.status in (Case.Status.SUBMITTED, Case.Status.REVIEWED),
            "may_see_parties": can(request.user, "cases.record", case) or may_review,
            "findings": findings,
            "open_findings": sum(1 for f in findings if f.status == Finding.Status.OPEN),
            "uses": selectors.case_uses(actor=request.user, case=case),
            "may_restore": case.deleted_at is not None and can(request.user, "cases.record", case),
            "retention_days": services.retention_days(),
            "history": org_selectors.audit_list(actor=request.user, obj=case)[:30]
            if can(request.user, "audit.view")
            else [],
        },
    )


def _form_page(request: HttpRequest, form: CaseForm, *, title: str, case: Case | None) -> HttpResponse:
    return render(request, "cases/case_form.html", {"form": form, "title": title, "case": case})


@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "cases.record")
    form = CaseForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(actor=request.user, data=form.to_data(), attachments=form.uploads())
            if "submit" in request.POST:
                services.case_submit(actor=request.user, case=case)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, "已提交审核，当事人姓名已自动替换。" if "submit" in request.POST else "已保存为草稿。"
            )
            return redirect("cases:case-detail", pk=case.pk)
    return _form_page(request, form, title="填写典型案例", case=None)


@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(actor=request.user, pk=pk)
    require(request.user, "cases.record", case)
    if not case.is_editable:
        messages.error(request, "案例已提交审核，不能再修改。")
        return redirect("cases:case-detail", pk=case.pk)
    form = CaseForm(request.POST or None, request.FILES or None, actor=request.user, initial=case_initial(case))
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(
                actor=request.user,
                case=case,
                data=form.to_data(),
                attachments=form.uploads(),
                version=form.cleaned_data.get("version"),
            )
            if "submit" in request.POST:
                services.case_submit(actor=request.user, case=case)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已提交审核。" if "submit" in request.POST else "已保存。")
            return redirect("cases:case-detail", pk=case.pk)
    return _form_page(request, form, title=f"修改：{case.title}", case=case)


def _step(request: HttpRequest, pk: int, action: str, run: Any, done: str) -> HttpResponse:
    """Take a workflow step; the step's action is checked first, so a role without it gets 403 whatever the
    case's state or the posted reason."""
    case = selectors.case_get(actor=request.user, pk=pk)
    require(request.user, action, case)
    try:
        run(case)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("cases:case-detail", pk=case.pk)


@require_POST
def case_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "cases.record",
        lambda c: services.case_submit(actor=request.user, case=c),
        "已提交审核，当事人姓名已自动替换。",
    )


@require_POST
def case_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request, pk, "cases.review", lambda c: services.case_review(actor=request.user, case=c), "已审核通过。"
    )


@require_POST
def case_return(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _step(
        request,
        pk,
        "cases.review",
        lambda c: services.case_return(actor=request.user, case=c, reason=reason),
        "已退回。",
    )


@require_POST
def case_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request, pk, "cases.review", lambda c: services.case_publish(actor=request.user, case=c), "已发布到公众门户。"
    )


@require_POST
def case_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _step(
        request,
        pk,
        "cases.review",
        lambda c: services.case_withdraw(actor=request.user, case=c, reason=reason),
        "已撤回发布。",
    )


@require_POST
def case_delete(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    case = selectors.case_get(actor=request.user, pk=pk)
    require(request.user, "cases.record", case)  # the unit (its drafts) or the reviewer; others: 403
    try:
        services.case_delete(actor=request.user, case=case, reason=reason)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("cases:case-detail", pk=case.pk)
    messages.success(request, f"已删除“{case.title}”，{services.retention_days()}天内可以在案例页恢复。")
    return redirect("cases:case-list")


@require_POST
def case_restore(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(actor=request.user, pk=pk, include_deleted=True)
    require(request.user, "cases.record", case)
    try:
        services.case_restore(actor=request.user, case=case)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"已恢复“{case.title}”。")
    return redirect("cases:case-detail", pk=case.pk)


@require_POST
def finding_decide(request: HttpRequest, pk: int) -> HttpResponse:
    finding = visible_or_404(Finding.objects.select_related("case"), request.user, action="cases.review", pk=pk)
    accept = request.POST.get("decision") == "accept"
    replacement = request.POST.get("replacement")
    try:
        services.finding_decide(actor=request.user, finding=finding, accept=accept, replacement=replacement)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(f"{_case_url(finding.case_id)}#findings")


def _case_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("cases:case-detail", args=[pk])


def attachment_file(request: HttpRequest, pk: int) -> FileResponse:
    attachment = selectors.attachment_get(actor=request.user, pk=pk)
    if not default_storage.exists(attachment.file.name):
        raise Http404("文件不存在")
    content_type = attachment.mime or mimetypes.guess_type(attachment.original_name)[0] or "application/octet-stream"
    response = FileResponse(default_storage.open(attachment.file.name, "rb"), content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(attachment.original_name or 'file')}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@require_http_methods(["GET", "POST"])
def case_import(request: HttpRequest) -> HttpResponse:
    require(request.user, "cases.record")
    form = ImportForm(request.POST or None, request.FILES or None, actor=request.user)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        outcome = importers.import_file(
            actor=request.user, unit=form.cleaned_data["unit"], file=upload, name=upload.name
        )
        if outcome.created:
            messages.success(request, f"已导入{len(outcome.created)}个案例（草稿），请逐个核对后提交审核。")
    return render(request, "cases/case_import.html", {"form": form, "outcome": outcome})


# ---------------------------------------------------------------- the section on a ledger activity's page


def activity_section(request: HttpRequest, activity: Any) -> dict[str, Any] | None:
    """Registered with `pufa.ledger.extensions`: the cases an activity explained (以案释法) and, for its
    organiser, a search to add more."""
    uses = selectors.activity_cases(activity=activity)
    may_link = can(request.user, "ledger.record", activity.unit) and activity.deleted_at is None
    if not uses and not (may_link and activity.kind.code == CASE_KIND):
        return None
    q = CaseLinkQuery.read(request.GET)["case_q"]
    return {
        "activity": activity,
        "uses": uses,
        "may_link": may_link,
        "case_q": q,
        "choices": selectors.linkable_cases(actor=request.user, q=q, limit=10) if may_link else [],
    }


@require_POST
def case_use_add(request: HttpRequest, activity_pk: int) -> HttpResponse:
    activity = ledger_selectors.activity_get(actor=request.user, pk=activity_pk)
    require(request.user, "ledger.record", activity.unit)  # the organiser names the cases; others: 403
    case = selectors.linkable_case_get(actor=request.user, pk=parse_id(request.POST.get("case")))
    try:
        services.case_use_add(actor=request.user, case=case, activity=activity)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"已关联案例：{case.title}")
    return redirect("ledger:activity-detail", pk=activity.pk)


@require_POST
def case_use_remove(request: HttpRequest, pk: int) -> HttpResponse:
    use = CaseUse.objects.select_related("activity", "activity__unit", "case").filter(pk=pk).first()
    if use is None:
        raise Http404("未找到该记录")
    ledger_selectors.activity_get(actor=request.user, pk=use.activity_id)  # 404 unless visible
    services.case_use_remove(actor=request.user, use=use)
    messages.success(request, "已取消关联。")
    return redirect("ledger:activity-detail", pk=use.activity_id)
