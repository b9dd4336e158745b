"""The ledger in a real browser: a liaison records an activity with a photo on a phone and the office confirms
it; the list's filters swap rows with HTMX; the calendar fits a phone."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import full_page_picture, login
from tests.factories import TEST_PASSWORD, make_activity


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _defaults(transactional_db):
    """Transactional tests empty the tables between tests: put back the taxonomies and key dates that the data
    migrations installed."""
    from django.apps import apps

    importlib.import_module("pufa.core.migrations.0004_default_taxonomies").forwards(apps, None)
    importlib.import_module("pufa.ledger.migrations.0002_default_key_dates").forwards(apps, None)


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), "#1565c0").save(buffer, format="JPEG")
    return buffer.getvalue()


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_liaison_records_with_photo_on_a_phone_and_office_confirms(
    phone_page, live_server, world, liaison, office_user
):
    page = phone_page
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    login(page, live_server, "liaison", TEST_PASSWORD)
    page.goto(f"{live_server.url}/ledger/")
    _no_sideways_scroll(page)
    page.click("[data-testid=record-activity]")
    page.fill("#id_title", "宪法进社区宣讲")
    page.select_option("#id_kind", label="专题讲座/法治课")
    page.fill("#id_date", yesterday.isoformat())
    page.fill("#id_place", "社区党群服务中心")
    page.fill("#id_people_onsite", "60")
    page.locator("label.pufa-chip", has_text=re.compile(r"^宪法$")).click()
    page.locator("label.pufa-chip", has_text="社区居民").click()
    page.set_input_files("#id_files", files=[{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}])
    _no_sideways_scroll(page)
    page.click("[data-testid=save-submit]")
    page.wait_for_load_state("networkidle")

    expect(page.locator("[data-testid=activity-title]")).to_have_text("宪法进社区宣讲")
    expect(page.locator("[data-testid=activity-status]")).to_have_text("已提交")
    thumb = page.locator("[data-testid=evidence-item] img")
    expect(thumb).to_be_visible()
    page.wait_for_function("document.querySelector('[data-testid=evidence-item] img').naturalWidth > 0")
    assert page.evaluate("document.querySelector('[data-testid=evidence-item] img').naturalWidth") == 480
    _no_sideways_scroll(page)
    full_page_picture(page, "phone-activity")

    page.context.clear_cookies()
    login(page, live_server, "office", TEST_PASSWORD)
    page.goto(f"{live_server.url}/ledger/?status=submitted")
    page.click("text=宪法进社区宣讲")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=activity-title]")).to_have_text("宪法进社区宣讲")
    page.click("[data-testid=confirm-activity]")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=activity-status]")).to_have_text("已确认")
    expect(page.locator("[data-testid=reopen-form]")).to_be_visible()
    _no_sideways_scroll(page)


def test_list_filters_swap_rows_with_htmx(page, live_server, world, office_user):
    make_activity(world.committee_a, title="沱河社区宪法宣传", kind="jzxc", date=dt.date(2025, 12, 4))
    make_activity(world.committee_b, title="桃园社区法制课", kind="ztjz", date=dt.date(2025, 11, 20))
    login(page, live_server, "office", TEST_PASSWORD)
    page.goto(f"{live_server.url}/ledger/")
    expect(page.locator("[data-testid=activity-rows]")).to_contain_text("桃园社区法制课")
    page.select_option("select[name=kind]", "jzxc")
    expect(page.locator("[data-testid=activity-rows]")).not_to_contain_text("桃园社区法制课")
    expect(page.locator("[data-testid=activity-count]")).to_have_text("共 1 条")
    assert "kind=jzxc" in page.url


def test_calendar_fits_a_phone(phone_page, live_server, world, liaison):
    today = timezone.localdate()
    make_activity(world.committee_a, title="本月的普法活动", date=today.replace(day=1))
    page = phone_page
    login(page, live_server, "liaison", TEST_PASSWORD)
    page.goto(f"{live_server.url}/ledger/calendar/")
    expect(page.locator("[data-testid=calendar]")).to_contain_text("本月的普法活动")
    expect(page.locator("[data-testid=coverage]")).to_be_visible()
    _no_sideways_scroll(page)
