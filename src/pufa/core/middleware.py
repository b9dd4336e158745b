"""Request-wide rules that are not any app's business: the idle timeout's session refresh, no caching of
what a logged-in user sees, a maintenance page while the database is away, the content security policy's
header built once."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import csp.middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger("pufa.unavailable")
RETRY_AFTER_SECONDS = 10

Handler = Callable[[HttpRequest], HttpResponse]


class SessionRefreshMiddleware:
    """Keep the idle timeout (PUFA_SESSION_IDLE_MINUTES) without writing the session on every request.

    A session expires SESSION_COOKIE_AGE after it was last saved. Saving it on every request
    (SESSION_SAVE_EVERY_REQUEST) costs a database write per page; here it is saved at most once every
    PUFA_SESSION_REFRESH_SECONDS, by stamping the time of the last refresh into it. A session therefore ends
    between (idle − refresh interval) and idle after the last request: never later than the idle timeout.
    """

    KEY = "_pufa_refreshed"

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        if session.is_empty():  # anonymous, or just logged out: nothing to keep alive
            return response
        last = int(session.get(self.KEY, 0))
        if session.is_empty():  # the cookie named a session that has expired: do not start a new one
            return response
        now = int(time.time())
        if session.modified or now - last >= settings.PUFA_SESSION_REFRESH_SECONDS:
            session[self.KEY] = now  # marks it modified: SessionMiddleware saves it with a fresh expiry
        return response


class NoStoreMiddleware:
    """Pages and downloads for a logged-in user are never kept by the browser or a proxy (Cache-Control:
    no-store): a shared computer's back button or cache must not show them to the next person."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


def database_unreachable(exc: BaseException | None) -> bool:
    """Did this exception come from a database that cannot be reached (not from a query it refused)?

    InterfaceError is the connection's own (already closed). An OperationalError counts only when a connection
    is left without a live link: the connect itself failed (no driver connection), or the driver says the link
    is closed or broken (a server restarted under a kept connection). A query the server refused on a live
    connection (a missing table, a statement timeout, a lock) stays a server error.
    """
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    for wrapper in connections.all(initialized_only=True):
        link = wrapper.connection
        if link is None:  # the connect failed (a refused query needs a connection)
            return True
        if getattr(link, "closed", False) or getattr(link, "broken", False):
            return True
    return False


def unavailable_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """503 with Retry-After and a page that needs no database; logged once, as a warning."""
    if not getattr(request, "_pufa_unavailable", False):  # the middlewares on the way out may meet it again
        logger.warning("database unreachable on %s %s: %s", request.method, request.path, exc)
        request._pufa_unavailable = True  # type: ignore[attr-defined]
    response = HttpResponse(render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    response._has_been_logged = True  # type: ignore[attr-defined] # django.request: do not log it as an error
    return response


class DatabaseUnavailableMiddleware:
    """A view that finds the database away (PostgreSQL restarting, the network to it down) answers 503 with
    Retry-After and 系统正在维护，请稍后再试 instead of a bare 500. A middleware before the view (the user's
    session) meeting the same is turned into the same page by the 500 handler (pufa.core.views.server_error).
    Any other error, a query error included, stays a 500 and is logged as one."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if database_unreachable(exception):
            return unavailable_response(request, exception)
        return None


#: The policy headers built from the settings alone, by report-only or not (dropped when a test changes them).
_POLICIES: dict[bool, str] = {}


def _forget_policies(*, setting: str, **kwargs: object) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _POLICIES.clear()


setting_changed.connect(_forget_policies)


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware, with the headers of a response that changes nothing of the policy built once
    per process. The library builds them from the settings on every response, twice (the policy and the
    report-only one): 0.05 ms, a tenth of the public survey page's GET, which every phone opening a poster's
    link asks for. A response with a policy of its own (csp_update, csp_replace, csp_exempt and their
    report-only kin) or a request whose nonce a template used goes the library's way."""

    OWN = tuple(f"_csp_{part}{ro}" for part in ("config", "update", "replace", "exempt") for ro in ("", "_ro"))

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(hasattr(response, a) for a in self.OWN):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        for report_only, header, name in (
            (False, HEADER, "CONTENT_SECURITY_POLICY"),
            (True, HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            policy = _POLICIES.get(report_only)
            if policy is None:
                policy = _POLICIES[report_only] = build_policy(report_only=report_only)
            excluded = (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if policy and header not in response and not request.path_info.startswith(tuple(excluded)):
                response[header] = policy
        # as the library does: a template asking for a nonce once the header is written is an error
        request.csp_nonce = csp.middleware.CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
