"""Home-page panels registered by the apps, so the home page (org) shows progress, ledger or duties
summaries without importing the apps above it. A panel is a template and a function building its context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class HomePanel:
    key: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]  # None: nothing to show for this user
    action: str | None = None
    order: int = 100


_PANELS: dict[str, HomePanel] = {}


def register(panel: HomePanel) -> None:
    _PANELS[panel.key] = panel


def panels() -> list[HomePanel]:
    return sorted(_PANELS.values(), key=lambda p: p.order)


# ---------------------------------------------------------------- 待办: what is waiting for the user


@dataclass(frozen=True)
class TodoItem:
    """One record named in a to-do line (a returned activity with its reason, a list due …)."""

    title: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class Todo:
    """One line of the 待办 inbox: `count` records wait for the user, and `url` lists exactly those.

    Counts are computed from record states by the app's selectors (never stored counters), starting from
    `org.access.scope`, so the figure and the list behind its link cannot disagree.
    """

    label: str  # what waits, after the number: "条活动待确认"
    count: int
    url: str
    items: tuple[TodoItem, ...] = ()  # a few of the records, when naming them helps (reasons, deadlines)
    order: int = 100
    capped: bool = False  # `count` is a capped count (core.forms.capped_count) and more wait: shown "1000+"


@dataclass(frozen=True)
class Shortcut:
    """A one-tap action offered above the inbox (登记活动)."""

    label: str
    url: str
    order: int = 100


@dataclass(frozen=True)
class TodoSource:
    """An app's contribution to the inbox: `todos(actor)` returns None when the app has nothing to do with
    this user's roles, else its lines (count 0 lines are dropped) and shortcuts."""

    key: str
    todos: Callable[[Any], list[Todo | Shortcut] | None]
    order: int = 100


_TODOS: dict[str, TodoSource] = {}


def register_todo(source: TodoSource) -> None:
    _TODOS[source.key] = source


@dataclass
class Inbox:
    todos: list[Todo]
    shortcuts: list[Shortcut]
    applies: bool  # some app has work for this user's roles; if not, the page says what they can do

    @property
    def total(self) -> int:
        return sum(t.count for t in self.todos)

    @property
    def capped(self) -> bool:
        return any(t.capped for t in self.todos)


def inbox(actor: Any) -> Inbox:
    todos: list[Todo] = []
    shortcuts: list[Shortcut] = []
    applies = False
    for source in sorted(_TODOS.values(), key=lambda s: s.order):
        entries = source.todos(actor)
        if entries is None:
            continue
        applies = True
        for entry in entries:
            if isinstance(entry, Shortcut):
                shortcuts.append(entry)
            elif entry.count:
                todos.append(entry)
    return Inbox(
        todos=sorted(todos, key=lambda t: t.order), shortcuts=sorted(shortcuts, key=lambda s: s.order), applies=applies
    )


def inbox_panel(request: HttpRequest) -> dict[str, Any] | None:
    """The 待办 panel at the top of every home page."""
    return {"inbox": inbox(request.user)}
