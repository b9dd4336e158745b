"""Odd values in every query parameter of every page never make a server error (issue 13, item 7).

Which parameters a page reads is discovered, not listed: a first pass requests every page of the URL walk
and records each key its view (or its form / FilterSet) looks up in `request.GET`; the second pass sends each
of those keys the values that used to crash (`²` and `①` pass `str.isdigit()`, huge numbers overflow SQLite,
NUL is refused by PostgreSQL) and expects a page, a redirect, a 400 or a 404 — never a 5xx.
"""

from __future__ import annotations

import io
from collections import defaultdict
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.urls import reverse

from tests.walk.test_roles import PAGES, url_for, url_names

ODD_VALUES: list[str | list[str]] = [
    "²",  # str.isdigit() says yes, int() says no
    "①",
    "99999999999999999999999",  # past SQLite's 64-bit integers
    "99999",  # a year no date can hold
    "\x00",  # PostgreSQL refuses NUL in text
    "2026-02-30",
    ["1", "²"],  # a repeated parameter
]


@contextmanager
def recording_reads():
    """Record every key read from any QueryDict (request.GET, and forms bound to it) while active."""
    keys: list[str] = []
    originals = {name: getattr(QueryDict, name) for name in ("get", "getlist", "__getitem__", "__contains__")}

    def wrap(name):
        original = originals[name]

        def reader(self, key, *args, **kwargs):
            keys.append(key)
            return original(self, key, *args, **kwargs)

        return reader

    for name in originals:
        setattr(QueryDict, name, wrap(name))
    try:
        yield keys
    finally:
        for name, original in originals.items():
            setattr(QueryDict, name, original)


def read_params(client, url: str) -> set[str]:
    with recording_reads() as keys:
        client.get(url)
    # csrfmiddlewaretoken and the like are read from POST only; the HTMX headers are not query keys.
    return {k for k in keys if isinstance(k, str)}


@pytest.mark.parametrize("who", ["office", "anonymous"])  # the widest reader and the public
def test_odd_query_values_never_make_a_server_error(who, site, client):
    client.raise_request_exception = False  # count the 500s instead of stopping at the first
    cache.clear()  # the portal keeps whole pages; discovery must run the views
    user = site.users[who]
    if user is not None:
        client.force_login(user)
    crashes: list[str] = []
    seen: dict[str, set[str]] = defaultdict(set)
    for name in url_names():
        page = PAGES[name]
        if page.post_only or name == "logout" or (who == "anonymous" and not page.public):
            continue
        url = url_for(name, page, site.objects)
        params = read_params(client, url)
        seen[name] = params
        for param in sorted(params):
            for value in ODD_VALUES:
                response = client.get(url, {param: value})
                if response.status_code >= 500:
                    crashes.append(f"{url}?{param}={value!r}: {response.status_code}")
    assert crashes == [], "\n".join(crashes)
    # The discovery found the filters it must (so the fuzz is not vacuous).
    if who == "office":
        assert {"year", "unit", "task", "status"} <= seen["ledger:activity-list"]
        assert {"region", "year"} <= seen["progress:dashboard"]
        assert {"region", "unit", "kind", "level", "status", "as_of", "q"} <= seen["venues:venue-list"]
        assert {"unit", "start", "end"} <= seen["venues:use-list"]
        assert {"street", "as_of"} <= seen["venues:coverage"]
        assert {"status", "due"} <= seen["creation:title-list"]
    if who == "anonymous":
        assert {"year", "law", "page", "month"} <= seen["portal:search"] | seen["portal:calendar"]


def test_odd_posted_ids_are_form_errors_not_server_errors(site, client):
    """The activity form reads the posted unit and tasks before validation; the template page the posted item."""
    client.raise_request_exception = False
    client.force_login(site.users["liaison"])
    for value in ("²", "①", "99999999999999999999999", "\x00"):
        response = client.post(reverse("ledger:activity-create"), {"unit": value, "title": "宣讲", "tasks": [value]})
        assert response.status_code == 200 and "unit" in response.context["form"].errors
    client.force_login(site.users["office"])
    url = reverse("duties:template-item-delete", args=[site.objects["template"].pk])
    assert client.post(url, {"item": "²"}).status_code == 404


def test_odd_posted_ids_on_venue_and_creation_buttons_are_not_server_errors(site, client):
    """The activity's venue, the 申报 button and the workflow buttons read ids and versions from the form."""
    client.raise_request_exception = False
    client.force_login(site.users["liaison"])
    activity, application = site.objects["activity"], site.objects["application"]
    for value in ("²", "①", "99999999999999999999999", "\x00"):
        venue = client.post(reverse("venues:activity-venue", args=[activity.pk]), {"venue": value})
        assert venue.status_code == 302  # an odd id is "no venue", never a lookup that crashes
        applied = client.post(reverse("creation:application-create"), {"scheme": value, "unit": value})
        assert applied.status_code == 404
        step = client.post(
            reverse("creation:application-step", args=[application.pk]),
            {"step": "submit", "version": value, "note": value},
        )
        assert step.status_code == 302


def test_an_odd_count_cell_is_a_row_error(site):
    from openpyxl import Workbook

    from pufa.ledger import importers
    from pufa.ledger.exports import HEADERS

    workbook = Workbook()
    ws = workbook.active
    ws.title = "工作台账"
    ws.append(HEADERS[:17])
    values = {"活动日期": "2026-03-15", "活动名称": "宣传", "活动形式": "集中宣传", "组织单位": "沱河社区居委会"}
    ws.append([values.get(h, "²" if h == "现场受众（人次）" else "") for h in HEADERS[:17]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    result = importers.activity_import(actor=site.users["liaison"], file=buffer)
    assert not result.ok and result.created == 0
    assert any("现场受众" in error for error in result.errors), result.errors
