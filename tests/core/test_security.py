"""The security baseline (等保 2.0): passwords, lockout, idle timeout, login audit, headers, CSRF."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from pufa.core.models import AuditEntry
from tests.factories import TEST_PASSWORD


@pytest.mark.parametrize("weak", ["short1A!", "alllowercaseletters", "12345678901", "abcdefghij1"])
def test_weak_passwords_rejected(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_strong_password_accepted():
    validate_password("Fa-zhi-2026x")


def login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.8")


def test_login_and_failure_are_audited(client, liaison, world):
    login(client, "liaison", "wrong-password")
    failed = AuditEntry.objects.get(code="auth.login_failed")
    assert "liaison" in failed.message and failed.scope_path == world.community_a.path
    response = login(client, "liaison", TEST_PASSWORD)
    assert response.status_code == 302
    assert AuditEntry.objects.filter(code="auth.login", actor=liaison).exists()
    client.post(reverse("logout"))
    assert AuditEntry.objects.filter(code="auth.logout", actor=liaison).exists()


def test_lockout_after_repeated_failures(client, liaison, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "liaison", "wrong-password")
    response = login(client, "liaison", TEST_PASSWORD)
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    # Another account from the same address is not locked out by someone else's failures.
    assert "_auth_user_id" not in client.session


def test_lockout_releases_after_cooloff(client, liaison, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "liaison", "wrong-password")
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=31), tick=False):
        assert login(client, "liaison", TEST_PASSWORD).status_code == 302


def test_idle_session_expires(client, liaison):
    assert login(client, "liaison", TEST_PASSWORD).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=20), tick=False):
        assert client.get(reverse("home")).status_code == 200  # activity keeps the session alive
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=20 + 31), tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_security_headers(client, liaison):
    client.force_login(liaison)
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_inline_script_or_outside_host_in_pages(client, office_user):
    client.force_login(office_user)
    for name in ["home", "org:unit-list", "org:audit-list", "org:feedback-create"]:
        html = client.get(reverse(name)).content.decode()
        assert "<script>" not in html and "<script type" not in html
        assert "http://" not in html.replace("http://testserver", "") and "https://" not in html


def test_hsts_and_secure_cookies_when_https(client, liaison, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = True
    client.force_login(liaison)
    response = client.get(reverse("home"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_https_setting_switches_secure_cookies_and_hsts():
    code = (
        "from django.conf import settings; import django; django.setup(); "
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS)"
    )
    env = {**os.environ, "PUFA_HTTPS": "1", "DJANGO_SETTINGS_MODULE": "pufa.settings"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "31536000"]


def test_bad_setting_value_fails_loudly():
    env = {**os.environ, "PUFA_DEBUG": "maybe", "DJANGO_SETTINGS_MODULE": "pufa.settings"}
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert out.returncode != 0 and "PUFA_DEBUG" in out.stderr


def test_csrf_enforced_on_forms(liaison, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(liaison)
    response = client.post(
        reverse("org:feedback-create"),
        {"kind": "suggestion", "region": world.street_a.pk, "content": "没有令牌的提交。"},
    )
    assert response.status_code == 403


def _session_expiry():
    from django.contrib.sessions.models import Session

    (session,) = Session.objects.all()
    return session.expire_date


def test_session_is_refreshed_at_most_once_a_minute(client, liaison, settings):
    assert login(client, "liaison", TEST_PASSWORD).status_code == 302
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start + dt.timedelta(seconds=5), tick=False):
        client.get(reverse("home"))
    refreshed = _session_expiry()
    with time_machine.travel(start + dt.timedelta(seconds=40), tick=False):
        assert client.get(reverse("home")).status_code == 200
    assert _session_expiry() == refreshed  # no write within the minute
    later = start + dt.timedelta(seconds=5 + settings.PUFA_SESSION_REFRESH_SECONDS)
    with time_machine.travel(later, tick=False):
        assert client.get(reverse("home")).status_code == 200
    assert _session_expiry() == later + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_idle_timeout_holds_with_the_sparse_refresh(client, liaison, settings):
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert login(client, "liaison", TEST_PASSWORD).status_code == 302
    start = dt.datetime.now(dt.UTC)
    # A request every 50 seconds, for longer than the idle timeout, keeps the session alive...
    steps = int(idle.total_seconds() * 1.5) // 50
    for step in range(1, steps + 1):
        with time_machine.travel(start + dt.timedelta(seconds=50 * step), tick=False):
            assert client.get(reverse("home")).status_code == 200
    last = start + dt.timedelta(seconds=50 * steps)
    # ...and idleness ends it no later than the idle timeout after the last request.
    with time_machine.travel(last + idle + dt.timedelta(seconds=1), tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_stale_session_cookie_starts_no_session(client, db):
    from django.contrib.sessions.models import Session

    client.cookies["sessionid"] = "expired-or-forged-session-key"
    client.get(reverse("login"))
    assert not Session.objects.exists()


def test_logged_in_pages_and_downloads_are_not_stored(client, liaison):
    client.force_login(liaison)
    for url in (reverse("home"), reverse("ledger:activity-export")):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url
    client.logout()
    assert "no-store" not in client.get(reverse("portal:index")).get("Cache-Control", "")  # the public portal


def test_the_policy_header_kept_by_the_middleware_is_the_librarys(rf, settings):
    """pufa's CSP middleware builds the headers once; they are django-csp's for a plain response, follow the
    settings when they change, and a response with a policy of its own goes django-csp's way."""
    from csp.middleware import CSPMiddleware as Library
    from django.http import HttpResponse

    from pufa.core.middleware import CSPMiddleware

    def headers(middleware: type, response: HttpResponse) -> dict[str, str]:
        request = rf.get("/public/s/abc/")
        mw = middleware(lambda r: response)
        mw.process_request(request)
        return {k: v for k, v in mw.process_response(request, response).items() if "Security-Policy" in k}

    plain = headers(CSPMiddleware, HttpResponse())
    assert plain == headers(Library, HttpResponse()) and "frame-ancestors 'none'" in plain["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'self'"], "report-uri": "/r"}}
    both = headers(CSPMiddleware, HttpResponse())
    assert both == headers(Library, HttpResponse()) and both["Content-Security-Policy-Report-Only"].endswith("/r")
    own = HttpResponse()
    own._csp_update = {"img-src": ["https://tiles.example"]}  # what @csp_update sets
    assert "https://tiles.example" in headers(CSPMiddleware, own)["Content-Security-Policy"]
    exempt = HttpResponse()
    exempt._csp_exempt = True
    assert "Content-Security-Policy" not in headers(CSPMiddleware, exempt)
