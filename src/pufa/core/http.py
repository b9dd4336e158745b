"""Typed requests for views: what the middleware adds to Django's `HttpRequest`."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request through `django_htmx.middleware.HtmxMiddleware` (every request): `request.htmx` is set.

    Only an annotation for views that read `request.htmx`; Django still passes its own request object.
    """

    htmx: HtmxDetails
