"""普法菜单 and 点单 on the portal: a resident, a community or a school picks a topic that units offer in their
published duty lists, orders it on a phone without an account, follows it through the private link it gets,
and rates the delivery there (评单), where the delivering activity's effect survey, if it has one, is offered.
Reads go through the demand app's public selectors (frozen records built
from the published lists: never a responsible person, a phone or a note), writes through its `menu` service;
nothing here touches a model. Orders per address are rate-limited (`PUFA_MENU_ORDER_LIMIT` an hour, counted in
the database like the surveys' submissions)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from pufa.core import throttle
from pufa.core.client_ip import client_ip
from pufa.demand import menu as demand_menu
from pufa.demand import selectors as demand_selectors
from pufa.demand.models import MenuOrder
from pufa.portal.forms import MenuOrderForm, MenuQuery, RateForm, StatusQuery
from pufa.portal.views import public_page
from pufa.surveys import selectors as survey_selectors


def _region(pk: int | None) -> demand_selectors.PublicPlace | None:
    if pk is None:
        return None
    places = demand_selectors.public_places(pk)
    return next((p for p in places if p.id == pk), None)


@public_page
def menu(request: HttpRequest) -> HttpResponse:
    query = MenuQuery.read(request.GET)
    region = _region(query["region"])
    year = timezone.localdate().year
    topics = demand_selectors.public_menu(region_id=region.id if region else None, year=year)
    return render(
        request,
        "portal/menu.html",
        {
            "region": region,
            "topics": topics,
            "streets": demand_selectors.public_places(None) if region is None else (),
        },
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def menu_order(request: HttpRequest) -> HttpResponse:
    query = MenuQuery.read(request.GET)
    region = _region(query["region"])
    if region is None:
        return redirect("portal:menu")
    topics = demand_selectors.public_menu(region_id=region.id, year=timezone.localdate().year)
    places = demand_selectors.public_places(region.id)
    initial = {"domain": query["domain"], "item": query["item"], "place": region.id}
    form = MenuOrderForm(
        request.POST or None,
        topics=topics,
        places=places,
        orderers=MenuOrder.Orderer.choices,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        address = client_ip(request) or "unknown"
        if not throttle.allow(f"menu-order:{address}", limit=settings.PUFA_MENU_ORDER_LIMIT, window=3600):
            form.add_error(None, "提交过于频繁，请稍后再试。")
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                _, token = demand_menu.order_place_public(
                    domain_id=data["domain"],
                    kind_id=data["kind"],
                    place_id=data["place"],
                    item_id=data["item"],
                    orderer=data["orderer"],
                    orderer_name=data["orderer_name"],
                    contact_phone=data["contact_phone"],
                    wish_date=data["wish_date"],
                    audience_size=data["audience_size"],
                    note=data["note"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
                status = 400
            else:
                return redirect(reverse("portal:menu-order-status", args=[token]) + "?new=1")
        else:
            status = 400
    return render(request, "portal/menu_order.html", {"form": form, "region": region}, status=status)


@login_not_required
@require_http_methods(["GET", "POST"])
def menu_order_status(request: HttpRequest, token: str) -> HttpResponse:
    order = demand_selectors.public_order(token)
    if order is None:
        raise Http404("未找到该点单")
    form = RateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                demand_menu.order_rate(
                    token=token, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, "；".join(getattr(exc, "messages", [str(exc)])))
                status = 400
            else:
                return redirect("portal:menu-order-status", token=token)
        else:
            status = 400
        order = demand_selectors.public_order(token) or order
    # 评单 and the effect survey of the delivery: the activity that delivered the order may have a feedback
    # survey (made from the activity's page); its public link is offered here, so the rating and the answers
    # about the same delivery meet on the activity's page. Here, above both apps, not in either of them.
    surveys = survey_selectors.public_surveys_of_activity(order.delivered_id) if order.delivered_id else []
    response = render(
        request,
        "portal/menu_order_status.html",
        {"order": order, "form": form, "new": StatusQuery.read(request.GET)["new"], "surveys": surveys},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # the link is the key: never sent to another site
    return response
