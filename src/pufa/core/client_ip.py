"""The client's address, as the reverse proxies in front of pufa report it (PUFA_PROXY_COUNT).

Used by the login lockout (django-axes: AXES_CLIENT_IP_CALLABLE), the login audit and rate limits. Axes' own
AXES_IPWARE_* settings only take effect with the optional django-ipware package; this rule is short enough to
keep here, and one definition serves all three.

Each proxy appends the address it received the request from to X-Forwarded-For, so with N trusted proxies
the client is the N-th entry from the right: entries further left were written by the client and can be
forged. Without a proxy (N = 0), X-Forwarded-For is ignored and REMOTE_ADDR is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address; the nearest peer's when the proxy header is missing, short or malformed."""
    peer = request.META.get("REMOTE_ADDR")
    proxies = settings.PUFA_PROXY_COUNT
    if proxies > 0:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            address = _valid(forwarded[-proxies])
            if address is not None:
                return address
    return _valid(peer) if peer else None
