"""Pages of the organisation app: thin — load through selectors, write through services."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from openpyxl import Workbook

from pufa.core import throttle
from pufa.core.client_ip import client_ip
from pufa.core.forms import apply_errors, paginate
from pufa.core.models import AuditEntry
from pufa.org import selectors, services
from pufa.org.access import can, require
from pufa.org.forms import (
    AuditQuery,
    FeedbackForm,
    FeedbackQuery,
    FeedbackReplyForm,
    MembershipForm,
    RegionForm,
    SearchQuery,
    SetPasswordForm,
    UnitForm,
    UnitImportForm,
    UnitQuery,
    UserCreateForm,
    UserForm,
)
from pufa.org.importers import COLUMNS, unit_import
from pufa.org.models import Feedback, Unit


def home(request: HttpRequest) -> HttpResponse:
    from pufa.core.home import panels

    shown = []
    for panel in panels():
        if panel.action is not None and not can(request.user, panel.action):
            continue
        context = panel.context(request)
        if context is not None:
            shown.append({"template": panel.template, "context": context})
    return render(request, "org/home.html", {"summary": selectors.home_summary(actor=request.user), "panels": shown})


# ---------------------------------------------------------------- regions


def region_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "org.view")
    return render(
        request,
        "org/region_list.html",
        {
            "tree": selectors.region_tree(actor=request.user),
            "can_manage": can(request.user, "org.manage"),
        },
    )


@require_http_methods(["GET", "POST"])
def region_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "org.manage")
    regions = selectors.region_list(actor=request.user, action="org.manage")
    form = RegionForm(request.POST or None, regions=regions, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        try:
            region = services.region_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已新建区划“{region.name}”。")
            return redirect("org:region-list")
    return render(request, "org/region_form.html", {"form": form, "title": "新建区划"})


@require_http_methods(["GET", "POST"])
def region_edit(request: HttpRequest, pk: int) -> HttpResponse:
    region = selectors.region_get(actor=request.user, pk=pk)
    require(request.user, "org.manage", region)
    form = RegionForm(request.POST or None, editing=True, initial={"name": region.name, "code": region.code})
    if request.method == "POST" and form.is_valid():
        try:
            services.region_update(actor=request.user, region=region, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "区划已保存。")
            return redirect("org:region-list")
    return render(request, "org/region_form.html", {"form": form, "title": f"修改区划：{region.name}"})


# ---------------------------------------------------------------- units


def unit_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "org.view")
    p = UnitQuery.read(request.GET)
    q, kind = p["q"], p["kind"]
    region = selectors.region_get(actor=request.user, pk=p["region"]) if p["region"] else None
    page = paginate(request, selectors.unit_list(actor=request.user, q=q, kind=kind, region=region))
    context = {
        "page": page,
        "q": q,
        "kind": kind,
        "region": region,
        "kinds": Unit.Kind.choices,
        "regions": selectors.region_list(actor=request.user),
        "can_manage": can(request.user, "org.manage"),
    }
    template = "org/unit_list.html#rows" if request.htmx else "org/unit_list.html"
    return render(request, template, context)


def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get(actor=request.user, pk=pk)
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "memberships": selectors.membership_list(actor=request.user, unit=unit),
            "children": selectors.unit_list(actor=request.user).filter(parent=unit),
            "can_manage": can(request.user, "org.manage", unit),
            "history": selectors.audit_list(actor=request.user, obj=unit)[:20]
            if can(request.user, "audit.view")
            else [],
        },
    )


def _unit_form_sources(request: HttpRequest) -> dict:
    return {
        "regions": selectors.region_list(actor=request.user, action="org.manage"),
        "units": selectors.unit_list(actor=request.user),
    }


@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "org.manage")
    form = UnitForm(request.POST or None, initial={"region": request.GET.get("region")}, **_unit_form_sources(request))
    if request.method == "POST" and form.is_valid():
        data = services.UnitData(
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
            region=form.cleaned_data["region"],
            parent=form.cleaned_data["parent"],
            code=form.cleaned_data["code"],
            aliases=form.alias_list(),
            is_responsible_subject=form.cleaned_data["is_responsible_subject"],
            contact_phone=form.cleaned_data["contact_phone"],
        )
        try:
            unit = services.unit_create(actor=request.user, data=data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已新建单位“{unit.name}”。")
            return redirect("org:unit-detail", pk=unit.pk)
    return render(request, "org/unit_form.html", {"form": form, "title": "新建单位"})


@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get(actor=request.user, pk=pk)
    require(request.user, "org.manage", unit)
    initial = {
        "name": unit.name,
        "kind": unit.kind,
        "code": unit.code,
        "aliases": unit.alias_text,
        "is_responsible_subject": unit.is_responsible_subject,
        "contact_phone": unit.contact_phone,
    }
    form = UnitForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = services.UnitData(
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
            region=unit.region,
            parent=unit.parent,
            code=form.cleaned_data["code"],
            aliases=form.alias_list(),
            is_responsible_subject=form.cleaned_data["is_responsible_subject"],
            contact_phone=form.cleaned_data["contact_phone"],
        )
        try:
            services.unit_update(actor=request.user, unit=unit, data=data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "单位信息已保存。")
            return redirect("org:unit-detail", pk=unit.pk)
    return render(request, "org/unit_form.html", {"form": form, "title": f"修改单位：{unit.name}", "unit": unit})


@require_POST
def unit_delete(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get(actor=request.user, pk=pk)
    try:
        services.unit_delete(actor=request.user, unit=unit)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("org:unit-detail", pk=unit.pk)
    messages.success(request, f"单位“{unit.name}”已删除，可在“已删除单位”中恢复。")
    return redirect("org:unit-list")


def unit_deleted_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "org.manage")
    return render(request, "org/unit_deleted_list.html", {"units": selectors.deleted_unit_list(actor=request.user)})


@require_POST
def unit_restore(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get(actor=request.user, pk=pk, include_deleted=True)
    services.unit_restore(actor=request.user, unit=unit)
    messages.success(request, f"单位“{unit.name}”已恢复。")
    return redirect("org:unit-detail", pk=unit.pk)


@require_http_methods(["GET", "POST"])
def unit_import_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "org.manage")
    form = UnitImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = unit_import(actor=request.user, file=form.cleaned_data["file"])
        if result.ok:
            messages.success(request, f"导入成功：新建单位 {len(result.created)} 个。")
            return redirect("org:unit-list")
    return render(request, "org/unit_import.html", {"form": form, "result": result, "columns": COLUMNS})


def unit_import_template(request: HttpRequest) -> HttpResponse:
    require(request.user, "org.manage")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "单位"
    sheet.append(COLUMNS)
    sheet.append(["沱河街道司法所", "司法所", "沱河街道", "", "司法所", "", "是", ""])
    for column, width in zip("ABCDEFGH", (24, 14, 14, 20, 24, 16, 12, 16), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename="单位导入模板.xlsx")


# ---------------------------------------------------------------- people


def user_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "org.manage")
    q = SearchQuery.read(request.GET)["q"]
    page = paginate(request, selectors.user_list(actor=request.user, q=q))
    template = "org/user_list.html#rows" if request.htmx else "org/user_list.html"
    return render(request, template, {"page": page, "q": q})


@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "org.manage")
    units = selectors.unit_list(actor=request.user, action="org.manage")
    form = UserCreateForm(request.POST or None, units=units, initial={"unit": request.GET.get("unit")})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        data = services.UserData(
            username=cd["username"],
            full_name=cd["full_name"],
            phone=cd["phone"],
            email=cd["email"],
            is_active=cd["is_active"],
        )
        try:
            user = services.user_create(
                actor=request.user, data=data, password=cd["password"], unit=cd["unit"], role=cd["role"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已新建账号“{user.username}”。")
            return redirect("org:user-detail", pk=user.pk)
    return render(request, "org/user_form.html", {"form": form, "title": "新建账号"})


@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.user_get(actor=request.user, pk=pk)
    require(request.user, "org.manage")
    units = selectors.unit_list(actor=request.user, action="org.manage")
    form = MembershipForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_add(actor=request.user, user=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已添加角色。")
            return redirect("org:user-detail", pk=user.pk)
    return render(
        request,
        "org/user_detail.html",
        {
            "person": user,
            "form": form,
            "memberships": user.memberships.select_related("unit", "unit__region").order_by("-is_active", "id"),
        },
    )


@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.user_get(actor=request.user, pk=pk)
    services.require_user_manage(request.user, user)
    initial = {
        "username": user.username,
        "full_name": user.full_name,
        "phone": user.phone,
        "email": user.email,
        "is_active": user.is_active,
    }
    form = UserForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        data = services.UserData(
            username=user.username,
            full_name=cd["full_name"],
            phone=cd["phone"],
            email=cd["email"],
            is_active=cd["is_active"],
        )
        try:
            services.user_update(actor=request.user, user=user, data=data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "账号信息已保存。")
            return redirect("org:user-detail", pk=user.pk)
    return render(request, "org/user_form.html", {"form": form, "title": f"修改账号：{user.username}"})


@require_http_methods(["GET", "POST"])
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.user_get(actor=request.user, pk=pk)
    services.require_user_manage(request.user, user)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(actor=request.user, user=user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "密码已重置。")
            return redirect("org:user-detail", pk=user.pk)
    return render(request, "org/user_form.html", {"form": form, "title": f"重置密码：{user.username}"})


@require_POST
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_list(actor=request.user).filter(pk=pk).first()
    if membership is None:
        from django.http import Http404

        raise Http404("未找到该角色")
    services.membership_end(actor=request.user, membership=membership)
    messages.success(request, "角色已停用。")
    return redirect("org:user-detail", pk=membership.user_id)


# ---------------------------------------------------------------- audit trail


def audit_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "audit.view")
    p = AuditQuery.read(request.GET)
    q, action = p["q"], p["action"]
    page = paginate(request, selectors.audit_list(actor=request.user, q=q, action=action))
    template = "org/audit_list.html#rows" if request.htmx else "org/audit_list.html"
    return render(request, template, {"page": page, "q": q, "action": action, "actions": AuditEntry.Action.choices})


# ---------------------------------------------------------------- feedback (意见建议)


@login_not_required
@require_http_methods(["GET", "POST"])
def feedback_create(request: HttpRequest) -> HttpResponse:
    regions = selectors.feedback_regions()
    default_region = selectors.primary_region(actor=request.user) if request.user.is_authenticated else None
    initial = {"page": request.GET.get("from", "")[:300], "region": default_region}
    form = FeedbackForm(request.POST or None, regions=regions | _own_region(default_region), initial=initial)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        if not request.user.is_authenticated and not _feedback_allowed(request):
            form.add_error(
                None,
                f"提交过于频繁：同一网络地址每小时最多提交{settings.PUFA_FEEDBACK_PER_HOUR}条意见建议，请稍后再试。",
            )
            return render(request, "org/feedback_form.html", {"form": form}, status=429)
        try:
            services.feedback_submit(
                actor=request.user if request.user.is_authenticated else None,
                kind=cd["kind"],
                content=cd["content"],
                region=cd["region"],
                contact=cd["contact"],
                page=cd["page"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return render(request, "org/feedback_thanks.html")
    return render(request, "org/feedback_form.html", {"form": form})


def _feedback_allowed(request: HttpRequest) -> bool:
    """Anonymous feedback is limited per client address (PUFA_FEEDBACK_PER_HOUR), so a script cannot flood the
    offices' inbox; logged-in users are known and not limited."""
    address = client_ip(request) or "unknown"
    return throttle.allow(f"feedback:{address}", limit=settings.PUFA_FEEDBACK_PER_HOUR, window=3600)


def _own_region(region: object) -> object:
    from pufa.org.models import Region

    return Region.objects.filter(pk=getattr(region, "pk", None))


def feedback_list(request: HttpRequest) -> HttpResponse:
    status = FeedbackQuery.read(request.GET)["status"]
    page = paginate(request, selectors.feedback_list(actor=request.user, status=status))
    return render(
        request,
        "org/feedback_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Feedback.Status.choices,
            "can_view_region": can(request.user, "feedback.view"),
        },
    )


@require_http_methods(["GET", "POST"])
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = selectors.feedback_get(actor=request.user, pk=pk)
    can_reply = can(request.user, "feedback.reply", feedback)
    form = FeedbackReplyForm(request.POST or None, initial={"reply": feedback.reply})
    if request.method == "POST":
        require(request.user, "feedback.reply", feedback)
        if form.is_valid():
            try:
                services.feedback_reply(actor=request.user, feedback=feedback, reply=form.cleaned_data["reply"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "答复已保存。")
                return redirect("org:feedback-detail", pk=feedback.pk)
    return render(request, "org/feedback_detail.html", {"item": feedback, "form": form, "can_reply": can_reply})
