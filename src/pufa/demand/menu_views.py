"""点单 pages of the units and offices: the orders (the 待办 lines and the loop page's figures link here), one
order with the steps the policy allows this user now (接单, 拒单, 送单, 改派), and the office's loop figures per
unit. Views parse and render; `demand.selectors` reads, `demand.menu` writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from pufa.core.chinese import mask_phone
from pufa.core.forms import apply_errors, paginate
from pufa.core.workflow import Conflict
from pufa.demand import menu, selectors
from pufa.demand.forms import DeclineForm, DeliverForm, LoopQuery, MenuOrderQuery, ReassignForm, RevealForm
from pufa.demand.models import MenuOrder
from pufa.org.access import can, require, scope
from pufa.org.models import Unit


@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "demand.order.view")
    query = MenuOrderQuery.read(request.GET)
    filters: dict[str, Any] = {
        "figure": query["figure"] if query["figure"] in selectors.FIGURES else "",
        "status": query["status"] if query["status"] in MenuOrder.Status.values else "",
        "unit_id": query["unit"],
        "mine": query["mine"],
        "start": query["start"],
        "end": query["end"],
    }
    orders = selectors.menu_orders(actor=request.user, **filters)
    unit = (
        scope(Unit.objects.filter(pk=query["unit"]), request.user, "demand.order.view").first()
        if query["unit"]
        else None
    )
    return render(
        request,
        "demand/menu_order_list.html",
        {
            "page": paginate(request, orders),
            "filters": filters,
            "unit": unit,
            "figure_label": selectors.FIGURES.get(filters["figure"], ""),
            "statuses": MenuOrder.Status.choices,
            "today": timezone.localdate(),
            "may_loop": can(request.user, "demand.view"),
        },
    )


def _detail(
    request: HttpRequest, order: MenuOrder, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    moves = menu.moves(order, request.user)
    forms = forms or {}
    if "decline" in moves:
        forms.setdefault("decline", DeclineForm(prefix="decline"))
    if "deliver" in moves:
        forms.setdefault("deliver", DeliverForm(prefix="deliver", candidates=selectors.delivery_candidates(order)))
    if "reassign" in moves:
        units = scope(Unit.objects.filter(deleted_at__isnull=True), request.user, "demand.manage").order_by("path")
        forms.setdefault("reassign", ReassignForm(prefix="reassign", units=units))
    context = {
        "order": order,
        "moves": moves,
        "forms": forms,
        "phone": mask_phone(order.contact_phone),
        "may_reveal": menu.may_reveal_phone(request.user, order),
        "today": timezone.localdate(),
        "trail": _trail(order),
        "deliver_days": menu.deliver_days(),
        "may_loop": can(request.user, "demand.view"),
    }
    return render(request, "demand/menu_order_detail.html", context, status=status)


def _trail(order: MenuOrder) -> list[Any]:
    from django.contrib.contenttypes.models import ContentType

    from pufa.core.models import AuditEntry

    return list(
        AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(MenuOrder), object_id=str(order.pk))
        .order_by("at", "id")
        .only("at", "actor_name", "code", "action", "message")
    )


@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.menu_order_get(actor=request.user, pk=pk))


@require_POST
def order_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The orderer's full phone, shown to the handling unit on an explicit POST (never a GET) and audited."""
    order = selectors.menu_order_get(actor=request.user, pk=pk)
    form = RevealForm(request.POST)
    form.is_valid()
    phone = menu.order_reveal_phone(actor=request.user, order=order, reason=form.cleaned_data.get("reason", ""))
    return render(request, "demand/_menu_phone.html", {"order": order, "phone": phone, "revealed": True})


@require_POST
def order_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    order = selectors.menu_order_get(actor=request.user, pk=pk)
    if name not in {"accept", "decline", "deliver", "reassign"}:
        raise Http404("没有这个操作")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    forms: dict[str, Any] = {}
    form: Any
    try:
        if name == "accept":
            menu.order_accept(actor=request.user, order=order, version=version)
            messages.success(request, f"已接单，请于{order.deliver_due:%Y-%m-%d}前送单。")
        elif name == "decline":
            form = forms["decline"] = DeclineForm(request.POST, prefix="decline")
            if not form.is_valid():
                return _detail(request, order, forms, status=400)
            menu.order_decline(actor=request.user, order=order, reason=form.cleaned_data["reason"], version=version)
            messages.success(request, "已拒单，理由已告知点单群众。")
        elif name == "deliver":
            form = forms["deliver"] = DeliverForm(
                request.POST, prefix="deliver", candidates=selectors.delivery_candidates(order)
            )
            if not form.is_valid():
                return _detail(request, order, forms, status=400)
            _deliver(request, order, form.cleaned_data, version)
            messages.success(request, "已登记送单，该活动已计入工作台账（只计一次）。")
        else:
            units = scope(Unit.objects.filter(deleted_at__isnull=True), request.user, "demand.manage")
            form = forms["reassign"] = ReassignForm(request.POST, prefix="reassign", units=units)
            if not form.is_valid():
                return _detail(request, order, forms, status=400)
            menu.order_reassign(actor=request.user, order=order, unit=form.cleaned_data["unit"], version=version)
            messages.success(request, f"已改派至{form.cleaned_data['unit'].name}。")
    except Conflict as exc:
        messages.error(request, exc.messages[0])
    except ValidationError as exc:
        form = forms.get(name)
        if form is not None and hasattr(exc, "error_dict"):
            apply_errors(form, exc)
            return _detail(request, selectors.menu_order_get(actor=request.user, pk=pk), forms, status=400)
        messages.error(request, "；".join(exc.messages))
    return redirect("demand:menu-order-detail", pk=order.pk)


def _deliver(request: HttpRequest, order: MenuOrder, data: dict[str, Any], version: int | None) -> None:
    from pufa.ledger.services import ActivityData

    if data["activity"] is not None:
        activity = next((a for a in selectors.delivery_candidates(order) if a.pk == data["activity"]), None)
        if activity is None:
            raise ValidationError({"activity": "请选择本单位点单之后登记的活动。"})
        menu.order_deliver(actor=request.user, order=order, activity=activity, version=version)
        return
    activity_data = ActivityData(
        unit=order.unit,
        title=data["title"],
        kind=order.kind,
        date=data["date"],
        place=data["place"] or "",
        place_region=order.place,
        domains=[order.domain],
        people_onsite=data["people_onsite"] or 0,
        description=data["description"] or f"应{order.place.name}{order.get_orderer_display()}点单开展。",
    )
    menu.order_deliver(actor=request.user, order=order, data=activity_data, version=version)


@require_GET
def loop(request: HttpRequest) -> HttpResponse:
    """点单闭环: per unit, the orders placed in the period and how far each got (figures linking to them)."""
    require(request.user, "demand.view")
    query = LoopQuery.read(request.GET)
    today = timezone.localdate()
    end = query["end"] or today
    start = query["start"] or dt.date(end.year, 1, 1)
    rows = selectors.loop_figures(actor=request.user, start=start, end=end, today=today)
    return render(
        request,
        "demand/menu_loop.html",
        {
            "rows": rows,
            "labels": list(selectors.FIGURES.values()),
            "start": start,
            "end": end,
            "accept_days": menu.accept_days(),
            "deliver_days": menu.deliver_days(),
        },
    )


def activity_section(request: HttpRequest, activity: Any) -> dict[str, Any] | None:
    """The "送单的点单" section of a ledger activity's page (registered in pufa.ledger.extensions): the order
    this activity delivered, linked, for those who may see the order."""
    if not can(request.user, "demand.order.view"):
        return None
    order = selectors.delivered_order(actor=request.user, activity=activity)
    return {"order": order} if order is not None else None
