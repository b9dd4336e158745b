"""The navigation registry: each app registers its menu entries in AppConfig.ready().

The menu is built per user from these entries and the role table, so an app plugs in without the shell
importing it (STYLE.md: later areas plug into registries).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    action: str | None  # the action code a user needs to see the entry; None = every logged-in user
    order: int = 100
    icon: str = ""
    #: Entries sharing a group are one drop-down menu (at the place of its first entry), so the bar stays one
    #: line on an office screen as areas are added: "系统管理" for the office's own tools, "普法资源" for the
    #: areas that keep the region's resources (rosters, venues, cases, exams).
    group: str = ""


_ITEMS: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _ITEMS[item.url_name] = item


def items() -> list[NavItem]:
    return sorted(_ITEMS.values(), key=lambda i: (i.order, i.label))
