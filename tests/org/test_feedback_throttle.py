"""Anonymous feedback is limited per client address (issue 13.10: 30 posts in 2.5 s were all stored)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from pufa.org.models import Feedback


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()  # the local-memory cache outlives a test


def _post(client: Client, world, address: str):
    return client.post(
        reverse("org:feedback-create"),
        {"kind": "suggestion", "region": world.street_a.pk, "content": "建议在社区多开展民法典宣讲。"},
        REMOTE_ADDR=address,
    )


def test_anonymous_feedback_is_limited_per_address(client, world, settings):
    settings.PUFA_FEEDBACK_PER_HOUR = 3
    for _ in range(3):
        assert _post(client, world, "203.0.113.5").status_code == 200
    refused = _post(client, world, "203.0.113.5")
    assert refused.status_code == 429
    assert "提交过于频繁" in refused.content.decode() and "每小时最多提交3条" in refused.content.decode()
    assert Feedback.objects.count() == 3
    # Another address is not affected, and the same address may write again an hour later.
    assert _post(client, world, "198.51.100.7").status_code == 200
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1, seconds=1), tick=False):
        assert _post(client, world, "203.0.113.5").status_code == 200
    assert Feedback.objects.count() == 5


def test_logged_in_feedback_is_not_limited_by_address(client_for, world, liaison, settings):
    settings.PUFA_FEEDBACK_PER_HOUR = 1
    c = client_for(liaison)
    for _ in range(3):
        assert _post(c, world, "203.0.113.5").status_code == 200
    assert Feedback.objects.count() == 3
