"""Pages of the responsibility lists: thin — load through selectors, write through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pufa.core.forms import apply_errors, paginate
from pufa.core.workflow import available_transitions
from pufa.duties import exports, selectors, services
from pufa.duties.forms import (
    DeadlineForm,
    DutyItemForm,
    DutyListForm,
    DutyListStartForm,
    LawForm,
    LawQuery,
    LinkQuery,
    ListQuery,
    OverviewQuery,
    PlannedForm,
    ReasonForm,
    TemplateForm,
    TemplateItemForm,
)
from pufa.duties.models import DutyList, DutyTemplate, Law
from pufa.ledger.models import Activity
from pufa.org.access import can, require, scope
from pufa.org.models import Region, Unit

# ---------------------------------------------------------------- helpers


def _year(request: HttpRequest, default: int | None = None) -> int:
    return OverviewQuery.read(request.GET)["year"] or default or timezone.localdate().year


def _post_year(request: HttpRequest) -> int:
    return OverviewQuery.read(request.POST)["year"] or timezone.localdate().year


def _years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this + 1, this - 5, -1))


def _item_data(cd: dict[str, Any]) -> services.ItemData:
    return services.ItemData(
        content=cd["content"],
        measures=cd.get("measures", ""),
        standards=cd.get("standards", ""),
        time_nodes=cd.get("time_nodes", ""),
        responsible_section=cd.get("responsible_section", ""),
        responsible_leader=cd.get("responsible_leader", ""),
        responsible_person=cd.get("responsible_person", ""),
        responsible_phone=cd.get("responsible_phone", ""),
        internal_note=cd.get("internal_note", ""),
        laws=list(cd.get("laws") or []),
        audiences=list(cd.get("audiences") or []),
        domains=list(cd.get("domains") or []),
    )


def _planned_data(cd: dict[str, Any]) -> services.PlannedData:
    return services.PlannedData(
        content=cd["content"],
        kind=cd["kind"],
        start=cd["start"],
        end=cd["end"],
        time_text=cd.get("time_text", ""),
        place=cd.get("place", ""),
        region=cd.get("region"),
        item=cd.get("item"),
        internal_note=cd.get("internal_note", ""),
        audiences=list(cd.get("audiences") or []),
        domains=list(cd.get("domains") or []),
        laws=list(cd.get("laws") or []),
    )


def _law_data(cd: dict[str, Any]) -> services.LawData:
    return services.LawData(
        name=cd["name"],
        level=cd["level"],
        issuer=cd.get("issuer", ""),
        promulgated_on=cd.get("promulgated_on"),
        effective_on=cd.get("effective_on"),
        url=cd.get("url", ""),
        is_active=cd.get("is_active", True),
    )


def _flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


# ---------------------------------------------------------------- lists


def index(request: HttpRequest) -> HttpResponse:
    """责任清单: a liaison sees their unit's lists; an office sees its region's, with the deadline summary."""
    require(request.user, "duties.view")
    p = ListQuery.read(request.GET)
    year, status, q = str(p["year"] or ""), p["status"], p["q"]
    lists = selectors.duty_list_list(actor=request.user, year=p["year"], status=status, q=q)
    context: dict[str, Any] = {
        "page": paginate(request, lists),
        "year": year,
        "status": status,
        "q": q,
        "years": _years(),
        "statuses": DutyList.Status.choices,
        "can_edit": can(request.user, "duties.edit"),
        "can_review": can(request.user, "duties.review"),
        "unread": selectors.notification_list(actor=request.user, unread_only=True)[:5],
    }
    if request.htmx:
        return render(request, "duties/index.html#rows", context)
    if context["can_review"]:
        region = selectors.review_regions(actor=request.user).first()
        if region is not None:
            report = selectors.deadline_report(actor=request.user, region=region, year=timezone.localdate().year)
            context["report"] = report
    return render(request, "duties/index.html", context)


@require_http_methods(["GET", "POST"])
def list_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "duties.edit")
    units = selectors.units_for_new_list(actor=request.user)
    sources = scope(DutyList.objects.all(), request.user, "duties.edit").select_related("unit")
    templates = scope(DutyTemplate.objects.filter(status=DutyTemplate.Status.ISSUED), request.user)
    form = DutyListStartForm(request.POST or None, units=units, sources=sources, templates=templates)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            duty_list = services.duty_list_start(
                actor=request.user, unit=cd["unit"], year=cd["year"], source=cd["source"], template=cd["template"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已新建“{duty_list.title}”。")
            return redirect("duties:list-detail", pk=duty_list.pk)
    return render(request, "duties/list_create.html", {"form": form})


def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    duty_list = selectors.duty_list_get(actor=request.user, pk=pk)
    user = request.user
    edit_right = can(user, "duties.edit", duty_list)
    context = {
        "duty_list": duty_list,
        **selectors.duty_list_full(actor=user, duty_list=duty_list),
        "moves": available_transitions(duty_list, user),
        "can_edit": duty_list.is_editable and edit_right,
        "can_link": edit_right,
        "show_phone": edit_right,
        "history": selectors.duty_list_history(actor=user, duty_list=duty_list)[:30],
        "reason_form": ReasonForm(),
    }
    return render(request, "duties/list_detail.html", context)


@require_http_methods(["GET", "POST"])
def list_edit(request: HttpRequest, pk: int) -> HttpResponse:
    duty_list = selectors.duty_list_get(actor=request.user, pk=pk)
    require(request.user, "duties.edit", duty_list)
    initial = {
        "version": duty_list.version,
        "summary": duty_list.summary,
        "laws": list(duty_list.laws.all()),
        "internal_note": duty_list.internal_note,
    }
    form = DutyListForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.duty_list_update(
                actor=request.user,
                duty_list=duty_list,
                summary=cd["summary"],
                laws=list(cd["laws"]),
                internal_note=cd["internal_note"],
                version=cd.get("version"),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "清单已保存。")
            return redirect("duties:list-detail", pk=duty_list.pk)
    return render(request, "duties/form.html", {"form": form, "title": f"修改：{duty_list.title}", "back": duty_list})


def _workflow(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    duty_list = selectors.duty_list_get(actor=request.user, pk=pk)
    done = {
        "submit": "清单已报送，等待法宣办备案。",
        "file": "清单已备案。",
        "publish": "清单已向社会公告。",
        "return": "清单已退回。",
        "withdraw": "已撤回公告。",
    }
    try:
        services.duty_list_transition(
            actor=request.user, duty_list=duty_list, name=step, reason=ReasonForm(request.POST).data.get("reason", "")
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, done[step])
    return redirect("duties:list-detail", pk=duty_list.pk)


@require_POST
def list_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, "submit")


@require_POST
def list_file(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, "file")


@require_POST
def list_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, "return")


@require_POST
def list_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, "publish")


@require_POST
def list_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, "withdraw")


def list_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    duty_list = selectors.duty_list_get(actor=request.user, pk=pk)
    full = selectors.duty_list_full(actor=request.user, duty_list=duty_list)
    sheet = exports.ListSheet(duty_list=duty_list, laws=full["laws"], items=full["items"], planned=full["planned"])
    return exports.response([sheet], fmt=fmt, filename=duty_list.title)


# ---------------------------------------------------------------- items


@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    duty_list = selectors.duty_list_get(actor=request.user, pk=pk)
    require(request.user, "duties.edit", duty_list)
    form = DutyItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.duty_item_create(actor=request.user, duty_list=duty_list, data=_item_data(form.cleaned_data))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已添加清单事项。")
            return redirect("duties:list-detail", pk=duty_list.pk)
    return render(request, "duties/form.html", {"form": form, "title": "添加清单事项", "back": duty_list})


@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.duty_item_get(actor=request.user, pk=pk)
    require(request.user, "duties.edit", item.duty_list)
    form = DutyItemForm(request.POST or None, initial=DutyItemForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        try:
            services.duty_item_update(
                actor=request.user,
                item=item,
                data=_item_data(form.cleaned_data),
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "清单事项已保存。")
            return redirect("duties:list-detail", pk=item.duty_list_id)
    return render(request, "duties/form.html", {"form": form, "title": "修改清单事项", "back": item.duty_list})


@require_POST
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.duty_item_get(actor=request.user, pk=pk)
    try:
        services.duty_item_delete(actor=request.user, item=item)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, "已删除清单事项。")
    return redirect("duties:list-detail", pk=item.duty_list_id)


# ---------------------------------------------------------------- announced activities


def _planned_form(request: HttpRequest, duty_list: DutyList, initial: dict[str, Any] | None = None) -> PlannedForm:
    regions = selectors.place_regions(unit=duty_list.unit)
    return PlannedForm(request.POST or None, duty_list=duty_list, regions=regions, initial=initial)


@require_http_methods(["GET", "POST"])
def planned_create(request: HttpRequest, pk: int) -> HttpResponse:
    duty_list = selectors.duty_list_get(actor=request.user, pk=pk)
    require(request.user, "duties.edit", duty_list)
    form = _planned_form(request, duty_list, initial={"region": duty_list.unit.region_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.planned_activity_create(
                actor=request.user, duty_list=duty_list, data=_planned_data(form.cleaned_data)
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已添加拟开展的普法活动。")
            return redirect("duties:list-detail", pk=duty_list.pk)
    return render(request, "duties/form.html", {"form": form, "title": "添加拟开展的普法活动", "back": duty_list})


@require_http_methods(["GET", "POST"])
def planned_edit(request: HttpRequest, pk: int) -> HttpResponse:
    planned = selectors.planned_activity_get(actor=request.user, pk=pk)
    require(request.user, "duties.edit", planned.duty_list)
    initial = {
        "content": planned.content,
        "kind": planned.kind_id,
        "start": planned.start,
        "end": planned.end,
        "time_text": planned.time_text,
        "place": planned.place,
        "region": planned.region_id,
        "item": planned.item_id,
        "internal_note": planned.internal_note,
        "audiences": list(planned.audiences.all()),
        "domains": list(planned.domains.all()),
        "laws": list(planned.laws.all()),
    }
    form = _planned_form(request, planned.duty_list, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.planned_activity_update(actor=request.user, planned=planned, data=_planned_data(form.cleaned_data))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("duties:list-detail", pk=planned.duty_list_id)
    return render(
        request, "duties/form.html", {"form": form, "title": "修改拟开展的普法活动", "back": planned.duty_list}
    )


@require_POST
def planned_delete(request: HttpRequest, pk: int) -> HttpResponse:
    planned = selectors.planned_activity_get(actor=request.user, pk=pk)
    try:
        services.planned_activity_delete(actor=request.user, planned=planned)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, "已删除该活动。")
    return redirect("duties:list-detail", pk=planned.duty_list_id)


# ---------------------------------------------------------------- the office's overview (报送情况)


def _review_region(request: HttpRequest) -> Region:
    regions = selectors.review_regions(actor=request.user)
    pk = OverviewQuery.read(request.GET)["region"] or OverviewQuery.read(request.POST)["region"]
    region = regions.filter(pk=pk).first() if pk else regions.first()
    if region is None:
        raise Http404("未找到该区划")
    return region


def overview(request: HttpRequest) -> HttpResponse:
    """报送情况: which units of the region have not submitted by the deadline, with the one-click reminder."""
    require(request.user, "duties.review")
    region, year = _review_region(request), _year(request)
    only_missing = request.GET.get("missing") == "1"
    report = selectors.deadline_report(actor=request.user, region=region, year=year, only_missing=only_missing)
    context = {
        "report": report,
        "region": region,
        "year": year,
        "years": _years(),
        "regions": selectors.review_regions(actor=request.user),
        "only_missing": only_missing,
        "deadline_form": DeadlineForm(initial={"due": report.due}),
    }
    template = "duties/overview.html#rows" if request.htmx else "duties/overview.html"
    return render(request, template, context)


@require_POST
def deadline_set(request: HttpRequest) -> HttpResponse:
    require(request.user, "duties.review")
    region, year = _review_region(request), _post_year(request)
    form = DeadlineForm(request.POST)
    if form.is_valid():
        try:
            services.duty_deadline_set(actor=request.user, region=region, year=year, due=form.cleaned_data["due"])
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(
                request, f"{region.name}{year}年度清单报送截止日期已设为{form.cleaned_data['due']:%Y-%m-%d}。"
            )
    else:
        messages.error(request, "请填写正确的日期。")
    return redirect(f"{_overview_url()}?region={region.pk}&year={year}")


def _overview_url() -> str:
    from django.urls import reverse

    return reverse("duties:overview")


@require_POST
def remind(request: HttpRequest) -> HttpResponse:
    require(request.user, "duties.review")
    region, year = _review_region(request), _post_year(request)
    try:
        result = services.duty_reminders_send(actor=request.user, region=region, year=year)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        if result.units == 0:
            messages.info(request, "所有单位都已报送，无需催报。")
        else:  # names the units without a liaison account, so nobody reads a reminder to nobody as success
            (messages.warning if result.missing else messages.success)(request, result.message("提醒"))
    return redirect(f"{_overview_url()}?region={region.pk}&year={year}")


def region_export(request: HttpRequest, fmt: str) -> HttpResponse:
    require(request.user, "duties.review")
    region, year = _review_region(request), _year(request)
    sheets = [
        exports.ListSheet(
            duty_list=dl,
            laws=sorted(dl.laws.all(), key=lambda law: (law.level_rank, law.pinyin)),
            items=list(dl.items.all()),
            planned=list(dl.planned_activities.all()),
        )
        for dl in selectors.region_lists_for_export(actor=request.user, region=region, year=year)
    ]
    report = selectors.deadline_report(actor=request.user, region=region, year=year)
    return exports.response(sheets, fmt=fmt, filename=f"{region.name}{year}年度普法责任清单汇总", report=report)


# ---------------------------------------------------------------- laws


def law_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "duties.view")
    p = LawQuery.read(request.GET)
    q, level = p["q"], p["level"]
    context = {
        "page": paginate(request, selectors.law_list(q=q, level=level)),
        "q": q,
        "level": level,
        "levels": Law.Level.choices,
        "can_add": can(request.user, "duties.edit"),
        "can_edit": can(request.user, "duties.review"),
    }
    template = "duties/law_list.html#rows" if request.htmx else "duties/law_list.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def law_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "duties.edit")
    form = LawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            law = services.law_create(actor=request.user, data=_law_data(form.cleaned_data))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已将《{law.name}》加入法规库。")
            return redirect("duties:law-list")
    return render(request, "duties/form.html", {"form": form, "title": "添加法律法规"})


@require_http_methods(["GET", "POST"])
def law_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "duties.review")
    law = selectors.law_get(pk=pk)
    fields = ["name", "level", "issuer", "promulgated_on", "effective_on", "url", "is_active"]
    form = LawForm(request.POST or None, initial={f: getattr(law, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.law_update(actor=request.user, law=law, data=_law_data(form.cleaned_data))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("duties:law-list")
    return render(request, "duties/form.html", {"form": form, "title": f"修改：{law.name}"})


# ---------------------------------------------------------------- templates


def template_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "duties.view")
    return render(
        request,
        "duties/template_list.html",
        {"templates": selectors.template_list(actor=request.user), "can_review": can(request.user, "duties.review")},
    )


def _office_units(request: HttpRequest) -> Any:
    return scope(Unit.objects.filter(kind=Unit.Kind.OFFICE), request.user, "duties.review").order_by("pinyin")


@require_http_methods(["GET", "POST"])
def template_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "duties.review")
    form = TemplateForm(request.POST or None, units=_office_units(request))
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            template = services.duty_template_create(
                actor=request.user,
                issuing_unit=cd["issuing_unit"],
                unit_kind=cd["unit_kind"],
                title=cd["title"],
                laws=list(cd["laws"]),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已新建模板，请添加模板事项。")
            return redirect("duties:template-detail", pk=template.pk)
    return render(request, "duties/form.html", {"form": form, "title": "新建清单模板"})


@require_http_methods(["GET", "POST"])
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_get(actor=request.user, pk=pk)
    can_edit = template.status == DutyTemplate.Status.DRAFT and can(request.user, "duties.review", template)
    form = TemplateItemForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "duties.review", template)
        if form.is_valid():
            try:
                services.duty_template_item_add(
                    actor=request.user, template=template, data=_item_data(form.cleaned_data)
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "已添加模板事项。")
                return redirect("duties:template-detail", pk=template.pk)
    return render(
        request,
        "duties/template_detail.html",
        {
            "template": template,
            "items": selectors.template_items(template=template),
            "laws": template.laws.order_by("pinyin"),
            "form": form,
            "can_edit": can_edit,
        },
    )


@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_get(actor=request.user, pk=pk)
    require(request.user, "duties.review", template)
    initial = {"unit_kind": template.unit_kind, "title": template.title, "laws": list(template.laws.all())}
    form = TemplateForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.duty_template_update(
                actor=request.user,
                template=template,
                unit_kind=cd["unit_kind"],
                title=cd["title"],
                laws=list(cd["laws"]),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "模板已保存。")
            return redirect("duties:template-detail", pk=template.pk)
    return render(request, "duties/form.html", {"form": form, "title": f"修改模板：{template.title}"})


@require_POST
def template_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_get(actor=request.user, pk=pk)
    require(request.user, "duties.review", template)
    raw = request.POST.get("item", "")
    item = template.items.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
    if item is None:
        raise Http404("未找到该事项")
    try:
        services.duty_template_item_remove(actor=request.user, item=item)
    except ValidationError as exc:
        _flash_errors(request, exc)
    return redirect("duties:template-detail", pk=template.pk)


@require_POST
def template_issue(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_get(actor=request.user, pk=pk)
    try:
        services.duty_template_issue(actor=request.user, template=template)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, f"模板已下发给辖区内的{template.get_unit_kind_display()}。")
    return redirect("duties:template-detail", pk=template.pk)


# ---------------------------------------------------------------- planned against done (manual link)


@require_http_methods(["GET", "POST"])
def planned_link(request: HttpRequest, pk: int) -> HttpResponse:
    planned = selectors.planned_activity_get(actor=request.user, pk=pk)
    require(request.user, "duties.edit", planned.duty_list)
    if request.method == "POST":
        pk = LinkQuery.read(request.POST)["activity"]
        activity = Activity.objects.filter(pk=pk).first() if pk else None
        if activity is None:
            messages.error(request, "请选择台账记录。")
        else:
            try:
                services.planned_activity_link(actor=request.user, planned=planned, activity=activity)
            except ValidationError as exc:
                _flash_errors(request, exc)
            else:
                messages.success(request, f"已关联台账记录“{activity.title}”。")
                return redirect("duties:list-detail", pk=planned.duty_list_id)
    q = LinkQuery.read(request.GET)["q"]
    context = {
        "planned": planned,
        "candidates": selectors.link_candidates(actor=request.user, planned=planned, q=q),
        "q": q,
    }
    template = "duties/planned_link.html#candidates" if request.htmx else "duties/planned_link.html"
    return render(request, template, context)


@require_POST
def planned_unlink(request: HttpRequest, pk: int) -> HttpResponse:
    planned = selectors.planned_activity_get(actor=request.user, pk=pk)
    try:
        services.planned_activity_unlink(actor=request.user, planned=planned)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, "已取消关联。")
    return redirect("duties:list-detail", pk=planned.duty_list_id)
