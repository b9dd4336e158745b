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
