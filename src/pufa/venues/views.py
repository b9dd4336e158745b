"""Venue pages: list with filters, detail with upkeep, add/edit on a phone, coverage per street, the offline
map, kinds and map boundaries. Views parse and render; selectors read, services write."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pufa.core.forms import apply_errors, paginate
from pufa.ledger import selectors as ledger_selectors
from pufa.ledger.models import Activity
from pufa.org import selectors as org_selectors
from pufa.org.access import acting_unit_ids, can, require, scope, visible_or_404
from pufa.org.models import Region, Unit
from pufa.venues import exports, importers, selectors, services
from pufa.venues.forms import (
    BoundaryForm,
    CoverageQuery,
    ImportForm,
    KindForm,
    MapQuery,
    PhotoForm,
    UpkeepForm,
    UseQuery,
    VenueChoice,
    VenueForm,
    VenueQuery,
)
from pufa.venues.models import MapBoundary, Venue


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, "venues.view")
    return redirect("venues:venue-list")


def _list_filters(request: HttpRequest) -> dict[str, Any]:
    """The venue list's filters from its query string; the region and unit named are looked up within the
    actor's scope, so an id outside it filters to nothing and shows no name."""
    query = VenueQuery.read(request.GET)
    return {
        "region": selectors.filter_region(actor=request.user, pk=query["region"]),
        "unit": selectors.filter_unit(actor=request.user, pk=query["unit"]),
        "kinds": query["kind"],
        "level": query["level"],
        "status": query["status"],
        "as_of": query["as_of"],
        "boards": query["boards"],
        "stale": query["stale"],
        "q": query["q"].strip(),
        "unknown": (query["region"] is not None) or (query["unit"] is not None),
    }


@require_GET
def venue_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "venues.view")
    filters = _list_filters(request)
    venues = selectors.venue_list(actor=request.user, **_selector_filters(filters))
    page = paginate(request, venues)
    return render(
        request,
        "venues/venue_list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": selectors.kind_list(),
            "levels": Venue.Level.choices,
            "statuses": Venue.Status.choices,
            "stale_before": selectors.month_before(timezone.localdate()),
            "may_edit": can(request.user, "venues.edit"),
            "may_manage": can(request.user, "venues.manage"),
            "query": request.GET.urlencode(),
        },
    )


def _selector_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """The selector's arguments: a region or unit asked for but not visible matches no venue."""
    args = {k: v for k, v in filters.items() if k != "unknown"}
    args["none"] = filters["unknown"] and filters["region"] is None and filters["unit"] is None
    return args


@require_GET
def venue_export(request: HttpRequest) -> HttpResponseBase:
    """The list as filtered, as .xlsx in the import layout (re-importing it updates the same venues)."""
    require(request.user, "venues.view")
    venues = selectors.venue_list(actor=request.user, last_update=False, **_selector_filters(_list_filters(request)))
    if venues.count() > exports.MAX_ROWS:
        messages.error(request, f"筛选结果超过 {exports.MAX_ROWS} 个阵地，请缩小范围后再导出。")
        return redirect(f"{reverse('venues:venue-list')}?{request.GET.urlencode()}")
    return FileResponse(exports.export_workbook(venues=venues), as_attachment=True, filename=exports.export_filename())


@require_http_methods(["GET", "POST"])
def venue_import(request: HttpRequest) -> HttpResponse:
    require(request.user, "venues.edit")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = importers.venue_import(actor=request.user, file=form.cleaned_data["file"])
        if result.ok:
            messages.success(
                request,
                f"导入完成：新增 {result.created} 个阵地，更新 {result.updated} 个，{result.unchanged} 个未变。",
            )
            return redirect("venues:venue-list")
    return render(request, "venues/venue_import.html", {"form": form, "result": result, "columns": exports.COLUMNS})


@require_GET
def import_template(request: HttpRequest) -> HttpResponseBase:
    require(request.user, "venues.edit")
    return FileResponse(exports.template_workbook(), as_attachment=True, filename="法治文化阵地导入模板.xlsx")


@require_http_methods(["GET", "POST"])
def venue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    venue = selectors.venue_get(actor=request.user, pk=pk)
    may_edit = can(request.user, "venues.edit", venue) and venue.deleted_at is None
    form = UpkeepForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "venues.edit", venue)
        if form.is_valid():
            try:
                services.upkeep_record(actor=request.user, venue=venue, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "已登记维护记录。")
                return redirect("venues:venue-detail", pk=venue.pk)
    today = timezone.localdate()
    stale = (
        venue.kind.is_board
        and venue.open_on(today)
        and venue.last_update is not None  # type: ignore[attr-defined]
        and venue.last_update <= selectors.month_before(today)  # type: ignore[attr-defined]
    )
    return render(
        request,
        "venues/venue_detail.html",
        {
            "venue": venue,
            "upkeeps": selectors.venue_upkeeps(venue=venue),
            "activities": selectors.venue_activities(venue=venue),
            "form": form,
            "photos": venue.photos.all(),
            "photo_form": PhotoForm(),
            "may_edit": may_edit,
            "stale": stale,
        },
    )


def _venue_form(request: HttpRequest, venue: Venue | None) -> HttpResponse:
    require(request.user, "venues.edit", venue)
    units = selectors.editable_units(actor=request.user)
    regions = selectors.editable_regions(actor=request.user)
    if venue is not None:  # a venue's own unit and region stay choosable even if outside the actor's defaults
        units = Unit.objects.filter(pk__in=[*units.values_list("pk", flat=True), venue.unit_id]).order_by("path")
        regions = Region.objects.filter(pk__in=[*regions.values_list("pk", flat=True), venue.region_id]).order_by(
            "path"
        )
    initial = VenueForm.initial_for(venue) if venue is not None else None
    form = VenueForm(request.POST or None, units=units, regions=regions, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if venue is None:
                venue = services.venue_create(actor=request.user, data=form.data_object())
                messages.success(request, f"已添加阵地“{venue.name}”。")
            else:
                services.venue_update(
                    actor=request.user, venue=venue, data=form.data_object(), version=form.cleaned_data["version"]
                )
                messages.success(request, "已保存。")
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("venues:venue-detail", pk=venue.pk)
    return render(
        request, "venues/venue_form.html", {"form": form, "venue": venue, "title": "修改阵地" if venue else "添加阵地"}
    )


@require_http_methods(["GET", "POST"])
def venue_create(request: HttpRequest) -> HttpResponse:
    return _venue_form(request, None)


@require_http_methods(["GET", "POST"])
def venue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _venue_form(request, selectors.venue_get(actor=request.user, pk=pk, action="venues.edit"))


@require_POST
def venue_delete(request: HttpRequest, pk: int) -> HttpResponse:
    venue = selectors.venue_get(actor=request.user, pk=pk, action="venues.edit")
    services.venue_delete(actor=request.user, venue=venue)
    messages.success(request, f"已删除阵地“{venue.name}”。")
    return redirect("venues:venue-list")


@require_POST
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    venue = selectors.venue_get(actor=request.user, pk=pk, action="venues.edit")
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("venues:venue-detail", pk=venue.pk)
    upload = form.cleaned_data["photo"]
    try:
        services.photo_add(actor=request.user, venue=venue, upload=upload, name=upload.name)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已上传照片。")
    return redirect("venues:venue-detail", pk=venue.pk)


def _serve_photo(name: str, inline_name: str) -> FileResponse:
    if not name or not default_storage.exists(name):
        raise Http404("文件不存在")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type, filename=inline_name)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
def photo_file(request: HttpRequest, pk: int) -> FileResponse:
    photo = selectors.photo_get(actor=request.user, pk=pk)
    return _serve_photo(
        photo.file.name,
        f"阵地照片{photo.pk}{mimetypes.guess_extension(mimetypes.guess_type(photo.file.name)[0] or '') or ''}",
    )


@require_GET
def photo_thumb(request: HttpRequest, pk: int) -> FileResponse:
    photo = selectors.photo_get(actor=request.user, pk=pk)
    return _serve_photo(photo.thumbnail.name, f"阵地照片{photo.pk}.jpg")


@require_POST
def photo_delete(request: HttpRequest, pk: int) -> HttpResponse:
    photo = selectors.photo_get(actor=request.user, pk=pk, action="venues.edit")
    services.photo_delete(actor=request.user, photo=photo)
    messages.success(request, "已删除照片。")
    return redirect("venues:venue-detail", pk=photo.venue_id)


@require_POST
def upkeep_delete(request: HttpRequest, pk: int) -> HttpResponse:
    upkeep = selectors.upkeep_get(actor=request.user, pk=pk, action="venues.edit")
    venue_pk = upkeep.venue_id
    services.upkeep_delete(actor=request.user, upkeep=upkeep)
    messages.success(request, "已删除维护记录。")
    return redirect("venues:venue-detail", pk=venue_pk)


@require_GET
def use_list(request: HttpRequest) -> HttpResponse:
    """The activities held at venues behind a `venues.activities` figure (without a unit: the first unit the
    user acts for, so the bare URL shows one's own figure's records)."""
    require(request.user, "venues.view")
    query = UseQuery.read(request.GET)
    unit_id = query["unit"]
    if unit_id is None:
        own = acting_unit_ids(request.user, "venues.view")
        if not own:
            raise Http404("未找到该单位")
        unit_id = own[0]
    unit = visible_or_404(Unit.objects.all(), request.user, action="venues.view", pk=unit_id)
    start, end, kinds = query["start"], query["end"] or timezone.localdate(), query["kind"]
    activities = selectors.use_list(actor=request.user, unit=unit, start=start, end=end, kinds=kinds)
    return render(
        request,
        "venues/use_list.html",
        {"unit": unit, "start": start, "end": end, "page": paginate(request, activities)},
    )


# ---------------------------------------------------------------- coverage and map


@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    require(request.user, "venues.view")
    query = CoverageQuery.read(request.GET)
    streets = list(selectors.streets(actor=request.user))
    street = next((s for s in streets if s.pk == query["street"]), streets[0] if streets else None)
    day = query["as_of"] or timezone.localdate()
    rows = selectors.coverage(actor=request.user, street=street, day=day) if street else []
    return render(
        request,
        "venues/coverage.html",
        {
            "streets": streets,
            "street": street,
            "day": day,
            "rows": rows,
            "kinds": selectors.kind_list(),
            "gaps": sum(1 for r in rows if r.missing),
        },
    )


@require_GET
def coverage_rollup(request: HttpRequest) -> HttpResponse:
    """The district's (or city's) roll-up: per street, how many communities lack a required kind."""
    require(request.user, "venues.view")
    day = CoverageQuery.read(request.GET)["as_of"] or timezone.localdate()
    rows = selectors.coverage_rollup(actor=request.user, day=day)
    required = [k.name for k in selectors.kind_list().filter(required_per_community=True)]
    return render(
        request,
        "venues/coverage_rollup.html",
        {
            "rows": rows,
            "day": day,
            "required": required,
            "totals": {
                "communities": sum(r.communities for r in rows),
                "with_gaps": sum(r.with_gaps for r in rows),
                "venues": sum(r.venues for r in rows),
                "stale_boards": sum(r.stale_boards for r in rows),
            },
        },
    )


#: Rows of the list under the map (the map itself draws every point, from `map_data`).
MAP_LIST_ROWS = 200


@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "venues.view")
    region = selectors.filter_region(actor=request.user, pk=MapQuery.read(request.GET)["region"])
    boundary = selectors.boundary_for(region=region) if region else None
    if boundary is None:
        visible = org_selectors.region_list(actor=request.user).order_by("path").first()
        boundary = selectors.boundary_for(region=visible) if visible else None
    points = selectors.map_points(actor=request.user, region=region, limit=MAP_LIST_ROWS)
    data_url = reverse("venues:map-data") + (f"?region={region.pk}" if region else "")
    return render(
        request,
        "venues/map.html",
        {"boundary": boundary, "points": points, "data_url": data_url, "region": region},
    )


@require_GET
def map_data(request: HttpRequest) -> JsonResponse:
    """The map's data: the outline (if any) and the visible venues with coordinates, as compact rows."""
    require(request.user, "venues.view")
    region = selectors.filter_region(actor=request.user, pk=MapQuery.read(request.GET)["region"])
    boundary = selectors.boundary_for(region=region) if region else None
    if boundary is None:
        visible = org_selectors.region_list(actor=request.user).order_by("path").first()
        boundary = selectors.boundary_for(region=visible) if visible else None
    return JsonResponse(
        {
            "name": f"b{boundary.pk}" if boundary else "",
            "geojson": boundary.geojson if boundary else None,
            **selectors.map_rows(actor=request.user, region=region),
        },
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


@require_http_methods(["GET", "POST"])
def boundary_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "venues.manage")
    regions = (
        org_selectors.region_list(actor=request.user, action="venues.manage")
        .exclude(level=Region.Level.GROUP)
        .order_by("path")
    )
    form = BoundaryForm(request.POST or None, request.FILES or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            services.boundary_upload(actor=request.user, region=form.cleaned_data["region"], raw=form.raw())
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            messages.success(request, "已上传地图边界。")
            return redirect("venues:boundary-list")
    boundaries = scope(MapBoundary.objects.select_related("region", "uploaded_by"), request.user).order_by(
        "region__path"
    )
    return render(request, "venues/boundary_list.html", {"form": form, "boundaries": boundaries})


@require_POST
def boundary_portal(request: HttpRequest, pk: int) -> HttpResponse:
    boundary = selectors.boundary_get(actor=request.user, pk=pk, action="venues.manage")
    show = request.POST.get("show") == "1"
    services.boundary_set_portal(actor=request.user, boundary=boundary, show=show)
    messages.success(request, "公众门户将显示阵地地图。" if show else "公众门户只显示阵地列表。")
    return redirect("venues:boundary-list")


@require_http_methods(["GET", "POST"])
def kind_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "venues.view")
    may_manage = can(request.user, "venues.manage")
    form = KindForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "venues.manage")
        if form.is_valid():
            try:
                services.kind_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "已添加阵地类型。")
                return redirect("venues:kind-list")
    return render(
        request,
        "venues/kind_list.html",
        {"kinds": selectors.kind_list(active_only=False), "form": form, "may_manage": may_manage},
    )


# ---------------------------------------------------------------- the section on a ledger activity's page


def activity_section(request: HttpRequest, activity: Activity) -> dict[str, Any] | None:
    """Where the activity took place (pufa.ledger.extensions): shown to whoever sees venues."""
    if not can(request.user, "venues.view"):
        return None
    may_set = can(request.user, "ledger.record", activity.unit) and activity.deleted_at is None
    return {
        "activity": activity,
        "venue": selectors.activity_venue(activity=activity),
        "choices": selectors.activity_venue_choices(actor=request.user, activity=activity) if may_set else [],
        "may_set": may_set,
    }


@require_POST
def activity_venue(request: HttpRequest, pk: int) -> HttpResponse:
    activity = ledger_selectors.activity_get(actor=request.user, pk=pk)
    venue_id = VenueChoice.read(request.POST)["venue"]
    venue = None
    if venue_id is not None:
        venue = selectors.venue_get(actor=request.user, pk=venue_id, action="venues.view")
    services.activity_venue_set(actor=request.user, activity=activity, venue=venue)
    messages.success(request, f"活动所在阵地：{venue.name if venue else '无'}。")
    return redirect("ledger:activity-detail", pk=activity.pk)
