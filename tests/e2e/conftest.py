"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against live_server.

Playwright's sync API runs an event loop in the test thread, so Django's async-safety guard is relaxed for
these tests only; the server itself runs in live_server's own thread as usual.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM = os.environ.get("PUFA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make system` (scripts/setup-system.sh)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def restore_default_rows() -> None:
    """Browser tests run in transactions that end with a flush, which also empties the rows the data
    migrations put in (taxonomies, key dates, team kinds …); put them back so every browser test starts like a
    new site. Every app's data migration named `*_default_*` with a `forwards` (or `*_seed_*` with a `seed`,
    like the venue kinds) is run again (each is idempotent), so a new area's defaults come back without a line
    here."""
    import importlib
    from pathlib import Path

    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    # The flush that ended an earlier transactional test recreated the content types under new ids: forget
    # the ids this process cached, or the audit trail points at a content type that is gone.
    ContentType.objects.clear_cache()
    for config in apps.get_app_configs():
        if not config.name.startswith("pufa."):
            continue
        folder = Path(config.path) / "migrations"
        for path in sorted([*folder.glob("*_default_*.py"), *folder.glob("*_seed_*.py")]):
            module = importlib.import_module(f"{config.name}.migrations.{path.stem}")
            step = getattr(module, "forwards", None) or getattr(module, "seed", None)
            if step is not None:
                step(apps, None)


@pytest.fixture
def page(browser, live_server, transactional_db):
    restore_default_rows()
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert not outside, f"pages requested outside hosts: {outside}"


@pytest.fixture
def phone_page(browser, live_server, transactional_db):
    restore_default_rows()
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        reduced_motion="reduce",  # Bootstrap then opens the menu at once, as it does for users who ask for it
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def login(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def full_page_picture(page, name: str) -> None:
    """Keep a full-page picture for a person to look at: `e2e-<name>.png` in the run's var directory, which is
    the pass's own (and each xdist worker's own), so two runs never write one file at once."""
    from django.conf import settings

    page.screenshot(path=str(settings.VAR_DIR / f"e2e-{name}.png"), full_page=True)
