"""The unread-notification count in the navigation bar (one small indexed query per page)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from pufa.core.notifications import unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    return {"unread_notifications": unread_count(getattr(request, "user", None))}
