"""Pages of the rosters: thin — load through selectors, write through services."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pufa.core.forms import apply_errors, paginate
from pufa.core.http import HtmxHttpRequest
from pufa.ledger import selectors as ledger_selectors
from pufa.ledger.models import Activity
from pufa.org import selectors as org_selectors
from pufa.org.access import can, require
from pufa.people import exports, importers, selectors, services
from pufa.people.forms import (
    AttendeesForm,
    HouseholdForm,
    ImportForm,
    JoinForm,
    LeaveForm,
    LoginGrantForm,
    PersonForm,
    RevealForm,
    person_initial,
)
from pufa.people.models import TeamKind

PER_PAGE = 50


def _query(params: QueryDict, *drop: str) -> str:
    pairs = [(k, v) for k, values in params.lists() for v in values if k not in {"page", *drop} and v]
    return urlencode(pairs)


# ---------------------------------------------------------------- list, export, import


def person_list(request: HtmxHttpRequest) -> HttpResponse:
    require(request.user, "people.view")
    filters = selectors.parse_filters(request.GET)
    people = selectors.person_list(actor=request.user, filters=filters)
    page = paginate(request, people, PER_PAGE, count_cap=selectors.COUNT_CAP)
    context = {
        "page": page,
        "filters": filters,
        "query": _query(request.GET),
        "can_manage": can(request.user, "people.manage"),
    }
    if request.htmx:
        return render(request, "people/person_list.html#rows", context)
    units, regions = selectors.filter_choices(actor=request.user, unit=filters.unit, region=filters.region)
    context.update(
        {
            "kinds": selectors.team_kinds(active_only=False),
            "shapes": TeamKind.Shape.choices,
            "units": units,
            "regions": regions,
            "today": timezone.localdate(),
        }
    )
    return render(request, "people/person_list.html", context)


@require_GET
def person_export(request: HttpRequest) -> HttpResponseBase:
    require(request.user, "people.view")
    people = selectors.person_list(actor=request.user, filters=selectors.parse_filters(request.GET))
    if people.count() > exports.MAX_ROWS:
        messages.error(request, f"筛选结果超过 {exports.MAX_ROWS} 人，请缩小范围后再导出。")
        return redirect(f"{_list_url()}?{_query(request.GET)}")
    return FileResponse(exports.export_workbook(people=people), as_attachment=True, filename=exports.export_filename())


def _list_url() -> str:
    from django.urls import reverse

    return reverse("people:person-list")


@require_http_methods(["GET", "POST"])
def roster_import(request: HttpRequest) -> HttpResponse:
    require(request.user, "people.manage")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = importers.roster_import(actor=request.user, file=form.cleaned_data["file"])
        if result.ok:
            messages.success(
                request, f"导入完成：新增{result.created}人，更新{result.updated}人，加入队伍{result.joined}人次。"
            )
            return redirect("people:person-list")
    return render(request, "people/roster_import.html", {"form": form, "result": result})


@require_GET
def import_template(request: HttpRequest) -> HttpResponseBase:
    require(request.user, "people.manage")
    return FileResponse(exports.template_workbook(), as_attachment=True, filename="队伍名册模板.xlsx")


# ---------------------------------------------------------------- one person


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(actor=request.user, pk=pk)
    may_manage = can(request.user, "people.manage", person)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "memberships": selectors.person_history(person=person),
            "trainings": selectors.person_trainings(person=person),
            "households": selectors.person_households(person=person),
            "may_manage": may_manage,
            "may_reveal": can(request.user, "people.reveal", person),
            "join_form": JoinForm(person=person) if may_manage else None,
            "household_form": HouseholdForm(actor=request.user, person=person) if may_manage else None,
            "household_kinds": selectors.team_kinds().filter(shape=TeamKind.Shape.HOUSEHOLD),
            "reveal_form": RevealForm(),
            "login_form": LoginGrantForm() if may_manage and can(request.user, "org.manage", person.unit) else None,
            "today": timezone.localdate(),
            "history": org_selectors.audit_list(actor=request.user, obj=person)[:30]
            if can(request.user, "audit.view")
            else [],
        },
    )


@require_POST
def person_login(request: HttpRequest, pk: int) -> HttpResponse:
    """开通 (or, with `revoke`, 停用) a roster person's own login, for those who manage accounts in the unit."""
    person = selectors.person_get(actor=request.user, pk=pk)
    require(request.user, "people.manage", person)
    require(request.user, "org.manage", person.unit)
    if "revoke" in request.POST:
        services.person_login_revoke(actor=request.user, person=person)
        messages.success(request, f"已停用{person.name}的登录账号。")
        return redirect("people:person-detail", pk=person.pk)
    form = LoginGrantForm(request.POST)
    if form.is_valid():
        try:
            user = services.person_login_grant(
                actor=request.user,
                person=person,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已为{person.name}开通登录账号：{user.username}。请告知本人登录后修改密码。")
            return redirect("people:person-detail", pk=person.pk)
    for errors in form.errors.values():
        messages.error(request, "；".join(str(e) for e in errors))
    return redirect(f"{reverse('people:person-detail', args=[person.pk])}#login")


@require_POST
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The full phone number, shown once to an entitled user and audited (an explicit POST, never a GET)."""
    person = selectors.person_get(actor=request.user, pk=pk)
    form = RevealForm(request.POST)
    form.is_valid()
    phone = services.person_reveal(actor=request.user, person=person, reason=form.cleaned_data.get("reason", ""))
    return render(request, "people/_phone.html", {"person": person, "phone": phone, "revealed": True})


@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "people.manage")
    form = PersonForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, data=form.to_data(), teams=form.joins())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已添加：{person.name}")
            return redirect("people:person-detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "title": "添加人员", "person": None})


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(actor=request.user, pk=pk)
    require(request.user, "people.manage", person)
    form = PersonForm(request.POST or None, actor=request.user, person=person, initial=person_initial(person))
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, data=form.to_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("people:person-detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "title": f"修改：{person.name}", "person": person})


@require_POST
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(actor=request.user, pk=pk)
    require(request.user, "people.manage", person)
    form = JoinForm(request.POST, person=person)
    if form.is_valid():
        try:
            services.membership_add(actor=request.user, person=person, join=form.to_data())
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"{person.name}已加入{form.cleaned_data['kind'].name}。")
    else:
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("people:person-detail", pk=person.pk)


@require_http_methods(["GET", "POST"])
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_get(actor=request.user, pk=pk)
    person = membership.person
    require(request.user, "people.manage", person)
    form = LeaveForm(request.POST or None, actor=request.user, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(
                actor=request.user,
                membership=membership,
                end=form.cleaned_data["end"],
                reason=form.cleaned_data["reason"],
                replacement=form.cleaned_data.get("replacement"),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已调整：{person.name}（{membership.kind.name}）")
            return redirect("people:person-detail", pk=person.pk)
    return render(request, "people/membership_end.html", {"form": form, "membership": membership, "person": person})


@require_POST
def household_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(actor=request.user, pk=pk)
    require(request.user, "people.manage", person)
    form = HouseholdForm(request.POST, actor=request.user, person=person)
    kind = selectors.team_kinds().filter(shape=TeamKind.Shape.HOUSEHOLD, pk=request.POST.get("kind") or 0).first()
    if form.is_valid() and kind is not None:
        try:
            services.household_create(
                actor=request.user,
                head=person,
                kind=kind,
                start=form.cleaned_data["start"],
                members=list(form.cleaned_data["members"]),
                address=form.cleaned_data.get("address") or "",
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已登记{kind.name}：{person.name}户")
    else:
        messages.error(request, "请填写认定日期并选择示范户类别。")
    return redirect("people:person-detail", pk=person.pk)


# ---------------------------------------------------------------- trainings: attendees of a ledger activity


@require_http_methods(["GET", "POST"])
def activity_attendees(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Choose who of the roster attended a ledger activity (a training recorded once, in the ledger)."""
    activity = ledger_selectors.activity_get(actor=request.user, pk=activity_id)
    require(request.user, "people.manage")
    current = selectors.activity_attendees(actor=request.user, activity=activity)
    form = AttendeesForm(request.POST or None, actor=request.user, initial={"people": [a.person_id for a in current]})
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_set(actor=request.user, activity=activity, people=form.cleaned_data["people"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存参加人员。")
            return redirect("ledger:activity-detail", pk=activity.pk)
    return render(request, "people/activity_attendees.html", {"form": form, "activity": activity})


def activity_section(request: HttpRequest, activity: Activity) -> dict[str, Any] | None:
    """The "参加的队伍成员" section of a ledger activity's page (registered in pufa.ledger.extensions)."""
    if not can(request.user, "people.view"):
        return None
    attendees = selectors.activity_attendees(actor=request.user, activity=activity)
    may_record = activity.deleted_at is None and can(request.user, "people.manage")
    if not attendees and not may_record:
        return None
    return {"activity": activity, "attendees": attendees, "may_record": may_record}


# ---------------------------------------------------------------- dynamic adjustment (动态调整)


@require_GET
def adjust(request: HttpRequest) -> HttpResponse:
    """The flagged people of the actor's rosters (one keeping unit with ?unit=), each with keep / retire /
    replace. Flags are suggestions: nothing changes until the liaison acts on a row."""
    from pufa.people import adjustment
    from pufa.people.forms import AdjustQuery

    require(request.user, "people.view")
    unit_id = AdjustQuery.read(request.GET)["unit"]
    page = paginate(
        request,
        selectors.flagged_people(actor=request.user, unit_id=unit_id),
        PER_PAGE,
        count_cap=selectors.ADJUST_CAP,
        counted=selectors.flagged_count(actor=request.user, unit_id=unit_id),
    )
    rows = adjustment.rows(people=list(page.object_list))
    manageable = set(selectors.manageable_people_ids(actor=request.user, ids=[r.person.pk for r in rows]))
    for row in rows:
        row.may_manage = row.person.pk in manageable
    units, _ = selectors.filter_choices(actor=request.user, unit=unit_id, residence=False)
    return render(
        request,
        "people/adjust.html",
        {
            "page": page,
            "rows": rows,
            "units": units,
            "unit_id": unit_id,
            "query": _query(request.GET),
            "reasons": adjustment.REASONS,
            "rules": selectors.rule_list(actor=request.user),
            "default_rule": (adjustment.DEFAULT_MAX_AGE, adjustment.DEFAULT_MONTHS),
            "may_set_rules": can(request.user, "people.rules"),
            "may_spotcheck": can(request.user, "people.spotcheck"),
            "today": timezone.localdate(),
        },
    )


def _back_to_adjust(request: HttpRequest) -> HttpResponse:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or ""
    if (
        target
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
        and target.startswith("/")
    ):
        return redirect(target)
    return redirect("people:adjust")


@require_POST
def person_keep(request: HttpRequest, pk: int) -> HttpResponse:
    from pufa.people.forms import KeepForm

    person = selectors.person_get(actor=request.user, pk=pk)
    require(request.user, "people.manage", person)
    form = KeepForm(request.POST)
    if form.is_valid():
        services.person_keep(
            actor=request.user, person=person, reason=form.cleaned_data["reason"], flags=form.cleaned_data["flags"]
        )
        messages.success(request, f"已保留：{person.name}")
    else:
        messages.error(request, "请填写保留理由。")
    return _back_to_adjust(request)


@require_POST
def person_retire(request: HttpRequest, pk: int) -> HttpResponse:
    from pufa.people.forms import RetireForm

    person = selectors.person_get(actor=request.user, pk=pk)
    require(request.user, "people.manage", person)
    form = RetireForm(request.POST)
    if form.is_valid():
        try:
            services.person_retire(
                actor=request.user, person=person, end=form.cleaned_data["end"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"{person.name}已退出队伍，记录已保留。")
    else:
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
    return _back_to_adjust(request)


@require_http_methods(["GET", "POST"])
def adjust_rules(request: HttpRequest) -> HttpResponse:
    """The office's thresholds (年龄上限, 未参训月数) for its region or a street below it."""
    from pufa.people.forms import RuleForm

    require(request.user, "people.rules")
    regions = selectors.rule_regions(actor=request.user)
    form = RuleForm(request.POST or None, regions=regions, initial={"max_age": 65, "months_untrained": 6})
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_set(
                actor=request.user,
                region=form.cleaned_data["region"],
                max_age=form.cleaned_data["max_age"],
                months_untrained=form.cleaned_data["months_untrained"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "调整规则已保存。")
            return redirect("people:adjust")
    return render(request, "people/adjust_rules.html", {"form": form, "rules": selectors.rule_list(actor=request.user)})


# ---------------------------------------------------------------- phone spot checks (电话抽查)


@require_http_methods(["GET", "POST"])
def spotcheck_list(request: HttpRequest) -> HttpResponse:
    """The spot checks in the actor's scope, and the form that draws a new one (a POST)."""
    from pufa.people.forms import SpotCheckForm, SpotQuery

    require(request.user, "people.spotcheck")
    form = SpotCheckForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            check = services.spot_check_create(
                actor=request.user,
                region=c["region"],
                unit=c["unit"],
                title=c["title"],
                count=c.get("count"),
                share=c.get("share") if c.get("count") is None else None,
                per_street=bool(c.get("per_street")),
                kinds=[k.code for k in c.get("kinds") or []],
                seed=c.get("seed"),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已抽取{check.items.count()}人。")
            return redirect("people:spotcheck-detail", pk=check.pk)
    unit_id = SpotQuery.read(request.GET)["unit"]
    page = paginate(request, selectors.spotcheck_list(actor=request.user, unit_id=unit_id), PER_PAGE)
    return render(request, "people/spotcheck_list.html", {"form": form, "page": page, "unit_id": unit_id})


@require_GET
def spotcheck_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Work through the drawn list on a phone: tap to reveal (audited) and call, then record the outcome."""
    from pufa.people import spotchecks
    from pufa.people.forms import SpotItemForm

    check = selectors.spotcheck_get(actor=request.user, pk=pk)
    items, rollup = selectors.spotcheck_items(check=check)
    return render(
        request,
        "people/spotcheck_detail.html",
        {
            "check": check,
            "items": items,
            "rollup": rollup,
            "verified": spotchecks.verify(check),
            "item_form": SpotItemForm(),
        },
    )


@require_POST
def spot_item_record(request: HttpRequest, pk: int) -> HttpResponse:
    from pufa.people.forms import SpotItemForm

    item = selectors.spot_item_get(actor=request.user, pk=pk)
    form = SpotItemForm(request.POST)
    if form.is_valid():
        try:
            services.spot_item_record(
                actor=request.user, item=item, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已记录：{item.person.name}")
    else:
        messages.error(request, "请选择抽查结果。")
    from django.urls import reverse

    return redirect(f"{reverse('people:spotcheck-detail', args=[item.spot_check_id])}#item-{item.pk}")


# ---------------------------------------------------------------- the member's own page


def me(request: HttpRequest) -> HttpResponse:
    """What a 法律明白人 sees about themself on a phone: their teams, trainings and households. Any signed-in
    user may open it; it shows only the person linked to their own login."""
    person = selectors.my_person(user=request.user)
    context: dict[str, Any] = {"person": person}
    if person is not None:
        context.update(
            {
                "memberships": selectors.person_history(person=person),
                "trainings": selectors.person_trainings(person=person),
                "households": selectors.person_households(person=person),
                "may_record": can(request.user, "ledger.record"),
            }
        )
    return render(request, "people/me.html", context)


# ---------------------------------------------------------------- team kinds


@require_http_methods(["GET", "POST"])
def kind_list(request: HttpRequest) -> HttpResponse:
    """The team kinds: everyone with the rosters reads them; the office adds its own (POST)."""
    from pufa.people.forms import KindForm

    require(request.user, "people.view")
    may_manage = can(request.user, "people.kinds")
    form = KindForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "people.kinds")
        if form.is_valid():
            try:
                services.kind_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "已添加队伍类别。")
                return redirect("people:kind-list")
    kinds = selectors.team_kinds(active_only=False)
    return render(request, "people/kind_list.html", {"kinds": kinds, "form": form, "may_manage": may_manage})


@require_POST
def kind_edit(request: HttpRequest, pk: int) -> HttpResponse:
    from django.shortcuts import get_object_or_404

    from pufa.people.forms import KindEditForm

    require(request.user, "people.kinds")
    kind = get_object_or_404(selectors.team_kinds(active_only=False), pk=pk)
    form = KindEditForm(request.POST)
    form.is_valid()
    services.kind_update(
        actor=request.user,
        kind=kind,
        public=bool(form.cleaned_data.get("public")),
        is_active=bool(form.cleaned_data.get("is_active")),
    )
    messages.success(request, f"已保存：{kind.name}")
    return redirect("people:kind-list")
