"""The dashboard's count table (`demand.counts`): equal to a recount of the orders after any sequence of
imports, re-imports (reclassified, moved to another month or place), corrections and deletions; rebuilt by
`pufa demand-rebuild-counts`; and the dashboard's queries do not grow with the orders."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pufa.core.actors import SYSTEM
from pufa.core.models import Domain
from pufa.demand import counts, importers, selectors, services
from pufa.demand.models import DemandAreaCount, DemandCount, WorkOrder

TEXTS = [
    "包工头拖欠工资三个月不给",
    "公司不签劳动合同就辞退",
    "丈夫家暴想离婚，孩子抚养权怎么判",
    "楼上漏水物业不管",
    "借给朋友五万元不还",
    "父亲去世没有遗嘱，房子怎么继承",
    "电动车被汽车撞了对方不赔",
    "网上投资被骗，钱取不出来",
    "你好",
]
TIMES = [
    "2025-12-31 23:50",
    "2026-01-01 00:05",
    "2026-01-31 23:59",
    "2026-02-01 00:00",
    "2026-02-15 12:00",
    "2026-03-05 10:30",
]
HEADER = ["工单编号", "受理时间", "诉求内容", "诉求地址"]


def assert_counts_exact() -> None:
    recount = counts.recount()
    assert counts.stored() == recount
    assert counts.stored_areas() == counts.areas_of(recount)


def test_counts_equal_a_recount_after_a_random_sequence_of_writes(world):
    rng = random.Random(20)
    addresses = [world.community_a.name, world.community_b.name, world.street_a.name, "", "不知名的路"]
    domains = list(Domain.objects.filter(is_active=True)[:6])
    places = [world.community_a, world.community_b, world.street_a]
    numbers = [f"R-{i:03d}" for i in range(30)]
    seen = {"import": 0, "correct": 0, "delete": 0}
    for _ in range(24):
        have = list(WorkOrder.objects.values_list("number", flat=True))
        op = rng.choice(["import", "import", "correct", "delete"] if have else ["import"])
        if op == "import":
            rows = [
                [n, rng.choice(TIMES), rng.choice(TEXTS), rng.choice(addresses)]
                for n in rng.sample(numbers, rng.randint(3, 12))
            ]
            table = importers.Table(HEADER, list(enumerate(rows, start=2)))
            services.import_orders(
                actor=SYSTEM, region=world.street_a, table=table, mapping=importers.guess_mapping(HEADER)
            )
        elif op == "correct":
            order = WorkOrder.objects.get(number=rng.choice(have))
            services.order_correct(
                actor=SYSTEM,
                order=order,
                domain=rng.choice([None, *domains]),
                place=rng.choice([None, *places]),
            )
        else:
            services.orders_delete(actor=SYSTEM, region=world.street_a, numbers=rng.sample(have, min(len(have), 4)))
        seen[op] += 1
        assert_counts_exact()
    assert all(seen.values()), seen
    assert WorkOrder.objects.exists()
    # the dashboard, read from the counts, adds up to the order list over the same whole months
    board = selectors.dashboard(actor=SYSTEM, start=dt.date(2025, 12, 1), end=dt.date(2026, 3, 31))
    listed = selectors.order_list(actor=SYSTEM, start=board.start, end=board.end)
    assert board.total.count == listed.count() == WorkOrder.objects.count()
    for month, _cells, total in board.months:
        first, last = selectors.month_span(month, month)
        assert total.count == selectors.order_list(actor=SYSTEM, start=first, end=last).count()


def test_month_is_the_local_month_of_receipt(world):
    rows = [["M-1", "2026-01-31 23:59", TEXTS[0], world.community_a.name], ["M-2", "2026-02-01 00:00", TEXTS[0], ""]]
    table = importers.Table(HEADER, list(enumerate(rows, start=2)))
    services.import_orders(actor=SYSTEM, region=world.street_a, table=table, mapping=importers.guess_mapping(HEADER))
    months = sorted(DemandCount.objects.values_list("month", flat=True))
    assert months == [dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    assert DemandCount.objects.get(month=dt.date(2026, 2, 1)).place == DemandCount.NONE


def test_rebuild_command_restores_the_counts(world):
    rows = [[f"C-{i}", TIMES[i % len(TIMES)], TEXTS[i % len(TEXTS)], world.community_b.name] for i in range(12)]
    table = importers.Table(HEADER, list(enumerate(rows, start=2)))
    services.import_orders(actor=SYSTEM, region=world.street_a, table=table, mapping=importers.guess_mapping(HEADER))
    right = counts.stored()
    DemandCount.objects.filter(pk=DemandCount.objects.order_by("pk").first().pk).update(n=99)
    DemandCount.objects.order_by("pk").last().delete()
    with pytest.raises(CommandError):
        call_command("demand_rebuild_counts", "--check")
    call_command("demand_rebuild_counts")
    assert counts.stored() == right == counts.recount()
    call_command("demand_rebuild_counts", "--check")
    areas = counts.stored_areas()
    DemandAreaCount.objects.filter(area=world.street_a.pk).update(n=7)  # only the roll-up is wrong
    with pytest.raises(CommandError):
        call_command("demand_rebuild_counts", "--check")
    call_command("demand_rebuild_counts")
    assert counts.stored_areas() == areas == counts.areas_of(counts.recount())


def test_an_order_counts_in_its_place_every_region_above_and_its_office(world):
    """The roll-up written out by hand: two orders in community A (street A, district), one in street A itself,
    one placed nowhere, all of street A's office, in one month and domain."""
    rows = [
        ["A-1", TIMES[4], TEXTS[0], world.community_a.name],
        ["A-2", TIMES[4], TEXTS[0], world.community_a.name],
        ["A-3", TIMES[4], TEXTS[0], world.street_a.name],
        ["A-4", TIMES[4], TEXTS[0], "不知名的路"],
    ]
    table = importers.Table(HEADER, list(enumerate(rows, start=2)))
    services.import_orders(actor=SYSTEM, region=world.street_a, table=table, mapping=importers.guess_mapping(HEADER))
    domain = WorkOrder.objects.get(number="A-1").domain_id
    assert set(WorkOrder.objects.values_list("domain_id", flat=True)) == {domain}
    got = {a: n for (_, a, _, _), n in counts.stored_areas().items()}
    assert got == {
        DemandAreaCount.NONE: 4,
        world.district.pk: 3,
        world.street_a.pk: 3,
        world.community_a.pk: 2,
    } | ({world.district.parent_id: 3} if world.district.parent_id else {})


def _orders(world, copies: int) -> None:
    """Three orders per (place, domain, month) × copies: the same cells, `copies` times the orders."""
    domains = list(Domain.objects.filter(is_active=True)[:4])
    today = timezone.localdate()
    made = []
    for place in (world.community_a, world.community_b):
        for domain in domains:
            for month_back in range(3):
                day = (today.replace(day=1) - dt.timedelta(days=31 * month_back)).replace(day=2)
                for i in range(3 * copies):
                    made.append(
                        WorkOrder(
                            region=world.street_a,
                            number=f"Q-{place.pk}-{domain.pk}-{month_back}-{i}",
                            received_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
                            text="拖欠工资",
                            place=place,
                            place_confidence=0.9,
                            domain=domain,
                            domain_confidence=0.9,
                        )
                    )
    WorkOrder.objects.bulk_create(made)
    counts.created(made)


def _dashboard_queries(client) -> tuple[int, int]:
    client.get(reverse("demand:dashboard"))  # warm: the session, the grants and the menu caches
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("demand:dashboard"))
    assert page.status_code == 200
    return len(queries), page.context["board"].total.count


def test_dashboard_queries_do_not_grow_with_the_orders(client, world, office_user):
    client.force_login(office_user)
    _orders(world, 1)
    few, total_few = _dashboard_queries(client)
    WorkOrder.objects.all().delete()
    DemandCount.objects.all().delete()
    DemandAreaCount.objects.all().delete()
    _orders(world, 5)
    many, total_many = _dashboard_queries(client)
    assert total_many == 5 * total_few == 5 * 72
    assert many == few
