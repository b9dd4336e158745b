"""沱河街道's effect evaluation for the demo (seed 004 十九: 问卷调查反馈普法效果): a pre/post pair of 法治素养
questionnaires around 沱河社区's 民法典 lecture that shows a change (about 55 → 80), the street office's
annual 法治素养测评 answered in every community over the year (the index per community and quarter), a
feedback questionnaire with its skip question, and the street's 民法典宣传月 (seed 000: 充分利用“民法典宣传月”
“宪法宣传周”等活动; “美好生活•民法典相伴”) as a 宣传活动 of May with the street's activities of that month,
a 前测 in the street's communities in late April and a 后测 in early June (about 50 → 70), so the campaign's
page shows the change with its Welch intervals. Surveys and answers go through the services; the answers are
then dated (the demo shows a year of work in one run). Idempotent: made once, by title and name.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from pufa.ledger.models import Activity
from pufa.org.access import SYSTEM
from pufa.org.models import Region, Unit
from pufa.surveys import services, tally
from pufa.surveys.models import Campaign, Response, Survey

COMMUNITIES = ["tuohe-tuohe", "tuohe-taoyuan", "tuohe-yinhe", "tuohe-bianhe", "tuohe-huaihe", "tuohe-longhe"]
PRE_TITLE = "民法典宣讲前法治素养测评"
POST_TITLE = "民法典宣讲后法治素养测评"
ANNUAL_TITLE = "沱河街道年度居民法治素养测评"
FEEDBACK_TITLE = "民法典宣讲活动效果反馈"
CAMPAIGN_NAME = "“美好生活·民法典相伴”民法典宣传月"
CAMPAIGN_PRE_TITLE = "民法典宣传月前测：居民法治素养问卷"
CAMPAIGN_POST_TITLE = "民法典宣传月后测：居民法治素养问卷"


def _answers(survey: Survey, rng: random.Random, knows: float) -> dict[int, list[str]]:
    """One resident's answers: each knowledge question right with probability `knows`."""
    raw: dict[int, list[str]] = {}
    for q in survey.current_questions():
        if q.kind in ("single", "multiple") and q.correct:
            wrong = [i for i in range(len(q.options)) if i not in q.correct]
            raw[q.pk] = [str(i) for i in (q.correct if rng.random() < knows else [rng.choice(wrong)])]
        elif q.kind in ("single", "multiple"):
            raw[q.pk] = [str(rng.randrange(len(q.options)))]
        elif q.kind == "scale":
            raw[q.pk] = [str(min(5, max(1, round(rng.gauss(2.5 + 2.5 * knows, 0.8)))))]
    return raw


def _fill(
    survey: Survey, n: int, knows: float, rng: random.Random, communities: list[Region], days: list[dt.date]
) -> None:
    if survey.responses.exists():
        return
    tz = timezone.get_current_timezone()
    for i in range(n):
        community = communities[i % len(communities)] if communities else None
        r = services.respond(
            token=survey.token,
            device=f"demo-{survey.pk}-{i}",
            answers=_answers(survey, rng, knows + rng.uniform(-0.15, 0.15)),
            community_id=community.pk if community else None,
        )
        day = days[i % len(days)]
        at = dt.datetime.combine(day, dt.time(9 + i % 9, (7 * i) % 60), tzinfo=tz)
        Response.objects.filter(pk=r.pk).update(submitted_at=at)
    tally.rebuild([survey.pk])  # the days the demo moved the answers to


def _spread(
    survey: Survey, n: int, knows: float, rng: random.Random, communities: list[Region], days: list[dt.date]
) -> None:
    """`n` residents of the communities in turn, each answering on one of `days` in turn (the demo's dates)."""
    if survey.responses.exists():
        return
    tz = timezone.get_current_timezone()
    for i in range(n):
        r = services.respond(
            token=survey.token,
            device=f"demo-{survey.pk}-{i}",
            answers=_answers(survey, rng, knows + rng.uniform(-0.15, 0.15)),
            community_id=communities[i % len(communities)].pk,
        )
        at = dt.datetime.combine(days[(i * 7) % len(days)], dt.time(9 + i % 9, (7 * i) % 60), tzinfo=tz)
        Response.objects.filter(pk=r.pk).update(submitted_at=at)
    tally.rebuild([survey.pk])


def seed_campaign(office: Unit, communities: list[Region], rng: random.Random) -> Campaign | None:
    """The street's 民法典宣传月: May of the year of its last 民法典宣传月 lecture, with the street's activities of
    that month; its 前测 answered in the last ten days of April, its 后测 in the first ten days of June (not
    after today)."""
    today = timezone.localdate()
    year = today.year if today >= dt.date(today.year, 5, 20) else today.year - 1
    starts, ends = dt.date(year, 5, 1), dt.date(year, 5, 31)
    campaign = Campaign.objects.filter(name=CAMPAIGN_NAME, unit=office, starts_on=starts).first()
    if campaign is None:
        activities = Activity.objects.filter(
            unit__region__path__startswith=office.region.path, date__range=(starts, min(ends, today))
        ).order_by("date", "id")
        campaign = services.campaign_create(
            actor=SYSTEM,
            data=services.CampaignData(
                name=CAMPAIGN_NAME,
                unit=office,
                starts_on=starts,
                ends_on=ends,
                description="围绕“美好生活·民法典相伴”主题，街道司法所联合各社区集中开展民法典宣讲、咨询和法治文艺活动；"
                "活动前后各做一次居民法治素养问卷，比较宣传月前后的变化。",
                activities=tuple(activities[: services.MAX_CAMPAIGN_ACTIVITIES]),
            ),
        )
    pre = _survey(CAMPAIGN_PRE_TITLE, office, "literacy", kind="literacy", phase="pre", campaign=campaign)
    post = _survey(
        CAMPAIGN_POST_TITLE, office, "literacy", kind="literacy", phase="post", campaign=campaign, baseline=pre
    )
    before = [dt.date(year, 4, d) for d in range(21, 31)]
    after = [d for d in (dt.date(year, 6, d) for d in range(1, 11)) if d <= today] or [today]
    _spread(pre, 42, 0.5, rng, communities, before)
    _spread(post, 40, 0.7, rng, communities, after)
    return campaign


def _survey(title: str, unit: Unit, template: str, **kwargs: Any) -> Survey:
    existing = Survey.objects.filter(title=title, unit=unit).first()
    if existing is not None:
        return existing
    survey = services.survey_create(
        actor=SYSTEM, data=services.SurveyData(title=title, unit=unit, **kwargs), template=template
    )
    services.transition(actor=SYSTEM, survey=survey, name="publish")
    return survey


def seed_surveys() -> None:
    units = {u.code: u for u in Unit.objects.filter(code__in=["tuohe-fzb", *COMMUNITIES]).select_related("region")}
    office, tuohe = units.get("tuohe-fzb"), units.get("tuohe-tuohe")
    if office is None or tuohe is None:
        return
    rng = random.Random(21)
    today = timezone.localdate()
    lecture = Activity.objects.filter(unit=tuohe, date__lte=today).order_by("-date").first()
    if lecture is not None:
        pre = _survey(PRE_TITLE, tuohe, "literacy", kind="literacy", phase="pre", activity=lecture)
        post = _survey(POST_TITLE, tuohe, "literacy", kind="literacy", phase="post", activity=lecture, baseline=pre)
        _fill(pre, 36, 0.55, rng, [tuohe.region], [lecture.date])
        _fill(post, 32, 0.8, rng, [tuohe.region], [lecture.date])
        feedback = _survey(FEEDBACK_TITLE, tuohe, "feedback", activity=lecture)
        _fill(feedback, 25, 0.7, rng, [tuohe.region], [lecture.date])
    communities = [units[c].region for c in COMMUNITIES if c in units]
    annual = _survey(ANNUAL_TITLE, office, "literacy", kind="annual", region=office.region)
    # four rounds over the year, each a little better than the one before
    days = [d for d in (dt.date(today.year, m, 15) for m in (2, 5, 8, 11)) if d <= today] or [today]
    if not annual.responses.exists():
        for round_no, day in enumerate(days):
            _fill_round(annual, 24, 0.5 + 0.07 * round_no, rng, communities, day, round_no)
    if communities:
        seed_campaign(office, communities, random.Random(2104))  # its own stream: the surveys above stay as they were


def _fill_round(
    survey: Survey, n: int, knows: float, rng: random.Random, communities: list[Region], day: dt.date, round_no: int
) -> None:
    tz = timezone.get_current_timezone()
    for i in range(n):
        community = communities[i % len(communities)]
        r = services.respond(
            token=survey.token,
            device=f"demo-{survey.pk}-{round_no}-{i}",
            answers=_answers(survey, rng, knows + rng.uniform(-0.15, 0.15)),
            community_id=community.pk,
        )
        at = dt.datetime.combine(day, dt.time(9 + i % 9, (7 * i) % 60), tzinfo=tz)
        Response.objects.filter(pk=r.pk).update(submitted_at=at)
    tally.rebuild([survey.pk])
