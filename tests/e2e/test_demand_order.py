"""点单 in a real browser at phone width: a resident picks a topic of the 普法菜单 and orders it without an
account; the unit the order was routed to (by its published duty list) accepts it and records the delivery; the
resident rates it through the private link; the office sees the loop closed on its figures page."""

from __future__ import annotations

from playwright.sync_api import expect

from pufa.demand.models import MenuOrder
from tests.e2e.conftest import login
from tests.factories import TEST_PASSWORD, duty_list


def test_order_accept_deliver_rate_and_the_office_sees_it(phone_page, live_server, world, liaison, office_user):
    page = phone_page
    duty_list(world.committee_a, status="published", content="宣传《民法典》婚姻家庭编")

    page.goto(f"{live_server.url}/public/menu/")
    page.select_option("[data-testid=menu-region] select", label="沱河街道")
    page.click("[data-testid=menu-region] button")
    topic = page.locator("[data-testid=menu-topic]").filter(has_text="宣传《民法典》婚姻家庭编")
    expect(topic).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    topic.locator("[data-testid=order-topic]").click()
    page.select_option("#id_kind", label="专题讲座/法治课")
    page.select_option("#id_place", label="沱河社区")
    page.select_option("#id_orderer", label="居民")
    page.fill("#id_contact_phone", "13900001111")
    page.fill("#id_note", "想了解婚姻家庭方面的法律")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click("[data-testid=place-order]")
    expect(page.locator("[data-testid=order-placed]")).to_contain_text("沱河社区居委会")
    expect(page.locator("[data-testid=public-order-status]")).to_have_text("待接单")
    link = page.url.split("?")[0]
    order = MenuOrder.objects.get()

    resident = page.context
    unit_page = resident.browser.new_page(viewport={"width": 375, "height": 800})
    login(unit_page, live_server, "liaison", TEST_PASSWORD)
    unit_page.goto(f"{live_server.url}/demand/menu/orders/{order.pk}/")
    expect(unit_page.locator("[data-testid=menu-order]")).to_contain_text("139****1111")
    unit_page.click("[data-testid=accept]")
    expect(unit_page.locator("[data-testid=menu-order-status]")).to_have_text("已接单")
    unit_page.fill("#id_deliver-title", "民法典婚姻家庭编进社区")
    unit_page.fill("#id_deliver-date", order.ordered_on.isoformat())
    unit_page.fill("#id_deliver-people_onsite", "35")
    unit_page.click("[data-testid=deliver]")
    expect(unit_page.locator("[data-testid=menu-order-status]")).to_have_text("已送单")
    unit_page.close()

    page.goto(link)
    expect(page.locator("[data-testid=public-order-status]")).to_have_text("已送单")
    expect(page.locator("[data-testid=public-order]")).to_contain_text("民法典婚姻家庭编进社区")
    page.check("#id_rating_0")  # 5星
    page.fill("#id_comment", "讲得很清楚")
    page.click("[data-testid=rate]")
    expect(page.locator("[data-testid=public-order-rating]")).to_contain_text("5星")

    page.context.clear_cookies()
    login(page, live_server, "office", TEST_PASSWORD)
    page.goto(f"{live_server.url}/demand/menu/")
    row = page.locator("[data-testid=menu-loop] tbody tr").filter(has_text="沱河社区居委会")
    expect(row.locator("td[data-label=评单]")).to_have_text("1")
    expect(row.locator("td[data-label=按时送单]")).to_have_text("1")
    expect(row.locator("td[data-label=平均评分]")).to_have_text("5.0")


def test_the_demand_dashboard_opens_level_by_level_on_a_phone(phone_page, live_server, world):
    """A district office on a phone: its streets, then street A's communities, a domain's trend and effect, then
    a community's orders — each page within 375 px."""
    import datetime as dt

    from django.utils import timezone

    from pufa.core.models import Domain
    from pufa.demand import counts
    from pufa.demand.models import WorkOrder
    from pufa.org.models import Membership, Unit
    from tests.factories import UnitFactory, make_activity, member_of

    unit = UnitFactory(name="测试区法治办", kind=Unit.Kind.OFFICE, region=world.district, code="ceshi-fzb")
    member_of(unit, Membership.Role.OFFICE, username="district_office")
    labour = Domain.objects.get(code="ldjy-shbz")
    first = timezone.localdate().replace(day=1)
    made = []
    for i, (place, back) in enumerate([(world.community_a, 1), (world.community_a, 2), (world.community_b, 2)]):
        day = (first - dt.timedelta(days=28 * back)).replace(day=3)
        made.append(
            WorkOrder(
                region=world.street_a,
                number=f"E2E-{i}",
                received_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
                text="拖欠工资",
                place=place,
                place_confidence=0.9,
                domain=labour,
                domain_confidence=0.9,
            )
        )
    WorkOrder.objects.bulk_create(made)
    counts.created(made)
    make_activity(world.committee_a, domains=["ldjy-shbz"], date=made[0].received_at.date())

    page = phone_page
    login(page, live_server, "district_office", TEST_PASSWORD)
    page.goto(f"{live_server.url}/demand/")
    street = page.locator("[data-testid=by-area] tbody tr").filter(has_text="沱河街道")
    expect(street.locator("td[data-label=合计]")).to_have_text("3")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    street.locator("[data-testid=down]").click()
    expect(page.locator("h1")).to_contain_text("沱河街道")
    community = page.locator("[data-testid=by-area] tbody tr").filter(has_text="沱河社区")
    expect(community.locator("td[data-label=合计]")).to_have_text("2")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.select_option("[data-testid=trend-domain]", label="劳动就业与社会保障")
    page.click("[data-testid=board-submit]")
    expect(page.locator("[data-testid=trend-chart] canvas")).to_be_visible()
    expect(page.locator("[data-testid=effect]")).to_contain_text("劳动就业与社会保障")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.locator("[data-testid=by-area] tbody tr").filter(has_text="沱河社区").locator("[data-testid=down]").click()
    expect(page.locator("h1")).to_contain_text("热线工单")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
