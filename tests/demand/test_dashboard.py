"""The demand dashboard one level down from the area looked at, from the area counts: a district's streets, a
street's communities, each figure opening exactly its orders and each area the level below; the rising topics
and the effect of publicity against values computed by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pufa.core.models import Domain
from pufa.demand import counts, selectors
from pufa.demand.models import WorkOrder
from pufa.org.models import Membership, Unit
from tests.factories import UnitFactory, make_activity, member_of

LABOUR, MARRIAGE = "ldjy-shbz", "fnet-hyjt"
TODAY = dt.date(2026, 6, 15)
START, END = dt.date(2025, 7, 1), dt.date(2026, 6, 30)


def put(world, day: dt.date, place, domain: str = LABOUR, n: int = 1, region=None) -> None:
    made = [
        WorkOrder(
            region=region or world.street_a,
            number=f"{place.pk if place else 0}-{domain}-{day}-{WorkOrder.objects.count()}-{i}",
            received_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
            text="诉求",
            place=place,
            place_confidence=0.9,
            domain=Domain.objects.get(code=domain),
            domain_confidence=0.9,
        )
        for i in range(n)
    ]
    WorkOrder.objects.bulk_create(made)
    counts.created(made)


@pytest.fixture
def orders(world):
    """Street A's orders (labour unless said); the rising topics and effects below are worked out from them."""
    a, b = world.community_a, world.community_b
    put(world, dt.date(2026, 1, 10), a)
    put(world, dt.date(2026, 3, 2), a)
    put(world, dt.date(2026, 3, 20), a)
    put(world, dt.date(2026, 4, 3), a)
    put(world, dt.date(2026, 5, 6), a)
    put(world, dt.date(2026, 6, 2), a, n=5)  # this month: not a whole month yet
    put(world, dt.date(2025, 12, 10), b)
    put(world, dt.date(2026, 2, 10), b)
    put(world, dt.date(2026, 4, 10), b)
    put(world, dt.date(2026, 5, 10), b)
    for month in (3, 4, 5):
        put(world, dt.date(2026, month, 5), b, MARRIAGE)
    put(world, dt.date(2026, 2, 20), None)  # placed nowhere
    put(world, dt.date(2026, 2, 21), world.street_a)  # the street, no community
    put(world, dt.date(2026, 3, 1), None, region=world.street_b)  # the other street's office


@pytest.fixture
def district_office(world):
    unit = UnitFactory(name="测试区法治办", kind=Unit.Kind.OFFICE, region=world.district, code="ceshi-fzb")
    return member_of(unit, Membership.Role.OFFICE, username="district_office")


def _rows(board):
    return {row.label: (row.total.count, {c.label: c.count for c in row.cells}) for row in board.areas}


def test_a_district_sees_its_streets_and_a_street_its_communities(client, world, orders, district_office):
    board = selectors.dashboard(actor=district_office, start=START, end=END, today=TODAY)
    assert board.home == world.district
    rows = _rows(board)
    assert rows["沱河街道"][0] == 18 and rows["三八街道"][0] == 0  # street B's one order was placed nowhere
    assert rows["未识别地点"][0] == 2
    assert board.total.count == WorkOrder.objects.count() == 20
    street = next(r for r in board.areas if r.region == world.street_a)
    assert street.down_url == selectors.dashboard_url(
        place=world.street_a.pk, start=START.isoformat(), end=END.isoformat()
    )
    down = selectors.dashboard(actor=district_office, start=START, end=END, place=world.street_a, today=TODAY)
    rows = _rows(down)
    assert rows["沱河社区"] == (10, {"劳动就业与社会保障": 10, "妇女儿童与婚姻家庭": 0})
    assert rows["桃园社区"] == (7, {"劳动就业与社会保障": 4, "妇女儿童与婚姻家庭": 3})
    assert rows["沱河街道（未细分到下级）"][0] == 1
    assert "未识别地点" not in rows  # a place filter: orders placed at or below it
    assert down.total.count == 18
    assert [name for name, _ in down.crumbs] == ["测试区", "沱河街道"]
    community = next(r for r in down.areas if r.region == world.community_a)
    assert community.down_url == community.total.url  # a community opens its orders
    client.force_login(district_office)
    for b in (board, down):
        figures = [c for r in b.areas for c in [*r.cells, r.total]] + [
            c for _, cells, t in b.months for c in [*cells, t]
        ]
        for cell in [*figures, *b.totals, b.total]:
            assert client.get(cell.url).context["page"].paginator.count == cell.count, cell
    page = client.get(street.down_url)
    assert page.status_code == 200 and page.context["board"].home == world.street_a


def test_a_street_office_starts_at_its_street(client, world, orders, office_user):
    board = selectors.dashboard(actor=office_user, start=START, end=END, today=TODAY)
    assert board.home == world.street_a
    assert {r.label for r in board.areas} == {"沱河社区", "桃园社区", "沱河街道（未细分到下级）", "未识别地点"}
    assert board.total.count == 19  # its own office's orders only
    client.force_login(office_user)
    page = client.get(reverse("demand:dashboard"))
    html = page.content.decode()
    assert page.status_code == 200 and "三八街道" not in html
    assert len(html) < 60_000


def test_rising_topics_hand_computed(world, orders, office_user):
    board = selectors.dashboard(actor=office_user, start=START, end=END, today=TODAY)
    assert board.recent == (dt.date(2025, 12, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1), dt.date(2026, 5, 1))
    # the whole street: marriage 0 → 3 (new); labour Dec–Feb: b, a, b, unplaced, the street = 5, Mar–May: a ×4,
    # b ×2 = 6 (June's five are not a whole month yet)
    got = [(r.place, r.domain.code, r.before, r.now, r.percent) for r in board.rising_domains]
    assert got == [(None, MARRIAGE, 0, 3, None), (None, LABOUR, 5, 6, 20)]
    got = [(r.place, r.domain.code, r.before, r.now, r.change, r.percent) for r in board.rising_places]
    assert got == [(world.community_a, LABOUR, 1, 4, 3, 300), (world.community_b, MARRIAGE, 0, 3, 3, None)]
    assert board.rising_places[0].url == selectors._url(
        start="2026-03-01", end="2026-05-31", place=world.community_a.pk, domain=Domain.objects.get(code=LABOUR).pk
    )


def test_rising_needs_the_minimum_of_recent_orders(world, orders, office_user, settings):
    settings.PUFA_DEMAND_MIN_ORDERS = 4
    board = selectors.dashboard(actor=office_user, start=START, end=END, today=TODAY)
    assert [(r.place, r.domain.code) for r in board.rising_places] == [(world.community_a, LABOUR)]
    assert [(r.domain.code, r.now) for r in board.rising_domains] == [(LABOUR, 6)]


def test_effect_before_and_after_the_first_publicity(client, world, orders, office_user):
    make_activity(world.committee_a, domains=[LABOUR], date=dt.date(2026, 3, 10))
    make_activity(world.committee_a, domains=[LABOUR], date=dt.date(2026, 4, 5))
    make_activity(world.committee_a, domains=[LABOUR], date=dt.date(2026, 3, 12), status="draft")  # not counted
    labour = Domain.objects.get(code=LABOUR)
    board = selectors.dashboard(actor=office_user, start=START, end=END, today=TODAY, domain=labour)
    (effect,) = board.effects
    # the street (all its office's orders): Dec–Feb before March: b Dec, a Jan, b Feb, unplaced Feb, street Feb
    assert (effect.domain, effect.month, effect.activities) == (labour, dt.date(2026, 3, 1), 1)
    assert (effect.before.count, effect.after.count, effect.after_months, effect.change) == (5, 4, 2, -1)
    community = selectors.dashboard(
        actor=office_user, start=START, end=END, today=TODAY, place=world.community_a, domain=labour
    )
    assert _rows(community) == {"沱河社区": (10, {"劳动就业与社会保障": 10})}  # a community: no level below
    (effect,) = community.effects
    assert (effect.month, effect.activities, effect.before.count, effect.after.count) == (dt.date(2026, 3, 1), 1, 1, 2)
    trend = {m: (o.count, a.count) for m, o, a in community.trend.months}
    assert len(trend) == 12
    assert trend[dt.date(2026, 3, 1)] == (2, 1) and trend[dt.date(2026, 4, 1)] == (1, 1)
    assert trend[dt.date(2026, 6, 1)] == (5, 0)
    client.force_login(office_user)
    for cell in [effect.before, effect.after, *(o for _, o, _ in community.trend.months)]:
        assert client.get(cell.url).context["page"].paginator.count == cell.count
    assert client.get(effect.activities_url).status_code == 200
    page = client.get(
        reverse("demand:dashboard"),
        {"place": world.community_a.pk, "domain": labour.pk, "start": START.isoformat(), "end": END.isoformat()},
    )
    assert page.status_code == 200 and 'data-testid="trend-chart"' in page.content.decode()


def test_recommendations_read_further_pages_past_covered_candidates(world, office_user, monkeypatch):
    """The busiest pair is covered by an activity: with one candidate a page, the next page gives the topic."""
    monkeypatch.setattr(selectors, "CANDIDATES", 1)
    today = dt.date(2026, 3, 20)
    put(world, dt.date(2026, 3, 2), world.community_a, n=4)
    put(world, dt.date(2026, 3, 3), world.community_b, n=3)
    make_activity(world.committee_a, domains=[LABOUR], date=dt.date(2026, 3, 10))
    found = selectors.recommendations(actor=office_user, today=today)
    assert [(r.place, r.domain.code, r.orders) for r in found] == [(world.community_b, LABOUR, 3)]
    assert selectors.recommendations(actor=office_user, today=today, place=world.community_a) == []


@pytest.mark.parametrize(
    "params",
    [
        {"start": "0001-01-01"},
        {"end": "9999-12-31"},
        {"start": "0001-01-01", "end": "9999-12-31"},
        {"domain": "999999"},
        {"domain": "abc"},
        {"place": "-1"},
        {"start": "2026-13-01"},
    ],
)
def test_odd_queries_show_the_page(client, world, office_user, params):
    """Days far off (months added to them would overflow) and unknown ids are ignored filters, never a 500."""
    client.force_login(office_user)
    assert client.get(reverse("demand:dashboard"), params).status_code == 200
    assert client.get(reverse("demand:order-list"), params).status_code == 200


def test_recommendations_are_listed_from_the_levels_that_hold_few_communities(
    client, world, district_office, office_user, monkeypatch, settings
):
    settings.PUFA_DEMAND_MIN_ORDERS = 1
    put(world, timezone.localdate().replace(day=1), world.community_a, n=2)
    client.force_login(district_office)
    page = client.get(reverse("demand:dashboard"))
    assert [r.place for r in page.context["recommendations"]] == [world.community_a]
    monkeypatch.setattr(selectors, "RECOMMEND_IN", (world.street_a.level,))  # as a city is treated
    page = client.get(reverse("demand:dashboard"))
    assert page.context["recommendations"] == [] and 'data-testid="recommend-below"' in page.content.decode()
    page = client.get(reverse("demand:dashboard"), {"place": world.street_a.pk})
    assert [r.place for r in page.context["recommendations"]] == [world.community_a]
