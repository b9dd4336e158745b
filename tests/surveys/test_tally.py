"""The results' tally: after random submissions (every question type, skip logic, communities, audiences, a
new revision half-way), stored pending, the figures read from the tally (the pending responses folded in by
the reader) equal a recount of the raw responses and answers by plain grouping queries — for every filter the
results page offers, the tables by community and audience with them; the rebuild gives the same rows as the
folds did; a fold counts each response once, on PostgreSQL too with submissions, folds and a rebuild running
at once; a community's rows over every audience are not stored, and the migration dropping them keeps every
figure."""

from __future__ import annotations

import datetime as dt
import random
import threading
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import Avg, Count, Q
from django.urls import reverse

from pufa.core import events
from pufa.core.models import Audience, ThrottleWindow
from pufa.org.access import SYSTEM
from pufa.plans import metrics
from pufa.surveys import selectors, services, tally, tasks
from pufa.surveys.models import Answer, DayTally, Question, Response, Survey, Tally
from pufa.surveys.selectors import ResponseFilter
from tests.surveys.conftest import add, answer, make_survey


def _survey(world, *, ask_audience: bool = True) -> tuple[Survey, dict[str, Question]]:
    s = make_survey(world.office_unit, publish=False, kind=Survey.Kind.LITERACY, ask_audience=ask_audience)
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


def _mean_of(scores: list[Decimal]) -> float | None:
    return float((sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.1"))) if scores else None


def _by(rows, field: str) -> list[tuple[int, int, float | None]]:
    """(group id or 0 for none, responses, mean score) per group of the responses, from the rows."""
    groups: dict[int, list[Decimal | None]] = {}
    for gid, score in rows.values_list(field, "score"):
        groups.setdefault(gid or 0, []).append(score)
    return sorted((g, len(v), _mean_of([x for x in v if x is not None])) for g, v in groups.items())


def _recount(survey: Survey, f: ResponseFilter, rev: int) -> dict:
    """The results page's figures by plain grouping of the rows (the way the page read them before the tally)."""
    rows = selectors.responses(survey, ResponseFilter(community=f.community, audience=f.audience))
    answers = Answer.objects.filter(question__survey=survey, question__revision=rev, response__in=rows)
    figures: dict = {"total": rows.count(), "older": rows.exclude(revision=rev).count()}
    scores = [x for x in rows.values_list("score", flat=True) if x is not None]
    figures["scored"] = len(scores)
    figures["mean_score"] = _mean_of(scores)
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
    figures["communities"] = _by(rows, "community_id")
    figures["audiences"] = _by(rows, "audience_id")
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
    figures["communities"] = sorted((g.id or 0, g.count, g.mean_score) for g in r.communities)
    figures["audiences"] = sorted((g.id or 0, g.count, g.mean_score) for g in r.audiences)
    return figures


def _filters(world) -> list[ResponseFilter]:
    """Every filter of the results page over the test's places and groups: none, a community, an audience,
    both (the links of the tables by community and audience; a response with none is not a filter)."""
    places = [None, world.community_a.pk, world.community_b.pk]
    groups = [None, *Audience.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)[:2]]
    return [ResponseFilter(community=c, audience=a) for c in places for a in groups]


def _stored_over_every_audience(survey: Survey) -> int:
    """Rows of a community over every audience, (c, ALL) for c ≠ ALL: none is stored."""
    return Tally.objects.filter(survey=survey, audience=Tally.ALL).exclude(community=Tally.ALL).count()


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
    # stored pending: no count yet, until a reader folds them in
    assert Response.objects.filter(survey=survey, tallied=False).count() == 100
    assert not Tally.objects.filter(survey=survey).exists() and not DayTally.objects.filter(survey=survey).exists()
    checked = 0
    for rev in (1, 2):
        for f in _filters(world):
            expected, got = _recount(survey, f, rev), _from_tally(survey, f, rev)
            assert got == expected, (rev, f)
            checked += sum(sum(v) for k, v in expected.items() if isinstance(k, tuple) and k[1] == "bars")
    assert checked > 1000
    assert not Response.objects.filter(survey=survey, tallied=False).exists()
    # every place and group met: with and without a community, with and without an audience
    whole = _recount(survey, ResponseFilter(), 2)
    assert len(whole["communities"]) == 3 and len(whole["audiences"]) == 3
    assert _stored_over_every_audience(survey) == 0
    # the rebuild from the rows gives exactly the rows the folds added
    before = _tally_rows(survey)
    days = list(DayTally.objects.filter(survey=survey).values_list("day", "community", "n", "scored", "total"))
    call_command("surveys_rebuild_tally", "--survey", str(survey.pk), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _tally_rows(survey) == before and len(before) > 100 and _stored_over_every_audience(survey) == 0
    assert sorted(DayTally.objects.filter(survey=survey).values_list("day", "community", "n", "scored", "total")) == (
        sorted(days)
    )


@pytest.mark.django_db
def test_a_survey_without_the_audience_question_keeps_one_row_per_community_and_figure(world):
    """No audience asked: every response is in (c, NONE) and (ALL, NONE) besides (ALL, ALL) — the rows a
    community over every audience was a copy of are gone; the figures by community still equal a recount."""
    survey, qs = _survey(world, ask_audience=False)
    _submit(survey, qs, 40, random.Random(21), world)
    for f in _filters(world):
        assert _from_tally(survey, f, 1) == _recount(survey, f, 1), f
    cells = set(Tally.objects.filter(survey=survey).values_list("community", "audience").distinct())
    places = {world.community_a.pk, world.community_b.pk, Tally.NONE}
    assert cells == {(Tally.ALL, Tally.ALL), (Tally.ALL, Tally.NONE), *((c, Tally.NONE) for c in places)}
    counts, _days = tally.recount(survey.pk, response_model=Response, answer_model=Answer, question_model=Question)
    assert _tally_rows(survey) == {key: tuple(v) for key, v in counts.items()}


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
    tally.fold()
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
    tally.fold()
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


def _all_equal_a_recount(survey: Survey) -> None:
    counts, days = tally.recount(survey.pk, response_model=Response, answer_model=Answer, question_model=Question)
    assert _tally_rows(survey) == {key: tuple(v) for key, v in counts.items()}
    assert {
        (d, c): [n, k, t]
        for d, c, n, k, t in DayTally.objects.filter(survey=survey).values_list(
            "day", "community", "n", "scored", "total"
        )
    } == days


@pytest.mark.django_db
def test_a_pending_response_is_counted_by_the_results_page_before_any_task(world, client, client_for, office_user):
    """Answered through the portal (its commit's task never runs inside a test's transaction) and through the
    service: pending, no count; the results page folds them in before it reads; a second fold adds nothing."""
    rng = random.Random(3)
    survey, qs = _survey(world)
    satisfied = qs["scale"]
    data = {f"q{q.pk}": str(v[0] if isinstance(v, list) else v) for q, v in _random_answers(rng, qs).items()}
    page = client.post(reverse("portal:survey", args=[survey.token]), {**data, f"q{satisfied.pk}": "4"})
    assert 'data-testid="survey-done"' in page.content.decode()
    answer(survey, "dev-x", {**_random_answers(rng, qs), satisfied: 4}, community_id=world.community_a.pk)
    assert list(Response.objects.filter(survey=survey).values_list("tallied", flat=True)) == [False, False]
    assert not Tally.objects.filter(survey=survey).exists()
    staff = client_for(office_user)
    results = staff.get(reverse("surveys:results", args=[survey.pk])).context["results"]
    assert results.total == 2
    bars = next(r for r in results.questions if r.question.pk == satisfied.pk).bars
    assert [b.count for b in bars] == [0, 0, 0, 2, 0]
    assert set(Response.objects.filter(survey=survey).values_list("tallied", flat=True)) == {True}
    rows = _tally_rows(survey)
    assert tally.fold() == 0 and _tally_rows(survey) == rows  # idempotent
    _all_equal_a_recount(survey)


@pytest.mark.django_db
def test_a_fold_with_nothing_pending_is_one_query(world, django_assert_num_queries):
    survey, qs = _survey(world)
    answer(survey, "a", _random_answers(random.Random(1), qs))
    assert tally.fold([survey.pk + 1000]) == 0  # another survey's: not this one's response
    assert tally.fold([survey.pk]) == 1
    with django_assert_num_queries(1) as asked:
        assert tally.fold() == 0
    # "any pending?" unordered: with the model's ordering PostgreSQL sorted every pending row to return one
    assert "ORDER BY" not in asked.captured_queries[0]["sql"].upper()
    with django_assert_num_queries(1):
        assert tally.fold([survey.pk]) == 0


@pytest.mark.django_db
def test_folds_in_batches_count_each_response_once(world, monkeypatch):
    rng = random.Random(11)
    survey, qs = _survey(world)
    _submit(survey, qs, 7, rng, world)
    assert tally.fold(batch=3) == 7  # three transactions: 3, 3, 1
    _submit(survey, qs, 5, rng, world, start=7)
    assert tally.fold([survey.pk], batch=2) == 5
    _all_equal_a_recount(survey)
    # a batch another writer counted in part since it was read: the marks roll back, the batch is read again
    _submit(survey, qs, 4, rng, world, start=12)
    first = Response.objects.filter(survey=survey, tallied=False).order_by("pk").first()
    real_count = tally.count
    raced: list[int] = []

    def count_then_race(rows, **kwargs):
        got = real_count(rows, **kwargs)
        if not raced and any(row[0] == first.pk for row in rows):
            raced.append(first.pk)
            tally.rebuild([survey.pk])  # counts all 16 and marks them
        return got

    monkeypatch.setattr(tally, "count", count_then_race)
    assert tally.fold() == 0 and raced
    _all_equal_a_recount(survey)


@pytest.mark.django_db
def test_a_metric_read_in_the_responses_own_transaction_counts_it(world):
    """A target on the survey metrics is recomputed by the listener of the response's `RecordsChanged`, inside
    its transaction: the metric folds first, so the response is counted there."""
    survey, qs = _survey(world)
    seen: list[Decimal] = []
    today = dt.date.today()

    def target_listener(event: events.RecordsChanged) -> None:
        got = metrics.compute(services.RESPONSES, unit_ids=[survey.unit_id], start=today, end=today)
        seen.append(got.get(survey.unit_id, Decimal(0)))

    with events.listening(events.RecordsChanged, target_listener):
        answer(survey, "a", _random_answers(random.Random(1), qs))
        answer(survey, "b", _random_answers(random.Random(2), qs))
    assert seen == [1, 2]
    _all_equal_a_recount(survey)


@pytest.mark.django_db
def test_a_committed_response_asks_for_a_fold_at_most_once_in_a_while(world, django_capture_on_commit_callbacks):
    """The tests' task backend runs a task at once: the first response's commit folds it; the next, within
    `FOLD_EVERY` seconds, stays pending for the next reader."""
    survey, qs = _survey(world)
    cache.delete(tasks.MARK)
    with django_capture_on_commit_callbacks(execute=True):
        answer(survey, "a", _random_answers(random.Random(1), qs))
    with django_capture_on_commit_callbacks(execute=True):
        answer(survey, "b", _random_answers(random.Random(2), qs))
    assert dict(Response.objects.filter(survey=survey).values_list("device", "tallied")) == {"a": True, "b": False}
    cache.delete(tasks.MARK)  # FOLD_EVERY seconds later
    with django_capture_on_commit_callbacks(execute=True):
        answer(survey, "c", _random_answers(random.Random(3), qs))
    assert set(Response.objects.filter(survey=survey).values_list("tallied", flat=True)) == {True}
    _all_equal_a_recount(survey)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_folds_and_a_rebuild_count_each_response_once(world):
    """Phones answering in four threads while two others fold in a loop and one rebuilds now and then: no
    response counted twice or lost, no deadlock (a lock wait beyond the timeout would fail a thread)."""
    survey, qs = _survey(world)
    done = threading.Event()
    errors: list[Exception] = []

    def phone(i: int) -> None:
        rng = random.Random(i)
        try:
            for k in range(15):
                answer(
                    survey, f"p{i}-{k}", _random_answers(rng, qs), community_id=rng.choice([world.community_a.pk, None])
                )
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def folder(rebuild: bool) -> None:
        try:
            while not done.is_set():
                if rebuild:
                    tally.rebuild([survey.pk])
                else:
                    tally.fold(batch=4)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    phones = [threading.Thread(target=phone, args=(i,)) for i in range(4)]
    folders = [threading.Thread(target=folder, args=(r,)) for r in (False, False, True)]
    for t in [*folders, *phones]:
        t.start()
    for t in phones:
        t.join(timeout=120)
    done.set()
    for t in folders:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in [*phones, *folders])  # a deadlock PostgreSQL did not break
    assert not errors
    assert Response.objects.filter(survey=survey).count() == 60
    tally.fold()
    assert not Response.objects.filter(tallied=False).exists()
    _all_equal_a_recount(survey)
    assert _from_tally(survey, ResponseFilter(), 1) == _recount(survey, ResponseFilter(), 1)


@pytest.mark.django_db(transaction=True)
def test_the_migration_adding_the_flag_counts_no_stored_response_twice(world):
    """The responses stored before the flag were counted in their own transactions: the migration marks them
    tallied, so no fold adds them again; a response stored afterwards is pending."""
    from django.db.migrations.executor import MigrationExecutor

    cache.set(tasks.MARK, 1, timeout=600)  # no fold after the commits here: this test folds by hand
    survey, qs = _survey(world)
    _submit(survey, qs, 6, random.Random(5), world)
    tally.fold()
    before = _tally_rows(survey)
    MigrationExecutor(connection).migrate([("surveys", "0004_campaign")])
    MigrationExecutor(connection).migrate(_latest())
    assert set(Response.objects.values_list("tallied", flat=True)) == {True}
    assert tally.fold() == 0 and _tally_rows(survey) == before
    _all_equal_a_recount(survey)
    _submit(survey, qs, 1, random.Random(6), world, start=6)
    assert Response.objects.get(device="dev-6").tallied is False
    assert tally.fold() == 1
    _all_equal_a_recount(survey)
    cache.delete(tasks.MARK)


def _latest() -> list[tuple[str, str]]:
    from django.db.migrations.executor import MigrationExecutor

    return MigrationExecutor(connection).loader.graph.leaf_nodes("surveys")


@pytest.mark.django_db(transaction=True)
def test_the_migration_dropping_a_communitys_rows_over_every_audience_keeps_every_figure(world):
    """Backward (to the counting before it): each community's rows over every audience come back as the sums
    of its rows per audience — the responses' counts by community, as the rows say; forward deletes exactly
    those rows, and every figure of the results page, by community and audience, is what it was."""
    from django.db.migrations.executor import MigrationExecutor

    cache.set(tasks.MARK, 1, timeout=600)  # no fold after the commits here: this test folds by hand
    survey, qs = _survey(world)
    _submit(survey, qs, 40, random.Random(8), world)
    tally.fold()
    stored = _tally_rows(survey)
    pages = {f: _from_tally(survey, f, 1) for f in _filters(world)}
    assert _stored_over_every_audience(survey) == 0

    MigrationExecutor(connection).migrate([("surveys", "0005_response_tallied")])
    restored = _tally_rows(survey)
    sums: dict = {}
    for (rev, c, a, q, kind, item), row in stored.items():
        if c != Tally.ALL and a != Tally.ALL:
            have = sums.get((rev, c, Tally.ALL, q, kind, item), (0, 0, 0, 0))
            sums[(rev, c, Tally.ALL, q, kind, item)] = tuple(x + y for x, y in zip(have, row, strict=True))
    assert restored == {**stored, **sums} and len(sums) > 50
    by_community: dict = {}  # the responses of each community, from their rows: n, scored, sum of the scores
    for c, score in Response.objects.filter(survey=survey).values_list("community_id", "score"):
        n, k, t = by_community.get(c or Tally.NONE, (0, 0, 0))
        by_community[c or Tally.NONE] = (n + 1, k + (score is not None), t + tally.hundredths(score or 0))
    assert {
        c: row[:3]
        for (_rev, c, a, _q, kind, _i), row in restored.items()
        if c != Tally.ALL and a == Tally.ALL and kind == "r"
    } == by_community
    assert len(by_community) == 3

    MigrationExecutor(connection).migrate(_latest())
    assert _tally_rows(survey) == stored
    for f, figures in pages.items():
        assert _from_tally(survey, f, 1) == figures == _recount(survey, f, 1), f
    _all_equal_a_recount(survey)
    cache.delete(tasks.MARK)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL storage parameter")
@pytest.mark.django_db
def test_the_tally_leaves_room_on_its_pages_for_the_folds_updates():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'surveys_tally'")
        assert "fillfactor=70" in cursor.fetchone()[0]
