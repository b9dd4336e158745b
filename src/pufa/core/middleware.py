"""Request-wide rules that are not any app's business: the idle timeout's session refresh, no caching of
what a logged-in user sees."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

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
