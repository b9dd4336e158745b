"""Error pages and the health check, shared by every app."""

from __future__ import annotations

import sys

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults

from pufa.core.middleware import database_unreachable, unavailable_response


@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """For the proxy and the deployment scripts: is the app up and does the database answer?"""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_not_required
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "您没有权限访问此页面。"
    return render(request, "403.html", {"message": message}, status=403)


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler: Django's page, unless the error is the database being away (raised before the view,
    e.g. while loading the user's session): then the maintenance page, 503 (see DatabaseUnavailableMiddleware)."""
    exc = sys.exc_info()[1]
    if database_unreachable(exc):
        return unavailable_response(request, exc)  # type: ignore[arg-type]
    return defaults.server_error(request)


def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's own notifications; nobody else's are reachable, so no scoping is needed beyond the user."""
    from django.shortcuts import redirect

    from pufa.core.forms import paginate
    from pufa.core.models import Notification
    from pufa.core.notifications import mark_read

    if request.method == "POST":
        mark_read(user=request.user)
        return redirect("notification-list")
    page = paginate(request, Notification.objects.filter(user=request.user), per_page=30)
    return render(request, "core/notification_list.html", {"page": page})
