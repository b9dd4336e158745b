"""Reads of the surveys app, scoped by the acting user (`org.access`): survey lists, the results of one
survey (per question, by community and audience, pre/post), the 法治素养 index per community over time, the
responses behind every figure, the 待办 entries — and the frozen records the portal reads (its boundary).

Every figure on a results page counts the `Response`/`Answer` rows the responses list shows with the same
filter, so a count and the list its link opens cannot disagree: the figures are read from the tally
(`pufa.surveys.tally`), into which every reader here folds the pending responses first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone

from pufa.core import per_request
from pufa.core.memo import Memo
from pufa.core.models import Audience
from pufa.core.prepared import OneRow
from pufa.ledger.models import Activity
from pufa.org.access import can, scope, visible_or_404
from pufa.org.models import Region, Unit
from pufa.surveys import stats, tally
from pufa.surveys.models import Answer, Campaign, DayTally, Question, Response, Survey, Tally


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
        Survey.objects.select_related("unit", "region", "activity", "baseline", "campaign"),
        actor,
        action=action,
        pk=pk,
    )


def surveys_of_activity(*, actor: Any, activity: Activity) -> list[Survey]:
    return list(survey_list(actor=actor, activity_id=activity.pk).order_by("phase", "id"))


def baseline_choices(*, actor: Any, unit_id: int | None = None) -> QuerySet[Survey]:
    rows = scope(Survey.objects.filter(phase=Survey.Phase.PRE), actor, "surveys.view")
    return rows.filter(unit_id=unit_id) if unit_id is not None else rows


def communities_under(path: str) -> list[tuple[int, str]]:
    """The communities a respondent may choose (those under the survey's area, by its path), by pinyin."""
    rows = Region.objects.filter(path__startswith=path, level=Region.Level.COMMUNITY).order_by("pinyin", "id")
    return list(rows.values_list("pk", "name"))


# ---------------------------------------------------------------- campaigns


def campaign_list(*, actor: Any, q: str = "") -> QuerySet[Campaign]:
    rows = scope(Campaign.objects.all(), actor, "surveys.view").select_related("unit", "region")
    if q:
        rows = rows.filter(name__icontains=q)
    return rows.annotate(
        survey_count=Count("surveys", filter=Q(surveys__deleted_at__isnull=True), distinct=True),
        activity_count=Count("activities", filter=Q(activities__deleted_at__isnull=True), distinct=True),
    ).order_by("-starts_on", "-id")


def campaign_get(*, actor: Any, pk: int, action: str = "surveys.view") -> Campaign:
    return visible_or_404(Campaign.objects.select_related("unit", "region"), actor, action=action, pk=pk)


def campaign_choices(*, actor: Any) -> QuerySet[Campaign]:
    """The campaigns a survey may be made for: those the actor manages."""
    return scope(Campaign.objects.all(), actor, "surveys.manage").order_by("-starts_on", "-id")


def campaign_form_choices(*, actor: Any, campaign: Campaign | None = None) -> dict[str, QuerySet[Any]]:
    """What a campaign form offers the actor: the units and regions it manages surveys for, and the latest
    activities it may see (plus those already linked to the campaign being edited)."""
    regions = scope(Region.objects.all(), actor, "surveys.manage").order_by("path")
    visible = scope(Activity.objects.all(), actor, "ledger.view")
    ids = list(visible.order_by("-date", "-id").values_list("pk", flat=True)[:300])
    if campaign is not None:
        ids += list(visible.filter(campaigns=campaign).values_list("pk", flat=True))
    return {
        "units": scope(Unit.objects.all(), actor, "surveys.manage").order_by("path"),
        "regions": Region.objects.filter(pk__in=list(regions.values_list("pk", flat=True)[:500])).order_by("path"),
        "activities": Activity.objects.filter(pk__in=ids).select_related("unit__region").order_by("-date", "-id"),
    }


def campaigns_of_activity(*, actor: Any, activity: Activity) -> list[Campaign]:
    return list(scope(activity.campaigns.all(), actor, "surveys.view").order_by("-starts_on", "-id"))


@dataclass
class CampaignPage:
    activities: list[Activity]
    hidden_activities: int  # linked activities the reader may not open
    surveys: list[Survey]
    comparisons: list[tuple[Survey, list[CompareRow]]]  # each post survey with a baseline: the change


def campaign_page(*, actor: Any, campaign: Campaign) -> CampaignPage:
    """What a campaign's page shows: its activities the reader may see, its surveys, and for each post survey
    the pre/post comparison of `compare` (the 法治素养 score and the shared scale questions, Welch intervals)."""
    linked = campaign.activities.filter(deleted_at__isnull=True)
    activities = list(scope(linked, actor, "ledger.view").select_related("unit").order_by("date", "id"))
    surveys = list(
        survey_list(actor=actor).filter(campaign=campaign).select_related("baseline").order_by("-phase", "id")
    )
    comparisons = [(s, compare(s)) for s in surveys if s.phase == Survey.Phase.POST and s.baseline_id is not None]
    return CampaignPage(activities, linked.count() - len(activities), surveys, comparisons)


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


def _tally_rows(survey: Survey, f: ResponseFilter) -> QuerySet[Tally]:
    """The tally rows whose sum per (revision, question, kind, item) is the filter's figure: the one row of its
    community and audience (`Tally.ALL` where none is set) — or, for a community over every audience, its rows
    of each audience, (c, ALL) being summed by the reader rather than stored (`pufa.surveys.tally`)."""
    rows = Tally.objects.filter(survey=survey, community=Tally.ALL if f.community is None else f.community)
    if f.audience is not None:
        return rows.filter(audience=f.audience)
    return rows.filter(audience=Tally.ALL) if f.community is None else rows.exclude(audience=Tally.ALL)


def results(survey: Survey, *, f: ResponseFilter = ResponseFilter(), revision: int | None = None) -> Results:
    """Per-question figures for one revision of a survey (default: the current one), each with the link to
    its responses; the counts by community and audience and the mean score over every revision.

    Read from the tally (`pufa.surveys.tally`) — a few rows of sums, the pending responses folded in first, not
    a grouping of every answer; `tests/surveys/test_tally.py` holds them equal to a recount of the rows."""
    tally.fold([survey.pk])
    rev = revision or survey.revision
    base = ResponseFilter(community=f.community, audience=f.audience)
    questions = list(survey.questions.filter(revision=rev).order_by("position", "id"))
    mine = _tally_rows(survey, base)
    figures: dict[tuple[int, str, int], tuple[int, int]] = {}
    for qid, kind, item, n, value_sum in (
        mine.filter(revision=rev)
        .exclude(kind=Tally.Kind.RESPONSES)
        .values_list("question", "kind", "item", "n", "total")
    ):
        have = figures.get((qid, kind, item), (0, 0))  # a community over every audience: summed over them
        figures[(qid, kind, item)] = (have[0] + n, have[1] + value_sum)
    by_revision = list(mine.filter(kind=Tally.Kind.RESPONSES).values_list("revision", "n", "scored", "total"))
    total = sum(n for _, n, _, _ in by_revision)
    scored = sum(k for _, _, k, _ in by_revision)
    score_sum = sum(t for _, _, _, t in by_revision)
    out: list[QuestionResult] = []
    for q in questions:
        n, value_sum = figures.get((q.pk, Tally.Kind.ANSWERED, 0), (0, 0))
        qf = ResponseFilter(question=q.pk, community=f.community, audience=f.audience)
        result = QuestionResult(q, n, response_url(survey, qf))
        if q.kind in Question.CHOICE_KINDS:
            for i, label in enumerate(q.options):
                c = figures.get((q.pk, Tally.Kind.OPTION, i), (0, 0))[0]
                result.bars.append(Bar(label, c, _share(c, n), response_url(survey, qf, option=i), i in q.correct))
        elif q.kind == Question.Kind.SCALE:
            for v in range(1, 6):
                c = figures.get((q.pk, Tally.Kind.POINT, v), (0, 0))[0]
                result.bars.append(Bar(f"{v}分", c, _share(c, n), response_url(survey, qf, value=v)))
        if q.kind in (Question.Kind.SCALE, Question.Kind.NUMBER) and n:
            result.mean = round(value_sum / 100 / n, 2)
        if q.kind == Question.Kind.TEXT:
            texts = Answer.objects.filter(question=q).exclude(text="")
            if f.community is not None or f.audience is not None:
                texts = texts.filter(response__in=responses(survey, base))
            result.texts = list(texts.order_by("-response_id").values_list("text", flat=True)[:20])
        if q.is_knowledge and n:
            result.correct_share = _share(figures.get((q.pk, Tally.Kind.RIGHT, 0), (0, 0))[0], n)
        out.append(result)
    return Results(
        survey=survey,
        total=total,
        url=response_url(survey, base),
        questions=out,
        communities=_groups(survey, f, "community"),
        audiences=_groups(survey, f, "audience"),
        mean_score=_mean(score_sum, scored),
        scored=scored,
        older=sum(n for r, n, _, _ in by_revision if r != rev),
        revision=rev,
    )


def _groups(survey: Survey, f: ResponseFilter, by: str) -> list[GroupRow]:
    """Responses and mean score per community (or audience) within the filter's other dimension: the rows of
    the responses summed per group — per community over every audience, the rows of each audience (a community's
    row over all of them is not stored, `pufa.surveys.tally`)."""
    other = "audience" if by == "community" else "community"
    chosen = getattr(f, other)
    rows = Tally.objects.filter(survey=survey, kind=Tally.Kind.RESPONSES)
    if chosen is not None:
        rows = rows.filter(**{other: chosen})
    elif by == "audience":
        rows = rows.filter(community=Tally.ALL)
    else:
        rows = rows.exclude(audience=Tally.ALL)
    own = getattr(f, by)
    rows = rows.filter(**{by: own}) if own is not None else rows.exclude(**{by: Tally.ALL})
    sums = list(rows.values(by).annotate(c=Sum("n"), k=Sum("scored"), t=Sum("total")).values_list(by, "c", "k", "t"))
    names = _group_names(survey, by, [g for g, *_ in sums])
    none = "未选择社区" if by == "community" else "未选择"
    base = reverse("surveys:responses", args=[survey.pk])  # once: a city-wide survey has 2,500 rows
    out = []
    for gid, c, k, t in sums:
        if not c:
            continue
        known = gid != Tally.NONE
        name = names.get(gid, "") if known else none
        url = f"{base}?{ResponseFilter(**{by: gid, other: chosen}).params()}" if known else ""
        out.append(GroupRow(gid if known else None, name, int(c), _mean(int(t or 0), int(k or 0)), url))
    out.sort(key=lambda g: (-g.count, g.name))
    return out


def _group_names(survey: Survey, by: str, ids: list[int]) -> dict[int, str]:
    """The names of the groups answered. A community answered lies in the survey's area (the page offers no
    other): read as the area's communities, by path, rather than as a list of up to 2,500 ids passed back (on
    PostgreSQL quoting and parsing that list cost a tenth of the results page); any other by id."""
    if by != "community":
        return dict(Audience.objects.filter(pk__in=ids).values_list("pk", "name"))
    area = Region.all_objects.filter(path__startswith=survey.region.path, level=Region.Level.COMMUNITY)
    names = dict(area.values_list("pk", "name")) if len(ids) > 50 else {}
    missing = [g for g in ids if g not in names]
    if missing:
        names.update(Region.all_objects.filter(pk__in=missing).values_list("pk", "name"))
    return names


def _mean(total: int, n: int) -> float | None:
    """A mean kept as a sum in hundredths, rounded to one decimal as the pages show it."""
    if not n:
        return None
    return float((Decimal(total) / 100 / n).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN))


# ---------------------------------------------------------------- pre/post


@dataclass
class CompareRow:
    label: str
    comparison: stats.Comparison
    before_url: str
    after_url: str


def _summary(rows: QuerySet[Tally], n: str) -> stats.Summary:
    sums = rows.aggregate(n=Sum(n), t=Sum("total"), s=Sum("squares"))
    return stats.from_sums(int(sums["n"] or 0), int(sums["t"] or 0), int(sums["s"] or 0))


def compare(post: Survey) -> list[CompareRow]:
    """后测 against its 前测: the 法治素养 score, and every scale question asked in both (same wording), each
    the change of the mean with Welch's 95% interval; each side links to its responses. Read from the tally's
    counts, sums and sums of squares (every revision, every community: the rows over all of them)."""
    pre = post.baseline
    if pre is None:
        return []
    tally.fold([pre.pk, post.pk])
    rows: list[CompareRow] = []

    def everyone(survey: Survey) -> QuerySet[Tally]:
        return Tally.objects.filter(survey=survey, community=Tally.ALL, audience=Tally.ALL)

    before = _summary(everyone(pre).filter(kind=Tally.Kind.RESPONSES), "scored")
    after = _summary(everyone(post).filter(kind=Tally.Kind.RESPONSES), "scored")
    if before.n or after.n:
        rows.append(
            CompareRow(
                "法治素养得分（0—100）",
                stats.welch_summaries(before, after),
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
            _summary(
                everyone(s).filter(
                    kind=Tally.Kind.ANSWERED,
                    question__in=list(
                        Question.objects.filter(survey=s, text=q.text, kind=q.kind).values_list("pk", flat=True)
                    ),
                ),
                "n",
            )
            for s in (pre, post)
        )
        rows.append(
            CompareRow(
                q.text,
                stats.welch_summaries(a, b),
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


def index_home_region(*, actor: Any) -> Region | None:
    """Where the 法治素养 index opens: the widest region the actor's units sit in — an office's own street, not
    whichever of its communities' committees sorts first (unit paths follow ids: "/100/" before "/99/")."""
    units = scope(Unit.objects.all(), actor, "surveys.view").select_related("region")
    first = units.order_by(Length("region__path"), "region__path").first()
    return first.region if first is not None else None


def literacy_index(*, actor: Any, region: Region, year: int) -> tuple[list[str], list[IndexRow]]:
    """The mean 法治素养 score per community under `region`, per quarter of `year`, over the surveys the
    actor may see — the same placing rule as the `surveys.literacy` metric."""
    tally.fold()
    visible = scope(Survey.objects.all(), actor, "surveys.view")
    rows = DayTally.objects.filter(
        survey__in=visible, scored__gt=0, day__range=(dt.date(year, 1, 1), dt.date(year, 12, 31))
    )
    communities = (
        Region.objects.filter(path__startswith=region.path, level=Region.Level.COMMUNITY)
        .order_by("pinyin", "id")
        .values_list("pk", "name")
    )
    cells: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    # The quarter by date ranges, evaluated by the database itself: SQLite computes ExtractQuarter by calling
    # back into Python for each of the 100,000 day rows of a city's year (0.8 s of the page's 1.3 s).
    quarter_of = Case(
        *(When(day__lt=dt.date(year, month, 1), then=Value(q)) for q, month in ((1, 4), (2, 7), (3, 10))),
        default=Value(4),
        output_field=IntegerField(),
    )
    grouped = (
        rows.annotate(quarter=quarter_of)
        .values("community", "survey__region_id", "quarter")
        .annotate(t=Sum("total"), k=Sum("scored"))
        .values_list("community", "survey__region_id", "quarter", "t", "k")
    )
    for cid, rid, quarter, total, n in grouped:
        cell = cells[(rid if cid == Tally.NONE else cid, quarter - 1)]
        cell[0] += int(total)
        cell[1] += int(n)
    out = []
    for pk, name in communities:
        line = []
        for quarter in range(4):
            total, n = cells.get((pk, quarter), (0, 0))
            line.append((_mean(total, n), n))
        if any(n for _, n in line):
            out.append(IndexRow(pk, name, line))
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
    #: What the answering page's form depends on: survey, revision and version (a cache key for the portal).
    key: str = ""


@dataclass(frozen=True)
class Questionnaire:
    """One revision of a survey as it is asked: its questions (to check and score answers against) and what
    the answering page shows — the same for every phone, so built once per process (`asked`)."""

    questions: tuple[Question, ...]
    public: tuple[PublicQuestion, ...]
    communities: tuple[tuple[int, str], ...]
    audiences: tuple[tuple[int, str], ...]

    @cached_property
    def community_ids(self) -> frozenset[int]:
        """The communities offered, which an answer may name (checked in memory: the page offered these)."""
        return frozenset(pk for pk, _name in self.communities)

    @cached_property
    def audience_ids(self) -> frozenset[int]:
        return frozenset(pk for pk, _name in self.audiences)


#: Questionnaires by (survey, token, revision, version): every change of a survey or its questions moves its version
#: (services), so another process's edit is seen on the next request; the communities and audiences offered
#: may lag a renamed region by at most `ttl` seconds.
_ASKED: Memo[Questionnaire] = Memo(size=256, ttl=300)

_STATE_FIELDS = (
    "pk",
    "token",
    "version",
    "revision",
    "status",
    "closes_on",
    "title",
    "intro",
    "unit_id",
    "unit__name",
    "region_id",
    "region__path",
    "ask_community",
    "ask_audience",
)

#: A survey (not deleted) by its public token (unique), its SQL built once per process (`core.prepared`).
_STATE = OneRow(lambda token: Survey.objects.filter(token=token, deleted_at__isnull=True).values(*_STATE_FIELDS)[:1])


def survey_state(token: str) -> dict[str, Any] | None:
    """A survey's state by its public token (`_STATE_FIELDS`), or None: what the answering page shows and
    what `services.respond` checks an answer against. Read once a request (`core.per_request`): a phone's POST
    needs it in the view and again in `respond`, one query instead of two on every response."""
    token = token[:32]
    return per_request.get("surveys.state", token, lambda: _STATE.get(token))


def asked(
    *, survey_id: int, token: str, revision: int, version: int, region_path: str, communities: bool, audiences: bool
) -> Questionnaire:
    """The questionnaire of one revision of a survey, from this process's memory when it has it."""

    def build() -> Questionnaire:
        questions = tuple(Question.objects.filter(survey_id=survey_id, revision=revision).order_by("position", "id"))
        return Questionnaire(
            questions=questions,
            public=tuple(
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
                for i, q in enumerate(questions, start=1)
            ),
            communities=tuple(communities_under(region_path)) if communities else (),
            audiences=tuple(Audience.objects.filter(is_active=True).values_list("pk", "name")) if audiences else (),
        )

    # the random token too: an id may come back (a test's rolled-back rows), a token does not
    return _ASKED.get((survey_id, token, revision, version, communities, audiences), build)


def asked_for(survey: Survey) -> Questionnaire:
    return asked(
        survey_id=survey.pk,
        token=survey.token,
        revision=survey.revision,
        version=survey.version,
        region_path=survey.region.path,
        communities=survey.ask_community,
        audiences=survey.ask_audience,
    )


def public_survey(token: str) -> PublicSurvey | None:
    """A published (or ended) survey as the answering page shows it; None for a draft or unknown link.
    One query for the survey's state (its SQL built once per process: every phone runs it); its questionnaire
    comes from `asked`."""
    row = survey_state(token)
    if row is None or row["status"] not in (Survey.Status.PUBLISHED, Survey.Status.CLOSED):
        return None
    today = timezone.localdate()
    q = asked(
        survey_id=row["pk"],
        token=row["token"],
        revision=row["revision"],
        version=row["version"],
        region_path=row["region__path"],
        communities=row["ask_community"],
        audiences=row["ask_audience"],
    )
    return PublicSurvey(
        token=row["token"],
        title=row["title"],
        intro=row["intro"],
        organiser=row["unit__name"],
        is_open=row["status"] == Survey.Status.PUBLISHED and (row["closes_on"] is None or today <= row["closes_on"]),
        questions=q.public,
        communities=q.communities,
        audiences=q.audiences,
        key=f"{row['pk']}.{row['token']}.{row['revision']}.{row['version']}.{int(row['ask_community'])}{int(row['ask_audience'])}",
    )


@dataclass(frozen=True)
class PublicLink:
    token: str
    title: str


def public_surveys_of_activity(activity_id: int) -> list[PublicLink]:
    """The surveys about an activity a resident may answer now (published, before their closing date) — offered
    on the portal beside the rating of the 点单 that activity delivered."""
    rows = Survey.objects.filter(activity_id=activity_id, status=Survey.Status.PUBLISHED).exclude(
        closes_on__lt=timezone.localdate()
    )
    return [PublicLink(token, title) for token, title in rows.order_by("id").values_list("token", "title")]


def has_responded(token: str, device: str) -> bool:
    return Response.objects.filter(survey__token=token[:32], device=device).exists()
