"""Sections that apps above the ledger add to an activity's page (DESIGN.md: a ledger activity refers to the
records of the apps above it — a training's attendees, a venue, cases explained — only through this registry).

An app registers in its AppConfig.ready():

    from pufa.ledger import extensions
    extensions.register_section(ActivitySection("people.attendees", "people/_activity_section.html", context))

and the activity page includes each section's template with the context its function returns for the
request and the activity (None: nothing to show to this user). The ledger never imports those apps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:
    from pufa.ledger.models import Activity


@dataclass(frozen=True)
class ActivitySection:
    key: str
    template: str
    context: Callable[[HttpRequest, Activity], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class RenderedSection:
    template: str
    context: dict[str, Any]


_SECTIONS: dict[str, ActivitySection] = {}


def register_section(section: ActivitySection) -> None:
    _SECTIONS[section.key] = section


def sections(request: HttpRequest, activity: Activity) -> list[RenderedSection]:
    """The sections to show on this activity's page for this user, in order."""
    shown = []
    for section in sorted(_SECTIONS.values(), key=lambda s: s.order):
        context = section.context(request, activity)
        if context is not None:
            shown.append(RenderedSection(section.template, context))
    return shown
