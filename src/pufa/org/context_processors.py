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
        entries.append(
            {"label": item.label, "url": url, "url_name": item.url_name, "icon": item.icon, "group": item.group}
        )
    return entries


def navigation_menu(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bar: entries without a group as links, each group as one drop-down at its first entry's place."""
    menu: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if not entry["group"]:
            menu.append(entry)
        elif entry["group"] in groups:
            groups[entry["group"]]["children"].append(entry)
        else:
            groups[entry["group"]] = {"label": entry["group"], "children": [entry]}
            menu.append(groups[entry["group"]])
    # A group the user sees one entry of is that entry: a menu of one is a click for nothing.
    return [item["children"][0] if len(item.get("children", ())) == 1 else item for item in menu]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_menu": []}
    entries = navigation_items(user)
    return {"nav_items": entries, "nav_menu": navigation_menu(entries)}
