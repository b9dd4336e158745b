"""Personal API tokens: made and revoked on the settings page, shown once, stored as a digest, expiring,
read-only on request, audited once per token and day, rate-limited per token; the browser session with CSRF."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import time_machine
from django.test import Client
from django.urls import reverse

from pufa.api.models import ApiToken
from pufa.core.models import AuditEntry
from tests.api.conftest import TokenClient, token_for
from tests.factories import make_activity

LIST = "/api/activities/"


def test_token_is_shown_once_and_stored_only_as_its_digest(client_for, liaison):
    c = client_for(liaison)
    response = c.post(reverse("api:token-list"), {"name": "区级数据大屏", "days": "90", "read_only": ""})
    html = response.content.decode()
    key = re.search(r"pufa_[A-Za-z0-9_-]{40,}", html).group(0)
    token = ApiToken.objects.get()
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(token.prefix) and len(token.prefix) < len(key) // 3
    stored = [str(v) for v in ApiToken.objects.values_list(*[f.attname for f in ApiToken._meta.concrete_fields])[0]]
    assert not any(key in value for value in stored)
    assert not token.read_only and token.expires_at.date() == dt.date(2026, 9, 18)
    assert key not in c.get(reverse("api:token-list")).content.decode()  # shown once
    assert AuditEntry.objects.filter(code="api.token.create", actor=liaison).count() == 1
    assert TokenClient(key).get(LIST).status_code == 200


def test_token_use_is_audited_once_per_token_and_day(world, liaison):
    make_activity(world.committee_a)
    api = TokenClient(token_for(liaison))
    for _ in range(3):
        assert api.get(LIST).status_code == 200
    entries = AuditEntry.objects.filter(code="api.token.use")
    assert entries.count() == 1 and entries.get().actor == liaison
    assert ApiToken.objects.get().last_used_on == dt.date(2026, 6, 20)
    with time_machine.travel("2026-06-21 09:00 +0800", tick=False):
        api.get(LIST)
        api.get(LIST)
    assert entries.count() == 2


def test_expired_and_revoked_tokens_and_bad_keys_get_401(client_for, world, liaison, other_liaison):
    key = token_for(liaison, days=30)
    api = TokenClient(key)
    assert api.get(LIST).status_code == 200
    with time_machine.travel("2026-07-21 10:00 +0800", tick=False):
        assert api.get(LIST).status_code == 401
    second = TokenClient(token_for(liaison))
    token = ApiToken.objects.get(digest=hashlib.sha256(second.key.encode()).hexdigest())
    # Nobody revokes another user's token: it is not even visible to them.
    assert client_for(other_liaison).post(reverse("api:token-revoke", args=[token.pk])).status_code == 404
    assert second.get(LIST).status_code == 200
    client_for(liaison).post(reverse("api:token-revoke", args=[token.pk]))
    assert second.get(LIST).status_code == 401
    assert AuditEntry.objects.filter(code="api.token.revoke").count() == 1
    for bad in ("pufa_" + "x" * 43, key[:-1], "Basic abc"):
        assert TokenClient(bad).get(LIST).status_code == 401


def test_anonymous_gets_401_json_not_a_login_redirect_nor_a_csrf_403(world, liaison):
    client = Client(enforce_csrf_checks=True)
    response = client.get(LIST)
    assert response.status_code == 401 and response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] and response["WWW-Authenticate"].startswith("Bearer")
    assert client.post(LIST, {}, content_type="application/json").status_code == 401
    expired = Client(enforce_csrf_checks=True)
    key = token_for(liaison, days=30)
    with time_machine.travel("2026-08-01 10:00 +0800", tick=False):
        answer = expired.post(LIST, {}, content_type="application/json", headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 401


def test_read_only_token_reads_but_never_writes(world, liaison):
    activity = make_activity(world.committee_a, status="draft")
    api = TokenClient(token_for(liaison, read_only=True))
    assert api.get(f"/api/activities/{activity.pk}/").status_code == 200
    assert api.post(f"/api/activities/{activity.pk}/submit/").status_code == 403
    activity.refresh_from_db()
    assert activity.status == "draft"


def test_rate_limit_is_per_token(settings, world, liaison):
    settings.PUFA_API_RATE = 3
    first, second = TokenClient(token_for(liaison)), TokenClient(token_for(liaison))
    assert [first.get(LIST).status_code for _ in range(4)] == [200, 200, 200, 429]
    limited = first.get(LIST)
    assert limited.status_code == 429 and 0 < int(limited["Retry-After"]) <= 60
    assert second.get(LIST).status_code == 200
    with time_machine.travel("2026-06-20 10:01 +0800", tick=False):
        assert first.get(LIST).status_code == 200


def test_browser_session_reads_and_writes_only_with_csrf(world, liaison):
    activity = make_activity(world.committee_a, status="draft")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(liaison)
    assert browser.get(LIST).status_code == 200
    url = f"/api/activities/{activity.pk}/submit/"
    assert browser.post(url, content_type="application/json").status_code == 403
    activity.refresh_from_db()
    assert activity.status == "draft"
    page = browser.get(reverse("api:token-list")).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(url, content_type="application/json", headers={"X-CSRFToken": csrf})
    assert response.status_code == 200 and response.json()["status"] == "submitted"
