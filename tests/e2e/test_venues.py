"""Venues in a real browser at phone width: a community liaison adds a venue; the street office sees the
coverage gap close and opens the offline map — and no page requests anything but 127.0.0.1."""

from __future__ import annotations

import importlib
import json
from decimal import Decimal

from django.apps import apps
from playwright.sync_api import expect

from pufa.org.access import SYSTEM
from pufa.venues import services
from tests.e2e.conftest import full_page_picture, login
from tests.factories import TEST_PASSWORD
from tests.venues.conftest import make_venue
from tests.venues.test_views import SQUARE


def test_liaison_adds_a_venue_and_the_office_sees_the_gap_close_on_the_map(
    phone_page, live_server, world, other_liaison, office_user
):
    page = phone_page
    # the flush between browser tests empties the data migration's kinds: put them back
    importlib.import_module("pufa.venues.migrations.0002_seed_venue_kinds").seed(apps, None)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    make_venue(world.committee_a, kind="lecture", longitude=Decimal("117.05"), latitude=Decimal("33.65"))
    make_venue(world.committee_a, kind="position")
    make_venue(world.committee_b, kind="position")
    services.boundary_upload(actor=SYSTEM, region=world.street_a, raw=json.dumps(SQUARE).encode())

    login(page, live_server, "office", TEST_PASSWORD)
    page.goto(f"{live_server.url}/venues/coverage/")
    expect(page.locator("[data-testid=coverage-summary]")).to_contain_text("1 个社区缺少")
    taoyuan = page.locator("[data-testid=coverage-row][data-community=桃园社区] [data-testid=missing]")
    expect(taoyuan).to_contain_text("普法大讲堂")

    page.context.clear_cookies()
    login(page, live_server, "other_liaison", TEST_PASSWORD)
    page.goto(f"{live_server.url}/venues/list/")
    page.click("[data-testid=add-venue]")
    page.fill("#id_name", "桃园社区普法大讲堂")
    page.select_option("#id_kind", label="普法大讲堂")
    page.select_option("#id_region", label="桃园社区")
    page.fill("#id_opening_hours", "每周三 14:30—17:00")
    page.click("summary:has-text('坐标')")
    page.fill("#id_longitude", "117.06")
    page.fill("#id_latitude", "33.66")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click("[data-testid=save-venue]")
    expect(page.locator("[data-testid=venue-name]")).to_have_text("桃园社区普法大讲堂")

    page.context.clear_cookies()
    login(page, live_server, "office", TEST_PASSWORD)
    page.goto(f"{live_server.url}/venues/coverage/")
    expect(page.locator("[data-testid=coverage-summary]")).to_contain_text("各社区应有的阵地均已具备")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click("[data-testid=map-link]")
    chart = page.locator("[data-testid=venue-map]")
    expect(chart).to_have_attribute("data-drawn", "2")
    assert chart.locator("canvas").count() >= 1
    full_page_picture(page, "phone-venue-map")
    outside = [url for url in requested if not url.startswith(live_server.url)]
    assert not outside, f"pages requested outside hosts: {outside}"
    assert all(url.startswith("http://localhost") or url.startswith("http://127.0.0.1") for url in requested)
