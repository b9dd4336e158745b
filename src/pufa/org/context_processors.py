"""The role-built navigation for every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from pufa.core import navigation as nav_registry
from pufa.org.access import can


def navigation_items(user: Any) -> list[dict[str, str]]:
    entries = []
    for item in nav_registry.items():
        if item.action is not None and not can(user, item.action):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entries.append({"label": item.label, "url": url, "url_name": item.url_name, "icon": item.icon})
    return entries


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": navigation_items(user)}
