"""Reads of the surveys app, scoped by the acting user (`org.access`): survey lists, the results of one
survey (per question, by community and audience, pre/post), the 法治素养 index per community over time, the
responses behind every figure, the 待办 entries — and the frozen records the portal reads (its boundary).

Every figure on a results page is computed here from `Response`/`Answer` rows with the same filter the
responses list uses, so a count and the list its link opens cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Avg, Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from pufa.core.models import Audience
from pufa.ledger.models import Activity
from pufa.org.access import can, scope, visible_or_404
from pufa.org.models import Region
from pufa.surveys import stats
from pufa.surveys.models import Answer, Question, Response, Survey


def window(start: dt.date | None, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants of a period of local days (a response counts on the day it was submitted, local time)."""
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start or dt.date(2000, 1, 1), dt.time.min, tzinfo=tz),
        dt.datetime.combine(end, dt.time.max, tzinfo=tz),
    )


# ---------------------------------------------------------------- lists and records


def survey_list(
    *,
    actor: Any,
    unit_id: int | None = None,
    activity_id: int | None = None,
    status: str = "",
    kind: str = "",
    q: str = "",
) -> QuerySet[Survey]:
    rows = scope(Survey.objects.all(), actor, "surveys.view").select_related("unit", "activity", "region")
    if unit_id is not None:
        rows = rows.filter(unit_id=unit_id)
    if activity_id is not None:
        rows = rows.filter(activity_id=activity_id)
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if q:
        rows = rows.filter(title__icontains=q)
    return rows.annotate(response_count=Count("responses")).order_by("-created_at", "-id")


def survey_get(*, actor: Any, pk: int, action: str = "surveys.view") -> Survey:
    return visible_or_404(
        Survey.objects.select_related("unit", "region", "activity", "baseline"), actor, action=action, pk=pk
    )


def surveys_of_activity(*, actor: Any, activity: Activity) -> list[Survey]:
    return list(survey_list(actor=actor, activity_id=activity.pk).order_by("phase", "id"))


def baseline_choices(*, actor: Any, unit_id: int | None = None) -> QuerySet[Survey]:
    rows = scope(Survey.objects.filter(phase=Survey.Phase.PRE), actor, "surveys.view")
    return rows.filter(unit_id=unit_id) if unit_id is not None else rows


def communities_of(region: Region) -> list[tuple[int, str]]:
    """The communities a respondent may choose (those under the survey's area), by pinyin."""
    rows = Region.objects.filter(path__startswith=region.path, level=Region.Level.COMMUNITY).order_by("pinyin", "id")
    return list(rows.values_list("pk", "name"))


# ---------------------------------------------------------------- the responses behind a figure


@dataclass(frozen=True)
class ResponseFilter:
    """Which responses a figure counts: all of a survey, or those that chose `option` of `question`, answered
    `question` with `value` (a scale point), came from `community` or `audience`."""

    question: int | None = None
    option: int | None = None
    value: int | None = None
    community: int | None = None
    audience: int | None = None

    def params(self, **more: Any) -> str:
        values = {**{k: v for k, v in self.__dict__.items() if v is not None}, **more}
        return urlencode(sorted((k, v) for k, v in values.items() if v is not None))


def responses(survey: Survey, f: ResponseFilter = ResponseFilter()) -> QuerySet[Response]:
    rows = Response.objects.filter(survey=survey)
    if f.community is not None:
        rows = rows.filter(community_id=f.community)
    if f.audience is not None:
        rows = rows.filter(audience_id=f.audience)
    if f.question is not None:
        answers = Answer.objects.filter(question_id=f.question)
        if f.option is not None:
            answers = answers.filter(option=f.option)
        if f.value is not None:
            answers = answers.filter(value=f.value)
        rows = rows.filter(pk__in=answers.values("response_id"))
    return rows


def responses_with_answers(rows: QuerySet[Response]) -> QuerySet[Response]:
    return rows.select_related("community", "audience").prefetch_related("answers__question")


def response_url(survey: Survey, f: ResponseFilter, **more: Any) -> str:
    query = f.params(**more)
    base = reverse("surveys:responses", args=[survey.pk])
    return f"{base}?{query}" if query else base


# ---------------------------------------------------------------- results


@dataclass
class Bar:
    label: str
    count: int
    share: float  # % of the responses that answered the question
    url: str
    correct: bool = False


@dataclass
class QuestionResult:
    question: Question
    answered: int
    url: str
    bars: list[Bar] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)
    correct_share: float | None = None


@dataclass
class GroupRow:
    id: int | None
    name: str
    count: int
    mean_score: float | None
    url: str


@dataclass
class Results:
    survey: Survey
    total: int
    url: str
    questions: list[QuestionResult]
    communities: list[GroupRow]
    audiences: list[GroupRow]
    mean_score: float | None
    scored: int
    older: int  # responses to earlier revisions (their questions are shown on their own revision)
    revision: int


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def results(survey: Survey, *, f: ResponseFilter = ResponseFilter(), revision: int | None = None) -> Results:
    """Per-question figures for one revision of a survey (default: the current one), each with the link to
    its responses; the counts by community and audience and the mean score over every revision."""
    rev = revision or survey.revision
    base = ResponseFilter(community=f.community, audience=f.audience)
    rows = responses(survey, base)
    total = rows.count()
    questions = list(survey.questions.filter(revision=rev).order_by("position", "id"))
    answers = Answer.objects.filter(question__in=questions)  # the questions of one revision: its responses only
    if f.community is not None or f.audience is not None:
        answers = answers.filter(response__in=rows.filter(revision=rev))
    answered = dict(
        answers.values("question_id").annotate(n=Count("response_id", distinct=True)).values_list("question_id", "n")
    )
    options: dict[tuple[int, int], int] = {
        (qid, opt): n
        for qid, opt, n in answers.filter(option__isnull=False)
        .values("question_id", "option")
        .annotate(n=Count("id"))
        .values_list("question_id", "option", "n")
        if opt is not None
    }
    scale: dict[tuple[int, int], int] = {
        (qid, int(v)): n
        for qid, v, n in answers.filter(question__kind=Question.Kind.SCALE, value__isnull=False)
        .values("question_id", "value")
        .annotate(n=Count("id"))
        .values_list("question_id", "value", "n")
        if v is not None
    }
    means = dict(
        answers.filter(value__isnull=False)
        .values("question_id")
        .annotate(m=Avg("value"))
        .values_list("question_id", "m")
    )
    out: list[QuestionResult] = []
    for q in questions:
        n = answered.get(q.pk, 0)
        qf = ResponseFilter(question=q.pk, community=f.community, audience=f.audience)
        result = QuestionResult(q, n, response_url(survey, qf))
        if q.kind in Question.CHOICE_KINDS:
            for i, label in enumerate(q.options):
                c = options.get((q.pk, i), 0)
                result.bars.append(Bar(label, c, _share(c, n), response_url(survey, qf, option=i), i in q.correct))
        elif q.kind == Question.Kind.SCALE:
            for v in range(1, 6):
                c = scale.get((q.pk, v), 0)
                result.bars.append(Bar(f"{v}分", c, _share(c, n), response_url(survey, qf, value=v)))
        if q.pk in means and means[q.pk] is not None:
            result.mean = round(float(means[q.pk]), 2)
        if q.kind == Question.Kind.TEXT:
            result.texts = list(
                answers.filter(question=q)
                .exclude(text="")
                .order_by("-response__submitted_at")
                .values_list("text", flat=True)[:20]
            )
        if q.is_knowledge and n:
            result.correct_share = _share(_exactly_right(answers.filter(question=q), q.correct), n)
        out.append(result)
    communities = [
        GroupRow(
            cid,
            name or "未选择社区",
            c,
            _round(m),
            response_url(survey, ResponseFilter(community=cid, audience=f.audience)) if cid else "",
        )
        for cid, name, c, m in rows.values("community_id", "community__name")
        .annotate(c=Count("id"), m=Avg("score"))
        .order_by("-c", "community__name")
        .values_list("community_id", "community__name", "c", "m")
    ]
    audiences = [
        GroupRow(
            aid,
            name or "未选择",
            c,
            _round(m),
            response_url(survey, ResponseFilter(community=f.community, audience=aid)) if aid else "",
        )
        for aid, name, c, m in rows.values("audience_id", "audience__name")
        .annotate(c=Count("id"), m=Avg("score"))
        .order_by("-c", "audience__name")
        .values_list("audience_id", "audience__name", "c", "m")
    ]
    score = rows.filter(score__isnull=False).aggregate(m=Avg("score"), n=Count("id"))
    return Results(
        survey=survey,
        total=total,
        url=response_url(survey, base),
        questions=out,
        communities=communities,
        audiences=audiences,
        mean_score=_round(score["m"]),
        scored=score["n"],
        older=rows.exclude(revision=rev).count(),
        revision=rev,
    )


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def _exactly_right(answers: QuerySet[Answer], correct: list[int]) -> int:
    """How many responses chose exactly the `correct` options (all of them, no other): one grouped query."""
    return (
        answers.values("response_id")
        .annotate(right=Count("id", filter=Q(option__in=correct)), wrong=Count("id", filter=~Q(option__in=correct)))
        .filter(right=len(correct), wrong=0)
        .count()
    )


# ---------------------------------------------------------------- pre/post


@dataclass
class CompareRow:
    label: str
    comparison: stats.Comparison
    before_url: str
    after_url: str


def compare(post: Survey) -> list[CompareRow]:
    """后测 against its 前测: the 法治素养 score, and every scale question asked in both (same wording), each
    the change of the mean with Welch's 95% interval; each side links to its responses."""
    pre = post.baseline
    if pre is None:
        return []
    rows: list[CompareRow] = []
    before = [s for s in Response.objects.filter(survey=pre).values_list("score", flat=True) if s is not None]
    after = [s for s in Response.objects.filter(survey=post).values_list("score", flat=True) if s is not None]
    if before or after:
        rows.append(
            CompareRow(
                "法治素养得分（0—100）",
                stats.welch(before, after),
                response_url(pre, ResponseFilter()),
                response_url(post, ResponseFilter()),
            )
        )
    post_scales = {q.text: q for q in post.current_questions().filter(kind=Question.Kind.SCALE)}
    for q in pre.current_questions().filter(kind=Question.Kind.SCALE):
        other = post_scales.get(q.text)
        if other is None:
            continue
        a, b = (
            [
                v
                for v in Answer.objects.filter(
                    question__survey=s, question__text=q.text, question__kind=q.kind
                ).values_list("value", flat=True)
                if v is not None
            ]
            for s in (pre, post)
        )
        rows.append(
            CompareRow(
                q.text,
                stats.welch(a, b),
                response_url(pre, ResponseFilter(question=q.pk)),
                response_url(post, ResponseFilter(question=other.pk)),
            )
        )
    return rows


# ---------------------------------------------------------------- the 法治素养 index per community over time


@dataclass
class IndexRow:
    region_id: int
    name: str
    cells: list[tuple[float | None, int]]  # per quarter: (mean score, responses)


def place_of(response: Response) -> Region:
    """Where a response counts: the community the resident chose, else the survey's area."""
    return response.community or response.survey.region


def literacy_index(*, actor: Any, region: Region, year: int) -> tuple[list[str], list[IndexRow]]:
    """The mean 法治素养 score per community under `region`, per quarter of `year`, over the surveys the
    actor may see — the same placing rule as the `surveys.literacy` metric."""
    first, last = window(dt.date(year, 1, 1), dt.date(year, 12, 31))
    visible = scope(Survey.objects.all(), actor, "surveys.view")
    rows = Response.objects.filter(survey__in=visible, score__isnull=False, submitted_at__range=(first, last))
    communities = Region.objects.filter(path__startswith=region.path, level=Region.Level.COMMUNITY).order_by(
        "pinyin", "id"
    )
    cells: dict[tuple[int, int], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for cid, rid, score, at in rows.values_list("community_id", "survey__region_id", "score", "submitted_at"):
        quarter = (timezone.localtime(at).month - 1) // 3
        if score is None:
            continue
        cell = cells[(cid or rid, quarter)]
        cell[0] += score
        cell[1] += 1
    out = []
    for c in communities:
        line = []
        for quarter in range(4):
            s, n = cells.get((c.pk, quarter), (Decimal(0), Decimal(0)))
            line.append((round(float(s / n), 1) if n else None, int(n)))
        if any(n for _, n in line):
            out.append(IndexRow(c.pk, c.name, line))
    return ["第一季度", "第二季度", "第三季度", "第四季度"], out


# ---------------------------------------------------------------- 待办


def todos(actor: Any) -> list[Any] | None:
    """Drafts with questions not yet published, and surveys still collecting past their closing date."""
    from pufa.core.home import Todo

    if not can(actor, "surveys.manage"):
        return None
    mine = scope(Survey.objects.all(), actor, "surveys.manage")
    drafts = mine.filter(status=Survey.Status.DRAFT, questions__isnull=False).distinct().count()
    overdue = mine.filter(status=Survey.Status.PUBLISHED, closes_on__lt=timezone.localdate()).count()
    url = reverse("surveys:survey-list")
    return [
        Todo("份问卷草稿待发布", drafts, f"{url}?status=draft&ready=1", order=48),
        Todo("份问卷已过截止日期待结束", overdue, f"{url}?overdue=1", order=48),
    ]


def ready_drafts(rows: QuerySet[Survey]) -> QuerySet[Survey]:
    return rows.filter(status=Survey.Status.DRAFT, questions__isnull=False).distinct()


def overdue(rows: QuerySet[Survey]) -> QuerySet[Survey]:
    return rows.filter(status=Survey.Status.PUBLISHED, closes_on__lt=timezone.localdate())


# ---------------------------------------------------------------- the portal's boundary


@dataclass(frozen=True)
class PublicQuestion:
    id: int
    number: int
    section: str
    kind: str
    text: str
    required: bool
    options: tuple[str, ...]
    min_value: str
    max_value: str
    show_if: int | None
    show_if_options: tuple[int, ...]

    @property
    def key(self) -> str:
        """The form field of the answer ("q<id>")."""
        return f"q{self.id}"


@dataclass(frozen=True)
class PublicSurvey:
    token: str
    title: str
    intro: str
    organiser: str
    is_open: bool
    questions: tuple[PublicQuestion, ...]
    communities: tuple[tuple[int, str], ...]
    audiences: tuple[tuple[int, str], ...]


def public_survey(token: str) -> PublicSurvey | None:
    """A published (or ended) survey as the answering page shows it; None for a draft or unknown link."""
    survey = (
        Survey.objects.select_related("unit", "region")
        .filter(token=token[:32], status__in=[Survey.Status.PUBLISHED, Survey.Status.CLOSED])
        .first()
    )
    if survey is None:
        return None
    today = timezone.localdate()
    questions = tuple(
        PublicQuestion(
            id=q.pk,
            number=i,
            section=q.section,
            kind=q.kind,
            text=q.text,
            required=q.required,
            options=tuple(q.options),
            min_value="" if q.min_value is None else f"{q.min_value.normalize():f}",
            max_value="" if q.max_value is None else f"{q.max_value.normalize():f}",
            show_if=q.show_if_id,
            show_if_options=tuple(q.show_if_options),
        )
        for i, q in enumerate(survey.current_questions(), start=1)
    )
    return PublicSurvey(
        token=survey.token,
        title=survey.title,
        intro=survey.intro,
        organiser=survey.unit.name,
        is_open=survey.status == Survey.Status.PUBLISHED and (survey.closes_on is None or today <= survey.closes_on),
        questions=questions,
        communities=tuple(communities_of(survey.region)) if survey.ask_community else (),
        audiences=tuple(Audience.objects.filter(is_active=True).values_list("pk", "name"))
        if survey.ask_audience
        else (),
    )


def has_responded(token: str, device: str) -> bool:
    return Response.objects.filter(survey__token=token[:32], device=device).exists()
