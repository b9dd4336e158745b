"""The results' tally: after random submissions (every question type, skip logic, communities, audiences, a
new revision half-way), the figures read from the tally equal a recount of the raw responses and answers by
plain grouping queries — for every filter the results page offers; the rebuild gives the same rows as the
submissions did; parallel submissions on PostgreSQL lose no count."""

from __future__ import annotations

import datetime as dt
import random
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import Avg, Count, Q

from pufa.core.models import Audience, ThrottleWindow
from pufa.org.access import SYSTEM
from pufa.plans import metrics
from pufa.surveys import selectors, services, tally
from pufa.surveys.models import Answer, DayTally, Question, Response, Survey, Tally
from pufa.surveys.selectors import ResponseFilter
from tests.surveys.conftest import add, answer, make_survey


def _survey(world) -> tuple[Survey, dict[str, Question]]:
    s = make_survey(world.office_unit, publish=False, kind=Survey.Kind.LITERACY, ask_audience=True)
    qs = {
        "single": add(s, "single", "宪法日是哪天？", options=["3月15日", "12月4日", "不知道"], correct=[1]),
        "multiple": add(s, "multiple", "民法典调整哪些？", options=["婚姻", "继承", "罚款"], correct=[0, 1]),
        "scale": add(s, "scale", "满意程度"),
        "number": add(s, "number", "参加过几次？", min_value=Decimal(0), max_value=Decimal(100), required=False),
        "text": add(s, "text", "建议", required=False),
    }
    qs["why"] = add(
        s, "single", "为什么不知道？", options=["没听说", "记不住"], show_if=qs["single"], show_if_options=[2]
    )
    services.transition(actor=SYSTEM, survey=s, name="publish")
    return s, qs


def _random_answers(rng: random.Random, qs: dict[str, Question]) -> dict[Question, object]:
    out: dict[Question, object] = {
        qs["single"]: rng.randrange(3),
        qs["multiple"]: rng.sample(range(3), rng.randint(1, 3)),
        qs["scale"]: rng.randint(1, 5),
    }
    if rng.random() < 0.7:
        out[qs["number"]] = f"{rng.uniform(0, 100):.2f}"
    if rng.random() < 0.4:
        out[qs["text"]] = rng.choice(["多办讲座", "好", "发资料"])
    if "again" in qs:
        out[qs["again"]] = rng.randint(1, 5)
    out[qs["why"]] = rng.randrange(2)  # kept only when the skip logic shows the question
    return out


def _submit(survey: Survey, qs: dict[str, Question], n: int, rng: random.Random, world, start: int = 0) -> None:
    places = [world.community_a.pk, world.community_b.pk, None]
    groups = [*Audience.objects.filter(is_active=True).values_list("pk", flat=True)[:2], None]
    for i in range(start, start + n):
        answer(
            survey,
            f"dev-{i}",
            _random_answers(rng, qs),
            community_id=rng.choice(places),
            audience_id=rng.choice(groups),
        )


def _recount(survey: Survey, f: ResponseFilter, rev: int) -> dict:
    """The results page's figures by plain grouping of the rows (the way the page read them before the tally)."""
    rows = selectors.responses(survey, ResponseFilter(community=f.community, audience=f.audience))
    answers = Answer.objects.filter(question__survey=survey, question__revision=rev, response__in=rows)
    figures: dict = {"total": rows.count(), "older": rows.exclude(revision=rev).count()}
    scores = [x for x in rows.values_list("score", flat=True) if x is not None]
    figures["scored"] = len(scores)
    mean = sum(scores, Decimal(0)) / Decimal(len(scores)) if scores else None
    figures["mean_score"] = None if mean is None else float(mean.quantize(Decimal("0.1")))
    for q in survey.questions.filter(revision=rev):
        mine = answers.filter(question=q)
        n = mine.values("response_id").distinct().count()
        figures[(q.pk, "answered")] = n
        if q.kind in Question.CHOICE_KINDS:
            figures[(q.pk, "bars")] = [mine.filter(option=i).count() for i in range(len(q.options))]
        if q.kind == Question.Kind.SCALE:
            figures[(q.pk, "bars")] = [mine.filter(value=v).count() for v in range(1, 6)]
        mean = mine.filter(value__isnull=False).aggregate(m=Avg("value"))["m"]
        figures[(q.pk, "mean")] = None if mean is None else round(float(mean), 2)
        if q.is_knowledge and n:
            right = (
                mine.values("response_id")
                .annotate(r=Count("id", filter=Q(option__in=q.correct)), w=Count("id", filter=~Q(option__in=q.correct)))
                .filter(r=len(q.correct), w=0)
                .count()
            )
            figures[(q.pk, "right")] = round(100 * right / n, 1)
    figures["communities"] = sorted(
        (c or 0, k) for c, k in rows.values("community_id").annotate(k=Count("id")).values_list("community_id", "k")
    )
    figures["audiences"] = sorted(
        (a or 0, k) for a, k in rows.values("audience_id").annotate(k=Count("id")).values_list("audience_id", "k")
    )
    return figures


def _from_tally(survey: Survey, f: ResponseFilter, rev: int) -> dict:
    r = selectors.results(survey, f=f, revision=rev)
    figures: dict = {"total": r.total, "older": r.older, "scored": r.scored, "mean_score": r.mean_score}
    for qr in r.questions:
        q = qr.question
        figures[(q.pk, "answered")] = qr.answered
        if qr.bars:
            figures[(q.pk, "bars")] = [b.count for b in qr.bars]
        figures[(q.pk, "mean")] = qr.mean
        if qr.correct_share is not None:
            figures[(q.pk, "right")] = qr.correct_share
    figures["communities"] = sorted((g.id or 0, g.count) for g in r.communities)
    figures["audiences"] = sorted((g.id or 0, g.count) for g in r.audiences)
    return figures


def _tally_rows(survey: Survey) -> dict:
    return {
        (t.revision, t.community, t.audience, t.question, t.kind, t.item): (t.n, t.scored, t.total, t.squares)
        for t in Tally.objects.filter(survey=survey)
    }


@pytest.mark.django_db
def test_tally_equals_a_recount_of_the_responses_after_random_submissions(world):
    rng = random.Random(2126)
    survey, qs = _survey(world)
    _submit(survey, qs, 60, rng, world)
    # a new question after answers: revision 2; its copies of the questions are answered from now on
    again = add(survey, "scale", "还会参加吗？")
    survey.refresh_from_db()
    assert survey.revision == 2
    copies = {k: survey.current_questions().get(text=q.text) for k, q in qs.items()} | {"again": again}
    _submit(survey, copies, 40, rng, world, start=60)
    audience = Audience.objects.filter(is_active=True).first()
    filters = [
        ResponseFilter(),
        ResponseFilter(community=world.community_a.pk),
        ResponseFilter(community=world.community_b.pk),
        ResponseFilter(audience=audience.pk),
        ResponseFilter(community=world.community_a.pk, audience=audience.pk),
    ]
    checked = 0
    for rev in (1, 2):
        for f in filters:
            expected, got = _recount(survey, f, rev), _from_tally(survey, f, rev)
            assert got == expected, (rev, f)
            checked += sum(sum(v) for k, v in expected.items() if isinstance(k, tuple) and k[1] == "bars")
    assert checked > 500
    # the rebuild from the rows gives exactly the rows the submissions added
    before = _tally_rows(survey)
    days = list(DayTally.objects.filter(survey=survey).values_list("day", "community", "n", "scored", "total"))
    call_command("surveys_rebuild_tally", "--survey", str(survey.pk), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _tally_rows(survey) == before and len(before) > 100
    assert sorted(DayTally.objects.filter(survey=survey).values_list("day", "community", "n", "scored", "total")) == (
        sorted(days)
    )


@pytest.mark.django_db
def test_metrics_and_index_read_the_daily_tally_as_the_rows_say(world):
    rng = random.Random(7)
    survey, qs = _survey(world)
    _submit(survey, qs, 30, rng, world)
    today = dt.date.today()
    scores = list(Response.objects.filter(survey=survey, score__isnull=False).values_list("score", flat=True))
    counted = metrics.compute(services.RESPONSES, unit_ids=[survey.unit_id], start=today, end=today)
    assert counted[survey.unit_id] == 30
    placed = [
        r.score
        for r in Response.objects.filter(survey=survey, score__isnull=False).select_related("community", "survey")
        if selectors.place_of(r).pk == world.community_a.pk
    ]
    _quarters, rows = selectors.literacy_index(actor=SYSTEM, region=world.community_a, year=today.year)
    cell = rows[0].cells[(today.month - 1) // 3]
    assert cell[1] == len(placed) and Decimal(str(cell[0])) == (sum(placed) / len(placed)).quantize(Decimal("0.1"))
    assert len(scores) == 30


def test_the_index_puts_each_local_day_in_its_quarter(world):
    """Quarters by local date: 31 March late evening is the first quarter, 1 April just after midnight the
    second, 31 December the fourth (the ranges the index groups by, evaluated in the database)."""
    import time_machine

    s = make_survey(world.committee_a, publish=False)
    know = add(s, "single", "宪法日是哪天？", options=["12月4日", "3月15日"], correct=[0])
    services.transition(actor=SYSTEM, survey=s, name="publish")
    for device, when, option in (
        ("a", "2026-03-31 23:30 +0800", 0),
        ("b", "2026-04-01 00:10 +0800", 1),
        ("c", "2026-04-01 00:20 +0800", 0),
        ("d", "2026-12-31 23:50 +0800", 0),
    ):
        with time_machine.travel(when, tick=False):
            answer(s, device, {know: option}, community_id=world.community_a.pk)
    _quarters, rows = selectors.literacy_index(actor=SYSTEM, region=world.street_a, year=2026)
    assert [(r.name, r.cells) for r in rows] == [("沱河社区", [(100.0, 1), (50.0, 2), (None, 0), (100.0, 1)])]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_lose_no_count(world):
    survey, qs = _survey(world)
    barrier = threading.Barrier(8)
    errors: list[Exception] = []

    def phone(i: int) -> None:
        rng = random.Random(i)
        try:
            barrier.wait()
            for k in range(5):
                answer(
                    survey,
                    f"p{i}-{k}",
                    _random_answers(rng, qs),
                    community_id=world.community_a.pk,
                    address="198.51.100.7",  # one address: its hits counted in each response's transaction
                )
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=phone, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Response.objects.filter(survey=survey).count() == 40
    assert ThrottleWindow.objects.get(key="survey-submit:198.51.100.7").hits == 40
    counts, _days = tally.recount(survey.pk, response_model=Response, answer_model=Answer, question_model=Question)
    assert _tally_rows(survey) == {key: tuple(v) for key, v in counts.items()}
    assert _from_tally(survey, ResponseFilter(), 1) == _recount(survey, ResponseFilter(), 1)


@pytest.mark.django_db
def test_migrate_fills_an_empty_tally_of_a_database_with_responses(world):
    """A database upgraded from before the tally has responses and no counts: `migrate` (its post_migrate step)
    counts them by the same rule as the submissions; with counts present it leaves them alone."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    rng = random.Random(7)
    survey, qs = _survey(world)
    _submit(survey, qs, 12, rng, world)
    before = _tally_rows(survey)
    Tally.objects.all().delete()
    DayTally.objects.all().delete()
    config = apps.get_app_config("surveys")
    post_migrate.send(
        sender=config, app_config=config, verbosity=0, interactive=False, using="default", plan=[], apps=apps
    )
    assert _tally_rows(survey) == before and len(before) > 10
    Tally.objects.filter(survey=survey).update(n=0)  # counts present: not recounted behind the office's back
    post_migrate.send(
        sender=config, app_config=config, verbosity=0, interactive=False, using="default", plan=[], apps=apps
    )
    assert set(Tally.objects.filter(survey=survey).values_list("n", flat=True)) == {0}
