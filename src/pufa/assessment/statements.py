"""述职: the documents in which a unit accounts for its year, linked into its assessment.

Seed 004 (十六) asks member units to report on their duties (成员单位述职). Those reports are written in the
reports app, which sits above assessment (see the import-linter contract in pyproject.toml), so assessment
cannot read them itself: an app that keeps such documents registers a provider here when Django starts
(`reports` does in its AppConfig), and the unit's assessment page lists what the providers return for the
unit and the scheme's year, each scoped by its own app for the viewer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pufa.org.models import Unit


@dataclass(frozen=True)
class Statement:
    """One document of a unit's 述职: its title, where to read it, and its state in its own app."""

    title: str
    url: str
    status: str
    kind: str = "年度工作报告"


#: provider(actor=…, unit=…, year=…) -> the statements of `unit` for `year` the actor may read.
Provider = Callable[..., list[Statement]]

_PROVIDERS: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add (or replace) the provider called `name`; registering twice keeps one."""
    _PROVIDERS[name] = provider


def unregister(name: str) -> None:
    _PROVIDERS.pop(name, None)


def for_unit(*, actor: Any, unit: Unit, year: int) -> list[Statement]:
    """Every registered provider's statements of `unit` for `year`, as the actor may read them."""
    found: list[Statement] = []
    for name in sorted(_PROVIDERS):
        found.extend(_PROVIDERS[name](actor=actor, unit=unit, year=year))
    return found
