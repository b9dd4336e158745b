"""Pages of the assessment app: schemes (import from a scoring table with a review step, item configuration,
publication, scoring run), a unit's live self-assessment, spot-check draws with their verification, an
inspector's phone page for findings, and the ranking by peer group."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pufa.assessment import draws, parsing, scoring, selectors, services, statements
from pufa.assessment.forms import (
    AppealForm,
    DecideForm,
    DrawForm,
    FindingForm,
    ImportForm,
    IndexQuery,
    ItemForm,
    NoteForm,
    RankingQuery,
    ReviewHead,
    StepForm,
    posted_bands,
    reviewed_rows,
)
from pufa.assessment.models import Item, Scheme, SelfAssessment
from pufa.core.filters import parse_id
from pufa.core.workflow import available_transitions
from pufa.org.access import can, require, scope
from pufa.org.models import Region


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


#: What each 待办 list of the index page shows, as its heading.
TODO_TITLES = {
    "appeals": "待处理的考核申诉",
    "release": "申诉期已满、结果待公布的考核方案",
    "self": "待提交的考核自评",
}


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The schemes; or, from a home-page 待办 line, exactly the records it counts."""
    require(request.user, "assessment.view")
    query = IndexQuery.read(request.GET)
    year, todo = query["year"], query["todo"]
    context: dict[str, Any] = {"may_manage": can(request.user, "assessment.manage"), "year": year, "todo": todo}
    if todo == "appeals":
        rows = selectors.pending_appeals(actor=request.user)
        context.update(appeals=rows[: selectors.TODO_ROWS], count=rows.count())
    elif todo == "self":
        due = selectors.self_due(actor=request.user)
        context.update(due=due, count=len(due))
    else:
        schemes = (
            selectors.release_ready(actor=request.user)
            if todo == "release"
            else selectors.scheme_list(actor=request.user)
        )
        if year:
            schemes = schemes.filter(year=year)
        context.update(schemes=schemes, count=schemes.count())
    context["todo_title"] = TODO_TITLES.get(todo or "", "")
    return render(request, "assessment/index.html", context)


def _office_region(request: HttpRequest) -> Region | None:
    return (
        scope(Region.objects.exclude(level=Region.Level.GROUP), request.user, "assessment.manage")
        .order_by("path")
        .first()
    )


@require_http_methods(["GET", "POST"])
def scheme_import(request: HttpRequest) -> HttpResponse:
    """Step 1: upload a scoring table; step 2: review and edit the parsed rows; then create the scheme."""
    require(request.user, "assessment.manage")
    region = _office_region(request)
    if request.method == "POST" and request.POST.get("stage") == "create":
        head = ReviewHead.read(request.POST)
        rows = reviewed_rows(request.POST, head["sections"] or 0, head["items"] or 0)
        result = _as_result(rows)
        if region is None or not head["name"] or not head["year"]:
            messages.error(request, "请填写方案名称和年度。")
        else:
            try:
                scheme = services.scheme_import(
                    actor=request.user,
                    region=region,
                    name=head["name"],
                    year=head["year"],
                    parsed=rows,
                    source=head["source"],
                    submit_by=head["submit_by"],
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, "已创建考核方案，请设置系统计分的项目后发布。")
                return redirect("assessment:scheme-detail", pk=scheme.pk)
        return _review(request, head, result)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = parsing.read_scheme(upload.read(), upload.name)
        except parsing.SchemeReadError as exc:
            form.add_error("file", str(exc))
        else:
            head = {**form.cleaned_data, "source": upload.name[:200]}
            return _review(request, head, result)
    return render(request, "assessment/import.html", {"form": form, "region": region})


def _as_result(rows: dict[str, Any]) -> parsing.SchemeResult:
    """Reviewed rows back into a result, so the page can show the mismatches of the edited table."""
    result = parsing.SchemeResult()
    for s in rows["sections"]:
        result.sections.append(parsing.ParsedSection(s["name"], parsing._points(s["points"] or "")))
    for i in rows["items"]:
        result.items.append(
            parsing.ParsedItem(i["section"], i["number"], i["text"], parsing._points(i["points"] or ""), i["remark"])
        )
    return result


def _review(request: HttpRequest, head: dict[str, Any], result: parsing.SchemeResult) -> HttpResponse:
    return render(
        request,
        "assessment/import_review.html",
        {"head": head, "result": result, "data": result.as_dict(), "mismatches": result.mismatches()},
    )


@require_GET
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.scheme_get(actor=request.user, pk=pk)
    may_manage = can(request.user, "assessment.manage", scheme)
    items = list(scheme.items.select_related("section").order_by("section__order", "order", "id"))
    for item in items:
        item.rule_text = scoring.describe(item.rule, item.params)  # type: ignore[attr-defined]
    marks = selectors.full_marks(scheme)
    bands = [(b, scoring.describe_band(b, marks)) for b in scheme.bands or []]
    band_rows = [*scheme.bands, *[{}] * (scoring.MAX_BANDS - len(scheme.bands or []))][: scoring.MAX_BANDS]
    return render(
        request,
        "assessment/scheme_detail.html",
        {
            "scheme": scheme,
            "sections": list(scheme.sections.all()),
            "items": items,
            "may_manage": may_manage and scheme.status != Scheme.Status.SCORED,
            "item_form": ItemForm(),
            "draw_form": DrawForm(),
            "moves": available_transitions(scheme, request.user),
            "my_units": selectors.my_units(actor=request.user, scheme=scheme)[:50],
            "draws": scope(scheme.draws.all(), request.user),
            "full_marks": marks,
            "bands": bands,
            "band_rows": band_rows,
            "appeals": selectors.appeals(actor=request.user, scheme=scheme)[:100],
            "appeal_until": services.appeal_open_until(scheme),
        },
    )


@require_POST
def scheme_bands(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the grade bands (考核等次) and their quotas; the next scoring run grades by them."""
    scheme = selectors.scheme_get(actor=request.user, pk=pk, action="assessment.manage")
    step = StepForm.read(request.POST)
    try:
        services.scheme_bands_set(
            actor=request.user, scheme=scheme, bands=posted_bands(request.POST), version=step["version"]
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "已保存考核等次，重新计算得分后生效。")
    return redirect("assessment:scheme-detail", pk=scheme.pk)


@require_POST
def item_configure(request: HttpRequest, pk: int) -> HttpResponse:
    item = Item.objects.filter(pk=pk).select_related("scheme").first()
    scheme = selectors.scheme_get(actor=request.user, pk=item.scheme_id if item else 0, action="assessment.manage")
    assert item is not None  # found through its scheme, which is scoped
    form = ItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请检查填写的内容。")
    else:
        d = form.cleaned_data
        try:
            services.item_configure(
                actor=request.user,
                item=item,
                kind=d["kind"],
                metric=d["metric"],
                rule=d["rule"],
                params=form.params(),
                points=d["points"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, f"已设置第{item.number}项的计分方式。")
    return redirect("assessment:scheme-detail", pk=scheme.pk)


@require_POST
def scheme_step(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish, compute scores now, or score finally (closes the scheme)."""
    scheme = selectors.scheme_get(actor=request.user, pk=pk, action="assessment.manage")
    step = StepForm.read(request.POST)
    try:
        if step["step"] == "publish":
            services.scheme_publish(actor=request.user, scheme=scheme, version=step["version"])
            messages.success(request, "已发布。")
        elif step["step"] == "release":
            services.scheme_release(actor=request.user, scheme=scheme, version=step["version"])
            messages.success(request, "已公布考核结果，各单位可查看本单位得分和等次。")
            return redirect("assessment:ranking", pk=scheme.pk)
        elif step["step"] in ("score", "final"):
            n = services.scoring_run(actor=request.user, scheme=scheme, final=step["step"] == "final")
            messages.success(request, f"已计算{n}个单位的得分。")
            return redirect("assessment:ranking", pk=scheme.pk)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("assessment:scheme-detail", pk=scheme.pk)


@require_GET
def self_assessment(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """A unit's live self-assessment: automatic items scored now (each linked to its records), notes for the rest."""
    scheme = selectors.scheme_get(actor=request.user, pk=pk)
    unit = selectors.unit_get(actor=request.user, pk=unit_pk)
    if not selectors.assessed_units(scheme).filter(pk=unit.pk).exists():
        raise Http404("该单位不在本方案的考核范围内")
    found = selectors.self_assessment(scheme, unit)
    score = selectors.unit_score(scheme, unit)
    for line in score.lines:
        line.item.rule_text = scoring.describe(line.item.rule, line.item.params)  # type: ignore[attr-defined]
    return render(
        request,
        "assessment/self.html",
        {
            "scheme": scheme,
            "unit": unit,
            "score": score,
            "record": found,
            "may_edit": can(request.user, "assessment.self", unit)
            and scheme.status == Scheme.Status.PUBLISHED
            and (found is None or found.status != SelfAssessment.Status.SUBMITTED),
            "moves": available_transitions(found, request.user) if found else {},
            "appeals": selectors.appeals(actor=request.user, scheme=scheme, unit=unit),
            "appeal_until": services.appeal_open_until(scheme),
            "may_appeal": can(request.user, "assessment.self", unit),
            "result": selectors.unit_result(actor=request.user, scheme=scheme, unit=unit),
            "groups": selectors.GROUPS,
            "statements": statements.for_unit(actor=request.user, unit=unit, year=scheme.year),
        },
    )


@require_POST
def self_note(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    scheme = selectors.scheme_get(actor=request.user, pk=pk)
    unit = selectors.unit_get(actor=request.user, pk=unit_pk, action="assessment.self")
    form = NoteForm(request.POST)
    item = scheme.items.filter(pk=parse_id(form.data.get("item")) or 0).first()
    if not form.is_valid() or item is None:
        messages.error(request, "请检查填写的内容。")
        return redirect("assessment:self", pk=scheme.pk, unit_pk=unit.pk)
    d = form.cleaned_data
    try:
        record = services.self_assessment_for(actor=request.user, scheme=scheme, unit=unit)
        services.note_save(
            actor=request.user,
            assessment=record,
            item=item,
            note=d["note"],
            links=d["links"].splitlines(),
            points=d["points"],
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"已保存第{item.number}项的说明。")
    return redirect("assessment:self", pk=scheme.pk, unit_pk=unit.pk)


@require_POST
def self_step(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    scheme = selectors.scheme_get(actor=request.user, pk=pk)
    unit = selectors.unit_get(actor=request.user, pk=unit_pk)
    step = StepForm.read(request.POST)
    if step["step"] not in ("submit", "return"):
        return redirect("assessment:self", pk=scheme.pk, unit_pk=unit.pk)
    try:
        record = selectors.self_assessment(scheme, unit)
        if record is None:
            record = services.self_assessment_for(actor=request.user, scheme=scheme, unit=unit)
        services.self_transition(
            actor=request.user, assessment=record, name=step["step"], note=step["note"], version=step["version"]
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "已提交自评。" if step["step"] == "submit" else "已退回。")
    return redirect("assessment:self", pk=scheme.pk, unit_pk=unit.pk)


@require_POST
def draw_create(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.scheme_get(actor=request.user, pk=pk, action="assessment.manage")
    form = DrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写随机种子、抽取比例和督查员人数。")
        return redirect("assessment:scheme-detail", pk=scheme.pk)
    d = form.cleaned_data
    try:
        made = services.draw_create(
            actor=request.user, scheme=scheme, seed=d["seed"], share=d["share"], per_unit=d["per_unit"]
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("assessment:scheme-detail", pk=scheme.pk)
    return redirect("assessment:draw-detail", pk=made.pk)


@require_GET
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draw = selectors.draw_get(actor=request.user, pk=pk)
    units = selectors.units_in(draw.result.get("assignments", {}))
    visible = set(scope(selectors.assessed_units(draw.scheme), request.user).values_list("code", flat=True))
    mine = set(selectors.assignments_for(draw, getattr(request.user, "username", "")))
    rows = [
        (units[code], users, code in mine)
        for code, users in draw.result.get("assignments", {}).items()
        if code in units and code in visible
    ]
    return render(
        request,
        "assessment/draw_detail.html",
        {
            "draw": draw,
            "rows": rows,
            "groups": selectors.GROUPS,
            "verified": services.draw_verified(draw),
            "algorithm": draws.__doc__,
            "short": draw.result.get("short", []),
        },
    )


@require_http_methods(["GET", "POST"])
def inspect(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """The inspector's phone page: the drawn unit's manual items, its notes, and a finding per item."""
    draw = selectors.draw_get(actor=request.user, pk=pk)
    unit = selectors.unit_get(actor=request.user, pk=unit_pk, action="assessment.inspect")
    if unit.code not in draw.result.get("assignments", {}):
        raise Http404("该单位未被抽中")
    form = FindingForm(request.POST or None)
    if request.method == "POST":
        found = draw.scheme.items.filter(pk=parse_id(form.data.get("item")) or 0).first()
        if form.is_valid() and found is not None:
            d = form.cleaned_data
            try:
                services.finding_record(
                    actor=request.user, draw=draw, unit=unit, item=found, points=d["points"], note=d["note"]
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, f"已录入第{found.number}项核定结果。")
                return redirect("assessment:inspect", pk=draw.pk, unit_pk=unit.pk)
        else:
            messages.error(request, "请填写核定分和检查情况。")
    score = selectors.unit_score(draw.scheme, unit)
    return render(
        request,
        "assessment/inspect.html",
        {
            "draw": draw,
            "unit": unit,
            "lines": [line for line in score.lines if line.item.kind != Item.Kind.AUTOMATIC],
            "auto_lines": [line for line in score.lines if line.item.kind == Item.Kind.AUTOMATIC],
            "assigned": getattr(request.user, "username", "") in draw.result["assignments"].get(unit.code, []),
            # the unit's 述职, as on its assessment page: each provider shows what the viewer may read
            "statements": statements.for_unit(actor=request.user, unit=unit, year=draw.scheme.year),
        },
    )


@require_GET
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.scheme_get(actor=request.user, pk=pk)
    query = RankingQuery.read(request.GET)
    group, page = query["group"], query["page"] or 1
    if group:
        rows = selectors.ranking(
            actor=request.user,
            scheme=scheme,
            group=group,
            offset=(page - 1) * selectors.PAGE_ROWS,
            limit=selectors.PAGE_ROWS,
        )
    else:
        rows = selectors.ranking(actor=request.user, scheme=scheme)
    total = rows[group][0] if group in rows else 0
    return render(
        request,
        "assessment/ranking.html",
        {
            "scheme": scheme,
            "ranking": rows,
            "group": group,
            "page": page,
            "more": bool(group) and page * selectors.PAGE_ROWS < total,
            "groups": selectors.GROUPS,
            "may_manage": can(request.user, "assessment.manage", scheme),
            "spread": selectors.discrimination(scheme),
            "full_marks": selectors.full_marks(scheme),
            "band_counts": selectors.band_counts(actor=request.user, scheme=scheme),
            "visible": selectors.results_visible(request.user, scheme),
        },
    )


@require_POST
def appeal_file(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    scheme = selectors.scheme_get(actor=request.user, pk=pk)
    unit = selectors.unit_get(actor=request.user, pk=unit_pk, action="assessment.self")
    form = AppealForm(request.POST)
    item = scheme.items.filter(pk=parse_id(form.data.get("item")) or 0).first()
    if not form.is_valid() or item is None:
        messages.error(request, "请选择考核内容并填写申诉理由。")
    else:
        try:
            services.appeal_file(
                actor=request.user, scheme=scheme, unit=unit, item=item, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, "已提出申诉，请等待法治办处理。")
    return redirect("assessment:self", pk=scheme.pk, unit_pk=unit.pk)


@require_POST
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = selectors.appeal_get(actor=request.user, pk=pk, action="assessment.manage")
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写处理意见。")
    else:
        d = form.cleaned_data
        try:
            services.appeal_decide(
                actor=request.user,
                appeal=appeal,
                upheld=d["outcome"] == "upheld",
                decision=d["decision"],
                points=d["points"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, "已处理申诉；重新计算得分后生效。")
    return redirect("assessment:scheme-detail", pk=appeal.scheme_id)
