"""Pages of the plans app: thin — load through selectors, write through services.

The import is two pages: upload (or paste) → review. The proposal waits between them as the office's own
import draft (`PlanImportDraft`, its own table, not the session), keyed by a random token, so nothing
half-saved ever exists and logging in again keeps the review; the review saves in one transaction or shows
every error beside the office's corrections. Importing a plan pufa already has asks whether to update it
or save a copy; a plan whose deadlines have all passed asks for confirmation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pufa.core.filters import parse_id
from pufa.core.forms import apply_errors, paginate
from pufa.org.access import can, require
from pufa.plans import importers, metrics, selectors, services
from pufa.plans.forms import (
    REVIEW_PAGE_SIZE,
    ImportReview,
    PlanForm,
    PlanQuery,
    PlanUploadForm,
    TargetForm,
    TaskForm,
    merge_review_data,
    page_tasks,
    review_initial_data,
    review_pages,
)
from pufa.plans.models import Plan, Target, Task, TaskUnit
from pufa.plans.parsing import PlanReadError

REPEAT_CHOICE = "此规划已在平台中，请在页面底部选择“更新已有规划”或“另存为新规划”。"
PAST_CHOICE = "该规划的完成时限均已过去，请勾选页面底部的确认框后再保存。"


# ---------------------------------------------------------------- plans


def plan_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "plans.view")
    p = PlanQuery.read(request.GET)
    kind, year, q = p["kind"], p["year"], p["q"]
    page = paginate(request, selectors.plan_list(actor=request.user, kind=kind, year=year, q=q))
    context = {
        "page": page,
        "kind": kind,
        "year": year,
        "q": q,
        "kinds": Plan.Kind.choices,
        "years": selectors.plan_years(actor=request.user),
        "can_manage": can(request.user, "plans.manage"),
    }
    template = "plans/plan_list.html#rows" if request.htmx else "plans/plan_list.html"
    return render(request, template, context)


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(actor=request.user, pk=pk)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "outline": selectors.plan_outline(actor=request.user, plan=plan),
            "parent": selectors.plan_parent_visible(actor=request.user, plan=plan),
            "children": selectors.plan_children(actor=request.user, plan=plan),
            "can_manage": can(request.user, "plans.manage", plan),
        },
    )


def _plan_form(request: HttpRequest, plan: Plan | None = None, initial: dict[str, Any] | None = None) -> PlanForm:
    return PlanForm(
        request.POST or None,
        initial=initial,
        issuing_units=selectors.manageable_units(actor=request.user),
        parents=selectors.parent_choices(actor=request.user, exclude=plan),
    )


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "plans.manage")
    form = _plan_form(request, initial={"issuing_unit": selectors.default_issuing_unit(actor=request.user)})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, data=form.to_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已新建“{plan.title}”。")
            return redirect("plans:plan-detail", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "title": "新建规划计划"})


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(actor=request.user, pk=pk)
    require(request.user, "plans.manage", plan)
    initial = {
        "title": plan.title,
        "kind": plan.kind,
        "issuing_unit": plan.issuing_unit,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "parent": plan.parent,
        "source_name": plan.source_name,
    }
    form = _plan_form(request, plan, initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=request.user, plan=plan, data=form.to_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "规划已保存。")
            return redirect("plans:plan-detail", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "title": f"修改：{plan.title}", "plan": plan})


@require_POST
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(actor=request.user, pk=pk)
    try:
        services.plan_delete(actor=request.user, plan=plan)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("plans:plan-detail", pk=plan.pk)
    messages.success(request, f"“{plan.title}”已删除。")
    return redirect("plans:plan-list")


# ---------------------------------------------------------------- tasks


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(actor=request.user, pk=pk)
    return render(
        request,
        "plans/task_detail.html",
        {
            "task": task,
            "plan": task.plan,
            "due": selectors.next_due(task),
            "can_manage": can(request.user, "plans.manage", task.plan),
            "metric_labels": {m.code: m.label for m in metrics.all_metrics()},
        },
    )


def _task_form(request: HttpRequest, plan: Plan, task: Task | None) -> tuple[TaskForm, dict[int, Any], dict, dict]:
    units = list(selectors.assignable_units(actor=request.user, region=plan.issuing_unit.region))
    domains = list(selectors.domain_choices())
    audiences = list(selectors.audience_choices())
    initial: dict[str, Any] = {"deadline_kind": Task.DeadlineKind.NONE}
    if task is not None:
        initial = {
            "section": task.section,
            "title": task.title,
            "text": task.text,
            "deadline_kind": task.deadline_kind,
            "deadline": task.deadline,
            "recurrence": task.recurrence,
            "deadline_text": task.deadline_text,
            "domains": [d.pk for d in task.domains.all()],
            "audiences": [a.pk for a in task.audiences.all()],
        }
        for role in TaskUnit.Role.values:
            initial[role] = [tu.unit_id for tu in task.task_units.all() if tu.role == role]
    form = TaskForm(
        request.POST or None,
        initial=initial,
        units=units,
        domains=domains,
        audiences=audiences,
        unresolved=list(task.unresolved_units) if task is not None else [],
    )
    return form, {u.pk: u for u in units}, {d.pk: d for d in domains}, {a.pk: a for a in audiences}


def _save_task(request: HttpRequest, form: TaskForm, plan: Plan, task: Task | None, lookups: tuple) -> Task:
    units, domains, audiences = lookups
    selection, unresolved = form.unit_selection(units)
    data = form.to_data(domains=domains, audiences=audiences, path=list(task.path) if task else [])
    if task is None:
        task = services.task_create(actor=request.user, plan=plan, data=data)
    else:
        task = services.task_update(actor=request.user, task=task, data=data)
    written = {(tu.role, tu.unit_id): tu.written_name for tu in task.task_units.all()}
    services.task_units_set(actor=request.user, task=task, units=selection, unresolved=unresolved, written=written)
    return task


@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(actor=request.user, pk=pk)
    require(request.user, "plans.manage", plan)
    form, units, domains, audiences = _task_form(request, plan, None)
    if request.method == "POST" and form.is_valid():
        try:
            task = _save_task(request, form, plan, None, (units, domains, audiences))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "任务已添加。")
            return redirect("plans:task-detail", pk=task.pk)
    return render(request, "plans/task_form.html", {"form": form, "plan": plan, "title": "添加任务"})


@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(actor=request.user, pk=pk)
    require(request.user, "plans.manage", task.plan)
    form, units, domains, audiences = _task_form(request, task.plan, task)
    if request.method == "POST" and form.is_valid():
        try:
            _save_task(request, form, task.plan, task, (units, domains, audiences))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "任务已保存。")
            return redirect("plans:task-detail", pk=task.pk)
    return render(request, "plans/task_form.html", {"form": form, "plan": task.plan, "task": task, "title": "修改任务"})


@require_POST
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(actor=request.user, pk=pk)
    services.task_delete(actor=request.user, task=task)
    messages.success(request, f"任务“{task.title}”已删除。")
    return redirect("plans:plan-detail", pk=task.plan_id)


# ---------------------------------------------------------------- targets


def _target_page(request: HttpRequest, task: Task, target: Target | None) -> HttpResponse:
    require(request.user, "plans.manage", task.plan)
    units = selectors.assignable_units(actor=request.user, region=task.plan.issuing_unit.region)
    initial: dict[str, Any] = {"period": Target.Period.YEAR, "scope": Target.Scope.RESPONSIBLE}
    if target is not None:
        initial = {
            "metric": target.metric,
            "scope": target.scope,
            "scope_kind": target.scope_kind,
            "scope_unit": target.scope_unit,
            "period": target.period,
            "threshold": target.threshold,
            "measure": target.measure,
            "due": target.due,
            "text": target.text,
            **{f"filter_{name}": values for name, values in (target.filters or {}).items()},
        }
    if request.method == "GET" and request.htmx and "metric" in request.GET:
        form = TargetForm(initial=initial, units=units, metric_code=request.GET["metric"])
        return render(request, "plans/target_form.html#filters", {"form": form})
    form = TargetForm(request.POST or None, initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            if target is None:
                services.target_create(actor=request.user, task=task, data=form.to_data())
            else:
                services.target_update(actor=request.user, target=target, data=form.to_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "量化指标已保存。")
            return redirect("plans:task-detail", pk=task.pk)
    return render(
        request,
        "plans/target_form.html",
        {"form": form, "task": task, "target": target, "has_metrics": bool(metrics.all_metrics())},
    )


@require_http_methods(["GET", "POST"])
def target_create(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(actor=request.user, pk=pk)
    return _target_page(request, task, None)


@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.target_get(actor=request.user, pk=pk)
    return _target_page(request, target.task, target)


@require_POST
def target_delete(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.target_get(actor=request.user, pk=pk)
    task_id = target.task_id
    services.target_delete(actor=request.user, target=target)
    messages.success(request, "量化指标已删除。")
    return redirect("plans:task-detail", pk=task_id)


# ---------------------------------------------------------------- import


@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest) -> HttpResponse:
    """Step 1: upload a .docx/.txt or paste the text; the parser proposes, nothing is saved.

    The proposal (with the review's initial data) waits as the user's import draft under a random token;
    the review page reads it from there, so a half-saved plan never exists."""
    require(request.user, "plans.manage")
    issuing_units = selectors.manageable_units(actor=request.user)
    form = PlanUploadForm(
        request.POST or None, request.FILES or None, issuing_units=issuing_units, initial={"issuing_unit": None}
    )
    if request.method == "GET":
        default = selectors.default_issuing_unit(actor=request.user)
        form.initial["issuing_unit"] = default.pk if default else None
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["issuing_unit"]
        upload = form.cleaned_data["file"]
        try:
            if upload is not None:
                lines = importers.read_upload(upload.read(), upload.name)
                source_name = upload.name
            else:
                lines = importers.read_pasted(form.cleaned_data["text"])
                source_name = importers.PASTED_NAME
            proposal = importers.propose(
                lines=lines,
                source_name=source_name,
                issuing_unit=unit,
                units=selectors.assignable_units(actor=request.user, region=unit.region),
                domains=selectors.domain_choices(),
                audiences=selectors.audience_choices(),
            )
        except PlanReadError as exc:
            form.add_error("file" if upload is not None else "text", str(exc))
        else:
            if not proposal["tasks"]:
                form.add_error(None, importers.NO_TASKS)
            else:
                proposal["data"] = review_initial_data(proposal)
                try:
                    draft = services.plan_import_draft_create(actor=request.user, payload=proposal)
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    return redirect("plans:plan-import-review", token=draft.token)
    return render(request, "plans/plan_import.html", {"form": form})


def _page(value: str | None, pages: int) -> int:
    """The review page asked for, clamped to the pages there are; anything that is not a page number is 1."""
    number = parse_id(value or "")
    return min(max(number, 1), pages) if number is not None else 1


@require_http_methods(["GET", "POST"])
def plan_import_review(request: HttpRequest, token: str) -> HttpResponse:
    """Step 2: the proposal as an editable form, REVIEW_PAGE_SIZE tasks a page; every POST keeps the page's
    edits in the import draft, "保存导入" validates all pages and saves in one transaction."""
    require(request.user, "plans.manage")
    draft = selectors.import_draft_get(actor=request.user, token=token)
    if draft is None:
        messages.error(request, "导入内容已过期或不存在，请重新上传文件。")
        return redirect("plans:plan-import")
    proposal = draft.payload
    issuing_units = selectors.manageable_units(actor=request.user)
    issuing = issuing_units.filter(pk=proposal["issuing_unit"]).select_related("region").first()
    if issuing is None:
        messages.error(request, "您已无权以该单位导入规划，请重新上传。")
        return redirect("plans:plan-import")
    url = reverse("plans:plan-import-review", kwargs={"token": token})
    task_count = len(proposal["tasks"])
    pages = review_pages(task_count)
    stored = proposal.setdefault("data", review_initial_data(proposal))
    page = _page(request.POST.get("page") or request.GET.get("page"), pages)
    go = request.POST.get("go", "save")
    if request.method == "POST":
        merge_review_data(stored, request.POST, page_tasks(page, task_count))
        services.plan_import_draft_update(actor=request.user, draft=draft, payload=proposal)
        if go != "save":
            return redirect(f"{url}?page={_page(go, pages)}")
    data = QueryDict(mutable=True)
    for key, values in stored.items():
        data.setlist(key, values)
    units = list(selectors.assignable_units(actor=request.user, region=issuing.region))
    review = ImportReview(
        proposal,
        data,
        issuing_units=issuing_units,
        parents=selectors.parent_choices(actor=request.user),
        units=units,
        domains=list(selectors.domain_choices()),
        audiences=list(selectors.audience_choices()),
    )
    error_pages: list[int] = []
    repeats = selectors.import_repeats(
        actor=request.user,
        source_text=proposal.get("source_text", ""),
        title=(stored.get("plan-title") or [proposal["title"]])[0],
        issuing_unit_id=issuing.pk,
        period=(dt.date.fromisoformat(proposal["period_start"]), dt.date.fromisoformat(proposal["period_end"])),
    )
    past = importers.all_deadlines_past(proposal, timezone.localdate())
    import_as = request.POST.get("import_as", "")
    if request.method == "POST":
        if review.is_valid():
            issuing_unit, plan_proposal = review.to_proposal()
            repeats = selectors.import_repeats(
                actor=request.user,
                source_text=plan_proposal.source_text,
                title=plan_proposal.title,
                issuing_unit_id=issuing_unit.pk,
                period=(plan_proposal.period_start, plan_proposal.period_end),
            )
            past = importers.proposal_past(plan_proposal, timezone.localdate())
            into = next((p for p in repeats if import_as == f"update-{p.pk}"), None)
            if repeats and into is None and import_as != "new":
                review.plan_form.add_error(None, REPEAT_CHOICE)
            elif past and not request.POST.get("confirm_past"):
                review.plan_form.add_error(None, PAST_CHOICE)
            else:
                try:
                    result = services.plan_import_save(
                        actor=request.user, issuing_unit=issuing_unit, proposal=plan_proposal, into=into
                    )
                except ValidationError as exc:
                    apply_errors(review.plan_form, exc)
                else:
                    services.plan_import_draft_delete(actor=request.user, draft=draft)
                    done = "已更新" if into is not None else "已导入"
                    kept = f"（已有任务{result.skipped}项保持不变）" if into is not None else ""
                    messages.success(
                        request,
                        f"{done}“{result.plan.title}”：新增任务{result.tasks}项{kept}，任务单位{result.task_units}个，"
                        f"未匹配单位名称{result.unresolved}个，量化指标{result.targets}项。",
                    )
                    for warning in result.warnings:
                        messages.warning(request, warning)
                    return redirect("plans:plan-detail", pk=result.plan.pk)
        error_pages = review.pages_with_errors()
        if error_pages and page not in error_pages:
            page = error_pages[0]
    first = (page - 1) * REVIEW_PAGE_SIZE
    return render(
        request,
        "plans/plan_import_review.html",
        {
            "review": review,
            "task_forms": review.page_forms(page),
            "proposal": proposal,
            "issuing": issuing,
            "counts": importers.summary_counts(proposal),
            "metric_missing": services.import_metric() is None and any(entry["targets"] for entry in proposal["tasks"]),
            "no_metric_warning": services.NO_METRIC_WARNING,
            "action": url,
            "page": page,
            "pages": pages,
            "page_numbers": range(1, pages + 1),
            "first_task": first + 1,
            "last_task": min(task_count, first + REVIEW_PAGE_SIZE),
            "show_errors": request.method == "POST",
            "error_pages": error_pages,
            "repeats": repeats,
            "past": past,
            "import_as": import_as,
            "import_as_pk": import_as.removeprefix("update-"),
        },
    )
