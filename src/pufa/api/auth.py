"""Who calls the data interface, and how often.

- **Tokens** (`Authorization: Bearer pufa_…`): the token's owner acts, with their scope and roles. A read-only
  token is refused every write (403). Each use is recorded in the audit trail once per token and day.
- **Session** (the browser, e.g. the docs page): the signed-in user, with Django's CSRF check on every write,
  so a page elsewhere cannot make a signed-in browser write.
- **Rate limit** per token (per user for sessions): `PUFA_API_RATE` requests per minute, counted in the cache
  in fixed one-minute windows; beyond it, 429 with Retry-After.

No credentials → 401 (never a login redirect: `pufa.api.endpoints` opts the API out of LoginRequiredMiddleware).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth
from ninja.throttling import BaseThrottle
from ninja.utils import check_csrf

from pufa.api import selectors, services
from pufa.api.models import ApiToken
from pufa.core.client_ip import client_ip

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """A personal token in the Authorization header."""

    openapi_description = "个人接口令牌：在“接口令牌”页面创建，请求时加请求头 Authorization: Bearer pufa_…"

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = selectors.token_for_key(token)
        if found is None:
            return None
        if found.read_only and request.method not in SAFE_METHODS:
            raise HttpError(403, "该令牌为只读令牌，不能修改数据。")
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        services.token_record_use(token=found, ip_address=client_ip(request))
        return found


class BrowserSession(SessionAuth):
    """The signed-in browser; writes need the CSRF token (X-CSRFToken), as on the pages.

    Without a signed-in user this says "not me" before any CSRF check, so a client whose token expired or is
    missing gets 401 on a write too, not a CSRF 403."""

    openapi_description = "浏览器登录会话（修改数据时须带 X-CSRFToken 请求头）"

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise HttpError(403, "CSRF 校验失败：浏览器中修改数据须带 X-CSRFToken 请求头。")
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return getattr(request, "user", None)


def rate_per_minute() -> int:
    return int(getattr(settings, "PUFA_API_RATE", 600))


class TokenRateThrottle(BaseThrottle):
    """At most `PUFA_API_RATE` requests per minute per token (per user for a browser session).

    Fixed windows counted with `cache.incr`, so the throttle keeps no state of its own and is safe in a
    threaded server; with Redis the count is shared by every process."""

    def _ident(self, request: HttpRequest) -> str:
        token = getattr(request, "api_token", None)
        if token is not None:
            return f"t{token.pk}"
        return f"u{getattr(request.user, 'pk', '') or client_ip(request)}"

    def allow_request(self, request: HttpRequest) -> bool:
        window = int(time.time() // 60)
        key = f"api-rate:{self._ident(request)}:{window}"
        cache.add(key, 0, timeout=120)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=120)
            count = 1
        return count <= rate_per_minute()

    def wait(self) -> float | None:
        return 60 - time.time() % 60
