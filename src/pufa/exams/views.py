"""Pages of the exams app: thin — load through selectors, write through services.

Taking an exam works on a phone without JavaScript (the paper is one form; handing it in saves every answer
on it first), and with HTMX each choice is saved as it is made (`answer_save`, one small POST per answer).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pufa.core.filters import parse_id
from pufa.core.forms import apply_errors
from pufa.core.workflow import available_transitions
from pufa.exams import exports, parsing, selectors, services
from pufa.exams.forms import BankForm, BankImportForm, ContestForm, ExamForm, ExamQuery, QuestionForm, exam_initial
from pufa.exams.models import Attempt, Bank, Exam, Question
from pufa.org.access import acting_unit_ids, can, require, scope, visible_or_404
from pufa.org.models import Unit


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


def _managed_units(request: HttpRequest) -> Any:
    return scope(Unit.objects.filter(pk__in=acting_unit_ids(request.user, "exams.manage")), request.user)


# ---------------------------------------------------------------- office: exams and banks


def index(request: HttpRequest) -> HttpResponse:
    require(request.user, "exams.view")
    status = ExamQuery.read(request.GET)["status"]
    exams = selectors.exam_list(request.user, status="" if status == "overdue" else status)
    if status == "overdue":
        exams = exams.filter(status=Exam.Status.PUBLISHED, ends_at__lte=timezone.now())
    context = {
        "exams": exams[:200],
        "banks": selectors.bank_list(request.user)[:50],
        "contests": selectors.contest_list(request.user)[:20],
        "status": status,
        "statuses": Exam.Status.choices,
        "can_manage": can(request.user, "exams.manage"),
    }
    return render(request, "exams/index.html", context)


@require_http_methods(["GET", "POST"])
def bank_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "exams.manage")
    form = BankForm(request.POST or None, units=_managed_units(request))
    if request.method == "POST" and form.is_valid():
        try:
            bank = services.bank_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已新建题库“{bank.name}”。")
            return redirect("exams:bank-detail", pk=bank.pk)
    return render(request, "exams/form.html", {"form": form, "title": "新建题库"})


def bank_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bank = visible_or_404(Bank.objects.select_related("unit"), request.user, action="exams.view", pk=pk)
    require(request.user, "exams.view", bank)
    context = {
        "bank": bank,
        "questions": selectors.question_list(request.user, bank)[:500],
        "form": BankImportForm(),
        "can_manage": can(request.user, "exams.manage", bank),
    }
    return render(request, "exams/bank_detail.html", context)


@require_POST
def bank_import(request: HttpRequest, pk: int) -> HttpResponse:
    bank = visible_or_404(Bank.objects.select_related("unit"), request.user, action="exams.manage", pk=pk)
    require(request.user, "exams.manage", bank)
    form = BankImportForm(request.POST, request.FILES)
    outcome = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = parsing.read_bank(upload.read(), upload.name)
            outcome = services.bank_import(actor=request.user, bank=bank, result=result, source=upload.name)
        except parsing.BankReadError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, outcome.message())
    context = {
        "bank": bank,
        "questions": selectors.question_list(request.user, bank)[:500],
        "form": form,
        "outcome": outcome,
        "can_manage": True,
    }
    return render(request, "exams/bank_detail.html", context)


def _question_data(cd: dict[str, Any]) -> services.QuestionData:
    return services.QuestionData(
        kind=cd["kind"],
        stem=cd["stem"],
        options=cd["options"].splitlines(),
        answer=cd["answer"],
        explanation=cd["explanation"],
        law=cd["law"],
        domains=list(cd["domains"]),
        audiences=list(cd["audiences"]),
        difficulty=cd["difficulty"],
        source=cd["source"],
    )


@require_http_methods(["GET", "POST"])
def question_create(request: HttpRequest, pk: int) -> HttpResponse:
    bank = visible_or_404(Bank.objects.select_related("unit"), request.user, action="exams.manage", pk=pk)
    require(request.user, "exams.manage", bank)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_create(actor=request.user, bank=bank, data=_question_data(form.cleaned_data))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "试题已添加。")
            return redirect("exams:bank-detail", pk=bank.pk)
    return render(request, "exams/form.html", {"form": form, "title": f"添加试题：{bank.name}"})


@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = visible_or_404(Question.objects.select_related("bank__unit"), request.user, action="exams.manage", pk=pk)
    require(request.user, "exams.manage", question)
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_for(question))
    if request.method == "POST" and form.is_valid():
        data = _question_data(form.cleaned_data)
        try:
            services.question_update(
                actor=request.user, question=question, data=data, version=form.cleaned_data.get("version")
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "试题已保存，修改前的版本已留存。")
            return redirect("exams:bank-detail", pk=question.bank_id)
    context = {"form": form, "title": "修改试题", "versions": question.versions.all()[:10]}
    return render(request, "exams/form.html", context)


def _exam_form(request: HttpRequest, data: Any = None, initial: Any = None) -> ExamForm:
    return ExamForm(
        data,
        initial=initial,
        units=_managed_units(request),
        banks=selectors.bank_list(request.user),
        scope_units=scope(Unit.objects.all(), request.user, "exams.manage"),
    )


@require_http_methods(["GET", "POST"])
def exam_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "exams.manage")
    form = _exam_form(request, request.POST or None, exam_initial())
    if request.method == "POST" and form.is_valid():
        try:
            exam = services.exam_create(actor=request.user, data=_exam_data(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已新建考试“{exam.title}”，核对后请发布。")
            return redirect("exams:exam-detail", pk=exam.pk)
    return render(request, "exams/form.html", {"form": form, "title": "新建学法考试"})


def _exam_data(form: ExamForm) -> services.ExamData:
    cd = form.cleaned_data
    return services.ExamData(
        unit=cd["unit"],
        title=cd["title"],
        bank=cd["bank"],
        starts_at=cd["starts_at"],
        ends_at=cd["ends_at"],
        rules=form.rules(),
        time_limit=cd["time_limit"],
        pass_mark=cd["pass_mark"],
        max_attempts=cd["max_attempts"],
        audience=cd["audience"],
        review_after_window=cd["review_after_window"],
        required_units=list(cd["required_units"]),
        required_roles=list(cd["required_roles"]),
        required_teams=list(cd["required_teams"]),
    )


@require_http_methods(["GET", "POST"])
def exam_edit(request: HttpRequest, pk: int) -> HttpResponse:
    exam = visible_or_404(Exam.objects.select_related("unit", "bank"), request.user, action="exams.manage", pk=pk)
    require(request.user, "exams.manage", exam)
    initial = {
        "title": exam.title,
        "unit": exam.unit,
        "bank": exam.bank,
        "audience": exam.audience,
        "starts_at": timezone.localtime(exam.starts_at),
        "ends_at": timezone.localtime(exam.ends_at),
        "time_limit": exam.time_limit,
        "pass_mark": exam.pass_mark,
        "max_attempts": exam.max_attempts,
        "quotas": "\n".join(f"{q['value']}:{q['count']}" for q in exam.rules.get("quotas", [])),
        "required_units": list(exam.required_units.all()),
        "required_roles": exam.required_roles,
        "required_teams": list(exam.required_teams.all()),
        "review_after_window": exam.review_after_window,
        "version": exam.version,
    }
    for kind in ("single", "multiple", "judge"):
        initial[f"{kind}_count"] = (exam.rules.get(kind) or {}).get("count", 0)
        initial[f"{kind}_points"] = (exam.rules.get(kind) or {}).get("points", 0)
    form = _exam_form(request, request.POST or None, initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.exam_update(
                actor=request.user, exam=exam, data=_exam_data(form), version=form.cleaned_data.get("version")
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "考试已保存。")
            return redirect("exams:exam-detail", pk=exam.pk)
    return render(request, "exams/form.html", {"form": form, "title": f"修改：{exam.title}"})


def exam_detail(request: HttpRequest, pk: int) -> HttpResponse:
    exam = visible_or_404(Exam.objects.select_related("unit", "bank"), request.user, action="exams.view", pk=pk)
    require(request.user, "exams.view", exam)
    standing = selectors.exam_standing(exam, request.user)
    context = {
        "exam": exam,
        "standing": standing,
        "roster_day": selectors.roster_day(exam),
        "moves": available_transitions(exam, request.user),
        "can_remind": exam.status == Exam.Status.PUBLISHED and can(request.user, "exams.manage", exam),
        "can_edit": exam.status == Exam.Status.DRAFT and can(request.user, "exams.manage", exam),
    }
    return render(request, "exams/exam_detail.html", context)


def exam_results(request: HttpRequest, pk: int) -> HttpResponse:
    exam = visible_or_404(Exam.objects.select_related("unit", "bank"), request.user, action="exams.view", pk=pk)
    require(request.user, "exams.view", exam)
    context = {
        "exam": exam,
        "standing": selectors.exam_standing(exam, request.user),
        "regions": selectors.participation_by_region(exam, request.user),
        "bands": selectors.score_distribution(exam, request.user),
        "items": selectors.item_analysis(exam, request.user) if can(request.user, "exams.manage", exam) else [],
    }
    return render(request, "exams/exam_results.html", context)


def exam_export(request: HttpRequest, pk: int) -> FileResponse:
    exam = visible_or_404(Exam.objects.select_related("unit", "bank"), request.user, action="exams.view", pk=pk)
    require(request.user, "exams.view", exam)
    buffer = exports.results_xlsx(exam, request.user)
    return FileResponse(buffer, as_attachment=True, filename=exports.filename(exam))


@require_POST
def exam_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    exam = visible_or_404(Exam.objects.select_related("unit", "bank"), request.user, action="exams.manage", pk=pk)
    steps = {"publish": services.exam_publish, "close": services.exam_close}
    if name not in steps:
        raise PermissionDenied
    try:
        steps[name](actor=request.user, exam=exam)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(
            request, "考试已发布，应考人员已收到通知。" if name == "publish" else "考试已结束，成绩已记入台账。"
        )
    return redirect("exams:exam-detail", pk=exam.pk)


@require_POST
def exam_remind(request: HttpRequest, pk: int) -> HttpResponse:
    exam = visible_or_404(Exam.objects.all(), request.user, action="exams.manage", pk=pk)
    try:
        sent = services.exam_remind(actor=request.user, exam=exam)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, f"已提醒{sent}人（今天已提醒过的不再重复）。")
    return redirect("exams:exam-detail", pk=exam.pk)


@require_http_methods(["GET", "POST"])
def contest_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "exams.manage")
    form = ContestForm(
        request.POST or None,
        initial=exam_initial(),
        units=_managed_units(request),
        banks=selectors.bank_list(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            contest = services.contest_create(actor=request.user, data=services.ContestData(**form.cleaned_data))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已发布知识竞赛“{contest.title}”，公众可在门户参加。")
            return redirect("exams:index")
    return render(request, "exams/form.html", {"form": form, "title": "新建知识竞赛"})


def activity_section(request: HttpRequest, activity: Any) -> dict[str, Any] | None:
    """The "学法考试" section of the ledger activity an exam was recorded as (registered in ledger.extensions)."""
    exam = Exam.objects.filter(ledger_activity_id=activity.pk).first()
    if exam is None or not can(request.user, "exams.view", exam):
        return None
    standing = selectors.exam_standing(exam, request.user)
    return {"exam": exam, "standing": standing}


# ---------------------------------------------------------------- examinee


def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "exams/mine.html", {"mine": selectors.my_exams(request.user), "now": timezone.now()})


def _my_exam(request: HttpRequest, pk: int) -> selectors.MyExam:
    from django.http import Http404

    found = next((m for m in selectors.my_exams(request.user) if m.exam.pk == pk), None)
    if found is None:
        raise Http404("未找到该考试")
    return found


@require_http_methods(["GET", "POST"])
def take(request: HttpRequest, pk: int) -> HttpResponse:
    """The exam's start page; POST starts (or resumes) a sitting."""
    my = _my_exam(request, pk)
    if request.method == "POST":
        try:
            attempt = services.attempt_start(actor=request.user, exam=my.exam)
        except ValidationError as exc:
            _flash(request, exc)
        else:
            return redirect("exams:attempt", pk=attempt.pk)
    return render(request, "exams/take.html", {"my": my, "exam": my.exam, "now": timezone.now()})


def attempt(request: HttpRequest, pk: int) -> HttpResponse:
    sitting = services.attempt_expire(attempt=selectors.own_attempt(request.user, pk))
    if sitting.status != Attempt.Status.ACTIVE:
        return redirect("exams:attempt-result", pk=sitting.pk)
    remaining = max(0, int((sitting.deadline - timezone.now()).total_seconds()))
    context = {"attempt": sitting, "exam": sitting.exam, "items": selectors.paper(sitting), "remaining": remaining}
    return render(request, "exams/attempt.html", context)


@require_POST
def answer_save(request: HttpRequest, pk: int) -> HttpResponse:
    """One answer, as chosen (HTMX). The reply is a short status the page shows next to the question."""
    question_id = parse_id(request.POST.get("question"))
    if question_id is None:  # "²" and "①" pass str.isdigit() but not int()
        selectors.own_attempt(request.user, pk, paper_only=True)  # someone else's sitting stays a 404
        return HttpResponse("缺少题号", status=400)
    chosen = "".join(request.POST.getlist(f"q{question_id}"))
    try:
        services.answer_save_by_id(actor=request.user, attempt_id=pk, question_id=question_id, chosen=chosen)
    except ValidationError as exc:
        return HttpResponse("；".join(exc.messages), status=409)
    return HttpResponse("已保存")


@require_POST
def attempt_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand in. Without JavaScript the paper's answers arrive here; they are saved first, then scored."""
    sitting = selectors.own_attempt(request.user, pk)
    if sitting.status == Attempt.Status.ACTIVE:
        for question_id in sitting.question_ids:
            values = request.POST.getlist(f"q{question_id}")
            if values:
                try:
                    services.answer_save(
                        actor=request.user, attempt=sitting, question_id=question_id, chosen="".join(values)
                    )
                except ValidationError:
                    break  # time is up: what was saved before counts
        services.attempt_submit(actor=request.user, attempt=sitting)
    return redirect("exams:attempt-result", pk=sitting.pk)


def attempt_result(request: HttpRequest, pk: int) -> HttpResponse:
    sitting = services.attempt_expire(attempt=selectors.own_attempt(request.user, pk))
    if sitting.status == Attempt.Status.ACTIVE:
        return redirect("exams:attempt", pk=sitting.pk)
    review = selectors.may_review(sitting)
    context = {
        "attempt": sitting,
        "exam": sitting.exam,
        "review": review,
        "items": selectors.paper(sitting) if review else [],
    }
    return render(request, "exams/attempt_result.html", context)
