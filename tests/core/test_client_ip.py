"""Login lockout behind the reverse proxy (issue 13.5): the client address is read through PUFA_PROXY_COUNT
proxies, and an account is locked for the failing address only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from pufa.core.client_ip import client_ip
from pufa.core.models import AuditEntry
from tests.factories import TEST_PASSWORD

PROXY = "10.0.0.2"  # the reverse proxy: every request reaches pufa from it
ATTACKER, OWNER = "203.0.113.5", "198.51.100.7"


def _login(client: Client, password: str, *, forwarded: str = "", peer: str = PROXY):
    extra: dict[str, Any] = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return client.post(reverse("login"), {"username": "liaison", "password": password}, REMOTE_ADDR=peer, **extra)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", PROXY),  # no proxy configured: the header is the client's word, ignored
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.7, 203.0.113.5", "203.0.113.5"),  # a forged entry on the left is skipped
        (2, "203.0.113.5, 10.0.0.1", "203.0.113.5"),
        (2, "203.0.113.5", PROXY),  # fewer entries than proxies: not through them all
        (1, "not-an-address", PROXY),
        (1, "", PROXY),
    ],
)
def test_client_ip_reads_through_the_configured_proxies(settings, proxies, forwarded, expected):
    settings.PUFA_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_failures_behind_the_proxy_lock_the_attacker_not_the_owner(settings, liaison):
    settings.PUFA_PROXY_COUNT = 1
    attacker, owner = Client(), Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        # Forging the owner's address on the left of the header does not help.
        _login(attacker, "wrong-password", forwarded=f"{OWNER}, {ATTACKER}")
    assert _login(attacker, TEST_PASSWORD, forwarded=ATTACKER).status_code == 429
    assert _login(owner, TEST_PASSWORD, forwarded=OWNER).status_code == 302
    failed = AuditEntry.objects.filter(code="auth.login_failed")
    assert set(failed.values_list("ip_address", flat=True)) == {ATTACKER}


def test_failures_lock_the_account_for_that_address_only(settings, liaison):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), "wrong-password", peer=ATTACKER)
    assert _login(Client(), TEST_PASSWORD, peer=ATTACKER).status_code == 429
    assert _login(Client(), TEST_PASSWORD, peer=OWNER).status_code == 302


def test_without_a_proxy_the_forwarded_header_cannot_dodge_the_lockout(settings, liaison):
    settings.PUFA_PROXY_COUNT = 0
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), "wrong-password", peer=ATTACKER, forwarded=f"192.0.2.{n}")
    assert _login(Client(), TEST_PASSWORD, peer=ATTACKER, forwarded="192.0.2.99").status_code == 429
