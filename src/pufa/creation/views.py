"""Pages of the demonstration creation: schemes and criteria, a community's live checklist, applications with
their workflow buttons, titles with their re-review history."""

from __future__ import annotations

import mimetypes
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pufa.core.forms import apply_errors
from pufa.core.workflow import available_transitions
from pufa.creation import selectors, services
from pufa.creation.forms import (
    ApplicationQuery,
    ApplyForm,
    AttestForm,
    CriterionForm,
    NoteForm,
    SchemeEditForm,
    SchemeForm,
    StepForm,
    TitleQuery,
)
from pufa.creation.models import Application, Criterion, Title
from pufa.org.access import can, require, scope
from pufa.org.models import Region


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, "creation.view")
    return redirect("creation:application-list")


@require_http_methods(["GET", "POST"])
def scheme_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "creation.view")
    form = SchemeForm(request.POST or None)
    may_manage = can(request.user, "creation.manage")
    if request.method == "POST":
        require(request.user, "creation.manage")
        region = (
            scope(Region.objects.exclude(level=Region.Level.GROUP), request.user, "creation.manage")
            .order_by("path")
            .first()
        )
        if form.is_valid() and region is not None:
            try:
                scheme = services.scheme_create(actor=request.user, region=region, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect("creation:scheme-detail", pk=scheme.pk)
    return render(
        request,
        "creation/scheme_list.html",
        {"schemes": selectors.scheme_list(actor=request.user), "form": form, "may_manage": may_manage},
    )


@require_http_methods(["GET", "POST"])
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.scheme_get(actor=request.user, pk=pk)
    may_manage = can(request.user, "creation.manage", scheme)
    form = CriterionForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "creation.manage", scheme)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.criterion_add(
                    actor=request.user,
                    scheme=scheme,
                    title=d["title"],
                    kind=d["kind"],
                    metric=d["metric"],
                    filters={"kind": d["filter_kind"]} if d["filter_kind"] else {},
                    period=d["period"],
                    compare=d["compare"],
                    threshold=d["threshold"] or Decimal(1),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "已添加指标。")
                return redirect("creation:scheme-detail", pk=scheme.pk)
    return render(
        request,
        "creation/scheme_detail.html",
        {
            "scheme": scheme,
            "criteria": scheme.criteria.all(),
            "form": form,
            "may_manage": may_manage,
            "units": selectors.applicant_units(actor=request.user).filter(region__path__startswith=scheme.region.path),
        },
    )


@require_http_methods(["GET", "POST"])
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The office edits a scheme: name, level, year and whether it is open for applications."""
    scheme = selectors.scheme_get(actor=request.user, pk=pk, action="creation.manage")
    initial = {"name": scheme.name, "level": scheme.level, "year": scheme.year, "is_active": scheme.is_active}
    form = SchemeEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_update(actor=request.user, scheme=scheme, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存创建标准。")
            return redirect("creation:scheme-detail", pk=scheme.pk)
    return render(request, "creation/scheme_edit.html", {"scheme": scheme, "form": form})


@require_POST
def criterion_remove(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = Criterion.objects.filter(pk=pk).first()  # found through its scheme, which scopes it
    scheme = selectors.scheme_get(
        actor=request.user, pk=criterion.scheme_id if criterion else 0, action="creation.manage"
    )
    assert criterion is not None  # scheme_get raised 404 otherwise
    services.criterion_remove(actor=request.user, criterion=criterion)
    messages.success(request, f"已删除指标“{criterion.title}”。")
    return redirect("creation:scheme-detail", pk=scheme.pk)


@require_GET
def attestation_file(request: HttpRequest, pk: int) -> FileResponse:
    """A community's attached file, for whoever sees its checklist (never a public media URL)."""
    attestation = selectors.attestation_get(actor=request.user, pk=pk, action="creation.view")
    name = attestation.file.name
    if not name or not default_storage.exists(name):
        raise Http404("文件不存在")
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else "bin"
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=f"创建佐证{attestation.pk}.{suffix}",
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def checklist(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    scheme = selectors.scheme_get(actor=request.user, pk=pk)
    unit = selectors.unit_get(actor=request.user, pk=unit_pk, action="creation.view")
    return render(
        request,
        "creation/checklist.html",
        {
            "scheme": scheme,
            "unit": unit,
            "lines": selectors.checklist(scheme=scheme, unit=unit),
            "may_apply": can(request.user, "creation.apply", unit),
            "attest_form": AttestForm(),
            "applications": selectors.application_list(actor=request.user).filter(scheme=scheme, unit=unit),
        },
    )


@require_POST
def attest(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    criterion = Criterion.objects.filter(pk=pk).first()  # found through its scheme, which scopes it
    scheme = selectors.scheme_get(actor=request.user, pk=criterion.scheme_id if criterion else 0)
    unit = selectors.unit_get(actor=request.user, pk=unit_pk, action="creation.apply")
    form = AttestForm(request.POST, request.FILES)
    if form.is_valid() and criterion is not None:
        upload = form.cleaned_data["file"]
        try:
            services.attest(
                actor=request.user,
                criterion=criterion,
                unit=unit,
                note=form.cleaned_data["note"],
                file=upload,
                name=upload.name if upload else "",
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已保存说明。")
    else:
        messages.error(request, "请填写说明。")
    return redirect("creation:checklist", pk=scheme.pk, unit_pk=unit.pk)


@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "creation.view")
    status = ApplicationQuery.read(request.GET)["status"]
    return render(
        request,
        "creation/application_list.html",
        {
            "applications": selectors.application_list(actor=request.user, status=status),
            "status": status,
            "statuses": Application.Status.choices,
            "titles": selectors.title_list(actor=request.user)[:50],
        },
    )


@require_POST
def application_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "creation.apply")
    posted = ApplyForm.read(request.POST)
    scheme = selectors.scheme_get(actor=request.user, pk=posted["scheme"] or 0)
    unit = selectors.unit_get(actor=request.user, pk=posted["unit"] or 0, action="creation.apply")
    try:
        application = services.application_create(actor=request.user, scheme=scheme, unit=unit)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("creation:checklist", pk=scheme.pk, unit_pk=unit.pk)
    return redirect("creation:application-detail", pk=application.pk)


@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(actor=request.user, pk=pk)
    titles = dict(application.scheme.criteria.values_list("pk", "title"))
    return render(
        request,
        "creation/application_detail.html",
        {
            "application": application,
            "lines": selectors.checklist(scheme=application.scheme, unit=application.unit),
            "sample": [titles.get(i, "") for i in application.sample],
            "moves": available_transitions(application, request.user),
            "form": NoteForm(),
            "history": selectors.history(obj=application),
        },
    )


@require_POST
def application_step(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(actor=request.user, pk=pk)
    step = StepForm.read(request.POST)
    name = step["step"]
    if name not in {t.name for t in services.APPLICATION_FLOW.transitions}:
        return redirect("creation:application-detail", pk=pk)
    try:
        services.application_transition(
            actor=request.user, application=application, name=name, note=step["note"], version=step["version"]
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已办理。")
    return redirect("creation:application-detail", pk=pk)


@require_http_methods(["GET", "POST"])
def title_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "creation.view")
    query = TitleQuery.read(request.GET)
    return render(
        request,
        "creation/title_list.html",
        {"titles": selectors.title_list(actor=request.user, status=query["status"], due=query["due"])},
    )


@require_http_methods(["GET", "POST"])
def title_detail(request: HttpRequest, pk: int) -> HttpResponse:
    title = selectors.title_get(actor=request.user, pk=pk)
    form = NoteForm(request.POST or None)
    if request.method == "POST":
        step = StepForm.read(request.POST)
        try:
            services.title_review(actor=request.user, title=title, keep=step["step"] == "keep", note=step["note"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已记录复核。")
            return redirect("creation:title-detail", pk=pk)
    return render(
        request,
        "creation/title_detail.html",
        {
            "title": title,
            "form": form,
            "moves": available_transitions(title, request.user),
            "history": selectors.history(obj=title),
            "active": title.status == Title.Status.ACTIVE,
        },
    )
