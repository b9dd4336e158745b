"""知识竞赛 on the portal: no account, a nickname and a community, one entry per device per round, a rate
limit per address, scored at once and ranked by community — and the paper never shows the answers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pufa.exams import selectors, services
from pufa.exams.models import ContestEntry, Question
from pufa.org.access import SYSTEM
from pufa.portal import contests


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()  # the rate limit is counted in the cache, which other tests' requests from 127.0.0.1 share


@pytest.fixture
def contest(world, bank):
    now = timezone.now()
    return services.contest_create(
        actor=SYSTEM,
        data=services.ContestData(
            unit=world.office_unit,
            title="宪法知识网上竞赛（第一轮）",
            bank=bank,
            starts_at=now - dt.timedelta(hours=1),
            ends_at=now + dt.timedelta(days=1),
            question_count=5,
        ),
    )


def _enter(client: Client, contest, community, nickname="小明"):
    return client.post(reverse("portal:contest", args=[contest.pk]), {"nickname": nickname, "community": community.pk})


def test_enter_answer_and_rank_without_an_account(world, contest):
    client = Client()
    assert client.get(reverse("portal:contest", args=[contest.pk])).status_code == 200
    response = _enter(client, contest, world.community_a)
    assert response.status_code == 302 and response.url == reverse("portal:contest-paper", args=[contest.pk])
    entry = ContestEntry.objects.get(contest=contest)
    assert entry.device != client.cookies[contests.DEVICE_COOKIE].value  # only the hash is stored
    paper = client.get(response.url).content.decode()
    questions = Question.objects.in_bulk([q for q, _ in entry.items])
    assert all(q.explanation not in paper for q in questions.values() if q.explanation)
    answers = {f"q{qid}": list(q.answer) for qid, q in questions.items()}
    client.post(reverse("portal:contest-submit", args=[contest.pk]), answers)
    entry.refresh_from_db()
    assert entry.score == 100
    board = selectors.contest_leaderboard(contest.pk)
    assert [(r.name, r.entries, r.best) for r in board["communities"]] == [(world.community_a.name, 1, 100)]
    assert board["people"][0].name == f"小明 · {world.community_a.name}"


def test_one_entry_per_device_per_round(world, contest):
    client = Client()
    _enter(client, contest, world.community_a)
    _enter(client, contest, world.community_b, nickname="换个名字")
    assert ContestEntry.objects.filter(contest=contest).count() == 1
    with pytest.raises(ValidationError, match="只能参加一次"):
        device = ContestEntry.objects.get(contest=contest).device
        services.contest_enter(contest_id=contest.pk, device=device, nickname="再来", community_id=world.community_a.pk)
    _enter(Client(), contest, world.community_b, nickname="另一台手机")
    assert ContestEntry.objects.filter(contest=contest).count() == 2


def test_rate_limit_per_address(world, contest):
    for i in range(contests.ENTER_LIMIT):
        assert _enter(Client(), contest, world.community_a, nickname=f"用户{i}").status_code == 302
    blocked = _enter(Client(), contest, world.community_a, nickname="太多了")
    assert blocked.status_code == 429 and "过于频繁" in blocked.content.decode()
    assert ContestEntry.objects.filter(contest=contest).count() == contests.ENTER_LIMIT


def test_only_in_the_round_and_only_communities_of_the_organiser(world, contest, bank):
    with pytest.raises(ValidationError, match="社区"):
        services.contest_enter(contest_id=contest.pk, device="x", nickname="外人", community_id=world.street_b.pk)
    contest.ends_at = timezone.now() - dt.timedelta(minutes=1)
    contest.save()
    with pytest.raises(ValidationError, match="不在答题时间内"):
        services.contest_enter(contest_id=contest.pk, device="y", nickname="迟到", community_id=world.community_a.pk)


def test_only_the_office_creates_contests(world, bank, liaison):
    now = timezone.now()
    data = services.ContestData(
        unit=world.office_unit, title="x", bank=bank, starts_at=now, ends_at=now + dt.timedelta(hours=1)
    )
    with pytest.raises(PermissionDenied):
        services.contest_create(actor=liaison, data=data)


def test_office_creates_a_contest_through_the_page(client_for, world, bank, office_user):
    now = timezone.localtime()
    response = client_for(office_user).post(
        reverse("exams:contest-create"),
        {
            "title": "民法典知识竞赛",
            "unit": world.office_unit.pk,
            "bank": bank.pk,
            "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "question_count": 10,
        },
    )
    assert response.status_code == 302
    assert "民法典知识竞赛" in client_for(office_user).get(reverse("exams:index")).content.decode()


def test_an_odd_community_is_a_form_error_not_a_server_error(world, contest):
    client = Client(raise_request_exception=False)
    for value in ("²", "①", "99999999999999999999999", "\x00"):
        response = client.post(reverse("portal:contest", args=[contest.pk]), {"nickname": "小明", "community": value})
        assert response.status_code == 200, value
    assert not ContestEntry.objects.filter(contest=contest).exists()
