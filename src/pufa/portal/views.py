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
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from pufa.core.forms import paginate
from pufa.creation import selectors as creation_selectors
from pufa.portal import forms, selectors
from pufa.venues import selectors as venue_selectors


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


def _year(request: HttpRequest) -> int:
    return forms.YearQuery.read(request.GET)["year"] or selectors.default_year()


def _region_or_none(pk: int | None) -> selectors.PublicRegion | None:
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
    p = forms.RegionQuery.read(request.GET)
    year, q, kind = p["year"] or selectors.default_year(), p["q"], p["kind"]
    page = selectors.region_lists(region=place, year=year, q=q, kind=kind, page=p["page"] or 1)
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
    p = forms.CalendarQuery.read(request.GET)
    year, month, day = p["year"] or today.year, p["month"] or today.month, p["day"]
    place = _region_or_none(p["region"])
    chosen = dt.date(year, month, day) if day and day <= pycal.monthrange(year, month)[1] else None
    context = {
        "region": place,
        "month": selectors.calendar_month(region=place, year=year, month=month),
        "page": selectors.month_list(region=place, year=year, month=month, page=p["page"] or 1, day=chosen),
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
    p = forms.SearchQuery.read(request.GET)
    query = selectors.SearchQuery(
        q=p["q"],
        law=p["law"],
        domain=p["domain"],
        audience=p["audience"],
        region=p["region"],
        year=p["year"],
        page=p["page"] or 1,
    )
    context = {"query": query, "result": selectors.search(query)}
    if request.htmx:
        return render(request, "portal/search.html#results", context)
    context.update(
        choices=selectors.search_choices(), places=selectors.place_regions(), years=selectors.published_years()
    )
    return render(request, "portal/search.html", context)


# ---------------------------------------------------------------- 法治文化阵地 (through the venues' public boundary)


@login_not_required
@require_safe
def venues(request: HttpRequest) -> HttpResponse:
    """Open venues with their opening hours, the map only where the office switched it on (审图号), and the named
    demonstration communities (titles in force). Not cached under the duties' version: a venue closed, a map
    switched off or a title revoked leaves the page at once."""
    public_map = venue_selectors.public_map()
    return render(
        request,
        "portal/venues.html",
        {
            "page": paginate(request, venue_selectors.PublicVenues(), per_page=50),
            "show_map": public_map is not None,
            "titles": creation_selectors.public_titles(),
        },
    )


@login_not_required
@require_safe
def venues_map(request: HttpRequest) -> JsonResponse:
    public_map = venue_selectors.public_map()
    if public_map is None:
        raise Http404("地图未开放")
    return JsonResponse(public_map)


# ---------------------------------------------------------------- 队伍公示 (through the rosters' public boundary)


@login_not_required
@require_safe
def people(request: HttpRequest) -> HttpResponse:
    """Each community's 法律明白人, legal adviser and volunteers as on its notice board: name, masked phone,
    team — public columns only (people.selectors.PublicRoster). Read live: a retirement leaves it at once."""
    from pufa.people import selectors as people_selectors

    return render(
        request, "portal/people.html", {"page": paginate(request, people_selectors.PublicRoster(), per_page=50)}
    )


# ---------------------------------------------------------------- 以案释法案例库 (published, desensitised cases)
# Not cached under the duties public version (publishing a case does not move it): read live, GET only.


@login_not_required
@require_safe
def case_library(request: HttpRequest) -> HttpResponse:
    from pufa.cases import selectors as case_selectors

    p = forms.CaseQuery.read(request.GET)
    q, case_type, domain, law = p["q"].strip(), p["case_type"], p["domain"], p["law"]
    page = case_selectors.public_search(q=q, domain=domain, law=law, case_type=case_type, page=p["page"] or 1)
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

    template = "portal/case_print.html" if forms.CaseQuery.read(request.GET)["print"] else "portal/case_detail.html"
    return render(request, template, {"case": case_selectors.public_case_get(pk)})
