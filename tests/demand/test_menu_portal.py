"""The 普法菜单 and 点单 on the portal: the menu is what published lists offer (nothing else), an order is placed
without an account and routed, the private link shows its progress and takes the rating once, and orders per
address are rate-limited."""

from __future__ import annotations

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from pufa.core.models import ActivityKind, Domain
from pufa.demand import menu
from pufa.demand.models import MenuOrder
from tests.factories import duty_list, make_activity


@pytest.fixture(autouse=True)
def _today():
    cache.clear()
    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        yield


@pytest.fixture
def published(world):
    return duty_list(world.committee_a, status="published", content="公开事项：宣传民法典")


def test_menu_lists_published_offers_with_their_forms(client, world, published):
    duty_list(world.judicial_office, status="filed", content="未公告事项")
    html = client.get(reverse("portal:menu"), {"region": world.street_a.pk}).content.decode()
    assert "公开事项：宣传民法典" in html and "专题讲座/法治课" in html and "民法典" in html
    assert "未公告事项" not in html and "张明" not in html and "13805571003" not in html
    assert client.get(reverse("portal:menu"), {"region": "x"}).status_code == 200


def test_order_on_the_portal_routes_and_the_link_takes_one_rating(client, world, published, liaison):
    civil = Domain.objects.get(code="minfadian")
    lecture = ActivityKind.objects.get(code="ztjz")
    url = reverse("portal:menu-order") + f"?region={world.street_a.pk}&domain={civil.pk}"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"domain": civil.pk, "kind": lecture.pk, "place": "", "orderer": "resident"})
    assert bad.status_code == 400 and MenuOrder.objects.count() == 0
    response = client.post(
        url,
        {
            "domain": civil.pk,
            "kind": lecture.pk,
            "place": world.community_a.pk,
            "orderer": "school",
            "orderer_name": "沱河小学",
            "contact_phone": "13900001111",
            "note": "想给五年级讲讲民法典",
        },
    )
    assert response.status_code == 302
    link = response["Location"]
    order = MenuOrder.objects.get()
    assert (order.unit, order.orderer, order.status) == (world.committee_a, "school", "routed")
    page = client.get(link).content.decode()
    assert "点单成功" in page and "沱河社区居委会" in page and "13900001111" not in page
    token = link.split("/")[-2]
    menu.order_accept(actor=liaison, order=order)
    held = make_activity(world.committee_a, title="民法典进校园", status="submitted")
    order.refresh_from_db()
    held.date = order.ordered_on
    held.save()
    menu.order_deliver(actor=liaison, order=order, activity=held)
    assert "民法典进校园" in client.get(link).content.decode()
    assert client.post(link, {"rating": "9"}).status_code == 400
    assert client.post(link, {"rating": "5", "comment": "很实用"}).status_code == 302
    order.refresh_from_db()
    assert (order.status, order.rating) == ("rated", 5)
    again = client.post(link, {"rating": "1"})
    assert again.status_code == 400 and MenuOrder.objects.get().rating == 5  # rated once: refused, unchanged
    assert client.get(reverse("portal:menu-order-status", args=["x" * 40])).status_code == 404
    assert token


def test_orders_per_address_are_limited(client, world, published, settings):
    settings.PUFA_MENU_ORDER_LIMIT = 2
    civil = Domain.objects.get(code="minfadian")
    lecture = ActivityKind.objects.get(code="ztjz")
    url = reverse("portal:menu-order") + f"?region={world.street_a.pk}"
    form = {"domain": civil.pk, "kind": lecture.pk, "place": world.community_a.pk, "orderer": "resident"}
    assert [client.post(url, form).status_code for _ in range(3)] == [302, 302, 429]
    assert MenuOrder.objects.count() == 2


def test_the_rating_page_offers_the_delivering_activitys_effect_survey(client, world, published, liaison):
    """评单 linked to a survey: the order's delivery is a ledger activity; its feedback survey (published) is
    offered on the orderer's page beside the rating, and answers there count on the activity's results."""
    from pufa.org.access import SYSTEM
    from pufa.surveys import services as survey_services
    from tests.surveys.conftest import make_survey

    civil = Domain.objects.get(code="minfadian")
    lecture = ActivityKind.objects.get(code="ztjz")
    order, token = menu.order_place_public(
        domain_id=civil.pk, kind_id=lecture.pk, place_id=world.community_a.pk, orderer="resident"
    )
    link = reverse("portal:menu-order-status", args=[token])
    menu.order_accept(actor=liaison, order=order)
    held = make_activity(world.committee_a, title="民法典进小区", status="submitted", date=order.ordered_on)
    survey = make_survey(world.committee_a, template="feedback", activity=held, title="民法典进小区效果反馈")
    make_survey(world.committee_a, activity=held, title="尚未发布的问卷", publish=False)
    assert 'data-testid="order-survey"' not in client.get(link).content.decode()  # not delivered yet
    menu.order_deliver(actor=liaison, order=order, activity=held)
    page = client.get(link).content.decode()
    assert page.count('data-testid="order-survey"') == 1 and "尚未发布的问卷" not in page
    assert reverse("portal:survey", args=[survey.token]) in page
    assert client.post(link, {"rating": "4"}).status_code == 302
    assert 'data-testid="order-survey"' in client.get(link).content.decode()  # still offered once rated
    survey_services.transition(actor=SYSTEM, survey=survey, name="close")
    assert 'data-testid="order-survey"' not in client.get(link).content.decode()
