"""Survey pages for staff: the list, a survey with its questions and buttons, its results (per question, by
community and audience, pre/post), the responses behind each figure, the export, the printable poster with the
public link, and the 法治素养 index per community. Views parse and render; selectors read, services write."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pufa.core.forms import apply_errors, paginate
from pufa.core.workflow import available_transitions
from pufa.ledger.models import Activity
from pufa.org.access import can, require, scope
from pufa.org.models import Region, Unit
from pufa.surveys import exports, qr, selectors, services
from pufa.surveys.forms import (
    CampaignForm,
    CampaignQuery,
    IndexQuery,
    QuestionForm,
    ResponsesQuery,
    ResultsQuery,
    SurveyForm,
    SurveyQuery,
)
from pufa.surveys.models import Campaign, Question, Survey


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, "surveys.view")
    return redirect("surveys:survey-list")


@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "surveys.view")
    query = SurveyQuery.read(request.GET)
    rows = selectors.survey_list(
        actor=request.user,
        unit_id=query["unit"],
        activity_id=query["activity"],
        status=query["status"] or "",
        kind=query["kind"] or "",
        q=query["q"].strip(),
    )
    if query["ready"]:
        rows = selectors.ready_drafts(rows)
    if query["overdue"]:
        rows = selectors.overdue(rows)
    return render(
        request,
        "surveys/survey_list.html",
        {
            "page": paginate(request, rows),
            "query": query,
            "statuses": Survey.Status.choices,
            "kinds": Survey.Kind.choices,
            "may_manage": can(request.user, "surveys.manage"),
        },
    )


def _form(request: HttpRequest, survey: Survey | None = None, **kwargs: Any) -> SurveyForm:
    units = scope(Unit.objects.all(), request.user, "surveys.manage").order_by("path")
    activities = scope(Activity.objects.all(), request.user, "ledger.record").order_by("-date")[:200]
    if survey is not None and survey.activity_id:
        activities = Activity.objects.filter(pk__in=[*activities.values_list("pk", flat=True), survey.activity_id])
    baselines = selectors.baseline_choices(actor=request.user)
    if survey is not None:
        baselines = baselines.exclude(pk=survey.pk)
    return SurveyForm(
        request.POST or None,
        units=units,
        activities=Activity.objects.filter(pk__in=list(activities.values_list("pk", flat=True))).order_by("-date"),
        baselines=baselines,
        campaigns=selectors.campaign_choices(actor=request.user),
        editing=survey is not None,
        **kwargs,
    )


@require_http_methods(["GET", "POST"])
def survey_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "surveys.manage")
    initial: dict[str, Any] = {}
    activity_id = SurveyQuery.read(request.GET)["activity"]
    if activity_id is not None:
        activity = scope(Activity.objects.all(), request.user, "ledger.record").filter(pk=activity_id).first()
        if activity is not None:
            initial = {"activity": activity.pk, "unit": activity.unit_id, "title": f"{activity.title}效果反馈问卷"}
            initial["template"] = "feedback"
    campaign_id = SurveyQuery.read(request.GET)["campaign"]
    if campaign_id is not None:
        initial |= _for_campaign(request, campaign_id, SurveyQuery.read(request.GET)["phase"] or "")
    form = _form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(
                actor=request.user, data=form.data_object(), template=form.cleaned_data["template"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "问卷已创建，请检查题目后发布。")
            return redirect("surveys:survey-detail", pk=survey.pk)
    return render(request, "surveys/survey_form.html", {"form": form, "title": "新建问卷"})


def _for_campaign(request: HttpRequest, campaign_id: int, phase: str) -> dict[str, Any]:
    """A new survey from a campaign's page: its pre survey (法治素养 template), or its post survey naming the
    pre one as baseline (the same template, so every question can be compared)."""
    campaign = selectors.campaign_choices(actor=request.user).filter(pk=campaign_id).first()
    if campaign is None:
        return {}
    post = phase == Survey.Phase.POST
    initial: dict[str, Any] = {
        "campaign": campaign.pk,
        "unit": campaign.unit_id,
        "phase": Survey.Phase.POST if post else Survey.Phase.PRE,
        "kind": Survey.Kind.LITERACY,
        "template": "literacy",
        "title": f"{campaign.name}{'后测' if post else '前测'}问卷",
    }
    if post:
        pre = campaign.surveys.filter(phase=Survey.Phase.PRE, deleted_at__isnull=True).order_by("id").last()
        if pre is not None:
            initial["baseline"] = pre.pk
    return initial


@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_get(actor=request.user, pk=pk, action="surveys.manage")
    initial = {name: getattr(survey, name) for name in services.FIELDS if name != "region"}
    initial["version"] = survey.version
    form = _form(request, survey, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(
                actor=request.user, survey=survey, data=form.data_object(), version=form.cleaned_data["version"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("surveys:survey-detail", pk=survey.pk)
    return render(request, "surveys/survey_form.html", {"form": form, "title": f"修改问卷：{survey.title}"})


def _public_url(request: HttpRequest, survey: Survey) -> str:
    """The absolute public link (a phone scanning the QR code has no page to resolve a relative one against):
    on PUFA_BASE_URL when the deployment sets it, else on the host the page was asked on."""
    path = reverse("portal:survey", args=[survey.token])
    base = settings.PUFA_BASE_URL
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@require_GET
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_get(actor=request.user, pk=pk)
    may_manage = can(request.user, "surveys.manage", survey) and survey.status != Survey.Status.CLOSED
    return render(
        request,
        "surveys/survey_detail.html",
        {
            "survey": survey,
            "questions": list(survey.current_questions().select_related("show_if")),
            "moves": available_transitions(survey, request.user),
            "may_manage": may_manage,
            "question_form": QuestionForm(survey=survey) if may_manage else None,
            "public_url": _public_url(request, survey),
            "response_count": survey.responses.count(),
            "followups": survey.followups.filter(deleted_at__isnull=True),
        },
    )


@require_POST
def survey_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    survey = selectors.survey_get(actor=request.user, pk=pk)
    if name not in {"publish", "close", "reopen"}:
        raise Http404("未知的操作")
    try:
        services.transition(actor=request.user, survey=survey, name=name)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"问卷已{survey.get_status_display()}。")
    return redirect("surveys:survey-detail", pk=survey.pk)


@require_POST
def survey_delete(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_get(actor=request.user, pk=pk, action="surveys.manage")
    try:
        services.survey_delete(actor=request.user, survey=survey)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("surveys:survey-detail", pk=survey.pk)
    messages.success(request, "问卷已删除。")
    return redirect("surveys:survey-list")


def _question(survey: Survey, pk: int) -> Question:
    q = survey.current_questions().filter(pk=pk).first()
    if q is None:
        raise Http404("未找到该题目")
    return q


@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int, qid: int | None = None) -> HttpResponse:
    """Add (no `qid`) or change a question; a survey already answered gets a new revision (said on the page)."""
    survey = selectors.survey_get(actor=request.user, pk=pk, action="surveys.manage")
    question = _question(survey, qid) if qid is not None else None
    initial = QuestionForm.initial_for(question) if question is not None else None
    form = QuestionForm(request.POST or None, survey=survey, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_save(actor=request.user, survey=survey, data=form.data_object(), question=question)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "题目已保存。")
            return redirect("surveys:survey-detail", pk=survey.pk)
    answered = survey.responses.filter(revision=survey.revision).exists()
    return render(
        request,
        "surveys/question_form.html",
        {"form": form, "survey": survey, "question": question, "answered": answered},
    )


@require_POST
def question_delete(request: HttpRequest, pk: int, qid: int) -> HttpResponse:
    survey = selectors.survey_get(actor=request.user, pk=pk, action="surveys.manage")
    try:
        services.question_delete(actor=request.user, survey=survey, question=_question(survey, qid))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "题目已删除。")
    return redirect("surveys:survey-detail", pk=survey.pk)


@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_get(actor=request.user, pk=pk)
    query = ResultsQuery.read(request.GET)
    f = selectors.ResponseFilter(community=query["community"], audience=query["audience"])
    revision = query["revision"] if query["revision"] and query["revision"] <= survey.revision else None
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "results": selectors.results(survey, f=f, revision=revision),
            "comparison": selectors.compare(survey) if survey.baseline_id else [],
            "filter": f,
            "community": Region.objects.filter(pk=f.community).first() if f.community else None,
        },
    )


@require_GET
def responses(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_get(actor=request.user, pk=pk)
    q = ResponsesQuery.read(request.GET)
    f = selectors.ResponseFilter(
        question=q["question"], option=q["option"], value=q["value"], community=q["community"], audience=q["audience"]
    )
    rows = selectors.responses_with_answers(selectors.responses(survey, f).order_by("-submitted_at", "-id"))
    question = survey.questions.filter(pk=f.question).first() if f.question else None
    option = (
        question.options[f.option] if question and f.option is not None and f.option < len(question.options) else ""
    )
    return render(
        request,
        "surveys/responses.html",
        {"survey": survey, "page": paginate(request, rows), "filter": f, "question": question, "option": option},
    )


@require_GET
def export(request: HttpRequest, pk: int) -> FileResponse:
    """The responses as .xlsx (anonymous answers: nothing personal to mask or to audit the reading of)."""
    survey = selectors.survey_get(actor=request.user, pk=pk)
    name = f"{survey.title}-答卷-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(exports.responses_xlsx(survey), as_attachment=True, filename=name)


@require_GET
def poster(request: HttpRequest, pk: int) -> HttpResponse:
    """A page to print on A4 for an activity: the title, the QR code of the public link, the link itself and
    how to answer."""
    survey = selectors.survey_get(actor=request.user, pk=pk)
    return render(request, "surveys/poster.html", {"survey": survey, "public_url": _public_url(request, survey)})


@require_GET
def qr_code(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR code of the survey's public link as SVG, drawn here (`qr`); scoped like the survey's page."""
    survey = selectors.survey_get(actor=request.user, pk=pk)
    response = HttpResponse(qr.svg(_public_url(request, survey), title=survey.title), content_type=qr.SVG_TYPE)
    response["Content-Disposition"] = f'inline; filename="survey-{survey.pk}-qr.svg"'
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"  # an image, never a page
    return response


@require_GET
def literacy(request: HttpRequest) -> HttpResponse:
    require(request.user, "surveys.view")
    query = IndexQuery.read(request.GET)
    regions = scope(Region.objects.all(), request.user).order_by("path")
    region = regions.filter(pk=query["region"]).first() if query["region"] else None
    if region is None:
        region = selectors.index_home_region(actor=request.user)
    if region is None:
        raise PermissionDenied("您没有权限查看此内容。")
    year = query["year"] or IndexQuery.default_year()
    quarters, rows = selectors.literacy_index(actor=request.user, region=region, year=year)
    # the index lists the communities under a region: offer the regions above the communities
    above = regions.exclude(level__in=[Region.Level.COMMUNITY, Region.Level.GROUP]).values_list("pk", "name")[:500]
    return render(
        request,
        "surveys/literacy.html",
        {"region": region, "year": year, "quarters": quarters, "rows": rows, "regions": above},
    )


def activity_section(request: HttpRequest, activity: Activity) -> dict[str, Any] | None:
    """The surveys of an activity on its page (ledger extension): each with its responses and, for a post
    survey with a baseline, the change of the 法治素养 score with its interval; and the campaigns it is part of."""
    if not can(request.user, "surveys.view"):
        return None
    surveys = selectors.surveys_of_activity(actor=request.user, activity=activity)
    comparisons = {s.pk: selectors.compare(s)[:1] for s in surveys if s.baseline_id}
    may_add = can(request.user, "surveys.manage", activity.unit) and can(request.user, "ledger.record", activity.unit)
    campaigns = selectors.campaigns_of_activity(actor=request.user, activity=activity)
    if not surveys and not may_add and not campaigns:
        return None
    return {
        "activity": activity,
        "surveys": [(s, comparisons.get(s.pk, [])) for s in surveys],
        "campaigns": campaigns,
        "may_add": may_add,
    }


# ---------------------------------------------------------------- campaigns


@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "surveys.view")
    query = CampaignQuery.read(request.GET)
    rows = selectors.campaign_list(actor=request.user, q=query["q"].strip())
    return render(
        request,
        "surveys/campaign_list.html",
        {"page": paginate(request, rows), "query": query, "may_manage": can(request.user, "surveys.manage")},
    )


def _campaign_form(request: HttpRequest, campaign: Campaign | None = None, **kwargs: Any) -> CampaignForm:
    return CampaignForm(
        request.POST or None,
        **selectors.campaign_form_choices(actor=request.user, campaign=campaign),
        editing=campaign is not None,
        **kwargs,
    )


@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "surveys.manage")
    form = _campaign_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, data=form.data_object())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "宣传活动已创建，可新建前测问卷。")
            return redirect("surveys:campaign-detail", pk=campaign.pk)
    return render(request, "surveys/campaign_form.html", {"form": form, "title": "新建宣传活动"})


@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(actor=request.user, pk=pk, action="surveys.manage")
    initial = {name: getattr(campaign, name) for name in services.CAMPAIGN_FIELDS}
    initial |= {"activities": list(campaign.activities.values_list("pk", flat=True)), "version": campaign.version}
    form = _campaign_form(request, campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(
                actor=request.user, campaign=campaign, data=form.data_object(), version=form.cleaned_data["version"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("surveys:campaign-detail", pk=campaign.pk)
    return render(request, "surveys/campaign_form.html", {"form": form, "title": f"修改宣传活动：{campaign.name}"})


@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(actor=request.user, pk=pk)
    page = selectors.campaign_page(actor=request.user, campaign=campaign)
    has_pre = any(s.phase == Survey.Phase.PRE for s in page.surveys)
    return render(
        request,
        "surveys/campaign_detail.html",
        {
            "campaign": campaign,
            "page": page,
            "has_pre": has_pre,
            "may_manage": can(request.user, "surveys.manage", campaign),
        },
    )


@require_POST
def campaign_delete(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(actor=request.user, pk=pk, action="surveys.manage")
    try:
        services.campaign_delete(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("surveys:campaign-detail", pk=campaign.pk)
    messages.success(request, "宣传活动已删除。")
    return redirect("surveys:campaign-list")
