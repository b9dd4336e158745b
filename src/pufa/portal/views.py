"""The public portal (公众门户): published responsibility lists, announced activities in a calendar, the laws each
unit enforces, and a search. No login; every view opts out of LoginRequiredMiddleware explicitly and reads
only through portal.selectors, whose base is the published lists."""

from __future__ import annotations

import calendar as pycal
import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from pufa.portal import selectors


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No login, GET only, and the rendered page cached under the public version (see selectors.page_key): a
    page seen once since the last publish is served without a query. Only successful pages are kept."""

    @login_not_required
    @require_safe
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = selectors.page_key(request.get_full_path(), partial=bool(request.htmx))
        content = cache.get(key)
        if content is not None:
            return HttpResponse(content)
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            cache.set(key, response.content, selectors.CACHE_SECONDS)
        return response

    return wrapper


def _int(request: HttpRequest, name: str, default: int | None = None, low: int = 1, high: int = 10**9) -> int | None:
    raw = request.GET.get(name, "")
    if raw.isdigit() and low <= int(raw) <= high:
        return int(raw)
    return default


def _year(request: HttpRequest) -> int:
    return _int(request, "year", low=2000, high=2100) or selectors.default_year()


def _region_or_none(request: HttpRequest) -> selectors.PublicRegion | None:
    pk = _int(request, "region")
    if pk is None:
        return None
    try:
        return selectors.region_get(pk)
    except Http404:
        return None


@public_page
def index(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    return render(
        request,
        "portal/index.html",
        {
            "year": year,
            "years": selectors.published_years(),
            "regions": selectors.child_regions(region=None, year=year),
            "upcoming": selectors.upcoming(region=None),
            "choices": selectors.search_choices(),
        },
    )


@public_page
def region(request: HttpRequest, pk: int) -> HttpResponse:
    place = selectors.region_get(pk)
    year = _year(request)
    q, kind = request.GET.get("q", "").strip()[:50], request.GET.get("kind", "")
    page = selectors.region_lists(region=place, year=year, q=q, kind=kind, page=_int(request, "page", 1) or 1)
    context = {
        "region": place,
        "year": year,
        "years": selectors.published_years(),
        "q": q,
        "kind": kind,
        "page": page,
        "choices": selectors.search_choices(),
    }
    if request.htmx:
        return render(request, "portal/region.html#rows", context)
    context.update(
        breadcrumb=selectors.region_breadcrumb(place),
        children=selectors.child_regions(region=place, year=year),
        stats=selectors.region_stats(region=place, year=year),
        upcoming=selectors.upcoming(region=place),
    )
    return render(request, "portal/region.html", context)


@public_page
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    public = selectors.list_get(pk)
    return render(request, "portal/list_detail.html", {"list": public, "summary": public.summary})


@public_page
def unit_laws(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "portal/unit_laws.html", {"unit": selectors.unit_laws(pk)})


@public_page
def calendar(request: HttpRequest) -> HttpResponse:
    """活动日历: a month grid on wide screens, the same month as a list on a phone."""
    today = timezone.localdate()
    year = _int(request, "year", today.year, low=2000, high=2100) or today.year
    month = _int(request, "month", today.month, low=1, high=12) or today.month
    place = _region_or_none(request)
    day = _int(request, "day", low=1, high=31)
    chosen = dt.date(year, month, day) if day and day <= pycal.monthrange(year, month)[1] else None
    context = {
        "region": place,
        "month": selectors.calendar_month(region=place, year=year, month=month),
        "page": selectors.month_list(
            region=place, year=year, month=month, page=_int(request, "page", 1) or 1, day=chosen
        ),
        "today": today,
        "day": chosen,
    }
    if request.htmx:
        return render(request, "portal/calendar.html#month-list", context)
    context["places"] = selectors.place_regions()
    return render(request, "portal/calendar.html", context)


@public_page
def search(request: HttpRequest) -> HttpResponse:
    """查询: announced activities and published lists by law, domain, audience, place and words."""
    query = selectors.SearchQuery(
        q=request.GET.get("q", "").strip()[:50],
        law=_int(request, "law"),
        domain=_int(request, "domain"),
        audience=_int(request, "audience"),
        region=_int(request, "region"),
        year=_int(request, "year", low=2000, high=2100),
        page=_int(request, "page", 1) or 1,
    )
    context = {"query": query, "result": selectors.search(query)}
    if request.htmx:
        return render(request, "portal/search.html#results", context)
    context.update(
        choices=selectors.search_choices(), places=selectors.place_regions(), years=selectors.published_years()
    )
    return render(request, "portal/search.html", context)


# ---------------------------------------------------------------- 以案释法案例库 (published, desensitised cases)
# Not cached under the duties public version (publishing a case does not move it): read live, GET only.


@login_not_required
@require_safe
def case_library(request: HttpRequest) -> HttpResponse:
    from pufa.cases import selectors as case_selectors

    q = request.GET.get("q", "").strip()[:100]
    case_type = request.GET.get("case_type", "")
    domain = request.GET.get("domain", "")[:50]
    law = _int(request, "law")
    page = case_selectors.public_search(
        q=q, domain=domain, law=law, case_type=case_type, page=_int(request, "page", default=1) or 1
    )
    return render(
        request,
        "portal/case_library.html",
        {
            "page": page,
            "q": q,
            "case_type": case_type,
            "domain": domain,
            "law": law,
            **case_selectors.public_filter_choices(),
        },
    )


@login_not_required
@require_safe
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from pufa.cases import selectors as case_selectors

    template = "portal/case_print.html" if request.GET.get("print") == "1" else "portal/case_detail.html"
    return render(request, template, {"case": case_selectors.public_case_get(pk)})
