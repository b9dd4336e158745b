"""Survey figures across surfaces, on the demo district: the results page, the responses list each figure
links to, the survey list, the activity page, the 法治素养 index page and the registered metrics agree with a
plain computation over the rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine
from django.core.management import call_command

from pufa.org.models import Region, Unit, User
from pufa.plans import metrics
from pufa.surveys.demo import ANNUAL_TITLE, POST_TITLE
from pufa.surveys.models import Answer, Response, Survey
from pufa.surveys.services import LITERACY, RESPONSES


def _listed(client, url: str) -> int:
    return client.get(url).context["page"].paginator.count


@time_machine.travel("2026-12-01 10:00 +0800", tick=False)
def test_demo_survey_figures_agree_everywhere(client_for, db):
    call_command("seed_demo", "--quiet-logins")
    office = User.objects.get(username="tuohe_fzb")
    c = client_for(office)
    post = Survey.objects.get(title=POST_TITLE)
    # per question and option: the page, its link, and a plain count of the answer rows
    results = c.get(f"/surveys/{post.pk}/results/").context["results"]
    checked = 0
    for r in results.questions:
        for i, bar in enumerate(r.bars):
            if r.question.kind in ("single", "multiple"):
                plain = Answer.objects.filter(question=r.question, option=i).count()
            else:
                plain = Answer.objects.filter(question=r.question, value=i + 1).count()
            assert bar.count == plain == _listed(c, bar.url), (r.question.text, bar.label)
            checked += plain
    assert checked > 100
    assert results.total == post.responses.count() == _listed(c, results.url)
    plain_mean = sum(x.score for x in post.responses.all()) / post.responses.count()
    assert Decimal(str(results.mean_score)) == plain_mean.quantize(Decimal("0.1"))
    # the survey list and the activity page show the same count
    row = next(s for s in c.get("/surveys/list/").context["page"] if s.pk == post.pk)
    assert row.response_count == post.responses.count()
    section = c.get(f"/ledger/{post.activity_id}/").content.decode()
    assert f"{post.responses.count()} 份答卷" in section
    # the index page per community and quarter, and the metric for the committees over the same quarter
    street = Region.objects.get(name="沱河街道", level=Region.Level.STREET)
    index = c.get("/surveys/literacy/", {"region": street.pk, "year": 2026}).context["rows"]
    annual = Survey.objects.get(title=ANNUAL_TITLE)
    assert len(index) == 6
    for line in index:
        community = Region.objects.get(pk=line.region_id)
        for quarter, (mean, n) in enumerate(line.cells):
            start = dt.date(2026, 3 * quarter + 1, 1)
            end = (dt.date(2026, 3 * quarter + 4, 1) if quarter < 3 else dt.date(2027, 1, 1)) - dt.timedelta(days=1)
            scores = [
                x.score
                for x in Response.objects.filter(score__isnull=False).select_related("survey__region", "community")
                if (x.community or x.survey.region).pk == community.pk
                and start <= x.submitted_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date() <= end
            ]
            assert n == len(scores), (community.name, quarter)
            if scores:
                assert Decimal(str(mean)) == (sum(scores) / len(scores)).quantize(Decimal("0.1"))
                committee = Unit.objects.filter(region=community).first()
                if committee is not None:
                    value = metrics.compute(LITERACY, unit_ids=[committee.pk], start=start, end=end)[committee.pk]
                    assert value == (sum(scores) / len(scores)).quantize(Decimal("0.1")), community.name
    counted = metrics.compute(
        RESPONSES, unit_ids=[annual.unit_id], start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    # the office runs the annual survey and the 民法典宣传月's 前测 and 后测: the metric counts all their answers
    office_surveys = list(Survey.objects.filter(unit_id=annual.unit_id))
    assert len(office_surveys) == 3
    assert (
        counted[annual.unit_id]
        == Response.objects.filter(survey__in=office_surveys).count()
        == sum(_listed(c, f"/surveys/{s.pk}/responses/") for s in office_surveys)
    )
